#!/usr/bin/env bash
# lifecycle_live.sh - the simulated backend's live send: with the guest
# dirtying memory, the memory goes in pre-copy rounds while it runs, then
# the guest is stopped for the last round; the copy restored from the
# stream has exactly the memory the guest had when stopped; a send that
# is undone (resume) leaves the guest running on.
. "$TOP/tests/integration/lifecycle.lib"
SEND=$TOP/$BUILD/tests/sim_livesend

mkcfg live "memory = 64" "disk = [ 'file:$IMG/disk.img,xvda,w' ]"
x create live.cfg >/dev/null 2>&1 || fail "create"
guest live "dirty 64M/s" >/dev/null || fail "dirty"
# Pre-copy must resend what the guest dirtied while a round ran.  Whether
# a given round catches the guest writing depends on scheduling, so an
# attempt that did not is undone (resume) and tried again.
for try in 1 2 3 4 5; do
    "$SEND" live live.save --resume >send.out || fail "send: $(cat send.out)"
    grep -Eq '^round [1-9][0-9]* sent [0-9]+ of 67108864 dirty [1-9][0-9]* suspended 0$' send.out &&
        break
done
cat send.out
grep -Eq '^round [1-9][0-9]* sent [0-9]+ of 67108864 dirty [1-9][0-9]* suspended 0$' send.out ||
    fail "no live round resent dirtied pages in 5 tries"
grep -q '^round 0 .* suspended 0$' send.out || fail "first pass not live"
tail -2 send.out | head -1 | grep -q 'suspended 1$' || fail "last round not stopped"

# The real one: the copy has exactly the memory of the stopped guest.
"$SEND" live live.save >send.out || fail "live send: $(cat send.out)"
sum=$(awk '/^checksum/ { print $2 }' send.out)
[ "$(state live)" = ---ss- ] || fail "sent domain state '$(state live)'"

# The receiving end of a migration on the same host: the copy comes up
# paused although the source still holds the disk; the lock moves to the
# copy when the source is destroyed, and never goes free in between.
mkcfg intruder "disk = [ 'file:$IMG/disk.img,xvda,w' ]"
x rename live live-src || fail "rename the source"
x restore live.save 2>err && fail "restore took a disk in use"
grep -q "in use by another domain" err || fail "restore: $(cat err)"
"$SEND" --receive live.save copy >recv.out || fail "migration receive"
grep -qx "checksum $sum" recv.out || fail "received memory differs: \
$(cat recv.out), sent $sum"
[ "$(state copy)" = --p--- ] || fail "received copy state '$(state copy)'"
x create intruder.cfg 2>/dev/null && fail "disk free while both exist"
x destroy live-src
sleep 0.5
x create intruder.cfg 2>/dev/null && fail "disk free after the source went"
x rename copy live && x unpause live || fail "start the copy"
# The workload lives in guest memory: it goes on in the copy.
guest live status | tr -d '\r' >status.out
grep -qx 'dirty: 67108864 bytes/s' status.out ||
    fail "the dirty workload stopped in the copy"
# Its prompt follows the rename that came while it was paused.
grep -q 'root@live:~#' status.out && ! grep -q 'root@copy' status.out ||
    fail "the prompt kept the received name: $(cat status.out)"
guest live "dirty off" >/dev/null

# Undone: the guest runs on and its counter keeps going.
c1=$(counter live)
"$SEND" live undo.save --resume >/dev/null || fail "send + resume"
[[ $(state live) =~ ^[-r][-b]----$ ]] || fail "not running after resume"
sleep 0.5
[ "$(counter live)" -gt "$c1" ] || fail "counter stopped after resume"
cleanup_domains
no_state_left
exit 0
