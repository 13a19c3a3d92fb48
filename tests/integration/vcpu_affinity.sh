#!/usr/bin/env bash
# vcpu_affinity.sh - vcpu-pin's hard and soft affinity ("-" leaves one
# alone), -f, -N's dry run, and vcpu-set's check against the host's cpus
# (-i to go past it), on the simulated backend.
. "$TOP/tests/integration/lifecycle.lib"

n=$(nproc)
[ "$n" -ge 2 ] || { echo "SKIP: needs 2 cpus"; exit 77; }
mkcfg v "vcpus = 2" "maxvcpus = $((n + 2))"
x create v.cfg >/dev/null || fail "create"

# aff VCPU: "HARD / SOFT" as vcpu-list prints them.
aff() { x vcpu-list v | awk -v c="$1" 'NR > 1 && $3 == c { print $(NF-2), $(NF-1), $NF }'; }
[ "$(aff 1)" = "all / all" ] || fail "initial affinity: $(aff 1)"
x vcpu-pin v 1 - 0 || fail "soft only"
[ "$(aff 1)" = "all / 0" ] || fail "soft: $(aff 1)"
[ "$(aff 0)" = "all / all" ] || fail "vcpu 0 changed: $(aff 0)"
x vcpu-pin v 1 1 || fail "hard only"
[ "$(aff 1)" = "1 / 0" ] || fail "hard kept soft: $(aff 1)"
x vcpu-pin v all 0-1 1 || fail "all"
[ "$(aff 0)" = "$( [ "$n" -eq 2 ] && echo all || echo 0-1) / 1" ] ||
    fail "all: $(aff 0)"
x vcpu-pin -f v 0 all - || fail "-f one vcpu"
[ "$(aff 0)" = "all / 1" ] || fail "-f: $(aff 0)"

# Refusals change nothing.
before=$(x vcpu-list v)
x vcpu-pin -f v all 0 2>/dev/null; [ $? -eq 2 ] || fail "-f with all"
x vcpu-pin v 0 - 99 2>/dev/null && fail "cpu 99 taken"
x vcpu-pin v 9 0 2>/dev/null && fail "vcpu 9 taken"
x vcpu-pin v 0 0 1 2 2>/dev/null; [ $? -eq 2 ] || fail "extra argument"
[ "$(x -N vcpu-pin v 0 0 -)" = "cpumap: 0" ] || fail "-N output"
[ "$(x -N vcpu-pin v 1 - 0-1)" = "cpumap: - $([ "$n" -eq 2 ] && echo all || echo 0-1)" ] ||
    fail "-N soft: $(x -N vcpu-pin v 1 - 0-1)"
[ "$(x vcpu-list v)" = "$before" ] || fail "a refusal or -N changed affinity"

# vcpu-set: more than the host's cpus only with -i.
x vcpu-set v $((n + 1)) 2>err && fail "overcommit accepted"
grep -q -- '--ignore-host' err || fail "no hint: $(cat err)"
[ "$(field v 4)" = 2 ] || fail "refused vcpu-set changed the count"
x vcpu-set -i v $((n + 1)) || fail "vcpu-set -i"
[ "$(field v 4)" = $((n + 1)) ] || fail "vcpu-set -i: $(field v 4)"
x vcpu-set v "$n" || fail "fewer than online, within the host"
x vcpu-set --ignore-host v 1 || fail "--ignore-host"
[ "$(field v 4)" = 1 ] || fail "vcpu-set 1: $(field v 4)"
x destroy v
exit 0
