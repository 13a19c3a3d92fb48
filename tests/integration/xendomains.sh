#!/usr/bin/env bash
# Debian's xendomains init script (package xen-utils-common), with xltool
# installed as the host's xl by `make install XL=1`, on simulated domains:
# `start` autostarts the configs of XENDOMAINS_AUTO, `stop` saves every
# running domain into XENDOMAINS_SAVE, the next `start` restores them
# (creating none a second time) and removes the save files, and `stop`
# without a save directory shuts the domains down cleanly.
#
# The script runs as Debian ships it, with one change made here: it exits
# at once unless /proc/xen/privcmd exists, which only a Xen dom0 kernel
# provides, so the copy run below tests for $T/privcmd instead (the diff
# is checked to be that one line).  Its settings come from
# /etc/default/xendomains, which a bind mount in this test's private
# mount namespace replaces with the test's own.  It calls Debian's
# /usr/sbin/xen (which runs "xl") and the Python helpers xen-init-name
# (`xen create --quiet --dryrun --defconfig FILE`) and xen-init-list
# (`xen list -l`), all unchanged.
. "$(dirname "$0")/host-xl.lib"

need_package xen-utils-common /etc/init.d/xendomains
private_mounts "$@"
. "$TOP/tests/integration/lifecycle.lib"
T=$PWD
install_host_xl
XLTOOL=/usr/local/sbin/xltool

cleanup() {
    cleanup_domains
    make -s -C "$TOP" uninstall >/dev/null 2>&1
}
trap cleanup EXIT

# The script, with the one substitution described above.
touch "$T/privcmd"
sed "s|/proc/xen/privcmd|$T/privcmd|" /etc/init.d/xendomains >"$T/xendomains"
[ "$(diff /etc/init.d/xendomains "$T/xendomains" | grep -c '^[<>]')" = 2 ] ||
    fail "the substitution changed more than one line"

# defaults SAVE: the test's /etc/default/xendomains (written in place:
# the bind mount holds the file's inode).
defaults() {
    cat >"$T/default" <<EOF
XENDOMAINS_MIGRATE=""
XENDOMAINS_SAVE=$1
XENDOMAINS_RESTORE=true
XENDOMAINS_AUTO=$T/auto
XENDOMAINS_STOP_MAXWAIT=30
EOF
}
defaults "$T/save"
mount --bind "$T/default" /etc/default/xendomains ||
    fail "cannot bind-mount /etc/default/xendomains"

# run ACTION: the init script as init runs it, its output in out.ACTION.N.
n=0
run() {
    n=$((n + 1))
    out=$T/out.$1.$n
    env -i PATH="$HOST_PATH" XLTOOL_BACKEND=sim XLTOOL_SIM_DIR="$XLTOOL_SIM_DIR" \
        XLTOOL_XL_CONF="${XLTOOL_XL_CONF:-/dev/null}" \
        bash "$T/xendomains" "$1" >"$out" 2>&1 ||
        fail "xendomains $1 exited $?: $(cat "$out")"
    echo "=== xendomains $1"
    cat "$out"
}

# count NAME: how many listed domains are called NAME.
count() { xl list | awk -v n="$1" '$1 == n' | wc -l; }
logged() { xl dmesg | grep -c "($1) $2"; }
names() { xl list | awk 'NR > 2 { print $1 }' | sort | paste -sd ' '; }

mkdir -p "$T/auto"
for d in web db; do
    mkcfg "$d"
    mv "$d.cfg" "$T/auto/$d"
done
mkcfg extra
# db already runs when the host starts its domains; extra is no autostart
# domain, but runs too.
xl create -q "$T/auto/db" || fail "create db"
xl create -q "$T/extra.cfg" || fail "create extra"

echo "--- start: autostart"
run start
grep -q "Starting Xen domain web" "$out" || fail "web not started"
grep -q "Xen domain db already running" "$out" || fail "db not seen running"
[ "$(names)" = "db extra web" ] || fail "domains after start: $(names)"
for d in web db extra; do
    [ "$(count $d)" = 1 ] || fail "$d runs $(count $d) times"
    [ "$(logged $d created)" = 1 ] || fail "$d created $(logged $d created) times"
done
counts_past() { local c; c=$(counter "$1"); [ -n "$c" ] && [ "$c" -gt "$2" ]; }
wait_until 10 counts_past web 5 || fail "web's guest does not run"
# A restored guest has the memory it was saved with and its counter goes
# on; a guest booted afresh has other memory and counts from zero.
declare -A cnt sum
for d in web db extra; do
    cnt[$d]=$(counter $d)
    sum[$d]=$(checksum $d)
done

echo "--- stop: save"
run stop
[ -z "$(names)" ] || fail "still running after stop: $(names)"
for d in web db extra; do
    grep -q "Saving Xen domain $d" "$out" || fail "$d not saved"
    [ -s "$T/save/$d" ] || fail "no save file for $d"
    [ "$(logged $d 'shut down.*poweroff')" = 0 ] || fail "$d was shut down"
done
[ "$(ls "$T/save" | paste -sd ' ')" = "db extra web" ] ||
    fail "save dir: $(ls "$T/save")"

echo "--- start: restore"
run start
for d in web db extra; do
    grep -q "Restoring Xen domain $d" "$out" || fail "$d not restored"
    [ "$(count $d)" = 1 ] || fail "$d runs $(count $d) times after restore"
    [ "$(logged $d restored)" = 1 ] || fail "$d: no restore in the log"
    [ "$(logged $d created)" = 1 ] || fail "$d created again"
done
grep -q "Starting Xen domain" "$out" && fail "a restored domain was created"
[ -z "$(ls -A "$T/save")" ] || fail "save files left: $(ls "$T/save")"
for d in web db extra; do
    c1=$(counter $d)
    [ -n "$c1" ] && [ "$c1" -ge "${cnt[$d]}" ] ||
        fail "$d's guest did not go on from its saved state (${cnt[$d]} -> $c1)"
    [ "$(checksum $d)" = "${sum[$d]}" ] || fail "$d's memory differs after restore"
done

echo "--- stop without a save directory: shut down"
defaults ""
run stop
[ -z "$(names)" ] || fail "still running after stop: $(names)"
for d in web db extra; do
    grep -q "Shutting down Xen domain $d" "$out" || fail "$d not shut down"
    [ "$(logged $d 'shut down.*reason poweroff')" = 1 ] ||
        fail "$d did not power off: $(xl dmesg | grep "($d)")"
done
[ -z "$(ls -A "$T/save")" ] || fail "saved on stop: $(ls "$T/save")"
no_state_left
echo PASS
