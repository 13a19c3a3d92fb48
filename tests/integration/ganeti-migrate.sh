#!/usr/bin/env bash
# Ganeti's Xen instance migration with the toolstack "xl", between two
# simulated hosts in network namespaces, with xltool installed as the
# host's xl by `make install XL=1` (xltool run as xl on both sides).
#
# Ganeti itself is not installed: the test runs the command lines that
# Ganeti's lib/hypervisor/hv_xen.py (Ganeti 2.13 and later, public) runs
# for an instance whose xen_cmd is "xl", word for word:
#   - on the destination node (AcceptInstance), started as a daemon and
#     serving one connection:
#       socat -b524288 TCP-LISTEN:PORT,bind=TARGET,reuseaddr \
#           SYSTEM:'xl migrate-receive'
#   - on the source node (_MigrateInstance), with constants.XL_SOCAT_CMD
#     as the "ssh" command, and the config file Ganeti keeps in /etc/xen:
#       xl migrate -s "socat -b524288 - TCP:TARGET:PORT #" \
#           -C /etc/xen/INSTANCE INSTANCE TARGET
#     xl appends " TARGET xl migrate-receive" to the -s command, which the
#     "#" turns into a shell comment: the stream goes through socat.
# Before migrating, Ganeti checks the toolstack (`which xl`, `xl help`)
# and that the instance runs at the source, parsing `xl list` as six
# whitespace-separated fields a line; it reads the node's resources from
# `xl info` ("key : value" lines, integers for the memory and CPU counts).
# The test does the same.  The
# instance must arrive running, with its guest going on, and be gone
# from the source; then it goes back the same way.
. "$(dirname "$0")/host-xl.lib"

need_package xen-utils-common /etc/xen
private_mounts "$@"
. "$TOP/tests/integration/migrate-lib.bash"
install_host_xl
two_hosts psk
GPORT=8102
INST=inst1.example.com

# xlon HOST ARGS...: xl, as found in PATH, run on HOST.
xlon() { on "$1" xl "${@:2}"; }

# instance_info HOST NAME: Ganeti's view of `xl list`: fails unless every
# line has six fields; prints NAME's line if NAME is listed.
instance_info() {
    xlon "$1" list >"$T/list.$1" 2>&1 || fail "xl list on $1: $(cat "$T/list.$1")"
    awk 'NR > 1 && NF != 6 { bad = 1 } END { exit bad }' "$T/list.$1" ||
        fail "Ganeti cannot parse xl list on $1: $(cat "$T/list.$1")"
    awk -v n="$2" 'NR > 1 && $1 == n' "$T/list.$1"
}

# ganeti_migrate SRC DST: the destination's socat daemon, then the
# source's xl migrate, as Ganeti runs them.
ganeti_migrate() {
    local src=$1 dst=$2 ip=$IPA ns=$NSA i
    [ "$dst" = B ] && ip=$IPB ns=$NSB
    for h in "$src" "$dst"; do
        on "$h" which xl >/dev/null || fail "no xl in PATH on $h"
        xlon "$h" help >/dev/null 2>&1 || fail "xl help fails on $h"
    done
    [ -n "$(instance_info "$src" "$INST")" ] || fail "$INST is not running on $src"
    on_bg "$T/$dst/socat.log" "$dst" socat -b524288 \
        "TCP-LISTEN:$GPORT,bind=$ip,reuseaddr" "SYSTEM:'xl migrate-receive'"
    local socat=$BG
    SERVER_PIDS+=("$socat")
    for i in $(seq 1 100); do
        ip netns exec "$ns" ss -Hltn "sport = :$GPORT" | grep -q . && break
        sleep 0.05
    done
    xlon "$src" migrate -s "socat -b524288 - TCP:$ip:$GPORT #" \
        -C "/etc/xen/$INST" "$INST" "$ip" >"$T/out.$src$dst" 2>&1 ||
        fail "xl migrate $src -> $dst: $(cat "$T/out.$src$dst" "$T/$dst/socat.log")"
    cat "$T/out.$src$dst"
    # One connection: the receiver and its socat are done.
    for i in $(seq 1 100); do
        kill -0 "$socat" 2>/dev/null || break
        sleep 0.1
    done
    kill -0 "$socat" 2>/dev/null &&
        fail "socat with xl migrate-receive still runs on $dst"
    wait "$socat" || fail "the receiving side failed: $(cat "$T/$dst/socat.log")"
}

# arrived_on HOST C0: the instance runs on HOST only and its guest went on.
arrived_on() {
    local h=$1 c0=$2 other=A c1
    [ "$h" = A ] && other=B
    [ -n "$(instance_info "$h" "$INST")" ] || fail "$INST is not on $h"
    [ -z "$(instance_info "$other" "$INST")" ] || fail "$INST is still on $other"
    [ "$(exactly_one "$INST")" = "$h" ] || fail "$INST is not on $h alone"
    c1=$(field "$h" "$INST" counter)
    [ -n "$c1" ] && [ "$c1" -gt "$c0" ] ||
        fail "the guest did not go on ($c0 -> $c1)"
}

# node_info HOST: the figures Ganeti's GetNodeInfo reads from `xl info`.
node_info() {
    local k v
    xlon "$1" info >"$T/info.$1" 2>&1 || fail "xl info on $1: $(cat "$T/info.$1")"
    for k in total_memory free_memory nr_cpus nr_nodes cores_per_socket \
        threads_per_core; do
        v=$(sed -n "s/^$k *: *//p" "$T/info.$1")
        [[ $v =~ ^[0-9]+$ ]] || fail "xl info on $1: $k is '$v'"
    done
}
node_info A
node_info B

# The instance's config, as Ganeti writes it to /etc/xen/INSTANCE (here
# in the namespace's overlay of /etc/xen).
echo "simulated kernel" >"$T/shared/vmlinuz"
cat >"/etc/xen/$INST" <<EOF
# written as Ganeti writes an instance's config
kernel = '$T/shared/vmlinuz'
memory = 64
maxmem = 64
vcpus = 1
name = '$INST'
vif = []
disk = []
root = '/dev/xvda1 ro'
on_poweroff = 'preserve'
on_reboot = 'restart'
on_crash = 'restart'
EOF
xlon A create "/etc/xen/$INST" >/dev/null 2>&1 || fail "xl create on A"
guest A "$INST" "dirty 4M/s" >/dev/null
c0=$(field A "$INST" counter)
[ -n "$c0" ] || fail "no counter from the guest"

log "A -> B"
ganeti_migrate A B
arrived_on B "$c0"

log "B -> A"
c0=$(field B "$INST" counter)
ganeti_migrate B A
arrived_on A "$c0"
xlon A destroy "$INST" || fail "destroy"
pass
