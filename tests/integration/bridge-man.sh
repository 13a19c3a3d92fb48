#!/usr/bin/env bash
# bridge-man.sh - the manual documents every bridge command, each entry's
# synopsis being the command's usage line word for word (as `help` prints
# it from the command table).  The entries live in man/xltool-bridge.section
# until that is merged into man/xltool.1.
set -u
fail() { echo "FAIL: $*"; exit 1; }
man=$TOP/man/xltool-bridge.section
[ -f "$man" ] || man=$TOP/man/xltool.1
[ -f "$man" ] || fail "no bridge section in the manual"

synopsis() {
    awk -v c="$1" '
        { gsub(/\\-/, "-"); gsub(/\\\(dq/, "\"") }
        found { print; exit }
        $0 == ".B xltool " c { found = 1 }' "$man"
}

cmds=$("$XLTOOL" help | sed -n 's/^ \(bridge\( [a-z]*\)\?\)  .*/\1/p')
[ "$(echo "$cmds" | wc -l)" -eq 6 ] || fail "bridge commands in help: $cmds"
while read -r cmd; do
    usage=$("$XLTOOL" help "$cmd" | head -1)
    want=${usage#Usage: xltool $cmd }
    got=$(synopsis "$cmd")
    [ -n "$got" ] || fail "no entry for $cmd in $man"
    [ "$got" = "$want" ] || fail "$cmd: man says '$got', the table '$want'"
    grep -q "^\.SS \"$cmd $(sed 's/[][\.*^$]/\\&/g; s/-/\\\\-/g' <<<"$want")\"\$" \
        "$man" || fail "$cmd: no .SS heading with the synopsis"
    echo "ok: $cmd $want"
done <<<"$cmds"
if command -v groff >/dev/null; then
    { printf '.TH XLTOOL 1\n.SH COMMANDS\n'; cat "$man"; } |
        groff -man -Tutf8 -ww -z 2>err || fail "groff"
    [ -s err ] && fail "groff warnings: $(cat err)"
fi
exit 0
