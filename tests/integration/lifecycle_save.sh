#!/usr/bin/env bash
# lifecycle_save.sh - save and restore keep the guest's memory: its
# checksum is the same before and after, its counter goes on from where
# it was, and so does its dirty workload; save -c leaves the domain
# running; restore -p leaves it paused; the save file is xl's format
# (magic, byte order, JSON config), with our stream flag so that xl would
# refuse it; damaged files are refused.
. "$TOP/tests/integration/lifecycle.lib"

mkcfg s "disk = [ 'file:$IMG/disk.img,xvda,w' ]" "memory = 32"
x create s.cfg >/dev/null || fail "create"
guest s "dirty 1M/s" >/dev/null
sleep 1
guest s "dirty off" >/dev/null
sum1=$(checksum s); cnt1=$(counter s)
[ -n "$sum1" ] || fail "no checksum"
x mem-max s 64 || fail "mem-max"      # the config now differs from boot

x save s s.save 2>err || fail "save: $(cat err)"
grep -q "^Saving to s.save new xl format" err || fail "save message"
x list s >/dev/null 2>&1 && fail "domain still there after save"
head -c 32 s.save | cmp -s - <(printf 'Xen saved domain, xl format\n \0 \r') ||
    fail "save-file magic"
od -An -tx4 -j32 -N8 s.save | grep -q '01020304 80000001' ||
    fail "byte order / mandatory flags: $(od -An -tx4 -j32 -N8 s.save)"
grep -aq '"name": "s"' s.save || fail "config JSON in the header"
[ "$(stat -c %s s.save)" -lt $((8 << 20)) ] || fail "save file not sparse-aware"

x restore s.save 2>err || fail "restore: $(cat err)"
[ "$(x list -l s | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["config"]["b_info"]["max_memkb"])')" = 65536 ] ||
    fail "mem-max lost in save/restore"
sum2=$(checksum s); cnt2=$(counter s)
[ "$sum1" = "$sum2" ] || fail "checksum $sum1 before, $sum2 after"
[ "$cnt2" -ge "$cnt1" ] || fail "counter went back: $cnt1 -> $cnt2"
x block-list s | grep -q '^51712 ' || fail "disk lost in restore"

# A checkpoint leaves it running; restoring the copy needs the name free.
x save -c s s2.save 2>/dev/null || fail "save -c"
[ -n "$(state s)" ] || fail "domain gone after save -c"
x restore s2.save 2>err && fail "restore under a taken name"
grep -q "already exists" err || fail "restore duplicate: $(cat err)"
x destroy s
x restore -p s2.save 2>/dev/null || fail "restore -p"
[ "$(state s)" = --p--- ] || fail "restore -p state '$(state s)'"
x unpause s
[ "$(checksum s)" = "$sum1" ] || fail "checkpoint copy differs"
# What the guest was running (its workload, kept in its memory) runs on.
guest s "dirty 1M/s" >/dev/null
x save s s3.save 2>/dev/null || fail "save with the workload on"
x restore s3.save 2>/dev/null || fail "restore with the workload on"
guest s status | tr -d '\r' | grep -qx 'dirty: 1048576 bytes/s' ||
    fail "the workload stopped in save and restore"
x destroy s

# Damaged files: a clear error, no domain, no state.
head -c 40 s.save >short.save
x restore short.save 2>err && fail "truncated header accepted"
grep -q "truncated" err || fail "truncated: $(cat err)"
head -c $(( $(stat -c %s s.save) - 5000 )) s.save >cut.save
x restore cut.save 2>err && fail "truncated stream accepted"
grep -q "truncated" err || fail "cut stream: $(cat err)"
printf 'not a save file at all, not at all, no no no no no no' >junk.save
x restore junk.save 2>err && fail "junk accepted"
grep -q "bad magic" err || fail "junk: $(cat err)"
x restore nosuch.save 2>err && fail "missing file accepted"
x save nosuch x.save 2>err && fail "save of unknown domain"
grep -q "nosuch" err || fail "save error does not name the domain"
no_state_left
exit 0
