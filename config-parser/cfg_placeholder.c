/* cfg_placeholder.c - placeholder until the config reader is written. */
#include <stdlib.h>
#include <string.h>
#include "cfg.h"

void cfg_globals_init(struct cfg_globals *g) { memset(g, 0, sizeof(*g)); }
void cfg_globals_dispose(struct cfg_globals *g) { (void)g; }
int cfg_globals_load(struct cfg_globals *g, const char *path,
                     struct cfg_diags *diags)
{ (void)g; (void)path; (void)diags; return 0; }
void cfg_diags_init(struct cfg_diags *d) { memset(d, 0, sizeof(*d)); }
void cfg_diags_dispose(struct cfg_diags *d) { (void)d; }
void cfg_diags_format(const struct cfg_diags *d, FILE *f)
{ (void)d; fputs("xltool: the config reader is not built yet\n", f); }
int cfg_find(const char *name, char **path_r, char *err, size_t errlen)
{ (void)err; (void)errlen; *path_r = strdup(name); return 0; }
int cfg_parse_file(const char *path, int nvars, char *const *vars,
                   const struct cfg_globals *g,
                   libxl_domain_config *d_config, struct cfg_diags *diags)
{ (void)path; (void)nvars; (void)vars; (void)g; (void)d_config;
  (void)diags; return -1; }
int cfg_parse_data(const char *name, const char *data, size_t len,
                   int nvars, char *const *vars, const struct cfg_globals *g,
                   libxl_domain_config *d_config, struct cfg_diags *diags)
{ (void)name; (void)data; (void)len; (void)nvars; (void)vars; (void)g;
  (void)d_config; (void)diags; return -1; }
char *cfg_config_to_json(libxl_domain_config *d_config)
{ (void)d_config; return NULL; }
int cfg_config_from_json(const char *json, libxl_domain_config *d_config,
                         char *err, size_t errlen)
{ (void)json; (void)d_config; snprintf(err, errlen, "not built yet");
  return -1; }
