# scenario-backend.sh - the libxl backend's operations one by one through
# lab-drive, with configs that xl itself parsed (xl create -n), so that
# the backend is tested against the real hypervisor on its own.  Sourced
# by scenario-one.sh, after write_configs.
DRV=/usr/sbin/lab-drive
BPV=be-pv
BPVH=be-pvh

be_json() {  # CFG NAME OUT: xl's JSON of CFG, renamed NAME
    sed "s/^name = .*/name = \"$2\"/" "$1" >"$RUN/$2.cfg"
    "$XL" create -n "$RUN/$2.cfg" >"$3" 2>"$RUN/xl.err" ||
        fail "xl create -n $1: $(cat "$RUN/xl.err")"
}

tb_create() {
    be_json "$RUN/pv.cfg" $BPV "$RUN/$BPV.json"
    id=$("$DRV" create "$RUN/$BPV.json") || fail "create"
    [ "$id" = "$(domid_of $BPV)" ] || fail "domid $id, xl says $(domid_of $BPV)"
    wait_until 90 ticking $BPV || fail "no GUEST-TICK on the console"
    grep -q GUEST-DISK "$(conlog $BPV)" || fail "guest has no xvda"
    grep -q GUEST-NIC "$(conlog $BPV)" || fail "guest has no eth0"
}

tb_list() {
    "$DRV" list >"$RUN/drv.list" || fail "list"
    cat "$RUN/drv.list"
    grep -q "^Domain-0 0 " "$RUN/drv.list" || fail "no Domain-0"
    grep -q "^$BPV $(domid_of $BPV) 128 1 1 " "$RUN/drv.list" ||
        fail "$BPV not listed as xl lists it: $("$XL" list $BPV)"
}

tb_info() {
    "$DRV" info | tee "$RUN/info" || fail "info"
    grep -q '^xen 4\.17' "$RUN/info" || fail "not Xen 4.17"
    grep -q 'has version line' "$RUN/info" || fail "dmesg lacks Xen's banner"
    "$DRV" $BPV vcpus | grep -q '^0 ' || fail "no vcpu 0"
    "$DRV" $BPV disks | tee "$RUN/disks"
    [ "$(awk '{print $3}' "$RUN/disks")" = 4 ] || fail "disk not connected"
    "$DRV" $BPV nics | tee "$RUN/nics"
    grep -q '^0 0 4 [0-9a-f:]\{17\} ' "$RUN/nics" || fail "vif not connected"
}

tb_console() {
    local st
    ( sleep 3; echo "hello-backend"; sleep 4; printf '\035' ) |
        "$DRV" $BPV console 30 >"$RUN/drv.console"
    st=$?
    grep -a GUEST "$RUN/drv.console" | tail -n 4
    [ $st -eq 0 ] || fail "console relay ended with $st, not on Ctrl-]"
    grep -aq 'GUEST-TICK' "$RUN/drv.console" || fail "no guest output read"
    grep -aq 'GUEST-ECHO: hello-backend' "$RUN/drv.console" ||
        fail "typed line not echoed"
}

tb_pause() {
    "$DRV" $BPV pause || fail "pause"
    is_paused $BPV || fail "xl list does not show p: $(state_of $BPV)"
    not_ticking_for $BPV 5 || fail "guest still runs while paused"
    "$DRV" $BPV unpause || fail "unpause"
    wait_until 20 advancing $BPV || fail "guest does not run again"
}

tb_mem() {
    "$DRV" $BPV mem-set 98304 || fail "mem-set"
    wait_until 60 mem_is $BPV 96 || fail "memory is $("$XL" list $BPV)"
    "$DRV" $BPV mem-set 131072 || fail "mem-set back"
    wait_until 60 mem_is $BPV 128 || fail "memory is $("$XL" list $BPV)"
    ! "$DRV" $BPV vcpu-set 4 2>"$RUN/err" || fail "vcpu-set 4 of 1 passed"
    cat "$RUN/err"
}

tb_rename() {
    "$DRV" $BPV rename be-renamed || fail "rename"
    exists be-renamed || fail "not renamed"
    "$DRV" be-renamed rename $BPV || fail "rename back"
}

tb_save() {
    local before
    before=$(last_tick $BPV)
    "$DRV" $BPV save "$RUN/be.save" || fail "save"
    gone $BPV || fail "domain still there after save"
    "$DRV" restore "$RUN/be.save" || fail "restore"
    rm -f "$RUN/be.save" "$RUN/be.save.json"
    wait_until 30 advancing $BPV || fail "restored guest does not run"
    [ "$(last_tick $BPV)" -gt "$before" ] || fail "counter restarted"
}

tb_reboot() {
    local id0 up0
    id0=$(domid_of $BPV) up0=$(count_in $BPV GUEST-UP)
    "$DRV" $BPV reboot || fail "reboot"
    new_dom() { id=$(domid_of $BPV); [ -n "$id" ] && [ "$id" != "$id0" ]; }
    wait_until 90 new_dom || fail "no new domain: $("$XL" list)"
    booted() { [ "$(count_in $BPV GUEST-UP)" -gt "$up0" ]; }
    wait_until 90 booted || fail "guest did not boot again"
    cat /var/log/xen/xltool-$BPV.log
}

tb_shutdown() {
    "$DRV" $BPV shutdown || fail "shutdown"
    wait_until 90 gone $BPV || fail "domain left behind: $("$XL" list)"
    grep -q GUEST-POWEROFF "$(conlog $BPV)" || fail "guest did not power off"
    cat /var/log/xen/xltool-$BPV.log
}

tb_pvh() {
    local before
    be_json "$RUN/pvh.cfg" $BPVH "$RUN/$BPVH.json"
    "$DRV" create "$RUN/$BPVH.json" || fail "create"
    wait_until 120 ticking $BPVH || fail "no GUEST-TICK on the console"
    before=$(last_tick $BPVH)
    # A live (pre-copy) save: PVH guests can, PV ones cannot on Debian.
    "$DRV" $BPVH migrate-save "$RUN/pvh.save" || fail "live save"
    "$DRV" restore "$RUN/pvh.save" || fail "restore"
    rm -f "$RUN/pvh.save" "$RUN/pvh.save.json"
    wait_until 60 advancing $BPVH || fail "restored guest does not run"
    [ "$(last_tick $BPVH)" -gt "$before" ] || fail "counter restarted"
    "$DRV" $BPVH destroy || fail "destroy"
    gone $BPVH || fail "still listed after destroy"
}

tb_bad_bridge() {
    be_json "$RUN/badbr.cfg" be-bad "$RUN/be-bad.json"
    ! "$DRV" create "$RUN/be-bad.json" 2>"$RUN/err" || fail "create passed"
    cat "$RUN/err"
    grep -q "bridge 'nosuchbr0' does not exist" "$RUN/err" ||
        fail "message does not name the bridge"
    gone be-bad || fail "a domain was left behind"
}

tb_failed_create() {
    be_json "$RUN/nokernel.cfg" be-nokernel "$RUN/be-nokernel.json"
    ! "$DRV" create "$RUN/be-nokernel.json" 2>"$RUN/err" ||
        fail "create passed"
    cat "$RUN/err"
    grep -q "creating domain 'be-nokernel' failed" "$RUN/err" ||
        fail "message does not name the domain"
    gone be-nokernel || fail "a half-created domain was left behind"
}

run_test be/create-pv tb_create
if exists $BPV; then
    run_test be/list tb_list
    run_test be/info-devices tb_info
    run_test be/console tb_console
    run_test be/pause-unpause tb_pause
    run_test be/mem-set tb_mem
    run_test be/rename tb_rename
    run_test be/save-restore tb_save
    run_test be/reboot-restart tb_reboot
    run_test be/shutdown-poweroff tb_shutdown
    exists $BPV && "$XL" destroy $BPV
fi
run_test be/pvh-live-save tb_pvh
exists $BPVH && "$XL" destroy $BPVH
run_test be/create-bad-bridge tb_bad_bridge
run_test be/create-failure-cleanup tb_failed_create
