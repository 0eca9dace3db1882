#!/bin/bash -eu
# ClusterFuzzLite builds exactly as OSS-Fuzz does.
exec "$SRC/vio/fuzz/oss-fuzz/build.sh"
