#!/usr/bin/env bash
# completion.sh - bash completion (dist/bash-completion/xltool) as bash
# runs it: the function is registered for xltool and xm, and calls driven
# by COMP_WORDS/COMP_CWORD complete commands, each personality's options,
# domain names from list, config files from the config dir, bridge names
# and bridge subcommands.
. "$TOP/tests/integration/lifecycle.lib"

comp=/usr/share/bash-completion/bash_completion
[ -f "$comp" ] || { echo "SKIP: bash-completion is not installed"; exit 77; }

mkcfg web1
mkcfg db2
x create -q web1.cfg || fail "create web1"
x create -q db2.cfg || fail "create db2"
mkdir -p etc/auto
: >etc/web1.cfg
: >etc/auto/db2
: >etc/xltool.conf            # not a domain config: not offered
ip link add xltbr$$ type bridge 2>/dev/null && BR=xltbr$$ || BR=
trap '[ -n "$BR" ] && ip link del "$BR"; cleanup_domains' EXIT
bindir=$PWD/bin
mkdir -p "$bindir"
ln -s "$XLTOOL" "$bindir/xltool"
ln -s "$XLTOOL" "$bindir/xm"

# complete WORD...: what completion offers for the last word, sorted,
# on one line.
complete_words() {
    PATH=$bindir:$PATH XLTOOL_CONFIG_DIR=$PWD/etc bash -c '
        . "$1"; . "$2"; shift 2
        complete -p xltool xm >/dev/null || exit 3
        COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
        COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
        _xltool "$1" "${COMP_WORDS[COMP_CWORD]}" \
            "${COMP_WORDS[COMP_CWORD - 1]}"
        printf "%s\n" "${COMPREPLY[@]}" | sort | paste -sd" " -
    ' _ "$comp" "$TOP/dist/bash-completion/xltool" "$@" 2>/dev/null
}

# expect "WORDS..." -- WANTED...: every wanted word is offered.
expect() {
    local got w
    got=" $(complete_words "${@:1:$(($# - 1))}") "
    for w in ${!#}; do
        [[ $got == *" $w "* ]] || fail "'${*:1:$(($# - 1))}': no $w in:$got"
    done
}
# refuse WORDS... WORD: WORD is not offered.
refuse() {
    local got
    got=" $(complete_words "${@:1:$(($# - 1))}") "
    [[ $got != *" ${!#} "* ]] || fail "'${*:1:$(($# - 1))}' offers ${!#}"
}

PATH=$bindir:$PATH bash -c ". $comp; . $TOP/dist/bash-completion/xltool;
    complete -p xltool; complete -p xm" | grep -c -- '-F _xltool' |
    grep -qx 2 || fail "not registered for xltool and xm"

expect xltool "" "create list migrate bridge vcpu-list"
expect xltool mi "migrate migrate-receive"
expect xltool li "list"
refuse xltool li "migrate"
# Options are each personality's own.
expect xltool migrate - "-C -D -p -s --non-live --port --plain"
expect xm migrate - "-l -p -s -c -n --ssl --max_iters= --plain"
refuse xm migrate - "-C"
refuse xltool migrate - "--ssl"
expect xm shutdown web1 - "-R -H -w -a"
refuse xltool shutdown - "-R"
expect xltool create web1.cfg - "--defconfig= -n -q -p -c"
expect xltool list --st "--state="
# Domain names, from list.
expect xltool destroy "" "web1 db2 Domain-0"
expect xltool migrate w "web1"
refuse xltool migrate w "db2"
expect xm shutdown "" "web1 db2"
# The host follows the domain; an option's value is not an operand.
refuse xltool migrate -s "ssh -p 22" web1 "" "web1"
refuse xm migrate -p 8002 web1 "" "web1"
expect xm migrate -p 8002 "" "web1"
# Config files from the config dir and its auto/.
expect xltool create "" "web1.cfg db2"
refuse xltool create "" "xltool.conf"
expect xm create -f "" "web1.cfg db2"
# Bridges.
expect xltool bridge "" "create delete list attach detach"
expect xltool bridge create br0 - "--enslave"
if [ -n "$BR" ]; then
    expect xltool bridge delete "" "$BR"
    expect xltool bridge attach vif1.0 "" "$BR"
    expect xltool network-attach web1 bridge= "bridge=$BR"
fi
echo PASS
