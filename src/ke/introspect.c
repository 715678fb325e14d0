/*
 * introspect.c — the read-only views of introspect.h, built from the mm's
 * accessors and the arch walk with updates off.
 *
 * (1) No view sets an Accessed or Dirty bit, fills the TLB or moves a counter.
 */
#include <stdio.h>
#include <string.h>

#include "ke/machine.h"
#include "ntmm/introspect.h"
#include "ps/process.h"

const char *ntmm_page_location_name(unsigned location)
{
    static const char *const names[] = { "Zeroed",  "Free", "Standby", "Modified",
                                         "ModifiedNoWrite", "Bad", "Active", "Transition" };
    return location < 8 ? names[location] : "Unknown";
}

void ntmm_machine_info(const struct ntmm_machine *machine, struct ntmm_machine_info *info)
{
    const struct mm *mm = &machine->mm;
    const struct pte_format *fmt = machine->cpu.fmt;
    *info = (struct ntmm_machine_info){
        .arch = machine->config.arch,
        .arch_name = fmt->name,
        .ram_bytes = machine->config.ram_bytes,
        .number_of_physical_pages = mm_symbol_word(mm, SYM_MmNumberOfPhysicalPages),
        .highest_physical_page = mm_symbol_word(mm, SYM_MmHighestPhysicalPage),
        .available_pages = mm_symbol_word(mm, SYM_MmAvailablePages),
        .pfn_database = mm_symbol_word(mm, SYM_MmPfnDatabase),
        .pfn_entry_size = mm->pfn_layout->size,
        .pte_size = fmt->pte_size,
        .paging_levels = fmt->levels,
        .pte_base = fmt->pte_base,
        .system_directory_table_base = mm->system_cr3,
        .boot_pages = mm->boot_frames,
        .kernel_base = mm->layout.kernel_base,
        .kernel_end = mm->layout.kernel_base + (uint64_t)MM_KERNEL_IMAGE_PAGES * PAGE_SIZE,
        .paged_pool_start = mm->pool_base,
        .paged_pool_end = mm->pool_base + (uint64_t)MM_POOL_PAGES * PAGE_SIZE,
        .hyperspace = mm->layout.hyperspace,
        .hyperspace_end = mm->layout.working_set_list_end,
    };
}

NTSTATUS ntmm_pfn_query(const struct ntmm_machine *machine, uint64_t pfn,
                        struct ntmm_pfn_info *info)
{
    const struct mm *mm = &machine->mm;
    if (!info || pfn >= mm->frames)
        return STATUS_INVALID_PARAMETER;
    const struct pfn_layout *l = mm->pfn_layout;
    unsigned flags = pfn_e1(mm, pfn, 0, 16);
    *info = (struct ntmm_pfn_info){
        .pfn = pfn,
        .entry_address = mm->layout.pfn_database + pfn * l->size,
        .u1 = pfn_flink(mm, pfn),
        .pte_address = pfn_pte_address(mm, pfn),
        .u2 = pfn_blink(mm, pfn),
        .reference_count = pfn_reference_count(mm, pfn),
        .flags = flags,
        .page_location = (flags >> PFN_E1_PAGE_LOCATION) & 7,
        .page_color = (flags >> PFN_E1_PAGE_COLOR) & 7,
        .modified = (flags >> PFN_E1_MODIFIED) & 1,
        .read_in_progress = (flags >> PFN_E1_READ_IN_PROGRESS) & 1,
        .write_in_progress = (flags >> PFN_E1_WRITE_IN_PROGRESS) & 1,
        .prototype_pte = (flags >> PFN_E1_PROTOTYPE_PTE) & 1,
        .parity_error = (flags >> PFN_E1_PARITY_ERROR) & 1,
        .removal_requested = (flags >> PFN_E1_REMOVAL_REQUESTED) & 1,
        .cache_attribute = (flags >> PFN_E1_CACHE_ATTRIBUTE) & 3,
        .rom = (flags >> PFN_E1_ROM) & 1,
        .lock_charged = (flags >> PFN_E1_LOCK_CHARGED) & 1,
        .original_pte = pfn_original_pte(mm, pfn),
        .pte_frame = pfn_pte_frame(mm, pfn),
        .u4 = pfn_u4(mm, pfn),
    };
    return STATUS_SUCCESS;
}

NTSTATUS ntmm_list_query(const struct ntmm_machine *machine, unsigned list,
                         struct ntmm_list_info *info)
{
    const struct mm *mm = &machine->mm;
    if (!info || list >= MM_LIST_HEADS)
        return STATUS_INVALID_PARAMETER;
    const struct mm_symbol_info *sym = &mm->symbols[SYM_MmZeroedPageListHead + list];
    unsigned name = (unsigned)mm_load(pagelist_head(mm, list) + mm->pfn_layout->list_name, 4);
    *info = (struct ntmm_list_info){
        .symbol = sym->name,
        .address = sym->va,
        .total = pagelist_total(mm, list),
        .list_name = name,
        .flink = pagelist_first(mm, list),
        .blink = pagelist_last(mm, list),
        .empty = mm->pfn_layout->empty,
    };
    return STATUS_SUCCESS;
}

static void pte_info(const struct pte_fields *f, uint64_t raw, struct ntmm_pte_info *info)
{
    *info = (struct ntmm_pte_info){
        .kind = (enum ntmm_pte_kind)f->kind,
        .raw = raw,
        .write = f->write,
        .owner = f->owner,
        .write_through = f->write_through,
        .cache_disable = f->cache_disable,
        .accessed = f->accessed,
        .dirty = f->dirty,
        .large_page = f->large_page,
        .global = f->global,
        .copy_on_write = f->copy_on_write,
        .prototype = f->prototype,
        .write_software = f->write_software,
        .no_execute = f->no_execute,
        .pfn = f->page_frame_number,
        .protection = f->protection,
        .page_file_number = f->page_file_low,
        .page_file_offset = f->page_file_high,
        .proto_address = f->proto_address,
        .subsection_address = f->subsection_address,
    };
}

void ntmm_pte_decode(const struct ntmm_machine *machine, uint64_t raw, struct ntmm_pte_info *info)
{
    struct pte_fields f;
    machine->cpu.fmt->decode(raw, PTE_IN_PAGE_TABLE, &f);
    pte_info(&f, raw, info);
}

void ntmm_proto_pte_decode(const struct ntmm_machine *machine, uint64_t raw,
                           struct ntmm_pte_info *info)
{
    struct pte_fields f;
    machine->cpu.fmt->decode(raw, PTE_IN_PROTOTYPE, &f);
    pte_info(&f, raw, info);
}

/* WinDbg's !pte columns: Copy-on-write, Global, Large page, Dirty, Accessed,
 * cache disabled (N), write-Through, User/Kernel, Writable/Read-only,
 * Executable (always E where the processor has no NX), Valid. */
void ntmm_pte_flags_string(const struct ntmm_pte_info *info, char out[12])
{
    snprintf(out, 12, "%c%c%c%c%c%c%c%c%c%c%c", info->copy_on_write ? 'C' : '-',
             info->global ? 'G' : '-', info->large_page ? 'L' : '-', info->dirty ? 'D' : '-',
             info->accessed ? 'A' : '-', info->cache_disable ? 'N' : '-',
             info->write_through ? 'T' : '-', info->owner ? 'U' : 'K', info->write ? 'W' : 'R',
             info->no_execute ? '-' : 'E', info->kind == NTMM_PTE_VALID ? 'V' : '-');
}

NTSTATUS ntmm_pte_walk(const struct ntmm_machine *machine, const struct ntmm_process *process,
                       uint64_t va, struct ntmm_walk *walk)
{
    const struct pte_format *fmt = machine->cpu.fmt;
    if (!walk)
        return STATUS_INVALID_PARAMETER;
    uint64_t cr3 = process ? process->as.directory_table_base : machine->mm.system_cr3;
    struct walk w;
    walk_translate(fmt, &machine->cpu.phys, cr3, va, ACCESS_READ, MODE_KERNEL, false, &w);
    memset(walk, 0, sizeof *walk);
    walk->va = va;
    walk->levels = w.depth;
    for (unsigned l = 0; l < w.depth; l++) {
        struct ntmm_walk_level *out = &walk->level[l];
        out->name = fmt->level_name[l];
        out->entry_address = l >= fmt->self_map_level
                                 ? pte_address(fmt, va, fmt->levels - 1 - l)
                                 : 0;
        out->entry_physical = w.entry_pa[l];
        ntmm_pte_decode(machine, w.entry[l], &out->pte);
    }
    walk->translated = w.status == WALK_OK;
    walk->physical = w.pa;
    walk->page_size = w.page_size;
    walk->stopped = walk->translated ? NULL : walk_status_name(w.status);
    return w.status == WALK_NON_CANONICAL ? STATUS_INVALID_PARAMETER : STATUS_SUCCESS;
}

void ntmm_tlb_stats(const struct ntmm_machine *machine, struct ntmm_tlb_stats *stats)
{
    const struct tlb *t = &machine->cpu.tlb;
    *stats = (struct ntmm_tlb_stats){ t->hits, t->misses, t->flushes, t->invalidations,
                                      TLB_ENTRIES };
}

static void symbol_out(const struct mm_symbol_info *s, struct ntmm_symbol *out)
{
    *out = (struct ntmm_symbol){ s->name, s->type, s->va, s->size };
}

NTSTATUS ntmm_symbol_lookup(const struct ntmm_machine *machine, const char *name,
                            struct ntmm_symbol *symbol)
{
    if (!name || !symbol)
        return STATUS_INVALID_PARAMETER;
    if (strncmp(name, "nt!", 3) == 0)
        name += 3;
    for (int s = 0; s < SYM_COUNT; s++) {
        if (strcmp(machine->mm.symbols[s].name, name) == 0) {
            symbol_out(&machine->mm.symbols[s], symbol);
            return STATUS_SUCCESS;
        }
    }
    return STATUS_OBJECT_NAME_NOT_FOUND;
}

bool ntmm_symbol_at(const struct ntmm_machine *machine, unsigned index, struct ntmm_symbol *symbol)
{
    if (index >= SYM_COUNT || !symbol)
        return false;
    symbol_out(&machine->mm.symbols[index], symbol);
    return true;
}

void ntmm_memusage(const struct ntmm_machine *machine, uint64_t counts[8])
{
    memset(counts, 0, 8 * sizeof counts[0]);
    for (uint64_t pfn = 0; pfn < machine->mm.frames; pfn++)
        counts[pfn_location(&machine->mm, pfn)]++;
}

NTSTATUS ntmm_verify(struct ntmm_machine *machine, char *message, size_t size)
{
    return mm_verify(&machine->mm, message, size);
}
