#!/usr/bin/env bash
# lifecycle_xm.sh - invoked as xm, the tool prints xm's formats: the list
# header and rows with xm's spacing and state letters, `list --long` as
# xend's S-expressions one (key value) per line, info's key: value lines.
. "$TOP/tests/integration/lifecycle.lib"

mkcfg old "disk = [ 'file:$IMG/disk.img,xvda,w' ]" "vif = [ 'mac=00:16:3e:00:00:01, bridge=xenbr9' ]" "on_crash = 'preserve'"
"$XM" create old.cfg >/dev/null 2>&1 || fail "xm create"
id=$(x domid old)
"$XM" list >xm.out || fail "xm list"
printf -v hdr '%-40s %5s %5s %5s %10s %9s' Name ID Mem VCPUs State 'Time(s)'
[ "$(head -1 xm.out)" = "$hdr" ] || fail "xm header: '$(head -1 xm.out)'"
row=$(grep '^old ' xm.out)
printf -v want '%-40s %5s %5d %5d     ' old "$id" 16 1
[ "${row:0:63}" = "$want" ] || fail "xm row '${row:0:63}'"
[[ ${row:63} =~ ^[-r][-b]----\ +[0-9]+\.[0-9]$ ]] || fail "xm row tail '${row:63}'"
grep -Eq '^Domain-0 {32} {5}0 ' xm.out || fail "xm Domain-0: $(grep Domain-0 xm.out)"

"$XM" list --long old >sxp.out || fail "xm list --long"
[ "$(head -1 sxp.out)" = "(domain" ] || fail "sxp start"
[ "$(tail -1 sxp.out)" = ")" ] || fail "sxp end"
for l in "    (domid $id)" "    (name old)" "    (memory 16)" "    (vcpus 1)" \
         "    (status 2)" "    (on_crash preserve)" \
         "            (kernel $IMG/vmlinuz)" \
         "            (uname file:$IMG/disk.img)" \
         "            (dev xvda)" "            (mode w)" \
         "            (mac 00:16:3e:00:00:01)" "            (bridge xenbr9)"; do
    grep -qxF -- "$l" sxp.out || fail "no line '$l' in: $(cat sxp.out)"
done
grep -Eqx '    \(state [-r][-b]----\)' sxp.out || fail "sxp state"
"$XM" pause old
grep -qx '    (status 1)' <("$XM" list -l old) || fail "paused status"
grep -qx '    (state --p---)' <("$XM" list -l old) || fail "paused state"
"$XM" unpause old
kill -9 "$(awk '/^pid /{print $2}' "$XLTOOL_SIM_DIR/dom/$id/info")"
wait_until 10 sh -c "$XM list old | grep -q -- '---sc-'" || fail "xm crashed row"
grep -qx '    (status 5)' <("$XM" list -l old) || fail "crashed status"

# xl's JSON for list -l: [{"domid": N, "config": {...}}].
x list -l old >json.out || fail "xl list -l"
python3 - json.out "$id" <<'PY' || fail "xl list -l JSON: $(head -c 300 json.out)"
import json, sys
d = json.load(open(sys.argv[1]))
assert isinstance(d, list) and len(d) == 1, d
assert d[0]["domid"] == int(sys.argv[2])
assert d[0]["config"]["c_info"]["name"] == "old"
assert list(d[0].keys()) == ["domid", "config"]
PY
head -3 json.out | tr '\n' '|' | grep -q '^\[|    {|        "domid": ' ||
    fail "xl list -l layout: $(head -3 json.out)"

"$XM" info >info.out || fail "xm info"
for k in host release machine nr_cpus total_memory free_memory xen_major \
         xen_minor xen_extra xen_caps; do
    grep -Eq "^$k {$((23 - ${#k}))}: " info.out || fail "info key $k"
done
grep -q '^xen_extra *: -simulated$' info.out || fail "simulated version"
[ "$(x info nr_cpus)" = "$(nproc)" ] || fail "info nr_cpus: $(x info nr_cpus)"
total=$(awk '/^MemTotal/ { print int($2 / 1024) }' /proc/meminfo)
[ "$(x info total_memory)" = "$total" ] || fail "info total_memory"
cleanup_domains
no_state_left
exit 0
