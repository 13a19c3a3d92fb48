/*
 * parse_bench.c - configs parsed per second by xltool's reader, beside
 * libxlutil's own xlu_cfg_readdata (what xl uses) on the same files.
 *
 *   parse_bench FILE...
 *
 * Prints one table row per measure.  The files are read into memory
 * first, so only parsing is timed.  libxlutil can only read the
 * xl-compatible files (literals only), so the ratio is taken on those;
 * xltool's full run also converts into libxl_domain_config, its
 * "evaluate" run stops after the expressions.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cfg_int.h"

struct file {
    char *name, *data;
    size_t len;
    int xl_ok;
};

static double now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int xlu_parse(const struct file *f, FILE *devnull)
{
    XLU_Config *c = xlu_cfg_init(devnull, f->name);
    int rc = c ? xlu_cfg_readdata(c, f->data, (int)f->len) : -1;

    if (c)
        xlu_cfg_destroy(c);
    return rc;
}

static void xltool_full(const struct file *f)
{
    libxl_domain_config dc;
    struct cfg_diags d;

    libxl_domain_config_init(&dc);
    cfg_diags_init(&d);
    cfg_parse_data(f->name, f->data, f->len, 0, NULL, NULL, &dc, NULL, &d);
    libxl_domain_config_dispose(&dc);
    cfg_diags_dispose(&d);
}

static void xltool_eval(const struct file *f)
{
    struct cfg_src src = { f->name, f->data, f->len };
    struct cfg_diags d;
    struct cfg_env env;

    cfg_diags_init(&d);
    cfg_env_init(&env);
    cfg_eval(&env, &src, &d);
    cfg_env_dispose(&env);
    cfg_diags_dispose(&d);
}

enum which { FULL, EVAL, XLU };

/* Configs per second over the files selected (all, or xl_ok ones). */
static double rate(struct file *fs, int n, int only_xl, enum which w,
                   FILE *devnull)
{
    double t0 = now(), t;
    long count = 0;
    int k;

    do {
        for (k = 0; k < n; k++) {
            if (only_xl && !fs[k].xl_ok)
                continue;
            if (w == FULL)
                xltool_full(&fs[k]);
            else if (w == EVAL)
                xltool_eval(&fs[k]);
            else
                xlu_parse(&fs[k], devnull);
            count++;
        }
        t = now() - t0;
    } while (t < 1.0 && count > 0);
    return count / t;
}

static int load(const char *path, struct file *f)
{
    FILE *fp = fopen(path, "rb");
    long sz;

    if (!fp || fseek(fp, 0, SEEK_END) || (sz = ftell(fp)) < 0 ||
        fseek(fp, 0, SEEK_SET)) {
        if (fp)
            fclose(fp);
        return -1;
    }
    f->name = strdup(path);
    f->data = malloc((size_t)sz + 1);
    f->len = f->data ? fread(f->data, 1, (size_t)sz, fp) : 0;
    if (f->data)
        f->data[f->len] = '\0';
    fclose(fp);
    return f->data ? 0 : -1;
}

int main(int argc, char **argv)
{
    FILE *devnull = fopen("/dev/null", "w");
    struct file *fs = calloc((size_t)argc, sizeof(*fs));
    int n = 0, nxl = 0, k;
    double full_all, full_xl, eval_xl, xlu_xl;

    if (!devnull || !fs || argc < 2) {
        fprintf(stderr, "usage: parse_bench FILE...\n");
        return 2;
    }
    for (k = 1; k < argc; k++) {
        if (load(argv[k], &fs[n]))
            continue;
        fs[n].xl_ok = xlu_parse(&fs[n], devnull) == 0;
        nxl += fs[n].xl_ok;
        n++;
    }
    full_all = rate(fs, n, 0, FULL, devnull);
    full_xl = rate(fs, n, 1, FULL, devnull);
    eval_xl = rate(fs, n, 1, EVAL, devnull);
    xlu_xl = rate(fs, n, 1, XLU, devnull);
    printf("%-44s %6s %14s %8s\n", "measure", "files", "configs/s",
           "ratio");
    printf("%-44s %6d %14.0f %8s\n", "xltool parse+convert, whole corpus",
           n, full_all, "-");
    printf("%-44s %6d %14.0f %8s\n", "libxlutil xlu_cfg_readdata (baseline)",
           nxl, xlu_xl, "1.00");
    printf("%-44s %6d %14.0f %8.2f\n", "xltool evaluate only, xl-compatible",
           nxl, eval_xl, xlu_xl > 0 ? eval_xl / xlu_xl : 0);
    printf("%-44s %6d %14.0f %8.2f\n", "xltool parse+convert, xl-compatible",
           nxl, full_xl, xlu_xl > 0 ? full_xl / xlu_xl : 0);
    for (k = 0; k < n; k++) {
        free(fs[k].name);
        free(fs[k].data);
    }
    free(fs);
    fclose(devnull);
    return 0;
}
