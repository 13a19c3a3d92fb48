#!/usr/bin/env bash
# `make install XL=1` makes xltool the host's xl and `make uninstall`
# gives the host its own xl back: first into a scratch DESTDIR, then on
# this machine's real Debian layout (xen-utils-common's /usr/sbin/xl, a
# link to xen-utils-wrapper, and /usr/sbin/xen, which runs "xl" from
# PATH) inside a private mount namespace whose overlays keep the machine
# itself untouched.
. "$(dirname "$0")/host-xl.lib"

fail() { echo "FAIL: $*"; exit 1; }

# personality BIN: the program name xltool's usage line gives as BIN.
personality() { "$@" create 2>&1 | sed -n 's/^Usage: \([^ ]*\) create.*/\1/p'; }

need_package xen-utils-common /usr/sbin/xen
private_mounts "$@"
T=$PWD

echo "--- DESTDIR, PREFIX=/usr, no dpkg database"
R=$T/root
make -s -C "$TOP" install XL=1 DESTDIR="$R" PREFIX=/usr BUILD="$BUILD" \
    >"$T/destdir.log" 2>&1 || fail "install: $(cat "$T/destdir.log")"
[ "$(readlink "$R/usr/sbin/xl")" = xltool ] || fail "no xl link in DESTDIR"
[ "$(readlink "$R/usr/sbin/xm")" = xltool ] || fail "no xm link in DESTDIR"
[ "$(personality "$R/usr/sbin/xl")" = xl ] || fail "xl is not xl"
[ "$(personality "$R/usr/sbin/xm")" = xm ] || fail "xm is not xm"
[ "$(personality "$R/usr/sbin/xltool")" = xltool ] || fail "xltool?"
# Debian's wrapper runs /usr/lib/xen-VERSION/bin/xl: any path ending in
# /xl gives the xl personality.
mkdir -p "$T/lib/xen-4.17/bin"
ln -s "$R/usr/sbin/xltool" "$T/lib/xen-4.17/bin/xl"
[ "$(personality "$T/lib/xen-4.17/bin/xl")" = xl ] || fail "…/bin/xl is not xl"
[ "$(personality sh -c "exec '$T/lib/xen-4.17/bin/xl' \"\$@\"" xl)" = xl ] ||
    fail "xl run from a wrapper script is not xl"
make -s -C "$TOP" uninstall DESTDIR="$R" PREFIX=/usr >>"$T/destdir.log" 2>&1 ||
    fail "uninstall: $(cat "$T/destdir.log")"
left=$(find "$R" ! -type d)
[ -z "$left" ] || fail "uninstall left: $left"
# The same set as the package: units, completion, examples, and an
# xltool.conf that is only ever written when there is none, and that
# uninstall leaves once the admin has edited it.
make -s -C "$TOP" install DESTDIR="$R" PREFIX=/usr BUILD="$BUILD" \
    >>"$T/destdir.log" 2>&1 || fail "install again"
for f in lib/systemd/system/xltool-relocation.service etc/xen/xltool.conf \
         lib/systemd/system/xltool-domains.service \
         usr/share/bash-completion/completions/xltool \
         usr/share/doc/xltool/examples/busybox.cfg; do
    [ -f "$R/$f" ] || fail "install did not put $f in place"
done
echo 'relocation = { psk_file = "/etc/xen/my.psk"; };' >"$R/etc/xen/xltool.conf"
make -s -C "$TOP" install DESTDIR="$R" PREFIX=/usr BUILD="$BUILD" \
    >>"$T/destdir.log" 2>&1 || fail "install over an edited config"
grep -q my.psk "$R/etc/xen/xltool.conf" || fail "install overwrote the config"
make -s -C "$TOP" uninstall DESTDIR="$R" PREFIX=/usr >>"$T/destdir.log" 2>&1 ||
    fail "uninstall again"
[ "$(find "$R" ! -type d)" = "$R/etc/xen/xltool.conf" ] ||
    fail "uninstall: $(find "$R" ! -type d)"
rm -rf "$R"

echo "--- the machine's own layout, in a private mount namespace"
sys_before=$(readlink /usr/sbin/xl)
[ -n "$sys_before" ] || fail "/usr/sbin/xl is not Debian's link"
div_before=$(dpkg-divert --list | sort)
install_host_xl
cat "$T/install.log"
[ "$(readlink /usr/local/sbin/xl)" = xltool ] || fail "no /usr/local/sbin/xl"
[ "$(readlink /usr/sbin/xl)" = /usr/local/sbin/xltool ] ||
    fail "/usr/sbin/xl is $(readlink /usr/sbin/xl)"
[ "$(dpkg-divert --truename /usr/sbin/xl)" = /usr/sbin/xl.distrib ] ||
    fail "no diversion of /usr/sbin/xl"
[ "$(dpkg-divert --listpackage /usr/sbin/xl)" = LOCAL ] ||
    fail "the diversion is not a local one"
[ "$(readlink /usr/sbin/xl.distrib)" = "$sys_before" ] ||
    fail "the packaged xl was not kept as /usr/sbin/xl.distrib"
[ "$(personality xl)" = xl ] || fail "xl in PATH is not xltool as xl"
[ "$(personality /usr/sbin/xl)" = xl ] || fail "/usr/sbin/xl is not xl"
# Debian's "xen" (exec xl "$@"), with PATH and without /usr/local.
xen --version | grep -q '^xltool ' || fail "xen does not run xltool"
PATH=/usr/sbin:/usr/bin:/sbin:/bin xen --version | grep -q '^xltool ' ||
    fail "xen without /usr/local in PATH does not run xltool"
[ "$(personality xen)" = xl ] || fail "xen does not run xltool as xl"
# A second install changes nothing and does not divert twice.
make -s -C "$TOP" install XL=1 BUILD="$BUILD" >"$T/again.log" 2>&1 ||
    fail "second install: $(cat "$T/again.log")"
[ "$(dpkg-divert --list | grep -c ' /usr/sbin/xl ')" = 1 ] ||
    fail "diverted twice: $(dpkg-divert --list | grep xl)"

make -s -C "$TOP" uninstall >"$T/uninstall.log" 2>&1 ||
    fail "uninstall: $(cat "$T/uninstall.log")"
cat "$T/uninstall.log"
[ "$(readlink /usr/sbin/xl)" = "$sys_before" ] ||
    fail "/usr/sbin/xl not restored: $(ls -l /usr/sbin/xl)"
[ ! -e /usr/sbin/xl.distrib ] && [ ! -L /usr/sbin/xl.distrib ] ||
    fail "/usr/sbin/xl.distrib left"
[ "$(dpkg-divert --list | sort)" = "$div_before" ] ||
    fail "diversions differ: $(dpkg-divert --list | grep xl)"
for f in xl xm xltool; do
    [ ! -e /usr/local/sbin/$f ] && [ ! -L /usr/local/sbin/$f ] ||
        fail "/usr/local/sbin/$f left"
done
[ ! -e /usr/local/share/man/man1/xltool.1 ] || fail "man page left"
# Uninstalling again is harmless.
make -s -C "$TOP" uninstall >/dev/null 2>&1 || fail "second uninstall failed"
[ "$(readlink /usr/sbin/xl)" = "$sys_before" ] || fail "second uninstall broke xl"

echo "--- PREFIX=/usr: xltool takes the packaged path itself"
overlay /usr/share/man
make -s -C "$TOP" install XL=1 PREFIX=/usr BUILD="$BUILD" >"$T/usr.log" 2>&1 ||
    fail "install PREFIX=/usr: $(cat "$T/usr.log")"
[ "$(readlink /usr/sbin/xl)" = xltool ] || fail "/usr/sbin/xl is $(readlink /usr/sbin/xl)"
[ "$(readlink /usr/sbin/xl.distrib)" = "$sys_before" ] ||
    fail "the packaged xl was not kept as /usr/sbin/xl.distrib"
[ "$(personality xen)" = xl ] || fail "xen does not run xltool as xl"
make -s -C "$TOP" uninstall PREFIX=/usr >"$T/usr.log" 2>&1 ||
    fail "uninstall PREFIX=/usr: $(cat "$T/usr.log")"
[ "$(readlink /usr/sbin/xl)" = "$sys_before" ] || fail "/usr/sbin/xl not restored"
[ "$(dpkg-divert --list | sort)" = "$div_before" ] || fail "diversions differ"
[ ! -e /usr/sbin/xltool ] || fail "/usr/sbin/xltool left"
echo PASS
