#!/usr/bin/env bash
# cli_grammar.sh - the option grammar of each personality, the binary run
# as xltool, xl and xm: options after the operands and "--", create's
# --defconfig as Debian's xendomains writes it, prefixes of command names
# and xm's aliases, xm's shutdown -R and list -v, list --state, help in
# each tool's own terms, and xl.conf's output_format="sxp".
. "$TOP/tests/integration/lifecycle.lib"

ln -s "$XLTOOL" "$PWD/xl"
XL=$PWD/xl

# usage_error CMD...: exits 2 with a usage line.
usage_error() {
    local st
    "$@" >ue.out 2>&1
    st=$?
    [ $st = 2 ] || fail "'$*' exited $st, not 2: $(cat ue.out)"
    grep -q "^Usage: " ue.out || fail "'$*': no usage line: $(cat ue.out)"
}

mkcfg g1
mkcfg g2

# --- create, as xendomains and xen-init-name run it ---
"$XL" create --quiet --dryrun --defconfig g1.cfg >dry.json ||
    fail "create --quiet --dryrun --defconfig"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1]));
assert d["c_info"]["name"] == "g1", d' dry.json || fail "dry-run JSON"
"$XM" create --quiet --defconfig g1.cfg || fail "xm create --defconfig"
x domid g1 >/dev/null || fail "g1 not created"
# The config file first, its options after it (xl create cfg -p).
"$XL" create g2.cfg -p -q || fail "xl create cfg -p -q"
[[ $(state g2) == *p* ]] || fail "g2 not paused: $(state g2)"
"$XL" unpause g2
# key=value variables stay operands wherever the options are.
mkcfg g3
"$XL" create -n g3.cfg memory=24 -q | grep -q '"max_memkb": 24576' ||
    fail "a variable after the file and before an option was lost"
# "--" ends the options: what follows is an operand.
"$XL" create -n -- g3.cfg >/dev/null || fail "create -n -- FILE"
usage_error "$XL" create -n --bogus g3.cfg

# --- xm's orders: options after the domain or the file ---
"$XM" save g1 g1.save || fail "xm save"
"$XM" restore g1.save -p || fail "xm restore FILE -p"
[[ $(state g1) == *p* ]] || fail "g1 not restored paused: $(state g1)"
"$XM" unpause g1
id1=$(x domid g1)
"$XM" shutdown g1 -w || fail "xm shutdown DOM -w"
x domid g1 >/dev/null 2>&1 && fail "g1 still there after shutdown -w"
# xm shutdown -R is xm reboot; the domain comes back under a new id.
id2=$(x domid g2)
"$XM" shutdown g2 -R -w || fail "xm shutdown -R"
wait_until 10 sh -c "'$XLTOOL' domid g2 >/dev/null 2>&1 &&
    [ \"\$('$XLTOOL' domid g2)\" != $id2 ]" || fail "g2 did not reboot"
[ "$id1" != "$id2" ] || fail "domids"

# --- names: prefixes and xm's aliases ---
"$XL" li >li.out || fail "xl li"
head -1 li.out | grep -q '^Name  *ID   Mem VCPUs' || fail "xl li: $(head -1 li.out)"
"$XL" l g2 >/dev/null || fail "xl l (the only command starting so)"
"$XM" li g2 >/dev/null || fail "xm li"
usage_error "$XM" l                       # xm: two letters at least
usage_error "$XL" re g2                   # rename, reboot, restore, ...
"$XM" balloon g2 12 2>bal.err || fail "xm balloon: $(cat bal.err)"
grep -qx "Command balloon is deprecated.  Please use xm mem-set instead." \
    bal.err || fail "xm's notice: $(cat bal.err)"
[ "$(field g2 3)" = 12 ] || fail "balloon did not set the memory"
usage_error "$XL" balloon g2 12           # an alias of xm's only
"$XM" vcpu-list g2 >/dev/null && "$XM" vcpu-l g2 >/dev/null ||
    fail "vcpu-list by prefix"

# --- list: --state, xm's -v (vcpus), xl's -v (verbose) ---
x pause g2
x list --state=paused >st.out || fail "list --state=paused"
grep -q '^g2 ' st.out || fail "g2 not listed as paused: $(cat st.out)"
grep -q '^Domain-0 ' st.out && fail "Domain-0 listed as paused"
x list --state=running | grep -q '^g2 ' && fail "g2 listed as running"
x unpause g2
usage_error "$XLTOOL" list --state=sleepy
"$XM" list -v g2 >v.out || fail "xm list -v"
printf -v hdr '%-32s %5s %5s %5s %5s %9s %s' Name ID VCPU CPU State \
    'Time(s)' 'CPU Affinity'
[ "$(head -1 v.out)" = "$hdr" ] || fail "xm list -v header: $(head -1 v.out)"
grep -Eq '^g2 +[0-9]+ +0 +[0-9]+ +[-r][-b]- +[0-9.]+ any cpu$' v.out ||
    fail "xm list -v row: $(sed -n 2p v.out)"
"$XL" list -v g2 | head -1 | grep -q 'UUID' || fail "xl list -v"

# --- help in each tool's terms ---
"$XM" migrate -h | grep -q -- '-p, --port=PORT' || fail "xm migrate -h"
"$XL" migrate -h | grep -q -- '-C CONFIG' || fail "xl migrate -h"
"$XL" migrate -h | grep -q -- '--port=PORT' && fail "xl shows xm's -p"
"$XM" shutdown -h | head -1 | grep -qx 'Usage: xm shutdown <Domain> \[-waRH\]' ||
    fail "xm shutdown -h: $("$XM" shutdown -h | head -1)"
usage_error "$XL" shutdown -R g2          # xm's option, not xl's

# --- xl.conf's output_format="sxp" ---
echo 'output_format="sxp"' >xl.conf
XLTOOL_XL_CONF=$PWD/xl.conf "$XL" list -l g2 >sxp.out || fail "list -l sxp"
[ "$(head -1 sxp.out)" = "(domain" ] || fail "sxp: $(head -1 sxp.out)"
grep -qxP "\t\(name g2\)" sxp.out || fail "no name line: $(cat sxp.out)"
grep -qxP "\t\(domid $(x domid g2)\)" sxp.out || fail "no domid line"
grep -qxP "\t\(max_memkb 16384\)" sxp.out || fail "no max_memkb line"
grep -qxP "\t\t\t\(kernel $IMG/vmlinuz\)" sxp.out || fail "no kernel line"
[ "$(tail -1 sxp.out)" = ")" ] || fail "sxp end"
XLTOOL_XL_CONF=$PWD/xl.conf "$XL" create -n g3.cfg >sxpn.out ||
    fail "create -n sxp"
grep -qxP "\t\(domid -1\)" sxpn.out && grep -qxP "\t\(uuid <unknown>\)" \
    sxpn.out || fail "create -n sxp: $(head -12 sxpn.out)"
# xm keeps its own SXP whatever xl.conf says.
XLTOOL_XL_CONF=$PWD/xl.conf "$XM" list -l g2 | grep -qx '    (name g2)' ||
    fail "xm list -l changed with xl.conf"
echo PASS
