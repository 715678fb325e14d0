/*
 * workingset.c — the working-set system services (Windows:
 * NtQueryInformationProcess / NtSetInformationProcess with
 * ProcessQuotaLimits, PspQueryQuotaLimits and PspSetQuotaLimits; and
 * NtQueryVirtualMemory's MemoryWorkingSetInformation and
 * MemoryWorkingSetExInformation), over mm's working-set limits
 * (wsmanager.c) and list walk (wsinfo.c).
 *
 * (1) ProcessQuotaLimits takes exactly a QUOTA_LIMITS or a QUOTA_LIMITS_EX
 *     (else STATUS_INFO_LENGTH_MISMATCH); a query needs
 *     PROCESS_QUERY_INFORMATION, a change PROCESS_SET_QUOTA.
 * (2) Flags (QUOTA_LIMITS_EX only): unknown bits, or ENABLE and DISABLE of
 *     the same limit together, are STATUS_INVALID_PARAMETER. Both sizes 0
 *     changes only the hard-limit flags (Windows: MmEnforceWorkingSetLimit).
 * (3) Every process holds SeIncreaseBasePriorityPrivilege (an
 *     administrator's token), so raising a minimum is allowed.
 * (4) The working-set queries need PROCESS_QUERY_INFORMATION; their
 *     buffers are host memory, the addresses in them simulated.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "nt/nt_internal.h"

#define QUOTA_LIMITS_HARDWS_ALL 0xfu

/* (1) The process, once the handle, the length and the buffer pass. */
static NTSTATUS quota_process(HANDLE ProcessHandle, ACCESS_MASK access, PVOID buffer,
                              ULONG length, struct ntmm_process **p)
{
    NTSTATUS st = ps_process_from_handle(ProcessHandle, access, p);
    if (!NT_SUCCESS(st))
        return st;
    if (length != sizeof(QUOTA_LIMITS) && length != sizeof(QUOTA_LIMITS_EX))
        return STATUS_INFO_LENGTH_MISMATCH;
    return buffer ? STATUS_SUCCESS : STATUS_ACCESS_VIOLATION;
}

NTSTATUS nt_query_quota_limits(HANDLE ProcessHandle, PVOID ProcessInformation,
                               ULONG ProcessInformationLength, PULONG ReturnLength)
{
    struct ntmm_process *p;
    NTSTATUS st = quota_process(ProcessHandle, PROCESS_QUERY_INFORMATION, ProcessInformation,
                                ProcessInformationLength, &p);
    if (!NT_SUCCESS(st))
        return st;
    const struct mm_address_space *as = &p->as;
    QUOTA_LIMITS_EX q = {
        .PagedPoolLimit = (SIZE_T)-1,
        .NonPagedPoolLimit = (SIZE_T)-1,
        .MinimumWorkingSetSize = as->minimum_working_set * PAGE_SIZE,
        .MaximumWorkingSetSize = as->maximum_working_set * PAGE_SIZE,
        .PagefileLimit = (SIZE_T)-1,
        .TimeLimit.QuadPart = -1,
        .Flags = (as->hard_minimum ? QUOTA_LIMITS_HARDWS_MIN_ENABLE
                                   : QUOTA_LIMITS_HARDWS_MIN_DISABLE) |
                 (as->hard_maximum ? QUOTA_LIMITS_HARDWS_MAX_ENABLE
                                   : QUOTA_LIMITS_HARDWS_MAX_DISABLE),
    };
    memcpy(ProcessInformation, &q, ProcessInformationLength);
    if (ReturnLength)
        *ReturnLength = ProcessInformationLength;
    return STATUS_SUCCESS;
}

/* (2) */
static bool valid_flags(ULONG flags)
{
    return !(flags & ~QUOTA_LIMITS_HARDWS_ALL) &&
           (flags & (QUOTA_LIMITS_HARDWS_MIN_ENABLE | QUOTA_LIMITS_HARDWS_MIN_DISABLE)) !=
               (QUOTA_LIMITS_HARDWS_MIN_ENABLE | QUOTA_LIMITS_HARDWS_MIN_DISABLE) &&
           (flags & (QUOTA_LIMITS_HARDWS_MAX_ENABLE | QUOTA_LIMITS_HARDWS_MAX_DISABLE)) !=
               (QUOTA_LIMITS_HARDWS_MAX_ENABLE | QUOTA_LIMITS_HARDWS_MAX_DISABLE);
}

/* Windows: PspSetQuotaLimits, the working-set part */
static NTSTATUS set_quota_limits(HANDLE ProcessHandle, PVOID ProcessInformation,
                                 ULONG ProcessInformationLength)
{
    struct ntmm_process *p;
    NTSTATUS st = quota_process(ProcessHandle, PROCESS_SET_QUOTA, ProcessInformation,
                                ProcessInformationLength, &p);
    if (!NT_SUCCESS(st))
        return st;
    QUOTA_LIMITS_EX q = { 0 };
    memcpy(&q, ProcessInformation, ProcessInformationLength);
    if (!valid_flags(q.Flags))
        return STATUS_INVALID_PARAMETER;
    struct mm *mm = &p->machine->mm;
    if (q.MinimumWorkingSetSize == 0 && q.MaximumWorkingSetSize == 0)
        return q.Flags ? mm_set_working_set_limits(mm, &p->as, 0, 0, q.Flags, true)
                       : STATUS_SUCCESS;
    return mm_set_working_set_limits(mm, &p->as, q.MinimumWorkingSetSize, q.MaximumWorkingSetSize,
                                     q.Flags, true /* (3) */);
}

/* Windows: NtSetInformationProcess (ProcessQuotaLimits) */
NTSTATUS NtSetInformationProcess(HANDLE ProcessHandle, PROCESSINFOCLASS ProcessInformationClass,
                                 PVOID ProcessInformation, ULONG ProcessInformationLength)
{
    if (ProcessInformationClass != ProcessQuotaLimits)
        return STATUS_INVALID_INFO_CLASS;
    return set_quota_limits(ProcessHandle, ProcessInformation, ProcessInformationLength);
}

static MEMORY_WORKING_SET_BLOCK working_set_block(const struct mm_ws_entry *e)
{
    MEMORY_WORKING_SET_BLOCK b = { .Flags = 0 };
    b.Protection = e->protection;
    b.ShareCount = e->share_count;
    b.Shared = e->shared;
    b.VirtualPage = e->va >> PAGE_SHIFT;
    return b;
}

/* Windows: MiGetWorkingSetInfo — the entries, or with a buffer too short
 * for them STATUS_INFO_LENGTH_MISMATCH and only NumberOfEntries. */
static NTSTATUS query_working_set(struct ntmm_process *p, PVOID info, SIZE_T length,
                                  PSIZE_T ReturnLength)
{
    const size_t header = offsetof(MEMORY_WORKING_SET_INFORMATION, WorkingSetInfo);
    if (length < header)
        return STATUS_INFO_LENGTH_MISMATCH;
    if (!info)
        return STATUS_ACCESS_VIOLATION;
    struct mm *mm = &p->machine->mm;
    uint64_t capacity = (length - header) / sizeof(MEMORY_WORKING_SET_BLOCK);
    uint64_t count = mm_query_working_set(mm, &p->as, NULL, 0);
    ULONG_PTR entries = (ULONG_PTR)count;
    memcpy(info, &entries, sizeof entries);
    if (count > capacity)
        return STATUS_INFO_LENGTH_MISMATCH;
    struct mm_ws_entry *list = count ? mm_host_alloc(mm, count * sizeof *list) : NULL;
    if (count && !list)
        return STATUS_NO_MEMORY;
    (void)mm_query_working_set(mm, &p->as, list, count);
    MEMORY_WORKING_SET_BLOCK *out = (MEMORY_WORKING_SET_BLOCK *)((uint8_t *)info + header);
    for (uint64_t i = 0; i < count; i++) {
        MEMORY_WORKING_SET_BLOCK b = working_set_block(&list[i]);
        memcpy(&out[i], &b, sizeof b);
    }
    free(list);
    if (ReturnLength)
        *ReturnLength = header + count * sizeof(MEMORY_WORKING_SET_BLOCK);
    return STATUS_SUCCESS;
}

static MEMORY_WORKING_SET_EX_BLOCK working_set_ex_block(const struct mm *mm,
                                                        const struct ntmm_process *p,
                                                        uint64_t va)
{
    MEMORY_WORKING_SET_EX_BLOCK b = { .Flags = 0 };
    struct mm_ws_entry e;
    if (!mm_query_working_set_page(mm, &p->as, va, &e))
        return b;
    b.Valid = 1;
    b.ShareCount = e.share_count;
    b.Win32Protection = mi_page_protection(e.protection);
    b.Shared = e.shared;
    b.Locked = e.locked;
    return b;
}

/* Windows: MiGetWorkingSetInfoEx — each entry's VirtualAddress in, its
 * VirtualAttributes out. */
static NTSTATUS query_working_set_ex(struct ntmm_process *p, PVOID info, SIZE_T length,
                                     PSIZE_T ReturnLength)
{
    if (length < sizeof(MEMORY_WORKING_SET_EX_INFORMATION))
        return STATUS_INFO_LENGTH_MISMATCH;
    if (!info)
        return STATUS_ACCESS_VIOLATION;
    SIZE_T count = length / sizeof(MEMORY_WORKING_SET_EX_INFORMATION);
    MEMORY_WORKING_SET_EX_INFORMATION *entries = info;
    for (SIZE_T i = 0; i < count; i++) {
        MEMORY_WORKING_SET_EX_INFORMATION e;
        memcpy(&e, &entries[i], sizeof e);
        e.VirtualAttributes =
            working_set_ex_block(&p->machine->mm, p, (uint64_t)(uintptr_t)e.VirtualAddress);
        memcpy(&entries[i], &e, sizeof e);
    }
    if (ReturnLength)
        *ReturnLength = count * sizeof(MEMORY_WORKING_SET_EX_INFORMATION);
    return STATUS_SUCCESS;
}

NTSTATUS nt_query_working_set(struct ntmm_process *p, MEMORY_INFORMATION_CLASS c, PVOID info,
                              SIZE_T length, PSIZE_T ReturnLength)
{
    return c == MemoryWorkingSetInformation ? query_working_set(p, info, length, ReturnLength)
                                            : query_working_set_ex(p, info, length, ReturnLength);
}
