#!/bin/sh
# Installs the dependencies, builds tftsr and runs every test: the GLib tests (GUI tests
# on their own Xvfb), the same suite under valgrind, again built with AddressSanitizer and
# UndefinedBehaviorSanitizer, then each libFuzzer target briefly from its seed corpus.
#   FUZZ_SECONDS=N  seconds per fuzz target (default 15)
set -eu
cd "$(dirname "$0")/.."
./scripts/install-deps.sh

jobs=$(nproc)
fuzz_seconds=${FUZZ_SECONDS:-15}

echo "== build and test =="
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j "$jobs"
ctest --test-dir build --output-on-failure -j "$jobs"

echo "== sanitizers (address, undefined) =="
cmake -S . -B build-sanitize -G Ninja -DCMAKE_BUILD_TYPE=Debug -DTFTSR_SANITIZE=ON >/dev/null
cmake --build build-sanitize -j "$jobs"
ctest --test-dir build-sanitize --output-on-failure -j "$jobs"

echo "== fuzzing (${fuzz_seconds}s per target) =="
CC=clang cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTFTSR_FUZZ=ON \
  -DTFTSR_BUILD_APP=OFF -DBUILD_TESTING=OFF >/dev/null
cmake --build build-fuzz -j "$jobs"
for target in build-fuzz/tests/fuzz/fuzz-*; do
  name=$(basename "$target" | sed 's/^fuzz-//')
  work=$(mktemp -d)
  if ! LSAN_OPTIONS="suppressions=$PWD/tests/fuzz/lsan.supp" \
       "$target" -max_total_time="$fuzz_seconds" -max_len=8192 -print_final_stats=1 \
       -artifact_prefix="$work/" "$work" "tests/fuzz/corpus/$name" >"$work/log" 2>&1; then
    tail -n 60 "$work/log"
    echo "fuzz-$name failed; the input that broke it is in $work"
    exit 1
  fi
  echo "fuzz-$name: $(grep -E '^stat::number_of_executed_units' "$work/log" | awk '{print $2}') runs, no failure"
  rm -rf "$work"
done
echo "== all tests passed =="
