/*
 * image.c — image sections (Windows: MiCreateImageFileMap, MiRelocateImage,
 * the image half of MiMapViewOfSection): a PE file (ldr/pe.h reads it)
 * becomes a control area whose prototype PTEs describe the image as the
 * loader lays it out, a subsection for the headers and one per PE section.
 *
 * (1) Every page starts as a subsection PTE carrying its section's
 *     protection (pe_section_protection: .text EXECUTE_READ, .rdata
 *     READONLY, .data WRITECOPY, the headers READONLY); a page is read from
 *     the file (the control area's file object) on its first fault,
 *     relocated for the control area's base (the headers' ImageBase says
 *     that base), and then shared by every process that maps the image
 *     there. The control area keeps no copy of the file: the host cost of
 *     an image is its headers, its relocation index and its resident pages.
 * (5) Creation reads the headers (PE_HEADER_BYTES at most) and walks the
 *     relocation directory once, through bounded reads; the index it builds
 *     (pe_relocs) lets each page's fault read only that page's blocks.
 * (2) ASLR: an image with DYNAMIC_BASE and relocations gets a base once per
 *     boot: a DLL file the next free slot below MM_DLL_BASE_32 / _64 less
 *     the machine's image bias (MiImageBias, from the seeded generator),
 *     packed downward as Windows packs them, and the same slot each time it
 *     is loaded again this boot (mm->image_bases); an EXE its preferred base
 *     less (bias + 1) * 64 KB. Other images keep their ImageBase.
 * (3) A view mapped elsewhere than the control area's base (the base was
 *     taken in that process, or is 0, where no view can start) gets private
 *     pages, each relocated for the view's own base on its first touch, as
 *     the loader's relocation pass leaves them; its VAD charges commit for
 *     every page (view.c (4)), and the map is STATUS_IMAGE_NOT_AT_BASE.
 * (4) Creation changes nothing when it fails: the control area, its pool
 *     run and the relocation index go again.
 */
#include <stdlib.h>
#include <string.h>

#include "io/io.h"
#include "mm/section.h"

#define MM_MAX_IMAGE_FILE 0xFFFFFFFFull /* ImageFileSize is a ULONG */

void mi_free_image(struct mm_control_area *ca)
{
    if (!ca->image_info)
        return;
    free(ca->image_info->relocs.blocks);
    free(ca->image_info);
    ca->image_info = NULL;
}

/* (1) The file's bytes as the image reads them (Windows: IoPageRead of the
 * image's file object): pages a data section of the file holds are newer
 * than the file (the cache manager's view, section.h (3)). */
static bool read_image_file(const void *context, uint64_t offset, uint8_t *out,
                            uint32_t length)
{
    const struct mm_control_area *ca = context;
    if (!length)
        return true;
    if (!NT_SUCCESS(io_page_read(ca->file, offset, out, length)))
        return false;
    uint64_t end = offset + length;
    for (uint64_t page = offset >> PAGE_SHIFT; page << PAGE_SHIFT < end; page++) {
        const uint8_t *cached = mm_resident_file_page(ca->mm, (uint64_t)ca->file->dev,
                                                      (uint64_t)ca->file->ino, page);
        if (!cached)
            continue;
        uint64_t lo = page << PAGE_SHIFT > offset ? page << PAGE_SHIFT : offset;
        uint64_t hi = (page + 1) << PAGE_SHIFT < end ? (page + 1) << PAGE_SHIFT : end;
        memcpy(out + (lo - offset), cached + (lo & (PAGE_SIZE - 1)), hi - lo);
    }
    return true;
}

static struct pe_source image_source(const struct mm_control_area *ca)
{
    return (struct pe_source){ ca->image_info->file_size, read_image_file, ca };
}

static struct mm_control_area *image_control_area(struct mm *mm, const struct io_file *file)
{
    for (struct mm_control_area *ca = mm->control_areas; ca; ca = ca->next)
        if (ca->image && ca->file->dev == file->dev && ca->file->ino == file->ino)
            return ca;
    return NULL;
}

static bool can_move(const struct pe_image *pe)
{
    return pe->reloc_size && !(pe->characteristics & PE_FILE_RELOCS_STRIPPED);
}

/* (2) The slot a DLL file had; a new one recorded (when the host has no
 * memory for the record, the next load just gets another slot). */
static uint64_t dll_slot(struct mm *mm, const struct io_file *file, const struct pe_image *pe)
{
    uint64_t dev = (uint64_t)file->dev, ino = (uint64_t)file->ino;
    for (size_t i = 0; i < mm->image_base_count; i++)
        if (mm->image_bases[i].dev == dev && mm->image_bases[i].ino == ino)
            return mm->image_bases[i].base;
    uint64_t size = ((uint64_t)pe->size_of_image + 0xffff) & ~0xffffull;
    uint64_t *next = &mm->next_dll_base[pe->pe32_plus];
    if (*next < size + 0x10000000ull)
        return pe->image_base; /* the DLL region is full: no move */
    *next -= size;
    struct mm_image_base *grown =
        realloc(mm->image_bases, (mm->image_base_count + 1) * sizeof *grown);
    if (grown) {
        mm->image_bases = grown;
        grown[mm->image_base_count++] = (struct mm_image_base){ dev, ino, *next };
    }
    return *next;
}

/* (2) */
static uint64_t aslr_base(struct mm *mm, const struct io_file *file, const struct pe_image *pe)
{
    if (!(pe->dll_characteristics & PE_DLLCHAR_DYNAMIC_BASE) || !can_move(pe))
        return pe->image_base;
    if (pe->characteristics & PE_FILE_DLL)
        return dll_slot(mm, file, pe);
    uint64_t delta = ((uint64_t)mm->image_bias + 1) << 16;
    return pe->image_base > delta + 0x10000 ? pe->image_base - delta : pe->image_base;
}

/* (5): the headers, read and parsed (4 GB at most, like Windows' image
 * files). */
static NTSTATUS read_headers(struct mm_control_area *ca)
{
    struct mm_image *image = ca->image_info;
    NTSTATUS st = io_file_size(ca->file, &image->file_size);
    if (!NT_SUCCESS(st))
        return st;
    if (!image->file_size)
        return STATUS_INVALID_FILE_FOR_SECTION;
    if (image->file_size > MM_MAX_IMAGE_FILE)
        return STATUS_INVALID_IMAGE_FORMAT;
    uint8_t *head = mm_host_alloc(ca->mm, PE_HEADER_BYTES);
    if (!head)
        return STATUS_NO_MEMORY;
    struct pe_source source = image_source(ca);
    uint64_t head_size;
    st = pe_parse_source(&source, head, &head_size, &image->pe);
    if (st == STATUS_INVALID_IMAGE_FORMAT && (head_size < 2 || head[0] != 'M' || head[1] != 'Z'))
        st = STATUS_INVALID_IMAGE_NOT_MZ;
    free(head);
    return st;
}

/* (5): the relocation index, for an image that can move. */
static NTSTATUS index_relocations(struct mm_control_area *ca)
{
    struct mm_image *image = ca->image_info;
    struct pe_source source = image_source(ca);
    uint64_t count;
    NTSTATUS st = pe_reloc_scan(&source, &image->pe, NULL, &count);
    if (!NT_SUCCESS(st) || !count)
        return st;
    if (count > SIZE_MAX / sizeof *image->relocs.blocks)
        return STATUS_NO_MEMORY;
    image->relocs.blocks = mm_host_alloc(ca->mm, (size_t)count * sizeof *image->relocs.blocks);
    if (!image->relocs.blocks)
        return STATUS_NO_MEMORY;
    st = pe_reloc_scan(&source, &image->pe, image->relocs.blocks, &count);
    image->relocs.count = count;
    return st;
}

/* The file read and parsed, one this machine can map whose relocations hold
 * before any page needs them. */
static NTSTATUS check_image(struct mm *mm, struct mm_control_area *ca)
{
    NTSTATUS st = read_headers(ca);
    if (NT_SUCCESS(st) && ca->image_info->pe.pe32_plus && mm->cpu->fmt->arch != NTMM_ARCH_X64)
        st = STATUS_INVALID_IMAGE_FORMAT; /* a 64-bit image on a 32-bit machine */
    if (NT_SUCCESS(st))
        st = index_relocations(ca);
    return st;
}

/* (1): the subsections, all their prototype PTEs in one pool run. */
static NTSTATUS build_subsections(struct mm_control_area *ca)
{
    struct mm *mm = ca->mm;
    const struct pe_image *pe = &ca->image_info->pe;
    unsigned count = pe->section_count + 1;
    ca->subsections = mm_host_alloc(mm, count * sizeof *ca->subsections);
    if (!ca->subsections)
        return STATUS_NO_MEMORY;
    uint64_t ptes = pe->size_of_image >> PAGE_SHIFT, va;
    uint64_t pages = (ptes * mm->cpu->fmt->pte_size + PAGE_SIZE - 1) >> PAGE_SHIFT;
    NTSTATUS st = mi_pool_alloc(mm, pages, &va);
    if (!NT_SUCCESS(st))
        return st;
    for (unsigned i = 0; i < count; i++) {
        uint32_t start = i ? pe->sections[i - 1].virtual_address : 0;
        uint32_t end = i < pe->section_count ? pe->sections[i].virtual_address : pe->size_of_image;
        unsigned protection = MM_READONLY;
        if (i && !mi_make_protection_mask(pe_section_protection(pe->sections[i - 1].characteristics),
                                          &protection))
            protection = MM_NOACCESS;
        struct mm_subsection *s = &ca->subsections[i];
        *s = (struct mm_subsection){ .control_area = ca,
                                     .proto_va = va + (start >> PAGE_SHIFT) * mm->cpu->fmt->pte_size,
                                     .first_page = start >> PAGE_SHIFT,
                                     .ptes = (end - start) >> PAGE_SHIFT,
                                     .pool_pages = i ? 0 : pages, .rva = start,
                                     .protection = protection };
        s->address = ca->address + 0x80 + i * 0x20;
        ca->subsection_count++;
        struct pte_fields f = { .kind = PTE_KIND_SUBSECTION, .protection = protection,
                                .subsection_address = s->address };
        uint64_t raw = 0;
        mm->cpu->fmt->encode(&f, &raw);
        for (uint64_t k = 0; k < s->ptes; k++)
            mi_write_proto(mm, s->proto_va + k * mm->cpu->fmt->pte_size, raw);
    }
    ca->total_ptes = ptes;
    return STATUS_SUCCESS;
}

NTSTATUS mm_create_image_section(struct mm *mm, struct io_file *file, struct mm_section *section)
{
    struct mm_control_area *ca = image_control_area(mm, file);
    if (!ca) {
        ca = mi_new_control_area(mm, file, MM_EXECUTE_WRITECOPY);
        if (!ca)
            return STATUS_NO_MEMORY;
        ca->image = true;
        ca->image_info = mm_host_alloc(mm, sizeof *ca->image_info); /* zeroed */
        NTSTATUS st = ca->image_info ? check_image(mm, ca) : STATUS_NO_MEMORY;
        if (NT_SUCCESS(st))
            st = build_subsections(ca);
        if (!NT_SUCCESS(st)) {
            mi_discard_control_area(ca);
            return st;
        }
        const struct pe_image *pe = &ca->image_info->pe;
        ca->image_info->base = aslr_base(mm, file, pe);
        ca->size = pe->size_of_image;
        mi_insert_control_area(ca);
    }
    ca->section_refs++;
    section->control_area = ca;
    section->size = ca->size;
    section->protection = MM_EXECUTE_WRITECOPY;
    section->attributes = SEC_FILE | SEC_IMAGE;
    return STATUS_SUCCESS;
}

NTSTATUS mi_read_image_page(const struct mm_control_area *ca, uint64_t page, uint64_t base,
                            uint8_t *frame)
{
    const struct mm_image *image = ca->image_info;
    struct pe_source source = image_source(ca);
    uint32_t rva = (uint32_t)(page << PAGE_SHIFT);
    if (!pe_read_page(&source, &image->pe, rva, frame))
        return STATUS_IN_PAGE_ERROR;
    if (!page && base != image->pe.image_base)
        pe_rebase_headers(&image->pe, base, frame);
    return pe_relocate_page(&source, &image->pe, &image->relocs, rva,
                            (int64_t)(base - image->pe.image_base), frame);
}
