/*
 * cfg_value.c - the values a config expression can have: integers,
 * strings, booleans, None, lists and tuples (nested).
 */
#include <stdlib.h>
#include <string.h>

#include "cfg_int.h"

struct cfg_value *cfg_value_new(enum cfg_vtype type)
{
    struct cfg_value *v = calloc(1, sizeof(*v));

    if (v)
        v->type = type;
    return v;
}

struct cfg_value *cfg_value_int(int64_t i)
{
    struct cfg_value *v = cfg_value_new(CFG_V_INT);

    if (v)
        v->i = i;
    return v;
}

struct cfg_value *cfg_value_str(const char *s)
{
    struct cfg_value *v = cfg_value_new(CFG_V_STR);

    if (v && !(v->s = strdup(s))) {
        free(v);
        v = NULL;
    }
    return v;
}

struct cfg_value *cfg_value_copy(const struct cfg_value *src)
{
    struct cfg_value *v;
    int k;

    if (!src)
        return NULL;
    v = cfg_value_new(src->type);
    if (!v)
        return NULL;
    *v = *src;
    v->s = NULL;
    v->items = NULL;
    v->n = 0;
    if (src->s && !(v->s = strdup(src->s)))
        goto fail;
    for (k = 0; k < src->n; k++)
        if (cfg_value_append(v, cfg_value_copy(src->items[k])))
            goto fail;
    return v;
fail:
    cfg_value_free(v);
    return NULL;
}

int cfg_value_append(struct cfg_value *seq, struct cfg_value *item)
{
    struct cfg_value **ni;

    if (!item)
        return -1;
    ni = realloc(seq->items, sizeof(*ni) * (size_t)(seq->n + 1));
    if (!ni) {
        cfg_value_free(item);
        return -1;
    }
    seq->items = ni;
    seq->items[seq->n++] = item;
    return 0;
}

void cfg_value_free(struct cfg_value *v)
{
    int k;

    if (!v)
        return;
    for (k = 0; k < v->n; k++)
        cfg_value_free(v->items[k]);
    free(v->items);
    free(v->s);
    free(v);
}

const char *cfg_value_kind(const struct cfg_value *v)
{
    switch (v->type) {
    case CFG_V_INT: return "an integer";
    case CFG_V_STR: return "a string";
    case CFG_V_BOOL: return "a boolean";
    case CFG_V_NONE: return "None";
    case CFG_V_LIST: return "a list";
    case CFG_V_TUPLE: return "a tuple";
    }
    return "a value";
}

void cfg_env_init(struct cfg_env *env)
{
    memset(env, 0, sizeof(*env));
}

void cfg_env_dispose(struct cfg_env *env)
{
    int k;

    for (k = 0; k < env->n; k++) {
        free(env->v[k].name);
        cfg_value_free(env->v[k].val);
    }
    free(env->v);
    memset(env, 0, sizeof(*env));
}

struct cfg_var *cfg_env_find(struct cfg_env *env, const char *name)
{
    int k;

    for (k = 0; k < env->n; k++)
        if (!strcmp(env->v[k].name, name))
            return &env->v[k];
    return NULL;
}
