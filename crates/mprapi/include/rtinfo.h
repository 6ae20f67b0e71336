/*
 * rtinfo.h - router information headers (libmprapi, mprconfig for Linux).
 *
 * An information header is one position-independent blob: a fixed part, a table of contents
 * (one RTR_TOC_ENTRY per block) and the blocks, each starting at an 8-byte aligned offset from
 * the start of the header. It is what the MprConfig* functions take and return as
 * pGlobalInfo / pInterfaceInfo, and what the MprInfo* functions of <mprapi.h> build.
 */
#ifndef _RTINFO_H_
#define _RTINFO_H_

#include <windows.h>

#ifdef __cplusplus
extern "C" {
#endif

#define ALIGN_SIZE          0x00000008
#define ALIGN_SHIFT         (ALIGN_SIZE - 0x00000001)
#define ALIGN_MASK_POINTER  (~(UINT_PTR)ALIGN_SHIFT)
#define ALIGN_MASK_LENGTH   (~((ULONG)ALIGN_SHIFT))
#define ALIGN_MASK          ALIGN_MASK_LENGTH

/* Rounds the pointer lvalue p up to the next multiple of ALIGN_SIZE. */
#define ALIGN_POINTER(p) \
    ((p) = (void *)(((UINT_PTR)(p) + ALIGN_SHIFT) & ALIGN_MASK_POINTER))

/* Rounds the length lvalue l up to the next multiple of ALIGN_SIZE. */
#define ALIGN_LENGTH(l) \
    ((l) = (((l) + ALIGN_SHIFT) & ALIGN_MASK_LENGTH))

/* Non-zero when the pointer p is a multiple of ALIGN_SIZE. */
#define IS_ALIGNED(p) (((UINT_PTR)(p) & ALIGN_SHIFT) == 0x00000000)

/* One block's entry in the table of contents (16 bytes). */
typedef struct _RTR_TOC_ENTRY {
    ULONG InfoType; /* block type id, unique in one header */
    ULONG InfoSize; /* size of one item of the block */
    ULONG Count;    /* number of items */
    ULONG Offset;   /* offset of the first item from the start of the header */
} RTR_TOC_ENTRY, *PRTR_TOC_ENTRY;

#define RTR_INFO_BLOCK_VERSION 1

/* The fixed part of a header followed by its table of contents (declared with one entry). */
typedef struct _RTR_INFO_BLOCK_HEADER {
    ULONG Version;            /* RTR_INFO_BLOCK_VERSION */
    ULONG Size;               /* total size in bytes of the whole header */
    ULONG TocEntriesCount;    /* number of TocEntry elements */
    RTR_TOC_ENTRY TocEntry[1];
} RTR_INFO_BLOCK_HEADER, *PRTR_INFO_BLOCK_HEADER;

/* The first item of the block described by pToc, or NULL if its offset is outside the header. */
#define GetInfoFromTocEntry(hdr, toc)                                     \
    (((toc)->Offset < ((PRTR_INFO_BLOCK_HEADER)(hdr))->Size)             \
         ? ((PVOID)(((PBYTE)(hdr)) + (toc)->Offset))                     \
         : NULL)

#ifdef __cplusplus
}
#endif

#endif /* _RTINFO_H_ */
