#!/usr/bin/env bash
# bridge-hotplug.sh - hot-plugged vifs of a simulated domain become taps
# on their bridge as the config's vifs do: in a network namespace with
# xenbr0, network-attach adds an up tap vifDOMID.DEVID (or the vifname
# given) with the MAC given, enslaved to the bridge; network-detach, by
# device number or by MAC, removes it (a config vif too) and leaves the
# others; a vif whose bridge does not exist is recorded, unconnected, and
# the hypervisor log says why; a reboot brings every vif back on the new
# domid; destroy leaves the bridge without ports.
set -u

fail() { echo "FAIL: $*"; exit 1; }
skip() { echo "SKIP: $*"; exit 77; }

[ "$(id -u)" = 0 ] || skip "needs root (network namespaces, tap devices)"
for t in ip python3; do
    command -v $t >/dev/null || skip "$t not installed"
done
[ -e /dev/net/tun ] || skip "no /dev/net/tun"
[ -x "${XLTOOL:-}" ] || fail "XLTOOL not set"

H=xthp$$
cleanup() {
    ip netns exec "$H" "$XLTOOL" destroy hp >/dev/null 2>&1
    ip netns pids "$H" 2>/dev/null | xargs -r kill -9 2>/dev/null
    ip netns del "$H" 2>/dev/null
}
trap cleanup EXIT
trap 'exit 1' INT TERM
ip netns add "$H" 2>/dev/null || skip "cannot create network namespaces"
export XLTOOL_RUN_DIR=$PWD/run XLTOOL_SIM_DIR=$PWD/sim XLTOOL_BACKEND=sim

inh() { ip netns exec "$H" "$@"; }
xl() { inh "$XLTOOL" "$@"; }

ports() {  # the ports of xenbr0, space-separated
    xl bridge list --json | python3 -c 'import json,sys
b = [x for x in json.load(sys.stdin) if x["name"] == "xenbr0"]
print(" ".join(sorted(b[0]["interfaces"])) if b else "NO-BRIDGE")'
}
# is_tap NAME MAC: NAME is an up tap on xenbr0 with MAC.
is_tap() {
    inh ip -d -j link show "$1" | python3 -c 'import json,sys
l = json.load(sys.stdin)[0]
ok = (l["address"] == sys.argv[1] and "UP" in l["flags"] and
      l.get("master") == "xenbr0" and l["linkinfo"]["info_kind"] == "tun"
      and l["linkinfo"]["info_data"]["type"] == "tap")
sys.exit(0 if ok else "unexpected: %r" % l)' "$2"
}
# A tap goes when the guest closes its fd, a moment after the command.
wait_ports() {
    local i
    for i in $(seq 100); do
        [ "$(ports)" = "$1" ] && return 0
        sleep 0.05
    done
    fail "xenbr0 ports '$(ports)', not '$1'"
}
nics() { xl network-list hp | awk 'NR > 1 { print $1 }' | tr '\n' ' '; }

inh ip link set lo up
xl bridge create xenbr0 || fail "bridge create xenbr0 failed"
: >vmlinuz
cat >hp.cfg <<CFG
name = "hp"
memory = 16
kernel = "$PWD/vmlinuz"
vif = [ 'mac=00:16:3e:4c:00:01,bridge=xenbr0' ]
CFG
xl create hp.cfg >/dev/null || fail "create hp failed"
d=$(xl domid hp) || fail "no domid for hp"
wait_ports "vif$d.0"

xl network-attach hp mac=00:16:3e:4c:00:02 bridge=xenbr0 ||
    fail "network-attach failed"
wait_ports "vif$d.0 vif$d.1"
is_tap "vif$d.1" 00:16:3e:4c:00:02 || fail "vif$d.1 is not the vif attached"
xl network-attach hp mac=00:16:3e:4c:00:03 bridge=xenbr0 vifname=xthot3 ||
    fail "network-attach vifname failed"
wait_ports "vif$d.0 vif$d.1 xthot3"
is_tap xthot3 00:16:3e:4c:00:03 || fail "xthot3 is not the vif attached"
[ "$(nics)" = "0 1 2 " ] || fail "network-list: $(nics)"
echo "ok: attached vifs are taps on xenbr0"

xl network-attach hp mac=00:16:3e:4c:00:04 bridge=nosuchbr ||
    fail "network-attach to a missing bridge failed"
[ "$(nics)" = "0 1 2 3 " ] || fail "unconnected vif not recorded: $(nics)"
[ "$(ports)" = "vif$d.0 vif$d.1 xthot3" ] || fail "ports: $(ports)"
inh ip link show "vif$d.3" >/dev/null 2>&1 && fail "tap for a missing bridge"
xl dmesg | grep -q "vif3 not connected: bridge nosuchbr does not exist" ||
    fail "no warning for the missing bridge: $(xl dmesg | tail -n 3)"
echo "ok: a vif on a missing bridge is recorded, unconnected"

xl network-detach hp 1 || fail "network-detach 1 failed"
wait_ports "vif$d.0 xthot3"
inh ip link show "vif$d.1" >/dev/null 2>&1 && fail "vif$d.1 remains"
xl network-detach hp 00:16:3e:4c:00:03 || fail "network-detach by MAC"
wait_ports "vif$d.0"
[ "$(nics)" = "0 3 " ] || fail "network-list after detach: $(nics)"
echo "ok: detached vifs are gone, the others stay"

# A reboot builds the domain again from its config as the hot-plugs left
# it: the config's vif and one attached since, on the new domid.
xl network-attach hp mac=00:16:3e:4c:00:05 bridge=xenbr0 ||
    fail "network-attach before reboot"
wait_ports "vif$d.0 vif$d.4"
xl reboot -w hp || fail "reboot"
for i in $(seq 100); do
    d2=$(xl domid hp 2>/dev/null) && [ "$d2" != "$d" ] && break
    sleep 0.1
done
[ "${d2:-$d}" != "$d" ] || fail "hp did not come back"
wait_ports "vif$d2.0 vif$d2.4"
is_tap "vif$d2.4" 00:16:3e:4c:00:05 || fail "attached vif lost in reboot"
echo "ok: attached vifs come back after a reboot"

# A config vif goes the same way.
xl network-detach hp 0 || fail "network-detach 0"
wait_ports "vif$d2.4"
xl destroy hp || fail "destroy"
wait_ports ""
echo "ok: no ports left after destroy"
exit 0
