/* Paging through 1,000 interfaces with a small dwPrefMaxLen: every interface exactly once,
 * the resume handle ends at 0, and a resume position past the end is ERROR_NO_MORE_ITEMS. */
#include "test.h"

#define N 1000
#define PER_CALL 7

int main(void)
{
    HANDLE cfg = t_connect();
    static unsigned char seen[N];
    DWORD total_before = 0, read = 0, total = 0, resume = 0, calls = 0, found = 0, first_total = 0;
    LPBYTE buf = NULL;
    char name[64];

    OK(MprConfigInterfaceEnum(cfg, 0, &buf, MAX_PREFERRED_LENGTH, &read, &total_before, NULL));
    OK(MprConfigBufferFree(buf));
    for (int i = 0; i < N; i++) {
        MPR_INTERFACE_0 i0;
        HANDLE h = NULL;
        snprintf(name, sizeof name, "page-%04d", i);
        i0 = t_if0(name, ROUTER_IF_TYPE_FULL_ROUTER, i % 2);
        OK(MprConfigInterfaceCreate(cfg, 0, (LPBYTE)&i0, &h));
    }

    do {
        DWORD rc = MprConfigInterfaceEnum(cfg, 0, &buf, PER_CALL * sizeof(MPR_INTERFACE_0) + 100, &read,
                                          &total, &resume);
        CHECK(rc == NO_ERROR);
        if (rc != NO_ERROR)
            break;
        if (calls == 0)
            first_total = total;
        CHECK(read >= 1 && read <= PER_CALL);
        for (DWORD k = 0; k < read; k++) {
            MPR_INTERFACE_0 *e = &((MPR_INTERFACE_0 *)buf)[k];
            int n = -1;
            t_a(name, sizeof name, e->wszInterfaceName);
            if (sscanf(name, "page-%d", &n) == 1 && n >= 0 && n < N) {
                CHECK(seen[n] == 0);
                seen[n]++;
                found++;
                CHECK(e->fEnabled == (n % 2));
                CHECK(e->hInterface != NULL);
            }
        }
        OK(MprConfigBufferFree(buf));
        calls++;
    } while (resume != 0 && calls < 10000);

    CHECK(first_total == total_before + N);
    CHECK(found == N);
    CHECK(calls == (first_total + PER_CALL - 1) / PER_CALL);
    printf("paged %lu interfaces in %lu calls\n", (unsigned long)first_total, (unsigned long)calls);

    resume = first_total;
    buf = (LPBYTE)1;
    EXPECT(MprConfigInterfaceEnum(cfg, 0, &buf, MAX_PREFERRED_LENGTH, &read, &total, &resume), ERROR_NO_MORE_ITEMS);
    CHECK(buf == NULL);
    EXPECT(MprConfigInterfaceEnum(cfg, 0, &buf, sizeof(MPR_INTERFACE_0) - 1, &read, &total, NULL),
           ERROR_INVALID_PARAMETER);

    /* The entries' handles are usable. */
    OK(MprConfigInterfaceEnum(cfg, 0, &buf, sizeof(MPR_INTERFACE_0), &read, &total, NULL));
    CHECK(read == 1);
    {
        LPBYTE info = NULL;
        DWORD size = 0;
        OK(MprConfigInterfaceGetInfo(cfg, ((MPR_INTERFACE_0 *)buf)->hInterface, 0, &info, &size));
        OK(MprConfigBufferFree(info));
    }
    OK(MprConfigBufferFree(buf));
    MprConfigServerDisconnect(cfg);
    return t_finish();
}
