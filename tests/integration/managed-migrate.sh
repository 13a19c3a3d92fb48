#!/usr/bin/env bash
# managed-migrate.sh - a managed domain's store entry moves with it: after
# a migration the destination lists and starts it as managed (autostart
# flag included) and the source neither lists it nor keeps its entry.
# With a fault injected at the handover (as migrate-faults.sh does), the
# entry ends on the host where the domain runs, never on both.
. "$(dirname "$0")/migrate-lib.bash"

two_hosts psk
start_server A
start_server B
other() { [ "$1" = A ] && echo B || echo A; }
ipof() { [ "$1" = A ] && echo $IPA || echo $IPB; }

echo "simulated kernel" >"$T/shared/vmlinuz"
cat >"$T/web.cfg" <<EOF2
name = "web"
kernel = "$T/shared/vmlinuz"
memory = 48
vcpus = 1
EOF2

# entries HOST: the host's store entries, hidden ones included.
entries() { ls "$T/$1/managed" 2>/dev/null | grep -c '\.\(dom\|away\)$'; }
# managed_on HOST: the store holds web, shown.
managed_on() { on "$1" "$XLTOOL" autostart web >/dev/null 2>&1; }
# only_on HOST: web is managed on HOST and has no entry at all elsewhere.
only_on() {
    local o
    o=$(other "$1")
    managed_on "$1" || fail "web is not managed on $1"
    [ "$(entries "$1")" = 1 ] || fail "$1 has $(entries "$1") entries"
    [ "$(entries "$o")" = 0 ] ||
        fail "$o keeps an entry: $(ls "$T/$o/managed")"
    on "$o" "$XLTOOL" list 2>/dev/null | grep -q '^web ' &&
        fail "web still listed on $o"
    return 0
}

xa new "$T/web.cfg" || fail "new on A"
xa start web >/dev/null || fail "start on A"
xa autostart web on || fail "autostart on A"

log "migrate the managed domain A -> B"
xa migrate -l web $IPB >"$T/out.m1" 2>&1 || fail "migrate: $(cat "$T/out.m1")"
[ "$(exactly_one web)" = B ] || fail "web is not on B"
only_on B
[ "$(xb autostart web)" = on ] || fail "the autostart flag did not travel"
xb list web 2>/dev/null | awk 'NR == 2 { exit !($2 ~ /^[0-9]+$/) }' ||
    fail "web is not listed running on B"

log "a change on B is B's, and B starts it again after a destroy"
xb mem-set web 40 || fail "mem-set on B"
xb destroy web || fail "destroy on B"
xb list web 2>/dev/null | grep -q '^web  *-  *40 ' ||
    fail "B does not list web halted with 40 MiB"
xb start web >/dev/null || fail "start on B"

# strike PAUSE ACTION EXPECT: one migration from the host web runs on,
# stopped at PAUSE and hit by ACTION (kill-src, kill-dst); the domain
# and its entry must end on EXPECT (src or dst).
strike() {
    local pause=$1 action=$2 expect=$3 src dst mark child end
    src=$(exactly_one web) dst=$(other "$src")
    mark=$T/mark.$pause.$action
    rm -f "$mark"
    log "$action at $pause ($src -> $dst)"
    case $pause in
    client-*)
        on_bg "$T/out.strike" $src env XLTOOL_RELOC_PAUSE="$pause:$mark" \
            "$XLTOOL" migrate -l web "$(ipof $dst)" ;;
    server-*)
        stop_server $dst
        XLTOOL_RELOC_PAUSE="$pause:$mark" start_server $dst
        on_bg "$T/out.strike" $src "$XLTOOL" migrate -l web "$(ipof $dst)" ;;
    esac
    local pid=$BG i
    for i in $(seq 1 300); do
        [ -e "$mark" ] && break
        sleep 0.05
    done
    [ -e "$mark" ] || fail "pause point $pause never reached"
    # Once GO may be sent, the source's entry is out of view.
    if [ "$pause" = client-go ]; then
        ls "$T/$src/managed/"*.dom >/dev/null 2>&1 &&
            fail "the source still shows its entry at GO"
        [ "$(entries "$src")" = 1 ] || fail "the hidden entry is missing"
    fi
    case $action in
    kill-src) kill -9 $pid ;;
    kill-dst)
        eval "child=\$(pgrep -P \$SERVER_$dst | head -n 1)"
        [ -n "$child" ] || fail "no server process for the connection"
        kill -9 "$child" ;;
    esac
    rm -f "$mark"
    wait $pid 2>/dev/null
    end=$(wait_settled web)
    [ "$expect" = src ] && expect=$src || expect=$dst
    [ "$end" = "$expect" ] || fail "$action at $pause: web on $end"
    # The guardian finishes after the killed client: wait (bounded) for
    # the entry to settle, then it must be on the domain's host only.
    for i in $(seq 1 100); do
        [ "$(entries A)$(entries B)" = 10 ] || [ "$(entries A)$(entries B)" = 01 ] &&
            break
        sleep 0.1
    done
    only_on "$end"
    if [ "${pause#server-}" != "$pause" ]; then
        stop_server $dst
        start_server $dst
    fi
}

strike server-go kill-dst src
strike client-go kill-src dst
strike client-ready kill-src src

log "and a clean migration back"
src=$(exactly_one web) dst=$(other "$src")
on $src "$XLTOOL" migrate -l web "$(ipof $dst)" >/dev/null 2>&1 ||
    fail "migration after the faults"
[ "$(exactly_one web)" = "$dst" ] || fail "web not on $dst"
only_on "$dst"
pass
