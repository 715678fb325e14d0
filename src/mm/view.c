/*
 * view.c — views of sections (Windows: MiMapViewOfSection,
 * MiUnmapViewOfSection, MiResolveProtoPteFault, MiCopyOnWrite,
 * MiFlushSectionInternal): Mapped VADs whose process PTEs point at the
 * segment's prototype PTEs (section.h).
 *
 *   process PTE      prototype ----first touch----> valid, Prototype bit (shared frame)
 *   (at map time)        ^                              |  write to a copy-on-write page
 *                        |                              v
 *                  (unmap: zero)          valid, private frame holding a copy
 *
 * (1) Mapping writes a prototype PTE (pointing at the segment's prototype
 *     PTE) into every process PTE of the view, creating the page tables
 *     first; unmapping zeroes them and frees the tables left empty.
 * (2) A view page's protection is the view's (the VAD's) for data sections
 *     and its subsection's for images; a copy made by copy-on-write has the
 *     writable protection it became (WRITECOPY -> READWRITE,
 *     EXECUTE_WRITECOPY -> EXECUTE_READWRITE), kept in its PFN's OriginalPte.
 * (3) A valid process PTE of a shared frame has the Prototype bit; with a
 *     copy-on-write protection it has CopyOnWrite set and Write clear, so the
 *     first write faults and gets the copy.
 * (4) A view's VAD charges its process one page of commit for each page it
 *     could copy or has copied (section.h (5)): all its pages for a
 *     copy-on-write view of data, the copy-on-write pages of an image, every
 *     page of an image relocated for its view (image.c (3)).
 * (5) VirtualProtect in a view (mi_protect_view) gives a shared page its
 *     own protection where Windows keeps it: in the page's working-set list
 *     entry while it is resident (wsl.c (6)), in its process PTE while it
 *     is not, as MI_PTE_LOOKUP_NEEDED (a prototype PTE whose prototype the
 *     VAD names) with that protection; a page whose protection is its
 *     view's again has neither. A shared page that becomes no-access or
 *     guard is unmapped to that PTE; a private copy changes as private
 *     memory does (protect.c). A protection must be one the view allows: executing
 *     needs an executable view, writing a writable one, except that where
 *     the view copies on write (a FILE_MAP_COPY view, an image) READWRITE
 *     becomes WRITECOPY; WRITECOPY, READONLY and NOACCESS are always allowed
 *     (Wine's test_mapping records Windows so). Else STATUS_SECTION_PROTECTION,
 *     and nothing changes.
 */
#include "io/io.h"
#include "mm/pagefile.h"
#include "mm/section.h"

static const struct pte_format *format(const struct mm *mm)
{
    return mm->cpu->fmt;
}

bool mi_protection_writes(unsigned protection)
{
    return (protection & 7) == MM_READWRITE || (protection & 7) == MM_EXECUTE_READWRITE;
}

bool mi_protection_executes(unsigned protection)
{
    unsigned base = protection & 7;
    return base == MM_EXECUTE || base == MM_EXECUTE_READ || base == MM_EXECUTE_READWRITE ||
           base == MM_EXECUTE_WRITECOPY;
}

bool mi_protection_compatible(unsigned wanted, unsigned allowed)
{
    return (!mi_protection_writes(wanted) || mi_protection_writes(allowed)) &&
           (!mi_protection_executes(wanted) || mi_protection_executes(allowed));
}

static bool is_copy_on_write(unsigned protection)
{
    unsigned base = protection & 7;
    return base == MM_WRITECOPY || base == MM_EXECUTE_WRITECOPY;
}

/* The protection a prototype PTE's page carries: its own (demand zero,
 * subsection, transition) or, when valid, the one in its frame's OriginalPte. */
static unsigned proto_protection(const struct mm *mm, const struct pte_fields *proto)
{
    if (proto->kind != PTE_KIND_VALID)
        return proto->protection;
    struct pte_fields original;
    format(mm)->decode(pfn_original_pte(mm, proto->page_frame_number), PTE_IN_PROTOTYPE,
                       &original);
    return original.protection;
}

/* image.c (3): an image view away from its control area's base; an image
 * based at 0 is never at its base (no view starts below 64 KB). */
static bool relocated_view(const struct vad *vad)
{
    if (!vad->u.ImageMap)
        return false;
    uint64_t base = vad->ControlArea->image_info->base;
    return !base || vad->StartingVpn << PAGE_SHIFT != base;
}

/* view.c (4): a page is charged if the view was relocated, if it is a
 * private copy already, or if its protection may still copy it. */
static bool page_charged(const struct vad *vad, const struct mm_page *p)
{
    return relocated_view(vad) || mi_view_page_private(p) || is_copy_on_write(p->protection);
}

bool mi_view_page_private(const struct mm_page *p)
{
    return (p->f.kind == PTE_KIND_VALID && !p->f.prototype) || p->f.kind == PTE_KIND_TRANSITION ||
           p->f.kind == PTE_KIND_PAGEFILE;
}

uint64_t mi_view_commit_charge(struct mm *mm, struct mm_address_space *as, const struct vad *vad)
{
    uint64_t pages = vad->EndingVpn + 1 - vad->StartingVpn, charge = 0;
    if (as) {
        struct mm_page p;
        for (uint64_t i = 0; i < pages; i++) {
            mi_read_view_page(mm, as, vad, (vad->StartingVpn + i) << PAGE_SHIFT, &p);
            charge += page_charged(vad, &p);
        }
        return charge;
    }
    if (!vad->u.ImageMap)
        return is_copy_on_write(vad->u.Protection) ? pages : 0;
    if (relocated_view(vad))
        return pages;
    for (uint64_t i = 0; i < pages; i++) {
        const struct mm_subsection *s = mi_subsection_of_page(vad->ControlArea, vad->FirstPage + i);
        charge += s && is_copy_on_write(s->protection);
    }
    return charge;
}

/* (2) The protection a shared page of the view has unless VirtualProtect
 * gave it its own. */
static unsigned view_protection(const struct mm *mm, const struct vad *vad,
                                const struct mm_page *p)
{
    return vad->u.ImageMap ? proto_protection(mm, &p->proto) : vad->u.Protection;
}

void mi_read_view_page(const struct mm *mm, const struct mm_address_space *as,
                       const struct vad *vad, uint64_t va, struct mm_page *p)
{
    const struct pte_format *fmt = format(mm);
    p->pte_va = pte_address(fmt, va, 0);
    mi_decode_pte(mm, p->pte_va, mi_read_pte(mm, as, p->pte_va), PTE_IN_PAGE_TABLE, &p->f);
    uint64_t page = vad->FirstPage + ((va >> PAGE_SHIFT) - vad->StartingVpn);
    p->proto_va = mi_proto_address(vad->ControlArea, page);
    mi_decode_pte(mm, p->proto_va, mi_read_proto(mm, p->proto_va), PTE_IN_PROTOTYPE, &p->proto);
    if (mi_view_page_private(p)) { /* a private copy, (2), resident or paged out */
        struct pte_fields original = p->f;
        if (p->f.kind == PTE_KIND_VALID)
            fmt->decode(pfn_original_pte(mm, p->f.page_frame_number), PTE_IN_PAGE_TABLE,
                        &original);
        p->committed = true;
        p->protection = original.protection;
        return;
    }
    p->committed = p->proto.kind != PTE_KIND_ZERO;
    unsigned own = 0; /* (5) */
    if (p->f.kind == PTE_KIND_PROTOTYPE && p->f.proto_address == fmt->proto_lookup_needed)
        own = p->f.protection;
    else if (p->f.kind == PTE_KIND_VALID)
        own = mi_ws_protection(mm, as, va, p->f.page_frame_number);
    p->protection = own ? own : view_protection(mm, vad, p);
}

/* (5) The PTE of a shared page out of the working set: a pointer to its
 * prototype PTE, or MI_PTE_LOOKUP_NEEDED with the page's own protection. */
uint64_t mi_view_page_pte(const struct mm *mm, const struct vad *vad, const struct mm_page *p,
                          unsigned protection)
{
    if (protection == view_protection(mm, vad, p))
        return mi_proto_pointer_pte(mm, p->proto_va);
    struct pte_fields f = { .kind = PTE_KIND_PROTOTYPE,
                            .proto_address = format(mm)->proto_lookup_needed,
                            .protection = protection };
    return mi_encode_pte(mm, &f);
}

/* A prototype PTE's frame gains a mapping, (1) of section.h: it is made
 * valid first if it is not. */
static NTSTATUS make_proto_valid(struct mm *mm, const struct vad *vad, const struct mm_page *p,
                                 uint64_t *pfn_out, struct mi_fault *f)
{
    struct mm_control_area *ca = vad->ControlArea;
    uint64_t raw = mi_read_proto(mm, p->proto_va), pfn;
    unsigned protection = proto_protection(mm, &p->proto);
    switch (p->proto.kind) {
    case PTE_KIND_VALID:
        pfn = p->proto.page_frame_number;
        pfn_set_share_count(mm, pfn, pfn_share_count(mm, pfn) + 1);
        *pfn_out = pfn;
        return STATUS_SUCCESS;
    case PTE_KIND_TRANSITION: /* Windows: MiResolveTransitionFault on a prototype PTE */
        pfn = p->proto.page_frame_number;
        mi_restore_to_active(mm, pfn);
        mi_fault_counts(f, MI_INFO_TRANSITION);
        break;
    case PTE_KIND_DEMAND_ZERO:
        pfn = mi_take_page(mm, true);
        if (pfn == MM_EMPTY_LIST(mm))
            return STATUS_INSUFFICIENT_RESOURCES;
        pfn_initialize_active(mm, pfn, p->proto_va, mi_pool_frame(mm, p->proto_va), raw);
        mi_set_modified(mm, pfn); /* no copy anywhere else */
        pfn_set_e1(mm, pfn, PFN_E1_PROTOTYPE_PTE, 1, 1);
        mi_fault_counts(f, MI_INFO_DEMAND_ZERO);
        break;
    case PTE_KIND_PAGEFILE:   /* a pagefile-backed page the pager wrote out: a hard fault */
    case PTE_KIND_SUBSECTION: { /* Windows: MiResolveMappedFileFault, then the page read */
        pfn = mi_take_page(mm, false);
        if (pfn == MM_EMPTY_LIST(mm))
            return STATUS_INSUFFICIENT_RESOURCES;
        uint8_t *page = mi_frame_for_write(mm, pfn);
        NTSTATUS st = p->proto.kind == PTE_KIND_PAGEFILE
                          ? mi_read_paging_file(mm, p->proto.page_file_low,
                                                p->proto.page_file_high, &page, 1)
                          : mi_read_section_page(ca, mi_proto_page(ca, p->proto_va), page);
        if (!NT_SUCCESS(st)) {
            mm_insert_page_in_free_list(mm, pfn);
            return STATUS_IN_PAGE_ERROR;
        }
        pfn_initialize_active(mm, pfn, p->proto_va, mi_pool_frame(mm, p->proto_va), raw);
        pfn_set_e1(mm, pfn, PFN_E1_PROTOTYPE_PTE, 1, 1);
        mi_fault_counts(f, MI_INFO_PAGE_READ);
        mi_fault_counts(f, MI_INFO_PAGE_READ_IO);
        break;
    }
    default:
        return STATUS_ACCESS_VIOLATION;
    }
    mi_write_proto(mm, p->proto_va, mi_valid_pte(mm, pfn, protection));
    *pfn_out = pfn;
    return STATUS_SUCCESS;
}

/* The valid process PTE of a shared frame, (3). */
static uint64_t shared_pte(const struct mm *mm, uint64_t pfn, unsigned protection)
{
    struct pte_fields f;
    format(mm)->decode(mi_valid_pte(mm, pfn, protection), PTE_IN_PAGE_TABLE, &f);
    f.prototype = true;
    return mi_encode_pte(mm, &f);
}

/* A shared frame loses one mapping; with dirty, the mapping wrote it. The
 * last one sends it to the modified or standby list (section.h (2)). */
static void add_to_table(struct mm *mm, const struct mm_address_space *as, uint64_t pte_va,
                         int64_t delta)
{
    uint64_t table = mi_holding_table(mm, as, pte_mapped_address(format(mm), pte_va),
                                      format(mm)->levels - 1);
    pfn_set_share_count(mm, table, pfn_share_count(mm, table) + (uint64_t)delta);
}

/* protection with its copy-on-write base turned into the writable one
 * (to_copy false) or the other way round. */
static unsigned swap_copy(unsigned protection, bool to_copy)
{
    static const unsigned writable[8] = { 0, 1, 2, 3, 4, 4, 6, 6 };
    static const unsigned copying[8] = { 0, 1, 2, 3, 5, 5, 7, 7 };
    return (protection & ~7u) | (to_copy ? copying : writable)[protection & 7];
}

/* Windows: MiCopyOnWrite — the writer gets a private copy, (2). */
enum mi_fault_result mi_resolve_copy_on_write(struct mm *mm, struct mi_fault *f)
{
    const struct mm_page *p = &f->page;
    uint64_t shared = p->f.page_frame_number, pfn = mi_take_page(mm, false);
    if (pfn == MM_EMPTY_LIST(mm))
        return mi_fault_raise(f, STATUS_INSUFFICIENT_RESOURCES);
    memcpy(mi_frame_for_write(mm, pfn), mi_frame(mm, shared), PAGE_SIZE);
    unsigned writable = swap_copy(p->protection, false);
    uint64_t table = mi_holding_table(mm, f->as, f->va, format(mm)->levels - 1);
    pfn_initialize_active(mm, pfn, p->pte_va, table, mi_software_pte(mm, writable));
    mi_set_modified(mm, pfn);
    mi_write_pte(mm, f->as, p->pte_va, mi_valid_pte(mm, pfn, writable));
    add_to_table(mm, f->as, p->pte_va, -1);
    /* the entry stays; it now names a private frame (wsl.c (2)) */
    bool locked = mi_ws_remove(mm, f->as, f->va, shared);
    mi_ws_insert(mm, f->as, f->va, pfn);
    if (locked)
        mi_ws_set_locked(mm, f->as, mi_ws_find(mm, f->as, f->va, pfn), true);
    /* written before a protection change made it copy-on-write (5) */
    mi_decrement_share_count(mm, shared, p->f.dirty);
    mi_fault_counts(f, MI_INFO_COPY_ON_WRITE);
    return MI_FAULT_RESOLVED;
}

/* image.c (3): a private page relocated for this view's base. */
static enum mi_fault_result private_image_page(struct mm *mm, struct mi_fault *f)
{
    const struct vad *vad = f->vad;
    const struct mm_page *p = &f->page;
    uint64_t pfn = mi_take_page(mm, false);
    if (pfn == MM_EMPTY_LIST(mm))
        return mi_fault_raise(f, STATUS_INSUFFICIENT_RESOURCES);
    uint64_t page = vad->FirstPage + ((f->va >> PAGE_SHIFT) - vad->StartingVpn);
    if (!NT_SUCCESS(mi_read_image_page(vad->ControlArea, page, vad->StartingVpn << PAGE_SHIFT,
                                       mi_frame_for_write(mm, pfn)))) {
        mm_insert_page_in_free_list(mm, pfn);
        return mi_fault_raise(f, STATUS_IN_PAGE_ERROR);
    }
    unsigned protection = swap_copy(p->protection, false);
    pfn_initialize_active(mm, pfn, p->pte_va,
                          mi_holding_table(mm, f->as, f->va, format(mm)->levels - 1),
                          mi_software_pte(mm, protection));
    mi_set_modified(mm, pfn);
    mi_write_pte(mm, f->as, p->pte_va, mi_valid_pte(mm, pfn, protection));
    mi_ws_insert(mm, f->as, f->va, pfn);
    mi_fault_counts(f, MI_INFO_PAGE_READ);
    mi_fault_counts(f, MI_INFO_PAGE_READ_IO);
    return MI_FAULT_RESOLVED;
}

/* Windows: MiResolveProtoPteFault — the process PTE points at the prototype
 * PTE; a write that copies is dispatched again to mi_resolve_copy_on_write. */
enum mi_fault_result mi_resolve_proto_fault(struct mm *mm, struct mi_fault *f)
{
    const struct mm_page *p = &f->page;
    if (relocated_view(f->vad))
        return private_image_page(mm, f);
    uint64_t pfn;
    NTSTATUS st = make_proto_valid(mm, f->vad, p, &pfn, f);
    if (!NT_SUCCESS(st))
        return mi_fault_raise(f, st);
    mi_write_pte(mm, f->as, p->pte_va, shared_pte(mm, pfn, p->protection));
    add_to_table(mm, f->as, p->pte_va, 1);
    uint64_t index = mi_ws_insert(mm, f->as, f->va, pfn);
    if (p->f.proto_address == format(mm)->proto_lookup_needed && index != MI_WSLE_NULL_INDEX)
        mi_ws_set_protection(mm, f->as, index, p->protection); /* (5) */
    f->counted |= MI_INFO_BIT(MI_INFO_PAGE_FAULT);
    return f->access == ACCESS_WRITE && is_copy_on_write(p->protection) ? MI_FAULT_RETRY
                                                                         : MI_FAULT_RESOLVED;
}

bool mi_unmap_view_page(struct mm *mm, struct mm_address_space *as, const struct mm_page *p,
                        uint64_t replacement)
{
    if (p->f.kind != PTE_KIND_ZERO || replacement)
        mi_write_pte(mm, as, p->pte_va, replacement);
    if (p->f.kind != PTE_KIND_VALID)
        return false;
    add_to_table(mm, as, p->pte_va, -1);
    bool locked = mi_ws_remove(mm, as, pte_mapped_address(format(mm), p->pte_va),
                               p->f.page_frame_number);
    mi_decrement_share_count(mm, p->f.page_frame_number, p->f.dirty);
    return locked;
}

uint64_t mi_proto_pointer_pte(const struct mm *mm, uint64_t proto_va)
{
    struct pte_fields f = { .kind = PTE_KIND_PROTOTYPE, .proto_address = proto_va };
    return mi_encode_pte(mm, &f);
}

void mi_view_deleted(struct mm *mm, struct vad *vad)
{
    (void)mm;
    vad->ControlArea->mapped_views--;
    mi_check_control_area(vad->ControlArea);
}

NTSTATUS mm_map_view(struct mm *mm, struct mm_address_space *as, struct mm_section *section,
                     uint64_t *base, uint64_t *size, uint64_t offset, uint64_t highest,
                     bool top_down, unsigned protection, ULONG page_protect)
{
    struct mm_control_area *ca = section->control_area;
    if (ca->image) { /* the whole image, where it belongs if it can be */
        if (offset || (*size && *size != section->size))
            return STATUS_INVALID_VIEW_SIZE;
        *size = section->size;
        protection = MM_EXECUTE_WRITECOPY;
        page_protect = PAGE_EXECUTE_WRITECOPY;
    }
    if (offset >= section->size || *size > section->size - offset)
        return STATUS_INVALID_VIEW_SIZE;
    if (!*size)
        *size = section->size - offset;
    uint64_t bytes = (*size + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
    if (*base && bytes - 1 > as->highest_user_address - *base)
        return STATUS_INVALID_VIEW_SIZE; /* it would run past the user address space */
    struct vad view = { .ControlArea = ca, .FirstPage = offset >> PAGE_SHIFT,
                        .StartingVpn = 0, .EndingVpn = (bytes >> PAGE_SHIFT) - 1,
                        .u = { .Protection = protection, .ImageMap = ca->image } };
    uint64_t at = *base;
    NTSTATUS moved = STATUS_SUCCESS;
    if (ca->image && !at) {
        at = ca->image_info->base;
        if (!at || vad_first_overlap(&as->vads, at >> PAGE_SHIFT, (at + bytes - 1) >> PAGE_SHIFT) ||
            at + bytes - 1 > highest) {
            if (!ca->image_info->pe.reloc_size ||
                (ca->image_info->pe.characteristics & PE_FILE_RELOCS_STRIPPED))
                return STATUS_CONFLICTING_ADDRESSES;
            at = 0;
            moved = STATUS_IMAGE_NOT_AT_BASE;
        }
    }
    view.StartingVpn = at >> PAGE_SHIFT;
    view.EndingVpn += view.StartingVpn;
    uint64_t charge = mi_view_commit_charge(mm, NULL, &view);
    NTSTATUS st = mi_charge_commit(mm, as, charge);
    if (!NT_SUCCESS(st))
        return st;
    st = mm_reserve(mm, as, &at, bytes, highest, top_down, false, protection, page_protect);
    if (NT_SUCCESS(st)) {
        mm_attach(mm, as);
        st = mi_make_tables_for_range(mm, as, at, bytes);
        if (!NT_SUCCESS(st))
            (void)mm_release(mm, as, at, 0);
    }
    if (!NT_SUCCESS(st)) {
        mi_return_commit(mm, as, charge);
        return st;
    }
    struct vad *vad = vad_find(&as->vads, at >> PAGE_SHIFT);
    vad->u.PrivateMemory = false;
    vad->u.ImageMap = ca->image;
    vad->u.CommitCharge = charge;
    vad->ControlArea = ca;
    vad->FirstPage = view.FirstPage;
    ca->mapped_views++;
    for (uint64_t i = 0; i < bytes >> PAGE_SHIFT; i++)
        mi_write_pte(mm, as, pte_address(format(mm), at + i * PAGE_SIZE, 0),
                     mi_proto_pointer_pte(mm, mi_proto_address(ca, vad->FirstPage + i)));
    *base = at;
    *size = bytes;
    return ca->image && at != ca->image_info->base ? STATUS_IMAGE_NOT_AT_BASE : moved;
}

static struct vad *view_at(struct mm_address_space *as, uint64_t va)
{
    struct vad *vad = va <= as->highest_user_address ? vad_find(&as->vads, va >> PAGE_SHIFT) : NULL;
    return vad && !vad->u.PrivateMemory ? vad : NULL;
}

/* Windows: MiFlushDirtyBitsToPfn, then MiFlushSectionInternal: the pages of
 * [start, end) this view wrote become modified, then every modified file
 * page there is written (section.h (3)). */
static NTSTATUS flush_range(struct mm *mm, const struct mm_address_space *as,
                            const struct vad *vad, uint64_t start, uint64_t end)
{
    struct mm_control_area *ca = vad->ControlArea;
    if (!ca->file || ca->image)
        return STATUS_SUCCESS;
    NTSTATUS result = STATUS_SUCCESS;
    struct mm_page p;
    for (uint64_t va = start; va < end; va += PAGE_SIZE) {
        mi_read_view_page(mm, as, vad, va, &p);
        if (p.f.kind == PTE_KIND_VALID && p.f.prototype && p.f.dirty) {
            mi_set_modified(mm, p.f.page_frame_number);
            mi_write_pte(mm, as, p.pte_va, mi_read_pte(mm, as, p.pte_va) & ~PTE_HW_DIRTY);
        }
        bool resident = p.proto.kind == PTE_KIND_VALID || p.proto.kind == PTE_KIND_TRANSITION;
        uint64_t pfn = p.proto.page_frame_number;
        if (resident && pfn_e1(mm, pfn, PFN_E1_MODIFIED, 1)) {
            NTSTATUS st = mi_write_page(ca, mi_proto_page(ca, p.proto_va), pfn);
            if (!NT_SUCCESS(st))
                result = STATUS_IN_PAGE_ERROR; /* Windows reports a failed flush so */
        }
    }
    return result;
}

NTSTATUS mm_unmap_view(struct mm *mm, struct mm_address_space *as, uint64_t va)
{
    struct vad *vad = view_at(as, va);
    if (!vad)
        return STATUS_NOT_MAPPED_VIEW;
    mm_attach(mm, as);
    (void)flush_range(mm, as, vad, vad->StartingVpn << PAGE_SHIFT, (vad->EndingVpn + 1) << PAGE_SHIFT);
    mi_delete_vad(mm, as, vad);
    return STATUS_SUCCESS;
}

NTSTATUS mm_flush_view(struct mm *mm, struct mm_address_space *as, uint64_t *base,
                       uint64_t *size)
{
    struct vad *vad = view_at(as, *base);
    if (!vad)
        return STATUS_NOT_MAPPED_VIEW;
    uint64_t start = *base & ~(PAGE_SIZE - 1), end = (vad->EndingVpn + 1) << PAGE_SHIFT;
    if (*size && *size < end - *base)
        end = (*base + *size + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
    mm_attach(mm, as);
    *base = start;
    *size = end - start;
    return flush_range(mm, as, vad, start, end);
}

NTSTATUS mi_commit_view(struct mm *mm, struct mm_address_space *as, struct vad *vad,
                        uint64_t base, uint64_t size, unsigned protection)
{
    struct mm_control_area *ca = vad->ControlArea;
    /* Wine's test_mapping records Windows refusing a commit in a view of a
     * file, and one whose protection the view does not allow */
    if (ca->file)
        return STATUS_ACCESS_DENIED;
    if (!mi_protection_compatible(protection, vad->u.Protection))
        return STATUS_INVALID_PAGE_PROTECTION;
    struct mm_page p;
    uint64_t missing = 0;
    mm_attach(mm, as);
    for (uint64_t va = base; va < base + size; va += PAGE_SIZE) {
        mi_read_view_page(mm, as, vad, va, &p);
        missing += !p.committed;
    }
    NTSTATUS st = mi_charge_commit(mm, NULL, missing);
    if (!NT_SUCCESS(st))
        return st;
    ca->commit += missing;
    mm->section_commit += missing;
    for (uint64_t va = base; va < base + size; va += PAGE_SIZE) {
        mi_read_view_page(mm, as, vad, va, &p);
        if (!p.committed)
            mi_write_proto(mm, p.proto_va, mi_software_pte(mm, ca->protection));
    }
    return STATUS_SUCCESS;
}


/* (5): the page's new state, its PTE included; STATUS_WAS_UNLOCKED when a
 * locked page left the working set. */
static NTSTATUS protect_view_page(struct mm *mm, struct mm_address_space *as,
                                  const struct vad *vad, const struct mm_page *p,
                                  unsigned protection)
{
    if (mi_view_page_private(p))
        return mi_set_page_protection(mm, as, p, swap_copy(protection, false));
    if (p->f.kind != PTE_KIND_VALID) {
        mi_write_pte(mm, as, p->pte_va, mi_view_page_pte(mm, vad, p, protection));
        return STATUS_SUCCESS;
    }
    if ((protection & 7) && (protection & MM_NOACCESS) != MM_GUARD_PAGE) {
        uint64_t va = pte_mapped_address(format(mm), p->pte_va);
        uint64_t index = mi_ws_find(mm, as, va, p->f.page_frame_number);
        if (index != MI_WSLE_NULL_INDEX)
            mi_ws_set_protection(mm, as, index,
                                 protection == view_protection(mm, vad, p) ? 0 : protection);
        mi_write_pte(mm, as, p->pte_va, shared_pte(mm, p->f.page_frame_number, protection) |
                                            (p->f.dirty ? PTE_HW_DIRTY : 0));
        return STATUS_SUCCESS;
    }
    return mi_unmap_view_page(mm, as, p, mi_view_page_pte(mm, vad, p, protection))
               ? STATUS_WAS_UNLOCKED
               : STATUS_SUCCESS;
}

NTSTATUS mi_protect_view(struct mm *mm, struct mm_address_space *as, struct vad *vad,
                         uint64_t base, uint64_t size, unsigned protection, unsigned *old)
{
    unsigned allowed = vad->u.ImageMap ? MM_EXECUTE_WRITECOPY : vad->u.Protection;
    if (mi_protection_executes(protection) && !mi_protection_executes(allowed))
        return STATUS_SECTION_PROTECTION;
    if (mi_protection_writes(protection) && !mi_protection_writes(allowed)) {
        if (!is_copy_on_write(allowed))
            return STATUS_SECTION_PROTECTION;
        protection = swap_copy(protection, true);
    }
    struct mm_page p;
    int64_t delta = 0;
    for (uint64_t va = base; va < base + size; va += PAGE_SIZE) {
        mi_read_view_page(mm, as, vad, va, &p);
        if (!p.committed)
            return STATUS_NOT_COMMITTED;
        if (va == base)
            *old = p.protection;
        bool charged = relocated_view(vad) || mi_view_page_private(&p) ||
                       is_copy_on_write(protection);
        delta += (int64_t)charged - (int64_t)page_charged(vad, &p);
    }
    NTSTATUS st = delta > 0 ? mi_charge_commit(mm, as, (uint64_t)delta) : STATUS_SUCCESS;
    if (!NT_SUCCESS(st))
        return st;
    NTSTATUS result = STATUS_SUCCESS;
    for (uint64_t va = base; va < base + size; va += PAGE_SIZE) {
        mi_read_view_page(mm, as, vad, va, &p);
        if (protect_view_page(mm, as, vad, &p, protection) == STATUS_WAS_UNLOCKED)
            result = STATUS_WAS_UNLOCKED;
    }
    if (delta < 0)
        mi_return_commit(mm, as, (uint64_t)-delta);
    vad->u.CommitCharge += (uint64_t)delta;
    return result;
}

/* Windows: the page read behind MiResolveMappedFileFault (IoPageRead). */
NTSTATUS mi_read_section_page(struct mm_control_area *ca, uint64_t page, uint8_t *frame)
{
    if (ca->image)
        return mi_read_image_page(ca, page, ca->image_info->base, frame);
    /* the file's whole page, whatever the section's size: zeros only past
     * the end of the file (mi_write_page writes no further) */
    const struct mm_subsection *s = mi_subsection_of_page(ca, page);
    return io_page_read(ca->file, s->file_offset + ((page - s->first_page) << PAGE_SHIFT), frame,
                        PAGE_SIZE);
}
