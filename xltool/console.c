/* console.c - placeholder until console attachment is written. */
#include "xltool.h"

int xt_console(struct be *be, uint32_t domid, enum be_console_kind kind)
{
    (void)be; (void)domid; (void)kind;
    xt_err("console: not built yet");
    return EXIT_FAIL;
}
