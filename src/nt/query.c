/*
 * query.c — information services (Windows: NtQueryInformationProcess with
 * ProcessBasicInformation and ProcessVmCounters, NtQuerySystemInformation
 * with SystemBasicInformation) and the memory status GlobalMemoryStatusEx
 * reads.
 *
 * (1) Counters are the memory manager's own, converted to bytes where the
 *     structure says bytes; nothing here keeps a copy.
 * (2) Both process classes need PROCESS_QUERY_INFORMATION on the handle.
 *     ProcessBasicInformation works on a terminated process (its id and exit
 *     status stay with the body); ProcessVmCounters gives
 *     STATUS_PROCESS_IS_TERMINATING there (its address space is gone).
 */
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
 * ProcessVmCounters) */
NTSTATUS NtQueryInformationProcess(HANDLE ProcessHandle, PROCESSINFOCLASS ProcessInformationClass,
                                   PVOID ProcessInformation, ULONG ProcessInformationLength,
                                   PULONG ReturnLength)
{
    if (ProcessInformationClass == ProcessBasicInformation)
        return query_basic(ProcessHandle, ProcessInformation, ProcessInformationLength,
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

/* Windows: NtQuerySystemInformation (SystemBasicInformation). The user
 * address range is the current process's, as Windows reports it to a
 * process (the 32-bit view under WOW64). */
NTSTATUS NtQuerySystemInformation(SYSTEM_INFORMATION_CLASS SystemInformationClass,
                                  PVOID SystemInformation, ULONG SystemInformationLength,
                                  PULONG ReturnLength)
{
    if (SystemInformationClass != SystemBasicInformation)
        return STATUS_INVALID_INFO_CLASS;
    if (SystemInformationLength != sizeof(SYSTEM_BASIC_INFORMATION))
        return STATUS_INFO_LENGTH_MISMATCH;
    struct ntmm_process *p;
    NTSTATUS handle_status = ps_process_from_handle(NtCurrentProcess(), 0, &p);
    if (!NT_SUCCESS(handle_status))
        return handle_status;
    if (!SystemInformation)
        return STATUS_ACCESS_VIOLATION;
    const struct mm *mm = &p->machine->mm;
    SYSTEM_BASIC_INFORMATION info = {
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
    memcpy(SystemInformation, &info, sizeof info);
    if (ReturnLength)
        *ReturnLength = sizeof info;
    return STATUS_SUCCESS;
}

static uint64_t free_user_bytes(const struct mm_address_space *as)
{
    uint64_t used = 0;
    for (const struct vad *v = vad_first(&as->vads); v; v = vad_next(v))
        used += (v->EndingVpn + 1 - v->StartingVpn) << PAGE_SHIFT;
    return as->highest_user_address + 1 - MM_LOWEST_USER_ADDRESS - used;
}

NTSTATUS nt_query_memory_status(struct nt_memory_status *status)
{
    struct ntmm_process *p;
    NTSTATUS handle_status = ps_process_from_handle(NtCurrentProcess(), 0, &p);
    if (!NT_SUCCESS(handle_status))
        return handle_status;
    const struct mm *mm = &p->machine->mm;
    *status = (struct nt_memory_status){
        .available_pages = mm_available_pages(mm),
        .committed_pages = mm_symbol_word(mm, SYM_MmTotalCommittedPages),
        .commit_limit = mm_symbol_word(mm, SYM_MmTotalCommitLimit),
        .free_user_bytes = free_user_bytes(&p->as),
        .user_bytes = p->as.highest_user_address + 1 - MM_LOWEST_USER_ADDRESS,
    };
    return STATUS_SUCCESS;
}
