/*
 * nt_internal.h — what the system-service files of src/nt share: the process
 * lookup (ps/process.h, over the object manager ob/ob.h), the memory
 * manager, and the protection translation.
 */
#ifndef NTMM_NT_INTERNAL_H
#define NTMM_NT_INTERNAL_H

#include "mm/mm.h"
#include "ntmm/nt.h"
#include "ps/process.h"


/* What GlobalMemoryStatusEx reports beyond SystemBasicInformation (the
 * counters Windows gives through SystemPerformanceInformation), in pages. */
struct nt_memory_status {
    uint64_t available_pages;  /* MmAvailablePages */
    uint64_t committed_pages;  /* MmTotalCommittedPages */
    uint64_t commit_limit;     /* MmTotalCommitLimit */
    uint64_t free_user_bytes;  /* the current process's free address space */
    uint64_t user_bytes;       /* its whole user address space */
};
NTSTATUS nt_query_memory_status(struct nt_memory_status *status);

/* The highest address a reservation may end at under ZeroBits (a count of
 * high bits that must be zero, at most 21, or from a 64-bit process a mask);
 * false for an invalid ZeroBits. */
bool nt_zero_bits_limit(const struct ntmm_process *p, ULONG_PTR ZeroBits, uint64_t *highest);

#endif
