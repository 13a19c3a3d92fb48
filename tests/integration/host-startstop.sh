#!/usr/bin/env bash
# host-startstop.sh - host-stop and host-start, as xendomains does them at
# shutdown and boot, on simulated host A (and B to migrate to):
#  - stop = "save": 3 domains (one managed) are saved at once, each
#    reported; host-start restores them with their memory checksum
#    intact, then starts an autostart managed domain and auto_dir's one;
#  - stop = "shutdown": a guest that ignores the request is destroyed
#    after shutdown_timeout, and the line says so;
#  - stop = "migrate": the domain goes live to B; with B's server down,
#    the migration fails and the domain is saved instead.
. "$(dirname "$0")/migrate-lib.bash"

two_hosts psk
start_server B
mkdir -p "$T/A/auto"

# domains_conf STOP [extra]: host A's domains group.
domains_conf() {
    write_conf A psk
    cat >>"$T/A/xltool.conf" <<EOF2
domains = {
  parallel = 3;
  save_dir = "$T/A/save";
  auto_dir = "$T/A/auto";
  stop = "$1";
  shutdown_timeout = 2;
  ${2:-}
};
EOF2
}
count_doms() { xa list 2>/dev/null | awk 'NR > 1 && $2 ~ /^[0-9]+$/ && $2 != 0' | wc -l; }

make_domain A d1 32
make_domain A d2 32
cat >"$T/d3.cfg" <<EOF2
name = "d3"
kernel = "$T/shared/vmlinuz"
memory = 32
EOF2
xa new "$T/d3.cfg" && xa start d3 >/dev/null || fail "managed d3"
declare -A sum
for d in d1 d2 d3; do
    guest A $d "dirty 4M/s" >/dev/null
done
sleep 0.5
for d in d1 d2 d3; do
    guest A $d "dirty off" >/dev/null
    sum[$d]=$(field A $d checksum)
    [ -n "${sum[$d]}" ] || fail "no checksum from $d"
done

log "host-stop with stop = save: 3 domains at once"
domains_conf save
xa host-stop >"$T/out.stop" 2>&1 || fail "host-stop: $(cat "$T/out.stop")"
cat "$T/out.stop"
for d in d1 d2 d3; do
    grep -q "^$d: saved to " "$T/out.stop" || fail "no line for $d"
done
grep -q "^host-stop: 3 domains: 3 saved$" "$T/out.stop" || fail "summary"
[ "$(count_doms)" = 0 ] || fail "domains left on A: $(xa list)"
[ "$(ls "$T/A/save" | wc -l)" = 2 ] || fail "save_dir: $(ls "$T/A/save")"
ls "$T/A/managed/"*.save >/dev/null || fail "d3 not suspended into the store"
xa list --state=suspended 2>/dev/null | grep -q '^d3 ' || fail "d3 state"

# What host-start starts besides: an autostart managed domain, and a
# config of auto_dir.
cat >"$T/d4.cfg" <<EOF2
name = "d4"
kernel = "$T/shared/vmlinuz"
memory = 32
EOF2
xa new --autostart "$T/d4.cfg" || fail "new d4"
cat >"$T/A/auto/d5" <<EOF2
name = "d5"
kernel = "$T/shared/vmlinuz"
memory = 32
EOF2

log "host-start: restore, then autostart, then auto_dir"
xa host-start >"$T/out.start" 2>&1 || fail "host-start: $(cat "$T/out.start")"
cat "$T/out.start"
grep -q "^d1: restored from " "$T/out.start" || fail "d1 not restored"
grep -q "^d3: resumed from the managed store" "$T/out.start" || fail "d3"
grep -q "^d4: started (autostart)" "$T/out.start" || fail "d4"
grep -q "^d5: started from " "$T/out.start" || fail "d5"
grep -q "^host-start: 5 domains: 3 restored, 2 started$" "$T/out.start" ||
    fail "summary"
for d in d1 d2 d3; do
    [ "$(field A $d checksum)" = "${sum[$d]}" ] ||
        fail "$d: checksum ${sum[$d]} before, $(field A $d checksum) after"
done
[ -z "$(ls "$T/A/save")" ] || fail "save files left: $(ls "$T/A/save")"
ls "$T/A/managed/"*.save >/dev/null 2>&1 && fail "d3's image left"
# A second host-start finds them running and starts nothing twice.
xa host-start >"$T/out.start2" 2>&1 || fail "second host-start"
grep -q "^d5: runs already" "$T/out.start2" || fail "d5 started twice"
[ "$(count_doms)" = 5 ] || fail "$(count_doms) domains after host-start"

log "host-stop with stop = shutdown: d2 ignores the request"
xa destroy d4; xa destroy d5; xa destroy d1
guest A d2 "requests ignore" >/dev/null
domains_conf shutdown
t0=$SECONDS
xa host-stop >"$T/out.stop2" 2>&1 || fail "host-stop: $(cat "$T/out.stop2")"
cat "$T/out.stop2"
grep -q "^d2: did not shut down within 2 s: destroyed$" "$T/out.stop2" ||
    fail "d2 not reported destroyed"
grep -q "^d3: shut down$" "$T/out.stop2" || fail "d3 not shut down"
grep -q "^host-stop: 2 domains: 1 shut down, 1 destroyed$" "$T/out.stop2" ||
    fail "summary"
[ $((SECONDS - t0)) -le 10 ] || fail "the timeout is not bounded"
[ "$(count_doms)" = 0 ] || fail "domains left: $(xa list)"

log "host-stop with stop = migrate: to B, and saved when B is down"
domains_conf migrate "migrate_to = \"$IPB\";"
make_domain A m1 32
xa host-stop >"$T/out.stop3" 2>&1 || fail "host-stop: $(cat "$T/out.stop3")"
grep -q "^m1: migrated to $IPB$" "$T/out.stop3" || fail "m1: $(cat "$T/out.stop3")"
present B m1 || fail "m1 is not on B"
[ "$(count_doms)" = 0 ] || fail "domains left: $(xa list)"
stop_server B
make_domain A m2 32
xa host-stop >"$T/out.stop4" 2>&1 || fail "host-stop: $(cat "$T/out.stop4")"
cat "$T/out.stop4"
grep -q "^m2: migration to $IPB failed (.*); saved to $T/A/save/m2.save$" \
    "$T/out.stop4" || fail "m2: no fallback to save"
# A save file there is never overwritten: the next one falls back again.
make_domain A m2 32
xa host-stop >"$T/out.stop5" 2>&1 || fail "host-stop: $(cat "$T/out.stop5")"
grep -q "is there already" "$T/out.stop5" || fail "m2: $(cat "$T/out.stop5")"
grep -q "^host-stop: 1 domain: 1 shut down$" "$T/out.stop5" ||
    fail "summary: $(cat "$T/out.stop5")"
[ -s "$T/A/save/m2.save" ] || fail "the first save file of m2 is lost"
pass
