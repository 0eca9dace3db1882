#!/usr/bin/env bash
# Compiles every driver/ source for bare-metal riscv64 with no C library reachable,
# then fails on a forbidden include or on any undefined symbol a C library would provide.
# memcpy/memmove/memset/memcmp are allowed: a freestanding C compiler may emit calls
# to them, and every freestanding environment must supply them.
set -euo pipefail
driver=$1 out=$2 clang=$3 lld=$4 nm=$5
mkdir -p "$out"
rm -f "$out"/*.o

allowed='stddef|stdint|stdbool|stdalign|stdatomic|limits'
bad=$(grep -rnE '^[[:space:]]*#[[:space:]]*include[[:space:]]*<' "$driver" |
      grep -vE "<($allowed)\.h>" || true)
if [ -n "$bad" ]; then
  echo "driver/ includes a header outside the freestanding set:"
  echo "$bad"
  exit 1
fi

flags=(--target=riscv64-unknown-elf -march=rv64imac -mabi=lp64 -mcmodel=medany -mno-relax
       -ffreestanding -fno-builtin -nostdlib -nostdlibinc -std=c11 -O2
       -Wall -Wextra -Werror -I "$driver/include")
n=0
for src in "$driver"/src/*.c; do
  "$clang" "${flags[@]}" -c "$src" -o "$out/$(basename "$src" .c).o"
  n=$((n + 1))
done
"$lld" -r -o "$out/driver.o" "$out"/*.o
undef=$("$nm" -u "$out/driver.o" | awk '{print $NF}' | grep -vxE 'memcpy|memmove|memset|memcmp' || true)
if [ -n "$undef" ]; then
  echo "driver/ needs symbols a freestanding environment does not provide:"
  echo "$undef"
  exit 1
fi
echo "freestanding riscv64: $n driver sources compiled, no libc dependency"
