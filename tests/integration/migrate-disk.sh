#!/usr/bin/env bash
# Disk images on shared storage move with the domain: the simulated
# backend's write lock on the image is held by whichever host runs the
# domain, never by both and never by none, through a live migration, a
# migration back, and a migration that fails after the destination had
# received the domain.
. "$(dirname "$0")/migrate-lib.bash"

two_hosts psk
start_server A
start_server B
IMG=$T/shared/busybox.img
make_domain A busybox 64 "$IMG"

# locked_against HOST: a second domain using the image cannot start there.
locked_against() {
    printf 'name = "intruder"\nkernel = "%s"\nmemory = 16\n' \
        "$T/shared/vmlinuz" >"$T/intruder.cfg"
    printf "disk = [ 'file:%s,xvda,w' ]\n" "$IMG" >>"$T/intruder.cfg"
    if on "$1" "$XLTOOL" create -q "$T/intruder.cfg" >"$T/out.intr" 2>&1
    then
        on "$1" "$XLTOOL" destroy intruder
        fail "the image was not locked against $1"
    fi
    grep -q "in use" "$T/out.intr" || fail "unclear: $(cat "$T/out.intr")"
}

locked_against B
log "live migration A -> B: the lock moves to B"
guest A busybox "dirty 16M/s" >/dev/null
xa migrate -l busybox $IPB >"$T/out.mig" 2>&1 ||
    fail "migration with a shared disk: $(cat "$T/out.mig")"
[ "$(exactly_one busybox)" = B ] || fail "busybox is not on B"
locked_against A
locked_against B

log "a migration that fails after the transfer: the lock stays at B"
stop_server A
XLTOOL_RELOC_PAUSE="server-go:$T/mark" start_server A
on_bg "$T/out.fail" B "$XLTOOL" migrate -l busybox $IPA
pid=$BG
for i in $(seq 1 300); do [ -e "$T/mark" ] && break; sleep 0.05; done
[ -e "$T/mark" ] || fail "pause point not reached"
kill -9 "$(pgrep -P "$SERVER_A" | head -n 1)"
rm -f "$T/mark"
wait $pid && fail "the migration should have failed"
[ "$(wait_settled busybox)" = B ] || fail "busybox is not on B"
locked_against A
stop_server A
start_server A

log "migration back B -> A: the lock returns to A"
xb migrate busybox $IPA >"$T/out.back" 2>&1 ||
    fail "migration back: $(cat "$T/out.back")"
[ "$(exactly_one busybox)" = A ] || fail "busybox is not on A"
locked_against B
pass
