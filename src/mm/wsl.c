/*
 * wsl.c — a process's working-set list (Windows: _MMWSL and its _MMWSLE
 * array at MmWorkingSetList, in the process's hyperspace; MiInsertWsle,
 * MiRemoveWsle, MiLocateWsle, MiAddWorkingSetPage), in simulated memory:
 * `!wsle` and `dd` read the same bytes the memory manager does.
 *
 *   MmWorkingSetList (x86 0xC0503000, PAE 0xC0883000, x64 0xFFFFF70001080000)
 *   +0  _MMWSL header: FirstFree, FirstDynamic, LastEntry, NextSlot, Wsle,
 *       LastInitializedWsle, NonDirectCount, HashTable, HashTableSize, ...
 *   Wsle: _MMWSLE[], one ULONG_PTR each:
 *       valid  VirtualPageNumber << 12 | Age (10-11) | Direct (9) | Hashed (8)
 *              | Protection (3-7) | LockedInMemory (2) | LockedInWs (1) | Valid (0)
 *       free   index of the next free entry << 4 (WSLE_NULL_INDEX ends the list)
 *
 * The hyperspace tables and the list's pages are the process's own kernel
 * mappings (no Owner bit), made when its address space is; the list grows a
 * page at a time as the working set does.
 *
 * (1) Every page in the working set has exactly one valid WSLE, and a valid
 *     WSLE names a page whose PTE (or, for the list's own tables, whose
 *     entry) is valid: user pages, user page tables, the top-level tables,
 *     the hyperspace tables and the list's pages. WorkingSetSize counts them.
 * (2) A frame that is not a section's (PrototypePte clear) is Direct: its
 *     PFN's WsIndex (u1) is the index of its WSLE. A section's frame may be
 *     in several working sets; its WSLEs are not Direct (NonDirectCount
 *     counts them) and are found by their address; its WsIndex is the
 *     index in the first working set that took it.
 * (3) The entries below FirstDynamic (the top-level tables, the hyperspace
 *     tables and the first list page) are locked; so are the list pages
 *     added later. LockedInWs marks user pages VirtualLock holds
 *     (Vm.locked_pages counts them); a locked entry is never trimmed.
 * (4) The free entries form one list from FirstFree through entries
 *     [0, LastInitializedWsle]; entries past LastInitializedWsle are not
 *     yet in use, and LastEntry is the highest valid index (0 if none).
 *     Free links are 28-bit indexes; WSLE_NULL_INDEX ends the list. Loops
 *     over entries stop at the pages the memory manager mapped
 *     (Vm.wsl_pages), whatever an edited header says (mi_wsl_last_entry).
 * (5) Reading an entry through a PTE a script edited away stops the
 *     machine: MEMORY_MANAGEMENT 0x41284 (a PTE or the working set list is
 *     corrupt), parameter 2 the address.
 * (6) Protection is 0 but for a shared page of a view whose protection
 *     VirtualProtect set apart from its VAD's: the hardware PTE cannot say
 *     it all (copy-on-write, execute without NX), so the entry keeps it while
 *     the page is resident and the PTE's MI_PTE_LOOKUP_NEEDED form once it
 *     is not (view.c (5)).
 */
#include "mm/mm.h"

/* Offsets of the _MMWSL header fields for the bitness, and its size. */
struct wsl_layout {
    unsigned first_free, first_dynamic, last_entry, next_slot, wsle, last_initialized,
        non_direct, hash_table, hash_table_size, header;
};
static const struct wsl_layout wsl32 = { 0x0, 0x4, 0x8, 0xc, 0x10, 0x14, 0x18, 0x1c, 0x20, 0x38 };
static const struct wsl_layout wsl64 = { 0x0, 0x4, 0x8, 0xc, 0x10, 0x18, 0x1c, 0x20, 0x28, 0x48 };

static const struct wsl_layout *layout(const struct mm *mm)
{
    return mm->pfn_layout->word == 8 ? &wsl64 : &wsl32;
}

static unsigned width(const struct mm *mm)
{
    return mm->pfn_layout->word;
}


/* One operation's view of the list: the frames of its first page (the
 * header) and of the other page it translated last (the list's pages are
 * not contiguous in RAM). */
struct wsl_ref {
    const struct mm *mm;
    const struct mm_address_space *as;
    uint8_t *first;  /* list page 0's bytes, NULL until translated */
    uint64_t page;   /* the other page translated last, UINT64_MAX for none */
    uint8_t *host;   /* its frame's bytes */
};

static struct wsl_ref ref_of(const struct mm *mm, const struct mm_address_space *as)
{
    return (struct wsl_ref){ mm, as, NULL, UINT64_MAX, NULL };
}

/* (5) The frame's bytes of list page `page`, or NULL (the machine stopped). */
static uint8_t *list_page_host(const struct wsl_ref *r, uint64_t page)
{
    const struct mm *mm = r->mm;
    const struct pte_format *fmt = mm->cpu->fmt;
    uint64_t va = mm->layout.working_set_list + page * PAGE_SIZE;
    uint64_t pte = mi_read_pte(mm, r->as, pte_address(fmt, va, 0));
    uint64_t pfn = (pte & fmt->pfn_mask) >> PAGE_SHIFT;
    if (!(pte & PTE_HW_VALID) || pfn >= mm->frames) {
        mm_bug_check(mm, BUGCODE_MEMORY_MANAGEMENT, MM_BUGCHECK_WORKING_SET, va, pte, 0);
        return NULL;
    }
    return phys_frame(&mm->cpu->phys, pfn);
}

/* (5) The host address of byte `offset` of the list. */
static uint8_t *wsl_host(struct wsl_ref *r, uint64_t offset)
{
    uint64_t page = offset >> PAGE_SHIFT, in_page = offset & (PAGE_SIZE - 1);
    uint8_t **host = page ? &r->host : &r->first;
    if (page && page != r->page) {
        r->host = NULL;
        r->page = page;
    }
    if (!*host)
        *host = list_page_host(r, page);
    if (!*host) {
        r->page = UINT64_MAX;
        return (uint8_t *)r->mm->bug_check->scratch + (in_page & ~7ull);
    }
    return *host + in_page;
}

static uint64_t field(struct wsl_ref *r, unsigned offset, unsigned size)
{
    return mm_load(wsl_host(r, offset), size);
}

static void set_field(struct wsl_ref *r, unsigned offset, unsigned size, uint64_t v)
{
    uint8_t *p = wsl_host(r, offset);
    if (!mm_stopped(r->mm))
        mm_store(p, size, v);
}

static uint64_t get(struct wsl_ref *r, enum mi_wsl_field f)
{
    const struct mm *mm = r->mm;
    const struct wsl_layout *l = layout(mm);
    switch (f) {
    case MI_WSL_FIRST_FREE:
        return field(r, l->first_free, 4);
    case MI_WSL_FIRST_DYNAMIC:
        return field(r, l->first_dynamic, 4);
    case MI_WSL_LAST_ENTRY:
        return field(r, l->last_entry, 4);
    case MI_WSL_NEXT_SLOT:
        return field(r, l->next_slot, 4);
    case MI_WSL_WSLE:
        return field(r, l->wsle, width(mm));
    case MI_WSL_LAST_INITIALIZED:
        return field(r, l->last_initialized, 4);
    case MI_WSL_NON_DIRECT:
        return field(r, l->non_direct, 4);
    case MI_WSL_HASH_TABLE:
        return field(r, l->hash_table, width(mm));
    case MI_WSL_HASH_TABLE_SIZE:
        return field(r, l->hash_table_size, 4);
    }
    return 0;
}

static void put(struct wsl_ref *r, enum mi_wsl_field f, uint64_t v)
{
    const struct mm *mm = r->mm;
    const struct wsl_layout *l = layout(mm);
    static const unsigned ulong = 4;
    switch (f) {
    case MI_WSL_FIRST_FREE:
        set_field(r, l->first_free, ulong, v);
        break;
    case MI_WSL_FIRST_DYNAMIC:
        set_field(r, l->first_dynamic, ulong, v);
        break;
    case MI_WSL_LAST_ENTRY:
        set_field(r, l->last_entry, ulong, v);
        break;
    case MI_WSL_NEXT_SLOT:
        set_field(r, l->next_slot, ulong, v);
        break;
    case MI_WSL_WSLE:
        set_field(r, l->wsle, width(mm), v);
        break;
    case MI_WSL_LAST_INITIALIZED:
        set_field(r, l->last_initialized, ulong, v);
        break;
    case MI_WSL_NON_DIRECT:
        set_field(r, l->non_direct, ulong, v);
        break;
    case MI_WSL_HASH_TABLE:
    case MI_WSL_HASH_TABLE_SIZE:
        break; /* no hash table: non-direct entries are found by address (2) */
    }
}

static uint64_t first_free(struct wsl_ref *r)
{
    return get(r, MI_WSL_FIRST_FREE);
}

uint64_t mi_wsl_field(const struct mm *mm, const struct mm_address_space *as, enum mi_wsl_field f)
{
    struct wsl_ref r = ref_of(mm, as);
    return get(&r, f);
}

static uint64_t first_entry_of_page(const struct mm *mm, uint64_t page);

uint64_t mi_wsl_entries(const struct mm *mm, const struct mm_address_space *as)
{
    return first_entry_of_page(mm, as->wsl_pages);
}

static uint64_t last_entry(struct wsl_ref *r)
{
    uint64_t last = get(r, MI_WSL_LAST_ENTRY), entries = mi_wsl_entries(r->mm, r->as);
    return last < entries ? last : entries - 1;
}

uint64_t mi_wsl_last_entry(const struct mm *mm, const struct mm_address_space *as)
{
    struct wsl_ref r = ref_of(mm, as);
    return last_entry(&r);
}

static uint64_t wsle_at(struct wsl_ref *r, uint64_t index)
{
    return mm_load(wsl_host(r, layout(r->mm)->header + index * width(r->mm)), width(r->mm));
}

uint64_t mi_wsle(const struct mm *mm, const struct mm_address_space *as, uint64_t index)
{
    struct wsl_ref r = ref_of(mm, as);
    return wsle_at(&r, index);
}

static void set_wsle(struct wsl_ref *r, uint64_t index, uint64_t v)
{
    uint8_t *p = wsl_host(r, layout(r->mm)->header + index * width(r->mm));
    if (!mm_stopped(r->mm))
        mm_store(p, width(r->mm), v);
}

/* Entries the list's first page holds, and each later page. */
static uint64_t entries_in_page(const struct mm *mm, uint64_t page)
{
    return (PAGE_SIZE - (page ? 0 : layout(mm)->header)) / width(mm);
}

/* The index of the first entry of list page `page`. */
static uint64_t first_entry_of_page(const struct mm *mm, uint64_t page)
{
    return page ? entries_in_page(mm, 0) + (page - 1) * entries_in_page(mm, 1) : 0;
}

/* (4) Entries [first, first + count) join the free list, in order. */
static void free_entries(struct mm *mm, const struct mm_address_space *as, uint64_t first,
                         uint64_t count)
{
    struct wsl_ref r = ref_of(mm, as);
    uint64_t next = first_free(&r);
    for (uint64_t i = first + count; i-- > first;) {
        set_wsle(&r, i, next << MI_FREE_WSLE_SHIFT);
        next = i;
    }
    put(&r, MI_WSL_FIRST_FREE, next);
}

static uint64_t next_free(uint64_t wsle)
{
    return (wsle >> MI_FREE_WSLE_SHIFT) & MI_WSLE_NULL_INDEX;
}

static bool valid(uint64_t wsle)
{
    return wsle & MI_WSLE_VALID;
}

/* The page holding list page `page`'s kernel PTE: valid, writable, no Owner. */
static uint64_t list_pte(uint64_t pfn)
{
    return (pfn << PAGE_SHIFT) | PTE_HW_VALID | PTE_HW_WRITE | PTE_HW_ACCESSED | PTE_HW_DIRTY;
}

/* Maps list page `page` (its tables made first) from a zeroed frame. */
static NTSTATUS map_list_page(struct mm *mm, struct mm_address_space *as, uint64_t page,
                              uint64_t *pfn_out)
{
    const struct pte_format *fmt = mm->cpu->fmt;
    uint64_t va = mm->layout.working_set_list + page * PAGE_SIZE;
    NTSTATUS st = mi_make_tables(mm, as, va);
    if (!NT_SUCCESS(st))
        return st;
    uint64_t pfn = mi_take_page(mm, true);
    if (pfn == MM_EMPTY_LIST(mm))
        return STATUS_INSUFFICIENT_RESOURCES;
    uint64_t pte_va = pte_address(fmt, va, 0);
    pfn_initialize_active(mm, pfn, pte_va, mi_holding_table(mm, as, va, fmt->levels - 1), 0);
    mi_write_pte(mm, as, pte_va, list_pte(pfn));
    as->wsl_pages++;
    *pfn_out = pfn;
    return STATUS_SUCCESS;
}

static uint64_t insert_entry(struct mm *mm, struct mm_address_space *as, uint64_t va,
                             uint64_t pfn, bool locked)
{
    struct wsl_ref r = ref_of(mm, as);
    uint64_t index = first_free(&r);
    bool direct = !pfn_e1(mm, pfn, PFN_E1_PROTOTYPE_PTE, 1);
    put(&r, MI_WSL_FIRST_FREE, next_free(wsle_at(&r, index)));
    set_wsle(&r, index,
             (va & ~(uint64_t)(PAGE_SIZE - 1)) | MI_WSLE_VALID | (direct ? MI_WSLE_DIRECT : 0) |
                 (locked ? MI_WSLE_LOCKED_IN_WS : 0));
    if (direct || pfn_share_count(mm, pfn) == 1)
        pfn_set_flink(mm, pfn, index); /* WsIndex, (2) */
    if (!direct)
        put(&r, MI_WSL_NON_DIRECT, get(&r, MI_WSL_NON_DIRECT) + 1);
    if (index > get(&r, MI_WSL_LAST_ENTRY))
        put(&r, MI_WSL_LAST_ENTRY, index);
    as->working_set_pages++;
    if (as->working_set_pages > as->peak_working_set_pages)
        as->peak_working_set_pages = as->working_set_pages;
    return index;
}

/* The self-map address of the table holding va's entry at level l (0: top). */
static uint64_t table_address(const struct pte_format *fmt, uint64_t va, unsigned l)
{
    return pte_address(fmt, va, fmt->levels - 1 - l) & ~(uint64_t)(PAGE_SIZE - 1);
}

/* (3) The tables on the path to the list page at va, from the top (on PAE
 * the four page directories are the top), then the page: with missing_only,
 * those not in the working set yet (a page added later). */
static void insert_path(struct mm *mm, struct mm_address_space *as, uint64_t va, bool missing_only)
{
    const struct pte_format *fmt = mm->cpu->fmt;
    for (unsigned l = fmt->self_map_level; l <= fmt->levels; l++) {
        uint64_t page_va = l < fmt->levels ? table_address(fmt, va, l) : va;
        uint64_t pte = mi_read_pte(mm, as, pte_address(fmt, page_va, 0));
        uint64_t pfn = (pte & fmt->pfn_mask) >> PAGE_SHIFT;
        if (!missing_only || mi_ws_find(mm, as, page_va, pfn) == MI_WSLE_NULL_INDEX)
            insert_entry(mm, as, page_va, pfn, true);
    }
}

NTSTATUS mi_create_working_set(struct mm *mm, struct mm_address_space *as)
{
    struct wsl_ref r = ref_of(mm, as);
    const struct pte_format *fmt = mm->cpu->fmt;
    uint64_t pfn;
    NTSTATUS st = map_list_page(mm, as, 0, &pfn);
    if (!NT_SUCCESS(st))
        return st;
    put(&r, MI_WSL_FIRST_FREE, MI_WSLE_NULL_INDEX);
    put(&r, MI_WSL_WSLE, mm->layout.working_set_list + layout(mm)->header);
    put(&r, MI_WSL_LAST_INITIALIZED, entries_in_page(mm, 0) - 1);
    free_entries(mm, as, 0, entries_in_page(mm, 0));
    as->working_set_list = true;
    if (fmt->self_map_level) /* PAE: the other three page directories */
        for (unsigned k = 0; k < fmt->self_map_count; k++)
            if (k != pte_index(fmt, mm->layout.working_set_list, 0))
                insert_entry(mm, as, table_address(fmt, (uint64_t)k << fmt->level_shift[0], 1),
                             mi_holding_table(mm, as, (uint64_t)k << fmt->level_shift[0], 1), true);
    insert_path(mm, as, mm->layout.working_set_list, false);
    put(&r, MI_WSL_FIRST_DYNAMIC, as->working_set_pages);
    put(&r, MI_WSL_NEXT_SLOT, as->working_set_pages);
    return STATUS_SUCCESS;
}

/* Windows: MiAddWorkingSetPage — one more page of entries, itself locked in
 * the working set. */
static NTSTATUS grow(struct mm *mm, struct mm_address_space *as)
{
    struct wsl_ref r = ref_of(mm, as);
    uint64_t page = as->wsl_pages, last = first_entry_of_page(mm, page) - 1;
    if (mm->layout.working_set_list + (page + 1) * PAGE_SIZE - 1 > mm->layout.working_set_list_end)
        return STATUS_WORKING_SET_QUOTA;
    uint64_t pfn;
    NTSTATUS st = map_list_page(mm, as, page, &pfn);
    if (!NT_SUCCESS(st))
        return st;
    put(&r, MI_WSL_LAST_INITIALIZED, last + entries_in_page(mm, page));
    free_entries(mm, as, last + 1, entries_in_page(mm, page));
    insert_path(mm, as, mm->layout.working_set_list + page * PAGE_SIZE, true);
    return first_free(&r) == MI_WSLE_NULL_INDEX ? grow(mm, as) : STATUS_SUCCESS;
}

bool mi_ws_reserve_changes(const struct mm *mm, const struct mm_address_space *as)
{
    struct wsl_ref r = ref_of(mm, as);
    return as->working_set_list &&
           (mi_ws_must_replace(mm, as) || first_free(&r) == MI_WSLE_NULL_INDEX);
}

NTSTATUS mi_ws_reserve(struct mm *mm, struct mm_address_space *as)
{
    struct wsl_ref r = ref_of(mm, as);
    if (!as->working_set_list)
        return STATUS_SUCCESS;
    if (mi_ws_must_replace(mm, as))
        (void)mi_replace_ws_entry(mm, as);
    if (first_free(&r) != MI_WSLE_NULL_INDEX)
        return STATUS_SUCCESS;
    NTSTATUS st = grow(mm, as);
    if (NT_SUCCESS(st) || mm_stopped(mm))
        return st;
    return mi_replace_ws_entry(mm, as) ? STATUS_SUCCESS : st;
}

uint64_t mi_ws_insert(struct mm *mm, struct mm_address_space *as, uint64_t va, uint64_t pfn)
{
    struct wsl_ref r = ref_of(mm, as);
    if (!as->working_set_list)
        return MI_WSLE_NULL_INDEX; /* the list's own tables, before it exists:
                                      mi_create_working_set inserts them */
    if (first_free(&r) == MI_WSLE_NULL_INDEX && !NT_SUCCESS(mi_ws_reserve(mm, as))) {
        mm_bug_check(mm, BUGCODE_MEMORY_MANAGEMENT, MM_BUGCHECK_WORKING_SET,
                     mm->layout.working_set_list, as->working_set_pages, 0);
        return MI_WSLE_NULL_INDEX;
    }
    return insert_entry(mm, as, va, pfn, false);
}

/* (2) The entry of va: at the frame's WsIndex, else by address, from start
 * on. */
static uint64_t search(const struct mm *mm, const struct mm_address_space *as, uint64_t va,
                       uint64_t pfn, uint64_t start)
{
    struct wsl_ref r = ref_of(mm, as);
    uint64_t vpn = va >> PAGE_SHIFT, index = pfn_flink(mm, pfn);
    uint64_t last = last_entry(&r);
    if (index <= last) {
        uint64_t e = wsle_at(&r, index);
        if (valid(e) && e >> PAGE_SHIFT == vpn)
            return index;
    }
    start = start <= last ? start : 0;
    for (uint64_t n = 0; n <= last && !mm_stopped(mm); n++) {
        uint64_t i = (start + n) % (last + 1), e = wsle_at(&r, i);
        if (valid(e) && e >> PAGE_SHIFT == vpn)
            return i;
    }
    return MI_WSLE_NULL_INDEX;
}

uint64_t mi_ws_find(const struct mm *mm, const struct mm_address_space *as, uint64_t va,
                    uint64_t pfn)
{
    return search(mm, as, va, pfn, 0);
}

bool mi_ws_remove_index(struct mm *mm, struct mm_address_space *as, uint64_t index)
{
    struct wsl_ref r = ref_of(mm, as);
    uint64_t e = wsle_at(&r, index);
    bool locked = e & MI_WSLE_LOCKED_IN_WS;
    if (locked && (e >> PAGE_SHIFT) <= (as->highest_user_address >> PAGE_SHIFT))
        as->locked_pages--;
    if (!(e & MI_WSLE_DIRECT))
        put(&r, MI_WSL_NON_DIRECT, get(&r, MI_WSL_NON_DIRECT) - 1);
    set_wsle(&r, index, first_free(&r) << MI_FREE_WSLE_SHIFT);
    put(&r, MI_WSL_FIRST_FREE, index);
    uint64_t last = get(&r, MI_WSL_LAST_ENTRY);
    if (last == index) { /* (4) LastEntry: the highest valid index (0 when none is) */
        while (last > 0 && !valid(wsle_at(&r, last)))
            last--;
        put(&r, MI_WSL_LAST_ENTRY, last);
    }
    as->working_set_pages--;
    return locked;
}

bool mi_ws_remove(struct mm *mm, struct mm_address_space *as, uint64_t va, uint64_t pfn)
{
    if (!as->working_set_list)
        return false;
    /* a view's pages went in one after another and leave so too: search
     * from just after the entry found last */
    uint64_t index = search(mm, as, va, pfn, as->ws_search_hint);
    as->ws_search_hint = index + 1;
    if (index == MI_WSLE_NULL_INDEX) {
        mm_bug_check(mm, BUGCODE_MEMORY_MANAGEMENT, MM_BUGCHECK_WORKING_SET, va, pfn, 0);
        return false;
    }
    return mi_ws_remove_index(mm, as, index);
}

void mi_ws_set_locked(struct mm *mm, struct mm_address_space *as, uint64_t index, bool locked)
{
    struct wsl_ref r = ref_of(mm, as);
    uint64_t e = wsle_at(&r, index);
    if (!!(e & MI_WSLE_LOCKED_IN_WS) == locked)
        return;
    set_wsle(&r, index, locked ? e | MI_WSLE_LOCKED_IN_WS : e & ~(uint64_t)MI_WSLE_LOCKED_IN_WS);
    as->locked_pages += locked ? 1 : (uint64_t)-1;
}

void mi_ws_set_protection(struct mm *mm, struct mm_address_space *as, uint64_t index,
                          unsigned protection)
{
    struct wsl_ref r = ref_of(mm, as);
    uint64_t mask = (uint64_t)MM_PROTECTION_MASK << MI_WSLE_PROTECTION_SHIFT;
    set_wsle(&r, index,
             (wsle_at(&r, index) & ~mask) | (uint64_t)protection << MI_WSLE_PROTECTION_SHIFT);
}

unsigned mi_ws_protection(const struct mm *mm, const struct mm_address_space *as, uint64_t va,
                          uint64_t pfn)
{
    if (!as->working_set_list)
        return 0;
    /* a view's pages are read one after another: search from the last removal */
    uint64_t index = search(mm, as, va, pfn, as->ws_search_hint);
    if (index == MI_WSLE_NULL_INDEX)
        return 0;
    struct wsl_ref r = ref_of(mm, as);
    return (unsigned)(wsle_at(&r, index) >> MI_WSLE_PROTECTION_SHIFT) & MM_PROTECTION_MASK;
}

void mi_set_next_slot(struct mm *mm, struct mm_address_space *as, uint64_t index)
{
    struct wsl_ref r = ref_of(mm, as);
    put(&r, MI_WSL_NEXT_SLOT, index);
}

void mi_ws_set_age(struct mm *mm, struct mm_address_space *as, uint64_t index, unsigned age)
{
    struct wsl_ref r = ref_of(mm, as);
    uint64_t e = wsle_at(&r, index) & ~(uint64_t)MI_WSLE_AGE_MASK;
    set_wsle(&r, index, e | ((uint64_t)age << MI_WSLE_AGE_SHIFT));
}

/* The address space is going: the list's pages and hyperspace tables go
 * (the top-level tables are mm_delete_address_space's); nothing is left in
 * its working set. Also after a creation that failed half way. */
void mi_delete_working_set(struct mm *mm, struct mm_address_space *as)
{
    const struct pte_format *fmt = mm->cpu->fmt;
    uint64_t va = mm->layout.working_set_list;
    if (as->working_set_list) {
        as->working_set_list = false;
        for (uint64_t page = 0; page < as->wsl_pages; page++) {
            uint64_t pte_va = pte_address(fmt, va + page * PAGE_SIZE, 0);
            uint64_t pfn = (mi_read_pte(mm, as, pte_va) & fmt->pfn_mask) >> PAGE_SHIFT;
            mi_write_pte(mm, as, pte_va, 0);
            mi_release_page(mm, pfn);
        }
    }
    mi_free_empty_tables(mm, as, va, mm->layout.working_set_list_end);
    as->working_set_pages = 0;
    as->wsl_pages = 0;
}
