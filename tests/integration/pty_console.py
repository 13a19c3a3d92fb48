#!/usr/bin/env python3
"""Drives `xltool console` (or `create -c`) through a real pty: waits for
the guest's prompt, types each --send line, prints the whole transcript, then
detaches with Ctrl-] and checks the tool exits 0 and restores the
terminal (--detach: another key, for console -e).  Used by the lifecycle
integration tests."""
import argparse
import os
import pty
import select
import sys
import termios
import time

PROMPT = b":~# "


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--send", action="append", default=[])
    ap.add_argument("--timeout", type=float, default=20)
    ap.add_argument("--detach", default="1d",
                    help="the detach key, in hex (default Ctrl-], 1d)")
    ap.add_argument("--expect-exit", action="store_true",
                    help="the console ends by itself (the guest stops)")
    ap.add_argument("argv", nargs="+")
    a = ap.parse_args()
    pid, fd = pty.fork()
    if pid == 0:
        os.execv(a.argv[0], a.argv)
    buf = b""

    def expect(pat, start):
        nonlocal buf
        end = time.time() + a.timeout
        while buf.find(pat, start) < 0:
            r, _, _ = select.select([fd], [], [], max(0, end - time.time()))
            if not r:
                sys.exit("timeout waiting for %r; got %r" % (pat, buf))
            try:
                data = os.read(fd, 4096)
            except OSError:
                data = b""
            if not data:
                sys.exit("console closed waiting for %r; got %r" % (pat, buf))
            buf += data
        return buf.find(pat, start) + len(pat)

    # A console attached after boot shows nothing until a key is typed.
    os.write(fd, b"\r")
    pos = expect(PROMPT, 0)
    for line in a.send:
        os.write(fd, line.encode() + b"\r")
        if a.expect_exit:
            break
        # The guest echoes what it is typed: its answer follows the echo.
        pos = expect(PROMPT, expect(line.encode(), pos))
    if a.expect_exit:
        try:
            while True:
                data = os.read(fd, 4096)
                if not data:
                    break
                buf += data
        except OSError:
            pass
    else:
        os.write(fd, bytes([int(a.detach, 16)]))
    _, st = os.waitpid(pid, 0)
    code = os.waitstatus_to_exitcode(st)
    sys.stdout.write(buf.decode(errors="replace"))
    if code != 0:
        sys.exit("console exited %d" % code)
    # The tool put the terminal in raw mode; it must have put it back.
    try:
        lflag = termios.tcgetattr(fd)[3]
    except termios.error:
        return
    if not lflag & termios.ICANON or not lflag & termios.ECHO:
        sys.exit("terminal mode not restored")


main()
