#!/usr/bin/env bash
# lifecycle_console.sh - the console through a real pty: `create -c` shows
# the boot log built from the config, typed commands reach the guest's
# shell, Ctrl-] detaches (exit 0, terminal mode restored), and a console
# attached later drives the same guest.
. "$TOP/tests/integration/lifecycle.lib"

mkcfg con "disk = [ 'file:$IMG/disk.img,xvda,w' ]" "vcpus = 2"
python3 "$TOP/tests/integration/pty_console.py" --send status -- \
    "$XLTOOL" create -c con.cfg >boot.out || fail "create -c: $(cat boot.out)"
tr -d '\r' <boot.out >boot.txt
grep -q "^Booting kernel $IMG/vmlinuz$" boot.txt || fail "boot log kernel"
grep -q "^  ramdisk: $IMG/initrd.img$" boot.txt || fail "boot log ramdisk"
grep -q "^  cmdline: console=hvc0 root=/dev/xvda1$" boot.txt || fail "cmdline"
grep -q "^  memory: 16384 KiB, vcpus: 2$" boot.txt || fail "memory/vcpus"
grep -q "^  disk xvda: $IMG/disk.img (rw)$" boot.txt || fail "disk line"
grep -q '^counter: [0-9]' boot.txt || fail "status through create -c"
[ "$(state con)" != "" ] || fail "domain gone after detaching"

# A second console: the guest answers, its counter keeps counting.
c1=$(counter con); sleep 0.5; c2=$(counter con)
[ -n "$c1" ] && [ "$c2" -gt "$c1" ] || fail "counter '$c1' -> '$c2'"
guest con "frobnicate" | tr -d '\r' | grep -q "frobnicate: not found" ||
    fail "unknown command"
x console -t serial con </dev/null || fail "console with no terminal"
x console -t vga con 2>/dev/null; [ $? -eq 2 ] || fail "bad -t accepted"
x console nosuch 2>err; [ $? -eq 1 ] || fail "console of unknown domain"
grep -q "nosuch" err || fail "error does not name the domain"

# poweroff from inside the guest ends the console session by itself.
python3 "$TOP/tests/integration/pty_console.py" --expect-exit \
    --send poweroff -- "$XLTOOL" console con >off.out || fail "poweroff console"
grep -q "power down" off.out || fail "poweroff message: $(cat off.out)"
wait_until 10 sh -c "! $XLTOOL list con >/dev/null 2>&1" ||
    fail "on_poweroff=destroy did not destroy"
no_state_left
exit 0
