/*
 * query.c — information services (Windows: NtQueryInformationProcess with
 * ProcessBasicInformation and ProcessVmCounters, ProcessQuotaLimits being
 * workingset.c's; NtQuerySystemInformation with SystemBasicInformation and
 * SystemPerformanceInformation).
 *
 * (1) Counters are the memory manager's own, converted to bytes where the
 *     structure says bytes; nothing here keeps a copy.
 * (2) Both process classes need PROCESS_QUERY_INFORMATION on the handle.
 *     ProcessBasicInformation works on a terminated process (its id and exit
 *     status stay with the body); ProcessVmCounters gives
 *     STATUS_PROCESS_IS_TERMINATING there (its address space is gone).
 * (3) SystemPerformanceInformation reads the same kernel variables !vm reads
 *     (MmAvailablePages, MmTotalCommittedPages, MmTotalCommitLimit,
 *     MmPeakCommitment) and MmInfoCounters, so every report agrees.
 */
#include <stddef.h>
#include <string.h>

#include "nt/nt_internal.h"

static NTSTATUS query_basic(HANDLE ProcessHandle, PVOID ProcessInformation,
                            ULONG ProcessInformationLength, PULONG ReturnLength)
{
    struct ntmm_process *p;
    NTSTATUS st = ps_process_object_from_handle(ntmm_current_process(), ProcessHandle,
                                                PROCESS_QUERY_INFORMATION, &p);
    if (!NT_SUCCESS(st))
        return st;
    if (ProcessInformationLength != sizeof(PROCESS_BASIC_INFORMATION))
        return STATUS_INFO_LENGTH_MISMATCH;
    if (!ProcessInformation)
        return STATUS_ACCESS_VIOLATION;
    PROCESS_BASIC_INFORMATION b = {
        .ExitStatus = p->terminated ? STATUS_SUCCESS : STATUS_PENDING,
        .UniqueProcessId = p->cid,
    };
    memcpy(ProcessInformation, &b, sizeof b);
    if (ReturnLength)
        *ReturnLength = sizeof b;
    return STATUS_SUCCESS;
}

/* Windows: NtQueryInformationProcess (ProcessBasicInformation,
 * ProcessQuotaLimits, ProcessVmCounters) */
NTSTATUS NtQueryInformationProcess(HANDLE ProcessHandle, PROCESSINFOCLASS ProcessInformationClass,
                                   PVOID ProcessInformation, ULONG ProcessInformationLength,
                                   PULONG ReturnLength)
{
    if (ProcessInformationClass == ProcessBasicInformation)
        return query_basic(ProcessHandle, ProcessInformation, ProcessInformationLength,
                           ReturnLength);
    if (ProcessInformationClass == ProcessQuotaLimits)
        return nt_query_quota_limits(ProcessHandle, ProcessInformation, ProcessInformationLength,
                                     ReturnLength);
    if (ProcessInformationClass != ProcessVmCounters)
        return STATUS_INVALID_INFO_CLASS;
    struct ntmm_process *p;
    NTSTATUS handle_status = ps_process_from_handle(ProcessHandle, PROCESS_QUERY_INFORMATION, &p);
    if (!NT_SUCCESS(handle_status))
        return handle_status;
    if (ProcessInformationLength != sizeof(VM_COUNTERS) &&
        ProcessInformationLength != sizeof(VM_COUNTERS_EX))
        return STATUS_INFO_LENGTH_MISMATCH;
    if (!ProcessInformation)
        return STATUS_ACCESS_VIOLATION;
    const struct mm_address_space *as = &p->as;
    VM_COUNTERS_EX c = {
        .PeakVirtualSize = as->peak_virtual_bytes,
        .VirtualSize = as->virtual_bytes,
        .PageFaultCount = (ULONG)as->page_fault_count,
        .PeakWorkingSetSize = as->peak_working_set_pages * PAGE_SIZE,
        .WorkingSetSize = as->working_set_pages * PAGE_SIZE,
        .PagefileUsage = as->commit_charge * PAGE_SIZE,
        .PeakPagefileUsage = as->peak_commit_charge * PAGE_SIZE,
        .PrivateUsage = as->commit_charge * PAGE_SIZE,
    };
    memcpy(ProcessInformation, &c, ProcessInformationLength);
    if (ReturnLength)
        *ReturnLength = ProcessInformationLength;
    return STATUS_SUCCESS;
}

/* SystemBasicInformation. The user address range is the current
 * process's, as Windows reports it to a process (the 32-bit view under
 * WOW64). */
static void query_system_basic(const struct ntmm_process *p, SYSTEM_BASIC_INFORMATION *info)
{
    const struct mm *mm = &p->machine->mm;
    *info = (SYSTEM_BASIC_INFORMATION){
        .TimerResolution = 156250, /* 15.625 ms, in 100 ns units */
        .PageSize = PAGE_SIZE,
        .NumberOfPhysicalPages = (ULONG)mm_symbol_word(mm, SYM_MmNumberOfPhysicalPages),
        .LowestPhysicalPageNumber = 0,
        .HighestPhysicalPageNumber = (ULONG)mm_symbol_word(mm, SYM_MmHighestPhysicalPage),
        .AllocationGranularity = NTMM_ALLOCATION_GRANULARITY,
        .MinimumUserModeAddress = MM_LOWEST_USER_ADDRESS,
        .MaximumUserModeAddress = (ULONG_PTR)p->as.highest_user_address,
        .ActiveProcessorsAffinityMask = 1,
        .NumberOfProcessors = 1,
    };
}

static ULONG paged_pool_pages_in_use(const struct mm *mm)
{
    ULONG used = 0;
    for (unsigned i = 0; i < MM_POOL_PAGES; i++)
        used += mm->pool_used[i] != 0;
    return used;
}

/* (3) SystemPerformanceInformation: the kernel variables and MmInfoCounters
 * as they are now. */
static void query_system_performance(const struct ntmm_process *p,
                                     SYSTEM_PERFORMANCE_INFORMATION *info)
{
    const struct mm *mm = &p->machine->mm;
    ULONG paged_pool = paged_pool_pages_in_use(mm);
    *info = (SYSTEM_PERFORMANCE_INFORMATION){
        .AvailablePages = (ULONG)mm_available_pages(mm),
        .CommittedPages = (ULONG)mm_symbol_word(mm, SYM_MmTotalCommittedPages),
        .CommitLimit = (ULONG)mm_symbol_word(mm, SYM_MmTotalCommitLimit),
        .PeakCommitment = (ULONG)mm_symbol_word(mm, SYM_MmPeakCommitment),
        .PagedPoolPages = paged_pool,
        .AvailablePagedPoolPages = MM_POOL_PAGES - paged_pool,
    };
    /* PageFaultCount … MappedWriteIoCount are _MMINFO_COUNTERS, in order */
    uint32_t counters[MI_INFO_COUNTERS];
    for (unsigned c = 0; c < MI_INFO_COUNTERS; c++)
        counters[c] = mi_info_counter(mm, (enum mi_info_counter)c);
    memcpy((uint8_t *)info + offsetof(SYSTEM_PERFORMANCE_INFORMATION, PageFaultCount), counters,
           sizeof counters);
}

_Static_assert(offsetof(SYSTEM_PERFORMANCE_INFORMATION, MappedWriteIoCount) -
                       offsetof(SYSTEM_PERFORMANCE_INFORMATION, PageFaultCount) ==
                   4 * (MI_INFO_COUNTERS - 1),
               "SYSTEM_PERFORMANCE_INFORMATION holds _MMINFO_COUNTERS' 13 ULONGs in order");

/* Windows: NtQuerySystemInformation (SystemBasicInformation,
 * SystemPerformanceInformation). (4) SystemBasicInformation takes exactly
 * its structure; SystemPerformanceInformation takes a buffer at least as
 * large and writes only the structure. A wrong length gives
 * STATUS_INFO_LENGTH_MISMATCH and leaves ReturnLength alone, as Server
 * 2003's ExpQuerySystemInformation does. */
NTSTATUS NtQuerySystemInformation(SYSTEM_INFORMATION_CLASS SystemInformationClass,
                                  PVOID SystemInformation, ULONG SystemInformationLength,
                                  PULONG ReturnLength)
{
    bool basic = SystemInformationClass == SystemBasicInformation;
    if (!basic && SystemInformationClass != SystemPerformanceInformation)
        return STATUS_INVALID_INFO_CLASS;
    ULONG size = basic ? sizeof(SYSTEM_BASIC_INFORMATION) : sizeof(SYSTEM_PERFORMANCE_INFORMATION);
    if (basic ? SystemInformationLength != size : SystemInformationLength < size)
        return STATUS_INFO_LENGTH_MISMATCH;
    struct ntmm_process *p;
    NTSTATUS handle_status = ps_process_from_handle(NtCurrentProcess(), 0, &p);
    if (!NT_SUCCESS(handle_status))
        return handle_status;
    if (!SystemInformation)
        return STATUS_ACCESS_VIOLATION;
    union {
        SYSTEM_BASIC_INFORMATION basic;
        SYSTEM_PERFORMANCE_INFORMATION performance;
    } info;
    if (basic)
        query_system_basic(p, &info.basic);
    else
        query_system_performance(p, &info.performance);
    memcpy(SystemInformation, &info, size);
    if (ReturnLength)
        *ReturnLength = size;
    return STATUS_SUCCESS;
}
