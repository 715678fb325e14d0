/*
 * introspect_section.c — read-only views of sections for the debugger
 * commands (!ca, !vad's view details, lm): control areas with their
 * segments and subsections (mm/section.h), and the image views of a
 * process.
 *
 * Pseudo addresses: a control area's is the one section.c gave it (a 4 KB
 * slot in nonpaged pool); its segment is shown at control area + 0x40,
 * between the control area and its subsections (+ 0x80, 0x20 each), so
 * every address !ca prints names one structure and nothing else.
 *
 * (1) Nothing here changes the machine: prototype PTEs are read from paged
 *     pool without the MMU (mi_read_proto), no PFN, list or counter moves.
 * (2) Control areas are listed oldest first, so a script's first section is
 *     index 0 however many come after it.
 */
#include "io/io.h"
#include "ke/introspect_internal.h"
#include "mm/section.h"
#include "ps/process.h"

#define SEGMENT_OFFSET 0x40u

uint64_t introspect_segment_address(const struct mm_control_area *ca)
{
    return ca->address + SEGMENT_OFFSET;
}

const char *introspect_file_name(const struct mm_control_area *ca)
{
    return ca->file ? ca->file->name : NULL;
}

/* Resident pages of ca (NumberOfPfnReferences) and how many are modified. */
static void resident_pages(const struct mm_control_area *ca, uint64_t *resident,
                           uint64_t *modified)
{
    const struct mm *mm = ca->mm;
    const struct pte_format *fmt = mm->cpu->fmt;
    *resident = *modified = 0;
    for (unsigned i = 0; i < ca->subsection_count; i++) {
        const struct mm_subsection *s = &ca->subsections[i];
        for (uint64_t k = 0; k < s->ptes; k++) {
            struct pte_fields f;
            fmt->decode(mi_read_proto(mm, s->proto_va + k * fmt->pte_size), PTE_IN_PROTOTYPE,
                        &f);
            if (f.kind != PTE_KIND_VALID && f.kind != PTE_KIND_TRANSITION)
                continue;
            (*resident)++;
            *modified += pfn_e1(mm, f.page_frame_number, PFN_E1_MODIFIED, 1);
        }
    }
}

static void control_area_info(const struct mm_control_area *ca,
                              struct ntmm_control_area_info *info)
{
    uint64_t resident, modified;
    resident_pages(ca, &resident, &modified);
    *info = (struct ntmm_control_area_info){
        .address = ca->address,
        .segment = introspect_segment_address(ca),
        .section_references = ca->section_refs,
        .pfn_references = resident,
        .mapped_views = ca->mapped_views,
        .user_references = ca->section_refs + ca->mapped_views,
        .modified_pages = modified,
        .file = ca->file != NULL,
        .image = ca->image,
        .reserve = !ca->file && ca->commit < ca->total_ptes,
        .file_name = introspect_file_name(ca),
        .total_ptes = ca->total_ptes,
        .segment_size = ca->size,
        .committed = ca->commit,
        .protection = ca->protection,
        .subsection_count = ca->subsection_count,
        .image_base = ca->image_info ? ca->image_info->pe.image_base : 0,
        .based_address = ca->image_info ? ca->image_info->base : 0,
    };
}

/* The file data behind subsection index: an image's headers and sections
 * keep theirs in the PE headers, a data file's subsection its own. */
static void subsection_file_data(const struct mm_control_area *ca, unsigned index,
                                 uint64_t *offset, uint64_t *bytes)
{
    const struct mm_subsection *s = &ca->subsections[index];
    *offset = s->file_offset;
    *bytes = s->file_bytes;
    if (!ca->image_info)
        return;
    const struct pe_image *pe = &ca->image_info->pe;
    *offset = index ? pe->sections[index - 1].raw_offset : 0;
    *bytes = index ? pe->sections[index - 1].raw_size : pe->size_of_headers;
}

/* The control area at index, oldest first (2). */
static const struct mm_control_area *control_area_by_index(const struct mm *mm, unsigned index)
{
    unsigned count = 0;
    for (const struct mm_control_area *ca = mm->control_areas; ca; ca = ca->next)
        count++;
    if (index >= count)
        return NULL;
    const struct mm_control_area *ca = mm->control_areas;
    for (unsigned i = count - 1; i > index; i--)
        ca = ca->next;
    return ca;
}

bool ntmm_control_area_at(const struct ntmm_machine *machine, unsigned index,
                          struct ntmm_control_area_info *info)
{
    const struct mm_control_area *ca =
        machine && info ? control_area_by_index(&machine->mm, index) : NULL;
    if (ca)
        control_area_info(ca, info);
    return ca != NULL;
}

/* Does address name ca, its segment, a subsection or a prototype PTE of it? */
static bool control_area_holds(const struct mm_control_area *ca, uint64_t address)
{
    if (address == ca->address || address == introspect_segment_address(ca))
        return true;
    unsigned pte_size = ca->mm->cpu->fmt->pte_size;
    for (unsigned i = 0; i < ca->subsection_count; i++) {
        const struct mm_subsection *s = &ca->subsections[i];
        if (address == s->address ||
            (address >= s->proto_va && address - s->proto_va < s->ptes * pte_size))
            return true;
    }
    return false;
}

static const struct mm_control_area *control_area_find(const struct mm *mm, uint64_t address)
{
    for (const struct mm_control_area *ca = mm->control_areas; ca; ca = ca->next)
        if (control_area_holds(ca, address))
            return ca;
    return NULL;
}

NTSTATUS ntmm_control_area_query(const struct ntmm_machine *machine, uint64_t address,
                                 struct ntmm_control_area_info *info)
{
    if (!machine || !info)
        return STATUS_INVALID_PARAMETER;
    const struct mm_control_area *ca = control_area_find(&machine->mm, address);
    if (!ca)
        return STATUS_INVALID_PARAMETER;
    control_area_info(ca, info);
    return STATUS_SUCCESS;
}

bool ntmm_subsection_at(const struct ntmm_machine *machine, uint64_t control_area,
                        unsigned index, struct ntmm_subsection_info *info)
{
    if (!machine || !info)
        return false;
    const struct mm_control_area *ca = machine->mm.control_areas;
    while (ca && ca->address != control_area)
        ca = ca->next;
    if (!ca || index >= ca->subsection_count)
        return false;
    const struct mm_subsection *s = &ca->subsections[index];
    uint64_t offset, bytes;
    subsection_file_data(ca, index, &offset, &bytes);
    *info = (struct ntmm_subsection_info){
        .address = s->address,
        .control_area = ca->address,
        .base_pte = s->proto_va,
        .ptes = s->ptes,
        .first_page = s->first_page,
        .starting_sector = offset / 512,
        .number_of_sectors = bytes / 512,
        .file_offset = offset,
        .file_bytes = bytes,
        .protection = s->protection,
    };
    return true;
}

void introspect_view_info(const struct vad *v, struct ntmm_vad_info *info)
{
    const struct mm_control_area *ca = v->ControlArea;
    if (v->u.PrivateMemory || !ca)
        return;
    uint64_t last = v->FirstPage + (v->EndingVpn - v->StartingVpn);
    info->control_area = ca->address;
    info->first_proto_pte = mi_proto_address(ca, v->FirstPage);
    info->last_proto_pte = mi_proto_address(ca, last);
    info->section_offset = v->FirstPage << PAGE_SHIFT;
    info->file_backed = ca->file != NULL;
    info->file_name = introspect_file_name(ca);
    info->shared_commit = ca->file ? 0 : ca->commit;
}

bool ntmm_module_at(const struct ntmm_process *process, unsigned index,
                    struct ntmm_module_info *info)
{
    if (!process || !info)
        return false;
    unsigned found = 0;
    for (const struct vad *v = vad_first(&process->as.vads); v; v = vad_next(v)) {
        if (!v->u.ImageMap || v->u.PrivateMemory || !v->ControlArea || found++ != index)
            continue;
        *info = (struct ntmm_module_info){
            .base = v->StartingVpn << PAGE_SHIFT,
            .end = (v->EndingVpn + 1) << PAGE_SHIFT,
            .control_area = v->ControlArea->address,
            .file_name = introspect_file_name(v->ControlArea),
        };
        return true;
    }
    return false;
}
