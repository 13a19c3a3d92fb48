# scenario-one.sh - the one-host lab: xltool drives PV and PVH guests on
# a real Xen 4.17 through libxl; xl is the reference it is compared with.
. /lab/lab-lib.sh

# xltool create -n and xl create -n print the same JSON for every config
# that xl accepts: every example and every golden ok case, those written
# in xm spellings too (xltool reads them as xl does; only xm reads them
# as xm did).  A config xl refuses is listed and not compared.
t_dryrun() {
    local f dir base n=0 bad=0 args
    for f in /lab/cfg/examples/*.cfg /lab/cfg/config/ok-*.cfg; do
        [ -f "$f" ] || continue
        dir=$(dirname "$f") base=$(basename "$f")
        args=
        [ -f "${f%.cfg}.args" ] && args=$(cat "${f%.cfg}.args")
        # shellcheck disable=SC2086
        if ! (cd "$dir" && "$XL" create -n "$base" $args \
                >"$RUN/xl.json" 2>"$RUN/xl.err"); then
            echo "xl rejects $f (not compared): $(tail -n 1 "$RUN/xl.err")"
            continue
        fi
        n=$((n + 1))
        # shellcheck disable=SC2086
        if ! (cd "$dir" && "$XLTOOL" create -n "$base" $args \
                >"$RUN/xt.json" 2>"$RUN/xt.err"); then
            echo "MISMATCH $f: xltool fails: $(cat "$RUN/xt.err")"
            bad=$((bad + 1))
            continue
        fi
        if ! diff -u "$RUN/xl.json" "$RUN/xt.json" >"$RUN/diff"; then
            echo "MISMATCH $f:"; cat "$RUN/diff"
            bad=$((bad + 1))
        fi
    done
    echo "$n configs compared, $bad mismatches"
    [ $n -gt 0 ] || { echo "SKIP: no config accepted by xl to compare"; exit 77; }
    [ $bad -eq 0 ]
}

t_create_pv() {
    "$XLTOOL" create "$RUN/pv.cfg" || fail "create"
    exists $PV || fail "xl list does not show $PV"
    wait_until 90 ticking $PV || fail "no GUEST-TICK on the console"
    grep -q GUEST-DISK "$(conlog $PV)" || fail "guest has no xvda"
    grep -q GUEST-NIC "$(conlog $PV)" || fail "guest has no eth0"
    "$XL" list
}

# Name, ID, Mem and VCPUs as xl list prints them (State and Time move).
cols() { awk 'NR > 1 {print $1, $2, $3, $4}' | sort; }
t_list() {
    need_cmd list
    "$XLTOOL" list >"$RUN/xt.list" || fail "xltool list"
    "$XL" list >"$RUN/xl.list"
    cat "$RUN/xt.list"
    head -n 1 "$RUN/xt.list" | grep -q '^Name *ID *Mem *VCPUs' ||
        fail "header differs from xl's"
    cols <"$RUN/xl.list" >"$RUN/xl.cols"
    cols <"$RUN/xt.list" >"$RUN/xt.cols"
    diff -u "$RUN/xl.cols" "$RUN/xt.cols" || fail "xltool list differs"
    # On a dom0, libxl is the default backend.
    env -u XLTOOL_BACKEND "$XLTOOL" list >"$RUN/xt.list2" 2>"$RUN/err" ||
        fail "list without XLTOOL_BACKEND"
    ! grep -q simulated "$RUN/err" || fail "fell back to the simulator"
    cols <"$RUN/xt.list2" | diff -u "$RUN/xl.cols" -
}

# xl uptime's H:MM:SS (or "N days, H:MM:SS") of DOMAIN, in seconds.
uptime_secs() {
    "$1" uptime "$2" | awk 'NR == 2 { n = split($NF, t, ":");
        s = t[1] * 3600 + t[2] * 60 + t[3]; if (NF > 3) s += $3 * 86400;
        print s }'
}
t_uptime() {
    local a b
    need_cmd uptime
    a=$(uptime_secs "$XL" $PV) b=$(uptime_secs "$XLTOOL" $PV)
    "$XLTOOL" uptime
    echo "xl: $a s, xltool: $b s"
    [ -n "$a" ] && [ -n "$b" ] && [ "$b" -gt 0 ] || fail "no uptime"
    [ $((b - a)) -le 3 ] && [ $((a - b)) -le 3 ] || fail "uptimes differ"
    # As xm, list -l carries the start time.
    ln -sf "$XLTOOL" "$RUN/xm"
    "$RUN/xm" list -l $PV | grep '(start_time [0-9]' ||
        fail "xm list -l has no start_time"
}

t_console() {
    local out=$RUN/console.out st
    need_cmd console
    # script(1) gives the console command a terminal; Ctrl-] (0x1d)
    # detaches.
    ( sleep 3; echo "hello-lab"; sleep 4; printf '\035' ) |
        timeout 30 script -qfc "$XLTOOL console $PV" /dev/null >"$out" 2>&1
    st=$?
    tr -d '\r' <"$out" | grep -a GUEST | tail -n 5
    [ $st -ne 124 ] || fail "console did not detach on Ctrl-]"
    grep -aq 'GUEST-TICK' "$out" || fail "no guest output read"
    grep -aq 'GUEST-ECHO: hello-lab' "$out" || fail "typed line not echoed"
}

t_pause() {
    need_cmd pause; need_cmd unpause
    "$XLTOOL" pause $PV || fail "pause"
    is_paused $PV || fail "xl list does not show p: $(state_of $PV)"
    not_ticking_for $PV 5 || fail "guest still runs while paused"
    "$XLTOOL" unpause $PV || fail "unpause"
    ! is_paused $PV || fail "still paused"
    wait_until 20 advancing $PV || fail "guest does not run again"
}

# A hot-plugged disk with xm's mode w!, which libxl cannot express: the
# warning says it is attached as w; xl sees it; block-detach removes it.
t_block() {
    need_cmd block-attach
    dd if=/dev/zero of="$RUN/extra.img" bs=1M count=4 2>/dev/null
    "$XLTOOL" block-attach $PV "file:$RUN/extra.img,xvdb,w!" 2>"$RUN/err" ||
        { cat "$RUN/err"; fail "block-attach"; }
    cat "$RUN/err"
    grep -q 'w!.*attached as w' "$RUN/err" || fail "no warning about w!"
    "$XL" block-list $PV
    wait_until 30 sh -c "'$XL' block-list $PV | grep -q '^51728 '" ||
        fail "xl block-list does not show xvdb"
    "$XLTOOL" block-list $PV | grep -q '^51728 ' ||
        fail "xltool block-list does not show xvdb"
    "$XLTOOL" block-detach $PV xvdb || fail "block-detach"
    wait_until 30 sh -c "! '$XL' block-list $PV | grep -q '^51728 '" ||
        fail "xvdb is still attached"
}

t_mem_set() {
    need_cmd mem-set
    "$XLTOOL" mem-set $PV 96m || fail "mem-set"
    wait_until 60 mem_is $PV 96 || fail "memory is $("$XL" list $PV)"
    "$XLTOOL" mem-set $PV 128m || fail "mem-set back"
    wait_until 60 mem_is $PV 128 || fail "memory is $("$XL" list $PV)"
}

t_save_restore() {
    local before
    need_cmd save; need_cmd restore
    before=$(last_tick $PV)
    "$XLTOOL" save $PV "$RUN/pv.save" || fail "save"
    wait_until 30 gone $PV || fail "domain still there after save"
    ls -l "$RUN/pv.save"
    "$XLTOOL" restore "$RUN/pv.save" || fail "restore"
    rm -f "$RUN/pv.save"
    exists $PV || fail "not restored"
    wait_until 30 advancing $PV || fail "restored guest does not run"
    [ "$(last_tick $PV)" -gt "$before" ] || fail "counter restarted"
    "$XL" list
}

# A test that lost the guest must not fail the ones after it.
ensure_pv() {
    exists $PV && return 0
    echo "(re-creating $PV for this test)"
    # The old console log would make the new guest look booted.
    rm -f "$(conlog $PV)"
    "$XLTOOL" create -q "$RUN/pv.cfg" && wait_until 90 ticking $PV
}

ups() { count_in $PV GUEST-UP; }
t_reboot() {
    local id0 up0
    need_cmd reboot
    ensure_pv
    id0=$(domid_of $PV) up0=$(ups)
    "$XLTOOL" reboot $PV || fail "reboot"
    # on_reboot = "restart": the watcher makes a new domain.
    new_dom() { id=$(domid_of $PV); [ -n "$id" ] && [ "$id" != "$id0" ]; }
    wait_until 90 new_dom || fail "no new domain after reboot"
    booted() { [ "$(ups)" -gt "$up0" ]; }
    wait_until 90 booted || fail "guest did not boot again"
    "$XL" list
}

t_shutdown() {
    need_cmd shutdown
    ensure_pv
    "$XLTOOL" shutdown $PV || fail "shutdown"
    # on_poweroff = "destroy": the watcher removes the domain.
    wait_until 90 gone $PV || fail "domain left behind: $("$XL" list)"
    grep -q GUEST-POWEROFF "$(conlog $PV)" || fail "guest did not power off"
}

t_create_pvh() {
    "$XLTOOL" create "$RUN/pvh.cfg" || fail "create"
    exists $PVH || fail "xl list does not show $PVH"
    wait_until 120 ticking $PVH || fail "no GUEST-TICK on the console"
}

# Migration to the host itself, as admins test a relocation set-up: a
# relocation server on 127.0.0.1 with a pre-shared key, and the PVH guest
# moved from its domain to a new one on the same hypervisor.  Stop-and-
# copy: live, the guest once triple-faulted under TCG during the pre-copy
# (one run in two); the two-host part covers live migration.
t_migrate_self() {
    local d=$RUN/self id0 before srv rc
    need_cmd migrate
    mkdir -p "$d"
    printf 'lab-self:%s\n' \
        "$(od -An -tx1 -N32 /dev/urandom | tr -d ' \n')" >"$d/psk"
    cat >"$d/xltool.conf" <<CONF
relocation = {
  address = "127.0.0.1";
  psk_file = "$d/psk";
  state_dir = "$d/state";
  timeouts = { handshake = 60; io = 120; resolve = 120; };
};
CONF
    XLTOOL_CONF=$d/xltool.conf "$XLTOOL" relocation-server -F \
        >"$d/server.log" 2>&1 &
    srv=$!
    wait_until 30 grep -q "listening on" "$d/server.log" ||
        fail "the relocation server did not start: $(cat "$d/server.log")"
    id0=$(domid_of $PVH)
    before=$(tick_of $PVH)
    XLTOOL_CONF=$d/xltool.conf "$XLTOOL" migrate --non-live $PVH 127.0.0.1 \
        >"$d/out" 2>&1
    rc=$?
    kill $srv
    cat "$d/out" "$d/server.log"
    [ $rc = 0 ] || fail "migrate $PVH 127.0.0.1 failed"
    grep -q "^Migrated $PVH to 127.0.0.1" "$d/out" || fail "no result line"
    [ "$(domid_of $PVH)" != "$id0" ] || fail "$PVH kept domain $id0"
    [ "$("$XL" list | grep -c "$PVH")" = 1 ] ||
        fail "not exactly one $PVH: $("$XL" list)"
    wait_until 120 ticks_past $PVH "$before" ||
        fail "the counter did not go past $before"
}

t_destroy() {
    need_cmd destroy
    "$XLTOOL" destroy $PVH || fail "destroy"
    gone $PVH || fail "still listed"
}

t_bad_bridge() {
    ! "$XLTOOL" create "$RUN/badbr.cfg" 2>"$RUN/err" || fail "create passed"
    cat "$RUN/err"
    grep -q "nosuchbr0" "$RUN/err" || fail "message does not name the bridge"
    gone lab-bad || fail "a domain was left behind"
}

t_failed_create() {
    ! "$XLTOOL" create "$RUN/nokernel.cfg" 2>"$RUN/err" || fail "create passed"
    cat "$RUN/err"
    grep -q "lab-nokernel" "$RUN/err" || fail "message does not name the domain"
    gone lab-nokernel || fail "a half-created domain was left behind"
    [ "$("$XL" list | wc -l)" -eq 2 ] || fail "unexpected domains: $("$XL" list)"
}

no_watchers() { ! ps -o pid,args | grep -v grep | grep -q 'xltool'; }
t_no_leftovers() {
    wait_until 20 no_watchers || fail "xltool processes left: $(ps -o pid,args | grep xltool)"
    [ "$("$XL" list | wc -l)" -eq 2 ] || fail "domains left: $("$XL" list)"
}

write_configs
export XLTOOL_BACKEND=libxl
# Managed domains on real Xen: new stores the config without a domain,
# start boots it, a mem-set while it runs reaches the store, suspend saves
# it into the store and resume brings it back still counting, delete
# refuses it while it runs and removes it once halted.
MGD=lab-mgd
t_managed() {
    local before store=$RUN/managed
    need_cmd new; need_cmd start; need_cmd suspend; need_cmd resume
    need_cmd delete
    export XLTOOL_MANAGED_DIR=$store
    dd if=/dev/zero of="$RUN/mgd-disk.img" bs=1M count=8 2>/dev/null
    sed -e "s/^name = .*/name = \"$MGD\"/" \
        -e "s|pv-disk.img|mgd-disk.img|" "$RUN/pv.cfg" >"$RUN/mgd.cfg"
    rm -f "$(conlog $MGD)"
    "$XLTOOL" new "$RUN/mgd.cfg" || fail "new"
    exists $MGD && fail "new started a domain"
    "$XLTOOL" list | grep "^$MGD " | grep -q ' - .*------' ||
        fail "list does not show $MGD halted"
    "$XLTOOL" start $MGD || fail "start"
    exists $MGD || fail "xl list does not show $MGD after start"
    wait_until 90 ticking $MGD || fail "no GUEST-TICK after start"
    "$XLTOOL" mem-set $MGD 96 || fail "mem-set"
    grep -q '"target_memkb": 98304' "$store"/*.dom ||
        fail "mem-set did not reach the store"
    before=$(last_tick $MGD)
    "$XLTOOL" suspend $MGD || fail "suspend"
    wait_until 30 gone $MGD || fail "domain still there after suspend"
    ls -l "$store"
    ls "$store"/*.save >/dev/null || fail "no save image in the store"
    "$XLTOOL" list --state=suspended | grep -q "^$MGD " ||
        fail "not listed as suspended"
    "$XLTOOL" resume $MGD || fail "resume"
    exists $MGD || fail "not resumed"
    wait_until 30 advancing $MGD || fail "resumed guest does not run"
    [ "$(last_tick $MGD)" -gt "$before" ] || fail "counter restarted"
    ls "$store"/*.save >/dev/null 2>&1 && fail "save image left after resume"
    "$XLTOOL" delete $MGD && fail "delete of a running domain"
    "$XL" destroy $MGD
    wait_until 30 gone $MGD || fail "destroy"
    "$XLTOOL" delete $MGD || fail "delete"
    "$XLTOOL" list | grep -q "^$MGD " && fail "listed after delete"
    [ -z "$(ls "$store")" ] || fail "store not empty: $(ls "$store")"
}

run_test bridge-create t_bridge
. /lab/scenario-backend.sh
run_test dryrun-vs-xl t_dryrun
run_test create-pv t_create_pv
if exists $PV; then
    run_test list-vs-xl t_list
    run_test uptime-vs-xl t_uptime
    . /lab/scenario-sched.sh
    run_test console t_console
    run_test pause-unpause t_pause
    run_test mem-set t_mem_set
    run_test block-attach-detach t_block
    run_test save-restore t_save_restore
    run_test reboot-restart t_reboot
    run_test shutdown-poweroff t_shutdown
    exists $PV && "$XL" destroy $PV
fi
run_test managed-domains t_managed
run_test create-pvh t_create_pvh
exists $PVH && run_test migrate-to-self t_migrate_self
exists $PVH && run_test destroy t_destroy
exists $PVH && "$XL" destroy $PVH
run_test create-bad-bridge t_bad_bridge
run_test create-failure-cleanup t_failed_create
run_test no-leftovers t_no_leftovers
