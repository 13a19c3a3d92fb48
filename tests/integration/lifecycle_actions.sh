#!/usr/bin/env bash
# lifecycle_actions.sh - shutdown, reboot and crashes honour on_poweroff,
# on_reboot and on_crash as xl does, carried out after `create` returned:
# destroy, restart (a new domid), preserve, rename-restart,
# coredump-destroy; a guest killed with SIGKILL counts as crashed.
. "$TOP/tests/integration/lifecycle.lib"

guest_pid() {
    awk '/^pid /{print $2}' "$XLTOOL_SIM_DIR/dom/$(x domid "$1")/info"
}

# on_poweroff=destroy (the default): shutdown -w returns when it is gone.
mkcfg a
x create a.cfg >/dev/null || fail "create a"
x shutdown -w a 2>/dev/null || fail "shutdown -w"
x list a >/dev/null 2>&1 && fail "a still there after shutdown"

# on_reboot=restart (the default): same name, a new domid, a fresh boot.
mkcfg b
x create b.cfg >/dev/null || fail "create b"
id1=$(x domid b)
x reboot -w b 2>/dev/null || fail "reboot -w"
# reboot -w returns once the old domain has gone down, as xl's does; the
# restart that follows may still be on its way.
restarted() { id2=$("$XLTOOL" domid b 2>/dev/null) && [ "$id2" != "$id1" ]; }
wait_until 10 restarted || fail "b not restarted under a new domid (was $id1)"
guest b status | tr -d '\r' | grep -q '^Booting kernel' ||
    fail "restarted guest did not boot afresh"

# on_poweroff=preserve: the domain stays, shut down ("---s--").
mkcfg c "on_poweroff = 'preserve'"
x create c.cfg >/dev/null && x shutdown -w c 2>/dev/null || fail "c"
[ "$(state c)" = ---s-- ] || fail "preserved poweroff state '$(state c)'"
x destroy c || fail "destroy preserved"

# on_crash=preserve: a crash from inside the guest, and a SIGKILL.
mkcfg d "on_crash = 'preserve'"
x create d.cfg >/dev/null || fail "create d"
python3 "$TOP/tests/integration/pty_console.py" --expect-exit --send crash \
    -- "$XLTOOL" console d | grep -q "Kernel panic" || fail "crash message"
wait_until 10 sh -c "[ \"\$($XLTOOL list d | awk 'NR==2{print \$5}')\" = ---sc- ]" ||
    fail "crashed state '$(state d)'"
x destroy d
mkcfg e "on_crash = 'preserve'"
x create e.cfg >/dev/null || fail "create e"
kill -9 "$(guest_pid e)"
wait_until 10 sh -c "[ \"\$($XLTOOL list e | awk 'NR==2{print \$5}')\" = ---sc- ]" ||
    fail "killed guest state '$(state e)'"
x destroy e

# A guest killed with the default on_crash=destroy goes, leaving nothing.
mkcfg f
x create f.cfg >/dev/null || fail "create f"
kill -9 "$(guest_pid f)"
wait_until 10 sh -c "! $XLTOOL list f >/dev/null 2>&1" || fail "f not destroyed"

# Supervisor and guest both killed: still listed, as crashed.
mkcfg g
x create g.cfg >/dev/null || fail "create g"
info=$XLTOOL_SIM_DIR/dom/$(x domid g)/info
kill -9 "$(awk '/^spid /{print $2}' "$info")" "$(awk '/^pid /{print $2}' "$info")"
wait_until 10 sh -c "[ \"\$($XLTOOL list g | awk 'NR==2{print \$5}')\" = ---sc- ]" ||
    fail "orphaned crash state '$(state g)'"
x destroy g || fail "destroy orphaned"

# on_crash=rename-restart: the old one kept under a dated name.
mkcfg h "on_crash = 'rename-restart'"
x create h.cfg >/dev/null || fail "create h"
kill -9 "$(guest_pid h)"
wait_until 10 sh -c "$XLTOOL list | grep -Eq '^h-[0-9]{8}T[0-9]{4}Z '" ||
    fail "no renamed copy: $(x list)"
wait_until 10 sh -c "$XLTOOL list h >/dev/null 2>&1" || fail "h not restarted"
[ "$(state h)" != ---sc- ] || fail "restarted h is crashed"

# on_crash=coredump-destroy: a core file, then gone.
mkcfg k "on_crash = 'coredump-destroy'"
x create k.cfg >/dev/null || fail "create k"
kill -9 "$(guest_pid k)"
wait_until 10 test -s "$XLTOOL_SIM_DIR/dump/k" || fail "no core dump"
head -c 16 "$XLTOOL_SIM_DIR/dump/k" | grep -q XLTOOL-SIM-CORE || fail "core"
wait_until 10 sh -c "! $XLTOOL list k >/dev/null 2>&1" || fail "k not destroyed"

# trigger and sysrq reach the guest.
mkcfg t "on_poweroff = 'preserve'"
x create t.cfg >/dev/null || fail "create t"
x trigger t nmi && x sysrq t s || fail "trigger nmi / sysrq"
x trigger t power || fail "trigger power"
wait_until 10 sh -c "[ \"\$($XLTOOL list t | awk 'NR==2{print \$5}')\" = ---s-- ]" ||
    fail "trigger power: '$(state t)'"
x trigger t bogus 2>/dev/null; [ $? -eq 2 ] || fail "bad trigger"

# dump-core writes the memory of a running domain, which runs on.
mkcfg u
x create u.cfg >/dev/null || fail "create u"
x dump-core u u.core || fail "dump-core"
head -c 16 u.core | grep -q XLTOOL-SIM-CORE || fail "dump-core header"
[ "$(stat -c %s u.core)" -eq $(( (16 << 20) + 4096 )) ] || fail "core size"
[[ $(state u) =~ ^[-r][-b]----$ ]] || fail "dumped domain not running"
x uptime -s u | grep -Eq '^ [0-9]{2}:[0-9]{2}:[0-9]{2} up  0:00, u \([0-9]+\)$' ||
    fail "uptime -s: $(x uptime -s u)"
x vcpu-list | grep -q '^Domain-0 ' || fail "vcpu-list without domains"

# trigger reset: a hard reset, then on_reboot (restart).
id1=$(x domid u)
x trigger u reset || fail "trigger reset"
wait_until 10 sh -c "[ \"\$($XLTOOL domid u 2>/dev/null)\" != $id1 ] && $XLTOOL domid u >/dev/null 2>&1" ||
    fail "reset did not restart u"
cleanup_domains
no_state_left
exit 0
