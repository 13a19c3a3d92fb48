# scenario-bench.sh - what bench/lab-ops measures inside the lab's dom0:
# the time xltool (libxl backend) takes for create, list, pause+unpause,
# save, restore and destroy of a PV guest, beside the time xl takes for
# the same on the same guest, reported as ratios xltool/xl.
. /lab/lab-lib.sh

now() { cut -d' ' -f1 /proc/uptime; }
# timed VAR CMD...: runs CMD, adds its seconds to the sum named VAR.
timed() {
    local var=$1 t0 t1
    shift
    t0=$(now)
    "$@" >/dev/null 2>"$RUN/last.err" ||
        { echo "failed: $*: $(tail -n 1 "$RUN/last.err")"; return 1; }
    t1=$(now)
    eval "$var=\$(echo \"\${$var:-0} $t0 $t1\" | awk '{print \$1 + \$3 - \$2}')"
}

ROUNDS=3

# A failing save or restore is reported and the round goes on: the
# other operations are still measured.
one_round() {  # TOOL PREFIX
    local tool=$1 p=$2
    timed ${p}_create "$tool" create -q "$RUN/pv.cfg" || return 1
    wait_until 90 ticking $PV || return 1
    timed ${p}_list "$tool" list
    timed ${p}_pause "$tool" pause $PV
    timed ${p}_pause "$tool" unpause $PV
    if ! timed ${p}_save "$tool" save $PV "$RUN/b.save"; then
        eval "${p}_save_failed=1"
        cp "$RUN/last.err" "$RUN/save.err"
    elif ! timed ${p}_restore "$tool" restore "$RUN/b.save"; then
        eval "${p}_restore_failed=1"
        cp "$RUN/last.err" "$RUN/restore.err"
    fi
    rm -f "$RUN/b.save"
    exists $PV || { "$XL" create -q "$RUN/pv.cfg" && wait_until 90 ticking $PV; }
    timed ${p}_destroy "$tool" destroy $PV
    wait_until 30 gone $PV
    rm -f "$(conlog $PV)"
}

bench() {
    local i
    for i in $(seq 1 "$ROUNDS"); do
        one_round "$XL" xl || { exists $PV && "$XL" destroy $PV; return 1; }
        one_round "$XLTOOL" xt || { exists $PV && "$XL" destroy $PV; return 1; }
    done
}

( t_bridge ) >"$RUN/bridge.log" 2>&1 ||
    { cat "$RUN/bridge.log"; report bench/bridge FAIL "$(tail -n 1 "$RUN/bridge.log")"; }
write_configs
export XLTOOL_BACKEND=libxl
if bench >"$RUN/bench.log" 2>&1; then
    for op in create list pause save restore destroy; do
        eval "a=\$xt_$op b=\$xl_$op f=\${xt_${op}_failed:-}\${xl_${op}_failed:-}"
        if [ -n "$f" ]; then
            report "bench/$op" FAIL "$(tail -n 1 "$RUN/$op.err" 2>/dev/null)"
            continue
        fi
        report "bench/$op" PASS "$(echo "$a $b $ROUNDS" | awk '{
            printf "xltool %.2f s, xl %.2f s, ratio %.2f", $1 / $3, $2 / $3,
                   ($2 > 0 ? $1 / $2 : 0) }')"
    done
else
    cat "$RUN/bench.log"
    report bench FAIL "$(tail -n 1 "$RUN/bench.log")"
fi
