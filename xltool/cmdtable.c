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
    {"migrate", main_migrate, CMD_MODIFIES,
     "[options] <Domain> <host>",
     "Migrate a domain to another host's relocation server.",
     "-h                Print this help.\n"
     "-l, --live        Live migration (iterative pre-copy); without it,\n"
     "                  stop-and-copy.\n"
     "-p, --port PORT   The relocation server's port (default: the\n"
     "                  relocation group's port, 8002).\n"
     "--plain           No TLS (the server must set allow_plain).\n"
     "--json            Print the result as JSON.\n"
     "-e                Accepted for xl compatibility; no effect.\n"
     "-s SSHCMD         Speak xl's protocol through the command\n"
     "                  \"SSHCMD <host> xltool migrate-receive\" (with an\n"
     "                  empty SSHCMD, <host> is the command itself)."},
    {"migrate-receive", main_migrate_receive, CMD_MODIFIES,
     "[options]",
     "Receive one migration in xl's protocol on standard input and output.",
     "-h                Print this help.\n"
     "-F, -e, -d, -p    Accepted for xl compatibility; no effect."},
    {"relocation-server", main_relocation_server, CMD_MODIFIES,
     "[options]",
     "Serve incoming migrations, as configured in xltool.conf.",
     "-h                Print this help.\n"
     "-F                Stay in the foreground (for systemd)."},
    {"help", main_help, 0,
     "[COMMAND]",
     "Print the list of commands, or the help of one command.",
     ""},
};

const int cmd_table_count = sizeof(cmd_table) / sizeof(cmd_table[0]);
