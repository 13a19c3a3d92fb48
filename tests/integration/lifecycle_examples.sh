#!/usr/bin/env bash
# lifecycle_examples.sh - every config in examples/ creates a running
# simulated domain (with imgdir= pointing its kernel, ramdisk and disks at
# dummy files made here, and vg= its LVM volumes), is listed under its
# name, and is destroyed.
. "$TOP/tests/integration/lifecycle.lib"

shopt -s nullglob
cfgs=("$TOP"/examples/*.cfg)
if [ ${#cfgs[@]} -eq 0 ]; then
    echo "SKIP: no configs in examples/"
    exit 77
fi
for cfg in "${cfgs[@]}"; do
    x create -n "$cfg" imgdir="$IMG" vg="$IMG/vg" >dry.json 2>err ||
        fail "$(basename "$cfg"): create -n: $(cat err)"
    # The files the config names inside imgdir must exist: make them.
    python3 - dry.json "$IMG" <<'PY' || fail "$(basename "$cfg"): paths"
import json, os, sys
c = json.load(open(sys.argv[1]))
b = c.get("b_info", {})
paths = [b.get("kernel"), b.get("ramdisk")]
paths += [d.get("pdev_path") for d in c.get("disks", [])]
for p in paths:
    if p and p.startswith(sys.argv[2] + "/"):
        os.makedirs(os.path.dirname(p), exist_ok=True)
        open(p, "a").close()
PY
    name=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["c_info"]["name"])' dry.json)
    x create "$cfg" imgdir="$IMG" vg="$IMG/vg" >/dev/null 2>err ||
        fail "$(basename "$cfg"): create: $(cat err)"
    st=$(state "$name")
    [[ $st =~ ^[-r][-b]----$ ]] || fail "$(basename "$cfg"): state '$st'"
    x destroy "$name" || fail "$(basename "$cfg"): destroy"
done
no_state_left
exit 0
