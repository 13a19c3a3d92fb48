/*
 * cmdtable.c - the only place a command is registered.  Each row names
 * the handler, its usage line (the man page synopsis, word for word), its
 * one-line help and its options.
 */
#include "xltool.h"

const struct cmd_spec cmd_table[] = {
    {"create", main_create, CMD_DRYRUN | CMD_MODIFIES,
     "[options] <ConfigFile> [vars]",
     "Create a domain from the config file <ConfigFile>.",
     "-h                Print this help.\n"
     "-n, --dryrun      Parse the config, print it as JSON, create nothing.\n"
     "-p                Leave the domain paused after it is created.\n"
     "-c                Connect to the console after the domain is created.\n"
     "-q, --quiet       Print nothing on success.\n"
     "-f FILE           Read the config from FILE (as xm and xl allow).\n"
     "vars              key=value pairs that override the file."},
    {"help", main_help, 0,
     "[COMMAND]",
     "Print the list of commands, or the help of one command.",
     ""},
};

const int cmd_table_count = sizeof(cmd_table) / sizeof(cmd_table[0]);
