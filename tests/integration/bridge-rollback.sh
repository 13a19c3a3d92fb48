#!/usr/bin/env bash
# bridge-rollback.sh - the order of route moves, and a failure late in
# "bridge delete --release" (while routes are being given back) that must
# be rolled back to the enslaved state exactly.
#
# eth0 (a veth in namespace $H) has a link route and a route through a
# gateway on that link whose destination sorts before it, so that moving
# routes in the kernel's order would fail; and an IPv6 route through a
# link-local gateway without any IPv6 address to move.  With IPv6 disabled
# on eth0 after the move, giving that route back fails after the IPv4
# addresses went back, the routes left the bridge and eth0 was released.
set -u

fail() { echo "FAIL: $*"; exit 1; }
skip() { echo "SKIP: $*"; exit 77; }

[ "$(id -u)" = 0 ] || skip "needs root (network namespaces)"
for t in ip ping python3; do
    command -v $t >/dev/null || skip "$t not installed"
done
[ -x "${XLTOOL:-}" ] || fail "XLTOOL not set"

H=xtrh$$ P=xtrp$$
cleanup() {
    ip netns del "$H" 2>/dev/null
    ip netns del "$P" 2>/dev/null
}
trap cleanup EXIT
trap 'exit 1' INT TERM
ip netns add "$H" 2>/dev/null || skip "cannot create network namespaces"
ip netns add "$P" || fail "cannot create namespace $P"
export XLTOOL_RUN_DIR=$PWD/run

inh() { ip netns exec "$H" "$@"; }
xl() { inh "$XLTOOL" "$@"; }

# Arguments name JSON keys to drop before comparing.
snapshot() {
    local i
    for i in $(seq 100); do
        inh ip addr | grep -q tentative || break
        sleep 0.1
    done
    {
        inh ip -j link show
        inh ip -j addr show
        inh ip -j -4 route show table all
        inh ip -j -6 route show table all
    } | python3 -c 'import json,sys
drop = set(sys.argv[1:])
def strip(v):
    if isinstance(v, dict):
        return {k: strip(x) for k, x in v.items() if k not in drop}
    if isinstance(v, list):
        return [strip(x) for x in v]
    return v
for line in sys.stdin:
    print(json.dumps(strip(json.loads(line)), indent=1, sort_keys=True))' "$@"
}

ip link add eth0 netns "$H" type veth peer name eth0 netns "$P" ||
    fail "cannot create the veth pair"
inh ip link set lo up
inh ip link set eth0 up
inh ip addr add 10.79.0.1/24 dev eth0
inh ip route add default via 10.79.0.2
inh ip route add 10.50.0.0/24 dev eth0 proto static
inh ip route add 10.40.0.0/24 via 10.50.0.1 dev eth0
inh ip -6 route add fd99::/64 via fe80::1 dev eth0
ip -n "$P" link set eth0 up
ip -n "$P" addr add 10.79.0.2/24 dev eth0
snapshot >orig.json

xl bridge create xenbr0 --enslave eth0 || fail "create --enslave failed"
cp "$XLTOOL_RUN_DIR/bridge-xenbr0.state" state.saved
inh ip route show 10.40.0.0/24 | grep -q 'via 10.50.0.1 dev xenbr0' ||
    fail "route 10.40.0.0/24: $(inh ip route show 10.40.0.0/24)"
inh ip route show 10.50.0.0/24 | grep -q 'dev xenbr0 proto static' ||
    fail "route 10.50.0.0/24: $(inh ip route show 10.50.0.0/24)"
inh ip -6 route show fd99::/64 | grep -q 'via fe80::1 dev xenbr0' ||
    fail "route fd99::/64: $(inh ip -6 route show fd99::/64)"
ip netns exec "$P" ping -c 1 -W 5 10.79.0.1 >/dev/null ||
    fail "peer cannot ping the host"
echo "ok: dependent routes moved in a working order"

inh sysctl -qw net.ipv6.conf.eth0.disable_ipv6=1
snapshot >moved.json
out=$(xl bridge delete xenbr0 --release 2>&1)
st=$?
[ $st -eq 1 ] || fail "delete --release exited $st: $out"
[[ $out == *fd99::/64*eth0*"nothing was changed"* ]] ||
    fail "delete --release said: $out"
echo "ok: delete --release fails late: $out"
snapshot >now.json
diff -u moved.json now.json || fail "failed release not rolled back"
[ -s "$XLTOOL_RUN_DIR/bridge-xenbr0.state" ] || fail "state file lost"
ip netns exec "$P" ping -c 1 -W 5 10.79.0.1 >/dev/null ||
    fail "peer cannot ping the host after the rollback"
echo "ok: rolled back to the enslaved state"

inh sysctl -qw net.ipv6.conf.eth0.disable_ipv6=0
xl bridge delete xenbr0 --release || fail "delete --release failed"
snapshot >now.json
diff -u orig.json now.json || fail "host not restored"
[ ! -e "$XLTOOL_RUN_DIR/bridge-xenbr0.state" ] || fail "state file left"
echo "ok: host restored"

# delete --release also repairs a create that was interrupted (killed,
# say) after it made the bridge and gave it the first address.
inh ip link add xenbr0 type bridge
inh ip link set xenbr0 up
inh ip addr add 10.79.0.1/24 dev xenbr0
cp state.saved "$XLTOOL_RUN_DIR/bridge-xenbr0.state"
xl bridge delete xenbr0 --release || fail "repairing release failed"
snapshot >now.json
diff -u orig.json now.json || fail "host not repaired"
[ ! -e "$XLTOOL_RUN_DIR/bridge-xenbr0.state" ] || fail "state file left"
echo "ok: an interrupted create repaired"

# A NIC that is down is brought up for the move, and down again after.
ip link add eth1 netns "$H" type veth peer name eth1 netns "$P" ||
    fail "cannot create the second veth pair"
inh ip addr add 10.81.0.1/24 dev eth1
# The kernel gives a device its default qdisc when it first comes up and
# keeps it; that is the one change bringing eth1 up and down may leave.
snapshot qdisc >orig1.json
xl bridge create xenbr1 --enslave eth1 || fail "create --enslave eth1 failed"
inh ip -o link show eth1 | grep -q '[<,]UP[,>]' || fail "eth1 not brought up"
inh ip -o link show xenbr1 | grep -q '[<,]UP[,>]' || fail "xenbr1 not up"
inh ip -o addr show dev xenbr1 | grep -q ' 10.81.0.1/24 ' ||
    fail "eth1's address not moved"
xl bridge delete xenbr1 --release || fail "delete --release of eth1 failed"
snapshot qdisc >now.json
diff -u orig1.json now.json || fail "eth1 not restored (down)"
echo "ok: a down NIC is down again after the release"
exit 0
