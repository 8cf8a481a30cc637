#!/bin/sh
# Every source and template with translatable strings is listed in po/POTFILES.in, so that
# no sentence the user sees escapes translation.
set -eu
cd "$(dirname "$0")/.."
missing=0
for f in $(grep -rl '_ ("' src --include='*.c') $(grep -l 'translatable="yes"' ui/*.ui); do
  if ! grep -qx "$f" po/POTFILES.in; then
    echo "not in po/POTFILES.in: $f"
    missing=1
  fi
done
exit $missing
