/*
 * pe_layout.c — an image as the loader lays it out in memory, computed from
 * the file: which file bytes land at an RVA, the contents of a page, and the
 * protection a section's pages get (Windows: the subsections and prototype
 * PTEs MiCreateImageFileMap builds, and MiGetImageProtection).
 *
 * The layout, for an image pe_parse accepted:
 *   RVA 0 .. size_of_headers            the file's first size_of_headers bytes
 *   section VA .. VA + min(raw, span)   the section's raw data
 *   everything else below SizeOfImage   zeros (the rest of the header page,
 *                                       past a section's raw data, gaps)
 * (1) The pieces never overlap (pe.h invariants (4) and (5)), so the bytes at
 *     an RVA do not depend on the order the pieces are copied in.
 * (2) No copy reads outside file[0 .. file_size), even when image was parsed
 *     from another buffer: every range is clamped to file_size.
 */
#include <string.h>

#include "ldr/pe.h"

/* The bytes of a section's raw data that the image shows: the raw data
   beyond its span is not mapped. */
static uint32_t section_data(const struct pe_image *image, const struct pe_section *section)
{
    uint32_t span = pe_section_span(image, section);
    return section->raw_size < span ? section->raw_size : span;
}

bool pe_rva_to_file_offset(const struct pe_image *image, uint64_t file_size, uint32_t rva,
                           uint32_t length, uint32_t *offset)
{
    uint64_t end = (uint64_t)rva + length;
    if (end <= image->size_of_headers && end <= file_size) {
        *offset = rva;
        return true;
    }
    for (unsigned i = 0; i < image->section_count && i < PE_MAX_SECTIONS; i++) {
        const struct pe_section *s = &image->sections[i];
        if (rva < s->virtual_address || end > (uint64_t)s->virtual_address + section_data(image, s))
            continue;
        uint64_t at = (uint64_t)s->raw_offset + (rva - s->virtual_address);
        if (at + length > file_size)
            return false;
        *offset = (uint32_t)at;
        return true;
    }
    return false;
}

/* Copies the part of file[from .. from + size), shown at RVA base, that falls
   within [rva, rva + length) into out (which stands for that RVA range). */
static void copy_piece(const uint8_t *file, uint64_t file_size, uint64_t from, uint64_t size,
                       uint64_t base, uint32_t rva, uint32_t length, uint8_t *out)
{
    if (from >= file_size)
        return;
    if (size > file_size - from)
        size = file_size - from;
    uint64_t lo = base > rva ? base : rva;
    uint64_t hi = base + size < (uint64_t)rva + length ? base + size : (uint64_t)rva + length;
    if (lo < hi)
        memcpy(out + (lo - rva), file + from + (lo - base), (size_t)(hi - lo));
}

void pe_read_range(const uint8_t *file, uint64_t file_size, const struct pe_image *image,
                   uint32_t rva, uint32_t length, uint8_t *out)
{
    memset(out, 0, length);
    copy_piece(file, file_size, 0, image->size_of_headers, 0, rva, length, out);
    for (unsigned i = 0; i < image->section_count && i < PE_MAX_SECTIONS; i++) {
        const struct pe_section *s = &image->sections[i];
        copy_piece(file, file_size, s->raw_offset, section_data(image, s), s->virtual_address,
                   rva, length, out);
    }
}

/* Windows: the in-page read of an image page (MiResolveMappedFileFault,
   the prototype PTE's subsection) */
void pe_read_page(const uint8_t *file, uint64_t file_size, const struct pe_image *image,
                  uint32_t page_rva, uint8_t page[PE_PAGE_SIZE])
{
    pe_read_range(file, file_size, image, page_rva, PE_PAGE_SIZE, page);
}

/* Windows: MiGetImageProtection. A writable section is copy-on-write unless
   IMAGE_SCN_MEM_SHARED makes every mapping see one copy; write and execute
   imply read. */
ULONG pe_section_protection(uint32_t characteristics)
{
    bool execute = (characteristics & PE_SCN_MEM_EXECUTE) != 0;
    bool read = (characteristics & PE_SCN_MEM_READ) != 0;
    bool write = (characteristics & PE_SCN_MEM_WRITE) != 0;
    bool shared = (characteristics & PE_SCN_MEM_SHARED) != 0;
    if (write && shared)
        return execute ? PAGE_EXECUTE_READWRITE : PAGE_READWRITE;
    if (write)
        return execute ? PAGE_EXECUTE_WRITECOPY : PAGE_WRITECOPY;
    if (execute)
        return read ? PAGE_EXECUTE_READ : PAGE_EXECUTE;
    return read ? PAGE_READONLY : PAGE_NOACCESS;
}
