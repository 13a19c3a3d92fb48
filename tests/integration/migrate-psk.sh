#!/usr/bin/env bash
# TLS with a pre-shared key, and the unencrypted dialects a server with
# allow_plain accepts: xltool's own protocol (--plain) and xl's protocol,
# spoken to the server through socat as xl does it
# (xl migrate -s 'socat - TCP:host:8002 #' dom host), and to
# "xltool migrate-receive" on a pipe.
. "$(dirname "$0")/migrate-lib.bash"

two_hosts psk
start_server A
start_server B
make_domain A busybox 64

log "PSK: live migration there and back"
guest A busybox "dirty 16M/s" >/dev/null
c0=$(field A busybox counter)
xa migrate -l busybox $IPB >"$T/out.psk" 2>&1 ||
    fail "PSK migration: $(cat "$T/out.psk")"
[ "$(exactly_one busybox)" = B ] || fail "busybox is not on B"
xb migrate busybox $IPA >"$T/out.psk2" 2>&1 ||
    fail "PSK migration back: $(cat "$T/out.psk2")"
[ "$(exactly_one busybox)" = A ] || fail "busybox is not back on A"
[ "$(field A busybox counter)" -ge "$c0" ] || fail "counter went back"

log "PSK: a different key is refused, the domain untouched"
cp "$T/shared/psk" "$T/psk.good"
printf 'xltool-test:%s\n' "$(openssl rand -hex 32)" >"$T/A/psk"
sed -i "s|$T/shared/psk|$T/A/psk|" "$T/A/xltool.conf"
xa migrate busybox $IPB >"$T/out.badpsk" 2>&1 && fail "wrong PSK accepted"
grep -q "TLS" "$T/out.badpsk" || fail "unclear: $(cat "$T/out.badpsk")"
[ "$(exactly_one busybox)" = A ] || fail "busybox moved"
write_conf A psk

log "allow_plain: --plain and xl's protocol through socat"
write_conf B psk "allow_plain = true;"
stop_server B
start_server B
xa migrate --plain -l busybox $IPB >"$T/out.plain" 2>&1 ||
    fail "plain migration: $(cat "$T/out.plain")"
[ "$(exactly_one busybox)" = B ] || fail "busybox is not on B"
# Back to A, which only speaks TLS: plain is refused there.
xb migrate --plain busybox $IPA >"$T/out.noplain" 2>&1 &&
    fail "A accepted plain"
[ "$(exactly_one busybox)" = B ] || fail "busybox moved"
xb migrate busybox $IPA >/dev/null 2>&1 || fail "TLS migration back"

log "xl's protocol: xl migrate -s 'socat - TCP:host:8002 #' dom host"
xa migrate -s "socat - TCP:$IPB:$PORT #" busybox $IPB >"$T/out.xl" 2>&1 ||
    fail "xl-protocol migration: $(cat "$T/out.xl")"
[ "$(exactly_one busybox)" = B ] || fail "busybox is not on B"
grep -q "xl protocol" "$T/B/server.log" || fail "not served as xl"

log "xl's protocol to migrate-receive on a pipe (as over ssh)"
rm -f "$T/recv.sock"
on_bg "$T/out.recv" A socat UNIX-LISTEN:"$T/recv.sock" \
    EXEC:"$XLTOOL migrate-receive"
recv=$BG
for i in $(seq 1 50); do [ -S "$T/recv.sock" ] && break; sleep 0.05; done
xb migrate -s '' busybox "socat - UNIX-CONNECT:$T/recv.sock" \
    >"$T/out.pipe" 2>&1 || fail "pipe migration: $(cat "$T/out.pipe")"
wait $recv
[ "$(exactly_one busybox)" = A ] || fail "busybox is not on A"

log "the stream is a save file: what migrate sends, restore reads"
guest A busybox "dirty off" >/dev/null
sum=$(field A busybox checksum)
# A receiver that says the banner and keeps the stream, but never says
# "ready": the source gives up and resumes the domain.
xa migrate -s '' busybox "printf 'xl migration receiver ready, send \
binary domain data.\n'; exec cat >'$T/stream.save'" >"$T/out.save" 2>&1 &&
    fail "a receiver that never answered was taken for a success"
grep -q "ready message" "$T/out.save" || fail "unclear: $(cat "$T/out.save")"
[ "$(exactly_one busybox)" = A ] || fail "busybox is not running on A"
xb restore "$T/stream.save" >"$T/out.restore" 2>&1 ||
    fail "restore of the stream: $(cat "$T/out.restore")"
[ "$(field B busybox checksum)" = "$sum" ] || fail "restored memory differs"
xb destroy busybox
pass
