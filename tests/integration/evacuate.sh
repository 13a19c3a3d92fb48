#!/usr/bin/env bash
# evacuate.sh - evacuate A to B with 2 migrations at once: of 4 domains,
# one has its disk on A's local storage, which B's preflight refuses; it
# is reported before anything moves and stays running on A, the 3 others
# arrive on B still running, the summary table says so and the exit
# status says that A is not empty.  Back from B with --json: the JSON
# summary, and exit 0 once B is empty.  Then placement by free memory:
# with B holding 200 MiB, domains of 96, 64 and 64 MiB each pass B's
# preflight alone, but only the first two fit together; the third is
# refused, saying so, and stays.  Last, a migration that fails (B's
# connection process killed while it receives, as migrate-faults.sh does)
# leaves its domain running on A, reported as failed.
. "$(dirname "$0")/migrate-lib.bash"

two_hosts psk
start_server A
start_server B

for d in e1 e2 e3; do
    make_domain A $d 48
done
make_domain A e4 32 "$T/A/local/e4.img"
guest A e1 "dirty 8M/s" >/dev/null
c0=$(field A e2 counter)

log "evacuate A -> B, 2 at once"
xa evacuate -j 2 $IPB >"$T/out.evac" 2>&1
rc=$?
cat "$T/out.evac"
[ $rc = 1 ] || fail "exit status $rc with e4 left on A"
grep -q "^preflight: e4 on $IPB: refused: disk $T/A/local/e4.img not found" \
    "$T/out.evac" || fail "no preflight refusal for e4"
grep -q "^plan: e4 stays: no host takes it ($IPB: disk .* not found on $IPB)" \
    "$T/out.evac" || fail "e4 not reported as staying"
plan=$(grep -n "^plan: e4 stays" "$T/out.evac" | cut -d: -f1)
first=$(grep -n ": migrating to " "$T/out.evac" | head -n 1 | cut -d: -f1)
[ -n "$first" ] && [ "$plan" -lt "$first" ] ||
    fail "the refusal was not reported before the first migration"
for d in e1 e2 e3; do
    grep -q "^$d: migrated to $IPB in " "$T/out.evac" || fail "$d: no line"
    grep -q "^$d  *$IPB  *migrated " "$T/out.evac" || fail "$d: no table row"
    [ "$(exactly_one $d)" = B ] || fail "$d is not on B"
done
grep -q "^e4  *-  *refused .*not found" "$T/out.evac" || fail "e4's row"
grep -q "^The host is not empty\.$" "$T/out.evac" || fail "the last line"
[ "$(exactly_one e4)" = A ] || fail "e4 does not run on A"
c1=$(field B e2 counter)
[ -n "$c1" ] && [ "$c1" -gt "$c0" ] || fail "e2's counter: $c0 -> $c1"
# Never more than 2 transfers at once on B: its log, in order.
awk '/receiving e[0-9] from/ { n++; if (n > max) max = n }
     / runs as domain / { n-- }
     END { exit !(max >= 1 && max <= 2) }' "$T/B/server.log" ||
    fail "more than 2 migrations at once: $(grep -c receiving "$T/B/server.log")"

log "back B -> A with --json"
xb evacuate --json $IPA >"$T/out.json" 2>"$T/out.json.err" ||
    fail "evacuate B: $(cat "$T/out.json" "$T/out.json.err")"
python3 - "$T/out.json" <<'PY' || fail "JSON: $(cat "$T/out.json")"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["host_empty"] is True, r
names = sorted(d["name"] for d in r["domains"])
assert names == ["e1", "e2", "e3"], names
for d in r["domains"]:
    assert d["result"] == "migrated" and d["to"] == "10.77.0.1", d
    assert d["total_s"] > 0 and d["downtime_ms"] >= 0, d
PY
grep -q "^e1: migrated to $IPA" "$T/out.json.err" ||
    fail "no progress on stderr with --json"
for d in e1 e2 e3 e4; do
    [ "$(exactly_one $d)" = A ] || fail "$d is not on A"
done
xa evacuate 2>"$T/out.usage"; [ $? = 2 ] || fail "evacuate without a host"

log "placement by free memory: B has 200 MiB"
for d in e1 e2 e3 e4; do xa destroy $d; done
stop_server B
XLTOOL_SIM_MEM_MB=200 start_server B
make_domain A f1 96
make_domain A f2 64
make_domain A f3 64
xa evacuate -j 2 $IPB >"$T/out.fit" 2>&1 && fail "A is empty with f3 left"
cat "$T/out.fit"
for d in f1 f2 f3; do
    grep -q "^preflight: $d on $IPB: accepted" "$T/out.fit" ||
        fail "$d alone is not accepted"
done
grep -q "^plan: f3 stays: no host takes it ($IPB: not enough free memory left for it after the others (64 MiB needed, 40 MiB left))" \
    "$T/out.fit" || fail "f3 not refused for memory"
[ "$(exactly_one f1)" = B ] && [ "$(exactly_one f2)" = B ] ||
    fail "f1 and f2 are not on B"
[ "$(exactly_one f3)" = A ] || fail "f3 left A"

log "a migration that fails: f3 stays on A"
stop_server B
mark=$T/mark.evac
XLTOOL_RELOC_PAUSE="server-receive:$mark" start_server B
on_bg "$T/out.failed" A "$XLTOOL" evacuate $IPB
pid=$BG
for i in $(seq 1 200); do [ -e "$mark" ] && break; sleep 0.05; done
[ -e "$mark" ] || fail "the transfer never reached the pause point"
child=$(pgrep -P "$SERVER_B" | head -n 1)
[ -n "$child" ] || fail "no server process for the transfer"
kill -9 "$child"
rm -f "$mark"
wait $pid; rc=$?
cat "$T/out.failed"
[ $rc = 1 ] || fail "exit status $rc with f3 left"
grep -q "^f3: migration to $IPB failed, it stays here: " "$T/out.failed" ||
    fail "no failure line for f3"
grep -q "^f3  *$IPB  *failed " "$T/out.failed" || fail "f3's row"
[ "$(wait_settled f3)" = A ] || fail "f3 is not running on A"
c=$(field A f3 counter)
sleep 0.3
[ "$(field A f3 counter)" -gt "$c" ] || fail "f3 is stuck on A"
pass
