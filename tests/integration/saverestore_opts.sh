#!/usr/bin/env bash
# saverestore_opts.sh - save -p, -D and a config file, restore with a
# config file and -c/-V/-e/-d, console -n/-e and xm's console -q, on the
# simulated backend.
. "$TOP/tests/integration/lifecycle.lib"

mkcfg s1
x create s1.cfg >/dev/null || fail "create s1"
id1=$(x domid s1)

# save -p: saved, and left paused instead of destroyed.
x save -p s1 s1.p 2>/dev/null || fail "save -p"
[ "$(state s1)" = "--p---" ] || fail "save -p left '$(state s1)'"
x unpause s1

# save -D: restore takes the same domid though a newer domain took the
# next one in line.
x save -D s1 s1.d 2>/dev/null || fail "save -D"
x list s1 >/dev/null 2>&1 && fail "save -D left s1"
mkcfg s2
x create s2.cfg >/dev/null || fail "create s2"
x restore s1.d 2>/dev/null || fail "restore of save -D"
[ "$(x domid s1)" = "$id1" ] || fail "domid $(x domid s1), saved $id1"
# Without -D the saved config names no domid.
x save s1 s1.plain 2>/dev/null || fail "save"
python3 - s1.d s1.plain <<'PY' || fail "domid in the saved JSON"
import json, sys
def cfg(path):
    t = open(path, "rb").read().decode("latin-1")
    return json.JSONDecoder().raw_decode(t, t.index("{"))[0]
assert cfg(sys.argv[1])["c_info"]["domid"] > 0
assert "domid" not in cfg(sys.argv[2])["c_info"]
PY

# restore CONFIG FILE: the given config instead of the saved one.
sed 's/^name = .*/name = "s1b"/' s1.cfg >s1b.cfg
x restore -e -d s1b.cfg s1.plain 2>/dev/null || fail "restore with a config"
x list s1b >/dev/null || fail "restored under the config's name"
x list s1 >/dev/null 2>&1 && fail "restored under the saved name"
# save CONFIG: the file's config goes into the save file.
sed 's/^name = .*/name = "s1c"/' s1.cfg >s1c.cfg
x save s1b s1.c s1c.cfg 2>/dev/null || fail "save with a config"
x restore s1.c 2>/dev/null || fail "restore s1.c"
x list s1c >/dev/null || fail "save's config not used"
x restore a b c 2>/dev/null; [ $? -eq 2 ] || fail "three operands"
"$XM" restore s1b.cfg s1.c 2>/dev/null; [ $? -eq 2 ] ||
    fail "xm took a config operand"

# restore -V: no display on the simulated guest, said in one line; the
# domain is restored all the same.
x save s1c s1.v 2>/dev/null
x restore -V s1.v 2>err || fail "restore -V"
grep -q 'no VNC display' err || fail "restore -V: $(cat err)"
x list s1c >/dev/null || fail "restore -V did not restore"

# console: -n 0 works, -n 1 is refused; -e changes the detach key.
python3 "$TOP/tests/integration/pty_console.py" --send status -- \
    "$XLTOOL" console -n 0 s1c >/dev/null || fail "console -n 0"
x console -n 1 s1c </dev/null 2>err && fail "console -n 1"
grep -q 'no console 1' err || fail "console -n 1: $(cat err)"
x console -e '^^^' s1c </dev/null 2>/dev/null; [ $? -eq 2 ] ||
    fail "bad escape"
python3 "$TOP/tests/integration/pty_console.py" --detach 01 --send status \
    -- "$XLTOOL" console -e '^a' s1c | grep -q '^counter:' ||
    fail "console -e ^a"
# xm console -q: no word about a missing domain.
"$XM" console -q nosuch </dev/null 2>err && fail "xm console -q nosuch"
[ ! -s err ] || fail "xm console -q said: $(cat err)"
x console -q s1c </dev/null 2>/dev/null; [ $? -eq 2 ] || fail "xl took -q"
cleanup_domains
no_state_left
exit 0
