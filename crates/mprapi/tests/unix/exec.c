/* No descriptor of the library leaks into an exec'd program: after using the local store and
 * (with MPRAPI_TEST_SERVER) a remote mprd, with connections still open, fork + execv
 * argv[1] (fdlist) naming the descriptors this process had before its first library call;
 * it must find no others. Run twice: right after the calls and after a disconnect. */
#include "../c/test.h"
#include <dirent.h>
#include <sys/wait.h>
#include <unistd.h>

static char *allowed[256];
static int nallowed;

static void note_open_fds(void)
{
    DIR *d = opendir("/proc/self/fd");
    struct dirent *e;
    if (!d) {
        perror("/proc/self/fd");
        exit(2);
    }
    while ((e = readdir(d)) != NULL && nallowed < 250) {
        if (e->d_name[0] == '.' || atoi(e->d_name) == dirfd(d))
            continue;
        allowed[1 + nallowed++] = strdup(e->d_name);
    }
    closedir(d);
}

static int run_lister(const char *lister)
{
    int status = 0;
    pid_t pid;
    fflush(stdout);
    fflush(stderr);
    pid = fork();
    if (pid == 0) {
        allowed[0] = (char *)lister;
        execv(lister, allowed);
        perror("execv");
        _exit(3);
    }
    if (pid < 0 || waitpid(pid, &status, 0) != pid)
        return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static void use(HANDLE h, const char *name)
{
    WCHAR w[64];
    HANDLE hif = NULL;
    LPBYTE buf = NULL;
    DWORD read = 0, total = 0, resume = 0;
    MPR_INTERFACE_0 i0 = t_if0(name, ROUTER_IF_TYPE_FULL_ROUTER, TRUE);
    OK(MprConfigInterfaceCreate(h, 0, (LPBYTE)&i0, &hif));
    OK(MprConfigInterfaceGetHandle(h, t_w(w, 64, name), &hif));
    OK(MprConfigInterfaceEnum(h, 0, &buf, 64 * sizeof(MPR_INTERFACE_0), &read, &total, &resume));
    MprConfigBufferFree(buf);
}

int main(int argc, char **argv)
{
    HANDLE local = NULL, remote = NULL;
    if (argc < 2) {
        fprintf(stderr, "usage: exec FDLIST\n");
        return 2;
    }
    note_open_fds();
    OK(MprConfigServerConnect(NULL, &local));
    use(local, "Exec local");
    if (getenv("MPRAPI_TEST_SERVER")) {
        remote = t_connect();
        use(remote, "Exec remote");
    }
    EXPECT(run_lister(argv[1]), 0);
    MprConfigServerDisconnect(local);
    if (remote)
        MprConfigServerDisconnect(remote);
    EXPECT(run_lister(argv[1]), 0);
    for (int i = 1; i <= nallowed; i++)
        free(allowed[i]);
    return t_finish();
}
