#!/usr/bin/env bash
# A real two-node Pacemaker + Corosync cluster (Debian's pacemaker,
# corosync, crmsh and resource-agents, unchanged) manages a simulated
# domain through the ocf:heartbeat:Xen agent with xltool as its tool:
# first as xm, then as xl.  Each node is host A or B of migrate-lib.bash
# (its own network namespace) plus a mount and UTS namespace of its own,
# and runs xltool's relocation server (mutual TLS).  crm_resource --move
# and node standby must each move the domain live: the receiving server
# logs a live receive and the guest's counter and workload go on.  A
# fence device of the test's own "powers off" a node (kills every process
# in its namespaces, as fence_virsh powers off a VM): after node A's
# cluster stack is killed, B fences A and starts the domain, which then
# runs on B only, until the cluster stops it (a clean shutdown).
. "$(dirname "$0")/migrate-lib.bash"

PKGS="pacemaker corosync crmsh resource-agents"
NODE_A=node-a NODE_B=node-b
NODE_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
CS_PORT=5405
RSC=vm1
AGENT=/usr/lib/ocf/resource.d/heartbeat/Xen

# Debian's packages, installed if missing (scripts/install-deps installs
# them up front); a machine that cannot install them skips the test.
need_cluster_packages() {
    local p missing=
    for p in $PKGS; do
        dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
    done
    [ -z "$missing" ] && return 0
    log "installing$missing"
    # shellcheck disable=SC2086
    { timeout 300 apt-get update -q &&
        DEBIAN_FRONTEND=noninteractive timeout 600 apt-get install -y -q \
            --no-install-recommends $missing; } >"$T/apt.log" 2>&1 ||
        skip "cannot install$missing"
}

name_of() { [ "$1" = A ] && echo $NODE_A || echo $NODE_B; }
ns_of() { [ "$1" = A ] && echo "$NSA" || echo "$NSB"; }

# node H CMD...: runs CMD on node H: in its network, mount and UTS
# namespaces, with the node's xltool environment (which the cluster's
# daemons and so the agent inherit) and a home of its own (crmsh keeps
# files there).
node() {
    local h=$1; shift
    nsenter --net="/run/netns/$(ns_of "$h")" --mount="$T/ns/mnt$h" \
        --uts="$T/ns/uts$h" -- env PATH=$NODE_PATH HOME="$T/$h/home" \
        XLTOOL_BACKEND=sim XLTOOL_SIM_DIR="$T/$h/sim" \
        XLTOOL_CONF="$T/$h/xltool.conf" "$@"
}
# node_bg H LOG CMD...: the same, in the background; cluster_cleanup
# finds it in the node's mount namespace.
node_bg() {
    local h=$1 out=$2; shift 2
    node "$h" "$@" </dev/null >>"$out" 2>&1 &
}

# The node's private files: corosync's and pacemaker's state, logs and
# sockets' ring buffers (libqb's sockets are abstract, so private to the
# network namespace; their buffers are files in /dev/shm), /etc/hosts.
write_node() {
    local h=$1 D=$T/$1
    mkdir -p "$D"/{etc-corosync,lib-corosync,log-corosync,log-crmsh} \
        "$D"/lib-pacemaker/{cib,pengine,blackbox,cores} \
        "$D/log-pacemaker/bundles" "$D/sbin" "$D/home"
    chown -R hacluster:haclient "$D/lib-pacemaker" "$D/log-pacemaker" \
        "$D/log-crmsh"
    chmod 750 "$D"/lib-pacemaker/*
    cat >"$D/etc-corosync/corosync.conf" <<EOF
totem {
    version: 2
    cluster_name: xltool-test
    transport: knet
    crypto_cipher: none
    crypto_hash: none
    token: 3000
    interface {
        linknumber: 0
        mcastport: $CS_PORT
    }
}
nodelist {
    node {
        name: $NODE_A
        nodeid: 1
        ring0_addr: $IPA
    }
    node {
        name: $NODE_B
        nodeid: 2
        ring0_addr: $IPB
    }
}
quorum {
    provider: corosync_votequorum
    two_node: 1
}
logging {
    to_logfile: yes
    logfile: /var/log/corosync/corosync.log
    to_syslog: no
    to_stderr: no
    timestamp: on
}
EOF
    printf '127.0.0.1 localhost\n%s %s\n%s %s\n' $IPA $NODE_A $IPB $NODE_B \
        >"$D/hosts"
    # The tool the agent finds: xm first; for the xl flavour, xl too.
    ln -s "$XM" "$D/sbin/xm"
}

# In the node's new mount namespace: the private files above; the fence
# agent added to /usr/sbin (where pacemaker looks for fence_* agents) by
# a read-only overlay; any other xl on the PATH (Xen's own, or an
# installed xltool) hidden, so that the agent's `which xl` finds only the
# one the xl flavour puts into /usr/local/sbin.
node_mounts() {
    local h=$1 D=$T/$1
    cat <<EOF
set -e
hostname $(name_of "$h")
mount -t tmpfs -o mode=755 xltool-test-run /run
mkdir -p /run/lock /run/crm /run/resource-agents
chown hacluster:haclient /run/crm
chmod 1777 /run/lock
mount -t tmpfs -o mode=1777 xltool-test-shm /dev/shm
mount --bind $D/etc-corosync /etc/corosync
mount --bind $D/lib-corosync /var/lib/corosync
mount --bind $D/log-corosync /var/log/corosync
mount --bind $D/lib-pacemaker /var/lib/pacemaker
mount --bind $D/log-pacemaker /var/log/pacemaker
mount --bind $D/log-crmsh /var/log/crmsh
mount --bind $D/hosts /etc/hosts
mount --bind $D/sbin /usr/local/sbin
mount -t overlay xltool-test-fence -o lowerdir=$T/fence:/usr/sbin /usr/sbin
for d in \$(echo $NODE_PATH | tr : ' '); do
    [ \$d = /usr/local/sbin ] || [ ! -x \$d/xl ] || mount --bind $T/noexec \$d/xl
done
EOF
}

# The fence agent, in the fence-agents interface (key=value lines on
# stdin, or -o ACTION -n PORT): "off" kills every process of the node's
# mount namespace, whose inode the map file gives, and waits until none
# is left.  "reboot" is the same: a namespace cannot boot again.
write_fence_agent() {
    mkdir -p "$T/fence"
    cat >"$T/fence/fence_nodens" <<'EOF'
#!/bin/sh
# fence_nodens: powers off a node of xltool's cluster test (every process
# in the node's mount namespace).  Parameters: port (the node), map (a
# file of "NODE MOUNT-NAMESPACE-INODE" lines), log.
action=reboot port= map= logf=/dev/null
while [ $# -gt 1 ]; do
    case $1 in -o) action=$2 ;; -n) port=$2 ;; esac
    shift 2
done
if [ ! -t 0 ]; then
    while IFS='=' read -r k v; do
        case $k in
        action) action=$v ;;
        port|plug) port=$v ;;
        map) map=$v ;;
        log) logf=$v ;;
        esac
    done
fi
pids() {
    ino=$(awk -v n="$1" '$1 == n { print $2 }' "$map")
    [ -n "$ino" ] || return 1
    for p in /proc/[0-9]*; do
        [ "$(readlink "$p/ns/mnt" 2>/dev/null)" = "mnt:[$ino]" ] &&
            echo "${p#/proc/}"
    done
    return 0
}
say() { echo "$(date +%T) $action $port: $*" >>"$logf"; }
case $action in
metadata)
    cat <<'XML'
<?xml version="1.0" ?>
<resource-agent name="fence_nodens"
 shortdesc="Powers off a node namespace of xltool's cluster test">
<longdesc>Kills every process in the test node's mount namespace.</longdesc>
<parameters>
<parameter name="action" unique="0" required="1">
<getopt mixed="-o, --action=[action]"/>
<content type="string" default="reboot"/>
<shortdesc lang="en">Fencing action</shortdesc>
</parameter>
<parameter name="port" unique="0" required="0">
<getopt mixed="-n, --plug=[name]"/>
<content type="string"/>
<shortdesc lang="en">The node to power off</shortdesc>
</parameter>
<parameter name="map" unique="0" required="1">
<content type="string"/>
<shortdesc lang="en">File of "NODE MOUNT-NAMESPACE-INODE" lines</shortdesc>
</parameter>
<parameter name="log" unique="0" required="0">
<content type="string"/>
<shortdesc lang="en">Log file</shortdesc>
</parameter>
</parameters>
<actions>
<action name="on"/>
<action name="off"/>
<action name="reboot"/>
<action name="status"/>
<action name="list"/>
<action name="monitor"/>
<action name="metadata"/>
<action name="validate-all"/>
</actions>
</resource-agent>
XML
    ;;
monitor|validate-all) [ -r "$map" ] ;;
list) awk '{ print $1 }' "$map" ;;
status)
    [ -n "$(pids "$port")" ] && { echo "Status: ON"; exit 0; }
    echo "Status: OFF"; exit 2 ;;
off|reboot)
    list=$(pids "$port") || { say "unknown node"; exit 1; }
    say "killing $(echo $list | wc -w) processes"
    i=0
    while [ -n "$list" ] && [ $i -lt 100 ]; do
        kill -9 $list 2>/dev/null
        sleep 0.1
        list=$(pids "$port"); i=$((i + 1))
    done
    [ -z "$list" ] || { say "still running: $list"; exit 1; }
    say "off" ;;
on) say "cannot power a namespace on"; exit 1 ;;
*) exit 1 ;;
esac
EOF
    chmod 755 "$T/fence/fence_nodens"
}

# up_node H: the node's namespaces, kept by bind mounts of their files in
# $T/ns (a private mount, so that they do not propagate).
up_node() {
    local h=$1
    : >"$T/ns/mnt$h"
    : >"$T/ns/uts$h"
    node_mounts "$h" >"$T/$h/mounts.sh"
    # nsenter, not ip netns exec: the namespace files are bound in the
    # test's own mount namespace, not in a passing one.
    nsenter --net="/run/netns/$(ns_of "$h")" unshare --mount="$T/ns/mnt$h" \
        --uts="$T/ns/uts$h" --propagation private sh "$T/$h/mounts.sh" ||
        fail "namespaces of node $h"
    echo "$(name_of "$h") $(stat -L -c %i "$T/ns/mnt$h")" >>"$T/fence.map"
}

# start_node H: relocation server, corosync, then pacemaker.
start_node() {
    local h=$1
    node_bg "$h" "$T/$h/server.log" "$XLTOOL" relocation-server -F
    node_bg "$h" "$T/$h/corosync.out" corosync -f
    wait_until 20 node "$h" corosync-cfgtool -s ||
        fail "corosync did not start on node $h"
    node_bg "$h" "$T/$h/pacemaker.out" env \
        PCMK_logfile=/var/log/pacemaker/pacemaker.log PCMK_logfacility=none \
        pacemakerd
}

# The pids of every process in node H's mount namespace.
node_pids() {
    local h=$1 ino p
    [ -f "$T/fence.map" ] || return 0
    ino=$(awk -v n="$(name_of "$h")" '$1 == n { print $2 }' "$T/fence.map")
    [ -n "$ino" ] || return 0
    for p in /proc/[0-9]*; do
        [ "$(readlink "$p/ns/mnt" 2>/dev/null)" = "mnt:[$ino]" ] &&
            echo "${p#/proc/}"
    done
}

# The cluster stack of node H: corosync and pacemaker's daemons.
stack_pids() {
    local h=$1 p
    for p in $(node_pids "$h"); do
        case $(cat "/proc/$p/comm" 2>/dev/null) in
        corosync|pacemaker*) echo "$p" ;;
        esac
    done
}

# Everything the nodes ran is killed (a power-off of both), then
# migrate-lib's cleanup removes the domains' records and the network.
cluster_cleanup() {
    local h pids
    for _ in $(seq 1 50); do
        pids=$(node_pids A; node_pids B)
        [ -z "$pids" ] && break
        # shellcheck disable=SC2086
        kill -9 $pids 2>/dev/null
        sleep 0.1
    done
    for h in A B; do
        mountpoint -q "$T/ns/mnt$h" 2>/dev/null && umount "$T/ns/mnt$h"
        mountpoint -q "$T/ns/uts$h" 2>/dev/null && umount "$T/ns/uts$h"
    done
    mountpoint -q "$T/ns" 2>/dev/null && umount "$T/ns"
    cleanup
}

cluster_logs() {
    local h
    for h in A B; do
        echo "=== node $h"
        node "$h" crm_mon -1 2>&1 | tail -n 20
        tail -n 5 "$T/$h/server.log" 2>/dev/null
        grep -h "Xen(\|fence\|error" \
            "$T/$h/log-pacemaker/pacemaker.log" 2>/dev/null | tail -n 20
    done
    tail -n 5 "$T/fence.log" 2>/dev/null
}
cfail() { cluster_logs; fail "$@"; }

wait_until() {
    local end=$((SECONDS + $1))
    shift
    until "$@" >/dev/null 2>&1; do
        [ $SECONDS -ge $end ] && return 1
        sleep 0.2
    done
}

both_online() {
    node A crm_mon -1 | grep -q "Online: \[ $NODE_A $NODE_B \]"
}
# settled_on H: pacemaker says the domain was started on H (no action
# pending) and it runs there.
settled_on() {
    node "$1" crm_mon -1 |
        grep -Eq "^ *\* $RSC\s.*Started $(name_of "$1")\s*$" &&
        runs "$1"
}
# runs H: the domain's guest runs on H (a record left by a killed
# domain shows it crashed: s and c).
runs() {
    [[ $(state "$1" $RSC) =~ ^[-r][-b]----$ ]]
}
# live_receives H: how many live receives of the domain H's server logged.
live_receives() {
    grep -c "receiving $RSC from .* (live, " "$T/$1/server.log"
}
# agent_migrations H: how many migrations to the other node the agent on
# H started with $TOOL (it logs the tool's path).
agent_migrations() {
    local to=$NODE_B
    [ "$1" = B ] && to=$NODE_A
    grep -c "Starting /usr/local/sbin/$TOOL migrate to $to" \
        "$T/$1/log-pacemaker/pacemaker.log"
}
# settle [H]: waits until the cluster has nothing left to do (asking H).
settle() {
    node "${1:-A}" crm_resource --wait --timeout=60 >/dev/null 2>&1 ||
        cfail "the cluster did not settle"
}

# moved FROM TO HOW...: HOW moves the domain from FROM to TO; the agent
# migrates it with $TOOL, it arrives live, exactly once, and runs on as
# it ran (its counter and its workload going on).
moved() {
    local from=$1 to=$2 c0 n0 m0 c1 t0=$SECONDS
    shift 2
    n0=$(live_receives "$to")
    m0=$(agent_migrations "$from")
    c0=$(field "$from" $RSC counter)
    [ -n "$c0" ] || cfail "no counter from the guest on $from"
    "$@" >/dev/null 2>&1 || cfail "$*"
    wait_until 60 settled_on "$to" || cfail "$RSC did not reach $to ($*)"
    [ "$(agent_migrations "$from")" = $((m0 + 1)) ] ||
        cfail "the agent did not migrate $RSC with $TOOL"
    [ "$(live_receives "$to")" = $((n0 + 1)) ] ||
        cfail "$RSC did not arrive live on $to: \
$(tail -n 3 "$T/$to/server.log")"
    runs "$from" && cfail "$RSC still runs on $from"
    c1=$(field "$to" $RSC counter)
    [ -n "$c1" ] && [ "$c1" -gt "$c0" ] ||
        cfail "the counter did not continue ($c0 -> $c1)"
    [ "$(field "$to" $RSC dirty)" = 4194304 ] ||
        cfail "the guest's workload did not go on"
    settle
    log "on $to after $((SECONDS - t0)) s, counter $c0 -> $c1"
}

# flavour TOOL: one move each way, by crm_resource --move and by standby,
# with the agent using TOOL, which its log names.
flavour() {
    local h
    TOOL=$1
    for h in A B; do
        [ "$(node "$h" sh -c 'which xl || which xm')" = \
            "/usr/local/sbin/$TOOL" ] || fail "the agent would not use $TOOL"
    done
    log "$TOOL: crm_resource --move to $NODE_B"
    moved A B node A crm_resource -r $RSC --move -N $NODE_B
    node A crm_resource -r $RSC --clear >/dev/null 2>&1
    log "$TOOL: standby of $NODE_B"
    moved B A node A crm_attribute --node $NODE_B --name standby \
        --update on --lifetime forever
    node A crm_attribute --node $NODE_B --name standby --update off \
        --lifetime forever >/dev/null 2>&1
    settle
}

need_cluster_packages
[ -x $AGENT ] || skip "no $AGENT"
two_hosts tls
trap cluster_cleanup EXIT
mkdir -p "$T/ns"
mount --bind "$T/ns" "$T/ns" && mount --make-private "$T/ns" ||
    fail "private mount for the namespace files"
: >"$T/noexec"
chmod 644 "$T/noexec"
: >"$T/fence.map"
write_fence_agent
for h in A B; do
    write_node $h
    up_node $h
done
node A ping -c1 -W2 $NODE_B >/dev/null || fail "no link between the nodes"

log "cluster up"
start_node A
start_node B
wait_until 90 both_online || cfail "the cluster did not form"
log "cluster formed in $SECONDS s"

echo "simulated kernel" >"$T/shared/vmlinuz"
truncate -s 16M "$T/shared/$RSC.img"
cat >"$T/shared/$RSC.cfg" <<EOF
name = "$RSC"
kernel = "$T/shared/vmlinuz"
memory = 64
vcpus = 1
disk = [ 'file:$T/shared/$RSC.img,xvda,w' ]
EOF
# The agent migrates to the address in the node attribute "ip", which the
# servers' certificates name.
cat >"$T/cib.crm" <<EOF
property stonith-enabled=true stonith-action=off
rsc_defaults resource-stickiness=100
primitive fence-ns stonith:fence_nodens \
    params pcmk_host_list="$NODE_A $NODE_B" map="$T/fence.map" \
        log="$T/fence.log"
primitive $RSC ocf:heartbeat:Xen \
    params xmfile="$T/shared/$RSC.cfg" node_ip_attribute=ip \
    meta allow-migrate=true target-role=Stopped \
    op monitor interval=10s timeout=30s \
    op start timeout=60s interval=0 op stop timeout=60s interval=0 \
    op migrate_to timeout=60s interval=0 \
    op migrate_from timeout=60s interval=0
EOF
node A crm_attribute --type nodes --node $NODE_A --name ip --update $IPA &&
    node A crm_attribute --type nodes --node $NODE_B --name ip \
        --update $IPB || cfail "node attributes"
node A timeout 60 crm configure load update "$T/cib.crm" >"$T/crm.out" 2>&1 ||
    cfail "crm configure: $(cat "$T/crm.out")"
node A crm_resource -r $RSC --move -N $NODE_A >/dev/null 2>&1
node A crm_resource -r $RSC --meta -p target-role -v Started >/dev/null ||
    cfail "start $RSC"
wait_until 60 settled_on A || cfail "$RSC did not start on $NODE_A"
node A crm_resource -r $RSC --clear >/dev/null 2>&1
settle
guest A $RSC "dirty 4M/s" | grep -q dirtying || cfail "dirty workload"

flavour xm
# The agent takes xl when `which xl` finds one.
ln -s "$XLTOOL" "$T/A/sbin/xl"
ln -s "$XLTOOL" "$T/B/sbin/xl"
flavour xl

log "fencing: node A's cluster stack is killed"
[ -n "$(stack_pids A)" ] || fail "no cluster stack on A"
c0=$(field A $RSC counter)
n0=$(live_receives B)
# shellcheck disable=SC2046
kill -9 $(stack_pids A) 2>/dev/null
t0=$SECONDS
wait_until 60 settled_on B || cfail "$RSC was not started on $NODE_B"
log "fenced and started on B after $((SECONDS - t0)) s"
grep -q "off $NODE_A: off" "$T/fence.log" || cfail "$NODE_A was not fenced"
node B stonith_admin --history $NODE_A >"$T/history" 2>&1
grep -q "successful" "$T/history" ||
    cfail "no fencing of $NODE_A in pacemaker's history: $(cat "$T/history")"
log "$(cat "$T/history")"
[ -z "$(node_pids A)" ] || cfail "processes left on the fenced node"
runs A && cfail "$RSC runs on the fenced node"
# Started anew on B, not moved there: a new boot's counter.
[ "$(live_receives B)" = "$n0" ] || cfail "$RSC migrated to B"
c1=$(field B $RSC counter)
[ -n "$c1" ] && [ "$c1" -lt "$c0" ] ||
    cfail "$RSC on B is not a new boot (counter $c0 on A, $c1 on B)"

log "stopped through the cluster: the agent shuts the domain down"
node B crm_resource -r $RSC --meta -p target-role -v Stopped >/dev/null ||
    cfail "stop $RSC"
wait_until 60 eval "! present B $RSC" || cfail "$RSC did not stop on B"
settle B
grep -q "Xen domain $RSC stopped" "$T/B/log-pacemaker/pacemaker.log" ||
    cfail "the agent did not stop $RSC"
grep -q "Xen domain $RSC will be destroyed" \
    "$T/B/log-pacemaker/pacemaker.log" && cfail "$RSC was destroyed"
log "$SECONDS s in all"
pass
