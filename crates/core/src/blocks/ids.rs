//! Block type ids (registry-layout §4.1) and the documented names of ids and protocols.

use types::*;

/// Block type ids (`InfoType`) of registry-layout §4.1.
pub mod types {
    /// `IP_IN_FILTER_INFO`: input filters (`FILTER_DESCRIPTOR`).
    pub const IP_IN_FILTER_INFO: u32 = 0xFFFF_0001;
    /// `IP_OUT_FILTER_INFO`: output filters.
    pub const IP_OUT_FILTER_INFO: u32 = 0xFFFF_0002;
    /// `IP_GLOBAL_INFO` (`GLOBAL_INFO`).
    pub const IP_GLOBAL_INFO: u32 = 0xFFFF_0003;
    /// `IP_INTERFACE_STATUS_INFO` (`INTERFACE_STATUS_INFO`).
    pub const IP_INTERFACE_STATUS_INFO: u32 = 0xFFFF_0004;
    /// `IP_ROUTE_INFO`: static routes (72- or 56-byte items).
    pub const IP_ROUTE_INFO: u32 = 0xFFFF_0005;
    /// `IP_PROT_PRIORITY_INFO` (`PRIORITY_INFO`).
    pub const IP_PROT_PRIORITY_INFO: u32 = 0xFFFF_0006;
    /// `IP_ROUTER_DISC_INFO` (`RTR_DISC_INFO`).
    pub const IP_ROUTER_DISC_INFO: u32 = 0xFFFF_0007;
    /// `IP_DEMAND_DIAL_FILTER_INFO`: demand-dial filters.
    pub const IP_DEMAND_DIAL_FILTER_INFO: u32 = 0xFFFF_0009;
    /// `IP_MCAST_HEARBEAT_INFO` (sic) (`MCAST_HBEAT_INFO`).
    pub const IP_MCAST_HEARBEAT_INFO: u32 = 0xFFFF_000A;
    /// `IP_MCAST_BOUNDARY_INFO` (`MIB_BOUNDARYROW`).
    pub const IP_MCAST_BOUNDARY_INFO: u32 = 0xFFFF_000B;
    /// `IP_IPINIP_CFG_INFO` (`IPINIP_CONFIG_INFO`).
    pub const IP_IPINIP_CFG_INFO: u32 = 0xFFFF_000C;
    /// `IP_IFFILTER_INFO` (`IFFILTER_INFO`).
    pub const IP_IFFILTER_INFO: u32 = 0xFFFF_000D;
    /// `IP_MCAST_LIMIT_INFO` (`MIB_MCAST_LIMIT_ROW`).
    pub const IP_MCAST_LIMIT_INFO: u32 = 0xFFFF_000E;
    /// `IPV6_GLOBAL_INFO` (`GLOBAL_INFO`).
    pub const IPV6_GLOBAL_INFO: u32 = 0xFFFF_000F;
    /// `IPV6_ROUTE_INFO` (declared in the headers, never seen in data).
    pub const IPV6_ROUTE_INFO: u32 = 0xFFFF_0010;
    /// `IP_IN_FILTER_INFO_V6` (`FILTER_DESCRIPTOR_V6`).
    pub const IP_IN_FILTER_INFO_V6: u32 = 0xFFFF_0011;
    /// `IP_OUT_FILTER_INFO_V6`.
    pub const IP_OUT_FILTER_INFO_V6: u32 = 0xFFFF_0012;
    /// `IP_DEMAND_DIAL_FILTER_INFO_V6`.
    pub const IP_DEMAND_DIAL_FILTER_INFO_V6: u32 = 0xFFFF_0013;
    /// `IP_IFFILTER_INFO_V6` (`IFFILTER_INFO`).
    pub const IP_IFFILTER_INFO_V6: u32 = 0xFFFF_0014;
    /// `IP_FILTER_ENABLE_INFO` (`MPR_FILTER_0`).
    pub const IP_FILTER_ENABLE_INFO: u32 = 0xFFFF_0015;
    /// `IP_FILTER_ENABLE_INFO_V6` (`MPR_FILTER_0`).
    pub const IP_FILTER_ENABLE_INFO_V6: u32 = 0xFFFF_0016;
    /// `IP_PROT_PRIORITY_INFO_EX` (`PRIORITY_INFO_EX`).
    pub const IP_PROT_PRIORITY_INFO_EX: u32 = 0xFFFF_0017;
}

/// The documented name of a block type id (IP/IPv6 router manager ids, routing-protocol ids,
/// IPX ids), or `None`. IPX ids overlap nothing else, so one table serves every transport.
pub fn block_type_name(info_type: u32) -> Option<&'static str> {
    Some(match info_type {
        IP_IN_FILTER_INFO => "IP_IN_FILTER_INFO",
        IP_OUT_FILTER_INFO => "IP_OUT_FILTER_INFO",
        IP_GLOBAL_INFO => "IP_GLOBAL_INFO",
        IP_INTERFACE_STATUS_INFO => "IP_INTERFACE_STATUS_INFO",
        IP_ROUTE_INFO => "IP_ROUTE_INFO",
        IP_PROT_PRIORITY_INFO => "IP_PROT_PRIORITY_INFO",
        IP_ROUTER_DISC_INFO => "IP_ROUTER_DISC_INFO",
        IP_DEMAND_DIAL_FILTER_INFO => "IP_DEMAND_DIAL_FILTER_INFO",
        IP_MCAST_HEARBEAT_INFO => "IP_MCAST_HEARBEAT_INFO",
        IP_MCAST_BOUNDARY_INFO => "IP_MCAST_BOUNDARY_INFO",
        IP_IPINIP_CFG_INFO => "IP_IPINIP_CFG_INFO",
        IP_IFFILTER_INFO => "IP_IFFILTER_INFO",
        IP_MCAST_LIMIT_INFO => "IP_MCAST_LIMIT_INFO",
        IPV6_GLOBAL_INFO => "IPV6_GLOBAL_INFO",
        IPV6_ROUTE_INFO => "IPV6_ROUTE_INFO",
        IP_IN_FILTER_INFO_V6 => "IP_IN_FILTER_INFO_V6",
        IP_OUT_FILTER_INFO_V6 => "IP_OUT_FILTER_INFO_V6",
        IP_DEMAND_DIAL_FILTER_INFO_V6 => "IP_DEMAND_DIAL_FILTER_INFO_V6",
        IP_IFFILTER_INFO_V6 => "IP_IFFILTER_INFO_V6",
        IP_FILTER_ENABLE_INFO => "IP_FILTER_ENABLE_INFO",
        IP_FILTER_ENABLE_INFO_V6 => "IP_FILTER_ENABLE_INFO_V6",
        IP_PROT_PRIORITY_INFO_EX => "IP_PROT_PRIORITY_INFO_EX",
        0x0000_0008 => "MS_IP_RIP",
        0x0000_000D => "MS_IP_OSPF",
        0x0000_270F => "MS_IP_BOOTP",
        0x4137_000A => "MS_IP_IGMP",
        0x0137_000E => "MS_IP_BGP",
        0x8137_2713 => "MS_IP_DNS_PROXY",
        0x8137_2714 => "MS_IP_DHCP_ALLOCATOR",
        0x8137_2715 => "MS_IP_NAT",
        0x0000_03E7 => "MS_IPV6_DHCP",
        0x0000_0001 => "IPX_INTERFACE_INFO_TYPE",
        0x0000_0002 => "IPX_STATIC_ROUTE_INFO_TYPE",
        0x0000_0003 => "IPX_STATIC_SERVICE_INFO_TYPE",
        0x0000_0006 => "IPX_IN_TRAFFIC_FILTER_INFO_TYPE",
        0x0000_0007 => "IPX_ADAPTER_INFO_TYPE",
        0x0000_0009 => "IPX_GLOBAL_INFO_TYPE",
        0x0000_000A => "IPX_STATIC_NETBIOS_NAME_INFO_TYPE",
        0x0000_000B => "IPX_IN_TRAFFIC_FILTER_GLOBAL_INFO_TYPE",
        0x0000_000C => "IPX_OUT_TRAFFIC_FILTER_INFO_TYPE",
        0x0002_0000 => "IPX_PROTOCOL_RIP",
        0x0002_0001 => "IPX_PROTOCOL_SAP",
        _ => return None,
    })
}

/// `MIB_IPFORWARD_PROTO` names (registry-layout §4.4).
pub fn route_protocol_name(proto: u32) -> Option<&'static str> {
    Some(match proto {
        1 => "OTHER",
        2 => "LOCAL",
        3 => "NETMGMT",
        4 => "ICMP",
        5 => "EGP",
        6 => "GGP",
        7 => "HELLO",
        8 => "RIP",
        9 => "IS_IS",
        10 => "ES_IS",
        11 => "CISCO",
        12 => "BBN",
        13 => "OSPF",
        14 => "BGP",
        10002 => "NT_AUTOSTATIC",
        10006 => "NT_STATIC",
        10007 => "NT_STATIC_NON_DOD",
        _ => return None,
    })
}

/// IP protocol names used in filters.
pub fn ip_protocol_name(proto: u32) -> Option<&'static str> {
    Some(match proto {
        0 => "ANY",
        1 => "ICMP",
        6 => "TCP",
        17 => "UDP",
        58 => "ICMPv6",
        _ => return None,
    })
}
