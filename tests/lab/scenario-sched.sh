# scenario-sched.sh - the listing commands and top against xl and
# xentop, and the credit schedulers and cpupools on the real hypervisor:
# xltool's output is compared with xl's (and xentop's) on the same host,
# a change made by one is read back by the other, and a refused change
# leaves xl's view as it was.  Sourced by scenario-one.sh while the PV
# guest runs; the host has two cpus and boots Xen 4.17 with credit2.

# same CMD...: xl and xltool print the same for CMD on standard output
# and exit alike.  Standard error is shown, not compared: xl passes on
# libxl's own log lines there ("libxl: error: ... pciback driver not
# loaded" for pci-assignable-list on this host), which xltool words its
# own way or, where xl's command succeeds all the same, keeps to itself.
same() {
    local xs ts
    "$XL" "$@" >"$RUN/xl.out" 2>"$RUN/xl.err"; xs=$?
    "$XLTOOL" "$@" >"$RUN/xt.out" 2>"$RUN/xt.err"; ts=$?
    cat "$RUN/xt.out" "$RUN/xl.err" "$RUN/xt.err"
    diff -u "$RUN/xl.out" "$RUN/xt.out" || fail "xltool $* differs from xl"
    [ $xs = $ts ] || fail "xltool $* exits $ts, xl $xs"
}

# refused CMD...: xltool fails and xl's pools and parameters are as they
# were.
xl_view() {
    "$XL" cpupool-list -c; "$XL" cpupool-list
    "$XL" sched-credit; "$XL" sched-credit2
}
refused() {
    xl_view >"$RUN/before" 2>&1
    ! "$XLTOOL" "$@" 2>"$RUN/err" || fail "xltool $* was accepted"
    cat "$RUN/err"
    xl_view >"$RUN/after" 2>&1
    diff -u "$RUN/before" "$RUN/after" || fail "xltool $* changed the host"
}

t_sched_credit2() {
    need_cmd sched-credit2
    same sched-credit2
    same sched-credit2 -d $PV
    same sched-credit2 -s
    "$XLTOOL" sched-credit2 -d $PV -w 512 || fail "set weight"
    "$XL" sched-credit2 -d $PV | grep -q " 512 " || fail "xl does not see 512"
    "$XL" sched-credit2 -d $PV -w 256
    same sched-credit2 -d $PV
    "$XLTOOL" sched-credit2 -s -r 2000 || fail "set ratelimit"
    "$XL" sched-credit2 -s | grep -q "ratelimit=2000us" ||
        fail "xl does not see the rate limit"
    "$XL" sched-credit2 -s -r 1000
    same sched-credit2 -s
    refused sched-credit2 -d $PV -w 0
    refused sched-credit2 -d $PV -w 65536
    refused sched-credit2 -s -r 50
    refused sched-credit -d $PV -w 100
}

t_cpupools() {
    need_cmd cpupool-list
    same cpupool-list
    same cpupool-list -c
    printf 'name = "lab-credit"\nsched = "credit"\ncpus = ["1"]\n' \
        >"$RUN/pool.cfg"
    refused cpupool-create "$RUN/pool.cfg"
    "$XLTOOL" cpupool-cpu-remove Pool-0 1 || fail "cpu-remove"
    same cpupool-list -c
    same cpupool-create -n "$RUN/pool.cfg"
    "$XLTOOL" cpupool-create "$RUN/pool.cfg" || fail "cpupool-create"
    same cpupool-list
    same cpupool-list -c lab-credit
    refused cpupool-create "$RUN/pool.cfg"
    refused cpupool-cpu-add lab-credit 0
    refused cpupool-migrate $PV no-such-pool
    "$XLTOOL" cpupool-migrate $PV lab-credit || fail "cpupool-migrate"
    same cpupool-list
    same sched-credit
    "$XLTOOL" sched-credit -d $PV -w 300 -c 50 || fail "weight and cap"
    same sched-credit -d $PV
    same sched-credit -p lab-credit
    "$XLTOOL" sched-credit -s -p lab-credit -t 10 -r 500 || fail "tslice"
    same sched-credit -s -p lab-credit
    refused sched-credit -d $PV -w 0
    refused sched-credit -s -p lab-credit -r 50000
    refused cpupool-destroy lab-credit
    refused cpupool-cpu-remove lab-credit 1
    "$XLTOOL" cpupool-rename lab-credit lab-c || fail "rename"
    same cpupool-list
    "$XLTOOL" cpupool-migrate $PV Pool-0 || fail "migrate back"
    "$XLTOOL" cpupool-destroy lab-c || fail "destroy"
    "$XLTOOL" cpupool-cpu-add Pool-0 1 || fail "cpu-add"
    same cpupool-list
    "$XL" cpupool-list -c Pool-0 | grep -q ' 0,1$' || fail "cpus not back"
}

# Undoes what a failed t_cpupools left, so that later tests see the host
# as it booted.
sched_cleanup() {
    "$XL" cpupool-migrate $PV Pool-0 >/dev/null 2>&1
    "$XL" cpupool-destroy lab-credit >/dev/null 2>&1
    "$XL" cpupool-destroy lab-c >/dev/null 2>&1
    "$XL" cpupool-cpu-add Pool-0 1 >/dev/null 2>&1
    true
}

# top -b: xentop's header byte for byte, and per domain the columns that
# do not move between two samples (name, memory, vcpus, nets, vbds).
t_top() {
    local xt=/usr/lib/xen-4.17/bin/xentop
    need_cmd top
    [ -x "$xt" ] || xt=$(command -v xentop) ||
        { echo "SKIP: no xentop on the lab's dom0"; exit 77; }
    "$xt" -b -i 1 >"$RUN/xentop.out" 2>&1 || fail "xentop -b"
    "$XLTOOL" top -b -i 1 >"$RUN/xttop.out" || fail "xltool top -b"
    cat "$RUN/xttop.out"
    [ "$(head -n 1 "$RUN/xentop.out")" = "$(head -n 1 "$RUN/xttop.out")" ] ||
        fail "header differs: $(head -n 1 "$RUN/xentop.out")"
    awk 'NR > 1 { print $1, $5, $7, $9, $10, $13 }' "$RUN/xentop.out" |
        sort >"$RUN/xentop.cols"
    awk 'NR > 1 { print $1, $5, $7, $9, $10, $13 }' "$RUN/xttop.out" |
        sort >"$RUN/xttop.cols"
    diff -u "$RUN/xentop.cols" "$RUN/xttop.cols" || fail "columns differ"
}

# cd-insert on a PV guest: xl refuses it, and so does xltool, leaving the
# guest's disks as they were.
t_cd_insert_pv() {
    need_cmd cd-insert
    "$XL" block-list $PV >"$RUN/before"
    ! "$XL" cd-insert $PV xvdc /lab/vmlinuz 2>"$RUN/xl.err" ||
        fail "xl accepted cd-insert on a PV guest"
    ! "$XLTOOL" cd-insert $PV xvdc /lab/vmlinuz 2>"$RUN/err" ||
        fail "xltool accepted cd-insert on a PV guest"
    cat "$RUN/xl.err" "$RUN/err"
    [ "$(wc -l <"$RUN/err")" -eq 1 ] || fail "not one line"
    "$XL" block-list $PV | diff -u "$RUN/before" - || fail "disks changed"
}

# The listing commands that print the same as xl on this host, whole or
# by the columns that do not move between two runs.
info_numa() { "$1" info -n | sed -n '/^cpu_topology/,/^xen_major/p'; }
vcpu_cols() { "$1" vcpu-list $PV | awk '{ print $1, $2, $3, $(NF-2), $(NF-1), $NF }'; }
t_lists() {
    need_cmd vm-list
    same vm-list
    same pci-assignable-list
    same pci-list $PV
    same vtpm-list $PV
    same channel-list $PV
    same usb-list $PV
    info_numa "$XL" >"$RUN/xl.numa"
    info_numa "$XLTOOL" >"$RUN/xt.numa"
    diff -u "$RUN/xl.numa" "$RUN/xt.numa" || fail "info -n differs"
    "$XL" list -c | awk '{ print $1, $2, $NF }' >"$RUN/xl.c"
    "$XLTOOL" list -c | awk '{ print $1, $2, $NF }' >"$RUN/xt.c"
    diff -u "$RUN/xl.c" "$RUN/xt.c" || fail "list -c differs"
    "$XLTOOL" vcpu-pin $PV 0 - 1 || fail "vcpu-pin soft"
    vcpu_cols "$XL" >"$RUN/xl.v"
    vcpu_cols "$XLTOOL" >"$RUN/xt.v"
    cat "$RUN/xt.v"
    diff -u "$RUN/xl.v" "$RUN/xt.v" || fail "vcpu-list differs"
    grep -q ' all / 1$' "$RUN/xl.v" || fail "xl does not see the soft affinity"
    "$XL" vcpu-pin $PV 0 - all
}

run_test lists-vs-xl t_lists
run_test top-vs-xentop t_top
run_test cd-insert-pv-refused t_cd_insert_pv
run_test sched-credit2-vs-xl t_sched_credit2
# Off unless LAB_CPUPOOLS=1: in one lab run of two the host hung during
# this test (the one-host part hit its 900 s limit; the other run passed
# it), and that has not been traced yet.
if [ "${LAB_CPUPOOLS:-0}" = 1 ]; then
    run_test cpupools-vs-xl t_cpupools
    sched_cleanup
fi
