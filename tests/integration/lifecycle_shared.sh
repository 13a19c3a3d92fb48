#!/usr/bin/env bash
# lifecycle_shared.sh - xm's disk access "w!" (writable, sharing
# allowed) on the simulated backend, by xend's block-script rule: a "w!"
# newcomer is always let in, a plain "w" one only to an image nobody
# uses, an "r" one only where nobody uses it with plain "w".  The mode
# stays the domain's through a reboot, save/restore, a migration to
# another state dir (another "host" on the same storage) and hot-plug,
# and `xm list -l` shows it; `create -n` prints the same JSON for "w!" as
# for "w", as xl does.
. "$TOP/tests/integration/lifecycle.lib"

IMG2=$IMG/shared.img
truncate -s 16M "$IMG2"
# disk_cfg NAME MODE [extra lines]: a domain on the shared image.
disk_cfg() {
    local n=$1 m=$2
    shift 2
    mkcfg "$n" "disk = [ 'file:$IMG2,xvda,$m' ]" "$@"
}
# refused NAME: create fails because the image is in use.
refused() {
    x create "$1.cfg" >out 2>err && fail "$1 was let in: $(cat out)"
    grep -q "shared.img is in use by another domain" err ||
        fail "$1: unclear refusal: $(cat err)"
}
started() { x create "$1.cfg" >/dev/null 2>err || fail "$1: $(cat err)"; }

# The JSON is libxl's: "w!" reads as a writable disk, like "w".
U='uuid = "6b1c9f0e-2a53-4c1e-9a47-31d2c6f0a001"'
disk_cfg dry1 'w!' "$U"
disk_cfg dry2 'w' "$U"
sed -i 's/^name = .*/name = "dry1"/' dry2.cfg
x create -n dry1.cfg >dry1.json 2>dry1.err || fail "create -n: $(cat dry1.err)"
x create -n dry2.cfg >dry2.json 2>/dev/null || fail "create -n w"
diff -u dry2.json dry1.json || fail "create -n differs for w! and w"
grep -q '"readwrite": 1' dry1.json || fail "w! not writable in JSON"
[ -s dry1.err ] && fail "create -n w! said: $(cat dry1.err)"

# Two "w!" writers share; plain "w" is refused; a reader is let in.
disk_cfg s1 'w!'; disk_cfg s2 'w!'; disk_cfg pw w; disk_cfg rd r
started s1
started s2
refused pw
started rd
[ "$(cat "$XLTOOL_SIM_DIR/dom/$(x domid s1)/extra")" = "disk-shared xvda" ] ||
    fail "s1's extra not recorded"
# xm list --long shows each disk's mode as xm did.
"$XM" list -l s1 | grep -q '^ *(mode w!)$' || fail "xm list -l: $("$XM" list -l s1)"
"$XM" list -l rd | grep -q '^ *(mode r)$' || fail "xm list -l rd"
[ -e "$XLTOOL_SIM_DIR/dom/$(x domid rd)/extra" ] && fail "extra for rd"
x destroy rd

# A reboot (a new domid, disks opened again) keeps "w!": s2 still holds
# the image while s1 comes back.
id1=$(x domid s1)
x reboot -w s1 2>/dev/null || fail "reboot s1"
wait_until 10 sh -c "$XLTOOL domid s1 >/dev/null 2>&1" || fail "s1 not back"
[ "$(x domid s1)" != "$id1" ] || fail "s1 kept domid $id1"
[[ $(state s1) =~ ^[-r][-b]----$ ]] || fail "s1 after reboot: '$(state s1)'"

# Save/restore: the stream carries the mode, so the copy is let in
# beside s2; a plain "w" domain saved beside a "w!" one is not.
x save s1 s1.save 2>/dev/null || fail "save s1"
x restore s1.save 2>err || fail "restore of a w! domain: $(cat err)"
x destroy s1 && x destroy s2
started pw
x save pw pw.save 2>/dev/null || fail "save pw"
started s2
x restore pw.save 2>err && fail "a plain w domain restored beside s2"
grep -q "in use by another domain" err || fail "restore pw: $(cat err)"
x destroy s2

# A "w" user first: a "w!" newcomer is let in beside it (the script
# checked only the newcomer), a reader and another "w" are not.
started pw
started s1
refused rd
disk_cfg pw2 w
refused pw2
x destroy pw

# Hot-plug: block-attach with "w!" beside s1, then plain "w" refused.
mkcfg hp
started hp
x block-attach hp "file:$IMG2,xvdb,w!" 2>err || fail "attach w!: $(cat err)"
grep -q "^disk-shared xvdb$" "$XLTOOL_SIM_DIR/dom/$(x domid hp)/extra" ||
    fail "hot-plugged w! not recorded"
x block-attach hp "file:$IMG2,xvdc,w" 2>err && fail "attach w beside w!"
grep -q "in use by another domain" err || fail "attach w: $(cat err)"
x block-detach hp xvdb || fail "detach"
[ -e "$XLTOOL_SIM_DIR/dom/$(x domid hp)/extra" ] && fail "extra after detach"
x destroy hp

# Migration to another state dir on the same storage, through xl's
# protocol: s1 arrives as "w!" beside s2, which stays; once s2 is gone,
# a reader is let in (s1 does not hold the image as plain "w") and a
# writer is not.
started s2
x migrate -s '' s1 "env XLTOOL_SIM_DIR=$PWD/simB $XLTOOL migrate-receive" \
    >mig.out 2>&1 || fail "migration: $(cat mig.out)"
x list s1 >/dev/null 2>&1 && fail "s1 still on the source"
XLTOOL_SIM_DIR=$PWD/simB x list s1 >/dev/null 2>&1 || fail "s1 not received"
idB=$(XLTOOL_SIM_DIR=$PWD/simB x domid s1)
grep -q "^disk-shared xvda$" "$PWD/simB/dom/$idB/extra" ||
    fail "the received s1 lost its w!"
x destroy s2
sleep 0.2
started rd
refused pw
x destroy rd
XLTOOL_SIM_DIR=$PWD/simB x destroy s1 || fail "destroy s1 on B"
started pw
x destroy pw
cleanup_domains
no_state_left
exit 0
