#!/bin/sh
# Builds an optimised tftsr and runs the benchmarks with their peers in the same run:
# the store (plain SQLite, ripgrep; the app start-up on a private Xvfb display), the
# PII scanner and ingest (ripgrep, pcre2grep, gzip), the log template miner (accuracy on
# Loghub's labelled samples; 1 GiB against gzip -1 and wc -l), PDF and HTML export of a
# 200-page RCA (cmark-gfm), the log viewer on 1 GiB (lnav), the reading of a streamed AI reply (curl)
# and the triage chat's piece-to-screen latency. The
# tests' tree is configured for the loopback server the stream benchmarks talk to; no test
# is built.
# Arguments go to bench-store.
#   bench/run-benchmarks.sh [--count N] [--rounds N]
set -eu
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
cmake -S . -B build-bench -G Ninja -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=ON >/dev/null
cmake --build build-bench --target bench-store bench-pii bench-miner loghub-eval bench-pdf bench-viewer bench-ai-stream bench-chat-latency tftsr tftsr-cli tftsr-schemas
loghub=../shared/data/loghub
[ -d "$loghub" ] || loghub=""
export GSETTINGS_SCHEMA_DIR="$PWD/build-bench/data"
./build-bench/bench/bench-pii --cli ./build-bench/src/cli/tftsr-cli ${loghub:+--loghub "$loghub"}
echo
if [ -n "$loghub" ]; then
  ./build-bench/bench/loghub-eval "$loghub"
  echo
  ./build-bench/bench/bench-miner --loghub "$loghub"
  echo
fi
./build-bench/bench/bench-pdf
echo
./build-bench/bench/bench-ai-stream
echo
dbus-run-session -- xvfb-run --auto-servernum --server-args="-screen 0 1280x800x24" \
  ./build-bench/bench/bench-viewer ${loghub:+--loghub "$loghub"}
echo
dbus-run-session -- xvfb-run --auto-servernum --server-args="-screen 0 1280x800x24" \
  ./build-bench/bench/bench-chat-latency
echo
exec dbus-run-session -- xvfb-run --auto-servernum --server-args="-screen 0 1280x800x24" \
  ./build-bench/bench/bench-store --app ./build-bench/src/app/tftsr ${loghub:+--loghub "$loghub"} "$@"
