/*
 * sim_livesend.c - test helper: sends a simulated domain live (pre-copy
 * rounds while it runs, then stop-and-copy) into a save file with xl's
 * header, printing each progress report, then the checksum of the
 * stopped domain's memory; with --resume it undoes the send instead of
 * leaving the domain suspended.  With --receive it plays the other end
 * of a migration: the domain in FILE is received, paused, as NAME, taking
 * over disk locks the source still holds, and the checksum of its memory
 * is printed before it has run.  Used by lifecycle_live.sh.
 *   usage: sim_livesend DOMAIN FILE [--resume]
 *          sim_livesend --receive FILE NAME
 */
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cfg.h"
#include "savefile.h"
#include "sim.h"

static void progress(const struct be_progress *p, void *opaque)
{
    (void)opaque;
    printf("round %d sent %" PRIu64 " of %" PRIu64 " dirty %" PRIu64
           " suspended %d\n", p->round, p->sent_bytes, p->total_bytes,
           p->dirty_pages, p->suspended);
}

static int receive(const char *file, const char *name)
{
    libxl_domain_config c;
    char err[XT_ERRLEN], *json = NULL;
    struct sim_mem m;
    struct be *be = NULL;
    uint32_t domid, flags;
    int fd = -1, rc = 1;

    libxl_domain_config_init(&c);
    fd = open(file, O_RDONLY);
    if (fd < 0 || be_sim_open(&be, err) ||
        core_savefile_read(fd, be->ops->save_flags, &json, &flags, err,
                           sizeof(err)) ||
        !json || cfg_config_from_json(json, &c, err, sizeof(err)))
        goto out;
    free(c.c_info.name);
    c.c_info.name = strdup(name);
    if (be->ops->receive(be, &c, fd, BE_CREATE_PAUSED | BE_RECEIVE_MIGRATING,
                         &domid, err))
        goto out;
    printf("received %u\n", domid);
    if (sim_mem_open((struct sim *)be, domid, &m, err))
        goto out;
    printf("checksum %016" PRIx64 "\n", sim_mem_checksum(&m));
    sim_mem_close(&m);
    rc = 0;
out:
    if (rc)
        fprintf(stderr, "sim_livesend: %s\n", err);
    if (fd >= 0)
        close(fd);
    free(json);
    libxl_domain_config_dispose(&c);
    core_close(be);
    return rc;
}

int main(int argc, char **argv)
{
    libxl_domain_config c;
    char err[XT_ERRLEN], *json = NULL;
    struct sim_mem m;
    struct be *be = NULL;
    uint32_t domid;
    int fd = -1, rc = 1;

    libxl_domain_config_init(&c);
    if (argc == 4 && !strcmp(argv[1], "--receive"))
        return receive(argv[2], argv[3]);
    if (argc < 3) {
        fprintf(stderr, "usage: sim_livesend DOMAIN FILE [--resume]\n");
        return 2;
    }
    if (be_sim_open(&be, err) || core_lookup(be, argv[1], &domid, err) ||
        be->ops->get_config(be, domid, &c, err))
        goto out;
    json = cfg_config_to_json(&c);
    fd = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (!json || fd < 0 ||
        core_savefile_write(fd, json, be->ops->save_flags, err, sizeof(err)))
        goto out;
    if (be->ops->send(be, domid, fd, BE_SEND_LIVE, progress, NULL, err))
        goto out;
    if (sim_mem_open((struct sim *)be, domid, &m, err))
        goto out;
    printf("checksum %016" PRIx64 "\n", sim_mem_checksum(&m));
    sim_mem_close(&m);
    if (argc > 3 && !strcmp(argv[3], "--resume") &&
        be->ops->resume(be, domid, err))
        goto out;
    rc = 0;
out:
    if (rc)
        fprintf(stderr, "sim_livesend: %s\n", err);
    if (fd >= 0)
        close(fd);
    free(json);
    libxl_domain_config_dispose(&c);
    core_close(be);
    return rc;
}
