/*
 * introspect_wsl.c — a process's working set as !wsle shows it: the _MMWSL
 * header and its _MMWSLE entries (mm/wsl.c), read from the simulated bytes
 * at MmWorkingSetList in the process's hyperspace, and the Vm counters.
 *
 * (1) Nothing changes: every page of the list is first walked with
 *     ntmm_pte_walk (no Accessed bit, no TLB fill); a page a script edited
 *     away makes the view fail with STATUS_INVALID_ADDRESS where the memory
 *     manager itself would stop the machine (wsl.c (5)).
 */
#include "ke/machine.h"
#include "ntmm/introspect.h"
#include "ps/process.h"

/* True if the list's byte at va reads without a fault. */
static bool wsl_readable(const struct ntmm_process *process, uint64_t va)
{
    struct ntmm_walk walk;
    return ntmm_pte_walk(process->machine, process, va, &walk) == STATUS_SUCCESS &&
           walk.translated;
}

NTSTATUS ntmm_working_set_info(const struct ntmm_process *process,
                               struct ntmm_working_set_info *info)
{
    if (!process || !info || !process->as.working_set_list)
        return STATUS_INVALID_PARAMETER;
    const struct mm *mm = &process->machine->mm;
    const struct mm_address_space *as = &process->as;
    if (!wsl_readable(process, mm->layout.working_set_list))
        return STATUS_INVALID_ADDRESS;
    *info = (struct ntmm_working_set_info){
        .address = mm->layout.working_set_list,
        .first_free = mi_wsl_field(mm, as, MI_WSL_FIRST_FREE),
        .first_dynamic = mi_wsl_field(mm, as, MI_WSL_FIRST_DYNAMIC),
        .last_entry = mi_wsl_field(mm, as, MI_WSL_LAST_ENTRY),
        .next_slot = mi_wsl_field(mm, as, MI_WSL_NEXT_SLOT),
        .wsle = mi_wsl_field(mm, as, MI_WSL_WSLE),
        .last_initialized_wsle = mi_wsl_field(mm, as, MI_WSL_LAST_INITIALIZED),
        .non_direct_count = mi_wsl_field(mm, as, MI_WSL_NON_DIRECT),
        .hash_table = mi_wsl_field(mm, as, MI_WSL_HASH_TABLE),
        .hash_table_size = mi_wsl_field(mm, as, MI_WSL_HASH_TABLE_SIZE),
        .working_set_size = as->working_set_pages,
        .peak_working_set_size = as->peak_working_set_pages,
        .minimum_working_set_size = as->minimum_working_set,
        .maximum_working_set_size = as->maximum_working_set,
        .page_fault_count = as->page_fault_count,
    };
    return STATUS_SUCCESS;
}

NTSTATUS ntmm_working_set_entry(const struct ntmm_process *process, uint64_t index,
                                struct ntmm_wsle_info *info)
{
    struct ntmm_working_set_info ws;
    NTSTATUS status = ntmm_working_set_info(process, &ws);
    if (!NT_SUCCESS(status))
        return status;
    if (index > ws.last_initialized_wsle)
        return STATUS_INVALID_PARAMETER;
    const struct mm *mm = &process->machine->mm;
    uint64_t address = ws.wsle + index * mm->pfn_layout->word;
    if (!wsl_readable(process, address))
        return STATUS_INVALID_ADDRESS;
    uint64_t raw = mi_wsle(mm, &process->as, index);
    bool valid = raw & MI_WSLE_VALID;
    *info = (struct ntmm_wsle_info){
        .index = index,
        .address = address,
        .raw = raw,
        .valid = valid,
    };
    if (!valid) {
        info->next_free = (raw >> MI_FREE_WSLE_SHIFT) & MI_WSLE_NULL_INDEX;
        return STATUS_SUCCESS;
    }
    info->virtual_address = raw & ~(uint64_t)(PAGE_SIZE - 1);
    info->locked_in_ws = raw & MI_WSLE_LOCKED_IN_WS;
    info->locked_in_memory = raw & MI_WSLE_LOCKED_IN_MEMORY;
    info->protection = (unsigned)(raw >> MI_WSLE_PROTECTION_SHIFT) & 0x1f;
    info->hashed = raw & MI_WSLE_HASHED;
    info->direct = raw & MI_WSLE_DIRECT;
    info->age = (unsigned)((raw & MI_WSLE_AGE_MASK) >> MI_WSLE_AGE_SHIFT);
    return STATUS_SUCCESS;
}
