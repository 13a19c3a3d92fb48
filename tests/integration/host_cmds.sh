#!/usr/bin/env bash
# host_cmds.sh - help grouped by family, list's xl columns (-c -n -Z),
# claims, vm-list, info's scheduler and free cpus, vcpu-list of
# Domain-0, and xl's global options, on the simulated host.
. "$TOP/tests/integration/lifecycle.lib"

# help: every command once, under its family's heading.
x help >help.out || fail "help"
for h in Domains: "Memory and vcpus:" "Scheduling and cpupools:" Devices: \
         Events: Host: Help:; do
    grep -qx "$h" help.out || fail "no heading '$h'"
done
cmds=$(sed -n 's/^ \([a-z][a-z0-9-]*\( [a-z]*\)\?\)  .*/\1/p' help.out)
[ -z "$(sort <<<"$cmds" | uniq -d)" ] || fail "listed twice: $(sort <<<"$cmds" | uniq -d)"
awk '/^Scheduling and cpupools:/ { f = 1; next } /^$/ { f = 0 } f' help.out |
    grep -q '^ cpupool-migrate ' || fail "cpupool-migrate not under its family"
for c in claims vm-list sched-credit cpupool-list; do
    grep -q "^ $c " help.out || fail "help does not list $c"
done

n=$(nproc)
mkcfg h1
x create h1.cfg >/dev/null 2>&1 || fail "create"
id=$(x domid h1)
uuid=$(x list -v h1 | awk 'NR == 2 { print $7 }')

# list -c -n -Z: xl's headers and columns, in xl's order.
hdr='Name                                        ID   Mem VCPUs	State	Time(s)'
[ "$(x list -Z -c -n | head -1)" = "$hdr   Security Label         Cpupool NODE Affinity" ] ||
    fail "list -Z -c -n header: $(x list -Z -c -n | head -1)"
row=$(x list -Z -c -n h1 | sed -n 2p)
[[ $row =~ \ {16}-\ {10}Pool-0\ all$ ]] || fail "list -Z -c -n row: '$row'"
[ "$(x list -v -c | head -1)" = "$hdr   UUID                            Reason-Code	Security Label         Cpupool" ] ||
    fail "list -v -c header"
"$XM" list -c >/dev/null 2>&1 && fail "xm took xl's list -c"

# claims: list's table with the claimed MiB; the notice without
# claim_mode.
x claims >claims.out 2>err || fail "claims"
[ "$(head -1 claims.out)" = "$hdr  Claimed" ] || fail "claims header"
grep -Eq "^h1 +$id +16 +1 .* +0$" claims.out || fail "claims row: $(cat claims.out)"
grep -qx 'claim_mode not enabled (see man xl.conf).' err || fail "no notice"
echo 'claim_mode = 1' >xl.conf
XLTOOL_XL_CONF=$PWD/xl.conf x claims >/dev/null 2>err || fail "claims (mode)"
[ ! -s err ] || fail "notice with claim_mode=1: $(cat err)"

# vm-list: every domain by UUID, Domain-0 too, as xl 4.17 prints it.
x vm-list >vm.out || fail "vm-list"
[ "$(head -1 vm.out)" = 'UUID                                  ID    name' ] ||
    fail "vm-list header"
grep -qxF "$(printf '%s  %u    %-30s' "$uuid" "$id" h1)" vm.out ||
    fail "vm-list row of h1: $(cat vm.out)"
grep -Eq '^[0-9a-f-]{36}  0    Domain-0 {22}$' vm.out ||
    fail "vm-list has no Domain-0 row: $(cat vm.out)"
[ "$(wc -l <vm.out)" -eq 3 ] || fail "vm-list: $(cat vm.out)"

# info: the boot scheduler and the cpus in no pool.
[ "$(x info xen_scheduler)" = credit2 ] || fail "xen_scheduler"
[ "$(x info free_cpus)" = 0 ] || fail "free_cpus: $(x info free_cpus)"

# info -n: xl's topology sections between free_cpus and xen_major, one
# cpu line per host cpu, one device line per PCI device.
x info -n >numa.out || fail "info -n"
sed -n '/^free_cpus /,/^xen_major /p' numa.out |
    sed -E 's/^([a-z_ ]*[a-z_]) +:( .*)?$/\1/' |
    grep -v '^ *[0-9]\|^0000' | tr '\n' '|' >sections
[ "$(cat sections)" = "free_cpus|cpu_topology|cpu:    core    socket     node|device topology|device           node|numa_info|node:    memsize    memfree    distances|xen_major|" ] ||
    fail "info -n sections: $(cat sections)"
[ "$(grep -Ec '^ +[0-9]+:    +[0-9]+ +[0-9]+ +0$' numa.out)" -eq "$n" ] ||
    fail "cpu_topology lines: $(cat numa.out)"
npci=$(ls /sys/bus/pci/devices 2>/dev/null | wc -l)
[ "$(grep -Ec '^[0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]      0$' numa.out)" -eq "$npci" ] ||
    fail "device lines"
grep -Eq '^   0: +[0-9]+ +[0-9]+      10$' numa.out || fail "numa_info line"
[ "$(x info -n free_cpus | wc -l)" -gt 10 ] || fail "info -n took the key"

# vcpu-list: Domain-0 has one vcpu per host cpu, each on its own cpu
# (the total line of /proc/stat is not a cpu).
x vcpu-list Domain-0 | awk 'NR > 1 { print $3, $4 }' >vcpus
[ "$(wc -l <vcpus)" -eq "$n" ] || fail "Domain-0 vcpus: $(cat vcpus)"
[ "$(awk '$1 != $2 || $2 >= n' n="$n" vcpus)" = "" ] ||
    fail "Domain-0 vcpus on wrong cpus: $(cat vcpus)"

# debug-keys: what each key dumps is in dmesg; unknown keys are ignored.
x dmesg -c >/dev/null
x debug-keys qz || fail "debug-keys"
x dmesg >dmesg.out
grep -q "'q' pressed -> dumping domain info" dmesg.out || fail "no q dump"
grep -q "name=h1 " dmesg.out || fail "q dump lacks h1: $(cat dmesg.out)"
grep -q "'z'" dmesg.out && fail "z has no handler"
# set-parameters: each word logged, or none when one is malformed.
x set-parameters "loglvl=all no-tsc_warn" || fail "set-parameters"
grep -q 'parameter loglvl=all set' <(x dmesg) || fail "parameter not logged"
x dmesg -c >/dev/null
x set-parameters "guest_loglvl=all =bad" 2>err && fail "bad parameter taken"
[ "$(wc -l <err)" -eq 1 ] || fail "set-parameters error: $(cat err)"
[ -z "$(x dmesg)" ] || fail "a refused set-parameters logged: $(x dmesg)"

# Global options: -N before a command that can dry-run changes nothing,
# one that cannot is refused; -v -f -t -T are accepted; as xm they are
# not options.
mkcfg h2
x -N create h2.cfg >json 2>/dev/null || fail "-N create"
grep -q '"name": "h2"' json || fail "-N create printed no config"
x list h2 >/dev/null 2>&1 && fail "-N create created h2"
x -N destroy h1 2>err && fail "-N destroy ran"
grep -qx 'command does not implement -N (dryrun) option' err ||
    fail "-N refusal: $(cat err)"
x list h1 >/dev/null || fail "-N destroy destroyed h1"
x -v -f -t -T list h1 >/dev/null || fail "-vftT"
x -vN list >/dev/null || fail "-vN list (reads only)"
x -q list >/dev/null 2>&1; [ $? -eq 2 ] || fail "-q accepted"
"$XM" -N list >/dev/null 2>&1 && fail "xm took -N"
x destroy h1
exit 0
