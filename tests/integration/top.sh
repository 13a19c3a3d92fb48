#!/usr/bin/env bash
# top.sh - top -b: xentop's header and columns for each domain, -i/-d,
# CPU(%) from the second update on, the vcpu, network and disk lines; and
# the terminal view drawn and left with 'q' (through a pty).
. "$TOP/tests/integration/lifecycle.lib"

mkcfg tp "vcpus = 2" "disk = [ 'file:$IMG/disk.img,xvda,w' ]"
x create tp.cfg >/dev/null || fail "create"

hdr='      NAME  STATE   CPU(sec) CPU(%)     MEM(k) MEM(%)  MAXMEM(k) MAXMEM(%) VCPUS NETS NETTX(k) NETRX(k) VBDS   VBD_OO   VBD_RD   VBD_WR  VBD_RSECT  VBD_WSECT SSID'
x top -b -i 2 -d 1 >top.out || fail "top -b"
[ "$(grep -c '^      NAME ' top.out)" -eq 2 ] || fail "two updates: $(cat top.out)"
[ "$(head -1 top.out)" = "$hdr" ] || fail "header: $(head -1 top.out)"
row=$(grep '^        tp ' top.out | tail -1)
[[ $row =~ ^\ {8}tp\ --b---\ +[0-9]+\ +[0-9]+\.[0-9]\ +16384\ +[0-9.]+\ +16384\ +[0-9.]+\ +2\ +0\ +0\ +0\ +1\ +-\ +-\ +-\ +-\ +-\ +0$ ]] ||
    [[ $row =~ ^\ {8}tp\ -----r ]] || fail "tp row: '$row'"
# Columns line up with the header.
[ "${#row}" -eq "${#hdr}" ] || fail "row width ${#row}, header ${#hdr}"
grep -q '^  Domain-0 -----r ' top.out || fail "Domain-0 row"

# -v -x -n: the detail lines; -r: a header per domain.
x top -b -i 1 -v -x -n -r >detail.out || fail "top -b -v -x -n -r"
[ "$(grep -c '^      NAME ' detail.out)" -eq 2 ] || fail "-r headers"
grep -Eq '^VCPUs\(sec\):   0: +[0-9]+s  1: +[0-9]+s$' detail.out ||
    fail "vcpu line: $(cat detail.out)"
grep -q '^VBD BlkBack 51712 \[ca: 0\]  OO:        -   RD:        -' \
    detail.out || fail "vbd line"
x top -b -i 0 2>/dev/null; [ $? -eq 2 ] || fail "-i 0 taken"
x top -b -d x 2>/dev/null; [ $? -eq 2 ] || fail "-d x taken"
x top </dev/null >/dev/null 2>err && fail "top without a terminal"
grep -q -- '-b' err || fail "no hint: $(cat err)"

# The terminal view: summary lines, then 'q' leaves it.
python3 - "$XLTOOL" <<'PY' || fail "terminal view"
import os, pty, select, sys, time
pid, fd = pty.fork()
if pid == 0:
    os.execv(sys.argv[1], [sys.argv[1], "top", "-d", "1"])
buf, end = b"", time.time() + 10
while b"Q:Quit" not in buf and time.time() < end:
    if select.select([fd], [], [], 1)[0]:
        buf += os.read(fd, 4096)
assert b"xentop - " in buf and b" domains: " in buf, buf
assert b"CPUs: " in buf and b"      NAME " in buf, buf
os.write(fd, b"q")
_, st = os.waitpid(pid, 0)
assert os.waitstatus_to_exitcode(st) == 0, st
PY
x destroy tp
exit 0
