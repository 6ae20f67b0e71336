/* fork() after use (local store or, with MPRAPI_TEST_SERVER, a remote mprd): argv[1] children
 * (default 50), one after the other. Each child finds every handle inherited from the parent
 * refused with ERROR_INVALID_HANDLE (never a hang, never the parent's connection), connects
 * anew, reads what the parent wrote, writes an interface of its own and exits with its
 * connection still open. Meanwhile the parent keeps using its own handles; after each child
 * it sees the child's interface. A child that hangs is killed by its alarm (a hang detector,
 * far beyond any normal run) and counted as failed. */
#include "../c/test.h"
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

static int child(HANDLE inherited, HANDLE inherited_if, int n)
{
    WCHAR w[64];
    char name[64];
    HANDLE h = NULL, hif = NULL, mine = NULL;
    LPBYTE buf = NULL;
    DWORD size = 0;
    MPR_INTERFACE_0 i0;

    alarm(300);
    EXPECT(MprConfigInterfaceGetHandle(inherited, t_w(w, 64, "Parent"), &hif), ERROR_INVALID_HANDLE);
    CHECK(hif == NULL);
    EXPECT(MprConfigInterfaceGetInfo(inherited, inherited_if, 0, &buf, &size), ERROR_INVALID_HANDLE);
    CHECK(buf == NULL);
    EXPECT(MprConfigServerRefresh(inherited), ERROR_INVALID_HANDLE);
    /* Disconnecting an inherited handle does nothing (to the parent's connection either). */
    MprConfigServerDisconnect(inherited);

    h = t_connect();
    CHECK(h != inherited);
    OK(MprConfigInterfaceGetHandle(h, t_w(w, 64, "Parent"), &hif));
    OK(MprConfigInterfaceGetInfo(h, hif, 0, &buf, &size));
    CHECK(buf != NULL && t_weq(((MPR_INTERFACE_0 *)buf)->wszInterfaceName, "Parent"));
    MprConfigBufferFree(buf);
    snprintf(name, sizeof name, "Child %d", n);
    i0 = t_if0(name, ROUTER_IF_TYPE_FULL_ROUTER, TRUE);
    OK(MprConfigInterfaceCreate(h, 0, (LPBYTE)&i0, &mine));
    /* The inherited value is still refused after the child made handles of its own. */
    EXPECT(MprConfigServerRefresh(inherited), ERROR_INVALID_HANDLE);
    /* Exit with `h` open: what was acknowledged is kept (the parent checks). */
    return t_failed == 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
    int children = argc > 1 ? atoi(argv[1]) : 50;
    WCHAR w[64];
    char name[64];
    HANDLE cfg, parent_if = NULL, hif = NULL;
    LPBYTE buf = NULL;
    DWORD size = 0;
    MPR_INTERFACE_0 i0 = t_if0("Parent", ROUTER_IF_TYPE_FULL_ROUTER, TRUE);

    cfg = t_connect();
    OK(MprConfigInterfaceCreate(cfg, 0, (LPBYTE)&i0, &parent_if));
    for (int n = 0; n < children; n++) {
        int status = 0;
        pid_t pid;
        fflush(stdout);
        fflush(stderr);
        pid = fork();
        if (pid < 0) {
            perror("fork");
            return 2;
        }
        if (pid == 0)
            exit(child(cfg, parent_if, n));
        /* The parent works while the child does. */
        snprintf(name, sizeof name, "Parent side %d", n);
        i0 = t_if0(name, ROUTER_IF_TYPE_FULL_ROUTER, TRUE);
        hif = NULL;
        OK(MprConfigInterfaceCreate(cfg, 0, (LPBYTE)&i0, &hif));
        OK(MprConfigInterfaceGetInfo(cfg, parent_if, 0, &buf, &size));
        MprConfigBufferFree(buf);
        buf = NULL;
        CHECK(waitpid(pid, &status, 0) == pid);
        CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
        if (!(WIFEXITED(status) && WEXITSTATUS(status) == 0))
            fprintf(stderr, "child %d: status %#x%s\n", n, status,
                    WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM ? " (hung: killed by its alarm)" : "");
        /* The child's acknowledged write is there; the parent's handles still work. */
        snprintf(name, sizeof name, "Child %d", n);
        hif = NULL;
        OK(MprConfigInterfaceGetHandle(cfg, t_w(w, 64, name), &hif));
        OK(MprConfigServerRefresh(cfg));
        OK(MprConfigInterfaceGetInfo(cfg, parent_if, 0, &buf, &size));
        MprConfigBufferFree(buf);
        buf = NULL;
    }
    MprConfigServerDisconnect(cfg);
    return t_finish();
}
