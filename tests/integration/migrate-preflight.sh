#!/usr/bin/env bash
# What the destination refuses before anything is suspended, with the
# exact reason, while the domain keeps running untouched at the source:
# a host outside hosts_allow, a disk image the destination cannot see, a
# name already taken there (or a copy arriving under it), not enough
# memory, a missing bridge.  Then
# hostile clients (garbage, a huge length, a silent connection, a flood
# over max_concurrent) cost only their own connections.
. "$(dirname "$0")/migrate-lib.bash"

two_hosts psk
write_conf B psk "max_concurrent = 2; hosts_allow = [ \"10\\\\.77\\\\.0\\\\.1\" ];"
start_server B

untouched() {  # the domain still runs on A, its counter moving
    local c
    running A "$1" || fail "$1 no longer runs on A"
    present A "$1--migratedaway" && fail "$1 was renamed"
    present B "$1--incoming" && fail "$1--incoming was left on B"
    c=$(field A "$1" counter)
    sleep 0.3
    [ "$(field A "$1" counter)" -gt "$c" ] || fail "$1 stopped running"
}

refused() {  # refused DOM EXPECTED-MESSAGE
    xa migrate "$1" $IPB >"$T/out.ref" 2>&1 && fail "$1 was not refused"
    grep -qF "$2" "$T/out.ref" ||
        fail "expected '$2', got: $(cat "$T/out.ref")"
    untouched "$1"
}

make_domain A busybox 64
log "a disk image that B cannot see"
make_domain A localdisk 32 "$T/A/local/localdisk.img"
refused localdisk "disk $T/A/local/localdisk.img not found on $IPB"

log "a name already taken on B"
make_domain B busybox 32 "$T/B/local/other.img"
refused busybox "domain name busybox is taken on $IPB"
xb destroy busybox || fail "destroy on B"

log "a copy left on B by a receiver that died"
# untouched() would take this stale copy for the refused transfer's own.
make_domain B "busybox--incoming" 32
xa migrate busybox $IPB >"$T/out.stale" 2>&1 && fail "busybox was not refused"
grep -qF "one that died left busybox--incoming on $IPB" "$T/out.stale" ||
    fail "unclear: $(cat "$T/out.stale")"
running A busybox || fail "busybox no longer runs on A"
xb destroy "busybox--incoming" || fail "destroy the stale copy on B"
untouched busybox

log "more memory than B has left"
# A ballast domain takes all but 64 MiB of B's memory (its memory is a
# sparse file: nothing is really used); a 512 MiB domain cannot follow.
avail=$(awk '/^MemAvailable:/ { print int($2 / 1024) }' /proc/meminfo)
make_domain B ballast $((avail - 64)) "$T/B/local/ballast.img"
make_domain A big 512
refused big "not enough memory: 512 MiB needed"
xb destroy ballast || fail "destroy ballast"

log "a bridge that B does not have"
ip -n "$NSA" link add xltbr0 type bridge 2>/dev/null
make_domain A bridged 32 none "vif = [ 'bridge=xltbr0' ]"
refused bridged "bridge xltbr0 not present on $IPB"
ip -n "$NSB" link add xltbr0 type bridge
ip -n "$NSB" link set xltbr0 up
xa migrate bridged $IPB >"$T/out.br" 2>&1 ||
    fail "bridged refused with the bridge present: $(cat "$T/out.br")"
[ "$(exactly_one bridged)" = B ] || fail "bridged is not on B"

log "hosts_allow: B no longer lists A"
write_conf B psk "hosts_allow = [ \"10\\\\.77\\\\.0\\\\.9\", \"^nohost$\" ];"
stop_server B
start_server B
refused busybox "not allowed"
grep -q "refused by hosts_allow" "$T/B/server.log" || fail "no log line"

log "hostile clients cost only their own connection"
write_conf B psk "max_concurrent = 2;"
stop_server B
start_server B
# Garbage instead of a protocol.
printf 'GET / HTTP/1.0\r\n\r\n' |
    on A socat -t 2 - TCP:$IPB:$PORT >/dev/null 2>&1
# A plain framed HELLO announcing 4 GiB (plain is not allowed here).
printf '\0\1\0\0\377\377\377\377' |
    on A socat -t 2 - TCP:$IPB:$PORT >/dev/null 2>&1
# Two silent connections fill max_concurrent; a third is turned away.
for i in $(seq 1 100); do
    [ -z "$(pgrep -P "$SERVER_B")" ] && break
    sleep 0.05
done
on_bg /dev/null A socat -u TCP:$IPB:$PORT,connect-timeout=2 -
s1=$BG
on_bg /dev/null A socat -u TCP:$IPB:$PORT,connect-timeout=2 -
s2=$BG
for i in $(seq 1 100); do
    [ "$(pgrep -P "$SERVER_B" | wc -l)" -ge 2 ] && break
    sleep 0.05
done
on A socat -t 2 - TCP:$IPB:$PORT </dev/null >"$T/out.busy" 2>&1
grep -q "busy" "$T/out.busy" || fail "no busy answer: $(cat "$T/out.busy")"
# The handshake timeout (5 s) frees both slots.
wait $s1 $s2
xa migrate busybox $IPB >"$T/out.after" 2>&1 ||
    fail "server unusable after hostile clients: $(cat "$T/out.after")"
[ "$(exactly_one busybox)" = B ] || fail "busybox is not on B"
kill -0 "$SERVER_B" || fail "the server died"

log "a bad config: one error with file and line, and no server"
printf 'relocation = {\n  port = 8002;\n  hosts_allow = [ "a(" ];\n};\n' \
    >"$T/bad.conf"
XLTOOL_CONF=$T/bad.conf "$XLTOOL" relocation-server -F >"$T/out.bad" 2>&1
st=$?
[ $st = 1 ] || fail "bad config: exit status $st"
grep -q "^xltool: $T/bad.conf:3: hosts_allow: bad regex 'a('" "$T/out.bad" ||
    fail "unclear: $(cat "$T/out.bad")"
[ "$(wc -l <"$T/out.bad")" = 1 ] || fail "more than one line"
pass
