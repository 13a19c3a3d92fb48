/* be_sim.c - placeholder until the simulated backend is written. */
#include <stdio.h>
#include "core.h"

int be_sim_open(struct be **be_r, char *err)
{
    *be_r = NULL;
    snprintf(err, XT_ERRLEN, "the simulated backend is not built yet");
    return -1;
}
