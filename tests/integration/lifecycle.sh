#!/usr/bin/env bash
# lifecycle.sh - a domain's life on the simulated backend through the real
# binary: create, list (xl's exact format), domid/domname/uptime, pause
# and unpause (CPU time frozen while paused), mem-set, mem-max, vcpu-set,
# rename, destroy, and nothing left behind.
. "$TOP/tests/integration/lifecycle.lib"

mkcfg web "disk = [ 'file:$IMG/disk.img,xvda,w' ]" "vif = [ 'bridge=nobr0' ]"
out=$(x create web.cfg 2>err) || { cat err; fail "create"; }
grep -q "no Xen hypervisor" err && fail "notice printed although XLTOOL_BACKEND=sim"
id=$(x domid web) || fail "domid"
[ "$(x domname "$id")" = web ] || fail "domname $id"

# xl's list format, byte for byte (the Time(s) column varies).
x list >list.out || fail "list"
head -1 list.out | cmp -s - <(printf 'Name                                        ID   Mem VCPUs\tState\tTime(s)\n') ||
    fail "list header: $(head -1 list.out | od -c | head -3)"
grep -Eq '^Domain-0 {37}0 [ 0-9]{5} [ 0-9]{5}     r-----  [ 0-9]{6}\.[0-9]$' list.out ||
    fail "Domain-0 row: $(grep Domain-0 list.out)"
row=$(grep '^web ' list.out)
printf -v want '%-40s %5d %5d %5d     ' web "$id" 16 1
[ "${row:0:63}" = "$want" ] || fail "row prefix '${row:0:63}' != '$want'"
[[ ${row:63} =~ ^-b----\ \ [\ 0-9]{6}\.[0-9]$|^r-----\ \ [\ 0-9]{6}\.[0-9]$ ]] ||
    fail "row state/time '${row:63}'"
x list web 2>/dev/null | grep -q '^web ' || fail "list DOM"
x list -v web | head -1 | grep -q 'UUID *Reason-Code' || fail "list -v header"
x list -v web | tail -1 | grep -Eq ' [0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12} +- +-$' ||
    fail "list -v row: $(x list -v web | tail -1)"
uuid=$(x list -v web | awk 'NR == 2 { print $7 }')
[ "$(x list "$uuid" | awk 'NR == 2 { print $1 }')" = web ] || fail "lookup by uuid"
x uptime web | grep -Eq "^web +$id +0:00:[0-9]{2}$" || fail "uptime: $(x uptime web)"

# Pause really stops the guest: its CPU time and counter freeze.
guest web "dirty 256M/s" >/dev/null || fail "dirty on"
wait_until 30 sh -c "[ \"\$($XLTOOL list web | awk 'NR == 2 { print \$6 }')\" != 0.0 ]" ||
    fail "CPU time does not move while running"
x pause web || fail "pause"
[ "$(state web)" = --p--- ] || fail "paused state $(state web)"
t1=$(field web 6); c1=$(awk '/^pid /{print $2}' "$XLTOOL_SIM_DIR/dom/$id/info")
grep -q '^State:.*T' "/proc/$c1/status" || fail "guest process not stopped"
sleep 1.5
[ "$(field web 6)" = "$t1" ] || fail "CPU time moved while paused"
x unpause web || fail "unpause"
[ "$(state web)" != --p--- ] || fail "still paused"
guest web "dirty off" >/dev/null

# Memory and vcpus.
x mem-set web 8 || fail "mem-set"
[ "$(field web 3)" = 8 ] || fail "mem-set not shown: $(field web 3)"
x mem-set web 32 2>err && fail "mem-set above max accepted"
grep -q "maximum" err || fail "mem-set error: $(cat err)"
x mem-max web 64 && x mem-set web 32 || fail "mem-max then mem-set"
[ "$(field web 3)" = 32 ] || fail "mem-set 32 not shown"
x vcpu-set web 2 2>err && fail "vcpu-set above max accepted"
x vcpu-list web | grep -Eq "^web +$id +0 +[0-9]+ +[-r][-b]- +[0-9]+\.[0-9]  all / all$" ||
    fail "vcpu-list: $(x vcpu-list web)"
x vcpu-pin web 0 0 || fail "vcpu-pin"
x vcpu-list web | grep -q " 0 / all$" || fail "pin not shown: $(x vcpu-list web)"

# Devices.
x block-list web | grep -Eq '^51712 +0 +[0-9]+ +4 ' || fail "block-list: $(x block-list web)"
x block-attach web "file:$IMG/disk2.img,xvdb,w" || fail "block-attach"
x block-list web | grep -q '^51728 ' || fail "attached disk not listed"
# The hot-plugged image is the domain's until detached.
mkcfg other "disk = [ 'file:$IMG/disk2.img,xvda,w' ]"
x create other.cfg 2>err && fail "attached image taken by another domain"
grep -q "disk2.img is in use by another domain" err || fail "$(cat err)"
x block-detach web xvdb || fail "block-detach"
x block-list web | grep -q '^51728 ' && fail "detached disk still listed"
wait_until 10 x create -q other.cfg 2>/dev/null || fail "image not released"
x destroy other
x network-list web | grep -Eq '^0   0  00:16:3e:[0-9a-f:]{8} +0 +4 ' ||
    fail "network-list: $(x network-list web)"
x network-attach web mac=00:16:3e:01:02:03 bridge=nobr0 || fail "network-attach"
x network-list web | grep -q '^1   0  00:16:3e:01:02:03' || fail "attached nic"
x network-detach web 00:16:3e:01:02:03 || fail "network-detach"

# Rename, then destroy.
x rename web web2 || fail "rename"
[ "$(x domid web2)" = "$id" ] || fail "renamed domain"
x domid web 2>/dev/null && fail "old name still resolves"
x dmesg | grep -q "domain $id (web) created" || fail "dmesg"
x destroy web2 || fail "destroy"
x list web2 2>err && fail "destroyed domain listed"
grep -q "web2" err || fail "error does not name the domain: $(cat err)"
# create -p: the guest has not booted until unpaused.
mkcfg late
x create -p late.cfg >/dev/null 2>&1 || fail "create -p"
[ "$(state late)" = --p--- ] || fail "create -p state '$(state late)'"
[ "$(field late 6)" = 0.0 ] || fail "paused-at-birth guest used CPU"
x unpause late || fail "unpause late"
guest late status | tr -d '\r' | grep -q '^Booting kernel' ||
    fail "no boot log after unpause"
x destroy late
no_state_left
exit 0
