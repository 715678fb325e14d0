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
 * (2) No copy reads outside [0, source->size), even when image was parsed
 *     from another file: every range is clamped to the source's size.
 * (3) A range reads only the pieces that overlap it, found by binary search
 *     (first_ending_after): reading a page costs its own bytes, not the
 *     table's.
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

static unsigned section_count(const struct pe_image *image)
{
    return image->section_count < PE_MAX_SECTIONS ? image->section_count : PE_MAX_SECTIONS;
}

/* The index of the first section that ends after rva (section_count when
   none does): a binary search, the sections being sorted and apart. */
static unsigned first_ending_after(const struct pe_image *image, uint32_t rva)
{
    unsigned lo = 0, hi = section_count(image);
    while (lo < hi) {
        unsigned mid = lo + (hi - lo) / 2;
        const struct pe_section *s = &image->sections[mid];
        if ((uint64_t)s->virtual_address + pe_section_span(image, s) <= rva)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* The section whose span holds rva, or NULL. */
static const struct pe_section *section_at(const struct pe_image *image, uint32_t rva)
{
    unsigned i = first_ending_after(image, rva);
    if (i == section_count(image) || rva < image->sections[i].virtual_address)
        return NULL;
    return &image->sections[i];
}

uint32_t pe_file_run(const struct pe_image *image, uint64_t file_size, uint32_t rva,
                     uint32_t *offset)
{
    uint64_t from, end; /* file offsets */
    if (rva < image->size_of_headers) {
        from = rva;
        end = image->size_of_headers;
    } else {
        const struct pe_section *s = section_at(image, rva);
        if (s == NULL || rva - s->virtual_address >= section_data(image, s))
            return 0;
        from = (uint64_t)s->raw_offset + (rva - s->virtual_address);
        end = (uint64_t)s->raw_offset + section_data(image, s);
    }
    if (end > file_size)
        end = file_size;
    if (from >= end)
        return 0;
    *offset = (uint32_t)from;
    return (uint32_t)(end - from);
}

bool pe_rva_to_file_offset(const struct pe_image *image, uint64_t file_size, uint32_t rva,
                           uint32_t length, uint32_t *offset)
{
    uint32_t at = 0, run = pe_file_run(image, file_size, rva, &at);
    if (run == 0 || run < length)
        return false;
    *offset = at;
    return true;
}

/* Reads the part of file[from .. from + size), shown at RVA base, that falls
   within [rva, rva + length) into out (which stands for that RVA range). */
static bool copy_piece(const struct pe_source *source, uint64_t from, uint64_t size,
                       uint64_t base, uint32_t rva, uint32_t length, uint8_t *out)
{
    if (from >= source->size)
        return true;
    if (size > source->size - from)
        size = source->size - from;
    uint64_t lo = base > rva ? base : rva;
    uint64_t hi = base + size < (uint64_t)rva + length ? base + size : (uint64_t)rva + length;
    if (lo >= hi)
        return true;
    return source->read(source->context, from + (lo - base), out + (lo - rva),
                        (uint32_t)(hi - lo));
}

bool pe_read_range(const struct pe_source *source, const struct pe_image *image, uint32_t rva,
                   uint32_t length, uint8_t *out)
{
    memset(out, 0, length);
    if (!copy_piece(source, 0, image->size_of_headers, 0, rva, length, out))
        return false;
    unsigned count = section_count(image);
    for (unsigned i = first_ending_after(image, rva);
         i < count && image->sections[i].virtual_address < (uint64_t)rva + length; i++) {
        const struct pe_section *s = &image->sections[i];
        if (!copy_piece(source, s->raw_offset, section_data(image, s), s->virtual_address, rva,
                        length, out))
            return false;
    }
    return true;
}

/* Windows: the in-page read of an image page (MiResolveMappedFileFault,
   the prototype PTE's subsection) */
bool pe_read_page(const struct pe_source *source, const struct pe_image *image,
                  uint32_t page_rva, uint8_t page[PE_PAGE_SIZE])
{
    return pe_read_range(source, image, page_rva, PE_PAGE_SIZE, page);
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
