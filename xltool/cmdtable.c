/*
 * cmdtable.c - the only place a command is registered.  Each row names
 * the handler, its usage line (the man page synopsis, word for word), its
 * one-line help and its options.
 */
#include "xltool.h"

const struct cmd_spec cmd_table[] = {
    {"bridge", main_bridge, CMD_MODIFIES,
     "<Subcommand> [args]",
     "Manage host bridges and their ports.",
     "-h                Print this help.\n"
     "\n"
     "Subcommands (run 'bridge SUBCOMMAND -h' for each one's help):\n"
     "create BRIDGE [--enslave NIC]\n"
     "                  Create a bridge; move a NIC's addresses onto it.\n"
     "delete BRIDGE [--release]\n"
     "                  Delete a bridge; give the NIC its addresses back.\n"
     "list [--json]     List bridges as brctl show does.\n"
     "attach IF BRIDGE  Make IF (a vif or tap) a port of BRIDGE.\n"
     "detach IF BRIDGE  Remove IF from BRIDGE."},
    {"bridge attach", main_bridge_attach, CMD_MODIFIES,
     "IF BRIDGE",
     "Make IF (a vif or tap) a port of BRIDGE and bring it up.",
     "-h                Print this help."},
    {"bridge create", main_bridge_create, CMD_MODIFIES,
     "BRIDGE [--enslave NIC]",
     "Create BRIDGE, optionally moving NIC's addresses onto it.",
     "-h                Print this help.\n"
     "-e, --enslave NIC Move the IPv4 and IPv6 addresses and the routes of\n"
     "                  NIC to BRIDGE and make NIC its port, keeping the\n"
     "                  host reachable; on any failure the host is left\n"
     "                  as it was."},
    {"bridge delete", main_bridge_delete, CMD_MODIFIES,
     "BRIDGE [--release]",
     "Delete BRIDGE, optionally giving NIC its addresses back.",
     "-h                Print this help.\n"
     "-r, --release     Give the addresses and routes moved by\n"
     "                  'bridge create --enslave' back to the NIC first."},
    {"bridge detach", main_bridge_detach, CMD_MODIFIES,
     "IF BRIDGE",
     "Remove IF from BRIDGE.",
     "-h                Print this help."},
    {"bridge list", main_bridge_list, 0,
     "[--json]",
     "List bridges and their ports as brctl show does.",
     "-h                Print this help.\n"
     "-j, --json        Print a JSON array instead of the table."},
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
