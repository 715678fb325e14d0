/*
 * cpu.c — the slow paths of memory access: walk, fill, and keep the TLB
 * truthful when paging structures change (see cpu.h).
 */
#include "arch/cpu.h"

void cpu_load_cr3(struct cpu *cpu, uint64_t cr3)
{
    cpu->cr3 = cr3;
    tlb_flush(&cpu->tlb, true);
}

static void announce(const struct cpu *cpu, enum cpu_tlb_event event, uint64_t cr3, uint64_t va)
{
    if (cpu->follower)
        cpu->follower(cpu->follower_context, event, cr3, va);
}

void cpu_invalidate_page(struct cpu *cpu, uint64_t cr3, uint64_t va)
{
    if (cr3 == cpu->cr3 || cr3 == CPU_EVERY_SPACE)
        tlb_invalidate(&cpu->tlb, va);
    announce(cpu, CPU_TLB_PAGE, cr3, va);
}

/* (4) */
static void forget_tables(struct cpu *cpu)
{
    memset(cpu->tables, 0, sizeof cpu->tables);
}

void cpu_invalidate_space(struct cpu *cpu, uint64_t cr3)
{
    forget_tables(cpu);
    if (cr3 == cpu->cr3)
        tlb_flush(&cpu->tlb, true);
    announce(cpu, CPU_TLB_SPACE, cr3, 0);
}

void cpu_invalidate_all(struct cpu *cpu)
{
    forget_tables(cpu);
    tlb_flush(&cpu->tlb, false);
    announce(cpu, CPU_TLB_ALL, 0, 0);
}

static bool in_self_map(const struct pte_format *fmt, uint64_t va)
{
    return va >= fmt->pte_base && va < pte_self_map_end(fmt);
}

/* The self-map, and the page CR3 points into: on PAE the PDPT is reachable
 * only through an ordinary kernel mapping, outside the self-map. */
static bool writes_paging_structure(const struct cpu *cpu, uint64_t va, uint64_t pa)
{
    return in_self_map(cpu->fmt, va) || (pa >> PAGE_SHIFT) == (cpu->cr3 >> PAGE_SHIFT);
}

uint8_t *cpu_translate(struct cpu *cpu, uint64_t va, enum cpu_access access,
                       enum cpu_mode mode, struct cpu_fault *fault)
{
    uint8_t *host = tlb_lookup(&cpu->tlb, mode, access, va);
    if (host)
        return host;
    cpu->tlb.misses++;
    struct walk w;
    walk_translate(cpu->fmt, &cpu->phys, cpu->cr3, va, access, mode, true, &w);
    if (w.status != WALK_OK) {
        *fault = (struct cpu_fault){ .va = va, .access = access, .mode = mode, .walk = w };
        return NULL;
    }
    uint8_t *frame = phys_address(&cpu->phys, w.pa & ~(PAGE_SIZE - 1));
    /* (1): a write into paging structures changes translations; keep it
     * uncached so that every such write passes through copy_virtual's
     * invalidation. */
    if (!(access == ACCESS_WRITE && writes_paging_structure(cpu, va, w.pa)))
        tlb_fill(&cpu->tlb, mode, access, va, frame, w.global);
    return frame + (va & (PAGE_SIZE - 1));
}

/* True if every entry [va, va + size) overlaps at host is invalid: the TLB
 * holds nothing they map (it caches no failed walks). */
static bool entries_invalid(const struct pte_format *fmt, const uint8_t *host, uint64_t va,
                            size_t size)
{
    uint64_t first = va & ~(uint64_t)(fmt->pte_size - 1);
    const uint8_t *entry = host - (va - first);
    for (uint64_t pte = first; pte < va + size; pte += fmt->pte_size, entry += fmt->pte_size) {
        uint8_t low;
        memcpy(&low, entry, 1);
        if (low & PTE_HW_VALID)
            return false;
    }
    return true;
}

/* After a write of [va, va + size) into the self-map: forget what the written
 * entries mapped. A PTE maps one page; an upper-level entry maps a whole
 * table's worth, so the TLB is flushed, unless every entry was invalid
 * before (a new table: nothing it maps can be cached). */
static void self_map_written(struct cpu *cpu, uint64_t va, size_t size, bool were_invalid)
{
    const struct pte_format *fmt = cpu->fmt;
    uint64_t first = va & ~(uint64_t)(fmt->pte_size - 1);
    for (uint64_t pte = first; pte < va + size; pte += fmt->pte_size) {
        if (pte_is_upper_level_address(fmt, pte)) {
            if (!were_invalid)
                cpu_invalidate_all(cpu);
            return;
        }
        cpu_invalidate_page(cpu, cpu->cr3, pte_mapped_address(fmt, pte));
    }
}

static bool copy_virtual(struct cpu *cpu, uint64_t va, uint8_t *buffer, size_t size,
                         enum cpu_access access, enum cpu_mode mode, struct cpu_fault *fault)
{
    while (size > 0) {
        size_t chunk = PAGE_SIZE - (va & (PAGE_SIZE - 1));
        if (chunk > size)
            chunk = size;
        uint8_t *host = cpu_translate(cpu, va, access, mode, fault);
        if (!host)
            return false;
        if (access == ACCESS_WRITE) {
            bool self_map = in_self_map(cpu->fmt, va);
            bool were_invalid = self_map && entries_invalid(cpu->fmt, host, va, chunk);
            memcpy(host, buffer, chunk);
            uint64_t pa = (uint64_t)(host - cpu->phys.base);
            if (self_map)
                self_map_written(cpu, va, chunk, were_invalid);
            else if (writes_paging_structure(cpu, va, pa))
                cpu_invalidate_all(cpu);
        } else {
            memcpy(buffer, host, chunk);
        }
        va = pte_canonical(cpu->fmt, va + chunk);
        buffer += chunk;
        size -= chunk;
    }
    return true;
}

bool cpu_read(struct cpu *cpu, uint64_t va, void *buffer, size_t size, enum cpu_mode mode,
              struct cpu_fault *fault)
{
    return copy_virtual(cpu, va, buffer, size, ACCESS_READ, mode, fault);
}

bool cpu_write(struct cpu *cpu, uint64_t va, const void *buffer, size_t size,
               enum cpu_mode mode, struct cpu_fault *fault)
{
    return copy_virtual(cpu, va, (uint8_t *)buffer, size, ACCESS_WRITE, mode, fault);
}

bool cpu_fetch(struct cpu *cpu, uint64_t va, enum cpu_mode mode, struct cpu_fault *fault)
{
    return cpu_translate(cpu, va, ACCESS_EXECUTE, mode, fault) != NULL;
}

bool cpu_read_physical(struct cpu *cpu, uint64_t pa, void *buffer, size_t size)
{
    if (!phys_contains(&cpu->phys, pa, size))
        return false;
    memcpy(buffer, phys_address(&cpu->phys, pa), size);
    return true;
}

bool cpu_write_physical(struct cpu *cpu, uint64_t pa, const void *buffer, size_t size)
{
    if (!phys_contains(&cpu->phys, pa, size))
        return false;
    memcpy(phys_address(&cpu->phys, pa), buffer, size);
    cpu_invalidate_all(cpu);
    return true;
}
