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
     "<ConfigFile> [options] [vars]",
     "Create a domain from the config file <ConfigFile>.",
     "-h                Print this help.\n"
     "-n, --dryrun      Parse the config, print it as JSON (or as xl's\n"
     "                  S-expressions when xl.conf sets output_format=\"sxp\"),\n"
     "                  create nothing.\n"
     "-p                Leave the domain paused after it is created.\n"
     "-c                Connect to the console after the domain is created.\n"
     "-q, --quiet       Print nothing on success.\n"
     "-f FILE, --defconfig=FILE\n"
     "                  Read the config from FILE.\n"
     "-F                Stay in the foreground until the domain is gone.\n"
     "-d, -e            Accepted as xl does; no effect.\n"
     "vars              key=value pairs that override the file."},
    {"migrate", main_migrate, CMD_MODIFIES,
     "[options] <Domain> <host>",
     "Migrate a domain to another host, live.",
     "-h                Print this help.\n"
     "-C CONFIG         Send CONFIG (a domain config file) as the domain's\n"
     "                  config instead of the one it was created with.\n"
     "-s SSHCMD         Speak xl's protocol through the command\n"
     "                  \"SSHCMD <host> xl migrate-receive\" (the name this\n"
     "                  tool runs as); with an empty SSHCMD, <host> is the\n"
     "                  command itself.  Without -s: the relocation server.\n"
     "-p                Leave the domain paused at the destination.\n"
     "-D                Keep the domain id at the destination (libxl).\n"
     "-e, -F, --debug   Accepted as xl does; no effect.\n"
     "-l, --live        Accepted (as xl does --live): migrations are live.\n"
     "--non-live        Stop-and-copy: suspend first, then send.\n"
     "--port PORT       The relocation server's port (default: the\n"
     "                  relocation group's port, 8002).\n"
     "--plain           No TLS (the server must set allow_plain).\n"
     "--json            Print the result as JSON."},
    {"migrate-receive", main_migrate_receive, CMD_MODIFIES,
     "[-F] [-e] [-d] [-p]",
     "Receive one migration in xl's protocol on standard input and output.",
     "-h                Print this help.\n"
     "-p                Leave the domain paused once it has arrived.\n"
     "-F, -e, -d        Accepted as xl does; no effect."},
    {"relocation-server", main_relocation_server, CMD_MODIFIES,
     "[-F]",
     "Serve incoming migrations, as configured in xltool.conf.",
     "-h                Print this help.\n"
     "-F                Stay in the foreground (for systemd)."},
    {"list", main_list, 0,
     "[options] [Domain...]",
     "List domains, or the named ones.",
     "-h                Print this help.\n"
     "-l, --long        The domain configs as xl's JSON (or as xl's\n"
     "                  S-expressions when xl.conf sets output_format=\"sxp\").\n"
     "-v, --verbose     Add the UUID and shutdown reason columns.\n"
     "-Z, --context     Add the security label column.\n"
     "-c, --cpupool     Add the cpupool column.\n"
     "-n, --numa        Add the NUMA node affinity column.\n"
     "--state=STATE     Only the domains in STATE: running, blocked, paused,\n"
     "                  shutdown, crashed, dying, or (managed domains that\n"
     "                  do not run) halted or suspended."},
    {"console", main_console, 0,
     "[-t pv|serial] [-n N] [-e ESC] <Domain>",
     "Attach to the console of <Domain>; Ctrl-] detaches.",
     "-h                Print this help.\n"
     "-t pv|serial      Which kind of console.\n"
     "-n N              Console number N (default 0; the simulated\n"
     "                  backend has one).\n"
     "-e ESC            Detach on ESC instead: ^X for Ctrl-X, or one\n"
     "                  character."},
    {"destroy", main_destroy, CMD_MODIFIES,
     "<Domain>",
     "Stop <Domain> at once, as if its power was cut.",
     "-h                Print this help."},
    {"shutdown", main_shutdown, CMD_MODIFIES,
     "[options] <-a|Domain>",
     "Ask <Domain> (or every domain) to power off.",
     "-h                Print this help.\n"
     "-w, --wait        Wait until the domains have shut down.\n"
     "-a, --all         Every domain but Domain-0.\n"
     "-F                If the guest does not answer the request (no PV\n"
     "                  drivers), press its power button instead."},
    {"reboot", main_reboot, CMD_MODIFIES,
     "[options] <-a|Domain>",
     "Ask <Domain> (or every domain) to reboot.",
     "-h                Print this help.\n"
     "-w, --wait        Wait until the domains have gone down.\n"
     "-a, --all         Every domain but Domain-0.\n"
     "-F                If the guest does not answer the request (no PV\n"
     "                  drivers), send it a reset instead."},
    {"pause", main_pause, CMD_MODIFIES,
     "<Domain>",
     "Stop <Domain> from running; its state is kept.",
     "-h                Print this help."},
    {"unpause", main_unpause, CMD_MODIFIES,
     "<Domain>",
     "Let a paused <Domain> run again.",
     "-h                Print this help."},
    {"save", main_save, CMD_MODIFIES,
     "[options] <Domain> <CheckpointFile> [<ConfigFile>]",
     "Save <Domain> to <CheckpointFile> and destroy it.",
     "-h                Print this help.\n"
     "-c                Leave the domain running (a checkpoint).\n"
     "-p                Leave the domain paused instead of destroying it.\n"
     "-D                Keep the domain id: restore gives the domain the\n"
     "                  same one.\n"
     "<ConfigFile>      Save this config with the memory instead of the\n"
     "                  domain's own."},
    {"restore", main_restore, CMD_MODIFIES,
     "[options] [<ConfigFile>] <CheckpointFile>",
     "Restore a domain saved in <CheckpointFile>.",
     "-h                Print this help.\n"
     "-p, --paused      Leave the restored domain paused.\n"
     "-c                Connect to its console once it runs.\n"
     "-V, --vncviewer   Start a VNC viewer on its display.\n"
     "-A, --vncviewer-autopass\n"
     "                  The same, passing it the VNC password.\n"
     "-d, -e, -F        Accepted as xl does; no effect (restore does not\n"
     "                  stay in the background).\n"
     "<ConfigFile>      Restore with this config instead of the saved one."},
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
     "[-n|--numa] [Key]",
     "Print facts about the host and the hypervisor, or the value of <Key>.",
     "-h                Print this help.\n"
     "-n, --numa        Add the cpu and device topology and the NUMA\n"
     "                  nodes' memory (a Key is then ignored)."},
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
     "[-i] <Domain> <vCPUs>",
     "Set how many vcpus of <Domain> are online.",
     "-h                Print this help.\n"
     "-i, --ignore-host Set more vcpus than the host has cpus."},
    {"vcpu-list", main_vcpulist, 0,
     "[Domain...]",
     "List the vcpus of the domains.",
     "-h                Print this help."},
    {"vcpu-pin", main_vcpupin, CMD_DRYRUN | CMD_MODIFIES,
     "[-f|--force] <Domain> <VCPU|all> <Hard affinity|-|all> [Soft affinity|-|all]",
     "Set which host cpus a vcpu of <Domain> may (hard) and prefers to (soft) run on.",
     "-h                Print this help.\n"
     "-f, --force       Also undo a pinning the guest's kernel asked for\n"
     "                  (one vcpu, not all)."},
    {"block-attach", main_blockattach, CMD_MODIFIES,
     "<Domain> <DiskSpec>...",
     "Attach a virtual disk to <Domain> (xl's disk syntax, or xm's BackDev FrontDev Mode).",
     "-h                Print this help."},
    {"block-detach", main_blockdetach, CMD_MODIFIES,
     "[-f|--force] <Domain> <VirtualDevice>",
     "Detach virtual disk <VirtualDevice> (such as xvdb) from <Domain>.",
     "-h                Print this help.\n"
     "-f, --force       Remove it without waiting for the guest to let go."},
    {"block-list", main_blocklist, 0,
     "<Domain>...",
     "List the virtual disks of the domains.",
     "-h                Print this help."},
    {"network-attach", main_networkattach, CMD_MODIFIES,
     "<Domain> [type=TYPE] [mac=MAC] [bridge=BRIDGE] [ip=IP] [script=SCRIPT] [backend=BackDomain] [vifname=NAME] [rate=RATE] [mtu=MTU] [model=MODEL]",
     "Attach a virtual nic to <Domain>.",
     "-h                Print this help.\n"
     "key=value         The fields of a vif in a domain config; xl.conf's\n"
     "                  vif defaults apply first."},
    {"network-detach", main_networkdetach, CMD_MODIFIES,
     "<Domain> <DevId|MAC>",
     "Detach a virtual nic from <Domain>.",
     "-h                Print this help."},
    {"network-list", main_networklist, 0,
     "<Domain>...",
     "List the virtual nics of the domains.",
     "-h                Print this help."},
    {"trigger", main_trigger, CMD_MODIFIES,
     "<Domain> <nmi|reset|init|power|sleep|s3resume> [<VCPU>]",
     "Send an NMI, reset, INIT, power or sleep button or S3 wake to <Domain>.",
     "-h                Print this help."},
    {"sysrq", main_sysrq, CMD_MODIFIES,
     "<Domain> <Letter>",
     "Send a magic SysRq key to <Domain>.",
     "-h                Print this help."},
    {"dump-core", main_dumpcore, 0,
     "<Domain> <File>",
     "Write the memory of <Domain> to <File>.",
     "-h                Print this help."},
    /* Managed domains: xm's commands; as xl and xltool, xltool's own. */
    {"new", main_new, CMD_MODIFIES,
     "<ConfigFile> [options] [vars]",
     "Add a domain to the managed store without starting it.",
     "-h                Print this help.\n"
     "-f FILE, --defconfig=FILE\n"
     "                  Read the config from FILE.\n"
     "--autostart       Start the domain when the host starts (host-start).\n"
     "vars              key=value pairs that override the file."},
    {"start", main_start, CMD_MODIFIES,
     "[options] <Domain>",
     "Start a managed domain (from its saved state if it is suspended).",
     "-h                Print this help.\n"
     "-p, --paused      Leave the domain paused once it is created.\n"
     "-c, --console_autoconnect\n"
     "                  Connect to the console once the domain is created."},
    {"delete", main_delete, CMD_MODIFIES,
     "<Domain>",
     "Remove a halted domain from the managed store.",
     "-h                Print this help."},
    {"suspend", main_suspend, CMD_MODIFIES,
     "<Domain>",
     "Save a running managed domain into the managed store and stop it.",
     "-h                Print this help."},
    {"resume", main_resume, CMD_MODIFIES,
     "[-p] <Domain>",
     "Restore a suspended managed domain from the managed store.",
     "-h                Print this help.\n"
     "-p, --paused      Leave the domain paused once it is restored."},
    {"autostart", main_autostart, CMD_MODIFIES,
     "<Domain> [on|off]",
     "Print or set whether host-start starts a managed domain.",
     "-h                Print this help."},
    /* Host boot and shutdown, as xendomains does them: xltool's own. */
    {"host-start", main_host_start, CMD_MODIFIES,
     "[-j N]",
     "At boot: restore saved domains, start autostart and auto_dir ones.",
     "-h                Print this help.\n"
     "-j N              N domains at once (default: xltool.conf's\n"
     "                  domains.parallel, 4)."},
    {"host-stop", main_host_stop, CMD_MODIFIES,
     "[-j N]",
     "At shutdown: migrate, save or shut down every domain (xltool.conf).",
     "-h                Print this help.\n"
     "-j N              N domains at once (default: xltool.conf's\n"
     "                  domains.parallel, 4)."},
    /* Host evacuation: xltool's own (XAPI's host-evacuate). */
    {"evacuate", main_evacuate, CMD_MODIFIES,
     "[options] <Host>...",
     "Move every domain live to the given hosts; exit 0 if none is left.",
     "-h                Print this help.\n"
     "-j N              N migrations at once (default: xltool.conf's\n"
     "                  domains.parallel, 4).\n"
     "--port PORT       The relocation servers' port (default: the\n"
     "                  relocation group's port, 8002).\n"
     "--plain           No TLS (the servers must set allow_plain).\n"
     "--json            The summary as JSON on standard output (the\n"
     "                  progress lines go to standard error)."},
    /* Scheduling and cpupools. */
    {"sched-credit", main_sched_credit, CMD_DRYRUN | CMD_MODIFIES,
     "[-d <Domain> [-w[=WEIGHT]|-c[=CAP]]] [-s [-t TSLICE] [-r RATELIMIT] [-m DELAY]] [-p CPUPOOL]",
     "Get or set the credit scheduler's parameters.",
     "-h                Print this help.\n"
     "-d DOMAIN, --domain=DOMAIN\n"
     "                  The domain to show or change.\n"
     "-w WEIGHT, --weight=WEIGHT\n"
     "                  Its weight (1 to 65535).\n"
     "-c CAP, --cap=CAP Its cap, in percent of one cpu (0: none).\n"
     "-s, --schedparam  Show or change the pool's parameters.\n"
     "-t TSLICE, --tslice_ms=TSLICE\n"
     "                  The time slice, in milliseconds.\n"
     "-r RLIMIT, --ratelimit_us=RLIMIT\n"
     "                  The rate limit, in microseconds.\n"
     "-m DELAY, --migration_delay_us=DELAY\n"
     "                  The vcpu migration delay, in microseconds.\n"
     "-p CPUPOOL, --cpupool=CPUPOOL\n"
     "                  Only CPUPOOL (with -s: CPUPOOL, not Pool-0)."},
    {"sched-credit2", main_sched_credit2, CMD_DRYRUN | CMD_MODIFIES,
     "[-d <Domain> [-w[=WEIGHT]|-c[=CAP]]] [-s [-r RATELIMIT]] [-p CPUPOOL]",
     "Get or set the credit2 scheduler's parameters.",
     "-h                Print this help.\n"
     "-d DOMAIN, --domain=DOMAIN\n"
     "                  The domain to show or change.\n"
     "-w WEIGHT, --weight=WEIGHT\n"
     "                  Its weight (1 to 65535).\n"
     "-c CAP, --cap=CAP Its cap, in percent of one cpu (0: none).\n"
     "-s, --schedparam  Show or change the pool's parameters.\n"
     "-r RLIMIT, --ratelimit_us=RLIMIT\n"
     "                  The rate limit, in microseconds.\n"
     "-p CPUPOOL, --cpupool=CPUPOOL\n"
     "                  Only CPUPOOL (with -s: CPUPOOL, not Pool-0)."},
    {"sched-rtds", main_sched_rtds, CMD_DRYRUN | CMD_MODIFIES,
     "[-d <Domain> [-v[=VCPUID/all]] [-p[=PERIOD]] [-b[=BUDGET]] [-e[=EXTRATIME]]] [-c CPUPOOL]",
     "Get or set the RTDS scheduler's parameters, per domain or per vcpu.",
     "-h                Print this help.\n"
     "-d DOMAIN, --domain=DOMAIN\n"
     "                  The domain to show or change.\n"
     "-v VCPUID/all, --vcpuid=VCPUID/all\n"
     "                  The vcpu (repeatable) or all of them.\n"
     "-p PERIOD, --period=PERIOD\n"
     "                  Period, in microseconds (one per -v).\n"
     "-b BUDGET, --budget=BUDGET\n"
     "                  Budget, in microseconds (one per -v).\n"
     "-e EXTRATIME, --extratime=EXTRATIME\n"
     "                  1: may run beyond its budget, 0: may not.\n"
     "-c CPUPOOL, --cpupool=CPUPOOL\n"
     "                  Only CPUPOOL."},
    {"cpupool-create", main_cpupool_create, CMD_DRYRUN | CMD_MODIFIES,
     "[options] [<ConfigFile>] [Variable=value ...]",
     "Create a cpupool from a config (name, sched, cpus).",
     "-h                Print this help.\n"
     "-f FILE, --defconfig=FILE\n"
     "                  Read the config from FILE.\n"
     "-n, --dryrun      Check and print the pool, create nothing."},
    {"cpupool-list", main_cpupool_list, 0,
     "[-c|--cpus] [<CPU Pool>]",
     "List the cpupools, or the named one.",
     "-h                Print this help.\n"
     "-c, --cpus        Print each pool's cpus instead."},
    {"cpupool-destroy", main_cpupool_destroy, CMD_DRYRUN | CMD_MODIFIES,
     "<CPU Pool>",
     "Destroy a cpupool that has no domains; its cpus become free.",
     "-h                Print this help."},
    {"cpupool-rename", main_cpupool_rename, CMD_DRYRUN | CMD_MODIFIES,
     "<CPU Pool> <new name>",
     "Give a cpupool a new name.",
     "-h                Print this help."},
    {"cpupool-cpu-add", main_cpupool_cpu_add, CMD_DRYRUN | CMD_MODIFIES,
     "<CPU Pool> <CPU nr>|node:<node nr>",
     "Add free cpus (a list such as 2,4-5) to a cpupool.",
     "-h                Print this help."},
    {"cpupool-cpu-remove", main_cpupool_cpu_remove,
     CMD_DRYRUN | CMD_MODIFIES,
     "<CPU Pool> <CPU nr>|node:<node nr>",
     "Remove cpus from a cpupool; they become free.",
     "-h                Print this help."},
    {"cpupool-migrate", main_cpupool_migrate, CMD_DRYRUN | CMD_MODIFIES,
     "<Domain> <CPU Pool>",
     "Move a domain into a cpupool.",
     "-h                Print this help."},
    /* PCI passthrough and CD-ROM media. */
    {"pci-attach", main_pci_attach, CMD_DRYRUN | CMD_MODIFIES,
     "<Domain> <BDF> [Virtual Slot]",
     "Give an assignable PCI device to <Domain>.",
     "-h                Print this help.\n"
     "<BDF>             The host's device, SSSS:BB:DD.F or BB:DD.F.\n"
     "Virtual Slot      Its slot in the guest (0 to 31)."},
    {"pci-detach", main_pci_detach, CMD_DRYRUN | CMD_MODIFIES,
     "[-f] <Domain> <BDF>",
     "Take a PCI device back from <Domain>.",
     "-h                Print this help.\n"
     "-f                Without waiting for the guest to let go."},
    {"pci-list", main_pci_list, 0,
     "<Domain>",
     "List the PCI devices of <Domain> with their virtual slots.",
     "-h                Print this help."},
    {"pci-assignable-add", main_pci_assignable_add,
     CMD_DRYRUN | CMD_MODIFIES,
     "<BDF>",
     "Make a PCI device of the host assignable to domains.",
     "-h                Print this help."},
    {"pci-assignable-remove", main_pci_assignable_remove,
     CMD_DRYRUN | CMD_MODIFIES,
     "[-r] <BDF>",
     "Make a PCI device no longer assignable.",
     "-h                Print this help.\n"
     "-r                Give it back to the driver it had."},
    {"pci-assignable-list", main_pci_assignable_list, 0,
     "[-h]",
     "List the PCI devices assignable to domains.",
     "-h                Print this help."},
    {"cd-insert", main_cd_insert, CMD_MODIFIES,
     "<Domain> <VirtualDevice> <path>",
     "Insert the image <path> into a CD-ROM drive of an HVM <Domain>.",
     "-h                Print this help."},
    {"cd-eject", main_cd_eject, CMD_MODIFIES,
     "<Domain> <VirtualDevice>",
     "Eject the CD-ROM of drive <VirtualDevice> of an HVM <Domain>.",
     "-h                Print this help."},
    {"vtpm-attach", main_vtpm_attach, CMD_MODIFIES,
     "<Domain> [uuid=<uuid>] [backend=<BackDomain>]",
     "Give <Domain> a vTPM served by the vTPM domain <BackDomain>.",
     "-h                Print this help."},
    {"vtpm-detach", main_vtpm_detach, CMD_MODIFIES,
     "<Domain> <DevId|uuid>",
     "Take a vTPM away from <Domain>.",
     "-h                Print this help."},
    {"vtpm-list", main_vtpm_list, 0,
     "<Domain>...",
     "List the vTPMs of the domains.",
     "-h                Print this help."},
    {"channel-list", main_channel_list, 0,
     "<Domain>...",
     "List the channels (consoles in disguise) of the domains.",
     "-h                Print this help."},
    {"usbctrl-attach", main_usbctrl_attach, CMD_MODIFIES,
     "<Domain> [type=pv|qusb|devicemodel] [version=<version>] [ports=<number>]",
     "Give <Domain> a virtual USB controller.",
     "-h                Print this help.\n"
     "type=TYPE         pv (the default), qusb or devicemodel.\n"
     "version=N         USB 1 or 2 (the default).\n"
     "ports=N           1 to 31 ports (default 8)."},
    {"usbctrl-detach", main_usbctrl_detach, CMD_MODIFIES,
     "<Domain> <DevId>",
     "Take USB controller <DevId> (and its devices) away from <Domain>.",
     "-h                Print this help."},
    {"usbdev-attach", main_usbdev_attach, CMD_MODIFIES,
     "<Domain> hostbus=<busnum> hostaddr=<devnum> [controller=<DevId> [port=<port>]]",
     "Give <Domain> a USB device of the host.",
     "-h                Print this help.\n"
     "controller=, port=\n"
     "                  Where it goes (default: the first free port, on a\n"
     "                  new controller when none is free)."},
    {"usbdev-detach", main_usbdev_detach, CMD_MODIFIES,
     "<Domain> <controller> <port>",
     "Take the USB device at <controller> <port> away from <Domain>.",
     "-h                Print this help."},
    {"usb-list", main_usb_list, 0,
     "<Domain>",
     "List the USB controllers of <Domain> and the devices on their ports.",
     "-h                Print this help."},
    {"cpupool-numa-split", main_cpupool_numa_split,
     CMD_DRYRUN | CMD_MODIFIES,
     "[-h]",
     "Split the host into one cpupool per NUMA node.",
     "-h                Print this help."},
    /* Host and monitoring. */
    {"claims", main_claims, 0,
     "[-h]",
     "List the memory each domain has claimed and not yet been given.",
     "-h                Print this help."},
    {"top", main_top, 0,
     "[-b] [-d SECONDS] [-i N] [-n] [-x] [-v] [-r] [-f] [-z]",
     "Show the domains' use of cpu, memory, network and disks, as xentop.",
     "-h                Print this help.\n"
     "-b, --batch       Print the table every delay, no terminal needed.\n"
     "-d, --delay=SECONDS\n"
     "                  Seconds between updates (default 3).\n"
     "-i, --iterations=N\n"
     "                  Stop after N updates.\n"
     "-n, --networks    Add each vif's counters.\n"
     "-x, --vbds        Add each virtual disk's counters.\n"
     "-v, --vcpus       Add each vcpu's time.\n"
     "-r, --repeat-header\n"
     "                  Repeat the header before each domain.\n"
     "-f, --full-name   Do not cut names at 10 characters.\n"
     "-z, --dom0-first  Domain-0 first (it always is here)."},
    {"debug-keys", main_debug_keys, CMD_MODIFIES,
     "<Keys>",
     "Send debug keys to the hypervisor (their output is in dmesg).",
     "-h                Print this help."},
    {"set-parameters", main_set_parameters, CMD_MODIFIES,
     "<Params>",
     "Set the hypervisor's runtime parameters (\"name=value ...\").",
     "-h                Print this help."},
    {"vm-list", main_vm_list, 0,
     "[-h]",
     "List the domains by UUID (Domain-0 too, as xl 4.17 does).",
     "-h                Print this help."},
    {"config-update", main_config_update, CMD_DRYRUN | CMD_MODIFIES,
     "<Domain> <ConfigFile> [options] [vars]",
     "Change the config <Domain> is rebuilt from when it restarts.",
     "-h                Print this help.\n"
     "-f FILE, --defconfig=FILE\n"
     "                  Read the config from FILE.\n"
     "-d                Print the config read, as JSON.\n"
     "vars              key=value lines added to the file."},
    /* Events and state. */
    {"button-press", main_button_press, CMD_MODIFIES,
     "<Domain> <Button>",
     "Press the power or sleep button of <Domain> (deprecated: trigger).",
     "-h                Print this help.\n"
     "<Button>          power or sleep."},
    {"reset", main_reset, CMD_MODIFIES,
     "<Domain>",
     "Reset <Domain> as its reset button would (xm's reset).",
     "-h                Print this help."},
    {"domstate", main_domstate, 0,
     "<Domain>",
     "Print the state of <Domain> in one word (xm's domstate).",
     "-h                Print this help."},
    {"help", main_help, 0,
     "[COMMAND]",
     "Print the list of commands, or the help of one command.",
     ""},
};

const int cmd_table_count = sizeof(cmd_table) / sizeof(cmd_table[0]);

/*
 * The families help lists the commands in, in order; a command in no
 * family is listed under "Other commands".
 */
const struct cmd_family cmd_families[] = {
    {"Domains", "create, list, console, destroy, shutdown, reboot, pause, "
                "unpause, rename, domid, domname, domstate, uptime, save, "
                "restore, migrate, migrate-receive, dump-core, config-update"},
    {"Memory and vcpus", "mem-set, mem-max, vcpu-set, vcpu-list, vcpu-pin"},
    {"Scheduling and cpupools", "sched-credit, sched-credit2, sched-rtds, "
                "cpupool-create, cpupool-list, cpupool-destroy, "
                "cpupool-rename, cpupool-cpu-add, cpupool-cpu-remove, "
                "cpupool-migrate, cpupool-numa-split"},
    {"Devices", "block-attach, block-detach, block-list, network-attach, "
                "network-detach, network-list, pci-attach, pci-detach, "
                "pci-list, pci-assignable-add, pci-assignable-remove, "
                "pci-assignable-list, cd-insert, cd-eject, vtpm-attach, "
                "vtpm-detach, vtpm-list, channel-list, usbctrl-attach, "
                "usbctrl-detach, usbdev-attach, usbdev-detach, usb-list"},
    {"Managed domains", "new, start, delete, suspend, resume, autostart"},
    {"Events", "trigger, sysrq, button-press, reset"},
    {"Host", "info, dmesg, top, claims, vm-list, debug-keys, "
             "set-parameters, relocation-server, host-start, host-stop, "
             "evacuate, bridge, bridge attach, bridge create, bridge delete, "
             "bridge detach, bridge list"},
    {"Help", "help"},
};

const int cmd_families_count =
    sizeof(cmd_families) / sizeof(cmd_families[0]);

/* xm 4.4's grammar where it differs from xl's. */
const struct cmd_xm_spec cmd_xm_table[] = {
    {"create",
     "<ConfigFile> [options] [vars]",
     "-h                Print this help.\n"
     "-n, --dryrun      Parse the config, print it as libxl's JSON, create\n"
     "                  nothing.\n"
     "-p, --paused      Leave the domain paused after it is created.\n"
     "-c, --console_autoconnect\n"
     "                  Connect to the console after the domain is created.\n"
     "-q, --quiet       Print nothing on success.\n"
     "-f FILE, --defconfig=FILE\n"
     "                  Read the config from FILE.\n"
     "-s, --skipdtd     Accepted as xm does; no effect.\n"
     "vars              key=value pairs that override the file."},
    {"migrate",
     "[options] <Domain> <Host>",
     "-h                Print this help.\n"
     "-l, --live        Live migration (iterative pre-copy); without it,\n"
     "                  stop-and-copy.\n"
     "-p, --port=PORT   The relocation server's port (default: the\n"
     "                  relocation group's port, 8002).\n"
     "-s, --ssl         Accepted: migrations are always encrypted (TLS or\n"
     "                  a PSK), unless --plain.\n"
     "-c, --change_home_server, -n NODE, --node=NODE,\n"
     "--max_iters=N, --max_factor=N, --min_remaining=N,\n"
     "--abort_if_busy, --log_progress\n"
     "                  Accepted as xm does; no effect (the pre-copy\n"
     "                  rounds end by their own measure).\n"
     "--plain           No TLS (the server must set allow_plain).\n"
     "--json            Print the result as JSON."},
    {"list",
     "[options] [Domain, ...]",
     "-h                Print this help.\n"
     "-l, --long        Output all VM details in xend's SXP.\n"
     "-v, --vcpus       List the vcpus of the domains, as vcpu-list.\n"
     "--label           Accepted as xm does; there are no security labels.\n"
     "--state=STATE     Select only VMs with the specified state: running,\n"
     "                  blocked, paused, shutdown, crashed, dying, halted or\n"
     "                  suspended."},
    {"shutdown",
     "<Domain> [-waRH]",
     "-h                Print this help.\n"
     "-a, --all         Shut down every domain but Domain-0.\n"
     "-w, --wait        Wait until the domains have shut down.\n"
     "-R, --reboot      Reboot instead (as xm reboot).\n"
     "-H, --halt        Power off (the default)."},
    {"reboot",
     "<Domain> [-wa]",
     "-h                Print this help.\n"
     "-a, --all         Reboot every domain but Domain-0.\n"
     "-w, --wait        Wait until the domains have gone down."},
    {"console",
     "[-q|--quiet] [-n N] <Domain>",
     "-h                Print this help.\n"
     "-q, --quiet       Say nothing when the domain does not exist.\n"
     "-n N, --num=N     Console number N (default 0)."},
    {"save",
     "[-c] <Domain> <CheckpointFile>",
     "-h                Print this help.\n"
     "-c                Leave the domain running (a checkpoint)."},
    {"restore",
     "<CheckpointFile> [-p]",
     "-h                Print this help.\n"
     "-p, --paused      Do not unpause domain after restoring it."},
    /* Managed domains, as xm 4.4 spells them. */
    {"new",
     "<ConfigFile> [options] [vars]",
     "-h                Print this help.\n"
     "-f FILE, --defconfig=FILE\n"
     "                  Use the given Python configuration script.\n"
     "--autostart       Start the domain when the host starts (xltool's own).\n"
     "vars              key=value pairs that override the file."},
    {"start",
     "<DomainName> [-p] [-c]",
     "-h                Print this help.\n"
     "-p, --paused      Do not unpause domain after starting it.\n"
     "-c, --console_autoconnect\n"
     "                  Connect to the console after the domain is created."},
    {"resume",
     "<DomainName> [-p]",
     "-h                Print this help.\n"
     "-p, --paused      Do not unpause domain after resuming it."},
};

const int cmd_xm_table_count =
    sizeof(cmd_xm_table) / sizeof(cmd_xm_table[0]);
