/*
 * verify.c — the invariant checker (the shell's !verify; tests run it after
 * every operation). It cross-checks independent representations, as Lua's
 * lua_checkmemory does: what the lists hold against their Totals and the
 * PageLocation of every frame; what the page tables map against the PFN
 * entries' PteAddress, PteFrame and ShareCount.
 *
 * Checks, citing the invariants of pagelist.c (P), pfn.c (F) and init.c (I):
 *  1. each list is doubly linked, ends in MM_EMPTY_LIST, holds only frames
 *     whose PageLocation names it, and has Total entries (P1);
 *  2. every frame is on exactly one list or Active, and the counts add up to
 *     the frames of RAM, which MmNumberOfPhysicalPages and
 *     MmHighestPhysicalPage (+ 1) state (P1, I2); MmAvailablePages agrees (P3);
 *  3. frames on the zeroed list hold only zero bytes (P4);
 *  4. every valid PTE maps an Active frame whose PteAddress is that PTE's
 *     address and whose PteFrame is the table holding it (I1);
 *  5. an Active frame's ShareCount equals the PTEs mapping it plus the valid
 *     and transition frames whose PteFrame it is; its ReferenceCount is 1 (F2);
 *  6. a standby or modified frame's PTE is a transition PTE naming it
 *     (protect.c (2));
 *  7. each process's VAD tree keeps vad.h's invariants;
 *  8. a space's working-set list has one valid entry for each of its valid
 *     user pages, user page tables, hyperspace pages and top-level tables,
 *     and its counts, free list and Direct entries agree (wsl.c (1)-(4));
 *     a locked page is resident (lock.c (1));
 *  9. each VAD's CommitCharge is the number of its committed pages
 *     (virtual.c (1)), a view's the pages it may copy (section.h (5)), the
 *     space's commit charge their sum, MmTotalCommittedPages the sum over
 *     spaces and segments (commit.c (1), (2));
 * 10. every prototype PTE of every segment is what section.h (1) says: a
 *     valid or transition one names a frame whose PrototypePte, PteAddress
 *     and PteFrame point back at it; a subsection PTE names its subsection;
 *     demand zero and zero ones are pagefile-backed; a valid process PTE with
 *     the Prototype bit maps such a frame (section.h (2)), an invalid PTE of
 *     a view points at its own page's prototype PTE (or is a private copy:
 *     valid, transition or in a pagefile); a segment's commit counts its
 *     committed pagefile-backed pages (demand zero, resident or paged out);
 * 11. every pool page in use is mapped (pool.c (1));
 * 12. every paging file keeps pagefile.h (1)-(3);
 * 13. every used pagefile slot is named by exactly one pagefile PTE, pagefile
 *     prototype PTE or resident frame's OriginalPte, and every such name is a
 *     used slot (pagestate.c (5), modwriter.c (3)).
 *
 * The checker reads simulated memory as untrusted input (bugcheck.c): it
 * range-checks every link, frame and pool address before it uses one, and
 * checks each structure (lists, frames, pool, the System's tables, segments)
 * before a later check reads through it, stopping at the first failure, so
 * a corrupt structure is reported, never followed, and checking never stops
 * the machine.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mm/pagefile.h"
#include "mm/pagefile.h"
#include "mm/section.h"

struct checker {
    struct mm *mm;
    uint8_t *slot_names[MM_MAXIMUM_PAGING_FILES]; /* check 13: names seen per pagefile slot */
    uint32_t *mappings; /* valid PTEs found per frame */
    uint8_t *on_list;   /* frames seen on a list */
    bool process;       /* walking a process's tables, not the System's */
    uint64_t resident;  /* user pages and page tables the walk found valid in this space */
    uint64_t committed; /* commit charge of all spaces' VADs */
    char *message;
    size_t size;
    bool failed;
};

static bool fail(struct checker *c, const char *format, ...)
{
    if (!c->failed && c->message && c->size) {
        va_list ap;
        va_start(ap, format);
        vsnprintf(c->message, c->size, format, ap);
        va_end(ap);
    }
    c->failed = true;
    return false;
}

static bool check_list(struct checker *c, unsigned list)
{
    struct mm *mm = c->mm;
    uint64_t empty = mm->pfn_layout->empty;
    enum mm_list location = list == MM_ROM_LIST ? StandbyPageList : (enum mm_list)list;
    uint64_t total = pagelist_total(mm, list), count = 0, prev = empty;
    for (uint64_t pfn = pagelist_first(mm, list); pfn != empty; pfn = pfn_flink(mm, pfn)) {
        if (pfn >= mm->frames || count >= total)
            return fail(c, "list %u: entry %llx after %llu frames breaks the chain or Total %llu",
                        list, (unsigned long long)pfn, (unsigned long long)count,
                        (unsigned long long)total);
        if (c->on_list[pfn]++)
            return fail(c, "pfn %llx is on a list twice", (unsigned long long)pfn);
        if (pfn_location(mm, pfn) != location)
            return fail(c, "pfn %llx on list %u has PageLocation %u", (unsigned long long)pfn,
                        list, pfn_location(mm, pfn));
        if (pfn_blink(mm, pfn) != prev)
            return fail(c, "pfn %llx: Blink %llx, expected %llx", (unsigned long long)pfn,
                        (unsigned long long)pfn_blink(mm, pfn), (unsigned long long)prev);
        if (pfn_reference_count(mm, pfn) != 0)
            return fail(c, "pfn %llx on list %u has ReferenceCount %u", (unsigned long long)pfn,
                        list, pfn_reference_count(mm, pfn));
        prev = pfn;
        count++;
    }
    if (count != total)
        return fail(c, "list %u: Total %llu but %llu frames linked", list,
                    (unsigned long long)total, (unsigned long long)count);
    if (pagelist_last(mm, list) != prev)
        return fail(c, "list %u: Blink of the head is %llx, the last frame is %llx", list,
                    (unsigned long long)pagelist_last(mm, list), (unsigned long long)prev);
    return true;
}

static bool is_zero(const uint8_t *p)
{
    static const uint8_t zero[PAGE_SIZE];
    return memcmp(p, zero, PAGE_SIZE) == 0;
}

/* Frames a PTE still names: valid (Active) or transition (standby, modified). */
static bool holds_pte(enum mm_list location)
{
    return location == ActiveAndValid || location == StandbyPageList ||
           location == ModifiedPageList || location == ModifiedNoWritePageList;
}

/* Check 6: a standby or modified frame's PTE (found through PteFrame and the
 * offset of PteAddress) is a transition PTE naming the frame. */
static bool check_transition(struct checker *c, uint64_t pfn)
{
    struct mm *mm = c->mm;
    const struct pte_format *fmt = mm->cpu->fmt;
    uint64_t table = pfn_pte_frame(mm, pfn);
    if (table >= mm->frames)
        return fail(c, "pfn %llx: PteFrame %llx is not a frame", (unsigned long long)pfn,
                    (unsigned long long)table);
    uint64_t pa = (table << PAGE_SHIFT) | (pfn_pte_address(mm, pfn) & (PAGE_SIZE - 1));
    struct pte_fields f;
    fmt->decode(mm_load(phys_address(&mm->cpu->phys, pa), fmt->pte_size), PTE_IN_PAGE_TABLE, &f);
    if (f.kind != PTE_KIND_TRANSITION || f.page_frame_number != pfn)
        return fail(c, "pfn %llx is in transition but its PTE at %llx does not name it",
                    (unsigned long long)pfn, (unsigned long long)pfn_pte_address(mm, pfn));
    return true;
}

static bool check_frames(struct checker *c)
{
    struct mm *mm = c->mm;
    uint64_t active = 0, listed = 0;
    for (unsigned list = 0; list < MM_LIST_HEADS; list++)
        listed += pagelist_total(mm, list);
    for (uint64_t pfn = 0; pfn < mm->frames; pfn++) {
        enum mm_list location = pfn_location(mm, pfn);
        if (location == ActiveAndValid) {
            if (c->on_list[pfn])
                return fail(c, "pfn %llx is Active and on a list", (unsigned long long)pfn);
            active++;
        } else if (!c->on_list[pfn]) {
            return fail(c, "pfn %llx has PageLocation %u but is on no list",
                        (unsigned long long)pfn, location);
        } else if (location == ZeroedPageList && !is_zero(phys_frame(&mm->cpu->phys, pfn))) {
            return fail(c, "pfn %llx is on the zeroed list but holds data", (unsigned long long)pfn);
        } else if (holds_pte(location) && !check_transition(c, pfn)) {
            return false;
        }
    }
    if (active + listed != mm->frames)
        return fail(c, "%llu Active + %llu listed frames != %llu physical pages",
                    (unsigned long long)active, (unsigned long long)listed,
                    (unsigned long long)mm->frames);
    uint64_t pages = mm_symbol_word(mm, SYM_MmNumberOfPhysicalPages);
    uint64_t highest = mm_symbol_word(mm, SYM_MmHighestPhysicalPage);
    if (pages != mm->frames || highest != mm->frames - 1)
        return fail(c, "MmNumberOfPhysicalPages %llu and MmHighestPhysicalPage %llx, RAM has %llu "
                    "frames", (unsigned long long)pages, (unsigned long long)highest,
                    (unsigned long long)mm->frames);
    uint64_t available = pagelist_total(mm, ZeroedPageList) + pagelist_total(mm, FreePageList) +
                         pagelist_total(mm, StandbyPageList);
    if (mm_available_pages(mm) != available)
        return fail(c, "MmAvailablePages %llu, lists hold %llu",
                    (unsigned long long)mm_available_pages(mm), (unsigned long long)available);
    return true;
}

/* Check 4 for one frame a PTE maps; false (with the message) if broken. */
static bool check_frame_mapped(struct checker *c, const struct pt_visit *v, uint64_t pfn)
{
    struct mm *mm = c->mm;
    if (pfn_location(mm, pfn) != ActiveAndValid)
        return fail(c, "PTE at %llx maps pfn %llx, which is not Active",
                    (unsigned long long)v->entry_va, (unsigned long long)pfn);
    if (pfn_pte_address(mm, pfn) != v->entry_va)
        return fail(c, "pfn %llx: PteAddress %llx, but the PTE at %llx maps it",
                    (unsigned long long)pfn, (unsigned long long)pfn_pte_address(mm, pfn),
                    (unsigned long long)v->entry_va);
    if (pfn_pte_frame(mm, pfn) != v->table_pfn)
        return fail(c, "pfn %llx: PteFrame %llx, but its PTE is in frame %llx",
                    (unsigned long long)pfn, (unsigned long long)pfn_pte_frame(mm, pfn),
                    (unsigned long long)v->table_pfn);
    c->mappings[pfn]++;
    return true;
}

/* Check 10 for a process PTE: a frame with PrototypePte is mapped by valid
 * PTEs with the Prototype bit, each counting in the frame's ShareCount and
 * in its page table's (section.h (2)); other frames by PTEs without it. */
static bool check_shared_mapping(struct checker *c, const struct pt_visit *v)
{
    struct mm *mm = c->mm;
    struct pte_fields f;
    mm->cpu->fmt->decode(v->entry, PTE_IN_PAGE_TABLE, &f);
    bool shared = pfn_e1(mm, v->target_pfn, PFN_E1_PROTOTYPE_PTE, 1);
    if (f.prototype != shared)
        return fail(c, "PTE at %llx maps pfn %llx %s the Prototype bit",
                    (unsigned long long)v->entry_va, (unsigned long long)v->target_pfn,
                    shared ? "of a section without" : "of private memory with");
    if (!shared)
        return true;
    if (pfn_location(mm, v->target_pfn) != ActiveAndValid)
        return fail(c, "PTE at %llx maps section pfn %llx, which is not Active",
                    (unsigned long long)v->entry_va, (unsigned long long)v->target_pfn);
    c->mappings[v->target_pfn]++;
    c->mappings[v->table_pfn]++;
    return true;
}

/* Check 13: one more name of a pagefile slot, if raw is a pagefile PTE. */
static void name_slot(struct checker *c, uint64_t raw, enum pte_context context)
{
    const struct mm_paging_files *files = c->mm->paging_files;
    struct pte_fields f;
    c->mm->cpu->fmt->decode(raw, context, &f);
    if (f.kind != PTE_KIND_PAGEFILE)
        return;
    if (!files || f.page_file_low >= files->count ||
        f.page_file_high >= files->file[f.page_file_low].size) {
        fail(c, "PTE %llx names a slot beyond every pagefile", (unsigned long long)raw);
        return;
    }
    uint8_t *n = &c->slot_names[f.page_file_low][f.page_file_high];
    if (++*n > 1)
        fail(c, "pagefile %u slot %llx is named twice (%llx)", f.page_file_low,
             (unsigned long long)f.page_file_high, (unsigned long long)raw);
}

/* The PTEs of a user page table, for check 13. */
static void name_slots_of_table(struct checker *c, uint64_t table_pfn)
{
    const struct pte_format *fmt = c->mm->cpu->fmt;
    const uint8_t *table = mi_frame(c->mm, table_pfn);
    for (unsigned i = 0; i < PAGE_SIZE / fmt->pte_size && !c->failed; i++)
        name_slot(c, mm_load(table + i * fmt->pte_size, fmt->pte_size), PTE_IN_PAGE_TABLE);
}

static bool alloc_slot_names(struct checker *c)
{
    const struct mm_paging_files *files = c->mm->paging_files;
    for (unsigned k = 0; files && k < files->count; k++)
        if (!(c->slot_names[k] = calloc(files->file[k].size, 1)))
            return false;
    return true;
}

static void check_slot_names(struct checker *c)
{
    struct mm *mm = c->mm;
    const struct mm_paging_files *files = mm->paging_files;
    for (uint64_t pfn = 0; pfn < mm->frames && !c->failed; pfn++) {
        enum mm_list list = pfn_location(mm, pfn);
        if (list == ActiveAndValid || list == StandbyPageList || list == ModifiedPageList)
            name_slot(c, pfn_original_pte(mm, pfn),
                      pfn_e1(mm, pfn, PFN_E1_PROTOTYPE_PTE, 1) ? PTE_IN_PROTOTYPE
                                                                : PTE_IN_PAGE_TABLE);
    }
    for (unsigned k = 0; files && k < files->count && !c->failed; k++)
        for (uint64_t slot = 1; slot < files->file[k].size && !c->failed; slot++)
            if (mi_paging_file_slot_used(mm, k, slot) != (c->slot_names[k][slot] == 1))
                fail(c, "pagefile %u slot %llx is %s but %s", k, (unsigned long long)slot,
                     c->slot_names[k][slot] ? "named" : "not named",
                     mi_paging_file_slot_used(mm, k, slot) ? "used" : "free");
}

/* In a process's tables only the user part and the self-map belong to it;
 * the kernel entries copied from the System's tables are counted there. */
static enum pt_next check_mapping(struct mm *mm, const struct pt_visit *v, void *context)
{
    struct checker *c = context;
    if (!v->counted)
        return PT_CONTINUE;
    if (c->process && v->va >= mm->system_range_start && !v->self_map &&
        (v->va < mm->layout.hyperspace || v->va > mm->layout.working_set_list_end))
        return PT_SKIP; /* the kernel's, counted in the System's tables; hyperspace is the process's */
    if (c->process && v->level == mm->cpu->fmt->levels - 2 && !v->pages && !v->self_map &&
        v->va < mm->system_range_start)
        name_slots_of_table(c, v->target_pfn); /* check 13 */
    if (c->process && v->pages == 1 && v->target_pfn == mm->shared_user_data_pfn)
        return PT_CONTINUE; /* a copy of the kernel's PTE, counted in no ShareCount */
    if (c->process && !v->self_map)
        c->resident += v->pages ? v->pages : 1;
    if (c->process && v->pages == 1 && v->level == mm->cpu->fmt->levels - 1 &&
        !check_shared_mapping(c, v))
        return PT_STOP;
    if (c->process && v->pages == 1 && v->level == mm->cpu->fmt->levels - 1 &&
        pfn_e1(mm, v->target_pfn, PFN_E1_PROTOTYPE_PTE, 1))
        return PT_CONTINUE;
    for (uint64_t i = 0; i < (v->pages ? v->pages : 1); i++)
        if (!check_frame_mapped(c, v, v->target_pfn + i))
            return PT_STOP;
    return PT_CONTINUE;
}

static int compare_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* Check 8: the working-set list (wsl.c (1)-(4)): its valid entries name
 * valid pages, once each, Direct exactly for frames that are not a
 * section's (WsIndex pointing back), as many as the walk found resident
 * (with the top-level tables, which it does not count); the free list and
 * the counts agree. */
static void check_working_set(struct checker *c, const struct mm_address_space *as,
                              unsigned top_tables)
{
    struct mm *mm = c->mm;
    const struct pte_format *fmt = mm->cpu->fmt;
    uint64_t initialized = mi_wsl_entries(mm, as);
    if (mi_wsl_field(mm, as, MI_WSL_LAST_INITIALIZED) + 1 != initialized) {
        fail(c, "space at %llx: LastInitializedWsle %llx, its list pages hold %llx entries",
             (unsigned long long)as->directory_table_base,
             (unsigned long long)mi_wsl_field(mm, as, MI_WSL_LAST_INITIALIZED),
             (unsigned long long)initialized);
        return;
    }
    uint64_t last = mi_wsl_field(mm, as, MI_WSL_LAST_ENTRY);
    uint64_t *vas = calloc(initialized, sizeof *vas);
    if (!vas) {
        fail(c, "the host is out of memory");
        return;
    }
    uint64_t valid = 0, non_direct = 0, locked = 0, highest = 0;
    for (uint64_t i = 0; i < initialized && !c->failed; i++) {
        uint64_t e = mi_wsle(mm, as, i), va = e & ~(uint64_t)(PAGE_SIZE - 1);
        if (!(e & MI_WSLE_VALID))
            continue;
        uint64_t pte = mi_read_pte(mm, as, pte_address(fmt, va, 0));
        uint64_t pfn = (pte & fmt->pfn_mask) >> PAGE_SHIFT;
        bool shared = pfn < mm->frames && pfn_e1(mm, pfn, PFN_E1_PROTOTYPE_PTE, 1);
        if (!(pte & PTE_HW_VALID) || pfn >= mm->frames)
            fail(c, "WSLE %llx of the space at %llx names %llx, whose PTE %llx is not valid",
                 (unsigned long long)i, (unsigned long long)as->directory_table_base,
                 (unsigned long long)va, (unsigned long long)pte);
        else if (!!(e & MI_WSLE_DIRECT) == shared ||
                 ((e & MI_WSLE_DIRECT) && pfn_flink(mm, pfn) != i))
            fail(c, "WSLE %llx (%llx) of pfn %llx: Direct %d, WsIndex %llx", (unsigned long long)i,
                 (unsigned long long)va, (unsigned long long)pfn, !!(e & MI_WSLE_DIRECT),
                 (unsigned long long)pfn_flink(mm, pfn));
        vas[valid++] = va;
        non_direct += !(e & MI_WSLE_DIRECT);
        locked += (e & MI_WSLE_LOCKED_IN_WS) && va <= as->highest_user_address;
        highest = i;
    }
    qsort(vas, valid, sizeof *vas, compare_u64);
    for (uint64_t i = 1; i < valid && !c->failed; i++)
        if (vas[i] == vas[i - 1])
            fail(c, "%llx is in the working set twice", (unsigned long long)vas[i]);
    free(vas);
    uint64_t free_entries = 0;
    for (uint64_t i = mi_wsl_field(mm, as, MI_WSL_FIRST_FREE);
         i != MI_WSLE_NULL_INDEX && !c->failed; free_entries++) {
        if (i >= initialized || free_entries >= initialized || (mi_wsle(mm, as, i) & MI_WSLE_VALID))
            fail(c, "the free WSLE list of the space at %llx is broken at %llx",
                 (unsigned long long)as->directory_table_base, (unsigned long long)i);
        else
            i = (mi_wsle(mm, as, i) >> MI_FREE_WSLE_SHIFT) & MI_WSLE_NULL_INDEX;
    }
    if (c->failed)
        return;
    if (valid != as->working_set_pages || valid != c->resident + top_tables)
        fail(c, "space at %llx: working set %llu pages, %llu WSLEs, %llu resident",
             (unsigned long long)as->directory_table_base,
             (unsigned long long)as->working_set_pages, (unsigned long long)valid,
             (unsigned long long)(c->resident + top_tables));
    else if (valid + free_entries != initialized || last != highest ||
             non_direct != mi_wsl_field(mm, as, MI_WSL_NON_DIRECT) || locked != as->locked_pages)
        fail(c, "space at %llx: WSL counts disagree (valid %llu free %llu initialized %llu, "
                "LastEntry %llx highest %llx, NonDirect %llu/%llu, locked %llu/%llu)",
             (unsigned long long)as->directory_table_base, (unsigned long long)valid,
             (unsigned long long)free_entries, (unsigned long long)initialized,
             (unsigned long long)last, (unsigned long long)highest,
             (unsigned long long)non_direct,
             (unsigned long long)mi_wsl_field(mm, as, MI_WSL_NON_DIRECT),
             (unsigned long long)locked, (unsigned long long)as->locked_pages);
}

/* Check 9: a space's working set and commit charge are what its tables and
 * VADs hold (commit.c (2)). */
/* Pages of a VAD its PTEs and flags say are committed, region by region
 * (mm_query reads without changing anything). */
static uint64_t committed_pages(struct checker *c, struct mm_address_space *as,
                                const struct vad *v)
{
    uint64_t pages = 0, end = (v->EndingVpn + 1) << PAGE_SHIFT;
    struct mm_region r;
    for (uint64_t va = v->StartingVpn << PAGE_SHIFT; va < end; va = r.base + r.size) {
        if (!NT_SUCCESS(mm_query(c->mm, as, va, &r)) || !r.size)
            break;
        if (r.state == MM_STATE_COMMIT)
            pages += r.size >> PAGE_SHIFT;
    }
    return pages;
}

/* Check 10 for a view: a process PTE that points at a prototype PTE points
 * at the one its page of the segment has (section.h, view.c (1)), unless it
 * is MI_PTE_LOOKUP_NEEDED with a protection of its own (view.c (5)). Reads
 * the space's PTEs without the MMU (pteio.c (1)). */
static void check_view_ptes(struct checker *c, struct mm_address_space *as, const struct vad *v)
{
    struct mm *mm = c->mm;
    struct mm_page p;
    for (uint64_t vpn = v->StartingVpn; vpn <= v->EndingVpn && !c->failed; vpn++) {
        mi_read_view_page(mm, as, v, vpn << PAGE_SHIFT, &p);
        bool lookup = p.f.kind == PTE_KIND_PROTOTYPE &&
                      p.f.proto_address == mm->cpu->fmt->proto_lookup_needed;
        if (lookup && !p.f.protection)
            fail(c, "PTE of %llx is MI_PTE_LOOKUP_NEEDED without a protection",
                 (unsigned long long)(vpn << PAGE_SHIFT));
        else if (p.f.kind == PTE_KIND_PROTOTYPE && !lookup && p.f.proto_address != p.proto_va)
            fail(c, "PTE of %llx points at prototype PTE %llx, its page's is %llx",
                 (unsigned long long)(vpn << PAGE_SHIFT), (unsigned long long)p.f.proto_address,
                 (unsigned long long)p.proto_va);
        else if (p.f.kind != PTE_KIND_PROTOTYPE && p.f.kind != PTE_KIND_VALID &&
                 p.f.kind != PTE_KIND_TRANSITION && p.f.kind != PTE_KIND_PAGEFILE)
            fail(c, "PTE of view page %llx has kind %d", (unsigned long long)(vpn << PAGE_SHIFT),
                 p.f.kind);
    }
}

static void check_space_counters(struct checker *c, struct mm_address_space *as)
{
    uint64_t commit = 0;
    for (const struct vad *v = vad_first(&as->vads); v && !c->failed; v = vad_next(v)) {
        /* the shared user data page is the kernel's: its VAD charges nothing */
        uint64_t expected = v->u.NoChange        ? 0
                            : !v->u.PrivateMemory ? mi_view_commit_charge(c->mm, as, v)
                                                  : committed_pages(c, as, v);
        if (v->u.CommitCharge != expected)
            fail(c, "VAD %llx charges %llu pages of commit, %llu pages are committed",
                 (unsigned long long)v->StartingVpn, (unsigned long long)v->u.CommitCharge,
                 (unsigned long long)expected);
        commit += v->u.CommitCharge;
        if (!v->u.PrivateMemory)
            check_view_ptes(c, as, v);
    }
    c->committed += commit;
    if (!c->failed && commit != as->commit_charge)
        fail(c, "space at %llx: commit charge %llu, its VADs hold %llu",
             (unsigned long long)as->directory_table_base, (unsigned long long)as->commit_charge,
             (unsigned long long)commit);
}

/* Check 11: every pool page in use is mapped by a valid system PTE naming
 * RAM (pool.c (1)), before anything reads prototype PTEs through it. */
static void check_pool(struct checker *c)
{
    struct mm *mm = c->mm;
    for (uint64_t i = 0; i < MM_POOL_PAGES && !c->failed; i++)
        if (mm->pool_used[i] && !mi_pool_mapped(mm, mm->pool_base + i * PAGE_SIZE))
            fail(c, "pool page %llx is in use but its system PTE maps no RAM",
                 (unsigned long long)(mm->pool_base + i * PAGE_SIZE));
}

static void check_address_space(struct checker *c, uint64_t cr3)
{
    struct pt_visit bad;
    if (!c->failed && !mm_visit_page_tables(c->mm, cr3, check_mapping, c, &bad) && !c->failed)
        fail(c, "the entry at %llx points outside physical memory",
             (unsigned long long)bad.entry_va);
}

/* Check 10 for one prototype PTE. */
static bool check_proto(struct checker *c, const struct mm_control_area *ca,
                        const struct mm_subsection *s, uint64_t proto_va, uint64_t *committed)
{
    struct mm *mm = c->mm;
    struct pte_fields f;
    mm->cpu->fmt->decode(mi_read_proto(mm, proto_va), PTE_IN_PROTOTYPE, &f);
    switch (f.kind) {
    case PTE_KIND_VALID:
    case PTE_KIND_TRANSITION: {
        uint64_t pfn = f.page_frame_number;
        if (pfn >= mm->frames)
            return fail(c, "prototype PTE %llx names pfn %llx, beyond RAM",
                        (unsigned long long)proto_va, (unsigned long long)pfn);
        enum mm_list location = pfn_location(mm, pfn);
        if (!holds_pte(location) ||
            (f.kind == PTE_KIND_VALID) != (location == ActiveAndValid))
            return fail(c, "prototype PTE %llx names pfn %llx in the wrong state",
                        (unsigned long long)proto_va, (unsigned long long)pfn);
        if (!pfn_e1(mm, pfn, PFN_E1_PROTOTYPE_PTE, 1) || pfn_pte_address(mm, pfn) != proto_va ||
            pfn_pte_frame(mm, pfn) != mi_pool_frame(mm, proto_va))
            return fail(c, "pfn %llx does not point back at its prototype PTE %llx",
                        (unsigned long long)pfn, (unsigned long long)proto_va);
        *committed += !ca->file;
        return true;
    }
    case PTE_KIND_SUBSECTION:
        if (!ca->file || f.subsection_address != s->address)
            return fail(c, "prototype PTE %llx names subsection %llx, not its own %llx",
                        (unsigned long long)proto_va, (unsigned long long)f.subsection_address,
                        (unsigned long long)s->address);
        return true;
    case PTE_KIND_PAGEFILE:
        name_slot(c, mi_read_proto(mm, proto_va), PTE_IN_PROTOTYPE); /* check 13 */
        /* fallthrough */
    case PTE_KIND_DEMAND_ZERO:
        *committed += 1;
        /* fallthrough */
    case PTE_KIND_ZERO:
        if (ca->file)
            return fail(c, "prototype PTE %llx of a file is not a subsection PTE",
                        (unsigned long long)proto_va);
        return true;
    default:
        return fail(c, "prototype PTE %llx has kind %d", (unsigned long long)proto_va, f.kind);
    }
}

static void check_sections(struct checker *c)
{
    struct mm *mm = c->mm;
    uint64_t total = 0;
    for (const struct mm_control_area *ca = mm->control_areas; ca && !c->failed; ca = ca->next) {
        uint64_t committed = 0;
        if (!ca->section_refs && !ca->mapped_views)
            fail(c, "control area %llx is unused but alive", (unsigned long long)ca->address);
        for (unsigned i = 0; i < ca->subsection_count && !c->failed; i++) {
            const struct mm_subsection *s = &ca->subsections[i];
            for (uint64_t k = 0; k < s->ptes && !c->failed; k++)
                check_proto(c, ca, s, s->proto_va + k * mm->cpu->fmt->pte_size, &committed);
        }
        if (!c->failed && !ca->file && committed != ca->commit)
            fail(c, "control area %llx charges %llu pages, %llu are committed",
                 (unsigned long long)ca->address, (unsigned long long)ca->commit,
                 (unsigned long long)committed);
        total += ca->commit;
    }
    if (!c->failed && total != mm->section_commit)
        fail(c, "segments charge %llu pages, MmSharedCommit says %llu", (unsigned long long)total,
             (unsigned long long)mm->section_commit);
}

static bool check_share_counts(struct checker *c)
{
    struct mm *mm = c->mm;
    for (uint64_t pfn = 0; pfn < mm->frames; pfn++) {
        if (!holds_pte(pfn_location(mm, pfn)))
            continue;
        uint64_t parent = pfn_pte_frame(mm, pfn);
        if (parent != pfn && parent < mm->frames)
            c->mappings[parent]++; /* a child counts in its page table's ShareCount */
    }
    for (uint64_t pfn = 0; pfn < mm->frames; pfn++) {
        if (pfn_location(mm, pfn) != ActiveAndValid)
            continue;
        if (pfn_share_count(mm, pfn) != c->mappings[pfn])
            return fail(c, "pfn %llx: ShareCount %llu, but %u PTEs and children use it",
                        (unsigned long long)pfn, (unsigned long long)pfn_share_count(mm, pfn),
                        c->mappings[pfn]);
        if (pfn_reference_count(mm, pfn) != 1)
            return fail(c, "pfn %llx: Active with ReferenceCount %u", (unsigned long long)pfn,
                        pfn_reference_count(mm, pfn));
    }
    return true;
}

NTSTATUS mm_verify(struct mm *mm, char *message, size_t size)
{
    struct checker c = { .mm = mm, .message = message, .size = size };
    c.mappings = calloc(mm->frames, sizeof *c.mappings);
    c.on_list = calloc(mm->frames, 1);
    if (!c.mappings || !c.on_list || !alloc_slot_names(&c)) {
        free(c.mappings);
        free(c.on_list);
        for (unsigned k = 0; k < MM_MAXIMUM_PAGING_FILES; k++)
            free(c.slot_names[k]);
        if (message && size)
            snprintf(message, size, "the host is out of memory");
        return STATUS_NO_MEMORY;
    }
    for (unsigned list = 0; list < MM_LIST_HEADS && !c.failed; list++)
        check_list(&c, list);
    if (!c.failed)
        check_frames(&c);
    check_pool(&c);
    check_address_space(&c, mm->system_cr3);
    if (!c.failed)
        check_sections(&c); /* before the views read prototype PTEs */
    c.process = true;
    for (struct mm_address_space *as = mm->spaces; as; as = as->next) {
        c.resident = 0;
        check_address_space(&c, as->directory_table_base);
        check_space_counters(&c, as);
        if (!c.failed)
            check_working_set(&c, as, mm->cpu->fmt->self_map_count);
        char vad_message[200];
        if (!c.failed && !vad_check(&as->vads, vad_message, sizeof vad_message))
            fail(&c, "VAD tree of the space at %llx: %s",
                 (unsigned long long)as->directory_table_base, vad_message);
    }
    if (!c.failed && c.committed + mm->section_commit != mm_symbol_word(mm, SYM_MmTotalCommittedPages))
        fail(&c, "MmTotalCommittedPages %llu, the VADs hold %llu and the segments %llu",
             (unsigned long long)mm_symbol_word(mm, SYM_MmTotalCommittedPages),
             (unsigned long long)c.committed, (unsigned long long)mm->section_commit);
    if (!c.failed)
        check_share_counts(&c);
    if (!c.failed && !mi_check_paging_files(mm, message, size))
        c.failed = true;
    if (!c.failed)
        check_slot_names(&c);
    free(c.mappings);
    free(c.on_list);
    for (unsigned k = 0; k < MM_MAXIMUM_PAGING_FILES; k++)
        free(c.slot_names[k]);
    if (c.failed)
        return STATUS_INTERNAL_ERROR;
    if (message && size)
        snprintf(message, size, "ok");
    return STATUS_SUCCESS;
}
