#!/usr/bin/env bash
# lifecycle_man.sh - man/xltool.1 documents every command of the table, and each
# entry's synopsis is the command's usage line word for word (as `help`
# prints it from the command table).
set -u
man=$TOP/man/xltool.1
fail() { echo "FAIL: $*"; exit 1; }
[ -f "$man" ] || fail "no man/xltool.1"

# The synopsis line of COMMAND's entry: the line after ".B xltool COMMAND",
# with roff's escapes undone.
synopsis() {
    awk -v c="$1" '
        { gsub(/\\-/, "-"); gsub(/\\\(dq/, "\"") }
        found { print; exit }
        $0 == ".B xltool " c { found = 1 }' "$man"
}

# Every command the table registers, as `help` lists it.
cmds=$("$XLTOOL" help | sed -n 's/^ \([a-z][a-z0-9-]*\( [a-z]*\)\?\)  .*/\1/p')
[ "$(echo "$cmds" | wc -l)" -ge 40 ] || fail "help lists too few commands"
while read -r cmd; do
    usage=$("$XLTOOL" help "$cmd" | head -1)
    want=${usage#Usage: xltool $cmd }
    got=$(synopsis "$cmd")
    [ -n "$got" ] || fail "no entry for $cmd"
    [ "$got" = "$want" ] || fail "$cmd: man says '$got', the table '$want'"
    # The entry's heading carries the same synopsis ('-' may be written
    # as roff's '\-').
    grep -q "^\.SS \"$(sed 's/[][\.*^$]/\\&/g; s/-/\\\\\\?-/g' <<<"$cmd $want")\"\$" \
        "$man" || fail "$cmd: no .SS heading with the synopsis"
done <<<"$cmds"
# The bridge family: the command and its five subcommands.
[ "$(grep -c '^bridge' <<<"$cmds")" -eq 6 ] ||
    fail "bridge commands in help: $(grep '^bridge' <<<"$cmds")"
for s in NAME SYNOPSIS DESCRIPTION ENVIRONMENT FILES "EXIT STATUS"; do
    grep -q "^\.SH \"\?$s\"\?$" "$man" || fail "no section $s"
done
# It formats without complaint.
if command -v groff >/dev/null; then
    groff -man -Tutf8 -ww -z "$man" 2>err || fail "groff"
    [ -s err ] && fail "groff warnings: $(cat err)"
fi
exit 0
