/*
 * fuzz_cfg.c - libFuzzer target for the config reader.  Each input is a
 * config; when it starts with "@", its first line is a command-line
 * variable.  Every path is exercised: evaluation, conversion, the
 * diagnostic formatter, and for accepted configs the JSON writer and
 * reader, whose round trip must not change the text.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void round_trip(libxl_domain_config *dc)
{
    libxl_domain_config back;
    char err[256], *j1 = cfg_config_to_json(dc), *j2 = NULL;

    if (!j1)
        return;
    libxl_domain_config_init(&back);
    if (cfg_config_from_json(j1, &back, err, sizeof(err))) {
        fprintf(stderr, "JSON of an accepted config refused: %s\n%s\n", err,
                j1);
        abort();
    }
    j2 = cfg_config_to_json(&back);
    if (!j2 || strcmp(j1, j2)) {
        fprintf(stderr, "JSON round trip changed:\n%s\n---\n%s\n", j1,
                j2 ? j2 : "(null)");
        abort();
    }
    libxl_domain_config_dispose(&back);
    free(j1);
    free(j2);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data, *nl;
    char *var = NULL, *buf = NULL;
    size_t blen = 0;
    libxl_domain_config dc;
    struct cfg_diags d;
    FILE *f;
    int nvars = 0;

    if (size > 0 && text[0] == '@' && (nl = memchr(text, '\n', size))) {
        var = strndup(text + 1, (size_t)(nl - text - 1));
        nvars = var ? 1 : 0;
        size -= (size_t)(nl + 1 - text);
        text = nl + 1;
    }
    libxl_domain_config_init(&dc);
    cfg_diags_init(&d);
    if (cfg_parse_data("fuzz.cfg", text, size, nvars, &var, NULL, &dc, NULL,
                       &d) == 0)
        round_trip(&dc);
    f = open_memstream(&buf, &blen);
    if (f) {
        cfg_diags_format(&d, f);
        fclose(f);
    }
    free(buf);
    cfg_diags_dispose(&d);
    libxl_domain_config_dispose(&dc);
    free(var);
    return 0;
}
