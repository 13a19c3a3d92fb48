#!/usr/bin/env bash
# Benchmark of the config reader: configs parsed per second over the
# corpus (examples/*.cfg and the golden tests/config/ok-*.cfg), beside
# libxlutil's xlu_cfg_readdata on the xl-compatible files, with the ratio.
# Usage: bench/parse.sh [BUILD]   (BUILD defaults to build; run `make`
# first).  Reports only; nothing here asserts a timing.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
build=${1:-build}
[ -f "$build/libxltool.a" ] || make --no-print-directory BUILD="$build"
out=$build/bench
mkdir -p "$out"
# shellcheck disable=SC2046
cc -std=gnu11 -O2 -D_GNU_SOURCE -DHAVE_YAJL_YAJL_VERSION_H -Iconfig-parser \
    $(pkg-config --cflags xenlight xlutil yajl) -o "$out/parse_bench" \
    bench/parse_bench.c "$build/libxltool.a" \
    $(pkg-config --libs xenlight xlutil yajl libconfig openssl \
      libnl-route-3.0) -lutil -lm -lpthread
echo "config reader benchmark ($(date -u +%Y-%m-%dT%H:%MZ), $(nproc) CPUs)"
XLTOOL_XL_CONF=/dev/null "$out/parse_bench" examples/*.cfg \
    tests/config/ok-*.cfg
