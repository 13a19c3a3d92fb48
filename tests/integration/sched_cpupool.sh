#!/usr/bin/env bash
# sched_cpupool.sh - cpupools and the credit schedulers on the simulated
# host: pools are created, listed, grown, shrunk, renamed and destroyed;
# domains move between them; weights, caps and pool parameters are set and
# read back in xl's formats; every refusal is one line and changes
# nothing; -N (dry run) changes nothing either.
. "$TOP/tests/integration/lifecycle.lib"

ncpus=$(nproc)
[ "$ncpus" -ge 2 ] || { echo "needs 2 cpus"; exit 77; }
last=$((ncpus - 1))

# unchanged CMD...: CMD fails with one line on stderr and the pools and
# the domains' parameters are as they were.
snapshot() {
    x cpupool-list -c; x cpupool-list; x sched-credit; x sched-credit2
    x sched-rtds -v all
}
unchanged() {
    local before after
    before=$(snapshot 2>&1)
    "$@" >out 2>err && fail "accepted: $*"
    [ "$(wc -l <err)" -eq 1 ] || fail "$*: not one line: $(cat err)"
    after=$(snapshot 2>&1)
    [ "$before" = "$after" ] || fail "$* changed state: $before // $after"
}

# The booted host: Pool-0 has every cpu under credit2 and Domain-0.
printf -v hdr '%-19s%s' Name 'CPUs   Sched     Active   Domain count'
[ "$(x cpupool-list | head -1)" = "$hdr" ] || fail "header: $(x cpupool-list)"
printf -v row '%-19s%3d %9s       y       %4d' Pool-0 "$ncpus" credit2 1
[ "$(x cpupool-list | sed -n 2p)" = "$row" ] || fail "Pool-0: $(x cpupool-list)"
[ "$(x cpupool-list -c Pool-0 | sed -n 2p)" = \
  "$(printf '%-19s%s' Pool-0 "$(seq -s, 0 $last)")" ] || fail "cpu list"
printf -v dom0 '%-33s %4d %6d %4d' Domain-0 0 256 0
[ "$(x sched-credit2)" = "Cpupool Pool-0: ratelimit=1000us
$(printf '%-33s %4s %6s %4s' Name ID Weight Cap)
$dom0" ] || fail "sched-credit2: $(x sched-credit2)"
[ -z "$(x sched-credit)" ] || fail "credit listed without a credit pool"
x sched-credit2 -d Domain-0 -w 512 || fail "Domain-0 weight"
grep -qxF "$(printf '%-33s %4d %6d %4d' Domain-0 0 512 0)" <(x sched-credit2) ||
    fail "Domain-0 weight not kept: $(x sched-credit2)"
unchanged x sched-credit2 -d Domain-0 -c 100000
x sched-credit2 -d 0 -w 256 || fail "Domain-0 weight back"

# A credit pool from a config file, with the last cpu taken from Pool-0.
unchanged x cpupool-create name=\"p1\" sched=\"credit\" cpus=\"$last\"
grep -q "cpu $last illegal or not free" err || fail "busy cpu: $(cat err)"
x cpupool-cpu-remove Pool-0 "$last" || fail "cpu-remove"
[ "$(x info free_cpus)" = 1 ] || fail "info free_cpus: $(x info free_cpus)"
cat >p1.cfg <<CFG
name = "p1"
sched = "credit"
cpus = ["$last"]
CFG
x -N cpupool-create p1.cfg >out || fail "cpupool-create -N"
[ "$(x cpupool-list | wc -l)" -eq 2 ] || fail "-N created a pool"
x cpupool-create p1.cfg >out || fail "cpupool-create"
[ "$(cat out)" = 'Using config file "p1.cfg"
cpupool name:   p1
scheduler:      credit
number of cpus: 1' ] || fail "create output: $(cat out)"
printf -v row '%-19s%3d %9s       y       %4d' p1 1 credit 0
grep -qxF "$row" <(x cpupool-list) || fail "p1 row: $(x cpupool-list)"
unchanged x cpupool-create p1.cfg
grep -qF 'Pool name "p1" already exists' err || fail "dup: $(cat err)"
unchanged x cpupool-create name=\"p2\" sched=\"bogus\"
unchanged x cpupool-cpu-add p1 0
unchanged x cpupool-cpu-remove p1 0
unchanged x cpupool-cpu-add nosuch "$last"
grep -qx "unknown cpupool 'nosuch'" err || fail "unknown pool: $(cat err)"
unchanged x cpupool-list nosuch

# A domain moves into it; its weight and cap are the credit scheduler's.
mkcfg d1 "vcpus = 2"
x create d1.cfg >/dev/null 2>&1 || fail "create d1"
id=$(x domid d1)
unchanged x cpupool-migrate d1 nosuch
unchanged x cpupool-migrate Domain-0 p1
x cpupool-migrate d1 p1 || fail "cpupool-migrate"
[ "$(x list -l d1 | grep -c '"pool_name"')" -le 1 ] || fail "list -l"
printf -v row '%-19s%3d %9s       y       %4d' p1 1 credit 1
grep -qxF "$row" <(x cpupool-list) || fail "p1 count: $(x cpupool-list)"
x sched-credit -d d1 -w 512 -c 150 || fail "set weight/cap"
printf -v row '%-33s %4d %6d %4d' d1 "$id" 512 150
[ "$(x sched-credit -d d1 | tail -1)" = "$row" ] || fail "$(x sched-credit -d d1)"
[ "$(x sched-credit -p p1)" = "Cpupool p1: tslice=30ms ratelimit=1000us migration-delay=0us
$(printf '%-33s %4s %6s %4s' Name ID Weight Cap)
$row" ] || fail "sched-credit -p p1: $(x sched-credit -p p1)"
x -N sched-credit -d d1 -w 7 || fail "-N weight"
[ "$(x sched-credit -d d1 | tail -1)" = "$row" ] || fail "-N changed weight"
unchanged x sched-credit -d d1 -w 0
unchanged x sched-credit -d d1 -w 65536
unchanged x sched-credit -d d1 -c 201
unchanged x sched-credit2 -d d1 -w 100
unchanged x sched-credit -d d1 -s
unchanged x sched-credit -w 100
x sched-credit -d d1 -w abc 2>err; [ $? -eq 2 ] || fail "bad number: $(cat err)"

# The pool's parameters, within Xen's ranges.
x sched-credit -s -p p1 -t 10 -r 500 -m 200 || fail "set pool params"
[ "$(x sched-credit -s -p p1)" = \
  "Cpupool p1: tslice=10ms ratelimit=500us migration-delay=200us" ] ||
    fail "pool params: $(x sched-credit -s -p p1)"
unchanged x sched-credit -s -p p1 -r 50000
unchanged x sched-credit -s -p p1 -t 0
unchanged x sched-credit -s -p p1 -m 100001
unchanged x sched-credit -s -t 10
unchanged x sched-credit2 -s -r 99
x sched-credit2 -s -r 2000 || fail "credit2 ratelimit"
[ "$(x sched-credit2 -s)" = "Cpupool Pool-0: ratelimit=2000us" ] ||
    fail "credit2 params: $(x sched-credit2 -s)"

# A pool with a domain keeps its last cpu and cannot be destroyed.
unchanged x cpupool-cpu-remove p1 "$last"
unchanged x cpupool-destroy p1
grep -q "Can't destroy cpupool 'p1'" err || fail "destroy busy: $(cat err)"
unchanged x cpupool-destroy Pool-0
unchanged x cpupool-rename p1 Pool-0
x cpupool-rename p1 fast || fail "rename"
x cpupool-list fast >/dev/null || fail "renamed pool"

# Back to Pool-0 the domain gets credit2's defaults.
x cpupool-migrate d1 Pool-0 || fail "migrate back"
printf -v row '%-33s %4d %6d %4d' d1 "$id" 256 0
[ "$(x sched-credit2 -d d1 | tail -1)" = "$row" ] || fail "$(x sched-credit2 -d d1)"
x sched-credit2 -d d1 -w 300 -c 50 || fail "credit2 weight"
printf -v row '%-33s %4d %6d %4d' d1 "$id" 300 50
grep -qxF "$row" <(x sched-credit2) || fail "credit2 list: $(x sched-credit2)"
x -N cpupool-destroy fast || fail "-N destroy"
x cpupool-list fast >/dev/null || fail "-N destroyed"
x cpupool-destroy fast || fail "destroy"
unchanged x cpupool-list fast
x cpupool-cpu-add Pool-0 "$last" || fail "cpu-add"
[ "$(x cpupool-list -c Pool-0 | sed -n 2p)" = \
  "$(printf '%-19s%s' Pool-0 "$(seq -s, 0 $last)")" ] || fail "cpus back"
# sched-rtds: an RTDS pool, its domain's defaults, per-vcpu settings.
x cpupool-cpu-remove Pool-0 "$last" || fail "cpu for rtds"
x cpupool-create name=\"rt\" sched=\"rtds\" cpus=\"$last\" >/dev/null ||
    fail "rtds pool"
x cpupool-migrate d1 rt || fail "d1 to rt"
printf -v rthdr '%-33s %4s %9s %9s %10s' Name ID Period Budget Extratime
printf -v rtrow '%-33s %4d %9d %9d %10s' d1 "$id" 10000 4000 yes
[ "$(x sched-rtds)" = "Cpupool rt: sched=RTDS
$rthdr
$rtrow" ] || fail "sched-rtds: $(x sched-rtds)"
x sched-rtds -d d1 -v 1 -p 20000 -b 5000 -e 0 || fail "set vcpu 1"
printf -v v0 '%-33s %4d %4d %9u %9u %10s' d1 "$id" 0 10000 4000 yes
printf -v v1 '%-33s %4d %4d %9u %9u %10s' d1 "$id" 1 20000 5000 no
[ "$(x sched-rtds -d d1 -v all | tail -2)" = "$v0
$v1" ] || fail "vcpus: $(x sched-rtds -d d1 -v all)"
unchanged x sched-rtds -d d1 -v all -p 100 -b 200 -e 1
unchanged x sched-rtds -d d1 -v 0 -p 5 -b 5 -e 1
unchanged x sched-rtds -d d1 -v 7 -p 100 -b 50 -e 1
unchanged x sched-rtds -d d1 -p 100 -b 50 -e 1
unchanged x sched-rtds -d d1 -v 0 -p 100
unchanged x sched-rtds -c rt -d d1
x sched-rtds -d d1 -v all -p 30000 -b 10000 -e 1 || fail "set all"
[ "$(x sched-rtds -d d1 | tail -1)" = \
  "$(printf '%-33s %4d %9d %9d %10s' d1 "$id" 30000 10000 yes)" ] ||
    fail "after -v all: $(x sched-rtds -d d1)"
x cpupool-migrate d1 Pool-0 || fail "d1 back"
unchanged x sched-rtds -d d1
x cpupool-destroy rt || fail "destroy rt"
x cpupool-cpu-add Pool-0 "$last" || fail "cpu back"

# node:N and nodes: the cpus of the simulated host's one node.
x cpupool-cpu-remove Pool-0 "$last" || fail "free a cpu"
unchanged x cpupool-cpu-add Pool-0 node:1
x cpupool-create name=\"np\" 'nodes=["0"]' >out || fail "nodes"
grep -qx 'number of cpus: 1' out || fail "nodes: $(cat out)"
unchanged x cpupool-create name=\"np2\" 'nodes=["0"]'
x cpupool-cpu-remove np node:0 || fail "node:0 remove"
x cpupool-destroy np || fail "destroy np"
x cpupool-cpu-add Pool-0 node:0 || fail "node:0 add"
[ "$(x cpupool-list -c Pool-0 | sed -n 2p)" = \
  "$(printf '%-19s%s' Pool-0 "$(seq -s, 0 $last)")" ] || fail "node:0 back"

# cpupool-numa-split: refused beside another pool; the simulated host is
# one node, so Pool-0 becomes Pool-node0 with every cpu.
x cpupool-create name=\"other\" cpus=\"\" >/dev/null || fail "empty pool"
unchanged x cpupool-numa-split
x cpupool-destroy other || fail "destroy other"
x cpupool-numa-split || fail "cpupool-numa-split"
[ "$(x cpupool-list -c | sed -n 2p)" = \
  "$(printf '%-19s%s' Pool-node0 "$(seq -s, 0 $last)")" ] ||
    fail "numa-split: $(x cpupool-list -c)"
x cpupool-rename Pool-node0 Pool-0 || fail "rename back"
# -N refuses a command that cannot dry-run, as xl does.
x -N pause d1 2>err && fail "-N pause ran"
grep -q 'does not implement -N' err || fail "-N refusal: $(cat err)"
[ "$(state d1)" != "--p---" ] || fail "-N paused"
x destroy d1
exit 0
