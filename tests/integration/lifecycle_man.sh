#!/usr/bin/env bash
# lifecycle_man.sh - man/xltool.1 documents every domain command, and each
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

for cmd in create list console destroy shutdown reboot pause unpause save \
           restore rename domid domname uptime info dmesg mem-set mem-max \
           vcpu-set vcpu-list vcpu-pin block-attach block-detach block-list \
           network-attach network-detach network-list trigger sysrq \
           dump-core help; do
    usage=$("$XLTOOL" help "$cmd" | head -1)
    want=${usage#Usage: xltool $cmd }
    got=$(synopsis "$cmd")
    [ -n "$got" ] || fail "no entry for $cmd"
    [ "$got" = "$want" ] || fail "$cmd: man says '$got', the table '$want'"
done
for s in NAME SYNOPSIS DESCRIPTION ENVIRONMENT FILES "EXIT STATUS"; do
    grep -q "^\.SH \"\?$s\"\?$" "$man" || fail "no section $s"
done
# It formats without complaint.
if command -v groff >/dev/null; then
    groff -man -Tutf8 -ww -z "$man" 2>err || fail "groff"
    [ -s err ] && fail "groff warnings: $(cat err)"
fi
exit 0
