//! The command-line grammar (clap). Values that need checking (prefixes, ports, transports,
//! types) arrive as strings and are checked by `parse`, so their errors carry Win32 codes.

use clap::{Args, Parser, Subcommand};

const AFTER_HELP: &str = "\
The local configuration is the store file named by MPRCONFIG_STORE, else
/var/lib/mprconfig/router.db (when writable), else ~/.local/share/mprconfig/router.db.
With -r/--server the command runs on a remote mprd (trust: MPRCONFIG_CA or
~/.config/mprconfig/known_hosts; token: MPRCONFIG_TOKEN or
~/.config/mprconfig/credentials.toml). With -r r1,r2,... or --servers FILE it runs
on every router in parallel (--jobs N at once) and prints one result per router
(--json: one JSON line each); the exit status is 0 only if every router succeeded.

Exit status: 0 success, 1 something named was not found (interface, transport,
route, filter, file), 2 any other error (including bad arguments).
Errors print once on stderr as: mprcfg: <what failed>: <message> (error N: NAME)

Examples:
  mprcfg show interfaces
  mprcfg interface add \"Branch office\" --type full-router --dialout-hours \"1 08:00-17:00\"
  mprcfg route add \"Branch office\" 10.20.0.0/16 --via 192.168.1.254 --metric 5
  mprcfg filter add eth0 in --src 10.0.0.0/8 --proto tcp --dst-port 80
  mprcfg export-reg remoteaccess.reg
  mprcfg -r router1:4747 --json show transports
  mprcfg --servers fleet.txt --json show interfaces
  mprcfg -r r1,r2,r3 backup '{router}.reg'";

/// mprcfg: edit a router's configuration (the Windows MprConfig* model) from the command line.
#[derive(Parser, Debug)]
#[command(name = "mprcfg", version, about, long_about = None, after_help = AFTER_HELP, max_term_width = 100)]
pub struct Cli {
    /// Work on a remote router through its mprd: HOST, HOST:PORT, \\HOST, [V6]:PORT (default port 4747).
    /// Several routers, comma-separated (NAME,NAME,...), run the command on each in parallel.
    #[arg(short = 'r', long = "server", value_name = "NAME", global = true)]
    pub server: Option<String>,

    /// Run the command on every router listed in FILE (one name per line, `#` comments;
    /// `-` reads the list from stdin), in parallel, with one result per router.
    #[arg(
        long = "servers",
        value_name = "FILE",
        global = true,
        conflicts_with = "server"
    )]
    pub servers: Option<String>,

    /// With several routers: how many to work on at once (1-1024, default 16).
    #[arg(long, value_name = "N", global = true,
          value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub jobs: Option<u32>,

    /// Print JSON instead of tables and messages.
    #[arg(long, global = true)]
    pub json: bool,

    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Show the server, interfaces, transports or interface-transports.
    #[command(subcommand)]
    Show(Show),
    /// Add, change, delete, enable or disable an interface.
    #[command(subcommand)]
    Interface(InterfaceCmd),
    /// Add, change or delete a transport (router manager: ip, ipv6, ipx or a protocol id).
    #[command(subcommand)]
    Transport(TransportCmd),
    /// Add, change or remove the configuration of a transport on an interface.
    #[command(subcommand)]
    Iftransport(IfTransportCmd),
    /// Static routes of an interface (the IP_ROUTE_INFO block of its ip or ipv6 transport).
    #[command(subcommand)]
    Route(RouteCmd),
    /// Packet filters of an interface (input, output and demand-dial FILTER_DESCRIPTOR blocks).
    #[command(subcommand)]
    Filter(FilterCmd),
    /// Decode an information header into readable fields.
    #[command(subcommand)]
    Infoblock(InfoblockCmd),
    /// Write the whole configuration to a backup file (.reg text of the configuration keys).
    Backup {
        /// The backup file, or a directory (then FILE is DIR/mprconfig-backup.reg).
        file: String,
    },
    /// Replace the whole configuration with a backup file (validated first; all or nothing).
    Restore {
        /// A file written by `mprcfg backup` (or a directory holding mprconfig-backup.reg).
        file: String,
    },
    /// Pin a remote server's certificate: fetch its SHA-256 fingerprint and add it to known_hosts.
    Trust {
        /// The server: HOST or HOST:PORT (default port 4747).
        host: String,
    },
    /// Export the RemoteAccess tree as Windows' registry editor writes it (UTF-16LE .reg file).
    #[command(name = "export-reg")]
    ExportReg {
        /// The .reg file to write (replaced atomically); `-` writes to stdout.
        file: String,
    },
    /// Import a Windows .reg export of the RemoteAccess tree (UTF-16LE or UTF-8): each topmost
    /// key of the file replaces that key's subtree; validated, then applied all or nothing.
    #[command(name = "import-reg")]
    ImportReg {
        /// The .reg file to read; `-` reads stdin.
        file: String,
    },
    /// Show what the router manager (mprrouted) would change in the kernel, as a diff.
    Plan,
    /// Show every configured item: applied, pending, drifted, not applied or failed, and why.
    Status,
    /// Make the configuration equal to a `show config` document: prints the difference, then
    /// applies it in one atomic batch.
    Load {
        /// The JSON document; `-` reads stdin.
        file: String,
        /// Print the difference only; change nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Print committed changes as they happen, in order, each once (JSON lines with --json).
    Watch(crate::watch::WatchArgs),
}

/// `show …`
#[derive(Subcommand, Debug)]
pub enum Show {
    /// Server-wide settings: mode, port counts, where the configuration lives.
    Server,
    /// Every interface: key, name, type, administrative state.
    Interfaces,
    /// One interface in detail, with its transports.
    Interface {
        /// Interface name (case-insensitive), or the friendly name of a LAN adapter (eth0).
        name: String,
    },
    /// Every transport (router manager).
    Transports,
    /// One transport: name, DLL path, global information blocks.
    Transport {
        /// ip, ipv6, ipx or a protocol id (decimal or 0x…).
        id: String,
    },
    /// The transports configured on one interface and the blocks of each.
    Iftransports {
        /// Interface name.
        name: String,
    },
    /// The whole configuration as one JSON document (the form `load` reads; docs/cli.md).
    Config,
}

/// `interface …`
#[derive(Subcommand, Debug)]
pub enum InterfaceCmd {
    /// Create an interface.
    Add {
        /// Interface name (1-256 characters, unique ignoring case).
        name: String,
        /// Type: client, home-router, full-router, dedicated, internal, loopback, tunnel, dialout (or 0-7).
        #[arg(long = "type", value_name = "TYPE")]
        if_type: String,
        /// Create it disabled.
        #[arg(long)]
        disabled: bool,
        /// Dial-out hours entry "D HH:MM-HH:MM[ HH:MM-HH:MM...]" (D 0 = Sunday … 6); repeat for more days.
        #[arg(long = "dialout-hours", value_name = "ENTRY")]
        dialout_hours: Vec<String>,
    },
    /// Change an interface's state or dial-out hours (name and type are fixed).
    Set {
        /// Interface name.
        name: String,
        /// Enable it.
        #[arg(long, conflicts_with = "disable")]
        enable: bool,
        /// Disable it.
        #[arg(long)]
        disable: bool,
        /// Replace the dial-out hours (repeat for more days).
        #[arg(
            long = "dialout-hours",
            value_name = "ENTRY",
            conflicts_with = "no_dialout_hours"
        )]
        dialout_hours: Vec<String>,
        /// Remove the dial-out hours restriction.
        #[arg(long = "no-dialout-hours")]
        no_dialout_hours: bool,
    },
    /// Delete an interface and its transport configuration.
    Delete {
        /// Interface name.
        name: String,
    },
    /// Enable an interface.
    Enable {
        /// Interface name.
        name: String,
    },
    /// Disable an interface.
    Disable {
        /// Interface name.
        name: String,
    },
}

/// Information-header options shared by the transport commands.
#[derive(Args, Debug, Default)]
pub struct TransportInfoArgs {
    /// Router-manager DLL path (stored as REG_EXPAND_SZ).
    #[arg(long, value_name = "PATH")]
    pub dll: Option<String>,
    /// Global information header: @FILE (raw bytes) or hex digits.
    #[arg(long = "global-info", value_name = "@FILE|HEX")]
    pub global_info: Option<String>,
    /// Default information header for client interfaces: @FILE or hex digits.
    #[arg(long = "client-info", value_name = "@FILE|HEX")]
    pub client_info: Option<String>,
}

/// `transport …`
#[derive(Subcommand, Debug)]
pub enum TransportCmd {
    /// Add a transport (or update it if it exists). For ip and ipv6, the DLL path and global
    /// information default to what Windows installs.
    Add {
        /// ip, ipv6, ipx or a protocol id.
        id: String,
        /// Transport name (the RouterManagers subkey; default: Windows' name for the id).
        #[arg(long)]
        name: Option<String>,
        #[command(flatten)]
        info: TransportInfoArgs,
    },
    /// Change a transport's DLL path or information headers (what is not given stays).
    Set {
        /// ip, ipv6, ipx or a protocol id.
        id: String,
        #[command(flatten)]
        info: TransportInfoArgs,
    },
    /// Delete a transport (interfaces keep their configuration for it).
    Delete {
        /// ip, ipv6, ipx or a protocol id.
        id: String,
    },
}

/// `iftransport …`
#[derive(Subcommand, Debug)]
pub enum IfTransportCmd {
    /// Configure a transport on an interface (or update it). For ip and ipv6 the information
    /// header defaults to Windows' default (admin up, router discovery off, no routes).
    Add {
        /// Interface name.
        name: String,
        /// ip, ipv6, ipx or a protocol id.
        transport: String,
        /// Information header: @FILE or hex digits.
        #[arg(long, value_name = "@FILE|HEX")]
        info: Option<String>,
        /// Name of the interface-transport (default: Windows' name for the id).
        #[arg(long = "transport-name", value_name = "NAME")]
        transport_name: Option<String>,
    },
    /// Replace an interface-transport's information header.
    Set {
        /// Interface name.
        name: String,
        /// ip, ipv6, ipx or a protocol id.
        transport: String,
        /// Information header: @FILE or hex digits.
        #[arg(long, value_name = "@FILE|HEX")]
        info: String,
    },
    /// Remove a transport from an interface.
    Remove {
        /// Interface name.
        name: String,
        /// ip, ipv6, ipx or a protocol id.
        transport: String,
    },
}

/// `route …`
#[derive(Subcommand, Debug)]
pub enum RouteCmd {
    /// Add a static route (IPv4 prefixes go to the interface's ip transport, IPv6 to ipv6).
    Add {
        /// Interface name.
        name: String,
        /// Destination prefix, e.g. 10.20.0.0/16 or 2001:db8::/32 (a bare address is a host route).
        prefix: String,
        /// Next hop (default: none, the destination is on the interface's link).
        #[arg(long, value_name = "ADDRESS")]
        via: Option<String>,
        /// Metric.
        #[arg(long, default_value_t = 1)]
        metric: u32,
        /// Preference (dwRtInfoPreference).
        #[arg(long, default_value_t = 0)]
        preference: u32,
    },
    /// Delete the static routes to a prefix (only the one via ADDRESS when --via is given).
    Delete {
        /// Interface name.
        name: String,
        /// Destination prefix.
        prefix: String,
        /// Only the route through this next hop.
        #[arg(long, value_name = "ADDRESS")]
        via: Option<String>,
    },
    /// List an interface's static routes (72- and 56-byte items).
    List {
        /// Interface name.
        name: String,
    },
}

/// What a filter matches.
#[derive(Args, Debug, Default)]
pub struct FilterMatch {
    /// Source prefix (CIDR) or `any` (default).
    #[arg(long, value_name = "CIDR")]
    pub src: Option<String>,
    /// Destination prefix (CIDR) or `any` (default).
    #[arg(long, value_name = "CIDR")]
    pub dst: Option<String>,
    /// Protocol: any (default), tcp, udp, icmp, icmpv6 or a number 0-255.
    #[arg(long = "proto", value_name = "PROTOCOL")]
    pub protocol: Option<String>,
    /// Source port (tcp and udp, 1-65535).
    #[arg(long = "src-port", value_name = "PORT")]
    pub src_port: Option<String>,
    /// Destination port (tcp and udp, 1-65535).
    #[arg(long = "dst-port", value_name = "PORT")]
    pub dst_port: Option<String>,
    /// ICMP type (icmp and icmpv6, 0-255 or any; default any).
    #[arg(long = "icmp-type", value_name = "TYPE")]
    pub icmp_type: Option<String>,
    /// ICMP code (icmp and icmpv6, 0-255 or any; default any).
    #[arg(long = "icmp-code", value_name = "CODE")]
    pub icmp_code: Option<String>,
    /// An IPv6 filter when neither --src nor --dst says so.
    #[arg(long)]
    pub ipv6: bool,
}

/// `filter …`
#[derive(Subcommand, Debug)]
pub enum FilterCmd {
    /// Add a filter to an interface's input, output or demand-dial filters.
    Add {
        /// Interface name.
        name: String,
        /// in, out or demand-dial.
        direction: String,
        #[command(flatten)]
        matching: FilterMatch,
        /// Also set the action for packets matching no filter: forward or drop (a new filter
        /// set starts with forward).
        #[arg(long = "default-action", value_name = "ACTION")]
        default_action: Option<String>,
    },
    /// Delete filters: the one numbered --index in `filter list`, or those matching exactly.
    Delete {
        /// Interface name.
        name: String,
        /// in, out or demand-dial.
        direction: String,
        /// The filter's number in `filter list` (within its direction and family).
        #[arg(long)]
        index: Option<usize>,
        #[command(flatten)]
        matching: FilterMatch,
    },
    /// List an interface's filters (every direction unless one is given).
    List {
        /// Interface name.
        name: String,
        /// in, out or demand-dial.
        direction: Option<String>,
    },
    /// Set the action for packets matching no filter.
    Default {
        /// Interface name.
        name: String,
        /// in, out or demand-dial.
        direction: String,
        /// forward or drop.
        action: String,
        /// The IPv6 filter set.
        #[arg(long)]
        ipv6: bool,
    },
    /// Turn static filtering on for a transport (MprConfigFilterSetInfo).
    Enable {
        /// ip or ipv6.
        transport: String,
    },
    /// Turn static filtering off for a transport.
    Disable {
        /// ip or ipv6.
        transport: String,
    },
}

/// `infoblock …`
#[derive(Subcommand, Debug)]
pub enum InfoblockCmd {
    /// Decode every block of an information header (unknown types are shown as hex).
    Show {
        /// The interface whose transport configuration to show (with --transport).
        #[arg(long, value_name = "NAME")]
        interface: Option<String>,
        /// The transport: with --interface its interface configuration, alone its global
        /// information.
        #[arg(long, value_name = "ID")]
        transport: Option<String>,
        /// With --transport alone: the client-interface defaults instead of the global info.
        #[arg(long)]
        client: bool,
        /// Decode a header from a file (@FILE semantics: raw bytes) instead.
        #[arg(long, value_name = "FILE", conflicts_with_all = ["interface", "transport"])]
        file: Option<String>,
    },
}
