#!/bin/sh
# Builds an optimised tftsr and runs the benchmarks with their peers in the same run:
# the store (plain SQLite, ripgrep; the app start-up on a private Xvfb display), the
# PII scanner and ingest (ripgrep, pcre2grep, gzip) and the log viewer on 1 GiB (lnav).
# Arguments go to bench-store.
#   bench/run-benchmarks.sh [--count N] [--rounds N]
set -eu
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
cmake -S . -B build-bench -G Ninja -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF >/dev/null
cmake --build build-bench --target bench-store bench-pii bench-viewer tftsr tftsr-cli tftsr-schemas
loghub=../shared/data/loghub
[ -d "$loghub" ] || loghub=""
export GSETTINGS_SCHEMA_DIR="$PWD/build-bench/data"
./build-bench/bench/bench-pii --cli ./build-bench/src/cli/tftsr-cli ${loghub:+--loghub "$loghub"}
echo
dbus-run-session -- xvfb-run --auto-servernum --server-args="-screen 0 1280x800x24" \
  ./build-bench/bench/bench-viewer ${loghub:+--loghub "$loghub"}
echo
exec dbus-run-session -- xvfb-run --auto-servernum --server-args="-screen 0 1280x800x24" \
  ./build-bench/bench/bench-store --app ./build-bench/src/app/tftsr ${loghub:+--loghub "$loghub"} "$@"
