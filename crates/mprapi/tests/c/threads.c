/* Eight threads share one config handle: each creates, reads, enumerates, changes and deletes
 * its own interfaces and interface-transports while the others do the same. */
#include "test.h"
#include "blobs.h"
#include <pthread.h>

#define THREADS 8
#define ROUNDS 25

static HANDLE cfg;
static int failures[THREADS];

static void *worker(void *arg)
{
    int id = (int)(intptr_t)arg;
    for (int r = 0; r < ROUNDS; r++) {
        char name[64];
        WCHAR w[64];
        MPR_INTERFACE_0 i0;
        HANDLE hif = NULL, h2 = NULL, hift = NULL;
        LPBYTE buf = NULL;
        DWORD size = 0, read = 0, total = 0, resume = 0;
        snprintf(name, sizeof name, "thread-%d-round-%d", id, r);
        i0 = t_if0(name, ROUTER_IF_TYPE_FULL_ROUTER, TRUE);
        if (MprConfigInterfaceCreate(cfg, 0, (LPBYTE)&i0, &hif) != NO_ERROR) failures[id]++;
        if (MprConfigInterfaceGetHandle(cfg, t_w(w, 64, name), &h2) != NO_ERROR || h2 != hif) failures[id]++;
        if (MprConfigInterfaceTransportAdd(cfg, hif, PID_IP, NULL, (LPBYTE)BLOB_D_TWO_BLOCKS,
                                           sizeof BLOB_D_TWO_BLOCKS, &hift) != NO_ERROR) failures[id]++;
        if (MprConfigInterfaceTransportGetInfo(cfg, hif, hift, &buf, &size) != NO_ERROR || size != 96 ||
            memcmp(buf, BLOB_D_TWO_BLOCKS, 96) != 0) failures[id]++;
        MprConfigBufferFree(buf);
        do {
            if (MprConfigInterfaceEnum(cfg, 0, &buf, 20 * sizeof(MPR_INTERFACE_0), &read, &total, &resume) != NO_ERROR) {
                /* Others delete concurrently: a resume position past the new end is legal. */
                break;
            }
            MprConfigBufferFree(buf);
        } while (resume != 0);
        if (MprConfigInterfaceGetInfo(cfg, hif, 1, &buf, &size) != NO_ERROR) failures[id]++;
        MprConfigBufferFree(buf);
        if (MprConfigInterfaceTransportRemove(cfg, hif, hift) != NO_ERROR) failures[id]++;
        if (MprConfigInterfaceDelete(cfg, hif) != NO_ERROR) failures[id]++;
        if (MprConfigInterfaceGetInfo(cfg, hif, 0, &buf, &size) != ERROR_NO_SUCH_INTERFACE) failures[id]++;
    }
    return NULL;
}

int main(void)
{
    pthread_t t[THREADS];
    cfg = t_connect();
    for (int i = 0; i < THREADS; i++)
        CHECK(pthread_create(&t[i], NULL, worker, (void *)(intptr_t)i) == 0);
    for (int i = 0; i < THREADS; i++) {
        pthread_join(t[i], NULL);
        CHECK(failures[i] == 0);
        if (failures[i])
            fprintf(stderr, "thread %d: %d failed calls\n", i, failures[i]);
    }
    {
        /* Nothing of theirs is left. */
        WCHAR w[64];
        HANDLE h = NULL;
        EXPECT(MprConfigInterfaceGetHandle(cfg, t_w(w, 64, "thread-3-round-7"), &h), ERROR_NO_SUCH_INTERFACE);
    }
    MprConfigServerDisconnect(cfg);
    return t_finish();
}
