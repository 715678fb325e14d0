/*
 * introspect_ps.c — read-only views of processes and their VAD trees for
 * the debugger commands (!process, !vad) and the tools; a view's section
 * details come from introspect_section.c.
 *
 * (1) Nothing here changes a process, its tree or the machine.
 */
#include "ke/introspect_internal.h"
#include "ps/process.h"

/* !vad's names of the eight base protections. */
static const char *protection_name(unsigned protection)
{
    static const char *const names[8] = {
        "NO_ACCESS",  "READONLY",  "EXECUTE",           "EXECUTE_READ",
        "READWRITE",  "WRITECOPY", "EXECUTE_READWRITE", "EXECUTE_WRITECOPY",
    };
    return names[protection & 7];
}

/* ntmm's VAD nodes live in host memory; the debugger shows each at a pseudo
 * nonpaged-pool address made of its process's id and its serial, stable for
 * the node's life and the same for the same script and seed. */
static uint64_t vad_node_address(const struct ntmm_process *process, const struct vad *v)
{
    if (process->machine->config.arch == NTMM_ARCH_X64)
        return 0xfffffa8003000000ull + ((uint64_t)process->cid << 20) + v->serial * 0x50;
    return 0x8a000000ull + ((uint64_t)process->cid << 16) + v->serial * 0x28;
}

static void vad_info(const struct ntmm_process *process, const struct vad *v,
                     struct ntmm_vad_info *info)
{
    *info = (struct ntmm_vad_info){
        .node_address = vad_node_address(process, v),
        .starting_vpn = v->StartingVpn,
        .ending_vpn = v->EndingVpn,
        .level = vad_level(v),
        .commit_charge = v->u.CommitCharge,
        .protection = v->u.Protection,
        .protection_name = protection_name(v->u.Protection),
        .private_memory = v->u.PrivateMemory,
        .mem_commit = v->u.MemCommit,
        .image_map = v->u.ImageMap,
    };
    introspect_view_info(v, info);
}

bool ntmm_vad_at(const struct ntmm_process *process, unsigned index, struct ntmm_vad_info *info)
{
    if (!process || !info)
        return false;
    const struct vad *v = vad_first(&process->as.vads);
    for (unsigned i = 0; v && i < index; i++)
        v = vad_next(v);
    if (v)
        vad_info(process, v, info);
    return v != NULL;
}

NTSTATUS ntmm_vad_query(const struct ntmm_process *process, uint64_t va,
                        struct ntmm_vad_info *info)
{
    if (!process || !info)
        return STATUS_INVALID_PARAMETER;
    const struct vad *v = vad_find(&process->as.vads, va >> PAGE_SHIFT);
    if (!v)
        return STATUS_INVALID_ADDRESS;
    vad_info(process, v, info);
    return STATUS_SUCCESS;
}

NTSTATUS ntmm_region_query(struct ntmm_process *process, uint64_t va,
                           MEMORY_BASIC_INFORMATION *info)
{
    if (!process || !info)
        return STATUS_INVALID_PARAMETER;
    struct mm_region region;
    NTSTATUS st = mm_query(&process->machine->mm, &process->as, va, &region);
    if (NT_SUCCESS(st))
        mm_basic_information(&region, info);
    return st;
}

void ntmm_process_info(const struct ntmm_process *process, struct ntmm_process_info *info)
{
    *info = (struct ntmm_process_info){
        .cid = process->cid,
        .image_name = process->image_name,
        .directory_table_base = process->as.directory_table_base,
        .vad_count = process->as.vads.count,
        .highest_user_address = process->as.highest_user_address,
        .is_64bit = process->is_64bit,
        .large_address_aware = process->large_address_aware,
        .commit_charge = process->as.commit_charge,
        .working_set_pages = process->as.working_set_pages,
        .peak_working_set_pages = process->as.peak_working_set_pages,
        .minimum_working_set = process->as.minimum_working_set,
        .maximum_working_set = process->as.maximum_working_set,
        .page_fault_count = process->as.page_fault_count,
        .virtual_bytes = process->as.virtual_bytes,
        .peak_virtual_bytes = process->as.peak_virtual_bytes,
        .handle_count = process->handles.count,
    };
}

bool ntmm_process_at(const struct ntmm_machine *machine, unsigned index,
                     struct ntmm_process **process)
{
    struct ntmm_process *p = machine->processes;
    for (unsigned i = 0; p && i < index; i++)
        p = p->next;
    if (!p || !process)
        return false;
    *process = p;
    return true;
}
