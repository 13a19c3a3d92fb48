#!/usr/bin/env bash
# bridge-tap.sh - bridge_tap_open as the simulated backend uses it: a
# process (tests/helpers/bridge-taps.c, standing in for a domain) opens two
# tap devices on xenbr0 inside a network namespace; "bridge list" must show
# both, with their MACs, up, while it runs, and none once it has exited or
# been killed.  Bad names, MACs, bridges and callers must fail cleanly,
# leaving no device behind.
set -u

fail() { echo "FAIL: $*"; exit 1; }
skip() { echo "SKIP: $*"; exit 77; }

[ "$(id -u)" = 0 ] || skip "needs root (network namespaces, tap devices)"
for t in ip setpriv python3; do
    command -v $t >/dev/null || skip "$t not installed"
done
[ -e /dev/net/tun ] || skip "no /dev/net/tun"
TAPS=${TOP:-.}/${BUILD:-build}/tests/bridge-taps
[ -x "$TAPS" ] || fail "$TAPS not built"
[ -x "${XLTOOL:-}" ] || fail "XLTOOL not set"

N=xtbt$$
pid= PUB=
cleanup() {
    [ -n "$PUB" ] && rm -rf "$PUB"
    [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null
    exec 3>&- 2>/dev/null
    ip netns del "$N" 2>/dev/null
}
trap cleanup EXIT
trap 'exit 1' INT TERM
ip netns add "$N" 2>/dev/null || skip "cannot create network namespaces"
export XLTOOL_RUN_DIR=$PWD/run

inn() { ip netns exec "$N" "$@"; }

ports() {  # the ports of xenbr0, space-separated, from bridge list --json
    inn "$XLTOOL" bridge list --json | python3 -c 'import json,sys
b = [x for x in json.load(sys.stdin) if x["name"] == "xenbr0"]
print(" ".join(b[0]["interfaces"]) if b else "NO-BRIDGE")'
}

# Starts the taps program in the namespace, its stdin on fd 3 of this
# shell, and waits for "ready".
start_taps() {
    local i
    rm -f in.fifo out.txt
    mkfifo in.fifo
    # Not through inn: $! must be the process that holds the taps.
    ip netns exec "$N" "$TAPS" "$@" <in.fifo >out.txt 2>err.txt &
    pid=$!
    exec 3>in.fifo
    for i in $(seq 200); do
        grep -q '^ready$' out.txt 2>/dev/null && return 0
        kill -0 "$pid" 2>/dev/null || fail "bridge-taps died: $(cat err.txt)"
        sleep 0.05
    done
    fail "bridge-taps never got ready"
}

# The devices go when the kernel releases the last fd, which it may do a
# moment after the process is reaped: allow a bounded wait.
gone() {
    local d i
    for i in $(seq 100); do
        [ -z "$(ports)" ] && break
        sleep 0.05
    done
    [ -z "$(ports)" ] || fail "xenbr0 still has ports: $(ports)"
    for d in "$@"; do
        inn ip link show "$d" >/dev/null 2>&1 && fail "$d still exists"
    done
    return 0
}

# Runs bridge-taps expecting failure with a message holding $1.
taps_fail() {
    local want=$1 out st
    shift
    out=$(inn "$TAPS" "$@" </dev/null 2>&1)
    st=$?
    [ $st -eq 1 ] || fail "bridge-taps $* exited $st: $out"
    [[ $out == *"$want"* ]] || fail "bridge-taps $*: '$out' lacks '$want'"
    echo "ok: bridge-taps $* fails: $out"
}

inn ip link set lo up
inn "$XLTOOL" bridge create xenbr0 || fail "bridge create xenbr0 failed"
[ -z "$(ports)" ] || fail "new bridge has ports"

start_taps xenbr0 vif3.0 00:16:3e:00:03:00 vif3.1 00:16:3e:00:03:01
[ "$(ports)" = "vif3.0 vif3.1" ] || fail "ports while running: $(ports)"
inn "$XLTOOL" bridge list >list.txt
mac=$(inn cat /sys/class/net/xenbr0/address | tr -d :)
printf 'bridge name\tbridge id\t\tSTP enabled\tinterfaces\nxenbr0\t\t8000.%s\tno\t\tvif3.0\n\t\t\t\t\t\t\tvif3.1\n' \
    "$mac" >want.txt
diff -u want.txt list.txt || fail "bridge list while running"
for d in vif3.0:00:16:3e:00:03:00 vif3.1:00:16:3e:00:03:01; do
    name=${d%%:*} want=${d#*:}
    inn ip -d -j link show "$name" | python3 -c 'import json,sys
l = json.load(sys.stdin)[0]
ok = (l["address"] == sys.argv[1] and "UP" in l["flags"] and
      l.get("master") == "xenbr0" and
      l["linkinfo"]["info_kind"] == "tun" and
      l["linkinfo"]["info_data"]["type"] == "tap" and
      l["linkinfo"]["info_data"]["pi"] is False and
      l["linkinfo"]["info_data"]["persist"] is False)
sys.exit(0 if ok else "unexpected: %r" % l)' "$want" ||
        fail "$name is not an up, non-persistent tap on xenbr0 with $want"
done
echo "ok: two taps on xenbr0 while the process runs"

# A tap can leave the bridge and come back like any vif.
inn "$XLTOOL" bridge detach vif3.1 xenbr0 || fail "detach vif3.1 failed"
[ "$(ports)" = "vif3.0" ] || fail "ports after detach: $(ports)"
inn "$XLTOOL" bridge attach vif3.1 xenbr0 || fail "attach vif3.1 failed"
[ "$(ports)" = "vif3.0 vif3.1" ] || fail "ports after attach: $(ports)"
echo "ok: detach and attach of a tap"

# A second process cannot take a name in use.
taps_fail "vif3.0" xenbr0 vif3.0 00:16:3e:00:03:05
[ "$(ports)" = "vif3.0 vif3.1" ] || fail "ports changed: $(ports)"

exec 3>&-
wait "$pid" || fail "bridge-taps exited with $?"
pid=
gone vif3.0 vif3.1
echo "ok: taps gone after a normal exit"

start_taps xenbr0 vif4.0 00:16:3e:00:04:00 vif4.1 00:16:3e:00:04:01
[ "$(ports)" = "vif4.0 vif4.1" ] || fail "ports while running: $(ports)"
kill -9 "$pid"
wait "$pid" 2>/dev/null
pid=
exec 3>&-
gone vif4.0 vif4.1
echo "ok: taps gone after SIGKILL"

# Failures leave nothing behind (the first tap of a pair included).
taps_fail "nosuchbr: no such bridge" nosuchbr vif5.0 00:16:3e:00:05:00
inn ip link add veth5 type veth peer name veth6
taps_fail "veth5" xenbr0 vif5.0 00:16:3e:00:05:00 veth5 00:16:3e:00:05:01
taps_fail "vif5.0: invalid unicast MAC" xenbr0 vif5.0 00:16:3e:00:05
taps_fail "invalid unicast MAC" xenbr0 vif5.0 01:16:3e:00:05:00
taps_fail "invalid unicast MAC" xenbr0 vif5.0 00:16:3e:00:05:0g
taps_fail "too long" xenbr0 vif5.0123456789abc 00:16:3e:00:05:00
taps_fail "veth5 is not a bridge" veth5 vif5.0 00:16:3e:00:05:00
# As uid 65534, from a copy it may read wherever the build tree lives.
PUB=$(mktemp -d /tmp/xltool-pub.XXXXXX) && chmod 755 "$PUB" &&
    cp "$TAPS" "$PUB/bridge-taps" || fail "cannot copy $TAPS"
out=$(inn setpriv --reuid=65534 --regid=65534 --clear-groups \
      "$PUB/bridge-taps" xenbr0 vif5.0 00:16:3e:00:05:00 </dev/null 2>&1)
[ $? -eq 1 ] && [[ $out == *vif5.0*"not permitted"* ]] ||
    fail "unprivileged bridge-taps: $out"
echo "ok: unprivileged caller refused: $out"
gone vif5.0
echo "ok: failures leave no device"
exit 0
