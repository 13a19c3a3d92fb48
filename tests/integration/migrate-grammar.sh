#!/usr/bin/env bash
# migrate's two grammars, between two namespace hosts: run as xl, a plain
# `migrate NAME HOST` (Pacemaker's Xen agent writes it so) is live, -p
# leaves the domain paused at the destination, -C sends another config
# for the same domain (Ganeti's way) and refuses one naming another,
# --non-live is stop-and-copy, and options may follow the operands; run
# as xm, no -l is stop-and-copy, -p names the port, and xm's -s, -c, -n
# and xend's tuning options are accepted.
. "$(dirname "$0")/migrate-lib.bash"

two_hosts tls
start_server A
start_server B
ln -s "$XLTOOL" "$T/xl"
ln -s "$XLTOOL" "$T/xm"
XL=$T/xl XMB=$T/xm

# received HOST LIVE: the last receive the server on HOST logged was
# live (1) or not (0).
received() {
    local line
    line=$(grep "receiving busybox from" "$T/$1/server.log" | tail -n 1)
    [ -n "$line" ] || fail "no receive logged on $1"
    if [ "$2" = 1 ]; then
        [[ $line == *"(live, "* ]] || fail "not live: $line"
    else
        [[ $line != *"live, "* ]] || fail "live: $line"
    fi
}

make_domain A busybox 32
guest A busybox "dirty 16M/s" | grep -q "dirtying" || fail "dirty workload"

log "xl migrate NAME HOST, with no flag, is live"
c0=$(field A busybox counter)
on A "$XL" migrate busybox $IPB >"$T/out.xl" 2>&1 ||
    fail "xl migrate: $(cat "$T/out.xl")"
arrived busybox B "$T/out.xl" "$c0"
received B 1

log "xl migrate -p: paused at the destination; options after the operands"
on B "$XL" migrate busybox $IPA -p >"$T/out.paused" 2>&1 ||
    fail "xl migrate -p: $(cat "$T/out.paused")"
received A 1
present A busybox || fail "busybox is not on A"
present B busybox && fail "busybox is still on B"
[[ $(state A busybox) == *p* ]] || fail "not paused: $(state A busybox)"
xa unpause busybox || fail "unpause"

log "xl migrate -C CONFIG: the destination builds from that file"
sed 's/^memory = 32/memory = 32\nmaxmem = 48/' "$T/busybox.cfg" \
    >"$T/override.cfg"
on A "$XL" migrate -C "$T/override.cfg" busybox $IPB >"$T/out.C" 2>&1 ||
    fail "xl migrate -C: $(cat "$T/out.C")"
[ "$(exactly_one busybox)" = B ] || fail "busybox is not on B"
xb list -l busybox | grep -q '"max_memkb": 49152' ||
    fail "the config given with -C was not used: $(xb list -l busybox)"

log "xl migrate -C with a config of another domain is refused"
sed 's/^name = .*/name = "other"/' "$T/busybox.cfg" >"$T/other.cfg"
on B "$XL" migrate -C "$T/other.cfg" busybox $IPA >"$T/out.Cbad" 2>&1 &&
    fail "a config naming another domain was accepted"
grep -q "names domain 'other', not busybox" "$T/out.Cbad" ||
    fail "unclear refusal: $(cat "$T/out.Cbad")"
[ "$(exactly_one busybox)" = B ] || fail "busybox left B"

log "xl migrate --non-live: stop-and-copy"
on B "$XL" migrate --non-live busybox $IPA >"$T/out.nl" 2>&1 ||
    fail "xl migrate --non-live: $(cat "$T/out.nl")"
received A 0
[ "$(exactly_one busybox)" = A ] || fail "busybox is not on A"

log "xl's port option is not xm's: -p takes no argument as xl"
on A "$XL" migrate -p 8002 busybox $IPB >"$T/out.xlp" 2>&1
[ $? = 2 ] || fail "xl migrate -p 8002 DOM HOST was not a usage error"
[ "$(exactly_one busybox)" = A ] || fail "busybox left A"

log "xm migrate without -l is stop-and-copy; xm's options are accepted"
on A "$XMB" migrate -s -c -n 0 --max_iters=5 --abort_if_busy -p 8002 \
    busybox $IPB >"$T/out.xm" 2>&1 || fail "xm migrate: $(cat "$T/out.xm")"
received B 0
[ "$(exactly_one busybox)" = B ] || fail "busybox is not on B"

log "xm migrate DOM HOST -l: live, the option after the operands"
c0=$(field B busybox counter)
on B "$XMB" migrate busybox $IPA -l >"$T/out.xml" 2>&1 ||
    fail "xm migrate -l: $(cat "$T/out.xml")"
arrived busybox A "$T/out.xml" "$c0"
received A 1
pass
