#!/usr/bin/env bash
# lifecycle_softreset.sh - a guest's soft reset (kexec: the guest's
# "soft-reset" command) honours on_soft_reset as xl does: soft-reset (the
# default) keeps an HVM guest's domid and memory and boots it again;
# destroy and restart act as for the other events; a PV guest, which
# libxl cannot soft-reset, is destroyed.
. "$TOP/tests/integration/lifecycle.lib"

soft_reset() {
    python3 "$TOP/tests/integration/pty_console.py" --expect-exit \
        --send soft-reset -- "$XLTOOL" console "$1" | tr -d '\r' |
        grep -q "soft reset" || fail "$1: no kexec message"
}
boots() { guest "$1" status | tr -d '\r' | awk '/^boots:/ { print $2 }'; }
boots_is() { [ "$(boots "$1")" = "$2" ]; }
gone() { ! x list "$1" >/dev/null 2>&1; }
# renumbered NAME OLD: NAME runs on a domid other than OLD.
renumbered() { local i; i=$(x domid "$1" 2>/dev/null) && [ "$i" != "$2" ]; }

# hvm NAME [lines]: a small HVM domain config.
hvm() {
    local n=$1
    shift
    printf 'name = "%s"\nbuilder = "hvm"\nmemory = 16\n' "$n" >"$n.cfg"
    for l in "$@"; do echo "$l" >>"$n.cfg"; done
}

# The default: the same domain, its memory kept, a second boot.
hvm sr
x create sr.cfg >/dev/null || fail "create sr"
guest sr "dirty 8M/s" >/dev/null
sleep 0.5
guest sr "dirty off" >/dev/null
id=$(x domid sr) sum=$(checksum sr)
[ "$(boots sr)" = 1 ] || fail "first boot count $(boots sr)"
soft_reset sr
wait_until 10 boots_is sr 2 || fail "no second boot after the soft reset"
[ "$(x domid sr)" = "$id" ] || fail "soft reset changed the domid"
[ "$(checksum sr)" = "$sum" ] || fail "soft reset changed the memory"
[[ $(state sr) =~ ^[-r][-b]----$ ]] || fail "state after soft reset '$(state sr)'"
x dmesg | grep -q "domain $id (sr) shut down .*reason soft_reset: soft_reset" ||
    fail "dmesg: $(x dmesg | tail -n 2)"
x destroy sr

# on_soft_reset=destroy and restart.
hvm sd "on_soft_reset = 'destroy'"
x create sd.cfg >/dev/null || fail "create sd"
soft_reset sd
wait_until 10 gone sd || fail "sd not destroyed"
hvm rs "on_soft_reset = 'restart'"
x create rs.cfg >/dev/null || fail "create rs"
id=$(x domid rs)
soft_reset rs
wait_until 10 renumbered rs "$id" || fail "rs not restarted on a new domid"
[ "$(boots rs)" = 1 ] || fail "restart did not boot afresh"
x destroy rs

# A PV guest: libxl soft-resets HVM guests only; xl then destroys it.
mkcfg pv
x create pv.cfg >/dev/null || fail "create pv"
soft_reset pv
wait_until 10 gone pv || fail "pv not destroyed"
x dmesg | grep -q "(pv): soft reset is only supported for HVM guests" ||
    fail "no reason given for pv: $(x dmesg | tail -n 2)"
cleanup_domains
no_state_left
exit 0
