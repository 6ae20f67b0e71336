/*
 * MprAdmin* against the router manager, and the MprConfig* route a router manager applies.
 * Run by tests/router_netns.rs (inside its namespaces) and tests/admin_remote.rs:
 *   admin none           no router manager: 1717, FALSE, error strings, argument checks
 *   admin running        a router manager runs: every MprAdmin* call and its error codes
 *   admin route IF V4|V6 MprConfig*: add the static route of the scenario to IF's transport
 *   admin unroute IF V4|V6  MprConfig*: remove it again
 *   admin down IF | up IF    MprAdmin*: IP_INTERFACE_STATUS_INFO of IF's ip transport
 *   admin remote SERVER IF   MprAdmin* on SERVER (through its mprd, an admin token): reads,
 *                            writes, errors; leaves IF's ip transport administratively DOWN
 *   admin remote-reader SERVER IF  a reader token: reads work, every write gives 5
 *   admin remote-none SERVER       SERVER's mprd relays no router manager: 1717, FALSE
 * The interface and address names are the scenario's (docs/router.md, "Tests").
 */
#include "test.h"

#define IP_ROUTE_ITEM 72
#define MIB_IPPROTO_NT_STATIC 10006

static void put32(BYTE *p, DWORD v) { memcpy(p, &v, 4); }

/* One 72-byte INTERFACE_ROUTE_INFO (registry-layout §4.4): to 10.3.0.0/24 via 10.2.0.1, or
 * fd00:3::/64 via fd00:2::1, metric 1. */
static void route_item(BYTE *r, int v6)
{
    memset(r, 0, IP_ROUTE_ITEM);
    if (!v6) {
        BYTE dest[4] = {10, 3, 0, 0}, mask[4] = {255, 255, 255, 0}, hop[4] = {10, 2, 0, 1};
        memcpy(r + 0, dest, 4);
        memcpy(r + 4, mask, 4);
        memcpy(r + 12, hop, 4);
        put32(r + 24, 1);          /* dwRtInfoMetric1 */
        put32(r + 28, 0xFFFFFFFF); /* metric 2, 3 unused */
        put32(r + 32, 0xFFFFFFFF);
        put32(r + 68, 1); /* bV4 */
    } else {
        BYTE dest[16] = {0xfd, 0, 0, 3}, hop[16] = {0xfd, 0, 0, 2};
        hop[15] = 1;
        memcpy(r + 0, dest, 16);
        put32(r + 16, 64); /* DestPrefixLength */
        memcpy(r + 20, hop, 16);
        put32(r + 36, 0xFFFFFFFF); /* ValidLifeTime */
        put32(r + 44, 1);          /* Metric */
    }
    put32(r + 52, 4); /* indirect */
    put32(r + 56, MIB_IPPROTO_NT_STATIC);
    put32(r + 64, 3); /* unicast and multicast views */
}

/* MprConfig*: sets the IP_ROUTE_INFO block of IF's ip/ipv6 transport to the route or none. */
static int config_route(const char *ifname, int v6, int add)
{
    HANDLE cfg = t_connect(), hif = NULL, hift = NULL;
    WCHAR name[64];
    OK(MprConfigInterfaceGetHandle(cfg, t_w(name, 64, ifname), &hif));
    OK(MprConfigInterfaceTransportGetHandle(cfg, hif, v6 ? PID_IPV6 : PID_IP, &hift));
    LPBYTE info = NULL;
    DWORD size = 0;
    OK(MprConfigInterfaceTransportGetInfo(cfg, hif, hift, &info, &size));
    CHECK(info != NULL);
    if (info == NULL)
        return t_finish();
    BYTE item[IP_ROUTE_ITEM];
    route_item(item, v6);
    LPVOID updated = NULL;
    OK(MprInfoBlockSet(info, IP_ROUTE_INFO, IP_ROUTE_ITEM, add ? 1 : 0, item, &updated));
    OK(MprConfigInterfaceTransportSetInfo(cfg, hif, hift, updated,
                                           MprInfoBlockQuerySize(updated)));
    MprInfoDelete(updated);
    MprConfigBufferFree(info);
    MprConfigServerDisconnect(cfg);
    return t_finish();
}

/* MprAdmin*: sets dwAdminStatus of IF's ip transport (1 up, 2 down); applied on return. */
static int admin_status(const char *ifname, DWORD status)
{
    HANDLE srv = NULL, hif = NULL;
    WCHAR name[64];
    OK(MprAdminServerConnect(NULL, &srv));
    OK(MprAdminInterfaceGetHandle(srv, t_w(name, 64, ifname), &hif, FALSE));
    LPBYTE info = NULL;
    DWORD size = 0;
    OK(MprAdminInterfaceTransportGetInfo(srv, hif, PID_IP, &info, &size));
    CHECK(info != NULL && size >= 12);
    if (info == NULL)
        return t_finish();
    LPVOID updated = NULL;
    OK(MprInfoBlockSet(info, IP_INTERFACE_STATUS_INFO, 4, 1, (LPBYTE)&status, &updated));
    OK(MprAdminInterfaceTransportSetInfo(srv, hif, PID_IP, updated,
                                         MprInfoBlockQuerySize(updated)));
    MprInfoDelete(updated);
    MprAdminBufferFree(info);
    MprAdminServerDisconnect(srv);
    return t_finish();
}

static int no_manager(void)
{
    HANDLE srv = (HANDLE)1;
    WCHAR remote[32];
    EXPECT(MprAdminServerConnect(NULL, &srv), RPC_S_UNKNOWN_IF);
    CHECK(srv == NULL);
    CHECK(MprAdminIsServiceRunning(NULL) == FALSE);
    /* A remote name goes to that machine's mprd: a name that does not resolve is 53, as for
     * MprConfigServerConnect, and the service is not running there as far as we can tell. */
    EXPECT(MprAdminServerConnect(t_w(remote, 32, "router1.invalid"), &srv), ERROR_BAD_NETPATH);
    CHECK(srv == NULL);
    CHECK(MprAdminIsServiceRunning(remote) == FALSE);
    EXPECT(MprAdminServerConnect(NULL, NULL), ERROR_INVALID_PARAMETER);
    MprAdminServerDisconnect(NULL);
    MprAdminServerDisconnect((HANDLE)0x12345);

    LPWSTR msg = NULL;
    OK(MprAdminGetErrorString(ERROR_NO_SUCH_INTERFACE, &msg));
    CHECK(msg != NULL && msg[0] != 0);
    OK(MprAdminBufferFree(msg));
    EXPECT(MprAdminGetErrorString(123456, &msg), ERROR_MR_MID_NOT_FOUND);
    CHECK(msg == NULL);
    EXPECT(MprAdminGetErrorString(5, NULL), ERROR_INVALID_PARAMETER);

    /* Calls on a handle nobody issued. */
    LPBYTE buf = (LPBYTE)1;
    EXPECT(MprAdminServerGetInfo((HANDLE)0x12345, 0, &buf), ERROR_INVALID_HANDLE);
    CHECK(buf == NULL);
    EXPECT(MprAdminServerGetInfo(NULL, 0, &buf), ERROR_INVALID_PARAMETER);
    return t_finish();
}

static int running(void)
{
    HANDLE srv = NULL;
    CHECK(MprAdminIsServiceRunning(NULL) == TRUE);
    OK(MprAdminServerConnect(NULL, &srv));
    CHECK(srv != NULL);
    /* A remote name is that machine's router manager, never ours, even while ours runs. */
    HANDLE rsrv = (HANDLE)1;
    WCHAR remote[32];
    EXPECT(MprAdminServerConnect(t_w(remote, 32, "router1.invalid"), &rsrv), ERROR_BAD_NETPATH);
    CHECK(rsrv == NULL);
    CHECK(MprAdminIsServiceRunning(remote) == FALSE);
    CHECK(MprAdminIsServiceRunning(t_w(remote, 32, "\\\\127.0.0.1:4000")) == FALSE);

    LPBYTE buf = NULL;
    OK(MprAdminServerGetInfo(srv, 0, &buf));
    if (buf) {
        MPR_SERVER_0 *s0 = (MPR_SERVER_0 *)buf;
        CHECK(s0->dwPortsInUse == 0);
        CHECK(s0->dwUpTime < 3600);
        MprAdminBufferFree(buf);
    }
    OK(MprAdminServerGetInfo(srv, 1, &buf));
    MprAdminBufferFree(buf);
    OK(MprAdminServerGetInfo(srv, 2, &buf));
    MprAdminBufferFree(buf);
    EXPECT(MprAdminServerGetInfo(srv, 3, &buf), ERROR_INVALID_PARAMETER);
    CHECK(buf == NULL);

    /* Interfaces with live state: r-a is up with carrier in the scenario. */
    DWORD read = 0, total = 0, resume = 0;
    OK(MprAdminInterfaceEnum(srv, 0, &buf, (DWORD)-1, &read, &total, &resume));
    CHECK(read >= 2 && read == total);
    HANDLE ra = NULL;
    for (DWORD i = 0; buf && i < read; i++) {
        MPR_INTERFACE_0 *e = &((MPR_INTERFACE_0 *)buf)[i];
        if (t_weq(e->wszInterfaceName, "r-a")) {
            ra = e->hInterface;
            CHECK(e->dwConnectionState == ROUTER_IF_STATE_CONNECTED);
            CHECK(e->fUnReachabilityReasons == 0);
        }
        if (t_weq(e->wszInterfaceName, "Internal"))
            CHECK(e->dwConnectionState == ROUTER_IF_STATE_CONNECTED);
    }
    CHECK(ra != NULL);
    MprAdminBufferFree(buf);
    EXPECT(MprAdminInterfaceEnum(srv, 1, &buf, (DWORD)-1, &read, &total, NULL),
           ERROR_INVALID_PARAMETER);
    EXPECT(MprAdminInterfaceEnum(srv, 0, &buf, 10, &read, &total, NULL),
           ERROR_INVALID_PARAMETER);

    HANDLE hif = NULL;
    WCHAR name[64];
    OK(MprAdminInterfaceGetHandle(srv, t_w(name, 64, "R-A"), &hif, FALSE));
    CHECK(hif == ra);
    EXPECT(MprAdminInterfaceGetHandle(srv, t_w(name, 64, "nonesuch"), &hif, FALSE),
           ERROR_NO_SUCH_INTERFACE);
    CHECK(hif == NULL);
    OK(MprAdminInterfaceGetHandle(srv, t_w(name, 64, "r-a"), &hif, TRUE));

    for (DWORD level = 0; level <= 3; level++) {
        OK(MprAdminInterfaceGetInfo(srv, hif, level, &buf));
        if (buf) {
            MPR_INTERFACE_0 *i0 = (MPR_INTERFACE_0 *)buf;
            CHECK(t_weq(i0->wszInterfaceName, "r-a"));
            CHECK(i0->hInterface == hif);
            CHECK(i0->dwIfType == ROUTER_IF_TYPE_DEDICATED);
            CHECK(i0->dwConnectionState == ROUTER_IF_STATE_CONNECTED);
            MprAdminBufferFree(buf);
        }
    }
    EXPECT(MprAdminInterfaceGetInfo(srv, hif, 4, &buf), ERROR_INVALID_PARAMETER);
    EXPECT(MprAdminInterfaceGetInfo(srv, (HANDLE)0x12345, 0, &buf), ERROR_INVALID_HANDLE);
    EXPECT(MprAdminInterfaceGetInfo(srv, NULL, 0, &buf), ERROR_INVALID_PARAMETER);
    EXPECT(MprAdminInterfaceGetInfo(srv, hif, 0, NULL), ERROR_INVALID_PARAMETER);
    /* A server handle is not an interface handle, and the reverse. */
    EXPECT(MprAdminInterfaceGetInfo(srv, srv, 0, &buf), ERROR_INVALID_HANDLE);
    EXPECT(MprAdminServerGetInfo(hif, 0, &buf), ERROR_INVALID_HANDLE);

    /* A LAN interface's enabled state is fixed (as MprConfigInterfaceSetInfo). */
    MPR_INTERFACE_0 change = t_if0("r-a", ROUTER_IF_TYPE_DEDICATED, FALSE);
    EXPECT(MprAdminInterfaceSetInfo(srv, hif, 0, (LPBYTE)&change), ERROR_INVALID_PARAMETER);

    /* Create, give a transport, read it back, remove, delete: stored and applied. */
    MPR_INTERFACE_0 dd = t_if0("admin-dd", ROUTER_IF_TYPE_FULL_ROUTER, TRUE);
    HANDLE hdd = NULL;
    OK(MprAdminInterfaceCreate(srv, 0, (LPBYTE)&dd, &hdd));
    CHECK(hdd != NULL);
    EXPECT(MprAdminInterfaceCreate(srv, 0, (LPBYTE)&dd, &hdd), ERROR_INTERFACE_ALREADY_EXISTS);
    CHECK(hdd == NULL);
    OK(MprAdminInterfaceGetHandle(srv, t_w(name, 64, "admin-dd"), &hdd, FALSE));
    OK(MprAdminInterfaceGetInfo(srv, hdd, 0, &buf));
    if (buf) {
        /* Nothing dials here: a demand-dial interface is unreachable, no device. */
        CHECK(((MPR_INTERFACE_0 *)buf)->dwConnectionState == ROUTER_IF_STATE_UNREACHABLE);
        CHECK(((MPR_INTERFACE_0 *)buf)->fUnReachabilityReasons == MPR_INTERFACE_NO_DEVICE);
        MprAdminBufferFree(buf);
    }
    EXPECT(MprAdminInterfaceConnect(srv, hdd, NULL, TRUE), ERROR_NOT_SUPPORTED);
    EXPECT(MprAdminInterfaceDisconnect(srv, hdd), ERROR_NOT_SUPPORTED);
    LPVOID hdr = NULL;
    OK(MprInfoCreate(RTR_INFO_BLOCK_VERSION, &hdr));
    OK(MprAdminInterfaceTransportAdd(srv, hdd, PID_IP, hdr, MprInfoBlockQuerySize(hdr)));
    DWORD size = 0;
    OK(MprAdminInterfaceTransportGetInfo(srv, hdd, PID_IP, &buf, &size));
    CHECK(buf != NULL && size == MprInfoBlockQuerySize(hdr));
    MprAdminBufferFree(buf);
    EXPECT(MprAdminInterfaceTransportAdd(srv, hdd, PID_IP, hdr, 0), ERROR_INVALID_PARAMETER);
    EXPECT(MprAdminInterfaceTransportSetInfo(srv, hdd, PID_IP, NULL, 0),
           ERROR_INVALID_PARAMETER);
    BYTE junk[16] = {0xff, 0xff, 0xff, 0xff};
    EXPECT(MprAdminInterfaceTransportSetInfo(srv, hdd, PID_IP, junk, sizeof junk),
           ERROR_INVALID_PARAMETER);
    OK(MprAdminInterfaceTransportRemove(srv, hdd, PID_IP));
    EXPECT(MprAdminInterfaceTransportGetInfo(srv, hdd, PID_IP, &buf, &size),
           ERROR_NO_SUCH_INTERFACE);
    CHECK(buf == NULL);
    MprInfoDelete(hdr);
    OK(MprAdminInterfaceDelete(srv, hdd));
    EXPECT(MprAdminInterfaceGetInfo(srv, hdd, 0, &buf), ERROR_NO_SUCH_INTERFACE);

    /* Transports. */
    LPBYTE global = NULL, client = NULL;
    DWORD gsize = 0, csize = 0;
    OK(MprAdminTransportGetInfo(srv, PID_IP, &global, &gsize, &client, &csize));
    CHECK(global != NULL && gsize >= 12);
    if (global) {
        /* Writing the same GlobalInfo back is accepted and applied (a no-op). */
        OK(MprAdminTransportSetInfo(srv, PID_IP, global, gsize, NULL, 0));
        MprAdminBufferFree(global);
    }
    MprAdminBufferFree(client);
    EXPECT(MprAdminTransportGetInfo(srv, 0x1234, &global, &gsize, NULL, NULL),
           ERROR_UNKNOWN_PROTOCOL_ID);
    EXPECT(MprAdminTransportSetInfo(srv, PID_IP, NULL, 0, NULL, 0), ERROR_INVALID_PARAMETER);

    /* Remote access: nothing runs. */
    OK(MprAdminConnectionEnum(srv, 0, &buf, (DWORD)-1, &read, &total, &resume));
    CHECK(buf == NULL && read == 0 && total == 0);
    OK(MprAdminPortEnum(srv, 0, NULL, &buf, (DWORD)-1, &read, &total, NULL));
    CHECK(buf == NULL && read == 0 && total == 0);
    EXPECT(MprAdminConnectionGetInfo(srv, 0, (HANDLE)1, &buf), ERROR_INVALID_HANDLE);
    CHECK(buf == NULL);
    EXPECT(MprAdminPortGetInfo(srv, 0, (HANDLE)1, &buf), ERROR_INVALID_HANDLE);

    MprAdminServerDisconnect(srv);
    /* Handles die with their server handle. */
    EXPECT(MprAdminServerGetInfo(srv, 0, &buf), ERROR_INVALID_HANDLE);
    EXPECT(MprAdminInterfaceGetInfo(srv, hif, 0, &buf), ERROR_INVALID_HANDLE);
    return t_finish();
}

/* MprAdmin* on a remote server through its mprd (admin token): the live state of IF (a link
 * that is up, with carrier, in the router manager's namespace), every call kind, error codes
 * that cross the wire unchanged, and IF's ip transport set administratively DOWN at the end
 * (the test checks the link went down before this returned). */
static int remote_admin(const char *server, const char *ifname)
{
    HANDLE srv = NULL, hif = NULL;
    WCHAR sname[128], name[64];
    t_w(sname, 128, server);
    CHECK(MprAdminIsServiceRunning(sname) == TRUE);
    OK(MprAdminServerConnect(sname, &srv));
    CHECK(srv != NULL);
    if (srv == NULL)
        return t_finish();

    LPBYTE buf = NULL;
    OK(MprAdminServerGetInfo(srv, 0, &buf));
    if (buf) {
        CHECK(((MPR_SERVER_0 *)buf)->dwPortsInUse == 0);
        MprAdminBufferFree(buf);
    }
    EXPECT(MprAdminServerGetInfo(srv, 3, &buf), ERROR_INVALID_PARAMETER);
    CHECK(buf == NULL);

    DWORD read = 0, total = 0, resume = 0;
    OK(MprAdminInterfaceEnum(srv, 0, &buf, (DWORD)-1, &read, &total, &resume));
    CHECK(read >= 1 && read == total);
    int found = 0;
    for (DWORD i = 0; buf && i < read; i++) {
        MPR_INTERFACE_0 *e = &((MPR_INTERFACE_0 *)buf)[i];
        if (t_weq(e->wszInterfaceName, ifname)) {
            found = 1;
            CHECK(e->dwConnectionState == ROUTER_IF_STATE_CONNECTED);
        }
    }
    CHECK(found);
    MprAdminBufferFree(buf);

    OK(MprAdminInterfaceGetHandle(srv, t_w(name, 64, ifname), &hif, FALSE));
    EXPECT(MprAdminInterfaceGetHandle(srv, t_w(name, 64, "nonesuch"), &hif, FALSE),
           ERROR_NO_SUCH_INTERFACE);
    CHECK(hif == NULL);
    OK(MprAdminInterfaceGetHandle(srv, t_w(name, 64, ifname), &hif, FALSE));
    for (DWORD level = 0; level <= 3; level++) {
        OK(MprAdminInterfaceGetInfo(srv, hif, level, &buf));
        if (buf) {
            MPR_INTERFACE_0 *i0 = (MPR_INTERFACE_0 *)buf;
            CHECK(t_weq(i0->wszInterfaceName, ifname));
            CHECK(i0->hInterface == hif);
            CHECK(i0->dwConnectionState == ROUTER_IF_STATE_CONNECTED);
            CHECK(i0->fUnReachabilityReasons == 0);
            MprAdminBufferFree(buf);
        }
    }
    EXPECT(MprAdminInterfaceGetInfo(srv, (HANDLE)0x12345, 0, &buf), ERROR_INVALID_HANDLE);

    /* Create, transport, read back, remove, delete: stored and applied on the server. */
    MPR_INTERFACE_0 dd = t_if0("remote-dd", ROUTER_IF_TYPE_FULL_ROUTER, TRUE);
    HANDLE hdd = NULL;
    OK(MprAdminInterfaceCreate(srv, 0, (LPBYTE)&dd, &hdd));
    EXPECT(MprAdminInterfaceCreate(srv, 0, (LPBYTE)&dd, &hdd), ERROR_INTERFACE_ALREADY_EXISTS);
    OK(MprAdminInterfaceGetHandle(srv, t_w(name, 64, "remote-dd"), &hdd, FALSE));
    OK(MprAdminInterfaceGetInfo(srv, hdd, 0, &buf));
    if (buf) {
        CHECK(((MPR_INTERFACE_0 *)buf)->dwConnectionState == ROUTER_IF_STATE_UNREACHABLE);
        MprAdminBufferFree(buf);
    }
    LPVOID hdr = NULL;
    OK(MprInfoCreate(RTR_INFO_BLOCK_VERSION, &hdr));
    OK(MprAdminInterfaceTransportAdd(srv, hdd, PID_IP, hdr, MprInfoBlockQuerySize(hdr)));
    DWORD size = 0;
    OK(MprAdminInterfaceTransportGetInfo(srv, hdd, PID_IP, &buf, &size));
    CHECK(buf != NULL && size == MprInfoBlockQuerySize(hdr));
    MprAdminBufferFree(buf);
    BYTE junk[16] = {0xff, 0xff, 0xff, 0xff};
    EXPECT(MprAdminInterfaceTransportSetInfo(srv, hdd, PID_IP, junk, sizeof junk),
           ERROR_INVALID_PARAMETER);
    OK(MprAdminInterfaceTransportRemove(srv, hdd, PID_IP));
    EXPECT(MprAdminInterfaceTransportGetInfo(srv, hdd, PID_IP, &buf, &size),
           ERROR_NO_SUCH_INTERFACE);
    CHECK(buf == NULL);
    MprInfoDelete(hdr);
    OK(MprAdminInterfaceDelete(srv, hdd));
    EXPECT(MprAdminInterfaceGetInfo(srv, hdd, 0, &buf), ERROR_NO_SUCH_INTERFACE);

    LPBYTE global = NULL, client = NULL;
    DWORD gsize = 0, csize = 0;
    OK(MprAdminTransportGetInfo(srv, PID_IP, &global, &gsize, &client, &csize));
    CHECK(global != NULL && gsize >= 12);
    if (global) {
        OK(MprAdminTransportSetInfo(srv, PID_IP, global, gsize, NULL, 0));
        MprAdminBufferFree(global);
    }
    MprAdminBufferFree(client);
    EXPECT(MprAdminTransportGetInfo(srv, 0x1234, &global, &gsize, NULL, NULL),
           ERROR_UNKNOWN_PROTOCOL_ID);

    /* IF's ip transport administratively DOWN: applied on the server before this returns. */
    OK(MprAdminInterfaceTransportGetInfo(srv, hif, PID_IP, &buf, &size));
    CHECK(buf != NULL);
    if (buf) {
        DWORD down = 2;
        LPVOID updated = NULL;
        OK(MprInfoBlockSet(buf, IP_INTERFACE_STATUS_INFO, 4, 1, (LPBYTE)&down, &updated));
        OK(MprAdminInterfaceTransportSetInfo(srv, hif, PID_IP, updated,
                                             MprInfoBlockQuerySize(updated)));
        MprInfoDelete(updated);
        MprAdminBufferFree(buf);
    }
    OK(MprAdminInterfaceGetInfo(srv, hif, 0, &buf));
    if (buf) {
        CHECK(((MPR_INTERFACE_0 *)buf)->dwConnectionState == ROUTER_IF_STATE_UNREACHABLE);
        CHECK(((MPR_INTERFACE_0 *)buf)->fUnReachabilityReasons ==
              MPR_INTERFACE_CONNECTION_FAILURE);
        MprAdminBufferFree(buf);
    }

    MprAdminServerDisconnect(srv);
    EXPECT(MprAdminServerGetInfo(srv, 0, &buf), ERROR_INVALID_HANDLE);
    return t_finish();
}

/* A reader token: every read answers, every write is ERROR_ACCESS_DENIED, nothing changes. */
static int remote_reader(const char *server, const char *ifname)
{
    HANDLE srv = NULL, hif = NULL;
    WCHAR sname[128], name[64];
    t_w(sname, 128, server);
    CHECK(MprAdminIsServiceRunning(sname) == TRUE);
    OK(MprAdminServerConnect(sname, &srv));
    if (srv == NULL)
        return t_finish();
    LPBYTE buf = NULL;
    OK(MprAdminServerGetInfo(srv, 0, &buf));
    MprAdminBufferFree(buf);
    OK(MprAdminInterfaceGetHandle(srv, t_w(name, 64, ifname), &hif, FALSE));
    OK(MprAdminInterfaceGetInfo(srv, hif, 0, &buf));
    MPR_INTERFACE_0 change = {0};
    if (buf) {
        change = *(MPR_INTERFACE_0 *)buf;
        MprAdminBufferFree(buf);
    }
    EXPECT(MprAdminInterfaceSetInfo(srv, hif, 0, (LPBYTE)&change), ERROR_ACCESS_DENIED);
    MPR_INTERFACE_0 dd = t_if0("reader-dd", ROUTER_IF_TYPE_FULL_ROUTER, TRUE);
    HANDLE hdd = (HANDLE)1;
    EXPECT(MprAdminInterfaceCreate(srv, 0, (LPBYTE)&dd, &hdd), ERROR_ACCESS_DENIED);
    CHECK(hdd == NULL);
    EXPECT(MprAdminInterfaceGetHandle(srv, t_w(name, 64, "reader-dd"), &hdd, FALSE),
           ERROR_NO_SUCH_INTERFACE);
    DWORD size = 0;
    OK(MprAdminInterfaceTransportGetInfo(srv, hif, PID_IP, &buf, &size));
    if (buf) {
        EXPECT(MprAdminInterfaceTransportSetInfo(srv, hif, PID_IP, buf, size),
               ERROR_ACCESS_DENIED);
        MprAdminBufferFree(buf);
    }
    EXPECT(MprAdminInterfaceTransportRemove(srv, hif, PID_IP), ERROR_ACCESS_DENIED);
    EXPECT(MprAdminInterfaceDelete(srv, hif), ERROR_ACCESS_DENIED);
    MprAdminServerDisconnect(srv);
    return t_finish();
}

/* The server's mprd relays no router manager: exactly what Windows gives without RRAS. */
static int remote_none(const char *server)
{
    HANDLE srv = (HANDLE)1;
    WCHAR sname[128];
    t_w(sname, 128, server);
    CHECK(MprAdminIsServiceRunning(sname) == FALSE);
    EXPECT(MprAdminServerConnect(sname, &srv), RPC_S_UNKNOWN_IF);
    CHECK(srv == NULL);
    return t_finish();
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "none";
    if (strcmp(mode, "none") == 0)
        return no_manager();
    if (strcmp(mode, "running") == 0)
        return running();
    if (argc > 3 && strcmp(mode, "route") == 0)
        return config_route(argv[2], strcmp(argv[3], "V6") == 0, 1);
    if (argc > 3 && strcmp(mode, "unroute") == 0)
        return config_route(argv[2], strcmp(argv[3], "V6") == 0, 0);
    if (argc > 2 && strcmp(mode, "down") == 0)
        return admin_status(argv[2], 2);
    if (argc > 2 && strcmp(mode, "up") == 0)
        return admin_status(argv[2], 1);
    if (argc > 3 && strcmp(mode, "remote") == 0)
        return remote_admin(argv[2], argv[3]);
    if (argc > 3 && strcmp(mode, "remote-reader") == 0)
        return remote_reader(argv[2], argv[3]);
    if (argc > 2 && strcmp(mode, "remote-none") == 0)
        return remote_none(argv[2]);
    fprintf(stderr, "usage: admin none|running|route IF V4|V6|unroute IF V4|V6|down IF|up IF|"
                    "remote SERVER IF|remote-reader SERVER IF|remote-none SERVER\n");
    return 2;
}
