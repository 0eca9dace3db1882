#!/usr/bin/env bash
# fuzz/run.sh SECONDS [TARGET...]
#
# Builds the libFuzzer targets with clang (ASan+UBSan) in their own build directory
# (build-fuzz/, or $VIO_FUZZ_BUILD), replays each target's committed regression inputs,
# then fuzzes each target for SECONDS on its working corpus (fuzz/out/corpus/TARGET,
# grown from the generated seeds), with its dictionary. Prints one line per target:
# execs/s and the crashes found. Crash inputs land in fuzz/out/crashes/, logs in
# fuzz/out/logs/. Exits non-zero when anything crashed.
set -euo pipefail

secs=${1:-10}
shift || true
root=$(cd "$(dirname "$0")/.." && pwd)
build=${VIO_FUZZ_BUILD:-$root/build-fuzz}
out=$root/fuzz/out
all=(fuzz_mmio_probe fuzz_pci fuzz_used_ring fuzz_responses fuzz_bench fuzz_ops)
if [ $# -gt 0 ]; then targets=("$@"); else targets=("${all[@]}"); fi

cmake -S "$root" -B "$build" -DCMAKE_C_COMPILER=clang -DVIO_FUZZ=ON -DVIO_TESTS=OFF \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j"${JOBS:-2}" --target fuzz_seeds "${targets[@]}" >/dev/null
mkdir -p "$out/crashes" "$out/logs"

failed=0
printf '%-16s %10s  %s\n' target execs/s crashes
for t in "${targets[@]}"; do
    bin=$build/fuzz/$t
    log=$out/logs/$t.log
    mkdir -p "$out/corpus/$t"
    crashes=()
    : >"$out/logs/$t-regressions.log"
    # the committed regressions first, one by one, so each failing one is named
    for f in "$root/fuzz/corpus/$t"/*; do
        [ -f "$f" ] || continue
        if ! "$bin" -runs=1 "$f" >>"$out/logs/$t-regressions.log" 2>&1; then
            crashes+=("regression:$(basename "$f")")
        fi
    done
    dict=()
    [ -f "$root/fuzz/dict/$t.dict" ] && dict=(-dict="$root/fuzz/dict/$t.dict")
    set +e
    "$bin" -max_total_time="$secs" -print_final_stats=1 -artifact_prefix="$out/crashes/$t-" \
        "${dict[@]}" "$out/corpus/$t" "$build/fuzz/seeds/$t" >"$log" 2>&1
    rc=$?
    set -e
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    if [ -z "$rate" ]; then
        # a crash ends the run before the final stats: the last status line has the rate
        rate=$(grep -o 'exec/s: [0-9]*' "$log" | tail -1 | sed 's/exec\/s: //')
    fi
    if [ "$rc" -ne 0 ]; then
        art=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -1)
        crashes+=("${art:-exit $rc, see $log}")
    fi
    [ "${#crashes[@]}" -eq 0 ] || failed=1
    printf '%-16s %10s  %s\n' "$t" "${rate:-?}" "${crashes[*]:-none}"
done
exit "$failed"
