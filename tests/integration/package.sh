#!/usr/bin/env bash
# package.sh - the Debian packages, built and installed as an admin would:
# dpkg-buildpackage builds xltool and xltool-xl from a copy of the tree,
# lintian finds no errors, dpkg -i installs them on this machine (and the
# test removes them again): the installed xltool runs, creates the
# installed busybox example on the simulated backend, its units pass
# systemd-analyze verify, the conffile is registered; xltool-xl makes
# /usr/sbin/xl xltool's and its removal gives the packaged xl back;
# removing xltool keeps the conffile and purging removes it.
set -u
fail() { echo "FAIL: $*"; exit 1; }
skip() { echo "SKIP: $*"; exit 77; }

for c in dpkg-buildpackage dh lintian systemd-analyze; do
    command -v $c >/dev/null || skip "$c is not installed (scripts/install-deps)"
done
dpkg-query -W -f='${Status}' xltool 2>/dev/null | grep -q installed &&
    skip "an xltool package is installed on this machine already"

version=$(cat "$TOP/VERSION")
arch=$(dpkg --print-architecture)
W=$PWD
conf=/etc/xen/xltool.conf
saved=

cleanup() {
    XLTOOL_SIM_DIR=$W/sim /usr/sbin/xltool destroy busybox >/dev/null 2>&1
    dpkg -P xltool-xl xltool >/dev/null 2>&1
    [ -n "$saved" ] && mv "$saved" "$conf"
}
trap cleanup EXIT
# A config of the admin's, not a package's, stays as it was.
if [ -e "$conf" ]; then
    saved=$W/xltool.conf.admin
    mv "$conf" "$saved"
fi

# The packages are built from the tree as git knows it, in a copy.
mkdir src
(cd "$TOP" && git ls-files -z --cached --others --exclude-standard |
    xargs -0 tar cf - --no-recursion) | tar xf - -C src ||
    fail "copying the tree"
(cd src && dpkg-buildpackage -us -uc -b -j2) >build.log 2>&1 ||
    { tail -40 build.log; fail "dpkg-buildpackage"; }
deb=$W/xltool_${version}_$arch.deb
debxl=$W/xltool-xl_${version}_all.deb
[ -f "$deb" ] && [ -f "$debxl" ] || fail "no packages: $(ls "$W")"

lintian --fail-on error --tag-display-limit 0 "$deb" "$debxl" \
    >lintian.log 2>&1 || { cat lintian.log; fail "lintian reports errors"; }

dpkg -i "$deb" >install.log 2>&1 || { cat install.log; fail "dpkg -i"; }
[ "$(/usr/sbin/xltool --version)" = "xltool $version" ] ||
    fail "installed version: $(/usr/sbin/xltool --version)"
[ "$(readlink /usr/sbin/xm)" = xltool ] || fail "no xm link"
for f in /usr/share/man/man1/xltool.1.gz /usr/share/man/man5/xltool.cfg.5.gz \
         /usr/share/man/man5/xltool.conf.5.gz \
         /usr/share/bash-completion/completions/xltool \
         /lib/systemd/system/xltool-relocation.service \
         /lib/systemd/system/xltool-domains.service; do
    [ -e "$f" ] || fail "not installed: $f"
done
grep -q "^ExecStop=/usr/sbin/xltool host-stop$" \
    /lib/systemd/system/xltool-domains.service || fail "domains unit's ExecStop"
systemd-analyze verify /lib/systemd/system/xltool-domains.service \
    >verify.log 2>&1 || { cat verify.log; fail "systemd-analyze verify"; }
[ ! -e /etc/systemd/system/multi-user.target.wants/xltool-domains.service ] ||
    fail "xltool-domains was enabled"
dpkg-query -W -f='${Conffiles}\n' xltool | grep -q " $conf " ||
    fail "$conf is not a conffile: $(dpkg-query -W -f='${Conffiles}' xltool)"
grep -q "^ExecStart=/usr/sbin/xltool relocation-server -F$" \
    /lib/systemd/system/xltool-relocation.service || fail "unit's ExecStart"
systemd-analyze verify /lib/systemd/system/xltool-relocation.service \
    >verify.log 2>&1 || { cat verify.log; fail "systemd-analyze verify"; }
# Installed, not enabled, and the server refuses the default config.
[ ! -e /etc/systemd/system/multi-user.target.wants/xltool-relocation.service ] ||
    fail "the relocation server was enabled"
XLTOOL_CONF=$conf timeout 5 /usr/sbin/xltool relocation-server -F \
    >srv.log 2>&1 && fail "the server started with the default config"
grep -q "needs tls" srv.log || fail "unclear refusal: $(cat srv.log)"

# The main job from the installed example, on the simulated backend.
mkdir img
ex=/usr/share/doc/xltool/examples/busybox.cfg
[ -f "$ex" ] || fail "no $ex"
printf 'k\n' >img/vmlinuz-busybox
printf 'i\n' >img/initrd-busybox.gz
truncate -s 16M img/busybox.img
export XLTOOL_BACKEND=sim XLTOOL_SIM_DIR=$W/sim
/usr/sbin/xltool create -q "$ex" imgdir="$W/img" || fail "create $ex"
/usr/sbin/xm list busybox | grep -q '^busybox ' || fail "xm list"
/usr/sbin/xltool destroy busybox || fail "destroy"

# xltool-xl: the host's xl becomes xltool's, and comes back.
before=
[ -L /usr/sbin/xl ] && before=$(readlink /usr/sbin/xl)
dpkg -i "$debxl" >xl.log 2>&1 || { cat xl.log; fail "dpkg -i xltool-xl"; }
[ "$(readlink -f /usr/sbin/xl)" = /usr/sbin/xltool ] ||
    fail "/usr/sbin/xl is not xltool's: $(ls -l /usr/sbin/xl)"
/usr/sbin/xl help 2>&1 | head -1 | grep -q '^Usage: xl ' ||
    fail "xl's personality: $(/usr/sbin/xl help 2>&1 | head -1)"
if [ -n "$before" ]; then
    [ "$(readlink /usr/sbin/xl.distrib)" = "$before" ] ||
        fail "the packaged xl was not moved aside"
fi
dpkg -r xltool-xl >>xl.log 2>&1 || fail "dpkg -r xltool-xl"
if [ -n "$before" ]; then
    [ "$(readlink /usr/sbin/xl)" = "$before" ] ||
        fail "the packaged xl is not back: $(ls -l /usr/sbin/xl)"
else
    [ ! -e /usr/sbin/xl ] || fail "/usr/sbin/xl left behind"
fi
[ ! -e /usr/sbin/xl.distrib ] || fail "xl.distrib left behind"

# Removal keeps the conffile, purge removes it (Debian policy 10.7.3).
dpkg -r xltool >rm.log 2>&1 || { cat rm.log; fail "dpkg -r"; }
[ ! -e /usr/sbin/xltool ] || fail "xltool left after removal"
[ -f "$conf" ] || fail "removal took the conffile"
dpkg -P xltool >>rm.log 2>&1 || { cat rm.log; fail "dpkg -P"; }
[ ! -e "$conf" ] || fail "purge left the conffile"
echo PASS
