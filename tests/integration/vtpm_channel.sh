#!/usr/bin/env bash
# vtpm_channel.sh - vtpm-attach (served by a vTPM domain, never by
# Domain-0), vtpm-list in xl's format, vtpm-detach by number and by uuid,
# and channel-list, on the simulated backend.
. "$TOP/tests/integration/lifecycle.lib"

mkcfg g
x create g.cfg >/dev/null || fail "create g"
mkcfg vt
x create vt.cfg >/dev/null || fail "create vt"
vid=$(x domid vt) gid=$(x domid g)
hdr='Idx BE Uuid                                 handle state evt-ch ring-ref BE-path   '
[ "$(x vtpm-list g)" = "$hdr" ] || fail "empty list: '$(x vtpm-list g)'"

for a in "" "backend=Domain-0" "backend=nosuch" "backend=g" "uuid=zz" "x=1"; do
    # shellcheck disable=SC2086
    x vtpm-attach g $a 2>err && fail "vtpm-attach g $a accepted"
    [ "$(wc -l <err)" -eq 1 ] || fail "vtpm-attach $a: $(cat err)"
done
[ "$(x vtpm-list g | wc -l)" -eq 1 ] || fail "a refusal attached a vTPM"

u=6c8b7c3e-6f0e-4bd4-9a39-0d3b1c1c0a01
x vtpm-attach g backend=vt "uuid=$u" || fail "vtpm-attach"
x vtpm-attach g backend=vt "uuid=$u" 2>/dev/null && fail "same uuid twice"
x vtpm-attach g backend=vt || fail "second vTPM"
x vtpm-list g >list.out
row=$(printf '%-3d %-2d %s %6d %5d %6d %8d %-30s' 0 "$vid" "$u" 0 4 30 1024 \
      "/local/domain/$vid/backend/vtpm/$gid/0")
[ "$(sed -n 2p list.out)" = "$row" ] || fail "row: '$(sed -n 2p list.out)'"
[ "$(wc -l <list.out)" -eq 3 ] || fail "two vTPMs: $(cat list.out)"
x vtpm-detach g "$u" || fail "detach by uuid"
x vtpm-detach g 1 || fail "detach by number"
x vtpm-detach g 1 2>/dev/null && fail "detached twice"
x vtpm-detach g zz 2>/dev/null; [ $? -eq 2 ] || fail "bad device"
[ "$(x vtpm-list g | wc -l)" -eq 1 ] || fail "vTPMs left"
x vtpm-list g nosuch >/dev/null 2>&1 && fail "missing domain not reported"

# channel-list: xl's header; a simulated domain has no channels.
[ "$(x channel-list g)" = "$(printf '%-3s %-2s %-5s %-6s %8s %-10s %-30s' \
    Idx BE state evt-ch ring-ref connection '')" ] ||
    fail "channel-list: '$(x channel-list g)'"
x vtpm-attach g backend=vt || fail "vTPM for destroy"
cleanup_domains
no_state_left
exit 0
