/*
 * section.c — control areas, segments and subsections (Windows:
 * MiCreateDataFileMap, MiCreatePagingFileMap, MiSegmentDelete,
 * MiCheckControlArea) and the Section object type. section.h states the
 * structures and invariants; view.c maps them.
 */
#include <stdlib.h>

#include "io/io.h"
#include "mm/section.h"
#include "ob/ob.h"

static void section_delete_procedure(void *body)
{
    mm_delete_section(body);
}

const struct ob_type mm_section_type = { "Section", SECTION_ALL_ACCESS, section_delete_procedure };

static unsigned pte_size(const struct mm *mm)
{
    return mm->cpu->fmt->pte_size;
}

/* Stable pseudo addresses in nonpaged pool, below the processes' (tools'
 * !process) and the VADs': a control area per 4 KB, its subsections after
 * it, 32 bytes each (x86 subsection PTEs reach 128 MB above
 * MmSubsectionBase, 0x80000000, so the x86 window wraps below 0x88000000). */
static uint64_t control_area_address(const struct mm *mm, uint64_t serial)
{
    if (mm->cpu->fmt->arch == NTMM_ARCH_X64)
        return 0xfffffa8001000000ull + (serial % 0x1000) * PAGE_SIZE;
    return 0x86000000ull + (serial % 0x2000) * PAGE_SIZE;
}

static uint64_t subsection_address(const struct mm_control_area *ca, unsigned index)
{
    return ca->address + 0x80 + (index % 120u) * 0x20;
}

uint64_t mi_read_proto(const struct mm *mm, uint64_t proto_va)
{
    return mm_load(mi_pool_host(mm, proto_va, false), pte_size(mm));
}

void mi_write_proto(struct mm *mm, uint64_t proto_va, uint64_t value)
{
    uint8_t *pte = mi_pool_host(mm, proto_va, true);
    if (!mm_stopped(mm)) /* bugcheck.c (2) */
        mm_store(pte, pte_size(mm), value);
}

struct mm_subsection *mi_subsection_of_page(const struct mm_control_area *ca, uint64_t page)
{
    for (unsigned i = 0; i < ca->subsection_count; i++) {
        struct mm_subsection *s = &ca->subsections[i];
        if (page >= s->first_page && page - s->first_page < s->ptes)
            return s;
    }
    return NULL;
}

uint64_t mi_proto_address(const struct mm_control_area *ca, uint64_t page)
{
    const struct mm_subsection *s = mi_subsection_of_page(ca, page);
    return s ? s->proto_va + (page - s->first_page) * pte_size(ca->mm) : 0;
}

uint64_t mi_proto_page(const struct mm_control_area *ca, uint64_t proto_va)
{
    unsigned size = pte_size(ca->mm);
    for (unsigned i = 0; i < ca->subsection_count; i++) {
        const struct mm_subsection *s = &ca->subsections[i];
        if (proto_va >= s->proto_va && (proto_va - s->proto_va) / size < s->ptes)
            return s->first_page + (proto_va - s->proto_va) / size;
    }
    return UINT64_MAX;
}

/* The prototype PTE a page of subsection s starts as. */
static uint64_t initial_proto(const struct mm *mm, const struct mm_subsection *s, bool reserve)
{
    struct pte_fields f = { .kind = PTE_KIND_SUBSECTION, .protection = s->protection,
                            .subsection_address = s->address };
    uint64_t raw = 0;
    if (!s->control_area->file)
        return reserve ? 0 : mi_software_pte(mm, s->protection);
    mm->cpu->fmt->encode(&f, &raw);
    return raw;
}

/* Appends a subsection of ptes prototype PTEs in a pool run of its own. */
NTSTATUS mi_add_subsection(struct mm_control_area *ca, uint64_t ptes, uint64_t file_offset,
                           uint64_t file_bytes, unsigned protection, bool reserve)
{
    struct mm *mm = ca->mm;
    struct mm_subsection *grown =
        mm_host_realloc(mm, ca->subsections, (ca->subsection_count + 1) * sizeof *grown);
    if (!grown)
        return STATUS_NO_MEMORY;
    ca->subsections = grown;
    uint64_t pages = (ptes * pte_size(mm) + PAGE_SIZE - 1) >> PAGE_SHIFT, va;
    NTSTATUS st = mi_pool_alloc(mm, pages, &va);
    if (!NT_SUCCESS(st))
        return st;
    struct mm_subsection *s = &grown[ca->subsection_count];
    *s = (struct mm_subsection){ .control_area = ca, .proto_va = va, .first_page = ca->total_ptes,
                                 .ptes = ptes, .pool_pages = pages, .file_offset = file_offset,
                                 .file_bytes = file_bytes, .protection = protection };
    s->address = subsection_address(ca, ca->subsection_count);
    ca->subsection_count++;
    ca->total_ptes += ptes;
    uint64_t proto = initial_proto(mm, s, reserve);
    for (uint64_t i = 0; i < ptes; i++)
        mi_write_proto(mm, va + i * pte_size(mm), proto);
    return STATUS_SUCCESS;
}

struct mm_control_area *mi_new_control_area(struct mm *mm, struct io_file *file,
                                            unsigned protection)
{
    struct mm_control_area *ca = mm_host_alloc(mm, sizeof *ca);
    if (!ca)
        return NULL;
    ca->mm = mm;
    ca->protection = protection;
    ca->address = control_area_address(mm, mm->next_control_area_serial++);
    ca->file = file;
    return ca;
}

/* Links a finished control area in; it takes a reference on its file. */
void mi_insert_control_area(struct mm_control_area *ca)
{
    if (ca->file)
        ob_reference_object(ca->file);
    ca->next = ca->mm->control_areas;
    ca->mm->control_areas = ca;
}

/* Writes segment page `page`, held in frame pfn, to the file; its frame is
 * clean afterwards (a modified-list frame moves to standby). */
NTSTATUS mi_write_page(struct mm_control_area *ca, uint64_t page, uint64_t pfn)
{
    struct mm *mm = ca->mm;
    const struct mm_subsection *s = mi_subsection_of_page(ca, page);
    uint64_t offset = s->file_offset + ((page - s->first_page) << PAGE_SHIFT), size;
    NTSTATUS st = io_file_size(ca->file, &size);
    if (!NT_SUCCESS(st))
        return st;
    /* Windows writes up to the end of the file, never past it */
    uint64_t bytes = offset >= size ? 0 : size - offset < PAGE_SIZE ? size - offset : PAGE_SIZE;
    st = io_page_write(ca->file, offset, mi_frame(mm, pfn), bytes);
    if (!NT_SUCCESS(st))
        return st;
    mi_modified_to_standby(mm, pfn);
    return STATUS_SUCCESS;
}

/* Windows: MiSegmentDelete — (4). */
static void delete_control_area(struct mm_control_area *ca)
{
    struct mm *mm = ca->mm;
    const struct pte_format *fmt = mm->cpu->fmt;
    for (unsigned i = 0; i < ca->subsection_count; i++) {
        const struct mm_subsection *s = &ca->subsections[i];
        for (uint64_t k = 0; k < s->ptes; k++) {
            struct pte_fields f;
            fmt->decode(mi_read_proto(mm, s->proto_va + k * fmt->pte_size), PTE_IN_PROTOTYPE, &f);
            if (f.kind == PTE_KIND_PAGEFILE)
                mi_release_page_file_pte(mm, mi_read_proto(mm, s->proto_va + k * fmt->pte_size),
                                         PTE_IN_PROTOTYPE);
            if (f.kind != PTE_KIND_TRANSITION)
                continue;
            uint64_t pfn = f.page_frame_number;
            if (ca->file && !ca->image && pfn_e1(mm, pfn, PFN_E1_MODIFIED, 1))
                (void)mi_write_page(ca, s->first_page + k, pfn); /* (3); a failure loses the page, as a failed write does */
            mi_delete_transition_page(mm, pfn);
        }
    }
    for (unsigned i = 0; i < ca->subsection_count; i++)
        if (ca->subsections[i].pool_pages)
            mi_pool_free(mm, ca->subsections[i].proto_va, ca->subsections[i].pool_pages);
    if (ca->commit) {
        mi_return_commit(mm, NULL, ca->commit);
        mm->section_commit -= ca->commit;
    }
    struct mm_control_area **link = &mm->control_areas;
    while (*link && *link != ca)
        link = &(*link)->next;
    if (*link)
        *link = ca->next;
    if (ca->file)
        ob_dereference_object(ca->file);
    mi_free_image(ca);
    free(ca->subsections);
    free(ca);
}

/* Windows: MiCheckControlArea — deletes a control area nothing uses. */
void mi_check_control_area(struct mm_control_area *ca)
{
    if (!ca->section_refs && !ca->mapped_views)
        delete_control_area(ca);
}

/* A control area that never got in (a failed creation). */
void mi_discard_control_area(struct mm_control_area *ca)
{
    if (ca->file)
        ob_reference_object(ca->file); /* delete_control_area drops one */
    delete_control_area(ca);
}

static struct mm_control_area *file_control_area(struct mm *mm, const struct io_file *file)
{
    for (struct mm_control_area *ca = mm->control_areas; ca; ca = ca->next)
        if (ca->file && !ca->image && ca->file->dev == file->dev && ca->file->ino == file->ino)
            return ca;
    return NULL;
}

bool mm_file_has_section(const struct mm *mm, uint64_t dev, uint64_t ino, bool image)
{
    for (const struct mm_control_area *ca = mm->control_areas; ca; ca = ca->next)
        if (ca->file && (uint64_t)ca->file->dev == dev && (uint64_t)ca->file->ino == ino &&
            (ca->image || !image))
            return true;
    return false;
}

uint8_t *mm_resident_file_page(struct mm *mm, uint64_t dev, uint64_t ino, uint64_t page)
{
    for (const struct mm_control_area *ca = mm->control_areas; ca; ca = ca->next) {
        if (!ca->file || ca->image || (uint64_t)ca->file->dev != dev ||
            (uint64_t)ca->file->ino != ino)
            continue;
        uint64_t proto = mi_proto_address(ca, page);
        if (!proto)
            return NULL;
        struct pte_fields f;
        mm->cpu->fmt->decode(mi_read_proto(mm, proto), PTE_IN_PROTOTYPE, &f);
        if (f.kind != PTE_KIND_VALID && f.kind != PTE_KIND_TRANSITION)
            return NULL;
        return mi_check_pfn(mm, f.page_frame_number) ? phys_frame(&mm->cpu->phys, f.page_frame_number)
                                                     : NULL;
    }
    return NULL;
}

/* Windows: MiCreateDataFileMap, or MmExtendSection of the file's segment. */
static NTSTATUS file_section(struct mm *mm, struct io_file *file, uint64_t *size,
                             unsigned protection, struct mm_control_area **out)
{
    uint64_t file_size;
    NTSTATUS st = io_file_size(file, &file_size);
    if (!NT_SUCCESS(st))
        return st;
    if (!*size)
        *size = file_size;
    if (!*size)
        return STATUS_MAPPED_FILE_SIZE_ZERO;
    if (*size > file_size) {
        if (!mi_protection_writes(protection))
            return STATUS_SECTION_TOO_BIG;
        st = io_extend_file(file, *size);
        if (!NT_SUCCESS(st))
            return st;
    }
    uint64_t pages = (*size + PAGE_SIZE - 1) >> PAGE_SHIFT;
    struct mm_control_area *ca = file_control_area(mm, file);
    if (ca) {
        if (pages > ca->total_ptes) {
            uint64_t from = ca->total_ptes << PAGE_SHIFT;
            st = mi_add_subsection(ca, pages - ca->total_ptes, from, *size - from,
                                   ca->protection, false);
            if (!NT_SUCCESS(st))
                return st;
        }
        if (*size > ca->size)
            ca->size = *size;
        *out = ca;
        return STATUS_SUCCESS;
    }
    ca = mi_new_control_area(mm, file, MM_EXECUTE_READWRITE);
    if (!ca)
        return STATUS_NO_MEMORY;
    ca->size = *size;
    st = mi_add_subsection(ca, pages, 0, *size, MM_EXECUTE_READWRITE, false);
    if (!NT_SUCCESS(st)) {
        mi_discard_control_area(ca);
        return st;
    }
    mi_insert_control_area(ca);
    *out = ca;
    return STATUS_SUCCESS;
}

/* Windows: MiCreatePagingFileMap */
static NTSTATUS pagefile_section(struct mm *mm, uint64_t size, unsigned protection,
                                 bool reserve, struct mm_control_area **out)
{
    uint64_t pages = (size + PAGE_SIZE - 1) >> PAGE_SHIFT;
    struct mm_control_area *ca = mi_new_control_area(mm, NULL, protection);
    if (!ca)
        return STATUS_NO_MEMORY;
    ca->size = size;
    NTSTATUS st = reserve ? STATUS_SUCCESS : mi_charge_commit(mm, NULL, pages);
    if (NT_SUCCESS(st)) {
        ca->commit = reserve ? 0 : pages;
        mm->section_commit += ca->commit;
        st = mi_add_subsection(ca, pages, 0, 0, protection, reserve);
    }
    if (!NT_SUCCESS(st)) {
        mi_discard_control_area(ca);
        return st;
    }
    mi_insert_control_area(ca);
    *out = ca;
    return STATUS_SUCCESS;
}

NTSTATUS mm_create_data_section(struct mm *mm, struct io_file *file, uint64_t size,
                                unsigned protection, bool reserve, struct mm_section *section)
{
    struct mm_control_area *ca = NULL;
    NTSTATUS st = file ? file_section(mm, file, &size, protection, &ca)
                       : pagefile_section(mm, size, protection, reserve, &ca);
    if (!NT_SUCCESS(st))
        return st;
    ca->section_refs++;
    section->control_area = ca;
    section->size = size;
    section->protection = protection;
    return STATUS_SUCCESS;
}

void mm_delete_section(struct mm_section *section)
{
    struct mm_control_area *ca = section->control_area;
    if (!ca)
        return; /* never finished */
    ca->section_refs--;
    mi_check_control_area(ca);
}
