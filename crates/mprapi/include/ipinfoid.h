/*
 * ipinfoid.h - InfoType ids of the IPv4/IPv6 router manager's information blocks
 * (libmprapi, mprconfig for Linux). The MprInfo* functions treat types as opaque numbers;
 * these are the ids found in Windows configurations.
 */
#ifndef _IPINFOID_H_
#define _IPINFOID_H_

#define IP_ROUTER_MANAGER_VERSION   1

#define IP_GENERAL_INFO_BASE        0xffff0000
#define IP_IN_FILTER_INFO           (IP_GENERAL_INFO_BASE + 1)
#define IP_OUT_FILTER_INFO          (IP_GENERAL_INFO_BASE + 2)
#define IP_GLOBAL_INFO              (IP_GENERAL_INFO_BASE + 3)
#define IP_INTERFACE_STATUS_INFO    (IP_GENERAL_INFO_BASE + 4)
#define IP_ROUTE_INFO               (IP_GENERAL_INFO_BASE + 5)
#define IP_PROT_PRIORITY_INFO       (IP_GENERAL_INFO_BASE + 6)
#define IP_ROUTER_DISC_INFO         (IP_GENERAL_INFO_BASE + 7)
#define IP_DEMAND_DIAL_FILTER_INFO  (IP_GENERAL_INFO_BASE + 9)
#define IP_MCAST_HEARBEAT_INFO      (IP_GENERAL_INFO_BASE + 0xA)
#define IP_MCAST_BOUNDARY_INFO      (IP_GENERAL_INFO_BASE + 0xB)
#define IP_IPINIP_CFG_INFO          (IP_GENERAL_INFO_BASE + 0xC)
#define IP_IFFILTER_INFO            (IP_GENERAL_INFO_BASE + 0xD)
#define IP_MCAST_LIMIT_INFO         (IP_GENERAL_INFO_BASE + 0xE)
#define IPV6_GLOBAL_INFO            (IP_GENERAL_INFO_BASE + 0xF)
#define IPV6_ROUTE_INFO             (IP_GENERAL_INFO_BASE + 0x10)
#define IP_IN_FILTER_INFO_V6        (IP_GENERAL_INFO_BASE + 0x11)
#define IP_OUT_FILTER_INFO_V6       (IP_GENERAL_INFO_BASE + 0x12)
#define IP_DEMAND_DIAL_FILTER_INFO_V6 (IP_GENERAL_INFO_BASE + 0x13)
#define IP_IFFILTER_INFO_V6         (IP_GENERAL_INFO_BASE + 0x14)
#define IP_FILTER_ENABLE_INFO       (IP_GENERAL_INFO_BASE + 0x15)
#define IP_FILTER_ENABLE_INFO_V6    (IP_GENERAL_INFO_BASE + 0x16)
#define IP_PROT_PRIORITY_INFO_EX    (IP_GENERAL_INFO_BASE + 0x17)

#endif /* _IPINFOID_H_ */
