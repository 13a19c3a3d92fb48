#!/usr/bin/env bash
# pci_cdrom.sh - the pci-assignable-* commands on the simulated host (the
# machine's real devices, read from sysfs, never touched), pci-attach,
# -detach and -list with their refusals, and cd-insert / cd-eject on an
# HVM guest.
. "$TOP/tests/integration/lifecycle.lib"

bdf=$(ls /sys/bus/pci/devices 2>/dev/null | head -1)
[ -n "$bdf" ] || { echo "SKIP: this machine has no PCI devices"; exit 77; }
driver_before=$(readlink "/sys/bus/pci/devices/$bdf/driver" 2>/dev/null)

[ -z "$(x pci-assignable-list)" ] || fail "assignable at start"
x pci-assignable-add "$bdf" || fail "pci-assignable-add"
[ "$(x pci-assignable-list)" = "$bdf" ] || fail "list: $(x pci-assignable-list)"
x pci-assignable-add "$bdf" 2>/dev/null && fail "added twice"
x pci-assignable-add ffff:ff:1f.7 2>/dev/null && fail "absent device taken"
x pci-assignable-add zz 2>/dev/null; [ $? -eq 2 ] || fail "bad BDF"
# The real device is left alone.
[ "$(readlink "/sys/bus/pci/devices/$bdf/driver" 2>/dev/null)" = \
  "$driver_before" ] || fail "the device's driver changed"

mkcfg p1
x create p1.cfg >/dev/null || fail "create p1"
mkcfg p2
x create p2.cfg >/dev/null || fail "create p2"
x pci-attach p1 "$bdf" 5 || fail "pci-attach"
[ "$(x pci-list p1)" = "Vdev Device
05.0 $bdf" ] || fail "pci-list: $(x pci-list p1)"
x list -l p1 | grep -q '"pcidevs"' || fail "not in list -l"
x pci-attach p2 "$bdf" 2>err && fail "attached to two domains"
[ "$(wc -l <err)" -eq 1 ] || fail "one line: $(cat err)"
x pci-assignable-remove "$bdf" 2>/dev/null && fail "removed while attached"
x -N pci-detach p1 "$bdf" || fail "-N pci-detach"
[ -n "$(x pci-list p1)" ] || fail "-N detached"
x pci-detach -f p1 "$bdf" || fail "pci-detach -f"
[ -z "$(x pci-list p1)" ] || fail "still listed"
x pci-detach p1 "$bdf" 2>/dev/null && fail "detached twice"
x pci-assignable-remove -r "$bdf" || fail "pci-assignable-remove"
[ -z "$(x pci-assignable-list)" ] || fail "still assignable"
x pci-attach p2 "$bdf" 2>/dev/null && fail "attached a non-assignable"

# CD-ROM media: HVM only, into a CD-ROM drive, a readable image.
printf 'name = "cd"\nbuilder = "hvm"\nmemory = 16\ndisk = [ ",hdc:cdrom,r", "file:%s,hda,w" ]\n' \
    "$IMG/disk.img" >cd.cfg
x create cd.cfg >/dev/null || fail "create cd"
x cd-insert cd hdc "$IMG/disk2.img" || fail "cd-insert"
target() { x list -l cd | python3 -c 'import json,sys; d=[d for d in json.load(sys.stdin)[0]["config"]["disks"] if d["vdev"] == "hdc"][0]; print(d.get("pdev_path", ""))'; }
[ "$(target)" = "$IMG/disk2.img" ] || fail "medium: $(target)"
for a in "cd hda $IMG/disk2.img" "cd hdd $IMG/disk2.img" \
         "cd hdc /nonexistent" "p1 hdc $IMG/disk2.img"; do
    # shellcheck disable=SC2086
    x cd-insert $a 2>err && fail "cd-insert $a accepted"
    [ "$(wc -l <err)" -eq 1 ] || fail "cd-insert $a: $(cat err)"
done
[ "$(target)" = "$IMG/disk2.img" ] || fail "a refusal changed the medium"
x cd-eject cd hdc || fail "cd-eject"
[ -z "$(target)" ] || fail "ejected medium: $(target)"
cleanup_domains
no_state_left
exit 0
