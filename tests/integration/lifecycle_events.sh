#!/usr/bin/env bash
# lifecycle_events.sh - trigger's events with their vcpu (nmi, init,
# sleep, s3resume), button-press, xm's reset and domstate on the
# simulated backend: the guest says what it received, S3 sleep stops its
# clock until s3resume, and a refused event changes nothing.
. "$TOP/tests/integration/lifecycle.lib"

printf 'name = "ev"\nbuilder = "hvm"\nmemory = 16\nvcpus = 2\n' >ev.cfg
x create ev.cfg >/dev/null || fail "create ev"
mkcfg pv
x create pv.cfg >/dev/null || fail "create pv"

# console NAME: what the guest printed since the last look (and its
# status), kept in NAME.con too: a console shows output once.
console() { guest "$1" status | tr -d '\r' | tee -a "$1.con"; }
# seen NAME LINE: the guest has printed LINE, within 5 s.
seen() {
    local end=$((SECONDS + 5))
    until grep -qxF -- "$2" "$1.con" 2>/dev/null; do
        [ $SECONDS -ge $end ] && return 1
        console "$1" >/dev/null
        sleep 0.1
    done
}

x trigger ev nmi 1 || fail "trigger nmi 1"
x trigger ev init 1 || fail "trigger init 1"
seen ev 'Uhhuh. NMI received on vcpu 1.' || fail "nmi: $(cat ev.con)"
seen ev 'vcpu 1: INIT received, waiting for SIPI' || fail "init"

# Refused: a vcpu the domain lacks, ACPI events to a PV guest, a bad
# word; nothing reaches the guest.
for args in "ev nmi 2" "ev init 9" "pv sleep" "pv init 0" "pv s3resume"; do
    # shellcheck disable=SC2086
    x trigger $args 2>err && fail "trigger $args accepted"
    [ "$(wc -l <err)" -eq 1 ] || fail "trigger $args: $(cat err)"
done
x trigger ev bogus 2>/dev/null; [ $? -eq 2 ] || fail "bad trigger word"
x trigger ev nmi x 2>/dev/null; [ $? -eq 2 ] || fail "bad vcpu"
console ev >/dev/null
grep -q 'vcpu [29]' ev.con && fail "a refused event reached the guest"

# S3: the sleep button stops the guest's clock; s3resume starts it.
counter_of() { console "$1" | awk '/^counter:/ { print $2 }'; }
x trigger ev sleep || fail "trigger sleep"
seen ev 'ACPI: sleep button pressed: suspending to RAM (S3)' ||
    fail "no S3 on the console"
c1=$(counter_of ev); sleep 1; c2=$(counter_of ev)
[ "$c1" = "$c2" ] || fail "clock runs in S3: $c1 -> $c2"
[ "$(x domstate ev)" = idle ] || fail "domstate asleep: $(x domstate ev)"
x trigger ev s3resume || fail "trigger s3resume"
seen ev 'ACPI: waking up from S3' || fail "no wake on the console"
sleep 0.5
[ "$(counter_of ev)" != "$c2" ] || fail "clock does not run after s3resume"

# button-press: power and sleep, with the deprecation notice.
x button-press ev sleep 2>err || fail "button-press sleep"
grep -q deprecated err || fail "no deprecation notice"
x button-press ev bogus 2>/dev/null; [ $? -eq 2 ] || fail "bad button"
x trigger ev s3resume

# domstate: xm's words (one reading: the state moves between idle and
# running while the guest works).
st=$(x domstate pv)
[ "$st" = idle ] || [ "$st" = running ] || fail "domstate: $st"
x pause pv
[ "$("$XM" domstate pv)" = paused ] || fail "domstate paused"
x unpause pv
x domstate nosuch 2>/dev/null && fail "domstate of no domain"

# xm reset: a hardware reset, then on_reboot (restart: a new domid).
id1=$(x domid pv)
"$XM" reset pv || fail "xm reset"
wait_until 10 sh -c "i=\$($XLTOOL domid pv 2>/dev/null) && [ \"\$i\" != $id1 ]" ||
    fail "reset did not restart pv"
x button-press pv power 2>/dev/null || fail "button-press power"
wait_until 10 sh -c "! $XLTOOL domid pv >/dev/null 2>&1" ||
    fail "power button did not stop pv"
cleanup_domains
no_state_left
exit 0
