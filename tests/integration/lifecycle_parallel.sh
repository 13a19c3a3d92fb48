#!/usr/bin/env bash
# lifecycle_parallel.sh - 50 creates at once get 50 distinct domids, every
# record is whole, every domain runs; then 50 destroys at once leave
# nothing behind and no process.
. "$TOP/tests/integration/lifecycle.lib"

N=50
for i in $(seq 1 $N); do
    mkcfg "p$i"
done
pids=()
for i in $(seq 1 $N); do
    x create -q "p$i.cfg" >"p$i.out" 2>&1 &
    pids+=($!)
done
st=0
for p in "${pids[@]}"; do
    wait "$p" || st=1
done
[ $st -eq 0 ] || fail "a create failed: $(cat p*.out | grep -v Parsing | head -5)"
x list >list.out || fail "list"
[ "$(grep -c '^p[0-9]' list.out)" -eq $N ] || fail "$(grep -c '^p' list.out) listed"
[ "$(awk 'NR > 1 { print $2 }' list.out | sort -u | wc -l)" -eq $((N + 1)) ] ||
    fail "domids not distinct"
[ "$(awk 'NR > 1 { print $1 }' list.out | sort -u | wc -l)" -eq $((N + 1)) ] ||
    fail "names not distinct"
for d in $(domids); do
    grep -q '^life 1$' "$XLTOOL_SIM_DIR/dom/$d/info" || fail "record $d"
done
grep -q 'sc-' list.out && fail "crashed domains: $(grep sc- list.out)"

pids=()
for d in $(domids); do
    x destroy "$d" 2>/dev/null &
    pids+=($!)
done
for p in "${pids[@]}"; do
    wait "$p" || fail "a destroy failed"
done
no_state_left
exit 0
