/*
 * domctl.c - commands that act on one running domain: destroy, shutdown,
 * reboot, pause, unpause, rename, mem-set, mem-max, trigger, sysrq and
 * dump-core; and the domain lookup every command uses.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xltool.h"

int xt_find_domain(struct be *be, const char *spec, uint32_t *domid_r)
{
    char err[XT_ERRLEN];

    if (core_lookup(be, spec, domid_r, err)) {
        xt_err("%s", err);
        return -1;
    }
    return 0;
}

/*
 * A backend call on one domain; arg is what the command parsed besides the
 * domain (NULL when nothing).
 */
typedef int dom_op(struct be *be, uint32_t domid, const void *arg,
                   char *err);

static dom_op op_rename, op_setmem, op_setmaxmem;

/* Operations whose change a managed domain's store entry must keep. */
static int changes_config(dom_op *op)
{
    return op == op_rename || op == op_setmem || op == op_setmaxmem;
}

/* Opens the backend, finds the domain SPEC and runs OP on it. */
static int on_domain(const char *cmd, const char *spec, dom_op *op,
                     const void *arg)
{
    char err[XT_ERRLEN];
    struct be *be = NULL;
    uint32_t domid;
    int rc = EXIT_FAIL;

    be = xt_backend();
    if (!be || xt_find_domain(be, spec, &domid))
        goto out;
    if (op(be, domid, arg, err)) {
        xt_err("%s: %s", cmd, err);
        goto out;
    }
    if (changes_config(op) && xt_managed_sync(be, domid))
        goto out;
    rc = EXIT_OK;
out:
    core_close(be);
    return rc;
}

/* The common shape: one domain argument, one backend call. */
static int simple(int argc, char **argv, const char *cmd, dom_op *op)
{
    int opt;

    SWITCH_FOREACH_OPT(opt, "", NULL, cmd, 1) {
    }
    xt_check_max_args(argc, argv, 1, cmd);
    return on_domain(cmd, argv[optind], op, NULL);
}

static int op_destroy(struct be *be, uint32_t domid, const void *arg,
                      char *err)
{
    (void)arg;
    return be->ops->destroy(be, domid, err);
}

static int op_pause(struct be *be, uint32_t domid, const void *arg,
                    char *err)
{
    (void)arg;
    return be->ops->pause(be, domid, err);
}

static int op_unpause(struct be *be, uint32_t domid, const void *arg,
                      char *err)
{
    (void)arg;
    return be->ops->unpause(be, domid, err);
}

int main_destroy(int argc, char **argv)
{
    return simple(argc, argv, "destroy", op_destroy);
}

int main_pause(int argc, char **argv)
{
    return simple(argc, argv, "pause", op_pause);
}

int main_unpause(int argc, char **argv)
{
    return simple(argc, argv, "unpause", op_unpause);
}

/* Waits until none of the domains is still up: each has gone, or has
 * stopped and been preserved. */
static int wait_down(struct be *be, const uint32_t *ids, int n)
{
    struct be_dominfo *l;
    char err[XT_ERRLEN];
    int nl, i, j, up;

    for (;;) {
        if (be->ops->list(be, &l, &nl, err)) {
            xt_err("%s", err);
            return -1;
        }
        for (up = 0, i = 0; i < n; i++)
            for (j = 0; j < nl; j++)
                if (l[j].domid == ids[i] &&
                    !(l[j].state & (BE_ST_SHUTDOWN | BE_ST_DYING)))
                    up++;
        core_dominfo_list_free(l, nl);
        if (!up)
            return 0;
        usleep(100000);
    }
}

static int all_domains(struct be *be, uint32_t **ids_r, int *n_r)
{
    struct be_dominfo *l;
    char err[XT_ERRLEN];
    uint32_t *ids;
    int nl, i;

    if (be->ops->list(be, &l, &nl, err)) {
        xt_err("%s", err);
        return -1;
    }
    ids = calloc(nl + 1, sizeof(*ids));
    *n_r = 0;
    for (i = 0; ids && i < nl; i++)
        if (l[i].domid != 0 &&
            !(l[i].state & (BE_ST_SHUTDOWN | BE_ST_DYING)))
            ids[(*n_r)++] = l[i].domid;
    core_dominfo_list_free(l, nl);
    *ids_r = ids;
    return ids ? 0 : -1;
}

/* Asks the guest to go down; with fallback (xl's -F), a guest that
 * cannot be asked (no PV drivers) gets the power button or a reset. */
static int request_down(struct be *be, uint32_t domid,
                        enum be_shutdown_kind k, int fallback, char *err)
{
    char e2[XT_ERRLEN];

    if (be->ops->shutdown(be, domid, k, err) == 0)
        return 0;
    if (!fallback)
        return -1;
    if (be->ops->trigger(be, domid, k == BE_REBOOT ? BE_TRIGGER_RESET
                                                   : BE_TRIGGER_POWER, 0, e2))
        return -1;
    fprintf(stderr, "%s; sent an ACPI %s event instead\n", err,
            k == BE_REBOOT ? "reset" : "power button");
    return 0;
}

static int shutdown_or_reboot(int argc, char **argv, enum be_shutdown_kind k)
{
    static const struct option longopts[] = {
        {"all", no_argument, NULL, 'a'},
        {"wait", no_argument, NULL, 'w'},
        {"reboot", no_argument, NULL, 'R'},
        {"halt", no_argument, NULL, 'H'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *cmd = k == BE_REBOOT ? "reboot" : "shutdown";
    char err[XT_ERRLEN];
    struct be *be = NULL;
    uint32_t *ids = NULL;
    int opt, all = 0, wait = 0, fallback = 0, n = 0, i, rc = EXIT_FAIL;

    /* xm's shutdown also reboots (-R) and halts (-H); xl's has -F. */
    SWITCH_FOREACH_OPT(opt, !xt_xm_mode ? "awF" :
                            k == BE_REBOOT ? "aw" : "awRH", longopts, cmd, 0) {
    case 'a': all = 1; break;
    case 'w': wait = 1; break;
    case 'F': fallback = 1; break;
    case 'R': k = BE_REBOOT; break;
    case 'H': k = BE_POWEROFF; break;
    }
    if (all == (optind < argc)) {
        xt_err("%s: give either -a or one domain", cmd);
        cmd_print_usage(stderr, cmd_lookup(cmd));
        return EXIT_USAGE;
    }
    xt_check_max_args(argc, argv, 1, cmd);
    be = xt_backend();
    if (!be)
        goto out;
    if (all ? all_domains(be, &ids, &n) : !(ids = calloc(1, sizeof(*ids))))
        goto out;
    if (!all && xt_find_domain(be, argv[optind], &ids[n++]))
        goto out;
    for (i = 0; i < n; i++) {
        fprintf(stderr, "%s domain %u\n", k == BE_REBOOT ? "Rebooting" :
                "Shutting down", ids[i]);
        if (request_down(be, ids[i], k, fallback, err)) {
            xt_err("%s: %s", cmd, err);
            goto out;
        }
    }
    if (wait && wait_down(be, ids, n))
        goto out;
    rc = EXIT_OK;
out:
    free(ids);
    core_close(be);
    return rc;
}

int main_shutdown(int argc, char **argv)
{
    return shutdown_or_reboot(argc, argv, BE_POWEROFF);
}

int main_reboot(int argc, char **argv)
{
    return shutdown_or_reboot(argc, argv, BE_REBOOT);
}

static int op_rename(struct be *be, uint32_t domid, const void *arg,
                     char *err)
{
    return be->ops->rename(be, domid, arg, err);
}

int main_rename(int argc, char **argv)
{
    int opt;

    SWITCH_FOREACH_OPT(opt, "", NULL, "rename", 2) {
    }
    xt_check_max_args(argc, argv, 2, "rename");
    return on_domain("rename", argv[optind], op_rename, argv[optind + 1]);
}

static int op_setmem(struct be *be, uint32_t domid, const void *arg,
                     char *err)
{
    return be->ops->set_memory(be, domid, *(const uint64_t *)arg, err);
}

static int op_setmaxmem(struct be *be, uint32_t domid, const void *arg,
                        char *err)
{
    return be->ops->set_maxmem(be, domid, *(const uint64_t *)arg, err);
}

static int memory(int argc, char **argv, const char *cmd, int max)
{
    uint64_t kb;
    int opt;

    SWITCH_FOREACH_OPT(opt, "", NULL, cmd, 2) {
    }
    xt_check_max_args(argc, argv, 2, cmd);
    if (xt_parse_memkb(argv[optind + 1], 'm', &kb)) {
        xt_err("%s: invalid memory size '%s'", cmd, argv[optind + 1]);
        return EXIT_USAGE;
    }
    return on_domain(cmd, argv[optind], max ? op_setmaxmem : op_setmem,
                     &kb);
}

int main_memset(int argc, char **argv)
{
    return memory(argc, argv, "mem-set", 0);
}

int main_memmax(int argc, char **argv)
{
    return memory(argc, argv, "mem-max", 1);
}

/* A trigger and the vcpu it goes to. */
struct trigger_req {
    enum be_trigger kind;
    int vcpu;
};

static int op_trigger(struct be *be, uint32_t domid, const void *arg,
                      char *err)
{
    const struct trigger_req *t = arg;

    return be->ops->trigger(be, domid, t->kind, t->vcpu, err);
}

/* libxl's names of the triggers, in xl's order. */
static const struct {
    const char *name;
    enum be_trigger kind;
} trigger_names[] = {
    {"nmi", BE_TRIGGER_NMI},
    {"reset", BE_TRIGGER_RESET},
    {"init", BE_TRIGGER_INIT},
    {"power", BE_TRIGGER_POWER},
    {"sleep", BE_TRIGGER_SLEEP},
    {"s3resume", BE_TRIGGER_S3RESUME},
};

static int trigger_kind(const char *name, enum be_trigger *kind_r)
{
    size_t i;

    for (i = 0; i < sizeof(trigger_names) / sizeof(*trigger_names); i++)
        if (!strcmp(name, trigger_names[i].name)) {
            *kind_r = trigger_names[i].kind;
            return 0;
        }
    return -1;
}

int main_trigger(int argc, char **argv)
{
    struct trigger_req t = {BE_TRIGGER_NMI, 0};
    long vcpu = 0;
    int opt;

    SWITCH_FOREACH_OPT(opt, "", NULL, "trigger", 2) {
    }
    xt_check_max_args(argc, argv, 3, "trigger");
    if (trigger_kind(argv[optind + 1], &t.kind)) {
        xt_err("trigger: unknown trigger '%s' (nmi, reset, init, power, "
               "sleep or s3resume)", argv[optind + 1]);
        return EXIT_USAGE;
    }
    if (optind + 2 < argc &&
        xt_parse_long(argv[optind + 2], 0, 4095, &vcpu)) {
        xt_err("trigger: invalid vcpu '%s'", argv[optind + 2]);
        return EXIT_USAGE;
    }
    t.vcpu = (int)vcpu;
    return on_domain("trigger", argv[optind], op_trigger, &t);
}

/* xl's older spelling of trigger power and trigger sleep. */
int main_button_press(int argc, char **argv)
{
    struct trigger_req t = {BE_TRIGGER_POWER, 0};
    int opt;

    SWITCH_FOREACH_OPT(opt, "", NULL, "button-press", 2) {
    }
    xt_check_max_args(argc, argv, 2, "button-press");
    fprintf(stderr, "%s: button-press is deprecated: use trigger\n",
            xt_progname);
    if (!strcmp(argv[optind + 1], "sleep"))
        t.kind = BE_TRIGGER_SLEEP;
    else if (strcmp(argv[optind + 1], "power")) {
        xt_err("button-press: unknown button '%s' (power or sleep)",
               argv[optind + 1]);
        return EXIT_USAGE;
    }
    return on_domain("button-press", argv[optind], op_trigger, &t);
}

/* xm reset: the hardware reset of trigger reset. */
int main_reset(int argc, char **argv)
{
    struct trigger_req t = {BE_TRIGGER_RESET, 0};
    int opt;

    SWITCH_FOREACH_OPT(opt, "", NULL, "reset", 1) {
    }
    xt_check_max_args(argc, argv, 1, "reset");
    return on_domain("reset", argv[optind], op_trigger, &t);
}

static int op_sysrq(struct be *be, uint32_t domid, const void *arg,
                    char *err)
{
    return be->ops->sysrq(be, domid, *(const char *)arg, err);
}

int main_sysrq(int argc, char **argv)
{
    int opt;

    SWITCH_FOREACH_OPT(opt, "", NULL, "sysrq", 2) {
    }
    xt_check_max_args(argc, argv, 2, "sysrq");
    if (strlen(argv[optind + 1]) != 1) {
        xt_err("sysrq: the key must be one character");
        return EXIT_USAGE;
    }
    return on_domain("sysrq", argv[optind], op_sysrq, argv[optind + 1]);
}

static int op_dumpcore(struct be *be, uint32_t domid, const void *arg,
                       char *err)
{
    return be->ops->dump_core(be, domid, arg, err);
}

int main_dumpcore(int argc, char **argv)
{
    int opt;

    SWITCH_FOREACH_OPT(opt, "", NULL, "dump-core", 2) {
    }
    xt_check_max_args(argc, argv, 2, "dump-core");
    return on_domain("dump-core", argv[optind], op_dumpcore,
                     argv[optind + 1]);
}
