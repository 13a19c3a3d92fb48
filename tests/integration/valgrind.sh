#!/usr/bin/env bash
# valgrind.sh - the CLI stays clean under valgrind memcheck: no memory
# error, no definite or indirect leak, no descriptor left open, on a
# bounded subset (a few golden configs, one sim unit test with its forked
# supervisors traced, and the main commands on the simulated backend).
# `make check VALGRIND=1` runs every unit and golden test under valgrind
# as well; this script keeps a cheap part of that in plain `make check`.
# With VG_SCENARIO_ONLY=1 (set by that mode) only the CLI scenario runs.
if ! command -v valgrind >/dev/null 2>&1; then
    echo "SKIP: valgrind is not installed"
    exit 77
fi
if [ "${SAN:-0}" = 1 ]; then
    echo "SKIP: valgrind cannot run the ASan build (SAN=1)"
    exit 77
fi
REAL=${XLTOOL_VG_REAL:-$XLTOOL}
VGRUN=$TOP/tests/valgrind/vg-run
export XLTOOL_VG_LOGDIR=$PWD/vglogs
mkdir -p "$XLTOOL_VG_LOGDIR"
. "$TOP/tests/integration/lifecycle.lib"

# The scenario's tool: the real binary under valgrind.  The EXIT trap of
# lifecycle.lib destroys leftovers with it too.
cat >xltool-vg <<WRAP
#!/bin/sh
exec "$VGRUN" "$REAL" "\$@"
WRAP
chmod +x xltool-vg
XLTOOL=$PWD/xltool-vg

if [ "${VG_SCENARIO_ONLY:-0}" != 1 ]; then
    for c in ok-busybox-pv ok-hvm ok-disk-forms ok-vif-forms ok-pci \
             ok-xm-keys bad-syntax bad-pci-malformed bad-vif-field; do
        (cd "$TOP/tests/config" && "$XLTOOL" create -n "$c.cfg") \
            >/dev/null 2>&1
        st=$?
        [ $st -eq 99 ] && fail "golden $c under valgrind"
    done
    # The forked supervisor and guest processes of the simulated backend,
    # traced: sim_launch runs in the unit test's own process here.
    XLTOOL_VG_CHILDREN=yes "$VGRUN" "$TOP/$BUILD/tests/test_sim_state" \
        >sim_state.log 2>&1 || { cat sim_state.log; fail "test_sim_state"; }
fi

mkcfg v "disk = [ 'file:$IMG/disk.img,xvda,w' ]" \
    "vif = [ 'mac=00:16:3e:00:00:01' ]"
x create v.cfg >/dev/null 2>&1 || fail "create"
x list >/dev/null || fail "list"
x list -l v >/dev/null || fail "list -l"
x domid v >/dev/null || fail "domid"
x pause v || fail "pause"
x unpause v || fail "unpause"
x mem-set v 12 || fail "mem-set"
x block-list v >/dev/null || fail "block-list"
x network-list v >/dev/null || fail "network-list"
x vcpu-list v >/dev/null || fail "vcpu-list"
x mem-max v 32 || fail "mem-max"
x vcpu-set v 1 || fail "vcpu-set"
x vcpu-pin v all all || fail "vcpu-pin"
x block-attach v "file:$IMG/disk2.img,xvdb,w" || fail "block-attach"
x block-detach v xvdb || fail "block-detach"
x network-attach v mac=00:16:3e:00:00:02 || fail "network-attach"
x network-detach v 00:16:3e:00:00:02 || fail "network-detach"
x uptime v >/dev/null || fail "uptime"
x domname "$(x domid v)" >/dev/null || fail "domname"
x dmesg >/dev/null || fail "dmesg"
x sysrq v s >/dev/null 2>&1 || fail "sysrq"
x dump-core v v.core >/dev/null 2>&1 || fail "dump-core"
x reboot -w v >/dev/null 2>&1 || fail "reboot -w"
x rename v w || fail "rename"
x save w w.save >/dev/null 2>&1 || fail "save"
x restore w.save >/dev/null 2>&1 || fail "restore"
x save -c w w2.save >/dev/null 2>&1 || fail "save -c"
x restore w2.save >/dev/null 2>&1 && fail "restore under a taken name"
x destroy w || fail "destroy"
x restore -p w2.save >/dev/null 2>&1 || fail "restore -p"
x unpause w || fail "unpause after restore -p"
x shutdown -w w >/dev/null 2>&1 || fail "shutdown -w"
x list nosuch >/dev/null 2>&1 && fail "list of an unknown domain"
x create nosuch.cfg >/dev/null 2>&1 && fail "create without a config"
x bogus-command >/dev/null 2>&1 && fail "unknown command accepted"
x info >/dev/null || fail "info"

if [ -s "$XLTOOL_VG_LOGDIR/FAILED" ]; then
    echo "valgrind found problems in:"
    cat "$XLTOOL_VG_LOGDIR/FAILED"
    cat "$XLTOOL_VG_LOGDIR"/vg.* 2>/dev/null | head -200
    fail "valgrind"
fi
echo "valgrind: no errors, leaks or open descriptors"
