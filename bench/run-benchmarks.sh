#!/bin/sh
# Builds an optimised tftsr and runs the benchmarks with their peers (plain SQLite,
# ripgrep) in the same run. The app start-up is timed on a private Xvfb display.
#   bench/run-benchmarks.sh [--count N] [--rounds N]
set -eu
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
cmake -S . -B build-bench -G Ninja -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF >/dev/null
cmake --build build-bench --target bench-store tftsr tftsr-schemas
loghub=../shared/data/loghub
[ -d "$loghub" ] || loghub=""
export GSETTINGS_SCHEMA_DIR="$PWD/build-bench/data"
exec dbus-run-session -- xvfb-run --auto-servernum --server-args="-screen 0 1280x800x24" \
  ./build-bench/bench/bench-store --app ./build-bench/src/app/tftsr ${loghub:+--loghub "$loghub"} "$@"
