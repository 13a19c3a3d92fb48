#!/usr/bin/env bash
# usb.sh - usbctrl-attach/-detach, usbdev-attach/-detach and usb-list on
# the simulated backend: controllers in xl's format, refusals changing
# nothing, and (when this machine has USB devices) a host device given to
# one domain at a time.
. "$TOP/tests/integration/lifecycle.lib"

mkcfg u1
x create u1.cfg >/dev/null || fail "create u1"
mkcfg u2
x create u2.cfg >/dev/null || fail "create u2"
[ -z "$(x usb-list u1)" ] || fail "controllers at start"
x usbctrl-attach u1 version=1 ports=2 || fail "usbctrl-attach"
x usbctrl-attach u1 type=qusb || fail "second controller"
want=$(printf '%-6s %-12s %-3s %-5s %-7s %-5s\n%-6d %-12s %-3d %-5d %-7d %-5d\n  Port 1:\n  Port 2:' \
    Devid Type BE state usb-ver ports 0 pv 0 4 1 2)
[ "$(x usb-list u1 | head -4)" = "$want" ] || fail "usb-list: $(x usb-list u1)"
x usb-list u1 | grep -q '^1      qusb         0   4     2       8    $' ||
    fail "qusb controller: $(x usb-list u1)"

before=$(x usb-list u1)
for a in "version=3" "ports=32" "type=bogus" "color=red"; do
    x usbctrl-attach u1 "$a" 2>/dev/null; [ $? -eq 2 ] ||
        fail "usbctrl-attach $a"
done
x usbdev-attach u1 hostbus=250 hostaddr=250 2>err && fail "absent device"
grep -q 'no USB device at bus 250' err || fail "absent: $(cat err)"
x usbdev-attach u1 hostbus=1 2>/dev/null; [ $? -eq 2 ] || fail "no hostaddr"
x usbdev-attach u1 hostbus=1 hostaddr=2 port=1 2>/dev/null; [ $? -eq 2 ] ||
    fail "port without controller"
x usbdev-detach u1 0 1 2>/dev/null && fail "detached an empty port"
x usbctrl-detach u1 7 2>/dev/null && fail "detached a missing controller"
[ "$(x usb-list u1)" = "$before" ] || fail "a refusal changed u1"

# A real device of this machine, when it has one.
dev=$(for d in /sys/bus/usb/devices/*; do
          [ -r "$d/busnum" ] && [ -r "$d/devnum" ] &&
              echo "$(cat "$d/busnum") $(cat "$d/devnum")"
      done 2>/dev/null | head -1)
if [ -n "$dev" ]; then
    set -- $dev
    x usbdev-attach u1 hostbus="$1" hostaddr="$2" controller=0 port=2 ||
        fail "usbdev-attach"
    x usb-list u1 | grep -q "^  Port 2: Bus $(printf %03x "$1") Device $(printf %03x "$2")$" ||
        fail "device not listed: $(x usb-list u1)"
    x usbdev-attach u2 hostbus="$1" hostaddr="$2" 2>/dev/null &&
        fail "device given to two domains"
    x usbdev-detach u1 0 2 || fail "usbdev-detach"
    # On a domain without controllers, one is made.
    x usbdev-attach u2 hostbus="$1" hostaddr="$2" || fail "auto controller"
    [ "$(x usb-list u2 | sed -n 2p | awk '{print $1, $2}')" = "0 pv" ] ||
        fail "auto controller: $(x usb-list u2)"
else
    echo "this machine has no USB devices: device attach not exercised"
fi

x usbctrl-detach u1 0 || fail "usbctrl-detach"
x usb-list u1 | grep -q '^0 ' && fail "controller 0 still listed"
cleanup_domains
no_state_left
exit 0
