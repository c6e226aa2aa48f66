#!/bin/bash -eu
# ClusterFuzzLite runs this as $SRC/build.sh in the image's WORKDIR, the repository root.
# The targets and how they are built live in fuzz/oss-fuzz/build.sh, shared with OSS-Fuzz,
# so that there is one list of fuzz targets.
exec bash -eu fuzz/oss-fuzz/build.sh "$@"
