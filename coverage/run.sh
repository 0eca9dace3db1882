#!/usr/bin/env bash
# coverage/run.sh: line and branch coverage of driver/ and sim/.
#
# Builds with gcc and -DVIO_COVERAGE=ON in its own build directory (build-coverage/, or
# $VIO_COVERAGE_BUILD), which folds the ALWAYS()/NEVER() guards of impossible cases
# away; runs the whole suite except the qemu label (unit tests, the
# error matrix, the fuzz corpus replay, viosim); writes an lcov HTML report to
# coverage/report/; prints line and branch percentages for driver/ and sim/; exits
# non-zero when one is below its threshold in coverage/thresholds.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=${VIO_COVERAGE_BUILD:-$root/build-coverage}
report=$root/coverage/report
rc=(--rc lcov_branch_coverage=1)

cmake -S "$root" -B "$build" -DCMAKE_C_COMPILER=gcc -DCMAKE_BUILD_TYPE=Debug \
    -DVIO_COVERAGE=ON >/dev/null
cmake --build "$build" -j"${JOBS:-2}" >/dev/null
find "$build" -name '*.gcda' -delete
suite=0
ctest --test-dir "$build" -LE qemu -j"${JOBS:-2}" --output-on-failure >"$build/coverage-ctest.log" 2>&1 ||
    suite=$?
tail -n 3 "$build/coverage-ctest.log"

info=$build/coverage.info
# geninfo's warnings (and lcov 1.16's perl noise) go to a log, shown only on failure
if ! lcov --quiet "${rc[@]}" --capture --directory "$build" --base-directory "$root" \
    --output-file "$info.all" >"$build/coverage-lcov.log" 2>&1; then
    cat "$build/coverage-lcov.log"
    exit 1
fi
lcov --quiet "${rc[@]}" --extract "$info.all" "$root/driver/*" "$root/sim/*" \
    --output-file "$info" >/dev/null
rm -rf "$report"
genhtml --quiet "${rc[@]}" --branch-coverage --title vio --prefix "$root" \
    --output-directory "$report" "$info" >/dev/null

# "lines 95.1" / "branches 85.0" of one area
percent() {
    lcov "${rc[@]}" --extract "$info" "$root/$1/*" --output-file "$build/$1.info" >/dev/null
    lcov "${rc[@]}" --summary "$build/$1.info" 2>&1 |
        sed -n "s/^ *\(lines\|branches\)\.*: \([0-9.]*\)%.*/\1 \2/p"
}

status=0
printf '%-8s %-9s %7s %9s\n' area metric percent threshold
for area in driver sim; do
    while read -r metric value; do
        want=$(awk -v a="$area" -v m="$metric" '$1 == a && $2 == m { print $3 }' \
            "$root/coverage/thresholds")
        verdict=
        if [ -n "$want" ] && awk -v v="$value" -v w="$want" 'BEGIN { exit !(v < w) }'; then
            verdict='  BELOW'
            status=1
        fi
        printf '%-8s %-9s %6s%% %8s%s\n' "$area" "$metric" "$value" "${want:--}${want:+%}" \
            "$verdict"
    done < <(percent "$area")
done
echo "report: $report/index.html"
if [ "$suite" -ne 0 ]; then
    echo "the test suite failed (see $build/coverage-ctest.log)"
    status=1
fi
exit "$status"
