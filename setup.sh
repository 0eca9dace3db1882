#!/usr/bin/env bash
# Quick start, step 1: install dependencies, configure, build, then run viosim.
set -euo pipefail
cd "$(dirname "$0")"
bash scripts/deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build build -j"$(nproc)"
./build/bin/viosim
