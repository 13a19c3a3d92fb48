#!/usr/bin/env bash
# lifecycle_balloon.sh - mem-set on the simulated backend behaves as a
# ballooning guest: after mem-set down, the guest says it has the new
# size, the host gets the memory above it back (the memory file's
# allocated blocks and the guest process's resident memory drop), and
# the memory below it is unchanged; mem-set up to maxmem makes the rest
# usable again; a save/restore keeps the balloon.
. "$TOP/tests/integration/lifecycle.lib"

MIB=$((1 << 20))
mem_file() { echo "$XLTOOL_SIM_DIR/dom/$(x domid b)/mem"; }
# allocated: bytes of the memory file on disk.
allocated() { echo $(( $(stat -c '%b * %B' "$(mem_file)") )); }
rss_kb() {
    awk '/^VmRSS:/ { print $2 }' \
        "/proc/$(awk '/^pid /{print $2}' "$(dirname "$(mem_file)")/info")/status"
}
# below MIB: a digest of guest memory from page 1 up to MIB MiB (page 0
# is the guest's clock, which moves).
below() {
    python3 -c 'import hashlib,sys
with open(sys.argv[1], "rb") as f:
    f.seek(4096)
    print(hashlib.sha256(f.read(int(sys.argv[2]) * 2**20 - 4096)).hexdigest())' \
        "$(mem_file)" "$1"
}
guest_mem() { guest b status | tr -d '\r' | awk '/^memory:/ { print $2 }'; }
# For wait_until, which runs its command again each time.
allocated_at_least() { [ "$(allocated)" -ge "$1" ]; }
guest_mem_is() { [ "$(guest_mem)" = "$1" ]; }

mkcfg b "memory = 64" "maxmem = 64"
x create b.cfg >/dev/null || fail "create"
[ "$(guest_mem)" = 65536 ] || fail "guest memory at boot: $(guest_mem)"
# Fill the memory: the workload writes every page in turn.
guest b "dirty 128M/s" >/dev/null
wait_until 20 allocated_at_least $((60 * MIB)) ||
    fail "memory not filled: $(allocated) bytes"
guest b "dirty off" >/dev/null
sum=$(below 16)
full=$(allocated) rss_full=$(rss_kb)
echo "filled: $full bytes allocated, rss $rss_full KiB"

x mem-set b 16 || fail "mem-set 16"
wait_until 10 guest_mem_is 16384 ||
    fail "guest memory after mem-set 16: $(guest_mem)"
low=$(allocated) rss_low=$(rss_kb)
echo "ballooned: $low bytes allocated, rss $rss_low KiB"
[ "$low" -le $((16 * MIB)) ] || fail "$low bytes still allocated"
[ "$rss_low" -le $((rss_full - 40 * 1024)) ] ||
    fail "resident memory $rss_full -> $rss_low KiB"
[ "$(below 16)" = "$sum" ] || fail "memory below the target changed"
[ "$(field b 3)" = 16 ] || fail "list Mem: $(field b 3)"
x mem-set b 65 2>err && fail "mem-set above maxmem"
grep -q "above its maximum" err || fail "mem-set 65: $(cat err)"

# Up again: the pages given back are usable (and filled) once more.
x mem-set b 64 || fail "mem-set 64"
wait_until 10 guest_mem_is 65536 ||
    fail "guest memory after mem-set 64: $(guest_mem)"
[ "$(below 16)" = "$sum" ] || fail "memory below 16 MiB changed"
guest b "dirty 128M/s" >/dev/null
wait_until 20 allocated_at_least $((60 * MIB)) ||
    fail "memory above 16 MiB not used again: $(allocated) bytes"
guest b "dirty off" >/dev/null

# The balloon survives save/restore: the config carries the target.
x mem-set b 24 || fail "mem-set 24"
wait_until 10 guest_mem_is 24576 || fail "mem-set 24: $(guest_mem)"
sum=$(below 24)
x save b b.save 2>/dev/null || fail "save"
x restore b.save 2>/dev/null || fail "restore"
[ "$(guest_mem)" = 24576 ] || fail "guest memory after restore: $(guest_mem)"
[ "$(allocated)" -le $((24 * MIB)) ] || fail "restored: $(allocated) bytes"
[ "$(below 24)" = "$sum" ] || fail "memory changed in save/restore"
cleanup_domains
no_state_left
exit 0
