/* A process exits with connections open and a thread in the middle of calls: argv[1] is
 * "return" (main returns) or "exit" (exit() from main). A worker creates interfaces on its own
 * connection without pause and writes each name to stdout (one write(2), so a line is whole or
 * absent) once the create is acknowledged; main waits for 20 of them and ends the process while
 * the worker keeps going. The test then finds every printed name in the store: nothing that
 * was acknowledged is lost, and the exit does not wait for the worker (a hang fails the test). */
#include "../c/test.h"
#include <pthread.h>
#include <unistd.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t enough = PTHREAD_COND_INITIALIZER;
static int acknowledged;

static void *worker(void *arg)
{
    HANDLE h = t_connect();
    (void)arg;
    for (int n = 0;; n++) {
        char name[64], line[80];
        HANDLE hif = NULL;
        MPR_INTERFACE_0 i0;
        int len;
        snprintf(name, sizeof name, "Acknowledged %d", n);
        i0 = t_if0(name, ROUTER_IF_TYPE_FULL_ROUTER, TRUE);
        if (MprConfigInterfaceCreate(h, 0, (LPBYTE)&i0, &hif) != NO_ERROR)
            continue;
        len = snprintf(line, sizeof line, "%s\n", name);
        if (write(1, line, (size_t)len) != len)
            _exit(4);
        pthread_mutex_lock(&lock);
        if (++acknowledged == 20)
            pthread_cond_signal(&enough);
        pthread_mutex_unlock(&lock);
    }
    return NULL;
}

int main(int argc, char **argv)
{
    pthread_t t;
    HANDLE idle = t_connect();
    (void)idle;
    if (argc < 2) {
        fprintf(stderr, "usage: exit return|exit\n");
        return 2;
    }
    if (pthread_create(&t, NULL, worker, NULL) != 0)
        return 2;
    pthread_mutex_lock(&lock);
    while (acknowledged < 20)
        pthread_cond_wait(&enough, &lock);
    pthread_mutex_unlock(&lock);
    /* `idle` and the worker's connection are still open, the worker is still calling. */
    if (strcmp(argv[1], "exit") == 0)
        exit(0);
    return 0;
}
