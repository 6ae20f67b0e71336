/* Every MprConfig* function: success paths and documented error codes, handle rules
 * (NULL 87, foreign/stale/wrong-kind 6, deleted object 905/902) and buffer ownership. */
#include "test.h"
#include "blobs.h"

static HANDLE cfg;
static WCHAR wbuf[512];

static void server_functions(void)
{
    LPBYTE buf = NULL;
    MPR_SERVER_1 s1;
    MPR_SERVER_2 s2;
    MPR_SERVER_EX ex;
    MPR_SERVER_SET_CONFIG_EX set;
    HANDLE h = (HANDLE)1;

    EXPECT(MprConfigServerConnect(NULL, NULL), ERROR_INVALID_PARAMETER);
    OK(MprConfigServerRefresh(cfg));
    EXPECT(MprConfigServerRefresh(NULL), ERROR_INVALID_PARAMETER);
    EXPECT(MprConfigServerRefresh((HANDLE)0x1234), ERROR_INVALID_HANDLE);

    OK(MprConfigServerGetInfo(cfg, 0, &buf));
    CHECK(buf != NULL && ((MPR_SERVER_0 *)buf)->dwUpTime == 0);
    OK(MprConfigBufferFree(buf));
    OK(MprConfigServerGetInfo(cfg, 2, &buf));
    s2 = *(MPR_SERVER_2 *)buf;
    OK(MprConfigBufferFree(buf));
    buf = (LPBYTE)1;
    EXPECT(MprConfigServerGetInfo(cfg, 3, &buf), ERROR_INVALID_PARAMETER);
    CHECK(buf == NULL);
    EXPECT(MprConfigServerGetInfo(NULL, 0, &buf), ERROR_INVALID_PARAMETER);
    EXPECT(MprConfigServerGetInfo(cfg, 0, NULL), ERROR_INVALID_PARAMETER);

    s1.dwNumPptpPorts = 5; s1.dwPptpPortFlags = MPR_ENABLE_RAS_ON_DEVICE;
    s1.dwNumL2tpPorts = 7; s1.dwL2tpPortFlags = MPR_ENABLE_RAS_ON_DEVICE | MPR_ENABLE_ROUTING_ON_DEVICE;
    OK(MprConfigServerSetInfo(cfg, 1, (LPBYTE)&s1));
    OK(MprConfigServerGetInfo(cfg, 1, &buf));
    CHECK(((MPR_SERVER_1 *)buf)->dwNumPptpPorts == 5 && ((MPR_SERVER_1 *)buf)->dwNumL2tpPorts == 7);
    OK(MprConfigBufferFree(buf));
    s2.dwNumSstpPorts = 3;
    s2.dwNumPptpPorts = 5; s2.dwPptpPortFlags = MPR_ENABLE_RAS_ON_DEVICE;
    s2.dwNumL2tpPorts = 7; s2.dwL2tpPortFlags = MPR_ENABLE_RAS_ON_DEVICE;
    s2.dwSstpPortFlags = MPR_ENABLE_RAS_ON_DEVICE;
    OK(MprConfigServerSetInfo(cfg, 2, (LPBYTE)&s2));
    EXPECT(MprConfigServerSetInfo(cfg, 0, (LPBYTE)&s2), ERROR_NOT_SUPPORTED);
    EXPECT(MprConfigServerSetInfo(cfg, 3, (LPBYTE)&s2), ERROR_NOT_SUPPORTED);
    s1.dwNumPptpPorts = 0;
    EXPECT(MprConfigServerSetInfo(cfg, 1, (LPBYTE)&s1), ERROR_INVALID_PARAMETER);
    EXPECT(MprConfigServerSetInfo(NULL, 1, (LPBYTE)&s1), ERROR_INVALID_PARAMETER);
    EXPECT(MprConfigServerSetInfo(cfg, 1, NULL), ERROR_INVALID_PARAMETER);
    EXPECT(MprConfigServerSetInfo((HANDLE)0x5678, 1, (LPBYTE)&s2), ERROR_INVALID_HANDLE);

    memset(&ex, 0xcc, sizeof ex);
    OK(MprConfigServerGetInfoEx(cfg, &ex));
    CHECK(ex.Header.type == MPRAPI_OBJECT_TYPE_MPR_SERVER_OBJECT && ex.Header.size == sizeof(MPR_SERVER_EX));
    CHECK(ex.ConfigParams.PptpConfigParams.dwNumPorts == 5);
    CHECK(ex.ConfigParams.SstpConfigParams.dwNumPorts == 3);
    /* Memory hung off the structure: each non-NULL pointer is one buffer. */
    OK(MprConfigBufferFree(ex.ConfigParams.IkeConfigParams.TunnelConfigParams.certificateNames));
    OK(MprConfigBufferFree(ex.ConfigParams.IkeConfigParams.TunnelConfigParams.machineCertificateName.pbData));
    OK(MprConfigBufferFree(ex.ConfigParams.IkeConfigParams.TunnelConfigParams.customPolicy));
    OK(MprConfigBufferFree(ex.ConfigParams.IkeConfigParams.TunnelConfigParams.certificateEKUs));
    OK(MprConfigBufferFree(ex.ConfigParams.IkeConfigParams.TunnelConfigParams.machineCertificateHash.pbData));
    OK(MprAdminBufferFree(ex.ConfigParams.L2tpConfigParams.TunnelConfigParams.customPolicy));
    OK(MprAdminBufferFree(ex.ConfigParams.SstpConfigParams.sstpCertDetails.certBlob.pbData));
    EXPECT(MprConfigServerGetInfoEx(cfg, NULL), ERROR_INVALID_PARAMETER);
    EXPECT(MprConfigServerGetInfoEx(NULL, &ex), ERROR_INVALID_PARAMETER);

    {
        ROUTER_CUSTOM_IKEv2_POLICY0 pol = {1, 2, 3, 4, 5, 6};
        CERT_NAME_BLOB names[2];
        BYTE n1[3] = {1, 2, 3}, n2[2] = {4, 5}, hash[4] = {9, 9, 9, 9};
        MPR_CERT_EKU ekus[1];
        WCHAR eku[32];
        memset(&set, 0, sizeof set);
        set.Header.revision = MPRAPI_MPR_SERVER_SET_CONFIG_OBJECT_REVISION_1;
        set.Header.type = MPRAPI_OBJECT_TYPE_MPR_SERVER_SET_CONFIG_OBJECT;
        set.Header.size = sizeof set;
        set.setConfigForProtocols = MPRAPI_SET_CONFIG_PROTOCOL_FOR_IKEV2 | MPRAPI_SET_CONFIG_PROTOCOL_FOR_GRE;
        set.ConfigParams.IkeConfigParams.dwNumPorts = 11;
        set.ConfigParams.IkeConfigParams.dwPortFlags = MPR_ENABLE_RAS_ON_DEVICE;
        set.ConfigParams.IkeConfigParams.dwTunnelConfigParamFlags = MPRAPI_IKEV2_SET_TUNNEL_CONFIG_PARAMS;
        set.ConfigParams.IkeConfigParams.TunnelConfigParams.dwIdleTimeout = 300;
        set.ConfigParams.IkeConfigParams.TunnelConfigParams.dwNetworkBlackoutTime = 120;
        set.ConfigParams.IkeConfigParams.TunnelConfigParams.dwSaLifeTime = 28800;
        set.ConfigParams.IkeConfigParams.TunnelConfigParams.dwSaDataSizeForRenegotiation = 102400;
        names[0].cbData = 3; names[0].pbData = n1;
        names[1].cbData = 2; names[1].pbData = n2;
        set.ConfigParams.IkeConfigParams.TunnelConfigParams.dwTotalCertificates = 2;
        set.ConfigParams.IkeConfigParams.TunnelConfigParams.certificateNames = names;
        set.ConfigParams.IkeConfigParams.TunnelConfigParams.customPolicy = &pol;
        ekus[0].dwSize = 0; ekus[0].IsEKUOID = TRUE; ekus[0].pwszEKU = t_w(eku, 32, "1.3.6.1.5.5.7.3.1");
        set.ConfigParams.IkeConfigParams.TunnelConfigParams.dwTotalEkus = 1;
        set.ConfigParams.IkeConfigParams.TunnelConfigParams.certificateEKUs = ekus;
        set.ConfigParams.IkeConfigParams.TunnelConfigParams.machineCertificateHash.cbData = 4;
        set.ConfigParams.IkeConfigParams.TunnelConfigParams.machineCertificateHash.pbData = hash;
        set.ConfigParams.GREConfigParams.dwNumPorts = 4;
        set.ConfigParams.GREConfigParams.dwPortFlags = MPR_ENABLE_ROUTING_ON_DEVICE;
        /* Members of unselected protocols are never read. */
        set.ConfigParams.L2tpConfigParams.TunnelConfigParams.customPolicy = (PROUTER_CUSTOM_IKEv2_POLICY0)8;
        {
            DWORD rc = MprConfigServerSetInfoEx(cfg, &set);
            CHECK(rc == NO_ERROR || rc == ERROR_SUCCESS_REBOOT_REQUIRED);
            if (rc != NO_ERROR && rc != ERROR_SUCCESS_REBOOT_REQUIRED)
                fprintf(stderr, "MprConfigServerSetInfoEx: %lu\n", (unsigned long)rc);
        }
        OK(MprConfigServerGetInfoEx(cfg, &ex));
        CHECK(ex.ConfigParams.GREConfigParams.dwNumPorts == 4);
        CHECK(ex.ConfigParams.IkeConfigParams.dwNumPorts == 11);
        CHECK(ex.ConfigParams.IkeConfigParams.TunnelConfigParams.dwTotalCertificates == 2);
        if (ex.ConfigParams.IkeConfigParams.TunnelConfigParams.dwTotalCertificates == 2) {
            CHECK(ex.ConfigParams.IkeConfigParams.TunnelConfigParams.certificateNames[1].cbData == 2);
            CHECK(ex.ConfigParams.IkeConfigParams.TunnelConfigParams.certificateNames[1].pbData[1] == 5);
        }
        CHECK(ex.ConfigParams.IkeConfigParams.TunnelConfigParams.customPolicy != NULL &&
              ex.ConfigParams.IkeConfigParams.TunnelConfigParams.customPolicy->dwDhGroup == 6);
        CHECK(ex.ConfigParams.IkeConfigParams.TunnelConfigParams.dwTotalEkus == 1 &&
              t_weq(ex.ConfigParams.IkeConfigParams.TunnelConfigParams.certificateEKUs[0].pwszEKU, "1.3.6.1.5.5.7.3.1"));
        CHECK(ex.ConfigParams.IkeConfigParams.TunnelConfigParams.machineCertificateHash.cbData == 4);
        OK(MprConfigBufferFree(ex.ConfigParams.IkeConfigParams.TunnelConfigParams.certificateNames));
        OK(MprConfigBufferFree(ex.ConfigParams.IkeConfigParams.TunnelConfigParams.machineCertificateName.pbData));
        OK(MprConfigBufferFree(ex.ConfigParams.IkeConfigParams.TunnelConfigParams.customPolicy));
        OK(MprConfigBufferFree(ex.ConfigParams.IkeConfigParams.TunnelConfigParams.certificateEKUs));
        OK(MprConfigBufferFree(ex.ConfigParams.IkeConfigParams.TunnelConfigParams.machineCertificateHash.pbData));
        OK(MprConfigBufferFree(ex.ConfigParams.L2tpConfigParams.TunnelConfigParams.customPolicy));
        OK(MprConfigBufferFree(ex.ConfigParams.SstpConfigParams.sstpCertDetails.certBlob.pbData));

        set.Header.type = 2;
        EXPECT(MprConfigServerSetInfoEx(cfg, &set), ERROR_INVALID_PARAMETER);
        set.Header.type = MPRAPI_OBJECT_TYPE_MPR_SERVER_SET_CONFIG_OBJECT;
        set.Header.size = 100;
        EXPECT(MprConfigServerSetInfoEx(cfg, &set), ERROR_INVALID_PARAMETER);
        set.Header.size = sizeof(MPR_SERVER_SET_CONFIG_EX0); /* EX0 has no GRE member */
        EXPECT(MprConfigServerSetInfoEx(cfg, &set), ERROR_INVALID_PARAMETER);
        EXPECT(MprConfigServerSetInfoEx(cfg, NULL), ERROR_INVALID_PARAMETER);
        EXPECT(MprConfigServerSetInfoEx(NULL, &set), ERROR_INVALID_PARAMETER);
    }

    EXPECT(MprConfigServerBackup(NULL, t_w(wbuf, 512, "/tmp/")), ERROR_INVALID_PARAMETER);
    EXPECT(MprConfigServerBackup(cfg, NULL), ERROR_INVALID_PARAMETER);
    EXPECT(MprConfigServerRestore(NULL, t_w(wbuf, 512, "/tmp/")), ERROR_INVALID_PARAMETER);
    EXPECT(MprConfigServerRestore(cfg, NULL), ERROR_INVALID_PARAMETER);
    {
        /* Install resets the local configuration to the default tree. */
        HANDLE hif = NULL, hlo = NULL;
        MPR_INTERFACE_0 tmp = t_if0("Before install", ROUTER_IF_TYPE_FULL_ROUTER, TRUE);
        OK(MprConfigInterfaceCreate(cfg, 0, (LPBYTE)&tmp, &hif));
        OK(MprConfigServerInstall(0, NULL));
        OK(MprConfigServerRefresh(cfg));
        if (getenv("MPRAPI_TEST_SERVER") == NULL) {
            EXPECT(MprConfigInterfaceGetHandle(cfg, t_w(wbuf, 512, "Before install"), &hif), ERROR_NO_SUCH_INTERFACE);
        } else {
            /* Install has no server parameter: it reset this machine's store, not the router. */
            OK(MprConfigInterfaceGetHandle(cfg, t_w(wbuf, 512, "Before install"), &hif));
        }
        OK(MprConfigInterfaceGetHandle(cfg, t_w(wbuf, 512, "Loopback"), &hlo));
    }
    EXPECT(MprConfigServerInstall(1, NULL), ERROR_INVALID_PARAMETER);
    EXPECT(MprConfigServerInstall(0, &h), ERROR_INVALID_PARAMETER);

    /* Disconnect of NULL or of garbage is harmless. */
    MprConfigServerDisconnect(NULL);
    MprConfigServerDisconnect((HANDLE)0x9999);
}

static void interface_functions(void)
{
    MPR_INTERFACE_0 i0 = t_if0("Branch office", ROUTER_IF_TYPE_FULL_ROUTER, TRUE);
    MPR_INTERFACE_1 i1;
    HANDLE hif = NULL, h2 = NULL, hdial = NULL;
    LPBYTE buf = NULL;
    DWORD size = 0;
    WCHAR hours[64] = {0};
    MPR_INTERFACE_2 i2;

    EXPECT(MprConfigInterfaceCreate(NULL, 0, (LPBYTE)&i0, &hif), ERROR_INVALID_PARAMETER);
    EXPECT(MprConfigInterfaceCreate(cfg, 4, (LPBYTE)&i0, &hif), ERROR_INVALID_PARAMETER);
    EXPECT(MprConfigInterfaceCreate(cfg, 0, NULL, &hif), ERROR_INVALID_PARAMETER);
    EXPECT(MprConfigInterfaceCreate(cfg, 0, (LPBYTE)&i0, NULL), ERROR_INVALID_PARAMETER);
    OK(MprConfigInterfaceCreate(cfg, 0, (LPBYTE)&i0, &hif));
    CHECK(hif != NULL);
    h2 = (HANDLE)1;
    EXPECT(MprConfigInterfaceCreate(cfg, 0, (LPBYTE)&i0, &h2), ERROR_INTERFACE_ALREADY_EXISTS);
    CHECK(h2 == NULL);
    /* Names are compared case-insensitively; the same interface has the same handle. */
    OK(MprConfigInterfaceGetHandle(cfg, t_w(wbuf, 512, "BRANCH OFFICE"), &h2));
    CHECK(h2 == hif);
    EXPECT(MprConfigInterfaceGetHandle(cfg, t_w(wbuf, 512, "nope"), &h2), ERROR_NO_SUCH_INTERFACE);
    /* Pointer outputs are NULL after any failure, also one found before the handle is read. */
    h2 = (HANDLE)1;
    EXPECT(MprConfigInterfaceGetHandle(NULL, wbuf, &h2), ERROR_INVALID_PARAMETER);
    CHECK(h2 == NULL);
    EXPECT(MprConfigInterfaceGetHandle(cfg, NULL, &h2), ERROR_INVALID_PARAMETER);
    EXPECT(MprConfigInterfaceGetHandle(cfg, wbuf, NULL), ERROR_INVALID_PARAMETER);
    {
        /* A name longer than MAX_INTERFACE_NAME_LEN is refused without reading past it. */
        WCHAR *longname = (WCHAR *)malloc(300 * sizeof(WCHAR));
        for (int k = 0; k < 299; k++) longname[k] = 'x';
        longname[299] = 0;
        EXPECT(MprConfigInterfaceGetHandle(cfg, longname, &h2), ERROR_INVALID_PARAMETER);
        free(longname);
    }
    {
        /* A name with no terminator in its 257 characters is refused. */
        MPR_INTERFACE_0 bad;
        for (int k = 0; k <= MAX_INTERFACE_NAME_LEN; k++) bad.wszInterfaceName[k] = 'a';
        bad.fEnabled = TRUE; bad.dwIfType = ROUTER_IF_TYPE_FULL_ROUTER;
        EXPECT(MprConfigInterfaceCreate(cfg, 0, (LPBYTE)&bad, &h2), ERROR_INVALID_PARAMETER);
    }

    /* Level 1 with dial-out hours (a multi-string). */
    memset(&i1, 0, sizeof i1);
    t_w(i1.wszInterfaceName, MAX_INTERFACE_NAME_LEN + 1, "Dialer");
    i1.dwIfType = ROUTER_IF_TYPE_FULL_ROUTER;
    i1.fEnabled = TRUE;
    t_w(hours, 64, "2 09:00-12:00");
    t_w(hours + 14, 50, "4 13:00-17:30");
    hours[28] = 0;
    i1.lpwsDialoutHoursRestriction = hours;
    OK(MprConfigInterfaceCreate(cfg, 1, (LPBYTE)&i1, &hdial));
    OK(MprConfigInterfaceGetInfo(cfg, hdial, 1, &buf, &size));
    CHECK(size > sizeof(MPR_INTERFACE_1));
    {
        MPR_INTERFACE_1 *p = (MPR_INTERFACE_1 *)buf;
        CHECK(p->hInterface == hdial && t_weq(p->wszInterfaceName, "Dialer"));
        CHECK(p->lpwsDialoutHoursRestriction != NULL && t_weq(p->lpwsDialoutHoursRestriction, "2 09:00-12:00"));
        CHECK(t_weq(p->lpwsDialoutHoursRestriction + 14, "4 13:00-17:30"));
        /* The string lives inside the one buffer. */
        CHECK((LPBYTE)p->lpwsDialoutHoursRestriction >= buf && (LPBYTE)p->lpwsDialoutHoursRestriction < buf + size);
    }
    OK(MprConfigBufferFree(buf));

    OK(MprConfigInterfaceGetInfo(cfg, hif, 0, &buf, &size));
    CHECK(size == sizeof(MPR_INTERFACE_0));
    CHECK(((MPR_INTERFACE_0 *)buf)->dwIfType == ROUTER_IF_TYPE_FULL_ROUTER && ((MPR_INTERFACE_0 *)buf)->fEnabled);
    CHECK(((MPR_INTERFACE_0 *)buf)->dwConnectionState == ROUTER_IF_STATE_DISCONNECTED);
    OK(MprConfigBufferFree(buf));
    OK(MprConfigInterfaceGetInfo(cfg, hif, 2, &buf, &size));
    CHECK(size == sizeof(MPR_INTERFACE_2) && t_weq(((MPR_INTERFACE_2 *)buf)->wszInterfaceName, "Branch office"));
    i2 = *(MPR_INTERFACE_2 *)buf;
    OK(MprConfigBufferFree(buf));
    OK(MprConfigInterfaceGetInfo(cfg, hif, 3, &buf, &size));
    CHECK(size == sizeof(MPR_INTERFACE_3));
    OK(MprConfigBufferFree(buf));
    buf = (LPBYTE)1;
    EXPECT(MprConfigInterfaceGetInfo(cfg, hif, 4, &buf, &size), ERROR_INVALID_PARAMETER);
    CHECK(buf == NULL);
    EXPECT(MprConfigInterfaceGetInfo(NULL, hif, 0, &buf, &size), ERROR_INVALID_PARAMETER);
    EXPECT(MprConfigInterfaceGetInfo(cfg, NULL, 0, &buf, &size), ERROR_INVALID_PARAMETER);
    EXPECT(MprConfigInterfaceGetInfo(cfg, hif, 0, NULL, &size), ERROR_INVALID_PARAMETER);
    EXPECT(MprConfigInterfaceGetInfo(cfg, hif, 0, &buf, NULL), ERROR_INVALID_PARAMETER);

    /* SetInfo: level 2 changes fEnabled only; level 1 with NULL hours clears them. */
    i2.fEnabled = FALSE;
    OK(MprConfigInterfaceSetInfo(cfg, hif, 2, (LPBYTE)&i2));
    OK(MprConfigInterfaceGetInfo(cfg, hif, 0, &buf, &size));
    CHECK(!((MPR_INTERFACE_0 *)buf)->fEnabled);
    CHECK(((MPR_INTERFACE_0 *)buf)->fUnReachabilityReasons & MPR_INTERFACE_ADMIN_DISABLED);
    OK(MprConfigBufferFree(buf));
    i1.lpwsDialoutHoursRestriction = NULL;
    OK(MprConfigInterfaceSetInfo(cfg, hdial, 1, (LPBYTE)&i1));
    OK(MprConfigInterfaceGetInfo(cfg, hdial, 1, &buf, &size));
    CHECK(((MPR_INTERFACE_1 *)buf)->lpwsDialoutHoursRestriction == NULL);
    OK(MprConfigBufferFree(buf));
    {
        /* Dedicated and internal interfaces cannot be disabled (spec Q17). */
        HANDLE hint = NULL;
        MPR_INTERFACE_0 off = t_if0("Internal", ROUTER_IF_TYPE_INTERNAL, FALSE);
        OK(MprConfigInterfaceGetHandle(cfg, t_w(wbuf, 512, "Internal"), &hint));
        EXPECT(MprConfigInterfaceSetInfo(cfg, hint, 0, (LPBYTE)&off), ERROR_INVALID_PARAMETER);
        off.fEnabled = TRUE;
        OK(MprConfigInterfaceSetInfo(cfg, hint, 0, (LPBYTE)&off));
    }
    EXPECT(MprConfigInterfaceSetInfo(cfg, hif, 9, (LPBYTE)&i2), ERROR_INVALID_PARAMETER);
    EXPECT(MprConfigInterfaceSetInfo(NULL, hif, 0, (LPBYTE)&i2), ERROR_INVALID_PARAMETER);
    EXPECT(MprConfigInterfaceSetInfo(cfg, NULL, 0, (LPBYTE)&i2), ERROR_INVALID_PARAMETER);
    EXPECT(MprConfigInterfaceSetInfo(cfg, hif, 0, NULL), ERROR_INVALID_PARAMETER);

    /* Custom IKEv2 info (FULL_ROUTER interfaces). */
    {
        MPR_IF_CUSTOMINFOEX ci, out;
        ROUTER_CUSTOM_IKEv2_POLICY0 pol = {1, 2, 3, 4, 5, 6};
        MPR_VPN_TRAFFIC_SELECTOR ts[2];
        BYTE name[5] = {1, 2, 3, 4, 5};
        memset(&ci, 0, sizeof ci);
        memset(ts, 0, sizeof ts);
        ci.Header.revision = MPRAPI_MPR_IF_CUSTOM_CONFIG_OBJECT_REVISION_3;
        ci.Header.type = MPRAPI_OBJECT_TYPE_IF_CUSTOM_CONFIG_OBJECT;
        ci.Header.size = sizeof ci;
        ci.dwFlags = MPRAPI_IF_CUSTOM_CONFIG_FOR_IKEV2;
        ci.customIkev2Config.dwSaLifeTime = 3600;
        ci.customIkev2Config.dwSaDataSize = 2048;
        ci.customIkev2Config.certificateName.cbData = 5;
        ci.customIkev2Config.certificateName.pbData = name;
        ci.customIkev2Config.customPolicy = &pol;
        ts[0].type = MPR_VPN_TS_IPv4_ADDR_RANGE; ts[0].protocolId = 6; ts[0].portStart = 80; ts[0].portEnd = 443;
        ts[0].addrStart.Type = 2; ts[0].addrStart.v4.S_un.S_addr = 0x0100000a;
        ts[1].type = MPR_VPN_TS_IPv6_ADDR_RANGE; ts[1].addrEnd.Type = 23; ts[1].addrEnd.v6.u.Byte[15] = 1;
        ci.customIkev2Config.vpnTrafficSelectors.numTsi = 2;
        ci.customIkev2Config.vpnTrafficSelectors.tsI = ts;
        OK(MprConfigInterfaceSetCustomInfoEx(cfg, hif, &ci));
        memset(&out, 0xcc, sizeof out);
        OK(MprConfigInterfaceGetCustomInfoEx(cfg, hif, &out));
        CHECK(out.Header.type == MPRAPI_OBJECT_TYPE_IF_CUSTOM_CONFIG_OBJECT && out.Header.size == sizeof out);
        CHECK(out.dwFlags == MPRAPI_IF_CUSTOM_CONFIG_FOR_IKEV2 && out.customIkev2Config.dwSaLifeTime == 3600);
        CHECK(out.customIkev2Config.certificateName.cbData == 5 && out.customIkev2Config.certificateName.pbData[4] == 5);
        CHECK(out.customIkev2Config.customPolicy && out.customIkev2Config.customPolicy->dwPfsGroup == 5);
        CHECK(out.customIkev2Config.vpnTrafficSelectors.numTsi == 2 && out.customIkev2Config.vpnTrafficSelectors.numTsr == 0);
        CHECK(out.customIkev2Config.vpnTrafficSelectors.tsI[0].portEnd == 443);
        CHECK(out.customIkev2Config.vpnTrafficSelectors.tsI[0].addrStart.v4.S_un.S_addr == 0x0100000a);
        CHECK(out.customIkev2Config.vpnTrafficSelectors.tsI[1].addrEnd.v6.u.Byte[15] == 1);
        CHECK(out.customIkev2Config.vpnTrafficSelectors.tsR == NULL);
        OK(MprConfigBufferFree(out.customIkev2Config.certificateName.pbData));
        OK(MprConfigBufferFree(out.customIkev2Config.customPolicy));
        OK(MprConfigBufferFree(out.customIkev2Config.certificateHash.pbData));
        OK(MprConfigBufferFree(out.customIkev2Config.vpnTrafficSelectors.tsI));
        OK(MprConfigBufferFree(out.customIkev2Config.vpnTrafficSelectors.tsR));
        ci.Header.size = 40; /* revision 3 with the EX0 size */
        EXPECT(MprConfigInterfaceSetCustomInfoEx(cfg, hif, &ci), ERROR_INVALID_PARAMETER);
        EXPECT(MprConfigInterfaceSetCustomInfoEx(NULL, hif, &ci), ERROR_INVALID_PARAMETER);
        EXPECT(MprConfigInterfaceSetCustomInfoEx(cfg, NULL, &ci), ERROR_INVALID_PARAMETER);
        EXPECT(MprConfigInterfaceSetCustomInfoEx(cfg, hif, NULL), ERROR_INVALID_PARAMETER);
        EXPECT(MprConfigInterfaceGetCustomInfoEx(NULL, hif, &out), ERROR_INVALID_PARAMETER);
        EXPECT(MprConfigInterfaceGetCustomInfoEx(cfg, NULL, &out), ERROR_INVALID_PARAMETER);
        EXPECT(MprConfigInterfaceGetCustomInfoEx(cfg, hif, NULL), ERROR_INVALID_PARAMETER);
    }

    /* Delete: the handle then names a deleted interface (905); a never-issued one is 6. */
    OK(MprConfigInterfaceDelete(cfg, hdial));
    EXPECT(MprConfigInterfaceGetInfo(cfg, hdial, 0, &buf, &size), ERROR_NO_SUCH_INTERFACE);
    EXPECT(MprConfigInterfaceDelete(cfg, hdial), ERROR_NO_SUCH_INTERFACE);
    EXPECT(MprConfigInterfaceDelete(NULL, hif), ERROR_INVALID_PARAMETER);
    EXPECT(MprConfigInterfaceDelete(cfg, NULL), ERROR_INVALID_PARAMETER);
    EXPECT(MprConfigInterfaceDelete(cfg, (HANDLE)0xabcdef), ERROR_INVALID_HANDLE);
    /* A config handle where an interface handle belongs (wrong kind) is 6. */
    EXPECT(MprConfigInterfaceGetInfo(cfg, cfg, 0, &buf, &size), ERROR_INVALID_HANDLE);
}

static void transport_functions(void)
{
    HANDLE ht = NULL, h2 = NULL, hif = NULL, hift = NULL, hift2 = NULL;
    LPBYTE g = NULL, c = NULL, buf = NULL;
    DWORD gs = 0, cs = 0, read = 0, total = 0, resume = 0;
    LPWSTR dll = NULL;
    WCHAR path[64];
    MPR_INTERFACE_0 i0 = t_if0("Transit", ROUTER_IF_TYPE_FULL_ROUTER, TRUE);

    OK(MprConfigTransportCreate(cfg, PID_IPX, NULL, (LPBYTE)BLOB_A_GLOBAL_INFO, sizeof BLOB_A_GLOBAL_INFO,
                                (LPBYTE)BLOB_C_DEFAULT_INTERFACE_INFO, sizeof BLOB_C_DEFAULT_INTERFACE_INFO,
                                t_w(path, 64, "/usr/lib/ipxrtmgr.so"), &ht));
    CHECK(ht != NULL);
    OK(MprConfigTransportGetHandle(cfg, PID_IPX, &h2));
    CHECK(h2 == ht);
    OK(MprConfigTransportGetInfo(cfg, ht, &g, &gs, &c, &cs, &dll));
    CHECK(gs == sizeof BLOB_A_GLOBAL_INFO && memcmp(g, BLOB_A_GLOBAL_INFO, gs) == 0);
    CHECK(cs == sizeof BLOB_C_DEFAULT_INTERFACE_INFO && memcmp(c, BLOB_C_DEFAULT_INTERFACE_INFO, cs) == 0);
    CHECK(dll != NULL && t_weq(dll, "/usr/lib/ipxrtmgr.so"));
    OK(MprConfigBufferFree(g));
    OK(MprConfigBufferFree(c));
    OK(MprConfigBufferFree(dll));
    /* Skipping every output does nothing. */
    OK(MprConfigTransportGetInfo(cfg, ht, NULL, NULL, NULL, NULL, NULL));
    EXPECT(MprConfigTransportGetInfo(cfg, ht, &g, NULL, NULL, NULL, NULL), ERROR_INVALID_PARAMETER);
    EXPECT(MprConfigTransportGetInfo(cfg, ht, NULL, NULL, &c, NULL, NULL), ERROR_INVALID_PARAMETER);
    EXPECT(MprConfigTransportGetInfo(NULL, ht, NULL, NULL, NULL, NULL, NULL), ERROR_INVALID_PARAMETER);
    EXPECT(MprConfigTransportGetInfo(cfg, NULL, NULL, NULL, NULL, NULL, NULL), ERROR_INVALID_PARAMETER);

    /* SetInfo replaces what is given, in order; NULL leaves an item alone. */
    OK(MprConfigTransportSetInfo(cfg, ht, (LPBYTE)BLOB_D_TWO_BLOCKS, sizeof BLOB_D_TWO_BLOCKS, NULL, 0, NULL));
    OK(MprConfigTransportGetInfo(cfg, ht, &g, &gs, &c, &cs, NULL));
    CHECK(gs == sizeof BLOB_D_TWO_BLOCKS && cs == sizeof BLOB_C_DEFAULT_INTERFACE_INFO);
    OK(MprConfigBufferFree(g));
    OK(MprConfigBufferFree(c));
    OK(MprConfigTransportSetInfo(cfg, ht, NULL, 0, NULL, 0, NULL));
    EXPECT(MprConfigTransportSetInfo(cfg, ht, (LPBYTE)BLOB_D_TWO_BLOCKS, 0, NULL, 0, NULL), ERROR_INVALID_PARAMETER);
    EXPECT(MprConfigTransportSetInfo(cfg, ht, (LPBYTE)BLOB_D_TWO_BLOCKS, 20, NULL, 0, NULL), ERROR_INVALID_PARAMETER);
    EXPECT(MprConfigTransportSetInfo(NULL, ht, NULL, 0, NULL, 0, NULL), ERROR_INVALID_PARAMETER);
    EXPECT(MprConfigTransportSetInfo(cfg, NULL, NULL, 0, NULL, 0, NULL), ERROR_INVALID_PARAMETER);
    EXPECT(MprConfigTransportCreate(NULL, PID_IPX, NULL, NULL, 0, NULL, 0, NULL, &h2), ERROR_INVALID_PARAMETER);
    EXPECT(MprConfigTransportCreate(cfg, PID_IPX, NULL, NULL, 0, NULL, 0, NULL, NULL), ERROR_INVALID_PARAMETER);
    EXPECT(MprConfigTransportGetHandle(NULL, PID_IPX, &h2), ERROR_INVALID_PARAMETER);
    EXPECT(MprConfigTransportGetHandle(cfg, PID_IPX, NULL), ERROR_INVALID_PARAMETER);
    EXPECT(MprConfigTransportGetHandle(cfg, 0x77, &h2), ERROR_UNKNOWN_PROTOCOL_ID);

    OK(MprConfigTransportEnum(cfg, 0, &buf, MAX_PREFERRED_LENGTH, &read, &total, &resume));
    CHECK(read >= 1 && read == total && resume == 0);
    {
        int found = 0;
        for (DWORD k = 0; k < read; k++) {
            MPR_TRANSPORT_0 *t = &((MPR_TRANSPORT_0 *)buf)[k];
            if (t->dwTransportId == PID_IPX) {
                found = t->hTransport == ht && t_weq(t->wszTransportName, "IPX");
            }
        }
        CHECK(found);
    }
    OK(MprConfigBufferFree(buf));
    EXPECT(MprConfigTransportEnum(cfg, 1, &buf, MAX_PREFERRED_LENGTH, &read, &total, NULL), ERROR_INVALID_PARAMETER);
    EXPECT(MprConfigTransportEnum(cfg, 0, &buf, 103, &read, &total, NULL), ERROR_INVALID_PARAMETER);
    EXPECT(MprConfigTransportEnum(cfg, 0, NULL, MAX_PREFERRED_LENGTH, &read, &total, NULL), ERROR_INVALID_PARAMETER);
    EXPECT(MprConfigTransportEnum(cfg, 0, &buf, MAX_PREFERRED_LENGTH, NULL, &total, NULL), ERROR_INVALID_PARAMETER);
    EXPECT(MprConfigTransportEnum(cfg, 0, &buf, MAX_PREFERRED_LENGTH, &read, NULL, NULL), ERROR_INVALID_PARAMETER);
    EXPECT(MprConfigTransportEnum(NULL, 0, &buf, MAX_PREFERRED_LENGTH, &read, &total, NULL), ERROR_INVALID_PARAMETER);
    resume = 1000;
    EXPECT(MprConfigTransportEnum(cfg, 0, &buf, MAX_PREFERRED_LENGTH, &read, &total, &resume), ERROR_NO_MORE_ITEMS);

    /* Interface-transports. */
    OK(MprConfigInterfaceCreate(cfg, 0, (LPBYTE)&i0, &hif));
    OK(MprConfigInterfaceTransportAdd(cfg, hif, PID_IP, NULL, (LPBYTE)BLOB_B_RR2_INTERFACE_INFO,
                                      sizeof BLOB_B_RR2_INTERFACE_INFO, &hift));
    OK(MprConfigInterfaceTransportGetHandle(cfg, hif, PID_IP, &hift2));
    CHECK(hift2 == hift);
    EXPECT(MprConfigInterfaceTransportGetHandle(cfg, hif, PID_IPV6, &hift2), ERROR_NO_SUCH_INTERFACE);
    OK(MprConfigInterfaceTransportGetInfo(cfg, hif, hift, &buf, &gs));
    CHECK(gs == 252 && memcmp(buf, BLOB_B_RR2_INTERFACE_INFO, 252) == 0);
    OK(MprConfigBufferFree(buf));
    OK(MprConfigInterfaceTransportGetInfo(cfg, hif, hift, NULL, NULL));
    EXPECT(MprConfigInterfaceTransportGetInfo(cfg, hif, hift, &buf, NULL), ERROR_INVALID_PARAMETER);
    OK(MprConfigInterfaceTransportSetInfo(cfg, hif, hift, (LPBYTE)BLOB_C_DEFAULT_INTERFACE_INFO,
                                          sizeof BLOB_C_DEFAULT_INTERFACE_INFO));
    OK(MprConfigInterfaceTransportGetInfo(cfg, hif, hift, &buf, &gs));
    CHECK(gs == 104 && memcmp(buf, BLOB_C_DEFAULT_INTERFACE_INFO, 104) == 0); /* empty block kept */
    OK(MprConfigBufferFree(buf));
    OK(MprConfigInterfaceTransportSetInfo(cfg, hif, hift, NULL, 0));
    EXPECT(MprConfigInterfaceTransportSetInfo(cfg, hif, hift, (LPBYTE)BLOB_C_DEFAULT_INTERFACE_INFO, 0), ERROR_INVALID_PARAMETER);
    /* Add on an existing transport updates it and returns the same handle. */
    OK(MprConfigInterfaceTransportAdd(cfg, hif, PID_IP, NULL, (LPBYTE)BLOB_D_TWO_BLOCKS, sizeof BLOB_D_TWO_BLOCKS, &hift2));
    CHECK(hift2 == hift);
    OK(MprConfigInterfaceTransportAdd(cfg, hif, PID_IPV6, NULL, NULL, 0, &hift2));
    OK(MprConfigInterfaceTransportGetInfo(cfg, hif, hift2, &buf, &gs));
    CHECK(buf == NULL && gs == 0); /* nothing stored */
    resume = 0;
    OK(MprConfigInterfaceTransportEnum(cfg, hif, 0, &buf, MAX_PREFERRED_LENGTH, &read, &total, &resume));
    CHECK(read == 2 && total == 2 && resume == 0);
    CHECK(((MPR_IFTRANSPORT_0 *)buf)[0].hIfTransport == hift || ((MPR_IFTRANSPORT_0 *)buf)[1].hIfTransport == hift);
    OK(MprConfigBufferFree(buf));
    OK(MprConfigInterfaceTransportEnum(cfg, hif, 0, &buf, sizeof(MPR_IFTRANSPORT_0), &read, &total, &resume));
    CHECK(read == 1 && total == 2 && resume != 0);
    OK(MprConfigBufferFree(buf));
    EXPECT(MprConfigInterfaceTransportEnum(cfg, hif, 0, &buf, 10, &read, &total, NULL), ERROR_INVALID_PARAMETER);
    EXPECT(MprConfigInterfaceTransportEnum(cfg, NULL, 0, &buf, MAX_PREFERRED_LENGTH, &read, &total, NULL), ERROR_INVALID_PARAMETER);
    EXPECT(MprConfigInterfaceTransportEnum(cfg, hif, 2, &buf, MAX_PREFERRED_LENGTH, &read, &total, NULL), ERROR_INVALID_PARAMETER);
    EXPECT(MprConfigInterfaceTransportAdd(NULL, hif, PID_IP, NULL, NULL, 0, &hift2), ERROR_INVALID_PARAMETER);
    EXPECT(MprConfigInterfaceTransportAdd(cfg, NULL, PID_IP, NULL, NULL, 0, &hift2), ERROR_INVALID_PARAMETER);
    EXPECT(MprConfigInterfaceTransportAdd(cfg, hif, PID_IP, NULL, NULL, 0, NULL), ERROR_INVALID_PARAMETER);
    EXPECT(MprConfigInterfaceTransportRemove(cfg, hif, NULL), ERROR_INVALID_PARAMETER);
    EXPECT(MprConfigInterfaceTransportRemove(cfg, NULL, hift), ERROR_INVALID_PARAMETER);
    EXPECT(MprConfigInterfaceTransportRemove(NULL, hif, hift), ERROR_INVALID_PARAMETER);
    /* A transport handle where an interface-transport handle belongs is 6. */
    EXPECT(MprConfigInterfaceTransportRemove(cfg, hif, ht), ERROR_INVALID_HANDLE);
    OK(MprConfigInterfaceTransportRemove(cfg, hif, hift));
    EXPECT(MprConfigInterfaceTransportGetInfo(cfg, hif, hift, &buf, &gs), ERROR_NO_SUCH_INTERFACE);
    EXPECT(MprConfigInterfaceTransportSetInfo(cfg, hif, hift, (LPBYTE)BLOB_D_TWO_BLOCKS, 96), ERROR_NO_SUCH_INTERFACE);
    OK(MprConfigInterfaceDelete(cfg, hif));
    EXPECT(MprConfigInterfaceTransportEnum(cfg, hif, 0, &buf, MAX_PREFERRED_LENGTH, &read, &total, NULL), ERROR_NO_SUCH_INTERFACE);

    OK(MprConfigTransportDelete(cfg, ht));
    EXPECT(MprConfigTransportGetInfo(cfg, ht, &g, &gs, NULL, NULL, NULL), ERROR_UNKNOWN_PROTOCOL_ID);
    CHECK(g == NULL);
    g = (LPBYTE)1;
    EXPECT(MprConfigTransportGetInfo(NULL, ht, &g, &gs, NULL, NULL, NULL), ERROR_INVALID_PARAMETER);
    CHECK(g == NULL);
    EXPECT(MprConfigTransportSetInfo(cfg, ht, (LPBYTE)BLOB_D_TWO_BLOCKS, 96, NULL, 0, NULL), ERROR_UNKNOWN_PROTOCOL_ID);
    EXPECT(MprConfigTransportDelete(cfg, NULL), ERROR_INVALID_PARAMETER);
    EXPECT(MprConfigTransportDelete(NULL, ht), ERROR_INVALID_PARAMETER);
}

static void filters_names_buffers(void)
{
    MPR_FILTER_0 f = {TRUE};
    WCHAR out[300];
    HANDLE hif = NULL;
    MPR_INTERFACE_0 i0 = t_if0("Remote site", ROUTER_IF_TYPE_FULL_ROUTER, TRUE);
    DWORD read = 0, total = 0;
    LPBYTE buf = NULL;

    OK(MprConfigFilterSetInfo(cfg, 0, PID_IP, (LPBYTE)&f));
    f.fEnable = FALSE;
    OK(MprConfigFilterGetInfo(cfg, 0, PID_IP, (LPBYTE)&f));
    CHECK(f.fEnable);
    f.fEnable = FALSE;
    OK(MprConfigFilterSetInfo(cfg, 0, PID_IP, (LPBYTE)&f));
    f.fEnable = TRUE;
    OK(MprConfigFilterGetInfo(cfg, 0, PID_IP, (LPBYTE)&f));
    CHECK(!f.fEnable);
    EXPECT(MprConfigFilterGetInfo(cfg, 1, PID_IP, (LPBYTE)&f), ERROR_INVALID_PARAMETER);
    EXPECT(MprConfigFilterGetInfo(NULL, 0, PID_IP, (LPBYTE)&f), ERROR_INVALID_PARAMETER);
    EXPECT(MprConfigFilterGetInfo(cfg, 0, PID_IP, NULL), ERROR_INVALID_PARAMETER);
    EXPECT(MprConfigFilterSetInfo(cfg, 1, PID_IP, (LPBYTE)&f), ERROR_INVALID_PARAMETER);
    EXPECT(MprConfigFilterSetInfo(NULL, 0, PID_IP, (LPBYTE)&f), ERROR_INVALID_PARAMETER);
    EXPECT(MprConfigFilterSetInfo(cfg, 0, PID_IP, NULL), ERROR_INVALID_PARAMETER);

    /* Names: a demand-dial name is its own friendly and GUID name (spec Q23). */
    OK(MprConfigInterfaceCreate(cfg, 0, (LPBYTE)&i0, &hif));
    OK(MprConfigGetFriendlyName(cfg, t_w(wbuf, 512, "Remote site"), out, sizeof out));
    CHECK(t_weq(out, "Remote site"));
    OK(MprConfigGetGuidName(cfg, t_w(wbuf, 512, "remote SITE"), out, sizeof out));
    out[0] = 'Z';
    EXPECT(MprConfigGetFriendlyName(cfg, t_w(wbuf, 512, "Remote site"), out, 8), ERROR_BUFFER_OVERFLOW);
    CHECK(out[0] == 'Z'); /* nothing written on overflow */
    EXPECT(MprConfigGetGuidName(cfg, t_w(wbuf, 512, "Remote site"), out, 22), ERROR_BUFFER_OVERFLOW);
    OK(MprConfigGetGuidName(cfg, t_w(wbuf, 512, "Remote site"), out, 24));
    EXPECT(MprConfigGetFriendlyName(cfg, t_w(wbuf, 512, "{00000000-0000-0000-0000-000000000000}"), out, sizeof out), ERROR_NOT_FOUND);
    EXPECT(MprConfigGetGuidName(cfg, t_w(wbuf, 512, "no such link"), out, sizeof out), ERROR_NOT_FOUND);
    EXPECT(MprConfigGetFriendlyName(NULL, wbuf, out, sizeof out), ERROR_INVALID_PARAMETER);
    EXPECT(MprConfigGetFriendlyName(cfg, NULL, out, sizeof out), ERROR_INVALID_PARAMETER);
    EXPECT(MprConfigGetFriendlyName(cfg, wbuf, NULL, sizeof out), ERROR_INVALID_PARAMETER);
    EXPECT(MprConfigGetGuidName(NULL, wbuf, out, sizeof out), ERROR_INVALID_PARAMETER);
    EXPECT(MprConfigGetGuidName(cfg, NULL, out, sizeof out), ERROR_INVALID_PARAMETER);
    EXPECT(MprConfigGetGuidName(cfg, wbuf, NULL, sizeof out), ERROR_INVALID_PARAMETER);

    /* A LAN interface (GUID name) maps to its link name and back. */
    OK(MprConfigInterfaceEnum(cfg, 0, &buf, MAX_PREFERRED_LENGTH, &read, &total, NULL));
    for (DWORD k = 0; k < read; k++) {
        MPR_INTERFACE_0 *e = &((MPR_INTERFACE_0 *)buf)[k];
        if (e->wszInterfaceName[0] == '{') {
            WCHAR friendly[300], guid[300];
            OK(MprConfigGetFriendlyName(cfg, e->wszInterfaceName, friendly, sizeof friendly));
            OK(MprConfigGetGuidName(cfg, friendly, guid, sizeof guid));
            CHECK(memcmp(guid, e->wszInterfaceName, 39 * sizeof(WCHAR)) == 0);
            break;
        }
    }
    OK(MprConfigBufferFree(buf));

    /* Buffers: NULL is a no-op, unknown and double frees are 87, nothing crashes. */
    OK(MprConfigBufferFree(NULL));
    EXPECT(MprConfigBufferFree(&f), ERROR_INVALID_PARAMETER);
    OK(MprConfigServerGetInfo(cfg, 0, &buf));
    EXPECT(MprConfigBufferFree(buf + 4), ERROR_INVALID_PARAMETER);
    OK(MprConfigBufferFree(buf));
    EXPECT(MprConfigBufferFree(buf), ERROR_INVALID_PARAMETER);
    {
        LPVOID h = NULL;
        /* One allocator backs both free functions, so mixing them up is harmless. */
        OK(MprInfoCreate(RTR_INFO_BLOCK_VERSION, &h));
        OK(MprConfigBufferFree(h));
        OK(MprConfigServerGetInfo(cfg, 0, &buf));
        OK(MprInfoDelete(buf));
    }
}

static void handle_lifetime(void)
{
    HANDLE c2 = t_connect(), hif = NULL, ht = NULL;
    LPBYTE buf = NULL;
    DWORD size = 0;
    MPR_INTERFACE_0 i0 = t_if0("Short lived", ROUTER_IF_TYPE_FULL_ROUTER, TRUE);
    CHECK(c2 != cfg);
    OK(MprConfigInterfaceCreate(c2, 0, (LPBYTE)&i0, &hif));
    OK(MprConfigTransportGetHandle(c2, PID_IP, &ht));
    /* A child handle of another config handle is foreign here: 6. */
    EXPECT(MprConfigInterfaceGetInfo(cfg, hif, 0, &buf, &size), ERROR_INVALID_HANDLE);
    EXPECT(MprConfigTransportGetInfo(cfg, ht, NULL, NULL, NULL, NULL, NULL), ERROR_INVALID_HANDLE);
    MprConfigServerDisconnect(c2);
    /* After disconnect the config handle and its children are dead: 6, never a crash. */
    EXPECT(MprConfigServerRefresh(c2), ERROR_INVALID_HANDLE);
    EXPECT(MprConfigInterfaceGetInfo(c2, hif, 0, &buf, &size), ERROR_INVALID_HANDLE);
    EXPECT(MprConfigTransportGetInfo(c2, ht, NULL, NULL, NULL, NULL, NULL), ERROR_INVALID_HANDLE);
    MprConfigServerDisconnect(c2); /* twice is harmless */
    /* The interface itself lives on in the configuration. */
    OK(MprConfigInterfaceGetHandle(cfg, t_w(wbuf, 512, "Short lived"), &hif));
    OK(MprConfigInterfaceDelete(cfg, hif));
}

int main(void)
{
    cfg = t_connect();
    server_functions();
    interface_functions();
    transport_functions();
    filters_names_buffers();
    handle_lifetime();
    MprConfigServerDisconnect(cfg);
    return t_finish();
}
