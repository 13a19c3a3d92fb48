# migrate-lib.bash - shared by the migrate*.sh integration tests: two
# simulated hosts, A (10.77.0.1) and B (10.77.0.2), in network namespaces
# joined by a veth pair, each with its own relocation server, XLTOOL_CONF,
# XLTOOL_SIM_DIR and XLTOOL_MANAGED_DIR.  $T/shared plays the shared storage.  Everything is
# removed on exit, whatever happens.
#
# Sourced, not run: run-tests runs only *.sh files.

set -u
T=$PWD
SUF=$$
NSA=xltA$SUF NSB=xltB$SUF
IPA=10.77.0.1 IPB=10.77.0.2
PORT=8002
SERVER_PIDS=()

skip() { echo "SKIP: $*"; exit 77; }
fail() { echo "FAIL: $*"; dump_logs; exit 1; }
log() { echo "--- $*"; }

need_env() {
    [ "$(id -u)" = 0 ] || skip "network namespaces need root"
    for t in ip socat openssl unshare; do
        command -v $t >/dev/null || skip "$t is not installed"
    done
    ip netns add "xltprobe$SUF" 2>/dev/null ||
        skip "cannot create network namespaces here"
    ip netns del "xltprobe$SUF"
}

dump_logs() {
    local f
    for f in "$T"/A/server.log "$T"/B/server.log "$T"/out.*; do
        [ -f "$f" ] && { echo "=== $f"; tail -n 30 "$f"; }
    done
}

# on HOST CMD...: runs CMD as host A or B.
on() {
    local h=$1; shift
    local ns=$NSA; [ "$h" = B ] && ns=$NSB
    ip netns exec "$ns" env XLTOOL_CONF="$T/$h/xltool.conf" \
        XLTOOL_SIM_DIR="$T/$h/sim" XLTOOL_MANAGED_DIR="$T/$h/managed" \
        XLTOOL_BACKEND=sim "$@"
}
# on_bg OUT HOST CMD...: the same in the background, output to OUT; BG is
# the pid of CMD itself (not of a subshell), so that it can be killed.
on_bg() {
    local out=$1 h=$2; shift 2
    local ns=$NSA; [ "$h" = B ] && ns=$NSB
    (exec ip netns exec "$ns" env XLTOOL_CONF="$T/$h/xltool.conf" \
        XLTOOL_SIM_DIR="$T/$h/sim" XLTOOL_MANAGED_DIR="$T/$h/managed" \
        XLTOOL_BACKEND=sim "$@" >"$out" 2>&1) &
    BG=$!
}
xa() { on A "$XLTOOL" "$@"; }
xb() { on B "$XLTOOL" "$@"; }

cleanup() {
    local pid h d
    for pid in "${SERVER_PIDS[@]}"; do
        kill "$pid" 2>/dev/null
    done
    # Destroy every simulated domain left on either host.
    for h in A B; do
        [ -d "$T/$h/sim/dom" ] || continue
        for d in "$T/$h"/sim/dom/*/; do
            [ -d "$d" ] || continue
            on "$h" "$XLTOOL" destroy "$(basename "$d")" >/dev/null 2>&1
        done
    done
    for pid in "${SERVER_PIDS[@]}"; do
        wait "$pid" 2>/dev/null
    done
    ip netns del "$NSA" 2>/dev/null
    ip netns del "$NSB" 2>/dev/null
    ip link del "vA$SUF" 2>/dev/null
    rm -rf "$T/A" "$T/B" "$T/shared" "$T/pki"
}

setup_net() {
    trap cleanup EXIT
    trap 'exit 1' INT TERM
    ip netns add "$NSA" && ip netns add "$NSB" || fail "netns"
    ip link add "vA$SUF" type veth peer name "vB$SUF" || fail "veth"
    ip link set "vA$SUF" netns "$NSA"
    ip link set "vB$SUF" netns "$NSB"
    ip -n "$NSA" addr add $IPA/24 dev "vA$SUF"
    ip -n "$NSB" addr add $IPB/24 dev "vB$SUF"
    for ns in $NSA $NSB; do
        ip -n "$ns" link set lo up
    done
    ip -n "$NSA" link set "vA$SUF" up
    ip -n "$NSB" link set "vB$SUF" up
    mkdir -p "$T/A/sim" "$T/B/sim" "$T/A/state" "$T/B/state" "$T/shared" \
        "$T/A/local" "$T/B/local"
}

# two_hosts MODE: what most tests start with: root and the tools, the two
# namespaces, the keys of MODE (psk or tls) and both hosts' xltool.conf.
two_hosts() {
    need_env
    setup_net
    case $1 in
    psk) make_psk ;;
    tls) make_pki ;;
    esac
    write_conf A "$1"
    write_conf B "$1"
}

# Cuts or restores the link between the hosts.
link_down() { ip -n "$NSA" link set "vA$SUF" down; }
link_up() { ip -n "$NSA" link set "vA$SUF" up; }

# make_pki: a CA and one certificate per host, with the host's address.
make_pki() {
    local h ip d=$T/pki
    mkdir -p "$d"
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
        -keyout "$d/ca.key" -out "$d/ca.pem" -days 2 -subj "/CN=test CA" \
        2>/dev/null || fail "openssl CA"
    for h in A B rogue; do
        ip=$IPA; [ $h = B ] && ip=$IPB
        openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
            -keyout "$d/$h.key" -out "$d/$h.csr" -subj "/CN=host$h" \
            2>/dev/null || fail "openssl key"
        printf 'subjectAltName=IP:%s\n' "$ip" >"$d/$h.ext"
        openssl x509 -req -in "$d/$h.csr" -CA "$d/ca.pem" \
            -CAkey "$d/ca.key" -CAcreateserial -days 2 \
            -extfile "$d/$h.ext" -out "$d/$h.pem" 2>/dev/null ||
            fail "openssl sign"
    done
    # A second, unrelated CA signs the rogue certificate again.
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
        -keyout "$d/other.key" -out "$d/other.pem" -days 2 \
        -subj "/CN=other CA" 2>/dev/null
    openssl x509 -req -in "$d/rogue.csr" -CA "$d/other.pem" \
        -CAkey "$d/other.key" -CAcreateserial -days 2 \
        -extfile "$d/rogue.ext" -out "$d/rogue.pem" 2>/dev/null
}

# write_conf HOST MODE [extra settings]: MODE is tls, psk or plain.
write_conf() {
    local h=$1 mode=$2 extra=${3:-} sec
    case $mode in
    tls) sec="tls = { cert = \"$T/pki/$h.pem\"; key = \"$T/pki/$h.key\";
                  ca = \"$T/pki/ca.pem\"; };" ;;
    psk) sec="psk_file = \"$T/shared/psk\";" ;;
    plain) sec="allow_plain = true;" ;;
    esac
    cat >"$T/$h/xltool.conf" <<EOF
# xltool.conf of test host $h
relocation = {
  port = $PORT;
  $sec
  state_dir = "$T/$h/state";
  timeouts = { handshake = 5; io = 5; resolve = 20; };
  $extra
};
EOF
}

make_psk() {
    printf 'xltool-test:%s\n' "$(openssl rand -hex 32)" >"$T/shared/psk"
    chmod 600 "$T/shared/psk"
}

# start_server HOST: B's server sees its own empty $T/A/local, so that
# disks kept there are local to A.
start_server() {
    local h=$1 i hide=A
    [ "$h" = A ] && hide=B
    # Empty the log first: on_bg truncates it only once its subshell
    # runs, and the wait below must not read an earlier server's line.
    : >"$T/$h/server.log"
    on_bg "$T/$h/server.log" $h unshare -m sh -c \
        "mount -t tmpfs none '$T/$hide/local' &&
         exec '$XLTOOL' relocation-server -F"
    SERVER_PIDS+=($BG)
    eval "SERVER_$h=$BG"
    for i in $(seq 1 100); do
        grep -q "listening on" "$T/$h/server.log" 2>/dev/null && return 0
        kill -0 $BG 2>/dev/null || break
        sleep 0.05
    done
    cat "$T/$h/server.log"
    fail "relocation server on $h did not start"
}

stop_server() {
    local h=$1 pid
    eval "pid=\$SERVER_$h"
    kill "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
}

# make_domain HOST NAME [MEM] [DISKPATH|none] [extra config lines]: no
# disk by default (migrate-disk.sh covers shared disks).
make_domain() {
    local h=$1 name=$2 mem=${3:-64} disk=${4:-none}
    local extra=${5:-} disks
    disks="disk = [ 'file:$disk,xvda,w' ]"
    if [ "$disk" = none ]; then
        disks=
    else
        [ -f "$disk" ] || truncate -s 8M "$disk"
    fi
    [ -f "$T/shared/vmlinuz" ] || echo "simulated kernel" >"$T/shared/vmlinuz"
    cat >"$T/$name.cfg" <<EOF
name = "$name"
kernel = "$T/shared/vmlinuz"
memory = $mem
vcpus = 1
$disks
$extra
EOF
    on "$h" "$XLTOOL" create -q "$T/$name.cfg" || fail "create $name on $h"
}

# guest HOST DOM COMMAND: runs a command on the guest's console shell and
# prints what the console said.
guest() {
    local h=$1 dom=$2 cmd=$3 id sock
    id=$(on "$h" "$XLTOOL" domid "$dom") || return 1
    sock=$T/$h/sim/dom/$id/sock
    # The guest takes the first line alone; the command follows it.
    { printf 'console\n'; sleep 0.2; printf '%s\n' "$cmd"; sleep 0.3; } |
        socat -t 0.5 - "UNIX-CONNECT:$sock" 2>/dev/null
}

# field HOST DOM NAME: a field of the guest's status ("counter", ...).
field() {
    guest "$1" "$2" status | tr -d '\r' |
        sed -n "s/^$3: *\([^ ]*\).*/\1/p" | tail -n 1
}

# present HOST NAME: is the domain listed on host?
present() { on "$1" "$XLTOOL" domid "$2" >/dev/null 2>&1; }

# state HOST NAME: the domain's state letters from list.
state() {
    on "$1" "$XLTOOL" list "$2" 2>/dev/null | awk 'NR == 2 { print $5 }'
}

running() {
    local s
    present "$1" "$2" || return 1
    s=$(state "$1" "$2")
    [[ $s != *p* ]]
}

# exactly_one NAME: the domain runs on exactly one host, under its own
# name, with no --incoming or --migratedaway copy anywhere.
exactly_one() {
    local n=$1 a=0 b=0
    running A "$n" && a=1
    running B "$n" && b=1
    [ $((a + b)) -eq 1 ] ||
        fail "$n runs on $a+$b hosts ($(xa list 2>&1 | tr '\n' ' ') | \
$(xb list 2>&1 | tr '\n' ' '))"
    for h in A B; do
        present $h "$n--incoming" && fail "$n--incoming left on $h"
        present $h "$n--migratedaway" && fail "$n--migratedaway left on $h"
    done
    [ $a = 1 ] && echo A || echo B
}

# arrived NAME HOST OUT C0: OUT says NAME was migrated to HOST's address,
# NAME runs on HOST only, and its counter went on from C0.
arrived() {
    local n=$1 h=$2 out=$3 c0=$4 ip=$IPA c1
    [ "$h" = B ] && ip=$IPB
    grep -q "^Migrated $n to $ip" "$out" ||
        fail "no result line: $(cat "$out")"
    [ "$(exactly_one "$n")" = "$h" ] || fail "$n is not on $h"
    c1=$(field "$h" "$n" counter)
    [ -n "$c1" ] && [ "$c1" -gt "$c0" ] ||
        fail "the counter did not continue ($c0 -> $c1)"
}

# pass: no sanitizer report anywhere (the servers' connection processes
# exit through the leak checker under make check SAN=1), then PASS.
pass() {
    local f
    for f in "$T"/A/server.log "$T"/B/server.log "$T"/out.*; do
        [ -f "$f" ] || continue
        grep -q "Sanitizer\|runtime error\|exited with status" "$f" &&
            fail "sanitizer or abnormal exit reported in $f"
    done
    echo "PASS"
}

# wait_settled NAME: waits (bounded) until the domain runs on exactly
# one host with no leftovers.
wait_settled() {
    local i
    for i in $(seq 1 200); do
        (exactly_one "$1") >/dev/null 2>&1 && { exactly_one "$1"; return; }
        sleep 0.1
    done
    exactly_one "$1"
}
