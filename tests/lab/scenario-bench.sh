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

# list with many domains: paused guests that never boot, created by xl
# so that only list is measured; the medians of 7 runs of each tool.
SCALE_COUNTS="10 50 100"
scale() {
    local n have=0 r t0 t1 tool kernel=/lab/vmlinuz
    # run-lab leaves the kernel unpacked in the share: much faster to load.
    cp /mnt/vmlinux "$RUN/vmlinux" 2>/dev/null && kernel=$RUN/vmlinux
    sed -e '/^disk/d' -e '/^vif/d' -e 's/^memory = .*/memory = 80/' \
        -e "s|^kernel = .*|kernel = \"$kernel\"|" \
        -e 's/^name = .*/name = "tiny"/' "$RUN/pv.cfg" >"$RUN/tiny.cfg"
    for n in $SCALE_COUNTS; do
        while [ $have -lt "$n" ]; do
            "$XL" create -p -q "$RUN/tiny.cfg" "name=\"t$have\"" \
                >/dev/null 2>"$RUN/last.err" ||
                { cat "$RUN/last.err"; echo "guest $have of $n does not fit"
                  return 1; }
            have=$((have + 1))
            [ $((have % 10)) -eq 0 ] && echo "LAB-PROGRESS $have guests" >/dev/console
        done
        [ "$("$XLTOOL" list | grep -c '^t[0-9]')" -eq "$n" ] ||
            { echo "xltool list does not show $n domains"; return 1; }
        # Interleaved, so that a change of load touches both alike.
        for r in 1 2 3 4 5 6 7; do
            for tool in "$XLTOOL" "$XL"; do
                t0=$(now); "$tool" list >/dev/null; t1=$(now)
                echo "$tool $t0 $t1"
            done
        done >"$RUN/times"
        for tool in "$XLTOOL" "$XL"; do
            awk -v t="$tool" '$1 == t {print $3 - $2}' "$RUN/times" |
                sort -n | sed -n 4p
        done | paste -sd' ' | awk -v n="$n" '{
            printf "%d domains: xltool %.3f s, xl %.3f s, ratio %.2f\n",
                   n, $1, $2, ($2 > 0 ? $1 / $2 : 0) }'
    done
}
scale_cleanup() {
    local d
    for d in $("$XL" list | awk '$1 ~ /^t[0-9]+$/ {print $1}'); do
        "$XL" destroy "$d"
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
if scale >"$RUN/scale.log" 2>&1; then
    while read -r line; do
        report "bench/list-${line%% *}" PASS "$line"
    done <"$RUN/scale.log"
else
    cat "$RUN/scale.log"
    report bench/list-scale FAIL "$(tail -n 1 "$RUN/scale.log")"
fi
scale_cleanup
