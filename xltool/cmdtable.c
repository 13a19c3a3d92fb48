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
    {"list", main_list, 0,
     "[-l] [-v] [Domain...]",
     "List domains, or the named ones.",
     "-h                Print this help.\n"
     "-l, --long        The domain configs: xl's JSON, or xm's SXP when run as xm.\n"
     "-v, --verbose     Add the UUID and shutdown reason columns."},
    {"console", main_console, 0,
     "[-t pv|serial] <Domain>",
     "Attach to the console of <Domain>; Ctrl-] detaches.",
     "-h                Print this help.\n"
     "-t pv|serial      Which console (the simulated backend has one)."},
    {"destroy", main_destroy, CMD_MODIFIES,
     "<Domain>",
     "Stop <Domain> at once, as if its power was cut.",
     "-h                Print this help."},
    {"shutdown", main_shutdown, CMD_MODIFIES,
     "[-w] [-a] [Domain]",
     "Ask <Domain> (or every domain) to power off.",
     "-h                Print this help.\n"
     "-w, --wait        Wait until the domains have shut down.\n"
     "-a, --all         Every domain but Domain-0."},
    {"reboot", main_reboot, CMD_MODIFIES,
     "[-w] [-a] [Domain]",
     "Ask <Domain> (or every domain) to reboot.",
     "-h                Print this help.\n"
     "-w, --wait        Wait until the domains have gone down.\n"
     "-a, --all         Every domain but Domain-0."},
    {"pause", main_pause, CMD_MODIFIES,
     "<Domain>",
     "Stop <Domain> from running; its state is kept.",
     "-h                Print this help."},
    {"unpause", main_unpause, CMD_MODIFIES,
     "<Domain>",
     "Let a paused <Domain> run again.",
     "-h                Print this help."},
    {"save", main_save, CMD_MODIFIES,
     "[-c] <Domain> <CheckpointFile>",
     "Save <Domain> to <CheckpointFile> and destroy it.",
     "-h                Print this help.\n"
     "-c                Leave the domain running (a checkpoint)."},
    {"restore", main_restore, CMD_MODIFIES,
     "[-p] <CheckpointFile>",
     "Restore a domain saved in <CheckpointFile>.",
     "-h                Print this help.\n"
     "-p                Leave the restored domain paused."},
    {"rename", main_rename, CMD_MODIFIES,
     "<Domain> <NewDomainName>",
     "Give <Domain> a new name.",
     "-h                Print this help."},
    {"domid", main_domid, 0,
     "<DomainName>",
     "Print the domid of the domain named <DomainName>.",
     "-h                Print this help."},
    {"domname", main_domname, 0,
     "<DomainId>",
     "Print the name of domain <DomainId>.",
     "-h                Print this help."},
    {"uptime", main_uptime, 0,
     "[-s] [Domain...]",
     "Print how long the domains have been up.",
     "-h                Print this help.\n"
     "-s                Short form, as uptime(1) prints it."},
    {"info", main_info, 0,
     "[Key]",
     "Print facts about the host and the hypervisor, or the value of <Key>.",
     "-h                Print this help."},
    {"dmesg", main_dmesg, 0,
     "[-c]",
     "Print the hypervisor's message buffer.",
     "-h                Print this help.\n"
     "-c, --clear       Clear the buffer after printing it."},
    {"mem-set", main_memset, CMD_MODIFIES,
     "<Domain> <Mem>",
     "Set the memory of <Domain> (MiB, or with a unit b, k, m, g, t).",
     "-h                Print this help."},
    {"mem-max", main_memmax, CMD_MODIFIES,
     "<Domain> <Mem>",
     "Set the maximum memory of <Domain> (MiB, or with a unit).",
     "-h                Print this help."},
    {"vcpu-set", main_vcpuset, CMD_MODIFIES,
     "<Domain> <vCPUs>",
     "Set how many vcpus of <Domain> are online.",
     "-h                Print this help."},
    {"vcpu-list", main_vcpulist, 0,
     "[Domain...]",
     "List the vcpus of the domains.",
     "-h                Print this help."},
    {"vcpu-pin", main_vcpupin, CMD_MODIFIES,
     "<Domain> <VCPU|all> <CPUs|all>",
     "Set which host cpus a vcpu of <Domain> may run on.",
     "-h                Print this help."},
    {"block-attach", main_blockattach, CMD_MODIFIES,
     "<Domain> <DiskSpec>...",
     "Attach a virtual disk to <Domain> (xl's disk syntax, or xm's BackDev FrontDev Mode).",
     "-h                Print this help."},
    {"block-detach", main_blockdetach, CMD_MODIFIES,
     "<Domain> <VirtualDevice>",
     "Detach virtual disk <VirtualDevice> (such as xvdb) from <Domain>.",
     "-h                Print this help."},
    {"block-list", main_blocklist, 0,
     "<Domain>...",
     "List the virtual disks of the domains.",
     "-h                Print this help."},
    {"network-attach", main_networkattach, CMD_MODIFIES,
     "<Domain> [mac=MAC] [bridge=BRIDGE] [ip=IP] [vifname=NAME] [model=MODEL] [script=SCRIPT]",
     "Attach a virtual nic to <Domain>.",
     "-h                Print this help."},
    {"network-detach", main_networkdetach, CMD_MODIFIES,
     "<Domain> <DevId|MAC>",
     "Detach a virtual nic from <Domain>.",
     "-h                Print this help."},
    {"network-list", main_networklist, 0,
     "<Domain>...",
     "List the virtual nics of the domains.",
     "-h                Print this help."},
    {"trigger", main_trigger, CMD_MODIFIES,
     "<Domain> <power|reset|nmi>",
     "Send a power button, reset or NMI event to <Domain>.",
     "-h                Print this help."},
    {"sysrq", main_sysrq, CMD_MODIFIES,
     "<Domain> <Letter>",
     "Send a magic SysRq key to <Domain>.",
     "-h                Print this help."},
    {"dump-core", main_dumpcore, 0,
     "<Domain> <File>",
     "Write the memory of <Domain> to <File>.",
     "-h                Print this help."},
    {"help", main_help, 0,
     "[COMMAND]",
     "Print the list of commands, or the help of one command.",
     ""},
};

const int cmd_table_count = sizeof(cmd_table) / sizeof(cmd_table[0]);
