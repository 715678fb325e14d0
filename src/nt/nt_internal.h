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

/* The highest address a reservation may end at under ZeroBits (a count of
 * high bits that must be zero, at most 21, or from a 64-bit process a mask);
 * false for an invalid ZeroBits. */
bool nt_zero_bits_limit(const struct ntmm_process *p, ULONG_PTR ZeroBits, uint64_t *highest);

/* ProcessQuotaLimits (workingset.c). */
NTSTATUS nt_query_quota_limits(HANDLE ProcessHandle, PVOID ProcessInformation,
                               ULONG ProcessInformationLength, PULONG ReturnLength);
/* MemoryWorkingSetInformation and MemoryWorkingSetExInformation of p
 * (workingset.c); the handle was checked. */
NTSTATUS nt_query_working_set(struct ntmm_process *p, MEMORY_INFORMATION_CLASS c, PVOID info,
                              SIZE_T length, PSIZE_T ReturnLength);

#endif
