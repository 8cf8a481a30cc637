#!/bin/sh
# Installs the dependencies, builds tftsr and starts the app from the build tree.
set -eu
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j "$(nproc)" --target tftsr tftsr-cli tftsr-schemas
exec ./build/src/app/tftsr "$@"
