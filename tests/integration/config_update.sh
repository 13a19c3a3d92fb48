#!/usr/bin/env bash
# config_update.sh - config-update: the new config (with key=value lines)
# takes effect at the domain's next restart, keeping its name; nothing
# changes before; a broken config or -N changes nothing.
. "$TOP/tests/integration/lifecycle.lib"

mkcfg cu "on_reboot = 'restart'"
x create cu.cfg >/dev/null || fail "create cu"
mkcfg other "memory = 32" "vcpus = 2"
x config-update cu other.cfg vcpus=3 2>err || fail "config-update: $(cat err)"
grep -q "^setting dom$(x domid cu) configuration$" err || fail "message"
[ "$(field cu 3) $(field cu 4)" = "16 1" ] || fail "changed before restart"
x list -l cu | grep -q '"max_memkb": 16384' || fail "list -l changed early"

# Refused: a config that does not parse; -N stores nothing.
printf 'memory = \n' >bad.cfg
x config-update cu bad.cfg 2>/dev/null && fail "bad config taken"
mkcfg third "memory = 48"
x -N config-update cu third.cfg >json 2>/dev/null || fail "-N"
grep -q '"max_memkb": 49152' json || fail "-N printed no config"
x config-update cu 2>/dev/null; [ $? -eq 2 ] || fail "no file"

id=$(x domid cu)
x reboot cu || fail "reboot"
wait_until 10 sh -c "i=\$($XLTOOL domid cu 2>/dev/null) && [ \"\$i\" != $id ]" ||
    fail "no restart"
wait_until 10 sh -c "[ \"\$($XLTOOL list cu | awk 'NR==2{print \$3, \$4}')\" = '32 3' ]" ||
    fail "after restart: $(x list cu)"
x list -l cu | grep -q '"name": "cu"' || fail "name not kept"
x list other >/dev/null 2>&1 && fail "took the file's name"
cleanup_domains
no_state_left
exit 0
