/*
 * init.c — boot (Windows: MmInitSystem and the loader work before it): lays
 * out the system address space, builds the PFN database from the page tables
 * the boot built, puts every other frame on the zeroed list and writes the
 * kernel variables.
 *
 * Physical layout: frames from 0 upward hold, in order, the kernel image (MM_KERNEL_IMAGE_PAGES; its page MM_KERNEL_DATA_PAGE holds the
 * kernel variables, its page MM_KERNEL_PDPT_PAGE the PAE PDPT), the top-level
 * table (x86, x64), the PFN database (contiguous) and then the page tables
 * the mappings need (so no process's page directory is ever frame 0, which
 * !vtop's DirBase 0 means "the current process"). All other frames start on
 * the zeroed list: the host
 * hands the machine zero-filled RAM, the state Windows' zero page thread
 * brings free memory to soon after boot.
 *
 * (1) Every boot frame is Active, mapped by exactly one PTE (the PAE PDPT is
 *     an image page, mapped like the others), with PteAddress, PteFrame and
 *     ShareCount set as Windows' MiInitializePfn would have.
 * (2) MmNumberOfPhysicalPages * 4 KB == the configured RAM (E18).
 */
#include <string.h>

#include "mm/mm.h"


/* The kernel's place in system space. With increaseuserva the user space
 * grows past 2 GB and ntmm moves the kernel image and the PFN database above
 * the PTE self-map (0xC0800000 up), which is what makes Windows limit such
 * machines to 16 GB of RAM. */
void mm_system_layout_for(const struct ntmm_config *config, struct mm_system_layout *layout)
{
    bool pae = config->arch == NTMM_ARCH_X86_PAE;
    /* hyperspace: 0xC0400000 (x86), 0xC0800000 (PAE), 0xFFFFF70000000000 (x64) */
    uint64_t hyper = pae ? 0xc0800000ull : 0xc0400000ull;
    uint64_t wsl = pae ? 0xc0883000ull : 0xc0503000ull, wsl_end = pae ? 0xc0bfffffull : 0xc07fffffull;
    if (config->arch == NTMM_ARCH_X64) {
        *layout = (struct mm_system_layout){ 0xfffff80002800000ull, 0xfffffa8000000000ull,
                                             0xffff080000000000ull, 0xfffff78000000000ull,
                                             0xfffff70000000000ull, 0xfffff70001080000ull,
                                             0xfffff77fffffffffull };
    } else if (config->increase_user_va > 2048) {
        /* the kernel above the self-map and hyperspace */
        *layout = (struct mm_system_layout){ pae ? 0xc0c00000ull : 0xc0800000ull, 0xc1000000ull,
                                             (uint64_t)config->increase_user_va << 20,
                                             0xffdf0000ull, hyper, wsl, wsl_end };
    } else {
        *layout = (struct mm_system_layout){ 0x80400000ull, 0x81000000ull, 0x80000000ull,
                                             0xffdf0000ull, hyper, wsl, wsl_end };
    }
}

struct boot {
    struct mm *mm;
    uint64_t next_pfn; /* next frame the bump allocator hands out */
};

static NTSTATUS boot_alloc(struct boot *b, uint64_t count, uint64_t *pfn)
{
    if (count > b->mm->frames - b->next_pfn)
        return STATUS_INSUFFICIENT_RESOURCES;
    *pfn = b->next_pfn;
    b->next_pfn += count;
    return STATUS_SUCCESS;
}

static uint8_t *entry_host(struct mm *mm, uint64_t table_pa, uint64_t va, unsigned level)
{
    const struct pte_format *fmt = mm->cpu->fmt;
    return phys_address(&mm->cpu->phys, table_pa + (uint64_t)pte_index(fmt, va, level) * fmt->pte_size);
}

static uint64_t upper_entry(const struct pte_format *fmt, unsigned level, uint64_t pfn)
{
    uint64_t e = (pfn << PAGE_SHIFT) | PTE_HW_VALID;
    if (!(fmt->permissionless_levels & (1u << level)))
        e |= PTE_HW_WRITE | PTE_HW_ACCESSED | PTE_HW_DIRTY;
    return e;
}

/* The physical address of the table at `level` that covers va, creating the
 * tables on the way down (fresh frames are zero: all entries invalid). */
static NTSTATUS boot_table(struct boot *b, uint64_t va, unsigned level, uint64_t *table_pa)
{
    const struct pte_format *fmt = b->mm->cpu->fmt;
    uint64_t pa = b->mm->system_cr3 & fmt->top_table_mask;
    for (unsigned l = 0; l < level; l++) {
        uint8_t *host = entry_host(b->mm, pa, va, l);
        uint64_t e = mm_load(host, fmt->pte_size);
        if (!(e & PTE_HW_VALID)) {
            uint64_t pfn;
            NTSTATUS st = boot_alloc(b, 1, &pfn);
            if (!NT_SUCCESS(st))
                return st;
            e = upper_entry(fmt, l, pfn);
            mm_store(host, fmt->pte_size, e);
        }
        pa = e & fmt->pfn_mask;
    }
    *table_pa = pa;
    return STATUS_SUCCESS;
}

/* Maps count frames from pfn at va, system-only, writable, global. */
static NTSTATUS boot_map(struct boot *b, uint64_t va, uint64_t pfn, uint64_t count)
{
    const struct pte_format *fmt = b->mm->cpu->fmt;
    for (uint64_t i = 0; i < count; i++, va += PAGE_SIZE) {
        uint64_t table_pa;
        NTSTATUS st = boot_table(b, va, fmt->levels - 1, &table_pa);
        if (!NT_SUCCESS(st))
            return st;
        uint64_t e = ((pfn + i) << PAGE_SHIFT) | PTE_HW_VALID | PTE_HW_WRITE | PTE_HW_ACCESSED |
                     PTE_HW_DIRTY | PTE_HW_GLOBAL;
        mm_store(entry_host(b->mm, table_pa, va, fmt->levels - 1), fmt->pte_size, e);
    }
    return STATUS_SUCCESS;
}

/* The tables at self_map_level exist (PAE: all four PDs), then the
 * self-map points at them. */
static NTSTATUS boot_self_map(struct boot *b)
{
    const struct pte_format *fmt = b->mm->cpu->fmt;
    unsigned level = fmt->self_map_level;
    uint64_t tables[PTE_MAX_LEVELS];
    for (unsigned k = 0; k < fmt->self_map_count; k++) {
        uint64_t va = level == 0 ? 0 : (uint64_t)k << fmt->level_shift[level - 1];
        uint64_t table_pa;
        NTSTATUS st = boot_table(b, va, level, &table_pa);
        if (!NT_SUCCESS(st))
            return st;
        tables[k] = table_pa >> PAGE_SHIFT;
    }
    mm_write_self_map(b->mm, tables);
    return STATUS_SUCCESS;
}

/* Windows builds the PFN entries of the loader's pages from the page tables;
 * so does ntmm: each frame a PTE maps is Active, mapped once. */
static enum pt_next account_mapping(struct mm *mm, const struct pt_visit *v, void *context)
{
    (void)context;
    if (!v->counted)
        return PT_CONTINUE;
    uint64_t pages = v->pages ? v->pages : 1;
    for (uint64_t i = 0; i < pages; i++) {
        uint64_t pfn = v->target_pfn + i;
        pfn_set_share_count(mm, pfn, 1);
        pfn_set_reference_count(mm, pfn, 1);
        pfn_set_e1(mm, pfn, PFN_E1_PAGE_LOCATION, 3, ActiveAndValid);
        pfn_set_pte_address(mm, pfn, v->entry_va);
        pfn_set_pte_frame(mm, pfn, v->table_pfn);
    }
    return PT_CONTINUE;
}

static NTSTATUS boot_account(struct mm *mm, uint64_t first, uint64_t end)
{
    if (!mm_visit_page_tables(mm, mm->system_cr3, account_mapping, NULL, NULL))
        return STATUS_INTERNAL_ERROR;
    for (uint64_t pfn = first; pfn < end; pfn++) {
        if (pfn_location(mm, pfn) != ActiveAndValid)
            return STATUS_INTERNAL_ERROR;
        uint64_t parent = pfn_pte_frame(mm, pfn);
        if (parent != pfn)
            pfn_set_share_count(mm, parent, pfn_share_count(mm, parent) + 1);
    }
    return STATUS_SUCCESS;
}

/* Symbols in the kernel data page, in this order, each word-aligned. */
static void boot_symbols(struct mm *mm, enum ntmm_arch arch)
{
    static const char *const names[SYM_COUNT] = {
        "MmPfnDatabase", "MmNumberOfPhysicalPages", "MmHighestPhysicalPage", "MmAvailablePages",
        "MmZeroedPageListHead", "MmFreePageListHead", "MmStandbyPageListHead",
        "MmModifiedPageListHead", "MmModifiedNoWritePageListHead", "MmBadPageListHead",
        "MmRomPageListHead", "MmPageLocationList", "MmTotalCommittedPages",
        "MmTotalCommitLimit", "MmTotalCommitLimitMaximum", "MmPeakCommitment",
        "MmInfoCounters",
    };
    const struct pfn_layout *l = mm->pfn_layout;
    bool wide = arch == NTMM_ARCH_X64;
    uint64_t va = mm->data_va;
    for (int s = 0; s < SYM_COUNT; s++) {
        unsigned size = l->word;
        const char *type = wide ? "Uint8B" : "Uint4B";
        if (s == SYM_MmPfnDatabase)
            type = wide ? "Ptr64 _MMPFN" : "Ptr32 _MMPFN";
        if (s >= SYM_MmZeroedPageListHead && s <= SYM_MmRomPageListHead) {
            size = l->list_size;
            type = "_MMPFNLIST";
        }
        if (s == SYM_MmPageLocationList) {
            size = 8 * l->word;
            type = wide ? "[8] Ptr64 _MMPFNLIST" : "[8] Ptr32 _MMPFNLIST";
        }
        if (s == SYM_MmInfoCounters) {
            size = MI_INFO_COUNTERS * 4;
            type = "_MMINFO_COUNTERS";
        }
        mm->symbols[s] = (struct mm_symbol_info){ names[s], type, va, size };
        va += size;
    }
}

/* MMPFNLIST heads: empty, named; the ROM list carries StandbyPageList as its
 * ListName, as Windows initialises it. MmPageLocationList points at the six. */
static void boot_lists(struct mm *mm)
{
    const struct pfn_layout *l = mm->pfn_layout;
    for (unsigned list = 0; list < MM_LIST_HEADS; list++) {
        uint8_t *head = pagelist_head(mm, list);
        uint32_t name = list == MM_ROM_LIST ? StandbyPageList : list;
        memset(head, 0, l->list_size);
        mm_store(head + l->list_name, 4, name);
        mm_store(head + l->list_flink, l->word, l->empty);
        mm_store(head + l->list_blink, l->word, l->empty);
    }
    uint8_t *locations = mm_symbol_host(mm, SYM_MmPageLocationList);
    for (unsigned list = ZeroedPageList; list <= BadPageList; list++) {
        uint64_t va = mm->symbols[SYM_MmZeroedPageListHead + list].va;
        mm_store(locations + list * l->word, l->word, va);
    }
}

/* KUSER_SHARED_DATA: the page every process sees read-only at 0x7FFE0000.
 * ntmm fills the fields that identify the system: ImageNumberLow/High
 * (0x2c), NtSystemRoot (0x30), NtMajorVersion/NtMinorVersion (0x26c): 5.1
 * for Windows XP, 5.2 for XP x64 / Server 2003 x64. */
static void boot_shared_user_data(struct mm *mm, enum ntmm_arch arch)
{
    uint8_t *page = phys_frame(&mm->cpu->phys, mm->shared_user_data_pfn);
    bool x64 = arch == NTMM_ARCH_X64;
    static const char root[] = "C:\\WINDOWS";
    mm_store(page + 0x2c, 2, x64 ? 0x8664 : 0x14c);
    mm_store(page + 0x2e, 2, x64 ? 0x8664 : 0x14c);
    for (unsigned i = 0; root[i]; i++)
        mm_store(page + 0x30 + 2 * i, 2, (uint8_t)root[i]);
    mm_store(page + 0x26c, 4, 5);
    mm_store(page + 0x270, 4, x64 ? 2 : 1);
}

/* The page tables of paged pool (pool.c), empty: the kernel entries every
 * process copies then already point at them. */
static NTSTATUS boot_paged_pool(struct boot *b)
{
    struct mm *mm = b->mm;
    const struct pte_format *fmt = mm->cpu->fmt;
    uint64_t span = 1ull << fmt->level_shift[fmt->levels - 2];
    mm->pool_base = fmt->arch == NTMM_ARCH_X64 ? 0xfffff8a000000000ull : 0xe1000000ull;
    for (unsigned k = 0; k < mi_pool_table_count(mm); k++) {
        uint64_t table_pa;
        NTSTATUS st = boot_table(b, mm->pool_base + k * span, fmt->levels - 1, &table_pa);
        if (!NT_SUCCESS(st))
            return st;
        mm->pool_tables[k] = table_pa >> PAGE_SHIFT;
    }
    return STATUS_SUCCESS;
}

static NTSTATUS boot_address_space(struct boot *b, uint64_t *image, uint64_t *pfn_db,
                                   uint64_t pfn_db_pages)
{
    struct mm *mm = b->mm;
    const struct pte_format *fmt = mm->cpu->fmt;
    NTSTATUS st = boot_alloc(b, MM_KERNEL_IMAGE_PAGES, image);
    if (NT_SUCCESS(st) && fmt->self_map_level > 0) {
        mm->system_cr3 = (*image + MM_KERNEL_PDPT_PAGE) << PAGE_SHIFT;
    } else if (NT_SUCCESS(st)) {
        uint64_t top = 0;
        st = boot_alloc(b, 1, &top);
        mm->system_cr3 = top << PAGE_SHIFT;
    }
    if (NT_SUCCESS(st))
        st = boot_alloc(b, pfn_db_pages, pfn_db);
    if (NT_SUCCESS(st))
        st = boot_self_map(b);
    if (NT_SUCCESS(st))
        st = boot_map(b, mm->layout.kernel_base, *image, MM_KERNEL_IMAGE_PAGES);
    if (NT_SUCCESS(st))
        st = boot_map(b, mm->layout.pfn_database, *pfn_db, pfn_db_pages);
    if (NT_SUCCESS(st))
        st = boot_alloc(b, 1, &mm->shared_user_data_pfn);
    if (NT_SUCCESS(st))
        st = boot_map(b, mm->layout.shared_user_data, mm->shared_user_data_pfn, 1);
    return NT_SUCCESS(st) ? boot_paged_pool(b) : st;
}

/* Windows: MmInitSystem */
NTSTATUS mm_init(struct mm *mm, struct cpu *cpu, const struct ntmm_config *config)
{
    enum ntmm_arch arch = config->arch;
    memset(mm, 0, sizeof *mm);
    mm->cpu = cpu;
    mm->bug_check = &mm->bug_check_record;
    mm->pfn_layout = pfn_layout_for(arch);
    mm_system_layout_for(config, &mm->layout);
    mm->frames = cpu->phys.frames;
    uint64_t pfn_db_pages = (mm->frames * mm->pfn_layout->size + PAGE_SIZE - 1) >> PAGE_SHIFT;
    struct boot b = { mm, 0 };
    uint64_t image = 0, pfn_db = 0;
    NTSTATUS st = boot_address_space(&b, &image, &pfn_db, pfn_db_pages);
    if (!NT_SUCCESS(st))
        return st;
    mm->pfn_host = phys_frame(&cpu->phys, pfn_db);
    mm->data_host = phys_frame(&cpu->phys, image + MM_KERNEL_DATA_PAGE);
    mm->data_va = mm->layout.kernel_base + MM_KERNEL_DATA_PAGE * PAGE_SIZE;
    mm->boot_frames = b.next_pfn;
    mm->system_range_start = mm->layout.system_range_start;
    /* Windows' default working-set limits for the machine's size */
    bool small = config->ram_bytes < (19ull << 20), medium = config->ram_bytes < (64ull << 20);
    mm->default_minimum_working_set = small ? 20 : medium ? 30 : 50;
    mm->default_maximum_working_set = small ? 45 : medium ? 145 : 345;
    mm->pdpt_used[0] = true;
    st = boot_account(mm, 0, b.next_pfn);
    if (!NT_SUCCESS(st))
        return st;
    boot_symbols(mm, arch);
    boot_lists(mm);
    mm_set_symbol_word(mm, SYM_MmPfnDatabase, mm->layout.pfn_database);
    mm_set_symbol_word(mm, SYM_MmNumberOfPhysicalPages, mm->frames);
    mm_set_symbol_word(mm, SYM_MmHighestPhysicalPage, mm->frames - 1);
    for (uint64_t pfn = b.next_pfn; pfn < mm->frames; pfn++)
        pagelist_insert_tail(mm, ZeroedPageList, pfn);
    boot_shared_user_data(mm, arch);
    /* Windows: RAM available after boot; each pagefile adds what it holds
     * when it is created (pagefile.h (4)) */
    mm_set_symbol_word(mm, SYM_MmTotalCommitLimit, mm_available_pages(mm));
    mm_set_symbol_word(mm, SYM_MmTotalCommitLimitMaximum, mm_available_pages(mm));
    /* ASLR (image.c): one bias a boot, from the seed */
    mm->random = config->seed;
    mm->image_bias = (unsigned)(mi_random(mm) % 256);
    mm->next_dll_base[0] = MM_DLL_BASE_32 - ((uint64_t)mm->image_bias << 16);
    mm->next_dll_base[1] = MM_DLL_BASE_64 - ((uint64_t)mm->image_bias << 16);
    cpu_load_cr3(cpu, mm->system_cr3);
    return STATUS_SUCCESS;
}

uint64_t mi_random(struct mm *mm)
{
    uint64_t z = (mm->random += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}
