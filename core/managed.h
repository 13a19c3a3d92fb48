/*
 * managed.h - the managed domain store: domains xltool keeps while they
 * are not running, as xm's "xm new" did.
 *
 * One file a domain in $XLTOOL_MANAGED_DIR (default
 * /var/lib/xltool/domains), named by the domain's UUID: a few header
 * lines (name, autostart, the config extras of cfg_extra_to_text), then
 * the domain config as libxl JSON.  Every write goes to a temporary file
 * that is renamed over the old one, so that a reader sees the old entry
 * or the new one, never half of one.  A domain suspended into the store
 * has its save image beside its entry, UUID.save, written the same way.
 *
 * A managed domain migrating away is hidden first (UUID.away, which no
 * listing shows), then removed once the destination runs it, or shown
 * again when the migration fails: the domain is never managed on two
 * hosts at once.  Nothing here prints or exits.
 */
#ifndef XLTOOL_MANAGED_H
#define XLTOOL_MANAGED_H

#include <stddef.h>

#define MANAGED_DEFAULT_DIR "/var/lib/xltool/domains"
#define MANAGED_UUID_LEN 36

struct managed_dom {
    char uuid[MANAGED_UUID_LEN + 1];
    char *name;
    int autostart;
    char *extra;                 /* cfg_extra_to_text's form, may be "" */
    char *json;                  /* libxl_domain_config as JSON */
};

/* The store's directory: $XLTOOL_MANAGED_DIR or the default. */
const char *managed_dir(void);
void managed_dom_dispose(struct managed_dom *md);
void managed_list_free(struct managed_dom *list, int n);

/* Every entry (hidden ones excepted), sorted by name. */
int managed_list(struct managed_dom **list_r, int *n_r, char *err);
/* The entry named SPEC or of UUID SPEC into *md: 1 found, 0 not there
 * (md untouched), -1 on error. */
int managed_find(const char *spec, struct managed_dom *md, char *err);
/* Writes md, replacing its entry (same UUID) atomically.  Refuses a
 * name another entry has. */
int managed_store(const struct managed_dom *md, char *err);
/* Removes the entry of uuid and its save image. */
int managed_remove(const char *uuid, char *err);

/* The save image of uuid: its path (in buf), and whether it exists. */
int managed_save_path(const char *uuid, char *buf, size_t len);
int managed_has_save(const char *uuid);

/* Migration: hide (entry -> UUID.away), show again, or drop the hidden
 * entry.  show and drop of an entry that is not hidden do nothing. */
int managed_hide(const char *uuid, char *err);
int managed_unhide(const char *uuid, char *err);
int managed_drop_hidden(const char *uuid, char *err);
/* 1 when uuid has an entry (shown), 0 when not. */
int managed_exists(const char *uuid);

#endif
