/*
 * xlsxp.c - xl's legacy S-expression output, which xl prints instead of
 * JSON for `list -l` and `create -n` when xl.conf says
 * output_format="sxp".  Tools written against it (Ganeti's monitoring,
 * for one) read it line by line, so the layout is xl's, tab for tab.
 * Not to be confused with xm's SXP (sxp.c), which xend laid out
 * differently.
 */
#include <inttypes.h>
#include <stdio.h>

#include "xltool.h"

/* xl passes a string that may be NULL to printf; glibc prints that as
 * "(null)", which scripts then see. */
static const char *s_(const char *s)
{
    return s ? s : "(null)";
}

static const char *b_(libxl_defbool b)
{
    return libxl_defbool_to_string(b);
}

static void create_info(const libxl_domain_create_info *c,
                        const libxl_uuid *uuid)
{
    printf("\t(create_info)\n");
    printf("\t(hvm %d)\n", c->type == LIBXL_DOMAIN_TYPE_HVM);
    printf("\t(hap %s)\n", b_(c->hap));
    printf("\t(oos %s)\n", b_(c->oos));
    printf("\t(ssidref %d)\n", (int)c->ssidref);
    printf("\t(name %s)\n", s_(c->name));
    if (uuid)
        printf("\t(uuid " LIBXL_UUID_FMT ")\n", LIBXL_UUID_BYTES(*uuid));
    else
        printf("\t(uuid <unknown>)\n");
    if (c->pool_name)
        printf("\t(cpupool %s)\n", c->pool_name);
    printf("\t(xsdata %s)\n", c->xsdata ? "contains data" : "(null)");
    printf("\t(platformdata %s)\n",
           c->platformdata ? "contains data" : "(null)");
}

static void build_info(const libxl_domain_config *d)
{
    const libxl_domain_build_info *b = &d->b_info;
    int i;

    printf("\t(build_info)\n");
    printf("\t(max_vcpus %d)\n", b->max_vcpus);
    printf("\t(tsc_mode %s)\n", s_(libxl_tsc_mode_to_string(b->tsc_mode)));
    printf("\t(max_memkb %" PRId64 ")\n", (int64_t)b->max_memkb);
    printf("\t(target_memkb %" PRId64 ")\n", (int64_t)b->target_memkb);
    printf("\t(nomigrate %s)\n", b_(b->disable_migrate));
    if (d->c_info.type != LIBXL_DOMAIN_TYPE_PV || !b->u.pv.bootloader)
        return;
    printf("\t(bootloader %s)\n", b->u.pv.bootloader);
    if (!b->u.pv.bootloader_args)
        return;
    printf("\t(bootloader_args");
    for (i = 0; b->u.pv.bootloader_args[i]; i++)
        printf(" %s", b->u.pv.bootloader_args[i]);
    printf(")\n");
}

static void hvm_display(const libxl_domain_build_info *b)
{
    printf("\t\t\t(stdvga %s)\n",
           b->u.hvm.vga.kind == LIBXL_VGA_INTERFACE_TYPE_STD ? "True"
                                                             : "False");
    printf("\t\t\t(vnc %s)\n", b_(b->u.hvm.vnc.enable));
    printf("\t\t\t(vnclisten %s)\n", s_(b->u.hvm.vnc.listen));
    printf("\t\t\t(vncdisplay %d)\n", (int)b->u.hvm.vnc.display);
    printf("\t\t\t(vncunused %s)\n", b_(b->u.hvm.vnc.findunused));
    printf("\t\t\t(keymap %s)\n", s_(b->u.hvm.keymap));
    printf("\t\t\t(sdl %s)\n", b_(b->u.hvm.sdl.enable));
    printf("\t\t\t(opengl %s)\n", b_(b->u.hvm.sdl.opengl));
    printf("\t\t\t(nographic %s)\n", b_(b->u.hvm.nographic));
    printf("\t\t\t(spice %s)\n", b_(b->u.hvm.spice.enable));
    printf("\t\t\t(spiceport %d)\n", b->u.hvm.spice.port);
    printf("\t\t\t(spicetls_port %d)\n", b->u.hvm.spice.tls_port);
    printf("\t\t\t(spicehost %s)\n", s_(b->u.hvm.spice.host));
    printf("\t\t\t(spicedisable_ticketing %s)\n",
           b_(b->u.hvm.spice.disable_ticketing));
    printf("\t\t\t(spiceagent_mouse %s)\n", b_(b->u.hvm.spice.agent_mouse));
}

static void hvm_image(const libxl_domain_build_info *b)
{
    printf("\t\t(hvm\n");
    printf("\t\t\t(firmware %s)\n", s_(b->u.hvm.firmware));
    printf("\t\t\t(video_memkb %" PRId64 ")\n", (int64_t)b->video_memkb);
    printf("\t\t\t(shadow_memkb %" PRId64 ")\n", (int64_t)b->shadow_memkb);
    printf("\t\t\t(pae %s)\n", b_(b->u.hvm.pae));
    printf("\t\t\t(apic %s)\n", b_(b->u.hvm.apic));
    printf("\t\t\t(acpi %s)\n", b_(b->u.hvm.acpi));
    printf("\t\t\t(nx %s)\n", b_(b->u.hvm.nx));
    printf("\t\t\t(viridian %s)\n", b_(b->u.hvm.viridian));
    printf("\t\t\t(hpet %s)\n", b_(b->u.hvm.hpet));
    printf("\t\t\t(vpt_align %s)\n", b_(b->u.hvm.vpt_align));
    printf("\t\t\t(timer_mode %s)\n",
           s_(libxl_timer_mode_to_string(b->u.hvm.timer_mode)));
    printf("\t\t\t(nestedhvm %s)\n", b_(b->u.hvm.nested_hvm));
    hvm_display(b);
    printf("\t\t\t(device_model %s)\n",
           b->device_model ? b->device_model : "default");
    printf("\t\t\t(gfx_passthru %s)\n", b_(b->u.hvm.gfx_passthru));
    printf("\t\t\t(serial %s)\n", s_(b->u.hvm.serial));
    printf("\t\t\t(boot %s)\n", s_(b->u.hvm.boot));
    printf("\t\t\t(usb %s)\n", b_(b->u.hvm.usb));
    printf("\t\t\t(usbdevice %s)\n", s_(b->u.hvm.usbdevice));
    printf("\t\t)\n");
}

/* xl 4.17 has no layout for PVH here (it stops with an error); xltool
 * prints a PVH guest's kernel as it prints a PV one's. */
static void pv_image(const libxl_domain_config *d)
{
    const libxl_domain_build_info *b = &d->b_info;

    printf("\t\t(linux 0)\n");
    printf("\t\t\t(kernel %s)\n", s_(b->kernel));
    printf("\t\t\t(cmdline %s)\n", s_(b->cmdline));
    printf("\t\t\t(ramdisk %s)\n", s_(b->ramdisk));
    if (d->c_info.type == LIBXL_DOMAIN_TYPE_PV)
        printf("\t\t\t(e820_host %s)\n", b_(b->u.pv.e820_host));
    printf("\t\t)\n");
}

static void disks(const libxl_domain_config *d, int domid)
{
    const libxl_device_disk *k;
    int i;

    for (i = 0; i < d->num_disks; i++) {
        k = &d->disks[i];
        printf("\t(device\n\t\t(tap\n");
        printf("\t\t\t(backend_domid %d)\n", (int)k->backend_domid);
        printf("\t\t\t(frontend_domid %d)\n", domid);
        printf("\t\t\t(physpath %s)\n", s_(k->pdev_path));
        printf("\t\t\t(phystype %d)\n", (int)k->backend);
        printf("\t\t\t(virtpath %s)\n", s_(k->vdev));
        printf("\t\t\t(unpluggable %d)\n", k->removable);
        printf("\t\t\t(readwrite %d)\n", k->readwrite);
        printf("\t\t\t(is_cdrom %d)\n", k->is_cdrom);
        printf("\t\t)\n\t)\n");
    }
}

static void nics(const libxl_domain_config *d, int domid)
{
    const libxl_device_nic *n;
    int i;

    for (i = 0; i < d->num_nics; i++) {
        n = &d->nics[i];
        printf("\t(device\n\t\t(vif\n");
        if (n->ifname)
            printf("\t\t\t(vifname %s)\n", n->ifname);
        printf("\t\t\t(backend_domid %d)\n", (int)n->backend_domid);
        printf("\t\t\t(frontend_domid %d)\n", domid);
        printf("\t\t\t(devid %d)\n", n->devid);
        printf("\t\t\t(mtu %d)\n", n->mtu);
        printf("\t\t\t(model %s)\n", s_(n->model));
        printf("\t\t\t(mac %02x%02x%02x%02x%02x%02x)\n", n->mac[0],
               n->mac[1], n->mac[2], n->mac[3], n->mac[4], n->mac[5]);
        printf("\t\t)\n\t)\n");
    }
}

static void pcidevs(const libxl_domain_config *d)
{
    const libxl_device_pci *p;
    int i;

    for (i = 0; i < d->num_pcidevs; i++) {
        p = &d->pcidevs[i];
        printf("\t(device\n\t\t(pci\n");
        printf("\t\t\t(pci dev %04x:%02x:%02x.%01x@%02x)\n", p->domain,
               p->bus, p->dev, p->func, p->vdevfn);
        printf("\t\t\t(opts msitranslate %d power_mgmt %d)\n",
               p->msitranslate, p->power_mgmt);
        printf("\t\t)\n\t)\n");
    }
}

static void vfbs(const libxl_domain_config *d, int domid)
{
    const libxl_device_vfb *v;
    int i;

    for (i = 0; i < d->num_vfbs; i++) {
        v = &d->vfbs[i];
        printf("\t(device\n\t\t(vfb\n");
        printf("\t\t\t(backend_domid %d)\n", (int)v->backend_domid);
        printf("\t\t\t(frontend_domid %d)\n", domid);
        printf("\t\t\t(devid %d)\n", v->devid);
        printf("\t\t\t(vnc %s)\n", b_(v->vnc.enable));
        printf("\t\t\t(vnclisten %s)\n", s_(v->vnc.listen));
        printf("\t\t\t(vncdisplay %d)\n", (int)v->vnc.display);
        printf("\t\t\t(vncunused %s)\n", b_(v->vnc.findunused));
        printf("\t\t\t(keymap %s)\n", s_(v->keymap));
        printf("\t\t\t(sdl %s)\n", b_(v->sdl.enable));
        printf("\t\t\t(opengl %s)\n", b_(v->sdl.opengl));
        printf("\t\t\t(display %s)\n", s_(v->sdl.display));
        printf("\t\t\t(xauthority %s)\n", s_(v->sdl.xauthority));
        printf("\t\t)\n\t)\n");
    }
}

void xt_print_xl_sxp(int domid, const libxl_uuid *uuid,
                     const libxl_domain_config *d)
{
    printf("(domain\n\t(domid %d)\n", domid);
    create_info(&d->c_info, uuid);
    build_info(d);
    printf("\t(image\n");
    if (d->c_info.type == LIBXL_DOMAIN_TYPE_HVM)
        hvm_image(&d->b_info);
    else
        pv_image(d);
    printf("\t)\n");
    disks(d, domid);
    nics(d, domid);
    pcidevs(d);
    vfbs(d, domid);
    printf(")\n");
}
