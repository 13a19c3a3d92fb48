#!/usr/bin/env bash
# device_opts.sh - network-attach's vif fields (backend=, rate=, mtu=,
# model=, type=) kept in the domain's config and refused when wrong, and
# block-detach -f, on the simulated backend.
. "$TOP/tests/integration/lifecycle.lib"

mkcfg d
x create d.cfg >/dev/null || fail "create d"
mkcfg dd
x create dd.cfg >/dev/null || fail "create dd"

x network-attach d mac=00:16:3e:77:00:01 bridge=xtnobr rate=10Mb/s@20ms \
    mtu=9000 model=e1000 backend=dd type=vif 2>/dev/null ||
    fail "network-attach with fields"
x list -l d >cfg.json
python3 - <<'PY' || fail "nic fields not kept: $(cat cfg.json)"
import json
nic = json.load(open("cfg.json"))[0]["config"]["nics"][-1]
assert nic["mac"] == "00:16:3e:77:00:01", nic
assert nic["mtu"] == 9000, nic
assert nic["model"] == "e1000", nic
assert nic["backend_domname"] == "dd", nic
# 10Mb/s over 20ms: 1250000 bytes/s * 0.02 s.
assert nic["rate_bytes_per_interval"] == 25000, nic
assert nic["rate_interval_usecs"] == 20000, nic
PY
be=$(x domid dd)
[ "$(x network-list d | awk 'NR > 1 { print $2 }')" = "$be" ] ||
    fail "network-list backend: $(x network-list d)"
x network-list d | grep -q " /local/domain/$be/backend/vif/" ||
    fail "network-list backend: $(x network-list d)"

# Refused, nothing attached.
before=$(x network-list d)
for a in "backend=nosuch" "rate=fast" "mtu=x" "mac=zz" "type=bogus" \
         "color=red" "bridge=a,mtu=1"; do
    x network-attach d "$a" 2>err && fail "network-attach $a accepted"
    [ "$(wc -l <err)" -eq 1 ] || fail "network-attach $a: $(cat err)"
done
[ "$(x network-list d)" = "$before" ] || fail "a refused attach changed d"

# xl.conf's vif defaults apply first.
printf 'vif.default.bridge = "xtdefbr"\n' >xl.conf
XLTOOL_XL_CONF=$PWD/xl.conf x network-attach d 2>/dev/null ||
    fail "network-attach with defaults"
x list -l d | python3 -c 'import json,sys; n = json.load(sys.stdin)[0]["config"]["nics"][-1]; assert n.get("bridge") == "xtdefbr", n' ||
    fail "xl.conf default bridge not applied"

# block-detach -f removes the disk as block-detach does.
x block-attach d "file:$IMG/disk2.img,xvdb,w" || fail "block-attach"
x block-detach -f d xvdb || fail "block-detach -f"
x block-list d | grep -q '^51728 ' && fail "xvdb still attached"
x block-detach --force d xvdb 2>/dev/null && fail "detached a missing disk"
x destroy d
x destroy dd
exit 0
