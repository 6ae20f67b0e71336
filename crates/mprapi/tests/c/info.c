/* The nine MprInfo* functions and MprInfoBlockExists: success paths, every documented error
 * code, zero-length blocks, and the published information-header samples. */
#include "test.h"
#include "blobs.h"

static RTR_INFO_BLOCK_HEADER *hdr(LPVOID p) { return (RTR_INFO_BLOCK_HEADER *)p; }

static void create_and_delete(void)
{
    LPVOID h = NULL;
    OK(MprInfoCreate(RTR_INFO_BLOCK_VERSION, &h));
    CHECK(h != NULL);
    CHECK(hdr(h)->Version == 1 && hdr(h)->Size == 12 && hdr(h)->TocEntriesCount == 0);
    /* The declared TocEntry[0] is readable (zeroed) even in an empty header. */
    CHECK(hdr(h)->TocEntry[0].InfoType == 0);
    CHECK(MprInfoBlockQuerySize(h) == 12);
    OK(MprInfoDelete(h));

    EXPECT(MprInfoCreate(RTR_INFO_BLOCK_VERSION, NULL), ERROR_INVALID_PARAMETER);
    h = (LPVOID)1;
    EXPECT(MprInfoCreate(2, &h), ERROR_INVALID_PARAMETER);
    CHECK(h == NULL);
    EXPECT(MprInfoDelete(NULL), ERROR_INVALID_PARAMETER);
    CHECK(MprInfoBlockQuerySize(NULL) == 0);
}

static void add_find_set_remove(void)
{
    LPVOID h0 = NULL, h1 = NULL, h2 = NULL, h3 = NULL, h4 = NULL, h5 = NULL;
    DWORD status = 1, size = 0, count = 0;
    BYTE route[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
    BYTE routes2[32];
    LPBYTE data = NULL;
    memset(routes2, 0xab, sizeof routes2);

    OK(MprInfoCreate(RTR_INFO_BLOCK_VERSION, &h0));
    OK(MprInfoBlockAdd(h0, IP_INTERFACE_STATUS_INFO, sizeof status, 1, (LPBYTE)&status, &h1));
    CHECK(hdr(h0)->TocEntriesCount == 0); /* the input is unchanged */
    OK(MprInfoBlockAdd(h1, IP_ROUTE_INFO, 16, 1, route, &h2));
    CHECK(hdr(h2)->TocEntriesCount == 2);
    /* Layout rule: blocks at ALIGN8 offsets after the TOC, in TOC order. */
    CHECK(hdr(h2)->TocEntry[0].Offset == 48 && hdr(h2)->TocEntry[1].Offset == 56);
    CHECK(IS_ALIGNED(hdr(h2)->TocEntry[1].Offset));
    CHECK(MprInfoBlockQuerySize(h2) == hdr(h2)->Size);
    CHECK(GetInfoFromTocEntry(h2, &hdr(h2)->TocEntry[1]) == (PVOID)((PBYTE)h2 + 56));

    OK(MprInfoBlockFind(h2, IP_ROUTE_INFO, &size, &count, &data));
    CHECK(size == 16 && count == 1);
    CHECK(data == (LPBYTE)h2 + 56); /* a pointer into the header, not a copy */
    CHECK(memcmp(data, route, 16) == 0);
    CHECK(MprInfoBlockExists(h2, IP_INTERFACE_STATUS_INFO));
    CHECK(!MprInfoBlockExists(h2, IP_GLOBAL_INFO));
    size = 77;
    EXPECT(MprInfoBlockFind(h2, IP_GLOBAL_INFO, &size, &count, &data), ERROR_NOT_FOUND);
    CHECK(size == 77); /* outputs untouched on failure */
    EXPECT(MprInfoBlockFind(NULL, IP_GLOBAL_INFO, NULL, NULL, NULL), ERROR_INVALID_PARAMETER);

    /* Add never replaces, Set never creates, Remove needs the block: all 87. */
    h3 = (LPVOID)1;
    EXPECT(MprInfoBlockAdd(h2, IP_ROUTE_INFO, 16, 1, route, &h3), ERROR_INVALID_PARAMETER);
    CHECK(h3 == NULL);
    EXPECT(MprInfoBlockSet(h2, IP_GLOBAL_INFO, 16, 1, route, &h3), ERROR_INVALID_PARAMETER);
    EXPECT(MprInfoBlockRemove(h2, IP_GLOBAL_INFO, &h3), ERROR_INVALID_PARAMETER);
    EXPECT(MprInfoBlockAdd(NULL, 1, 4, 1, route, &h3), ERROR_INVALID_PARAMETER);
    EXPECT(MprInfoBlockAdd(h2, 1, 4, 1, route, NULL), ERROR_INVALID_PARAMETER);
    EXPECT(MprInfoBlockAdd(h2, 1, 4, 1, NULL, &h3), ERROR_INVALID_PARAMETER);
    EXPECT(MprInfoBlockAdd(h2, 1, 0x10000, 0x10000, route, &h3), ERROR_INVALID_PARAMETER);
    EXPECT(MprInfoBlockSet(NULL, 1, 4, 1, route, &h3), ERROR_INVALID_PARAMETER);
    EXPECT(MprInfoBlockRemove(NULL, 1, &h3), ERROR_INVALID_PARAMETER);
    EXPECT(MprInfoBlockRemove(h2, IP_ROUTE_INFO, NULL), ERROR_INVALID_PARAMETER);

    OK(MprInfoBlockSet(h2, IP_ROUTE_INFO, 16, 2, routes2, &h3));
    OK(MprInfoBlockFind(h3, IP_ROUTE_INFO, &size, &count, &data));
    CHECK(size == 16 && count == 2 && data[31] == 0xab);
    CHECK(hdr(h3)->TocEntry[1].InfoType == IP_ROUTE_INFO); /* position kept */

    OK(MprInfoBlockRemove(h3, IP_INTERFACE_STATUS_INFO, &h4));
    CHECK(hdr(h4)->TocEntriesCount == 1 && hdr(h4)->TocEntry[0].Offset == 32);
    OK(MprInfoBlockFind(h4, IP_ROUTE_INFO, &size, &count, &data));
    CHECK(count == 2 && data[0] == 0xab);

    OK(MprInfoRemoveAll(h4, &h5));
    CHECK(hdr(h5)->TocEntriesCount == 0 && hdr(h5)->Size == 12);
    CHECK(hdr(h4)->TocEntriesCount == 1); /* input still valid */
    EXPECT(MprInfoRemoveAll(NULL, &h5), ERROR_INVALID_PARAMETER);
    CHECK(h5 == NULL);
    EXPECT(MprInfoRemoveAll(h4, NULL), ERROR_INVALID_PARAMETER);

    OK(MprInfoDelete(h0));
    OK(MprInfoDelete(h1));
    OK(MprInfoDelete(h2));
    OK(MprInfoDelete(h3));
    OK(MprInfoDelete(h4));
    /* Freeing twice, or something not ours, is refused instead of corrupting the heap. */
    EXPECT(MprInfoDelete(h4), ERROR_INVALID_PARAMETER);
    EXPECT(MprInfoDelete(&status), ERROR_INVALID_PARAMETER);
}

static void zero_length_blocks(void)
{
    LPVOID h0 = NULL, h1 = NULL, h2 = NULL;
    DWORD size = 9, count = 9;
    OK(MprInfoCreate(RTR_INFO_BLOCK_VERSION, &h0));
    /* "Delete this client": a block with no data; NULL data is fine then. */
    OK(MprInfoBlockAdd(h0, 0xd, 0, 0, NULL, &h1));
    OK(MprInfoBlockAdd(h1, IP_ROUTE_INFO, 72, 0, NULL, &h2));
    OK(MprInfoBlockFind(h2, 0xd, &size, &count, NULL));
    CHECK(size == 0 && count == 0);
    OK(MprInfoBlockFind(h2, IP_ROUTE_INFO, &size, &count, NULL));
    CHECK(size == 72 && count == 0);
    OK(MprInfoDelete(h0));
    OK(MprInfoDelete(h1));
    OK(MprInfoDelete(h2));
}

static void published_samples(void)
{
    DWORD size, count;
    LPBYTE data;
    LPVOID dup = NULL, h = NULL;
    /* Headers in caller memory (not ours) are read through their Size field. */
    CHECK(MprInfoBlockQuerySize((LPVOID)BLOB_A_GLOBAL_INFO) == 120);
    OK(MprInfoBlockFind((LPVOID)BLOB_A_GLOBAL_INFO, IP_PROT_PRIORITY_INFO, &size, &count, &data));
    CHECK(size == 52 && count == 1 && data == BLOB_A_GLOBAL_INFO + 0x38);
    CHECK(*(DWORD *)data == 6);

    CHECK(MprInfoBlockQuerySize((LPVOID)BLOB_B_RR2_INTERFACE_INFO) == 252);
    OK(MprInfoBlockFind((LPVOID)BLOB_B_RR2_INTERFACE_INFO, IP_MCAST_HEARBEAT_INFO, &size, &count, &data));
    CHECK(size == 140 && count == 1 && data == BLOB_B_RR2_INTERFACE_INFO + 0x50);
    OK(MprInfoBlockFind((LPVOID)BLOB_B_RR2_INTERFACE_INFO, IP_ROUTER_DISC_INFO, &size, &count, &data));
    CHECK(size == 16 && data[0] == 0x58 && data[1] == 0x02);
    OK(MprInfoBlockFind((LPVOID)BLOB_B_RR2_INTERFACE_INFO, IP_IFFILTER_INFO, &size, &count, &data));
    CHECK(data == BLOB_B_RR2_INTERFACE_INFO + 0xf8);

    OK(MprInfoBlockFind((LPVOID)BLOB_C_DEFAULT_INTERFACE_INFO, IP_ROUTE_INFO, &size, &count, NULL));
    CHECK(size == 72 && count == 0);
    OK(MprInfoBlockFind((LPVOID)BLOB_D_TWO_BLOCKS, IP_IN_FILTER_INFO, &size, &count, &data));
    CHECK(size == 40 && count == 1 && data[0x27] == 0x50);

    /* Duplicate copies exactly Size bytes; editing the copy re-encodes it. */
    OK(MprInfoDuplicate((LPVOID)BLOB_B_RR2_INTERFACE_INFO, &dup));
    CHECK(memcmp(dup, BLOB_B_RR2_INTERFACE_INFO, 252) == 0);
    OK(MprInfoBlockRemove(dup, IP_MCAST_HEARBEAT_INFO, &h));
    CHECK(hdr(h)->TocEntriesCount == 3);
    OK(MprInfoBlockFind(h, IP_IFFILTER_INFO, &size, &count, NULL));
    OK(MprInfoDelete(h));
    OK(MprInfoDelete(dup));
    EXPECT(MprInfoDuplicate(NULL, &dup), ERROR_INVALID_PARAMETER);
    EXPECT(MprInfoDuplicate((LPVOID)BLOB_A_GLOBAL_INFO, NULL), ERROR_INVALID_PARAMETER);
}

static void malformed_headers(void)
{
    BYTE bad[64];
    LPVOID out = NULL;
    DWORD *w = (DWORD *)bad;
    memset(bad, 0, sizeof bad);
    w[0] = 2; w[1] = 12; /* wrong version */
    EXPECT(MprInfoBlockFind(bad, 1, NULL, NULL, NULL), ERROR_INVALID_PARAMETER);
    CHECK(MprInfoBlockQuerySize(bad) == 0);
    w[0] = 1; w[1] = 64; w[2] = 1000; /* TOC larger than Size */
    EXPECT(MprInfoDuplicate(bad, &out), ERROR_INVALID_PARAMETER);
    w[2] = 1; w[3] = 7; w[4] = 4; w[5] = 1; w[6] = 62; /* block past Size */
    EXPECT(MprInfoBlockFind(bad, 7, NULL, NULL, NULL), ERROR_INVALID_PARAMETER);
    w[1] = 8; /* Size below the fixed part */
    EXPECT(MprInfoBlockAdd(bad, 9, 0, 0, NULL, &out), ERROR_INVALID_PARAMETER);
    w[1] = 0x7fffffff; /* Size above the 16 MiB limit is refused before reading */
    EXPECT(MprInfoBlockRemove(bad, 7, &out), ERROR_INVALID_PARAMETER);
    CHECK(out == NULL);
}

int main(void)
{
    create_and_delete();
    add_find_set_remove();
    zero_length_blocks();
    published_samples();
    malformed_headers();
    return t_finish();
}
