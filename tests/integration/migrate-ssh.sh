#!/usr/bin/env bash
# migrate -s SSHCMD: xl's protocol through a real ssh, as xl migrates
# ("SSHCMD HOST xltool migrate-receive"), to an sshd of the test's own
# in B's namespace.  First what goes wrong on the way: a key the far side
# does not accept, the name taken at the destination, and the receiving
# process killed while the memory is on its way; each time the domain
# keeps running on A, the error says what failed, and B keeps nothing of
# it.  Then a live migration with the guest's counter going on, and one
# from B to itself, as xl allows.
. "$(dirname "$0")/migrate-lib.bash"
. "$(dirname "$0")/sshd.bash"

sshd_usable || skip "openssh-server or openssh-client is not installed"
two_hosts psk
trap 'sshd_stop; cleanup' EXIT

# The session on B finds the xltool under test as "xltool", working on
# B's state, as the one installed on a real host would.
mkdir -p "$T/B/bin"
ln -s "$XLTOOL" "$T/B/bin/xltool"
env="PATH=$T/B/bin:/usr/sbin:/usr/bin:/sbin:/bin XLTOOL_BACKEND=sim"
env="$env XLTOOL_SIM_DIR=$T/B/sim XLTOOL_CONF=$T/B/xltool.conf"
sshd_start "$T/B/ssh" $IPB 22 "$env" ip netns exec "$NSB" ||
    fail "sshd did not start in B's namespace"

# nothing_on_b: B has no domain at all (no copy, no leftover).
nothing_on_b() {
    [ -z "$(ls "$T/B/sim/dom" 2>/dev/null)" ] ||
        fail "B kept something: $(xb list 2>&1 | tr '\n' ' ')"
}

make_domain A busybox 128
guest A busybox "dirty 16M/s" >/dev/null
c0=$(field A busybox counter)
[ -n "$c0" ] || fail "no counter from the guest"

log "a client key that B does not accept"
ssh-keygen -q -t ed25519 -N '' -f "$T/A/stranger" || fail "ssh-keygen"
stranger=${SSH_CMD/"$T/B/ssh/client_key"/"$T/A/stranger"}
[ "$stranger" != "$SSH_CMD" ] || fail "could not swap the key"
xa migrate -l -s "$stranger" busybox $IPB >"$T/out.key" 2>&1 &&
    fail "migration with an unauthorized key passed"
cat "$T/out.key"
grep -qi "permission denied" "$T/out.key" ||
    fail "ssh's reason is not shown: $(cat "$T/out.key")"
grep -q "migrate busybox:.*failed with exit code 255" "$T/out.key" ||
    fail "the error does not say how ssh ended: $(cat "$T/out.key")"
[ "$(exactly_one busybox)" = A ] || fail "busybox moved"
nothing_on_b

log "the name is taken on B"
make_domain B busybox 32
idb=$(xb domid busybox)
xa migrate -l -s "$SSH_CMD" busybox $IPB >"$T/out.taken" 2>&1 &&
    fail "migration onto a taken name passed"
cat "$T/out.taken"
grep -q "busybox" "$T/out.taken" || fail "unclear: $(cat "$T/out.taken")"
running A busybox || fail "busybox does not run on A"
[ "$(xb domid busybox)" = "$idb" ] || fail "B's own busybox was replaced"
present B "busybox--incoming" && fail "busybox--incoming left on B"
present A "busybox--migratedaway" && fail "busybox--migratedaway left on A"
xb destroy busybox
nothing_on_b

log "the receiving process killed during the transfer"
# migrate-receive runs the transfer in a child and watches it; the child
# is killed once B holds the half-received copy.
make_domain A big 512
guest A big "dirty 64M/s" >/dev/null
xa migrate -l -s "$SSH_CMD" big $IPB >"$T/out.kill" 2>&1 &
mig=$!
for i in $(seq 1 300); do
    present B "big--incoming" && break
    sleep 0.02
done
present B "big--incoming" || fail "B never held big--incoming"
# The transfer process: an "xltool migrate-receive" in B's namespace
# whose parent is one too (the guests it starts keep that command line,
# under other names); another run's on this machine is not B's.
inb=" $(ip netns pids "$NSB" | tr '\n' ' ') "
pid=$(ps -eo pid=,ppid=,comm=,args= | awk -v inb="$inb" '
    $3 == "xltool" && $4 == "xltool" && $5 == "migrate-receive" &&
    index(inb, " " $1 " ") { p[$1] = $2 }
    END { for (k in p) if (p[k] in p) print k }')
[ -n "$pid" ] || fail "no transfer process under migrate-receive on B"
kill -9 "$pid"
wait $mig && fail "the migration passed with its receiver killed"
cat "$T/out.kill"
grep -q "migrate big:" "$T/out.kill" || fail "unclear: $(cat "$T/out.kill")"
grep -q "transfer of big .* died; cleaning up" "$T/out.kill" ||
    fail "the watching process did not clean up: $(cat "$T/out.kill")"
[ "$(wait_settled big)" = A ] || fail "big is not on A"
nothing_on_b
xa destroy big

log "live, through ssh"
xa migrate -l -s "$SSH_CMD" busybox $IPB >"$T/out.live" 2>&1 ||
    fail "migration: $(cat "$T/out.live")"
arrived busybox B "$T/out.live" "$c0"

log "B to itself, through ssh (the receiver sees SSH_CONNECTION)"
id0=$(xb domid busybox)
c1=$(field B busybox counter)
xb migrate -l -s "$SSH_CMD" busybox $IPB >"$T/out.self" 2>&1 ||
    fail "migration to itself: $(cat "$T/out.self")"
arrived busybox B "$T/out.self" "$c1"
[ "$(xb domid busybox)" != "$id0" ] || fail "busybox did not move"
xb destroy busybox
pass
