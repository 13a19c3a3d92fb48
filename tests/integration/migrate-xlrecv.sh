#!/usr/bin/env bash
# migrate --plain against a receiver in xl's protocol behind a plain TCP
# listener, as "xl migrate-receive" runs under
# socat TCP-LISTEN:PORT,fork EXEC:'xl migrate-receive': here the real
# "xltool migrate-receive", which, like xl's, sends the banner, reads the
# preflight's HELLO as a save file with a bad magic number and exits.  The
# client takes the hang-up for such a receiver, says so in one line and
# migrates in xl's protocol on a new connection.  A relocation server
# that refuses plain transfers, or a peer that is no migration receiver,
# gets no second attempt, and the domain stays where it ran.
. "$(dirname "$0")/migrate-lib.bash"

two_hosts psk
XLPORT=8003

# xl_receiver HOST PORT: socat forks "xltool migrate-receive" for every
# connection to PORT on HOST.
xl_receiver() {
    local h=$1 port=$2 ns=$NSA i
    [ "$h" = B ] && ns=$NSB
    on_bg "$T/$h/socat.log" "$h" socat TCP-LISTEN:"$port",reuseaddr,fork \
        EXEC:"$XLTOOL migrate-receive"
    SERVER_PIDS+=($BG)
    for i in $(seq 1 100); do
        ip netns exec "$ns" ss -Hltn "sport = :$port" | grep -q . && return
        sleep 0.05
    done
    fail "no listener on $h port $port"
}

# notices FILE: the lines of FILE that announce the fallback.
notices() { grep -c "hung up on the preflight" "$1"; }

make_domain A busybox 64
guest A busybox "dirty 8M/s" >/dev/null
c0=$(field A busybox counter)
[ -n "$c0" ] || fail "no counter from the guest"

log "a relocation server without allow_plain refuses; no second attempt"
start_server B
xa migrate --plain busybox $IPB >"$T/out.refused" 2>&1 &&
    fail "plain migration to a TLS-only server passed"
grep -q "allow_plain" "$T/out.refused" ||
    fail "unclear: $(cat "$T/out.refused")"
[ "$(notices "$T/out.refused")" = 0 ] || fail "fell back to xl's protocol"
[ "$(exactly_one busybox)" = A ] || fail "busybox moved"
stop_server B

log "live, into xltool migrate-receive behind socat on B"
xl_receiver B $XLPORT
xa migrate --plain -l --port $XLPORT busybox $IPB >"$T/out.live" \
    2>"$T/out.live.err" ||
    fail "migration: $(cat "$T/out.live" "$T/out.live.err")"
cat "$T/out.live.err"
[ "$(wc -l <"$T/out.live.err")" = 1 ] ||
    fail "expected one line on stderr: $(cat "$T/out.live.err")"
[ "$(notices "$T/out.live.err")" = 1 ] || fail "no notice of the fallback"
grep -q "xl's protocol" "$T/out.live.err" || fail "notice does not say how"
arrived busybox B "$T/out.live" "$c0"
# The first connection's receiver gave up on the HELLO, as xl's does.
grep -q "bad magic" "$T/B/socat.log" ||
    fail "the first receiver did not reject the HELLO: $(cat "$T/B/socat.log")"

log "a peer that hangs up without a banner is no xl receiver"
on_bg "$T/A/true.log" A socat TCP-LISTEN:8004,reuseaddr EXEC:true
SERVER_PIDS+=($BG)
for i in $(seq 1 100); do
    ip netns exec "$NSA" ss -Hltn "sport = :8004" | grep -q . && break
    sleep 0.05
done
xb migrate --plain --port 8004 busybox $IPA >"$T/out.nobanner" 2>&1 &&
    fail "migration to a silent peer passed"
grep -q "banner" "$T/out.nobanner" ||
    fail "unclear: $(cat "$T/out.nobanner")"
[ "$(notices "$T/out.nobanner")" = 0 ] || fail "fell back to xl's protocol"
[ "$(exactly_one busybox)" = B ] || fail "busybox moved"

log "stop-and-copy back to A, into migrate-receive behind socat"
guest B busybox "dirty off" >/dev/null
sum=$(field B busybox checksum)
xl_receiver A $XLPORT
xb migrate --plain --port $XLPORT busybox $IPA >"$T/out.back" 2>&1 ||
    fail "migration back: $(cat "$T/out.back")"
[ "$(notices "$T/out.back")" = 1 ] || fail "no notice of the fallback"
[ "$(exactly_one busybox)" = A ] || fail "busybox is not back on A"
[ "$(field A busybox checksum)" = "$sum" ] || fail "memory differs"
xa destroy busybox
pass
