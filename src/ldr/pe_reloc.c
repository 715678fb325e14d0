/*
 * pe_reloc.c — base relocations applied a page at a time: the fixups of an
 * image loaded delta bytes from its ImageBase, read from the file's
 * IMAGE_DIRECTORY_ENTRY_BASERELOC (Windows: LdrProcessRelocationBlockLongLong
 * for the arithmetic; MiRelocateImagePfn for relocating as each page comes
 * in rather than the whole image at once).
 *
 * The directory is a run of blocks: PageRVA (4 bytes), SizeOfBlock (4 bytes,
 * the header included), then (SizeOfBlock - 8) / 2 entries of 16 bits, each
 * a type (high 4 bits) and an offset from PageRVA (low 12 bits).
 *
 * (1) The whole directory is checked before any byte changes, on every call:
 *     a malformed directory fails for every page alike, and a failed call
 *     leaves the page as it was.
 * (2) A fixup is computed on the whole field — the bytes of this page as
 *     they are now, the bytes of the neighbouring page as pe_read_range shows
 *     them — and only this page's bytes are stored; so page-at-a-time
 *     relocation equals whole-image relocation for every field patched once.
 *     (Two fixups of one field that also straddles a page edge would see
 *     each other's carries only on one side; no linker emits such pairs.)
 * (3) Every fixup lies within SizeOfImage; a directory that says otherwise
 *     is malformed.
 */
#include <string.h>

#include "ldr/pe.h"
#include "ldr/pe_bytes.h"

#define BLOCK_HEADER 8u

/* What one walk over the directory does. */
struct reloc_walk {
    const uint8_t *file;
    uint64_t file_size;
    const struct pe_image *image;
    uint32_t page_rva;        /* the page being relocated */
    int64_t delta;            /* load address minus ImageBase, bytes */
    uint8_t *page;            /* NULL: only check the directory */
};

/* Bytes a fixup of this type patches; 0 for a type ntmm does not know
   (HIGHADJ, which takes two slots, and the machine-specific types no x86 or
   x64 linker emits). */
static unsigned fixup_width(unsigned type)
{
    switch (type) {
    case PE_REL_BASED_HIGH:
    case PE_REL_BASED_LOW:
        return 2;
    case PE_REL_BASED_HIGHLOW:
        return 4;
    case PE_REL_BASED_DIR64:
        return 8;
    default:
        return 0;
    }
}

/* The field after the fixup. Windows: LdrProcessRelocationBlockLongLong */
static uint64_t fixup_value(unsigned type, uint64_t value, int64_t delta)
{
    uint64_t d = (uint64_t)delta;
    switch (type) {
    case PE_REL_BASED_HIGH:
        return (uint16_t)(value + (d >> 16));
    case PE_REL_BASED_LOW:
        return (uint16_t)(value + d);
    case PE_REL_BASED_HIGHLOW:
        return (uint32_t)(value + d);
    default:
        return value + d;
    }
}

/* Applies one fixup of width bytes at RVA target to the bytes of the page it
   shares with walk->page, per invariant (2). */
static void apply_fixup(const struct reloc_walk *walk, unsigned type, uint64_t target,
                        unsigned width)
{
    uint64_t page_end = (uint64_t)walk->page_rva + PE_PAGE_SIZE;
    if (target >= page_end || target + width <= walk->page_rva)
        return;
    uint8_t field[8];
    pe_read_range(walk->file, walk->file_size, walk->image, (uint32_t)target, width, field);
    for (unsigned i = 0; i < width; i++)
        if (target + i >= walk->page_rva && target + i < page_end)
            field[i] = walk->page[target + i - walk->page_rva];
    uint64_t value = 0;
    for (unsigned i = 0; i < width; i++)
        value |= (uint64_t)field[i] << (8 * i);
    value = fixup_value(type, value, walk->delta);
    for (unsigned i = 0; i < width; i++)
        if (target + i >= walk->page_rva && target + i < page_end)
            walk->page[target + i - walk->page_rva] = (uint8_t)(value >> (8 * i));
}

/* One block at file offset at, with size bytes: false if it is malformed. */
static bool walk_block(const struct reloc_walk *walk, uint64_t at, uint32_t size)
{
    uint32_t block_rva;
    if (!pe_get32(walk->file, walk->file_size, at, &block_rva))
        return false;
    for (uint64_t e = at + BLOCK_HEADER; e < at + size; e += 2) {
        uint16_t entry;
        if (!pe_get16(walk->file, walk->file_size, e, &entry))
            return false;
        unsigned type = entry >> 12;
        if (type == PE_REL_BASED_ABSOLUTE)
            continue; /* padding to a 32-bit boundary */
        unsigned width = fixup_width(type);
        uint64_t target = (uint64_t)block_rva + (entry & 0xFFFu);
        if (width == 0 || target + width > walk->image->size_of_image)
            return false;
        if (walk->page != NULL)
            apply_fixup(walk, type, target, width);
    }
    return true;
}

static bool walk_directory(const struct reloc_walk *walk)
{
    const struct pe_image *image = walk->image;
    uint32_t start;
    if (!pe_rva_to_file_offset(image, walk->file_size, image->reloc_rva, image->reloc_size, &start))
        return false;
    uint64_t at = start, end = (uint64_t)start + image->reloc_size;
    while (at < end) {
        uint32_t size;
        if (end - at < BLOCK_HEADER || !pe_get32(walk->file, walk->file_size, at + 4, &size))
            return false;
        if (size < BLOCK_HEADER || size > end - at || size % 2 != 0)
            return false;
        if (!walk_block(walk, at, size))
            return false;
        at += size;
    }
    return true;
}

/* Windows: LdrRelocateImageWithBias (the status for an image without
   relocations), MiRelocateImagePfn (a page at a time) */
NTSTATUS pe_relocate_page(const uint8_t *file, uint64_t file_size, const struct pe_image *image,
                          uint32_t page_rva, int64_t delta, uint8_t page[PE_PAGE_SIZE])
{
    if (delta == 0)
        return STATUS_SUCCESS; /* at its ImageBase an image needs no fixups */
    if (image->reloc_size == 0)
        return (image->characteristics & PE_FILE_RELOCS_STRIPPED) ? STATUS_CONFLICTING_ADDRESSES
                                                                  : STATUS_SUCCESS;
    struct reloc_walk walk = { file, file_size, image, page_rva, delta, NULL };
    if (!walk_directory(&walk))
        return STATUS_INVALID_IMAGE_FORMAT;
    walk.page = page;
    walk_directory(&walk);
    return STATUS_SUCCESS;
}

/* Windows: MiRelocateImagePfn's header page — the mapped headers carry the
   base the image was mapped at: OptionalHeader.ImageBase (4 bytes at offset
   28 of a PE32 optional header, 8 at offset 24 of a PE32+ one), when it
   lies in the headers' first page. */
void pe_rebase_headers(const uint8_t *file, uint64_t file_size, const struct pe_image *image,
                       uint64_t base, uint8_t page[PE_PAGE_SIZE])
{
    uint32_t lfanew;
    if (!pe_get32(file, file_size, 0x3c, &lfanew))
        return;
    uint64_t at = (uint64_t)lfanew + 4 + 20 + (image->pe32_plus ? 24u : 28u);
    unsigned width = image->pe32_plus ? 8u : 4u;
    if (at + width > PE_PAGE_SIZE)
        return;
    for (unsigned i = 0; i < width; i++)
        page[at + i] = (uint8_t)(base >> (8 * i));
}
