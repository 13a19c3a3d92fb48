#!/usr/bin/env bash
# bridge-sim.sh - a simulated domain with two vifs on xenbr0: the host's
# NIC (a veth to a peer namespace) is enslaved with "bridge create
# --enslave", the domain is created on the simulated backend, and its vifs
# must appear as taps vifDOMID.0 and vifDOMID.1 with the configured MACs
# beside eth0 in "bridge list"; once the domain is destroyed they must be
# gone, eth0 must stay, and "bridge delete --release" must restore the
# host exactly.
set -u

fail() { echo "FAIL: $*"; exit 1; }
skip() { echo "SKIP: $*"; exit 77; }

[ "$(id -u)" = 0 ] || skip "needs root (network namespaces, tap devices)"
for t in ip ping python3; do
    command -v $t >/dev/null || skip "$t not installed"
done
[ -e /dev/net/tun ] || skip "no /dev/net/tun"
[ -x "${XLTOOL:-}" ] || fail "XLTOOL not set"

H=xtsh$$ P=xtsp$$
cleanup() {
    ip netns exec "$H" "$XLTOOL" destroy vm1 >/dev/null 2>&1
    # Whatever of ours still runs in the namespace goes with it.
    ip netns pids "$H" 2>/dev/null | xargs -r kill -9 2>/dev/null
    ip netns del "$H" 2>/dev/null
    ip netns del "$P" 2>/dev/null
}
trap cleanup EXIT
trap 'exit 1' INT TERM
ip netns add "$H" 2>/dev/null || skip "cannot create network namespaces"
ip netns add "$P" || fail "cannot create namespace $P"
export XLTOOL_RUN_DIR=$PWD/run XLTOOL_SIM_DIR=$PWD/sim XLTOOL_BACKEND=sim

inh() { ip netns exec "$H" "$@"; }
xl() { inh "$XLTOOL" "$@"; }

ip link add eth0 netns "$H" type veth peer name eth0 netns "$P" ||
    fail "cannot create the veth pair"
inh ip link set lo up
inh ip link set eth0 up
inh ip addr add 10.78.0.1/24 dev eth0
inh ip route add default via 10.78.0.2
ip -n "$P" link set eth0 up
ip -n "$P" addr add 10.78.0.2/24 dev eth0

# IPv6 link-local addresses are tentative while duplicate address
# detection runs; compare states only once it is over.
snapshot() {
    local i
    for i in $(seq 100); do
        inh ip addr | grep -q tentative || break
        sleep 0.1
    done
    { inh ip -j addr show; inh ip -j -4 route show table all; } |
        python3 -c 'import json,sys
for line in sys.stdin:
    print(json.dumps(json.loads(line), indent=1, sort_keys=True))'
}
snapshot >orig.json

xl bridge create xenbr0 --enslave eth0 || fail "create --enslave failed"
cat >vm1.cfg <<'CFG'
name = "vm1"
memory = 64
kernel = "/dev/null"
vif = [ 'mac=00:16:3e:4b:00:01,bridge=xenbr0',
        'mac=00:16:3e:4b:00:02,bridge=xenbr0' ]
CFG
xl create vm1.cfg || fail "create vm1 failed"
domid=$(xl domid vm1) || fail "no domid for vm1"
echo "vm1 is domain $domid"

mac=$(inh cat /sys/class/net/xenbr0/address | tr -d :)
printf 'bridge name\tbridge id\t\tSTP enabled\tinterfaces\nxenbr0\t\t8000.%s\tno\t\teth0\n\t\t\t\t\t\t\tvif%s.0\n\t\t\t\t\t\t\tvif%s.1\n' \
    "$mac" "$domid" "$domid" >want.txt
xl bridge list >got.txt || fail "bridge list failed"
diff -u want.txt got.txt || fail "bridge list with the domain running"
for i in 0 1; do
    inh ip -d -j link show "vif$domid.$i" | python3 -c 'import json,sys
l = json.load(sys.stdin)[0]
ok = (l["address"] == sys.argv[1] and "UP" in l["flags"] and
      l.get("master") == "xenbr0" and l["linkinfo"]["info_kind"] == "tun")
sys.exit(0 if ok else "unexpected: %r" % l)' "00:16:3e:4b:00:0$((i + 1))" ||
        fail "vif$domid.$i is not an up tap on xenbr0 with its MAC"
done
ip netns exec "$P" ping -c 1 -W 5 10.78.0.1 >/dev/null ||
    fail "peer cannot reach the host with the domain running"
echo "ok: both vifs on xenbr0 beside eth0"

xl destroy vm1 || fail "destroy vm1 failed"
for i in $(seq 100); do
    [ "$(xl bridge list --json)" = "[{\"name\":\"xenbr0\",\"id\":\"8000.$mac\",\"stp\":false,\"interfaces\":[\"eth0\"]}]" ] &&
        break
    sleep 0.05
done
xl bridge list --json
[ "$(xl bridge list --json)" = "[{\"name\":\"xenbr0\",\"id\":\"8000.$mac\",\"stp\":false,\"interfaces\":[\"eth0\"]}]" ] ||
    fail "vifs left on xenbr0 after destroy"
inh ip link show "vif$domid.0" >/dev/null 2>&1 && fail "vif$domid.0 remains"
echo "ok: vifs gone with the domain"

xl bridge delete xenbr0 --release || fail "delete --release failed"
snapshot >now.json
diff -u orig.json now.json || fail "host not restored"
echo "ok: host restored"
exit 0
