#!/usr/bin/env python3
"""Differential check against the real xl 4.17: random literal configs
built from the keys xltool reads are given to both `xl create -n` (with
xlshim.so) and `xltool create -n`; when xl accepts a config, both JSON
outputs must be identical.

Usage: xl-diff.py [COUNT] [SEED]    (needs /usr/lib/xen-4.17/bin/xl and
a built build/xltool; exits 77 when xl is missing).  Each config is
read for a host drawn from HOSTS: xlshim.c reports it to xl through
XLSHIM_CPUS / XLSHIM_NODES, the simulated backend to xltool through
XLTOOL_SIM_CPUS / XLTOOL_SIM_NODES.
"""
import os
import random
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(os.path.dirname(HERE)))
XL = "/usr/lib/xen-4.17/bin/xl"

VALUES = {
    "memory": ["128", "'512'", "1024"], "maxmem": ["2048", "'256'"],
    "vcpus": ["1", "2", "4"], "maxvcpus": ["4", "8"],
    "cpus": ["'0-3'", "'1,3'", "['0', '1-2']", "'0-7,^3'"],
    "cpus_soft": ["'2-3'", "['1']"],
    "cpu_weight": ["256", "512"], "cap": ["0", "50"],
    "kernel": ["'/boot/vmlinuz'"], "ramdisk": ["'/boot/initrd'"],
    "root": ["'/dev/xvda1'"], "extra": ["'console=hvc0'"],
    "cmdline": ["'quiet'"], "bootloader": ["'pygrub'"],
    "bootloader_args": ["['-q']", "'-q --x'"],
    "on_poweroff": ["'destroy'", "'restart'", "'preserve'"],
    "on_reboot": ["'rename-restart'", "'destroy'"],
    "on_crash": ["'coredump-destroy'", "'coredump-restart'"],
    "on_watchdog": ["'restart'"], "on_soft_reset": ["'destroy'"],
    "localtime": ["0", "1"], "nomigrate": ["1"], "hap": ["0", "1"],
    "oos": ["0"], "acpi": ["0", "1"], "apic": ["1"], "pae": ["1"],
    "nx": ["0"], "hpet": ["1"], "viridian": ["1", "0"],
    "videoram": ["8", "16"], "shadow_memory": ["4"],
    "rtc_timeoffset": ["3600"], "tsc_mode": ["'native'", "'always_emulate'"],
    "timer_mode": ["'no_delay_for_missed_ticks'"],
    "boot": ["'cd'", "'n'"], "serial": ["'pty'", "['pty', 'null']"],
    "usb": ["1"], "usbdevice": ["'tablet'", "['tablet', 'mouse']"],
    "soundhw": ["'ac97'"], "stdvga": ["0", "1"], "vga": ["'cirrus'"],
    "vnc": ["0", "1"], "vnclisten": ["'0.0.0.0'"], "vncdisplay": ["2"],
    "vncunused": ["0", "1"], "vncpasswd": ["'pw'"], "sdl": ["0", "1"],
    "opengl": ["1"], "keymap": ["'de'"], "xen_platform_pci": ["0"],
    "device_model_version": ["'qemu-xen'", "'qemu-xen-traditional'"],
    "device_model_override": ["'/usr/bin/qemu'"],
    "device_model_args": ["['-a', 'b']"], "max_grant_frames": ["32"],
    "max_event_channels": ["1023"], "e820_host": ["1"],
    "disk": ["['file:/i/a,xvda,w']", "['phy:/dev/x,hda,r', ',hdc:cdrom,r']",
             "['/i/b,qcow2,xvdb,rw', 'tap:aio:/i/c,xvdc,w']",
             "['vdev=xvde,access=r,target=/i/e']"],
    "vif": ["['']", "['bridge=br0,mac=00:16:3e:00:00:01']",
            "['type=ioemu,model=e1000', 'rate=1Mb/s,ip=1.2.3.4']",
            "['vifname=v,script=vif-route,backend=d,gatewaydev=eth0']"],
    "vfb": ["['vnc=1,vnclisten=1.2.3.4']", "['sdl=1,display=:0']"],
    "pci": ["['01:00.0']", "['0000:02:00.1,permissive=1', '03:00.0@4']"],
    "pci_permissive": ["1"], "pci_msitranslate": ["0", "1"],
    # Host-sized CPU lists, xl's vif flags, the keys read through libxl's
    # less common types, and xm spellings xl reads as something else.
    "cpus": ["'0-3'", "'1,3'", "['0', '1-2']", "'0-7,^3'", "'all'",
             "'all,^1'", "'nodes:0'", "'nodes:1,^9'", "'^0'", "'3-17'",
             "['all', 'nodes:0-1']"],
    "cpus_soft": ["'2-3'", "['1']", "'node:0,^1'", "'^0'", "'all'"],
    "vif": ["['']", "['bridge=br0,mac=00:16:3e:00:00:01']",
            "['type=ioemu,model=e1000', 'rate=1Mb/s,ip=1.2.3.4']",
            "['vifname=v,script=vif-route,backend=d,gatewaydev=eth0']",
            "['trusted', 'untrusted,bridge=b', 'foo,colour=red']",
            "['type=netfront,mac=00:16:3e:1:2:3']"],
    "vfb": ["['vnc=1,vnclisten=1.2.3.4']", "['sdl=1,display=:0']",
            "['type=vnc,vncdisplay=3']"],
    "bootargs": ["'--kernel=/k'"], "cpu_cap": ["30"],
    "seclabel": ["'a:b:c'"], "init_seclabel": ["'d:e:f'"],
    "device_model_stubdomain_seclabel": ["'g:h:i'"],
    "passthrough": ["'disabled'", "'enabled'", "'share_pt'"],
    "cpuid": ["'host,tm=0,sse3=0'", "'host,aes=1,nosuch=1'",
              "['1:ecx=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx1', '7:eax=x']"],
    "channel": ["['connection=pty,name=a']",
                "['connection=socket,path=/s,name=b,backend=d', "
                "'name=c,connection=pty,foo=1']"],
    "usbctrl": ["['type=qusb,version=3,ports=8', 'type=pv']",
                "['version=2']"],
    "usbdev": ["['']", "['hostbus=1,hostaddr=2,controller=0,port=1', "
               "'type=hostdev,hostbus=3,hostaddr=4']"],
    "vnuma": ["[['pnode=0','size=512','vcpus=0-1','vdistances=10,20'], "
              "['pnode=0','size=512','vcpus=2-3','vdistances=20,10']]",
              "[['pnode=1','size=256','vcpus=0']]",
              "[['size=128','vcpus=0,x']]"],
}

# (CPUs, NUMA nodes) of the host both tools are given.
HOSTS = [(8, 1), (8, 2), (2, 1), (16, 4), (12, 3)]


def random_config(rng):
    lines = ["name = 'rnd'", "uuid = '11111111-2222-3333-4444-555555555555'"]
    t = rng.choice(["pv", "hvm", "pvh", None])
    if t:
        lines.append("type = '%s'" % t)
    if t != "hvm":
        lines.append("kernel = '/boot/vmlinuz'")
    for key in rng.sample(sorted(VALUES), rng.randint(3, 14)):
        lines.append("%s = %s" % (key, rng.choice(VALUES[key])))
    return "\n".join(lines) + "\n"


def run(cmd, path, env):
    p = subprocess.run(cmd + [path], capture_output=True, text=True, env=env)
    return p.returncode, p.stdout


def main():
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    rng = random.Random(int(sys.argv[2]) if len(sys.argv) > 2 else 1)
    if not os.access(XL, os.X_OK):
        print("SKIP: %s is not installed" % XL)
        return 77
    shim = os.path.join(tempfile.gettempdir(), "xltool-xlshim.so")
    subprocess.run(["gcc", "-shared", "-fPIC", "-o", shim,
                    os.path.join(HERE, "xlshim.c")], check=True)
    xl_env = dict(os.environ, LD_PRELOAD=shim)
    xltool = os.path.join(TOP, "build", "xltool")
    same = differ = skipped = 0
    with tempfile.TemporaryDirectory() as d:
        my_env = dict(os.environ, XLTOOL_XL_CONF="/dev/null",
                      XLTOOL_BACKEND="sim", XLTOOL_SIM_DIR=d + "/sim")
        path = os.path.join(d, "rnd.cfg")
        for _ in range(count):
            text = random_config(rng)
            cpus, nodes = rng.choice(HOSTS)
            xl_env.update(XLSHIM_CPUS=str(cpus), XLSHIM_NODES=str(nodes))
            my_env.update(XLTOOL_SIM_CPUS=str(cpus),
                          XLTOOL_SIM_NODES=str(nodes))
            open(path, "w").write(text)
            rc_xl, out_xl = run([XL, "create", "-n"], path, xl_env)
            if rc_xl != 0:
                skipped += 1
                continue
            rc_me, out_me = run([xltool, "create", "-n"], path, my_env)
            if rc_me == 0 and out_me == out_xl:
                same += 1
                continue
            differ += 1
            print("DIFFERS (xltool rc=%d, host %d CPUs %d nodes):\n%s"
                  % (rc_me, cpus, nodes, text))
    print("%d identical, %d different, %d refused by xl" %
          (same, differ, skipped))
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
