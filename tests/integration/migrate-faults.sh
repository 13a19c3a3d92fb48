#!/usr/bin/env bash
# Fault injection: in each phase of a live migration, cut the connection,
# kill the migrating process at the source, or kill the server's process
# for the connection at the destination.  Afterwards the domain runs on
# exactly one host, under its own name, with no --incoming or
# --migratedaway copy and no lock or process left behind, and the next
# migration works.
#
# The processes stop at a named phase through XLTOOL_RELOC_PAUSE (see
# relocation/testpause.c); the test strikes, then removes the mark file
# to let the survivors go on.
. "$(dirname "$0")/migrate-lib.bash"

two_hosts psk
start_server A
start_server B
make_domain A busybox 64

where=A
other() { [ "$1" = A ] && echo B || echo A; }
ipof() { [ "$1" = A ] && echo $IPA || echo $IPB; }

# wait_mark FILE: until a process reached its pause point.
wait_mark() {
    local i
    for i in $(seq 1 300); do
        [ -e "$1" ] && return 0
        sleep 0.05
    done
    fail "pause point $1 never reached"
}

# The destination's server process serving the connection.
dest_child() {
    local pid
    eval "pid=\$SERVER_$1"
    pgrep -P "$pid" | head -n 1
}

# strike PAUSE ACTION EXPECT: one migration from $where, paused at PAUSE,
# hit by ACTION (kill-src, kill-dst, cut); EXPECT is where the domain
# must end up (src or dst).
strike() {
    local pause=$1 action=$2 expect=$3 src=$where dst mark pid child end
    dst=$(other "$src")
    mark=$T/mark.$pause.$action
    rm -f "$mark"
    log "$action at $pause ($src -> $dst)"
    guest $src busybox "dirty 32M/s" >/dev/null
    case $pause in
    client-*)
        on_bg "$T/out.strike" $src env XLTOOL_RELOC_PAUSE="$pause:$mark" \
            "$XLTOOL" migrate -l busybox "$(ipof $dst)"
        pid=$BG ;;
    server-*)
        # The destination's server must be restarted with the pause set.
        stop_server $dst
        XLTOOL_RELOC_PAUSE="$pause:$mark" start_server $dst
        on_bg "$T/out.strike" $src "$XLTOOL" migrate -l busybox \
            "$(ipof $dst)"
        pid=$BG ;;
    esac
    wait_mark "$mark"
    case $action in
    kill-src)
        kill -9 $pid ;;
    kill-dst)
        child=$(dest_child $dst)
        [ -n "$child" ] || fail "no server process for the connection"
        kill -9 "$child" ;;
    cut)
        link_down
        # Let the paused side go on into the dead link, then heal it
        # after the I/O timeout (5 s) has struck.
        rm -f "$mark"
        sleep 7
        link_up ;;
    esac
    rm -f "$mark"
    wait $pid 2>/dev/null
    end=$(wait_settled busybox)
    if [ "$expect" = src ]; then
        [ "$end" = "$src" ] || fail "$action at $pause: on $end, not $src"
    else
        [ "$end" = "$dst" ] || fail "$action at $pause: on $end, not $dst"
    fi
    where=$end
    # No process of the migration is left at the destination.
    sleep 0.5
    [ -z "$(dest_child $dst)" ] || fail "a server process is left on $dst"
    if [ "${pause#server-}" != "$pause" ]; then
        stop_server $dst
        start_server $dst
    fi
    # The domain still works.
    c=$(field $end busybox counter)
    sleep 0.3
    [ "$(field $end busybox counter)" -gt "$c" ] || fail "busybox is stuck"
}

strike client-precopy kill-src src
strike client-precopy cut src
strike client-ready kill-src src
strike client-go kill-src dst
strike client-go cut dst
strike server-receive kill-dst src
strike server-ready kill-dst src
strike server-ready cut src
strike server-go kill-dst src
strike server-started kill-dst dst

log "after all that, a clean migration each way"
src=$where dst=$(other $where)
on $src "$XLTOOL" migrate -l busybox "$(ipof $dst)" >/dev/null 2>&1 ||
    fail "migration after faults"
[ "$(exactly_one busybox)" = "$dst" ] || fail "not on $dst"
pass
