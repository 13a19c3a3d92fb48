#!/usr/bin/env bash
# lifecycle_errors.sh - bad input gets one clear line naming the domain
# and the cause, exit status 1 (2 for usage), and leaves no state:
# unknown domain, duplicate name, missing kernel or disk image, more
# memory than the host has free, a second create of the same config, a
# writable disk already in use.
. "$TOP/tests/integration/lifecycle.lib"

# expect_fail STATUS PATTERN CMD...: CMD fails with STATUS and one line
# on stderr (besides the parser's own "Parsing" lines) matching PATTERN.
expect_fail() {
    local want=$1 pat=$2 st
    shift 2
    "$@" >out 2>err
    st=$?
    [ $st -eq "$want" ] || fail "'$*' exited $st, not $want: $(cat err)"
    grep -q -- "$pat" err || fail "'$*': no '$pat' in: $(cat err)"
}

for cmd in destroy pause unpause console domid "list" "uptime" \
           "vcpu-list" "block-list" "network-list"; do
    expect_fail 1 "domain 'ghost' does not exist" x $cmd ghost
done
expect_fail 1 "ghost" x shutdown ghost
expect_fail 1 "ghost" x mem-set ghost 8
expect_fail 1 "ghost" x rename ghost ghoul
expect_fail 1 "does not exist" x domname 999
expect_fail 2 "Usage" x destroy
expect_fail 2 "Usage" x list --bogus
expect_fail 2 "invalid memory size" x mem-set Domain-0 lots
expect_fail 1 "Domain-0" x destroy Domain-0
expect_fail 1 "Domain-0" x destroy 0

mkcfg one "disk = [ 'file:$IMG/disk.img,xvda,w' ]"
x create one.cfg >/dev/null 2>&1 || fail "create one"
before=$(domids)
expect_fail 1 "domain 'one' already exists" x create one.cfg
sed 's/^name = .*/name = "two"/' one.cfg >two.cfg
expect_fail 1 "disk.img is in use by another domain" x create two.cfg
[ "$(domids)" = "$before" ] || fail "state left by refused creates"
expect_fail 1 "already exists" x rename one Domain-0

mkcfg nokernel
sed -i "s|$IMG/vmlinuz|$IMG/missing-vmlinuz|" nokernel.cfg
expect_fail 1 "domain nokernel: kernel $IMG/missing-vmlinuz: No such file" \
    x create nokernel.cfg
mkcfg noramdisk
sed -i "s|$IMG/initrd.img|$IMG/missing.img|" noramdisk.cfg
expect_fail 1 "ramdisk $IMG/missing.img" x create noramdisk.cfg
mkcfg nodisk "disk = [ 'file:$IMG/nope.img,xvdb,w' ]"
expect_fail 1 "domain nodisk: disk xvdb: cannot open image $IMG/nope.img" \
    x create nodisk.cfg
mkcfg huge "memory = 1000000"
expect_fail 1 "domain huge: not enough free memory" x create huge.cfg
[ "$(domids)" = "$before" ] || fail "state left by refused creates"
ls "$XLTOOL_SIM_DIR/dom/$before" | sort | tr '\n' ' ' |
    grep -qx 'config.json dirty info mem sock ' || fail "stray files"

# A read-only disk may be shared; a writable one may not be taken over.
mkcfg ro1 "disk = [ 'file:$IMG/disk2.img,xvda,r' ]"
mkcfg ro2 "disk = [ 'file:$IMG/disk2.img,xvda,r' ]"
mkcfg rw3 "disk = [ 'file:$IMG/disk2.img,xvda,w' ]"
x create ro1.cfg >/dev/null 2>&1 && x create ro2.cfg >/dev/null 2>&1 ||
    fail "two readers of one image"
expect_fail 1 "in use by another domain" x create rw3.cfg
x destroy ro1 && x destroy ro2 && x create rw3.cfg >/dev/null 2>&1 ||
    fail "image not released by destroy"
cleanup_domains
no_state_left
exit 0
