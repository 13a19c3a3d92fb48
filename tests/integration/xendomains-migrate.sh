#!/usr/bin/env bash
# Debian's xendomains init script (package xen-utils-common) with
# XENDOMAINS_MIGRATE set: `stop` on host A migrates every running domain
# to host B (`xen migrate ID $XENDOMAINS_MIGRATE`, here "--live B": the
# options after the domain, as the setting's own comment suggests), and
# since they all moved, saves and shuts down none.  xltool is installed
# as the host's xl by `make install XL=1`; A and B are the two simulated
# hosts of migrate-lib.bash, B with its relocation server.
#
# As in xendomains.sh, the script runs as Debian ships it but for one
# line: it exits at once unless /proc/xen/privcmd exists, which only a
# Xen dom0 kernel provides, so the copy run here tests for $T/privcmd
# instead (the diff is checked to be that one line); its settings come
# from /etc/default/xendomains, replaced by a bind mount in this test's
# private mount namespace.
. "$(dirname "$0")/host-xl.lib"

need_package xen-utils-common /etc/init.d/xendomains
private_mounts "$@"
. "$TOP/tests/integration/migrate-lib.bash"
install_host_xl
two_hosts psk

touch "$T/privcmd"
sed "s|/proc/xen/privcmd|$T/privcmd|" /etc/init.d/xendomains >"$T/xendomains"
[ "$(diff /etc/init.d/xendomains "$T/xendomains" | grep -c '^[<>]')" = 2 ] ||
    fail "the substitution changed more than one line"
mkdir -p "$T/save"
cat >"$T/default" <<EOF
XENDOMAINS_MIGRATE="--live $IPB"
XENDOMAINS_SAVE=$T/save
XENDOMAINS_RESTORE=true
XENDOMAINS_AUTO=
XENDOMAINS_STOP_MAXWAIT=30
EOF
mount --bind "$T/default" /etc/default/xendomains ||
    fail "cannot bind-mount /etc/default/xendomains"

start_server B
make_domain A web 32
make_domain A db 32
guest A web "dirty 2M/s" >/dev/null
declare -A cnt
for d in web db; do
    cnt[$d]=$(field A $d counter)
    [ -n "${cnt[$d]}" ] || fail "no counter from $d"
done

log "xendomains stop on A, migrating to B"
ip netns exec "$NSA" env -i PATH="$HOST_PATH" XLTOOL_BACKEND=sim \
    XLTOOL_SIM_DIR="$T/A/sim" XLTOOL_CONF="$T/A/xltool.conf" \
    XLTOOL_XL_CONF=/dev/null bash "$T/xendomains" stop >"$T/out.stop" 2>&1 ||
    fail "xendomains stop: $(cat "$T/out.stop")"
cat "$T/out.stop"
for d in web db; do
    grep -q "Migrating Xen domain $d" "$T/out.stop" || fail "$d not migrated"
    [ "$(exactly_one $d)" = B ] || fail "$d is not on B"
    c1=$(field B $d counter)
    [ -n "$c1" ] && [ "$c1" -gt "${cnt[$d]}" ] ||
        fail "$d's guest did not go on (${cnt[$d]} -> $c1)"
done
grep -q "Saving\|Shutting down" "$T/out.stop" &&
    fail "a migrated domain was saved or shut down"
[ -z "$(ls -A "$T/save")" ] || fail "saved: $(ls "$T/save")"
for d in web db; do
    grep -q "receiving $d from $IPA (live, " "$T/B/server.log" ||
        fail "B's server logged no live receive of $d: $(cat "$T/B/server.log")"
done
xb destroy web
xb destroy db
pass
