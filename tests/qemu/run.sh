#!/usr/bin/env bash
# Builds the bare-metal guest image and boots one QEMU configuration, showing its UART live,
# then runs the same host-side checks as CTest.
#   tests/qemu/run.sh mmio-modern      (tests/qemu/run.sh --list shows the configurations)
# VIO_BUILD_DIR picks the build directory (default: build/qemu in the source tree).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
if [ "${1:-}" = "" ] || [ "$1" = "--list" ]; then
    python3 "$here/qemu_run.py" --list
    exit 0
fi
build=${VIO_BUILD_DIR:-$root/build/qemu}
if [ -f "$build/CMakeCache.txt" ]; then
    cmake "$build" >/dev/null
else
    # A fresh directory only for the image: the bench and fuzzers are not needed.
    cmake -S "$root" -B "$build" -DVIO_SIM=OFF >/dev/null
fi
cmake --build "$build" --target vio_qemu_image
exec python3 "$here/qemu_run.py" --interactive \
    --image "$build/tests/qemu/vio-guest-riscv64.elf" \
    --workdir "$build/tests/qemu/run/$1" "$1"
