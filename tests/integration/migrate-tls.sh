#!/usr/bin/env bash
# Live and stop-and-copy migration over mutual TLS between two hosts in
# network namespaces: the guest keeps dirtying memory during the live
# run, its counter and its workload continue on the far side under its
# own name (its prompt does not say NAME--incoming), its memory arrives
# intact (checksum compared after a migration back), xm's syntax works, and a
# client without a valid certificate or key is refused while the domain
# keeps running untouched.
. "$(dirname "$0")/migrate-lib.bash"

two_hosts tls
start_server A
start_server B

make_domain A busybox 64
guest A busybox "dirty 64M/s" | grep -q "dirtying" || fail "dirty workload"
sleep 0.5
c0=$(field A busybox counter)
[ -n "$c0" ] || fail "no counter from the guest"

log "live migration A -> B while the guest dirties 64 MB/s"
xa migrate --live --json busybox $IPB >"$T/out.live" 2>"$T/out.live.err" ||
    fail "live migration failed: $(cat "$T/out.live.err")"
grep -q '"rounds": ' "$T/out.live" || fail "no JSON result"
[ "$(exactly_one busybox)" = B ] || fail "busybox is not on B"
c1=$(field B busybox counter)
[ -n "$c1" ] && [ "$c1" -ge "$c0" ] ||
    fail "the counter did not continue ($c0 -> $c1)"
present B busybox || fail "busybox not listed on B"
# The guest runs on as it ran: its workload (kept in its memory) goes on,
# and its prompt names the domain, not the copy it arrived as.
guest B busybox status | tr -d '\r' >"$T/out.status"
grep -qx 'dirty: 67108864 bytes/s' "$T/out.status" ||
    fail "the dirty workload did not carry over: $(cat "$T/out.status")"
grep -q 'root@busybox:~#' "$T/out.status" ||
    fail "the prompt does not name busybox: $(cat "$T/out.status")"
grep -q -- '--incoming' "$T/out.status" &&
    fail "the prompt names the incoming copy: $(cat "$T/out.status")"

log "stop-and-copy back B -> A, with xm's syntax; memory arrives intact"
guest B busybox "dirty off" >/dev/null
sum_b=$(field B busybox checksum)
on B "$XM" migrate busybox $IPA >"$T/out.back" 2>&1 ||
    fail "migration back failed: $(cat "$T/out.back")"
grep -q "Migrated busybox to $IPA" "$T/out.back" || fail "no summary line"
[ "$(exactly_one busybox)" = A ] || fail "busybox is not back on A"
sum_a=$(field A busybox checksum)
[ "$sum_a" = "$sum_b" ] || fail "checksum changed: $sum_b -> $sum_a"
c2=$(field A busybox counter)
[ "$c2" -ge "$c1" ] || fail "the counter went back ($c1 -> $c2)"

log "xm migrate -l, as xm scripts write it"
on A "$XM" migrate -l busybox $IPB >"$T/out.xm" 2>&1 ||
    fail "xm migrate -l failed: $(cat "$T/out.xm")"
[ "$(exactly_one busybox)" = B ] || fail "busybox is not on B"
xb migrate busybox $IPA >/dev/null 2>&1 || fail "migrate back"
[ "$(exactly_one busybox)" = A ] || fail "busybox is not back on A"

log "to its own host, as admins test a relocation set-up"
id0=$(xa domid busybox)
c0=$(field A busybox counter)
xa migrate -l busybox $IPA >"$T/out.self" 2>&1 ||
    fail "migration to A itself: $(cat "$T/out.self")"
arrived busybox A "$T/out.self" "$c0"
[ "$(xa domid busybox)" != "$id0" ] || fail "busybox did not move"

log "a certificate from another CA is refused"
write_conf A tls
sed -i "s|$T/pki/A.pem|$T/pki/rogue.pem|; s|$T/pki/A.key|$T/pki/rogue.key|" \
    "$T/A/xltool.conf"
c3=$(field A busybox counter)
xa migrate busybox $IPB >"$T/out.rogue" 2>&1 && fail "rogue cert accepted"
grep -qi "tls\|certificate" "$T/out.rogue" || fail "unclear refusal: \
$(cat "$T/out.rogue")"
[ "$(exactly_one busybox)" = A ] || fail "busybox moved"
sleep 0.3
[ "$(field A busybox counter)" -gt "$c3" ] || fail "busybox stopped"

log "a key that does not match the certificate is refused at once"
write_conf A tls
sed -i "s|$T/pki/A.key|$T/pki/B.key|" "$T/A/xltool.conf"
xa migrate busybox $IPB >"$T/out.key" 2>&1 && fail "wrong key accepted"
grep -q "does not match" "$T/out.key" || fail "unclear: $(cat "$T/out.key")"

log "without TLS settings the client cannot start; --plain is refused"
write_conf A plain
xa migrate busybox $IPB >"$T/out.none" 2>&1 && fail "migrated without TLS"
grep -q "psk_file" "$T/out.none" || fail "unclear: $(cat "$T/out.none")"
xa migrate --plain busybox $IPB >"$T/out.plain" 2>&1 &&
    fail "plain accepted by a TLS-only server"
grep -q "allow_plain" "$T/out.plain" || fail "unclear: $(cat "$T/out.plain")"
[ "$(exactly_one busybox)" = A ] || fail "busybox moved"

log "the server is still serving after all that"
write_conf A tls
xa migrate -l busybox $IPB >/dev/null 2>&1 || fail "server stopped serving"
[ "$(exactly_one busybox)" = B ] || fail "busybox is not on B"
pass
