#!/usr/bin/env bash
# managed.sh - managed domains on one host (simulated backend): new
# stores a config without starting it, list shows it halted (xm's "-" and
# "------"), start boots it, changes made while it runs (mem-set,
# mem-max, vcpu-set, block-attach, network-attach, rename) are in the
# store and seen by the next start, suspend saves it into the store and
# resume brings it back with its memory intact, delete removes only a
# halted domain, and autostart is a stored flag.
. "$TOP/tests/integration/lifecycle.lib"
export XLTOOL_MANAGED_DIR=$PWD/managed

mkcfg web "disk = [ 'file:$IMG/disk.img,xvda,w' ]" "memory = 32" "vcpus = 2"
x new web.cfg 2>err || fail "new: $(cat err)"
n=$(ls managed/*.dom | wc -l)
[ "$n" = 1 ] || fail "$n store entries after new"
grep -q '^name web$' managed/*.dom || fail "entry names web"
grep -q '"name": "web"' managed/*.dom || fail "entry holds libxl's JSON"
x new web.cfg 2>err && fail "a second new of web"
grep -q "managed already" err || fail "second new: $(cat err)"

# xm lists a halted managed domain with id "-" and state "------".
line=$("$XM" list 2>/dev/null | grep '^web ')
[ "$line" = "$(printf '%-40s %5s %5d %5d %10s %8.1f' web - 32 2 ------ 0.0)" ] ||
    fail "xm list of a halted domain: '$line'"
"$XM" list web 2>/dev/null | grep -q '^web  *-  ' || fail "xm list web"
"$XM" list --state=halted 2>/dev/null | grep -q '^web ' ||
    fail "--state=halted"
"$XM" list --state=running 2>/dev/null | grep -q '^web ' &&
    fail "halted web listed as running"
x list 2>/dev/null | grep -q '^web  *-  ' || fail "xltool list shows halted"
# As xl, list stays what scripts parse: running domains only.
ln -sf "$XLTOOL" xl
./xl list 2>/dev/null | grep -q '^web ' && fail "xl list shows a halted domain"
x domid web >/dev/null 2>&1 && fail "a halted domain has a domid"

x start web 2>err || fail "start: $(cat err)"
id=$(x domid web) || fail "web does not run after start"
x start web 2>err && fail "start of a running domain"
grep -q "already running" err || fail "second start: $(cat err)"
x list --state=halted 2>/dev/null | grep -q '^web ' &&
    fail "running web listed as halted"
x delete web 2>err && fail "delete of a running domain"
grep -q "runs" err || fail "delete running: $(cat err)"

# Changes while it runs reach the store.
x mem-max web 64 || fail "mem-max"
x mem-set web 24 || fail "mem-set"
x vcpu-set web 1 || fail "vcpu-set"
x block-attach web "file:$IMG/disk2.img,xvdb,w" || fail "block-attach"
x network-attach web mac=00:16:3e:aa:bb:cc || fail "network-attach"
x rename web www || fail "rename"
grep -q '^name www$' managed/*.dom || fail "rename not stored"
grep -q '"max_memkb": 65536' managed/*.dom || fail "mem-max not stored"
grep -q '"target_memkb": 24576' managed/*.dom || fail "mem-set not stored"
grep -q 'disk2.img' managed/*.dom || fail "block-attach not stored"
grep -q '00:16:3e:aa:bb:cc' managed/*.dom || fail "network-attach not stored"

x destroy www || fail "destroy"
line=$("$XM" list 2>/dev/null | grep '^www ')
[ "$(echo "$line" | awk '{ print $2, $3, $4, $5 }')" = "- 24 1 ------" ] ||
    fail "halted www after the changes: '$line'"
x start www >/dev/null 2>&1 || fail "start after the changes"
[ "$(field www 3)" = 24 ] || fail "memory after start: $(field www 3)"
[ "$(field www 4)" = 1 ] || fail "vcpus after start: $(field www 4)"
x block-list www | grep -q '^51728 ' || fail "xvdb lost across start"
x network-list www | grep -q '00:16:3e:aa:bb:cc' || fail "nic lost"
x block-detach www xvdb || fail "block-detach"
grep -q 'disk2.img' managed/*.dom && fail "block-detach not stored"

# suspend into the store, resume from it: memory intact.
guest www "dirty 1M/s" >/dev/null
sleep 0.5
guest www "dirty off" >/dev/null
sum1=$(checksum www)
[ -n "$sum1" ] || fail "no checksum"
x suspend www 2>err || fail "suspend: $(cat err)"
x domid www >/dev/null 2>&1 && fail "www runs after suspend"
ls managed/*.save >/dev/null 2>&1 || fail "no save image in the store"
ls managed/*.tmp* >/dev/null 2>&1 && fail "a temporary file is left"
x list --state=suspended 2>/dev/null | grep -q '^www ' ||
    fail "--state=suspended"
x delete www 2>err && fail "delete of a suspended domain"
grep -q "suspended" err || fail "delete suspended: $(cat err)"
x resume www 2>err || fail "resume: $(cat err)"
ls managed/*.save >/dev/null 2>&1 && fail "save image left after resume"
[ "$(checksum www)" = "$sum1" ] || fail "checksum changed across resume"
x resume www 2>err && fail "resume of a running domain"
grep -q "not suspended" err || fail "resume running: $(cat err)"

# start of a suspended domain carries on from its saved state.
x suspend www 2>/dev/null || fail "second suspend"
x start -p www >/dev/null 2>&1 || fail "start of a suspended domain"
[ "$(state www)" = "--p---" ] || fail "start -p: state $(state www)"
x unpause www || fail "unpause"
[ "$(checksum www)" = "$sum1" ] || fail "start lost the saved memory"
ls managed/*.save >/dev/null 2>&1 && fail "save image left after start"

# suspend refuses an unmanaged domain; delete a halted one.
mkcfg plain
x create plain.cfg >/dev/null || fail "create plain"
x suspend plain 2>err && fail "suspend of an unmanaged domain"
grep -q "not a managed domain" err || fail "suspend plain: $(cat err)"
x destroy plain
x destroy www

x autostart www | grep -qx off || fail "autostart default"
x autostart www on || fail "autostart on"
x autostart www | grep -qx on || fail "autostart not stored"
grep -q '^autostart 1$' managed/*.dom || fail "autostart line"
x autostart www maybe 2>/dev/null; [ $? = 2 ] || fail "autostart maybe"
mkcfg auto2
x new --autostart auto2.cfg || fail "new --autostart"
x autostart auto2 | grep -qx on || fail "new --autostart not stored"

x delete www || fail "delete"
x delete auto2 || fail "delete auto2"
x list 2>/dev/null | grep -q '^www ' && fail "www listed after delete"
[ -z "$(ls managed)" ] || fail "store not empty: $(ls managed)"
x delete www 2>err && fail "delete of a domain that is not there"
grep -q "no managed domain" err || fail "delete missing: $(cat err)"
echo "managed domains: ok"
