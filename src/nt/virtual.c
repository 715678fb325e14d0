/*
 * virtual.c — the virtual-memory system services (Windows:
 * NtAllocateVirtualMemory, NtFreeVirtualMemory, NtProtectVirtualMemory,
 * NtQueryVirtualMemory; its working-set classes are workingset.c's):
 * argument checking, rounding and the PAGE_* to MM_* protection
 * translation, as Windows does them before calling into Mm.
 *
 * Rounding: a reservation starts at its base rounded down to 64 KB; a
 * commit, decommit or protection change at its base rounded down to a page;
 * each ends at base + size rounded up to a page.
 *
 * (1) A call that fails changes nothing and writes nothing back.
 * (2) Statuses are Windows': INVALID_PARAMETER_n names the bad argument.
 * (3) The process handle is resolved first (ps_process_from_handle): the
 *     query needs PROCESS_QUERY_INFORMATION, every other service
 *     PROCESS_VM_OPERATION (else STATUS_ACCESS_DENIED).
 */
#include <string.h>

#include "nt/nt_internal.h"

static bool is_copy_on_write(unsigned protection)
{
    return (protection & 7) == MM_WRITECOPY || (protection & 7) == MM_EXECUTE_WRITECOPY;
}

/* [*start, *end] (inclusive) for base and size with pages rounded out;
 * false if the range wraps or leaves the user address space. */
static bool round_range(const struct ntmm_process *p, uint64_t base, uint64_t size,
                        uint64_t align, uint64_t *start, uint64_t *end)
{
    *start = base & ~(align - 1);
    if (size == 0 || base + size < base || base + size - 1 > p->as.highest_user_address)
        return false;
    *end = (base + size - 1) | (PAGE_SIZE - 1);
    return true;
}

/* (1): the rounded range goes back to the caller only on success; st is
 * the (success or informational) status the call returns. */
static NTSTATUS write_back(PVOID *BaseAddress, PSIZE_T RegionSize, uint64_t start, uint64_t end,
                           NTSTATUS st)
{
    if (!NT_SUCCESS(st))
        return st;
    *BaseAddress = (PVOID)(uintptr_t)start;
    *RegionSize = (SIZE_T)(end + 1 - start);
    return st;
}

static NTSTATUS reset_pages(struct ntmm_process *p, uint64_t start, uint64_t end, bool undo)
{
    return mm_reset(&p->machine->mm, &p->as, start, end + 1 - start, undo);
}

bool nt_zero_bits_limit(const struct ntmm_process *p, ULONG_PTR ZeroBits, uint64_t *highest)
{
    /* ZeroBits: how many high bits of the address must be zero (at most 21),
     * or, from a 64-bit process, a mask of the bits that may be set */
    bool mask = p->is_64bit && ZeroBits > 32;
    if (ZeroBits > 21 && !mask)
        return false;
    *highest = p->as.highest_user_address;
    uint64_t limit = mask ? (2ull << (63 - __builtin_clzll(ZeroBits))) - 1
                          : ZeroBits ? 0xffffffffull >> ZeroBits : *highest;
    if (limit < *highest)
        *highest = limit;
    return true;
}

/* Windows: NtAllocateVirtualMemory */
NTSTATUS NtAllocateVirtualMemory(HANDLE ProcessHandle, PVOID *BaseAddress, ULONG_PTR ZeroBits,
                                 PSIZE_T RegionSize, ULONG AllocationType, ULONG Protect)
{
    struct ntmm_process *p;
    NTSTATUS handle_status = ps_process_from_handle(ProcessHandle, PROCESS_VM_OPERATION, &p);
    if (!NT_SUCCESS(handle_status))
        return handle_status;
    if (!BaseAddress || !RegionSize)
        return STATUS_ACCESS_VIOLATION;
    uint64_t highest;
    if (!nt_zero_bits_limit(p, ZeroBits, &highest))
        return STATUS_INVALID_PARAMETER_3;
    ULONG known = MEM_COMMIT | MEM_RESERVE | MEM_RESET | MEM_RESET_UNDO | MEM_TOP_DOWN;
    ULONG kind = AllocationType & (MEM_COMMIT | MEM_RESERVE | MEM_RESET | MEM_RESET_UNDO);
    bool reset = kind == MEM_RESET || kind == MEM_RESET_UNDO;
    if ((AllocationType & ~known) || !kind ||
        ((kind & (MEM_RESET | MEM_RESET_UNDO)) && (!reset || AllocationType != kind)))
        return STATUS_INVALID_PARAMETER_5;
    unsigned protection;
    if (!mi_make_protection_mask(Protect, &protection) || is_copy_on_write(protection))
        return STATUS_INVALID_PAGE_PROTECTION;
    uint64_t base = (uint64_t)(uintptr_t)*BaseAddress, size = *RegionSize;
    if (base > p->as.highest_user_address || (base && base < MM_LOWEST_USER_ADDRESS))
        return STATUS_INVALID_PARAMETER_2;
    bool reserve = (kind & MEM_RESERVE) || (!base && !reset);
    uint64_t start, end;
    if (!round_range(p, base, size ? size : 0, reserve ? NTMM_ALLOCATION_GRANULARITY : PAGE_SIZE,
                     &start, &end))
        return STATUS_INVALID_PARAMETER_4;
    /* ZeroBits limits only where Mm places a reservation: with a base given
     * it does not apply (Wine's tests record Windows reporting the conflict) */
    struct mm *mm = &p->machine->mm;
    NTSTATUS st;
    uint64_t bytes = end + 1 - start; /* start moves when Mm picks the address */
    if (reset)
        st = reset_pages(p, start, end, kind == MEM_RESET_UNDO);
    else if (reserve)
        st = mm_reserve(mm, &p->as, &start, end + 1 - start, highest,
                        AllocationType & MEM_TOP_DOWN, kind & MEM_COMMIT, protection, Protect);
    else
        st = mm_commit(mm, &p->as, start, end + 1 - start, protection);
    return write_back(BaseAddress, RegionSize, start, start + bytes - 1, st);
}

/* Windows: NtFreeVirtualMemory */
NTSTATUS NtFreeVirtualMemory(HANDLE ProcessHandle, PVOID *BaseAddress, PSIZE_T RegionSize,
                             ULONG FreeType)
{
    struct ntmm_process *p;
    NTSTATUS handle_status = ps_process_from_handle(ProcessHandle, PROCESS_VM_OPERATION, &p);
    if (!NT_SUCCESS(handle_status))
        return handle_status;
    if (!BaseAddress || !RegionSize)
        return STATUS_ACCESS_VIOLATION;
    if (FreeType != MEM_DECOMMIT && FreeType != MEM_RELEASE)
        return STATUS_INVALID_PARAMETER_4;
    uint64_t base = (uint64_t)(uintptr_t)*BaseAddress, size = *RegionSize;
    if (base > p->as.highest_user_address)
        return STATUS_INVALID_PARAMETER_2;
    struct mm *mm = &p->machine->mm;
    uint64_t start = base & ~(PAGE_SIZE - 1), end;
    if (size == 0) {
        const struct vad *vad = vad_find(&p->as.vads, start >> PAGE_SHIFT);
        if (!vad)
            return STATUS_MEMORY_NOT_ALLOCATED;
        if (vad->StartingVpn != start >> PAGE_SHIFT)
            return STATUS_FREE_VM_NOT_AT_BASE;
        end = (vad->EndingVpn << PAGE_SHIFT) | (PAGE_SIZE - 1);
    } else if (!round_range(p, base, size, PAGE_SIZE, &start, &end)) {
        return STATUS_INVALID_PARAMETER_3;
    }
    NTSTATUS st = FreeType == MEM_RELEASE ? mm_release(mm, &p->as, start, size ? end + 1 - start : 0)
                                          : mm_decommit(mm, &p->as, start, end + 1 - start);
    return write_back(BaseAddress, RegionSize, start, end, st);
}

/* Windows: NtProtectVirtualMemory */
NTSTATUS NtProtectVirtualMemory(HANDLE ProcessHandle, PVOID *BaseAddress, PSIZE_T RegionSize,
                                ULONG NewProtect, PULONG OldProtect)
{
    struct ntmm_process *p;
    NTSTATUS handle_status = ps_process_from_handle(ProcessHandle, PROCESS_VM_OPERATION, &p);
    if (!NT_SUCCESS(handle_status))
        return handle_status;
    if (!BaseAddress || !RegionSize || !OldProtect)
        return STATUS_ACCESS_VIOLATION;
    unsigned protection, old;
    if (!mi_make_protection_mask(NewProtect, &protection))
        return STATUS_INVALID_PAGE_PROTECTION;
    uint64_t base = (uint64_t)(uintptr_t)*BaseAddress, start, end;
    if (base > p->as.highest_user_address)
        return STATUS_INVALID_PARAMETER_2;
    if (!round_range(p, base, *RegionSize, PAGE_SIZE, &start, &end))
        return STATUS_INVALID_PARAMETER_3;
    const struct vad *vad = vad_find(&p->as.vads, start >> PAGE_SHIFT);
    if (vad && vad->u.PrivateMemory && is_copy_on_write(protection))
        return STATUS_INVALID_PAGE_PROTECTION;
    NTSTATUS st = mm_protect(&p->machine->mm, &p->as, start, end + 1 - start, protection, &old);
    if (!NT_SUCCESS(st))
        return st;
    *OldProtect = mi_page_protection(old);
    return write_back(BaseAddress, RegionSize, start, end, st);
}

/* Windows: NtQueryVirtualMemory */
NTSTATUS NtQueryVirtualMemory(HANDLE ProcessHandle, PVOID BaseAddress,
                              MEMORY_INFORMATION_CLASS MemoryInformationClass,
                              PVOID MemoryInformation, SIZE_T MemoryInformationLength,
                              PSIZE_T ReturnLength)
{
    struct ntmm_process *p;
    NTSTATUS handle_status = ps_process_from_handle(ProcessHandle, PROCESS_QUERY_INFORMATION, &p);
    if (!NT_SUCCESS(handle_status))
        return handle_status;
    if (MemoryInformationClass == MemoryWorkingSetInformation ||
        MemoryInformationClass == MemoryWorkingSetExInformation)
        return nt_query_working_set(p, MemoryInformationClass, MemoryInformation,
                                    MemoryInformationLength, ReturnLength);
    if (MemoryInformationClass != MemoryBasicInformation)
        return STATUS_INVALID_INFO_CLASS;
    if (MemoryInformationLength < sizeof(MEMORY_BASIC_INFORMATION))
        return STATUS_INFO_LENGTH_MISMATCH;
    if (!MemoryInformation)
        return STATUS_ACCESS_VIOLATION;
    struct mm_region r;
    NTSTATUS st = mm_query(&p->machine->mm, &p->as, (uint64_t)(uintptr_t)BaseAddress, &r);
    if (!NT_SUCCESS(st))
        return st;
    MEMORY_BASIC_INFORMATION info;
    mm_basic_information(&r, &info);
    memcpy(MemoryInformation, &info, sizeof info);
    if (ReturnLength)
        *ReturnLength = sizeof info;
    return STATUS_SUCCESS;
}

/* The checks NtLockVirtualMemory and NtUnlockVirtualMemory share. */
static NTSTATUS lock_range(HANDLE ProcessHandle, PVOID *BaseAddress, PSIZE_T RegionSize,
                           ULONG MapType, struct ntmm_process **process, uint64_t *start,
                           uint64_t *end)
{
    NTSTATUS handle_status = ps_process_from_handle(ProcessHandle, PROCESS_VM_OPERATION, process);
    if (!NT_SUCCESS(handle_status))
        return handle_status;
    if (!BaseAddress || !RegionSize)
        return STATUS_ACCESS_VIOLATION;
    if (MapType & ~(ULONG)(MAP_PROCESS | MAP_SYSTEM) || !MapType)
        return STATUS_INVALID_PARAMETER_4;
    if (MapType & MAP_SYSTEM)
        return STATUS_PRIVILEGE_NOT_HELD; /* SeLockMemoryPrivilege is not granted */
    uint64_t base = (uint64_t)(uintptr_t)*BaseAddress;
    if (base > (*process)->as.highest_user_address)
        return STATUS_INVALID_PARAMETER_2;
    if (!round_range(*process, base, *RegionSize, PAGE_SIZE, start, end))
        return STATUS_INVALID_PARAMETER_3;
    return STATUS_SUCCESS;
}

/* Windows: NtLockVirtualMemory */
NTSTATUS NtLockVirtualMemory(HANDLE ProcessHandle, PVOID *BaseAddress, PSIZE_T RegionSize,
                             ULONG MapType)
{
    struct ntmm_process *p;
    uint64_t start, end;
    NTSTATUS st = lock_range(ProcessHandle, BaseAddress, RegionSize, MapType, &p, &start, &end);
    if (NT_SUCCESS(st))
        st = mm_lock(&p->machine->mm, &p->as, start, end + 1 - start);
    return write_back(BaseAddress, RegionSize, start, end, st);
}

/* Windows: NtUnlockVirtualMemory */
NTSTATUS NtUnlockVirtualMemory(HANDLE ProcessHandle, PVOID *BaseAddress, PSIZE_T RegionSize,
                               ULONG MapType)
{
    struct ntmm_process *p;
    uint64_t start, end;
    NTSTATUS st = lock_range(ProcessHandle, BaseAddress, RegionSize, MapType, &p, &start, &end);
    if (NT_SUCCESS(st))
        st = mm_unlock(&p->machine->mm, &p->as, start, end + 1 - start);
    return write_back(BaseAddress, RegionSize, start, end, st);
}
