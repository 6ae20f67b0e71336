/* Persistence across disconnect/reconnect (and across processes: run with "write" then
 * "check"), and MprConfigServerBackup / MprConfigServerRestore. */
#include "test.h"
#include "blobs.h"

static WCHAR w[512];

static void write_phase(void)
{
    HANDLE cfg = t_connect(), hif = NULL, hift = NULL;
    MPR_INTERFACE_0 i0 = t_if0("Persistent", ROUTER_IF_TYPE_FULL_ROUTER, FALSE);
    MPR_FILTER_0 f = {TRUE};
    OK(MprConfigInterfaceCreate(cfg, 0, (LPBYTE)&i0, &hif));
    OK(MprConfigInterfaceTransportAdd(cfg, hif, PID_IP, NULL, (LPBYTE)BLOB_B_RR2_INTERFACE_INFO,
                                      sizeof BLOB_B_RR2_INTERFACE_INFO, &hift));
    OK(MprConfigFilterSetInfo(cfg, 0, PID_IPV6, (LPBYTE)&f));
    MprConfigServerDisconnect(cfg);
}

static void check_phase(void)
{
    HANDLE cfg = t_connect(), hif = NULL, hift = NULL;
    LPBYTE buf = NULL;
    DWORD size = 0;
    MPR_FILTER_0 f = {FALSE};
    OK(MprConfigInterfaceGetHandle(cfg, t_w(w, 512, "persistent"), &hif));
    OK(MprConfigInterfaceGetInfo(cfg, hif, 0, &buf, &size));
    CHECK(buf && !((MPR_INTERFACE_0 *)buf)->fEnabled && t_weq(((MPR_INTERFACE_0 *)buf)->wszInterfaceName, "Persistent"));
    OK(MprConfigBufferFree(buf));
    OK(MprConfigInterfaceTransportGetHandle(cfg, hif, PID_IP, &hift));
    OK(MprConfigInterfaceTransportGetInfo(cfg, hif, hift, &buf, &size));
    CHECK(size == 252 && memcmp(buf, BLOB_B_RR2_INTERFACE_INFO, 252) == 0);
    OK(MprConfigBufferFree(buf));
    OK(MprConfigFilterGetInfo(cfg, 0, PID_IPV6, (LPBYTE)&f));
    CHECK(f.fEnable);
    MprConfigServerDisconnect(cfg);
}

static void backup_restore(void)
{
    HANDLE cfg = t_connect(), hif = NULL, h2 = NULL;
    MPR_INTERFACE_0 later = t_if0("Added after backup", ROUTER_IF_TYPE_FULL_ROUTER, TRUE);
    /* The test runs in its own directory: "./" is a directory (Windows convention: trailing
     * separator), "backup-dir/" does not exist. */
    OK(MprConfigServerBackup(cfg, t_w(w, 512, "./")));
    CHECK(MprConfigServerBackup(cfg, t_w(w, 512, "/nonexistent-dir/sub/")) != NO_ERROR);
    OK(MprConfigInterfaceGetHandle(cfg, t_w(w, 512, "Persistent"), &hif));
    OK(MprConfigInterfaceDelete(cfg, hif));
    OK(MprConfigInterfaceCreate(cfg, 0, (LPBYTE)&later, &h2));
    OK(MprConfigServerRestore(cfg, t_w(w, 512, "./")));
    /* The restored configuration: the deleted interface is back, the later one gone. */
    OK(MprConfigInterfaceGetHandle(cfg, t_w(w, 512, "Persistent"), &hif));
    EXPECT(MprConfigInterfaceGetHandle(cfg, t_w(w, 512, "Added after backup"), &h2), ERROR_NO_SUCH_INTERFACE);
    CHECK(MprConfigServerRestore(cfg, t_w(w, 512, "/nonexistent-dir/")) != NO_ERROR);
    {
        /* A file that is not a backup changes nothing. */
        FILE *f = fopen("garbage.reg", "w");
        fputs("this is not a backup\n", f);
        fclose(f);
        CHECK(MprConfigServerRestore(cfg, t_w(w, 512, "garbage.reg")) != NO_ERROR);
        OK(MprConfigInterfaceGetHandle(cfg, t_w(w, 512, "Persistent"), &hif));
    }
    MprConfigServerDisconnect(cfg);
    check_phase(); /* and it survives a reconnect */
}

int main(int argc, char **argv)
{
    const char *phase = argc > 1 ? argv[1] : "all";
    if (!strcmp(phase, "write") || !strcmp(phase, "all"))
        write_phase();
    if (!strcmp(phase, "check") || !strcmp(phase, "all")) {
        check_phase();
        backup_restore();
    }
    return t_finish();
}
