# scenario-two.sh - the two-host lab, run at once by two dom0s (LAB_ROLE
# a or b) that share a network segment and the directory /store.  Each
# bridges its eth0 into xenbr0 with xltool, so that the guests' vifs are
# on the shared segment, and runs xltool's relocation server (TLS, and
# plain transfers for xl).  The guests' disks are files on /store.
#
# A PVH guest goes A -> B -> A by xltool migrate -l, then A -> B by xl
# migrate into xl migrate-receive and B -> A by xl migrate into xltool's
# relocation server.  A PV guest is refused a live migration before
# anything is touched, goes A -> B by xltool migrate (stop-and-copy) and
# back by xltool migrate --plain into xl migrate-receive.  The destination
# dom0 pings the guest while it moves; the time of each migration, the
# longest gap between ping replies and the tool's own downtime figure go
# to the host's share (bench), which run-lab prints as a table.
#
# The hosts tell each other how far they are with files in /store/sync
# (say, hear); every wait is bounded, and a host that stops answering
# fails whatever waits for it without holding up the rest.
. /lab/lab-lib.sh

ROLE=${LAB_ROLE:-}
IP_A=10.0.0.1 IP_B=10.0.0.2
case $ROLE in
a) PEER=b PEER_IP=$IP_B ;;
b) PEER=a PEER_IP=$IP_A ;;
*) report two/role FAIL "no lab_role=a|b on the command line"; exit 0 ;;
esac
SYNC=/store/sync
PKI=/store/pki
MPVH=mig-pvh MPV=mig-pv
PVH_IP=10.0.0.11 PV_IP=10.0.0.12
XLPORT=8003
ROUNDS=${LAB_ROUNDS:-1}
PLAIN=${LAB_PLAIN:-0}
export XLTOOL_BACKEND=libxl

now() { cut -d' ' -f1 /proc/uptime; }

# ---- talking to the other host ----

# say WORD [TEXT]: leaves WORD for the peer, atomically.
say() {
    printf '%s\n' "${2:-ok}" >"$SYNC/.$1.$ROLE" &&
        mv "$SYNC/.$1.$ROLE" "$SYNC/$1"
}
# hear WORD SECONDS: waits for the peer's WORD and prints its text.  Once
# a wait has run out, the peer is taken for lost and no wait lasts.
hear() {
    if [ ! -f "$RUN/peer-lost" ] && wait_until "$2" test -f "$SYNC/$1"; then
        cat "$SYNC/$1"
        return 0
    fi
    echo "no '$1' from host $PEER within $2 s" >&2
    : >"$RUN/peer-lost"
    return 1
}

# ---- the guests ----

write_mig_configs() {  # NAME TYPE IP MAC
    cat >"$RUN/$1.cfg" <<CFG
name = "$1"
type = "$2"
kernel = "/lab/vmlinuz"
ramdisk = "/lab/guest.cpio.gz"
extra = "console=hvc0 quiet guest_ip=$3/24"
memory = 96
vcpus = 1
disk = [ 'file:/store/$1.img,xvda,w' ]
vif = [ 'bridge=xenbr0,mac=$4' ]
on_poweroff = "destroy"
on_reboot = "restart"
on_crash = "destroy"
CFG
}

answers() { ping -c 1 -W 2 "$1"; }
listening() { netstat -ltn 2>/dev/null | grep -q ":$1 "; }

# ---- the watcher: pings of the guest from the destination dom0 ----

watch_start() {  # IP
    rm -f "$RUN/ping.pid"
    ( sh -c 'echo $$ >"$1"; exec ping -i 0.1 -W 1 -w 1200 "$2"' \
          sh "$RUN/ping.pid" "$1" 2>&1 |
      while read -r line; do
          read -r up _ </proc/uptime
          echo "$up $line"
      done >"$RUN/ping.log" ) &
    wait_until 5 test -s "$RUN/ping.pid"
}
watch_stop() {
    [ -f "$RUN/ping.pid" ] || return 0
    kill "$(cat "$RUN/ping.pid")" 2>/dev/null
    rm -f "$RUN/ping.pid"
    sleep 0.5
}
# The longest time between two replies, in seconds; "-" without a reply
# on both sides of it.
ping_gap() {
    awk '/seq=/ { if (n++) { g = $1 - last; if (g > max) max = g }
                  last = $1 }
         END { if (n > 1) printf "%.1f\n", max; else print "-" }' \
        "$RUN/ping.log"
}

# ---- xl migrate-receive behind a plain TCP listener ----

xl_receiver_start() {
    socat TCP-LISTEN:$XLPORT,reuseaddr,fork \
        EXEC:"$XL migrate-receive" >"$RUN/xlrecv.log" 2>&1 &
    echo $! >"$RUN/xlrecv.pid"
    wait_until 10 listening $XLPORT
}
xl_receiver_stop() {
    [ -f "$RUN/xlrecv.pid" ] || return 0
    kill "$(cat "$RUN/xlrecv.pid")" 2>/dev/null
    rm -f "$RUN/xlrecv.pid"
}

# ---- one migration, seen from each end ----

# mig_source TEST DOM EXPECT CMD...: DOM runs here and CMD moves it to
# the peer; EXPECT, unless empty, must be in CMD's output.
mig_source() {
    local test=$1 dom=$2 expect=$3 before w t0 t1 st own parts
    shift 3
    exists "$dom" || fail "$dom is not here: $("$XL" list)"
    before=$(tick_of "$dom")
    [ -n "$before" ] || fail "$dom shows no counter here"
    say "$test.begin" "$before"
    w=$(hear "$test.watching" 300) || fail "the destination is not ready"
    [ "$w" = ok ] || fail "the destination gave up: $w"
    echo "counter before: $before; running: $*"
    t0=$(now)
    "$@" >"$RUN/mig.out" 2>&1
    st=$?
    t1=$(now)
    tr '\r' '\n' <"$RUN/mig.out" | grep -v '^ *$' | tail -n 30
    # xltool --json: its downtime, and the downtime's parts.
    own=$(sed -n 's/.*"downtime_ms": \([0-9.]*\).*/\1/p' "$RUN/mig.out")
    parts=$(sed -n 's/.*"last_round_ms": \([0-9.]*\), "restore_ms": \([0-9.]*\), "handover_ms": \([0-9.]*\).*/\1+\2+\3/p' \
        "$RUN/mig.out")
    say "$test.end" "$st $(echo "$t0 $t1" |
        awk '{printf "%.1f", $2 - $1}') ${own:--} ${parts:--}"
    [ "$st" -eq 0 ] || fail "exit status $st"
    [ -z "$expect" ] || grep -q "$expect" "$RUN/mig.out" ||
        fail "'$expect' is not in the output"
    gone "$dom" || fail "$dom is still listed here: $("$XL" list)"
    gone "$dom--migratedaway" || fail "$dom--migratedaway is left here"
    "$XL" list
}

# mig_dest TEST DOM IP LABEL RECEIVER: DOM comes here.  RECEIVER is
# reloc (xltool's relocation server), reloc-xl (the same, spoken to in
# xl's protocol) or xl (xl migrate-receive behind socat).
mig_dest() {
    local test=$1 dom=$2 ip=$3 label=$4 recv=$5 before end st secs own parts
    local gap mark
    before=$(hear "$test.begin" 900) || fail "no word from the source"
    case $before in
    '' | *[!0-9]*) fail "the source gave up: $before" ;;
    esac
    gone "$dom" || fail "$dom is here already: $("$XL" list)"
    rm -f "$(conlog "$dom")" "$(conlog "$dom--incoming")"
    mark=$(wc -l <"$RUN/reloc.log")
    if [ "$recv" = xl ]; then
        xl_receiver_start || fail "socat does not listen on $XLPORT"
    fi
    watch_start "$ip" || fail "cannot ping"
    say "$test.watching" ok
    end=$(hear "$test.end" 900) || fail "the source did not finish"
    # shellcheck disable=SC2086
    set -- $end
    st=$1 secs=$2 own=$3 parts=$4
    [ "$st" = 0 ] || fail "the migration failed at the source (exit $st)"
    exists "$dom" || fail "$dom is not here: $("$XL" list)"
    gone "$dom--incoming" || fail "$dom--incoming is left here"
    ! is_paused "$dom" || fail "$dom is paused here"
    wait_until 90 ticks_past "$dom" "$before" ||
        fail "the counter did not go past $before: $(tick_of "$dom")"
    echo "counter: $before at the source, $(tick_of "$dom") here"
    wait_until 30 answers "$ip" || echo "$ip does not answer pings here"
    sleep 2
    watch_stop
    gap=$(ping_gap)
    echo "took $secs s; longest gap between ping replies $gap s;" \
         "the tool's own downtime figure: $own ms ($parts)"
    printf '%s|%s|%s|%s|%s|%s|%s\n' "$label" "$PEER->$ROLE" "$secs" "$gap" \
        "$own" "$test" "$parts" >>/mnt/bench
    "$XL" list
    case $recv in
    reloc) tail -n +"$((mark + 1))" "$RUN/reloc.log" |
               grep "receiving $dom from" ||
               fail "the relocation server did not log it" ;;
    reloc-xl) tail -n +"$((mark + 1))" "$RUN/reloc.log" |
               grep "receiving $dom from .*(xl protocol)" ||
               fail "not served in xl's protocol" ;;
    xl) cat "$RUN/xlrecv.log" ;;
    esac
    return 0
}

# mig TEST FROM TO DOM IP LABEL RECEIVER EXPECT CMD...: both hosts call
# it; FROM runs the source's side, TO the destination's.  Whatever
# happens, each side's word is left so that the other does not wait.
mig() {
    local test=$1 from=$2 to=$3 dom=$4 ip=$5 label=$6 recv=$7 expect=$8
    shift 8
    if [ "$ROLE" = "$from" ]; then
        run_test "two/$test/source" mig_source "$test" "$dom" "$expect" "$@"
        [ -f "$SYNC/$test.begin" ] || say "$test.begin" aborted
        [ -f "$SYNC/$test.end" ] || say "$test.end" aborted
    else
        run_test "two/$test/dest" mig_dest "$test" "$dom" "$ip" "$label" \
            "$recv"
        [ -f "$SYNC/$test.watching" ] || say "$test.watching" aborted
        watch_stop
        xl_receiver_stop
    fi
}

# ---- the tests of each host ----

t_loop_on_9p() {
    local dev
    dd if=/dev/zero of=/store/loop-$ROLE.img bs=1M count=4 2>/dev/null ||
        fail "cannot write to /store"
    # util-linux losetup, as the block hotplug script runs it.
    dev=$(/usr/sbin/losetup -f --show /store/loop-$ROLE.img) ||
        fail "losetup on a file on 9p"
    echo "loop-$ROLE" | dd of="$dev" conv=notrunc 2>/dev/null
    sync
    /usr/sbin/losetup -d "$dev"
    head -c 6 /store/loop-$ROLE.img | grep -q "loop-$ROLE" ||
        fail "what went through $dev is not in the file"
    rm -f /store/loop-$ROLE.img
}

t_reloc_server() {
    cat >/etc/xen/xltool.conf <<CONF
# The lab's relocation group: mutual TLS between the dom0s, and plain
# transfers for xl migrate -s 'socat - TCP:HOST:8002 #'.
relocation = {
  port = 8002;
  hosts_allow = [ "10[.]0[.]0[.][12]" ];
  tls = {
    cert = "$PKI/$ROLE.pem";
    key = "$PKI/$ROLE.key";
    ca = "$PKI/ca.pem";
  };
  allow_plain = true;
  # TCG runs some 50 times slower than hardware.
  timeouts = { handshake = 60; io = 120; resolve = 120; };
};
CONF
    "$XLTOOL" relocation-server -F >"$RUN/reloc.log" 2>&1 &
    echo $! >"$RUN/reloc.pid"
    wait_until 30 grep -q "listening on" "$RUN/reloc.log" ||
        fail "the relocation server did not start: $(cat "$RUN/reloc.log")"
    cat "$RUN/reloc.log"
}

t_peer() {
    say "up.$ROLE"
    hear "up.$PEER" 300 >/dev/null || fail "host $PEER did not come up"
    wait_until 60 answers "$PEER_IP" || fail "$PEER_IP does not answer pings"
    ping -c 3 "$PEER_IP"
}

t_guests() {
    write_mig_configs $MPVH pvh $PVH_IP 00:16:3e:4c:00:11
    write_mig_configs $MPV pv $PV_IP 00:16:3e:4c:00:12
    "$XLTOOL" create "$RUN/$MPVH.cfg" || fail "create $MPVH"
    "$XLTOOL" create "$RUN/$MPV.cfg" || fail "create $MPV"
    wait_until 240 ticking $MPVH || fail "$MPVH does not count"
    wait_until 240 ticking $MPV || fail "$MPV does not count"
    grep -a 'GUEST-DISK\|GUEST-IP' "$(conlog $MPVH)" "$(conlog $MPV)"
    grep -aq GUEST-DISK "$(conlog $MPVH)" || fail "$MPVH has no disk"
    wait_until 60 answers $PVH_IP || fail "$MPVH does not answer pings"
    wait_until 60 answers $PV_IP || fail "$MPV does not answer pings"
}

# Live migration of a PV guest needs shadow paging, which Debian's Xen
# lacks: refused before the destination is even contacted.
t_pv_refused() {
    local out=$RUN/refused.out
    exists $MPV || fail "$MPV is not here"
    if "$XLTOOL" migrate -l $MPV $IP_B >"$out" 2>&1; then
        say pv-refused.end failed
        fail "live migration of a PV guest passed"
    fi
    say pv-refused.end ok
    cat "$out"
    [ "$(wc -l <"$out")" -eq 1 ] || fail "not one line"
    grep -q "^xltool: migrate $MPV: live migration of PV guests needs shadow paging, which this hypervisor lacks" "$out" ||
        fail "the message does not say why"
    grep -q "$MPV is untouched: migrate it stop-and-copy (xm migrate without -l, xl migrate --non-live)" "$out" ||
        fail "the message does not say what to do"
    exists $MPV && ! is_paused $MPV || fail "$MPV is not running here"
    wait_until 20 advancing $MPV || fail "$MPV does not count any more"
}
t_pv_refused_dest() {
    hear pv-refused.end 900 >/dev/null || fail "no word from host a"
    gone $MPV && gone $MPV--incoming || fail "$MPV arrived: $("$XL" list)"
    # mig-pv has never come here before: no line of the server's log
    # names it (-w: mig-pvh is another domain).
    ! grep -w "$MPV" "$RUN/reloc.log" ||
        fail "the relocation server heard of $MPV"
}

t_destroy() {
    local d
    for d in $MPVH $MPV; do
        exists $d || continue
        "$XLTOOL" destroy $d || fail "destroy $d"
    done
    wait_until 30 gone $MPVH && wait_until 30 gone $MPV ||
        fail "domains left: $("$XL" list)"
}

not_running() { ! ps -o pid,args | grep -v grep | grep -q "$1"; }
t_no_leftovers() {
    [ -f "$RUN/reloc.pid" ] && kill "$(cat "$RUN/reloc.pid")"
    wait_until 20 not_running 'xltool' ||
        fail "xltool processes left: $(ps -o pid,args | grep xltool)"
    wait_until 20 not_running "$XL \|socat\|ping " ||
        fail "processes left: $(ps -o pid,args | grep 'xl\|socat\|ping')"
    [ "$("$XL" list | wc -l)" -eq 2 ] || fail "domains left: $("$XL" list)"
}

# ---- the run ----

mkdir -p "$SYNC"
: >"$RUN/reloc.log"
: >>/mnt/bench
run_test "two/$ROLE/loop-on-9p" t_loop_on_9p
run_test "two/$ROLE/bridge-enslave" t_bridge eth0
run_test "two/$ROLE/relocation-server" t_reloc_server
run_test "two/$ROLE/peer" t_peer
if [ "$ROLE" = a ]; then
    run_test two/a/guests t_guests
fi

XLB="$XL migrate -s"
r=1
while [ $r -le "$ROUNDS" ]; do
    s=; [ "$ROUNDS" -gt 1 ] && s=-$r
    mig pvh-live-a-b$s a b $MPVH $PVH_IP "xltool migrate -l (TLS)" reloc "" \
        "$XLTOOL" migrate -l --json $MPVH $IP_B
    mig pvh-live-b-a$s b a $MPVH $PVH_IP "xltool migrate -l (TLS)" reloc "" \
        "$XLTOOL" migrate -l --json $MPVH $IP_A
    if [ "$PLAIN" = 1 ]; then
        mig pvh-plain-a-b$s a b $MPVH $PVH_IP "xltool migrate -l --plain" \
            reloc "" "$XLTOOL" migrate -l --plain --json $MPVH $IP_B
        mig pvh-plain-b-a$s b a $MPVH $PVH_IP "xltool migrate -l --plain" \
            reloc "" "$XLTOOL" migrate -l --plain --json $MPVH $IP_A
    fi
    mig pvh-xl-xl-a-b$s a b $MPVH $PVH_IP "xl migrate (to xl)" xl "" \
        $XLB "socat - TCP:$IP_B:$XLPORT #" $MPVH $IP_B
    mig pvh-xl-xltool-b-a$s b a $MPVH $PVH_IP "xl migrate (to xltool)" \
        reloc-xl "" $XLB "socat - TCP:$IP_A:8002 #" $MPVH $IP_A
    r=$((r + 1))
done

case $ROLE in
a) run_test two/pv-live-refused/source t_pv_refused
   [ -f "$SYNC/pv-refused.end" ] || say pv-refused.end aborted ;;
b) run_test two/pv-live-refused/dest t_pv_refused_dest ;;
esac
mig pv-stop-copy-a-b a b $MPV $PV_IP "xltool migrate --non-live (TLS)" \
    reloc "" "$XLTOOL" migrate --non-live --json $MPV $IP_B
mig pv-plain-to-xl-b-a b a $MPV $PV_IP "xltool migrate --non-live --plain (to xl)" xl \
    "hung up on the preflight" \
    "$XLTOOL" migrate --non-live --plain --json --port $XLPORT $MPV $IP_A

[ "$ROLE" = a ] && run_test two/a/destroy t_destroy
run_test "two/$ROLE/no-leftovers" t_no_leftovers
say "done.$ROLE"
hear "done.$PEER" 300 >/dev/null || echo "host $PEER did not finish"
