# lab-lib.sh - what the lab's scenarios share inside dom0 (busybox sh):
# running one named test with its log, reporting its result on the
# console and into the host's share, and bounded waits.
XLTOOL=${XLTOOL:-/usr/sbin/xltool}
XL=/usr/lib/xen-4.17/bin/xl
RUN=/tmp/lab
mkdir -p "$RUN"
: >"$RUN/results"

# report NAME STATUS(PASS|FAIL|SKIP) [DETAIL]
report() {
    echo "LAB-RESULT $2 $1${3:+: $3}"
    echo "$2 $1${3:+: $3}" >>"$RUN/results"
    [ -d /mnt ] && cp "$RUN/results" /mnt/results 2>/dev/null
}

# run_test NAME FUNCTION [ARGS...]: the function's output goes to the
# test's log, which is shown on the console (and saved in the share) if
# it fails.
run_test() {
    local name=$1 fn=$2 st log
    shift 2
    log=$RUN/$(echo "$name" | tr / -).log
    echo "LAB-TEST $name"
    ( set +e; "$fn" "$@" ) >"$log" 2>&1
    st=$?
    if [ $st -eq 0 ]; then
        report "$name" PASS
    elif [ $st -eq 77 ]; then
        report "$name" SKIP "$(grep -m1 '^SKIP:' "$log" |
                               sed 's/^SKIP: *//')"
    else
        report "$name" FAIL
        echo "---- log of $name ----"
        tail -n 40 "$log"
        echo "---- end of log ----"
        cp "$log" "/mnt/${log##*/}" 2>/dev/null
    fi
    return 0
}

# wait_until SECONDS COMMAND...: polls every half second.
wait_until() {
    local limit=$(($1 * 2)) i=0
    shift
    while [ $i -lt $limit ]; do
        "$@" >/dev/null 2>&1 && return 0
        sleep 0.5
        i=$((i + 1))
    done
    return 1
}

fail() { echo "FAIL: $*"; exit 1; }
need_cmd() {
    "$XLTOOL" help "$1" >/dev/null 2>&1 ||
        fail "xltool has no '$1' command"
}
domid_of() { "$XL" domid "$1" 2>/dev/null; }
exists() { "$XL" list "$1" >/dev/null 2>&1; }
gone() { ! exists "$1"; }
conlog() { echo "/var/log/xen/guest-$1.log"; }
# count_in NAME PATTERN: lines of the guest's console log matching.
count_in() { grep -c "$2" "$(conlog "$1")" 2>/dev/null || echo 0; }
last_tick() {
    grep -a 'GUEST-TICK' "$(conlog "$1")" 2>/dev/null | tail -n 1 |
        awk '{print $2}'
}
ticking() { [ "$(count_in "$1" GUEST-TICK)" -gt 0 ]; }
# tick_of NAME: the guest's last counter value in its console logs here.
# xenconsoled names a log after the domain when its console appears: a
# received domain's is NAME--incoming's.
tick_of() {
    cat "$(conlog "$1")" "$(conlog "$1--incoming")" 2>/dev/null |
        tr -d '\r' | awk '$1 == "GUEST-TICK" {print $2}' | sort -n |
        tail -n 1
}
ticks_past() {  # NAME N
    local t
    t=$(tick_of "$1")
    [ -n "$t" ] && [ "$t" -gt "$2" ]
}
# state_of NAME: the State column of xl list.
state_of() { "$XL" list "$1" 2>/dev/null | awk 'NR == 2 {print $5}'; }

# The bridge the guests' vifs use, made by xltool itself; with a NIC,
# the NIC becomes its port and gives it its addresses.
t_bridge() {
    "$XLTOOL" bridge create xenbr0 ${1:+--enslave "$1"} ||
        fail "bridge create xenbr0${1:+ --enslave $1}"
    [ -d /sys/class/net/xenbr0/bridge ] || fail "xenbr0 is not a bridge"
    ip link show xenbr0 | grep -q '[<,]UP[,>]' || fail "xenbr0 is not up"
    "$XLTOOL" bridge list | tee "$RUN/brlist"
    grep -q '^xenbr0' "$RUN/brlist" || fail "bridge list does not show it"
    if [ -n "${1:-}" ]; then
        [ -d "/sys/class/net/xenbr0/brif/$1" ] || fail "$1 is not a port"
        ip addr show dev xenbr0 | grep -q "inet " ||
            fail "xenbr0 did not take $1's address"
    fi
}

# The guests of the scenarios and their configs.
PV=lab-pv
PVH=lab-pvh

write_configs() {
    dd if=/dev/zero of="$RUN/pv-disk.img" bs=1M count=8 2>/dev/null
    cat >"$RUN/pv.cfg" <<CFG
name = "$PV"
type = "pv"
kernel = "/lab/vmlinuz"
ramdisk = "/lab/guest.cpio.gz"
extra = "console=hvc0 quiet"
memory = 128
vcpus = 1
disk = [ 'file:$RUN/pv-disk.img,xvda,w' ]
vif = [ 'bridge=xenbr0' ]
on_poweroff = "destroy"
on_reboot = "restart"
on_crash = "destroy"
CFG
    cat >"$RUN/pvh.cfg" <<CFG
name = "$PVH"
type = "pvh"
kernel = "/lab/vmlinuz"
ramdisk = "/lab/guest.cpio.gz"
extra = "console=hvc0 quiet"
memory = 128
vcpus = 1
on_poweroff = "destroy"
on_reboot = "restart"
CFG
    sed -e "s/^name = .*/name = \"lab-bad\"/" \
        -e "s/bridge=xenbr0/bridge=nosuchbr0/" "$RUN/pv.cfg" >"$RUN/badbr.cfg"
    sed -e "s/^name = .*/name = \"lab-nokernel\"/" \
        -e "s|^kernel = .*|kernel = \"/lab/no-such-kernel\"|" \
        -e "/^vif/d" "$RUN/pv.cfg" >"$RUN/nokernel.cfg"
}

not_ticking_for() {  # NAME SECONDS: the counter stays still
    local a b
    a=$(last_tick "$1"); sleep "$2"; b=$(last_tick "$1")
    [ "$a" = "$b" ]
}
advancing() {
    local a b
    a=$(last_tick "$1"); sleep 3; b=$(last_tick "$1")
    [ "$a" != "$b" ]
}
is_paused() { state_of "$1" | grep -q p; }
mem_is() { [ "$("$XL" list "$1" | awk 'NR == 2 {print $3}')" = "$2" ]; }
