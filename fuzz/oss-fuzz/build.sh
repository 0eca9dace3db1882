#!/bin/bash -eu
# OSS-Fuzz / ClusterFuzzLite build: every fuzz target into $OUT with its seed corpus
# (generated seeds plus the committed regressions) and its dictionary. Compiler, flags
# and engine come from the environment ($CC, $CFLAGS, $LIB_FUZZING_ENGINE), so the same
# script serves every engine and sanitizer the infrastructure builds (ASan, UBSan).
src=${VIO_SRC:-$SRC/vio}
build=$WORK/vio-build

# smaller rings, as fuzz/CMakeLists.txt explains (VIO_FUZZ_QUEUE_MAX)
cmake -S "$src" -B "$build" -DCMAKE_C_COMPILER="$CC" \
    -DCMAKE_C_FLAGS="$CFLAGS -DVIO_QUEUE_MAX_SIZE=32" \
    -DCMAKE_BUILD_TYPE=Release -DVIO_TESTS=OFF -DVIO_FUZZ=ON \
    -DVIO_FUZZ_ENGINE="$LIB_FUZZING_ENGINE"
cmake --build "$build" -j"$(nproc)"

while read -r t; do
    cp "$build/fuzz/$t" "$OUT/"
    rm -f "$OUT/${t}_seed_corpus.zip"
    (cd "$build/fuzz/seeds/$t" && zip -q -r "$OUT/${t}_seed_corpus.zip" .)
    (cd "$src/fuzz/corpus/$t" && zip -q -r "$OUT/${t}_seed_corpus.zip" .)
    if [ -f "$src/fuzz/dict/$t.dict" ]; then
        cp "$src/fuzz/dict/$t.dict" "$OUT/$t.dict"
    fi
done <"$build/fuzz/targets.txt"
