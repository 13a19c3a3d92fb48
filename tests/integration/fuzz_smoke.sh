#!/usr/bin/env bash
# Runs the config reader's fuzz target for 20 seconds from the golden
# corpus: no crash, leak or sanitizer report may appear.
set -u
cd "$TOP" || exit 1
if ! command -v clang >/dev/null; then
    echo "SKIP: clang is not installed"
    exit 77
fi
probe=$(mktemp -d)
trap 'rm -rf "$probe"' EXIT
echo 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n)
{ (void)d; (void)n; return 0; }' >"$probe/p.c"
if ! clang -fsanitize=fuzzer "$probe/p.c" -o "$probe/p" 2>/dev/null; then
    echo "SKIP: clang's libFuzzer runtime is missing (libclang-rt-dev)"
    exit 77
fi
make --no-print-directory fuzz FUZZ_SECONDS=20
