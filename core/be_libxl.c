/* be_libxl.c - placeholder until the libxl backend is written. */
#include <stdio.h>
#include "core.h"

int be_libxl_open(struct be **be_r, char *err)
{
    *be_r = NULL;
    snprintf(err, XT_ERRLEN, "the libxl backend is not built yet");
    return -1;
}
