#!/usr/bin/env python3
"""Checks the expected JSON of the golden config tests against the real
xl 4.17, independently of xltool.

For each tests/config/ok-NAME.cfg:
  1. Python itself evaluates the xm config (as xend did), with the
     variables of ok-NAME.args set first and kept over the file's own
     assignments (xm create's rule);
  2. the result is written as an xl-syntax config (only literals), after
     the xm-only spellings listed in XM_TO_XL are rewritten;
  3. the real xl runs `create -n` on it (xlshim.so stands in for the
     hypervisor calls: an 8-CPU host with one NUMA node, the host the
     golden runs give the simulated backend), and its JSON must equal
     ok-NAME.json.

Usage: xl-oracle.py [--write] [NAME...]
  --write  store xl's JSON as ok-NAME.json instead of comparing.
Needs /usr/lib/xen-4.17/bin/xl and gcc; exits 77 when xl is missing.
"""
import math
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
CFGDIR = os.path.dirname(HERE)
XL = "/usr/lib/xen-4.17/bin/xl"


class Vars(dict):
    """Top-level namespace where command-line variables win."""

    def __init__(self, fixed):
        super().__init__(fixed)
        self.fixed = set(fixed)

    def __setitem__(self, k, v):
        if k not in self.fixed:
            super().__setitem__(k, v)


def cmdline_value(text):
    try:
        import ast
        return ast.literal_eval(text)
    except Exception:
        return text


def fix_disk(spec):
    # xm's forced sharing: libxl never checks sharing, so "w!" is "w".
    return re.sub(r"(^|,|=)w!(,|$)", r"\1w\2", spec)


def fix_vif(spec):
    return spec.replace("type=netfront", "type=vif")


def fix_vfb(spec):
    return spec.replace("type=vnc", "vnc=1").replace("type=sdl", "sdl=1")


def xm_to_xl(d, xm):
    """The xm spellings xltool accepts and xl does not (see xltool.cfg(5)).

    Those xl refuses (w!, builder "linux", a uuid without dashes) have
    xm's meaning whatever the personality.  Those xl reads as something
    else (vif type=netfront, vfb type=vnc, cpu_cap, bootargs) have xm's
    meaning only when the case runs as xm (NAME.xm exists); run as xltool,
    xltool must print what xl prints for the file as it is."""
    if "disk" in d:
        d["disk"] = [fix_disk(s) for s in d["disk"]]
    if xm:
        xm_readings(d)
    if d.get("builder") == "linux":
        d["builder"] = "generic"
    u = d.get("uuid")
    if isinstance(u, str) and "-" not in u and len(u) == 32:
        d["uuid"] = "-".join([u[:8], u[8:12], u[12:16], u[16:20], u[20:]])
    return d


def xm_readings(d):
    if "vif" in d:
        d["vif"] = [fix_vif(s) for s in d["vif"]]
    if "vfb" in d:
        d["vfb"] = [fix_vfb(s) for s in d["vfb"]]
    if "cpu_cap" in d and "cap" not in d:
        d["cap"] = d.pop("cpu_cap")
    if "bootargs" in d and "bootloader_args" not in d:
        d["bootloader_args"] = d.pop("bootargs")


def render(v):
    if isinstance(v, bool):
        return "1" if v else "0"
    if isinstance(v, float):
        v = math.floor(v)            # xm ran Python 2: int / int floors
    if isinstance(v, int):
        return str(v)
    if isinstance(v, str):
        return '"%s"' % v.replace("\\", "\\\\").replace('"', '\\"')
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(render(x) for x in v) + "]"
    raise TypeError(type(v))


def xl_text(cfg, args, xm=False):
    fixed = {}
    for a in args:
        k, _, val = a.partition("=")
        fixed[k] = cmdline_value(val)
    ns = Vars(fixed)
    src = open(cfg).read()
    exec(compile(src, cfg, "exec"), {"__builtins__": {}}, ns)
    d = xm_to_xl(dict(ns), xm)
    lines = []
    for k, v in d.items():
        if v is None:
            continue                 # xm: None means not set
        lines.append("%s = %s" % (k, render(v)))
    return "\n".join(lines) + "\n"


def run_xl(text, shim):
    with tempfile.NamedTemporaryFile("w", suffix=".cfg", delete=False) as f:
        f.write(text)
        path = f.name
    try:
        env = dict(os.environ, LD_PRELOAD=shim)
        p = subprocess.run([XL, "create", "-n", path], env=env,
                           capture_output=True, text=True)
        return p.returncode, p.stdout, p.stderr
    finally:
        os.unlink(path)


def main():
    argv = sys.argv[1:]
    write = "--write" in argv
    names = [a for a in argv if a != "--write"]
    if not os.access(XL, os.X_OK):
        print("SKIP: %s is not installed" % XL)
        return 77
    shim = os.path.join(tempfile.gettempdir(), "xltool-xlshim.so")
    subprocess.run(["gcc", "-shared", "-fPIC", "-o", shim,
                    os.path.join(HERE, "xlshim.c")], check=True)
    fails = 0
    cases = sorted(f[3:-4] for f in os.listdir(CFGDIR)
                   if f.startswith("ok-") and f.endswith(".cfg"))
    for name in cases:
        if names and name not in names:
            continue
        base = os.path.join(CFGDIR, "ok-" + name)
        args = []
        if os.path.exists(base + ".args"):
            args = open(base + ".args").read().split("\n")
            args = [a for a in args if a]
        text = xl_text(base + ".cfg", args, os.path.exists(base + ".xm"))
        rc, out, err = run_xl(text, shim)
        if rc != 0:
            print("FAIL %s: xl refused the equivalent config:\n%s%s"
                  % (name, text, err))
            fails += 1
            continue
        if write:
            open(base + ".json", "w").write(out)
            print("wrote ok-%s.json" % name)
        elif open(base + ".json").read() != out:
            print("FAIL %s: xl's JSON differs from ok-%s.json" % (name, name))
            fails += 1
        else:
            print("PASS %s" % name)
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
