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
 * (1) The whole directory is checked once, by pe_reloc_scan, before any page
 *     is relocated: a malformed directory fails the image, not a page.
 * (2) The index (struct pe_relocs) lists each block under every page its
 *     fixups touch (at most three: 12-bit offsets from any PageRVA, plus a
 *     field straddling the next page), sorted by page: relocating a page
 *     finds its blocks by binary search and reads only their entries, so
 *     the work is proportional to that page's relocations.
 * (3) A fixup is computed on the whole field — the bytes of this page as
 *     they are now, the bytes of the neighbouring page as pe_read_range shows
 *     them — and only this page's bytes are stored; so page-at-a-time
 *     relocation equals whole-image relocation for every field patched once.
 *     (Two fixups of one field that also straddles a page edge would see
 *     each other's carries only on one side; no linker emits such pairs.)
 * (4) Every fixup lies within SizeOfImage; a directory that says otherwise
 *     is malformed.
 * (5) Blocks apply in directory order within a page, whatever order the
 *     directory lists pages in.
 */
#include <stdlib.h>
#include <string.h>

#include "ldr/pe.h"
#include "ldr/pe_bytes.h"

#define BLOCK_HEADER 8u
#define ENTRY_CHUNK (PE_CURSOR_BYTES / 2) /* entries read at a time */

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

static bool can_move(const struct pe_image *image)
{
    return image->reloc_size != 0 && !(image->characteristics & PE_FILE_RELOCS_STRIPPED);
}

/* One block's checks (4) and the pages its fixups touch. */
struct block_pages {
    uint32_t first, last; /* page RVAs; first > last: it patches nothing */
};

static NTSTATUS check_block(struct pe_cursor *cursor, const struct pe_image *image,
                            uint32_t block_rva, uint64_t entries, uint32_t count,
                            struct block_pages *pages)
{
    uint64_t lo = UINT64_MAX, hi = 0;
    for (uint32_t i = 0; i < count; i++) {
        uint8_t e[2];
        if (!pe_cursor_get(cursor, entries + 2ull * i, e, 2))
            return STATUS_IN_PAGE_ERROR;
        unsigned entry = (unsigned)e[0] | (unsigned)e[1] << 8, type = entry >> 12;
        if (type == PE_REL_BASED_ABSOLUTE)
            continue; /* padding to a 32-bit boundary */
        unsigned width = fixup_width(type);
        uint64_t target = (uint64_t)block_rva + (entry & 0xFFFu);
        if (width == 0 || target + width > image->size_of_image)
            return STATUS_INVALID_IMAGE_FORMAT;
        lo = target < lo ? target : lo;
        hi = target + width - 1 > hi ? target + width - 1 : hi;
    }
    *pages = lo > hi ? (struct block_pages){ 1, 0 }
                     : (struct block_pages){ (uint32_t)(lo & ~(uint64_t)(PE_PAGE_SIZE - 1)),
                                             (uint32_t)(hi & ~(uint64_t)(PE_PAGE_SIZE - 1)) };
    return STATUS_SUCCESS;
}

static int by_page(const void *a, const void *b)
{
    const struct pe_reloc_block *x = a, *y = b;
    if (x->page_rva != y->page_rva)
        return x->page_rva < y->page_rva ? -1 : 1;
    return x->entries < y->entries ? -1 : x->entries > y->entries; /* (5) */
}

NTSTATUS pe_reloc_scan(const struct pe_source *source, const struct pe_image *image,
                       struct pe_reloc_block *blocks, uint64_t *count)
{
    uint64_t capacity = blocks ? *count : 0, n = 0;
    *count = 0;
    if (!can_move(image))
        return STATUS_SUCCESS;
    uint32_t start;
    if (!pe_rva_to_file_offset(image, source->size, image->reloc_rva, image->reloc_size, &start))
        return STATUS_INVALID_IMAGE_FORMAT;
    struct pe_cursor cursor;
    pe_cursor_init(&cursor, source);
    uint64_t at = start, end = (uint64_t)start + image->reloc_size;
    while (at < end) {
        uint8_t header[BLOCK_HEADER];
        if (end - at < BLOCK_HEADER)
            return STATUS_INVALID_IMAGE_FORMAT;
        if (!pe_cursor_get(&cursor, at, header, BLOCK_HEADER))
            return STATUS_IN_PAGE_ERROR;
        uint32_t block_rva, size;
        pe_get32(header, BLOCK_HEADER, 0, &block_rva);
        pe_get32(header, BLOCK_HEADER, 4, &size);
        if (size < BLOCK_HEADER || size > end - at || size % 2 != 0)
            return STATUS_INVALID_IMAGE_FORMAT;
        struct block_pages pages;
        uint32_t entries = (size - BLOCK_HEADER) / 2;
        NTSTATUS st = check_block(&cursor, image, block_rva, at + BLOCK_HEADER, entries, &pages);
        if (!NT_SUCCESS(st))
            return st;
        for (uint64_t page = pages.first; page <= pages.last; page += PE_PAGE_SIZE, n++)
            if (blocks && n < capacity)
                blocks[n] = (struct pe_reloc_block){ (uint32_t)page, block_rva,
                                                     (uint32_t)(at + BLOCK_HEADER), entries };
        at += size;
    }
    if (blocks) {
        n = n < capacity ? n : capacity;
        qsort(blocks, (size_t)n, sizeof *blocks, by_page);
    }
    *count = n;
    return STATUS_SUCCESS;
}

/* What relocating one page needs. */
struct reloc_page {
    const struct pe_source *source;
    const struct pe_image *image;
    uint32_t page_rva;        /* the page being relocated */
    int64_t delta;            /* load address minus ImageBase, bytes */
    uint8_t *page;
};

/* Applies one fixup of width bytes at RVA target to the bytes of the page it
   shares with r->page, per invariant (3). */
static bool apply_fixup(const struct reloc_page *r, unsigned type, uint64_t target,
                        unsigned width)
{
    uint64_t page_end = (uint64_t)r->page_rva + PE_PAGE_SIZE;
    if (target >= page_end || target + width <= r->page_rva)
        return true;
    uint8_t field[8];
    bool inside = target >= r->page_rva && target + width <= page_end;
    if (!inside && !pe_read_range(r->source, r->image, (uint32_t)target, width, field))
        return false;
    for (unsigned i = 0; i < width; i++)
        if (target + i >= r->page_rva && target + i < page_end)
            field[i] = r->page[target + i - r->page_rva];
    uint64_t value = 0;
    for (unsigned i = 0; i < width; i++)
        value |= (uint64_t)field[i] << (8 * i);
    value = fixup_value(type, value, r->delta);
    for (unsigned i = 0; i < width; i++)
        if (target + i >= r->page_rva && target + i < page_end)
            r->page[target + i - r->page_rva] = (uint8_t)(value >> (8 * i));
    return true;
}

/* The fixups of one block that touch the page; false if the source fails.
   The blocks of a page are read through one cursor: small blocks one after
   another in the directory cost one source read between them. */
static bool apply_block(const struct reloc_page *r, struct pe_cursor *cursor,
                        const struct pe_reloc_block *block)
{
    uint8_t chunk[ENTRY_CHUNK * 2];
    for (uint32_t done = 0; done < block->count;) {
        uint32_t n = block->count - done < ENTRY_CHUNK ? block->count - done : ENTRY_CHUNK;
        if (!pe_cursor_get(cursor, (uint64_t)block->entries + 2ull * done, chunk, 2 * n))
            return false;
        for (uint32_t i = 0; i < n; i++) {
            unsigned entry = (unsigned)chunk[2 * i] | (unsigned)chunk[2 * i + 1] << 8;
            unsigned type = entry >> 12, width = fixup_width(type);
            if (width != 0 &&
                !apply_fixup(r, type, (uint64_t)block->block_rva + (entry & 0xFFFu), width))
                return false;
        }
        done += n;
    }
    return true;
}

/* Windows: LdrRelocateImageWithBias (the status for an image without
   relocations), MiRelocateImagePfn (a page at a time) */
NTSTATUS pe_relocate_page(const struct pe_source *source, const struct pe_image *image,
                          const struct pe_relocs *relocs, uint32_t page_rva, int64_t delta,
                          uint8_t page[PE_PAGE_SIZE])
{
    if (delta == 0)
        return STATUS_SUCCESS; /* at its ImageBase an image needs no fixups */
    if (image->characteristics & PE_FILE_RELOCS_STRIPPED)
        return STATUS_CONFLICTING_ADDRESSES;
    uint64_t lo = 0, hi = relocs->count;
    while (lo < hi) { /* (2): the first block listed under this page */
        uint64_t mid = lo + (hi - lo) / 2;
        if (relocs->blocks[mid].page_rva < page_rva)
            lo = mid + 1;
        else
            hi = mid;
    }
    uint8_t copy[PE_PAGE_SIZE];
    memcpy(copy, page, PE_PAGE_SIZE);
    struct reloc_page r = { source, image, page_rva, delta, copy };
    struct pe_cursor cursor;
    pe_cursor_init(&cursor, source);
    for (uint64_t i = lo; i < relocs->count && relocs->blocks[i].page_rva == page_rva; i++)
        if (!apply_block(&r, &cursor, &relocs->blocks[i]))
            return STATUS_IN_PAGE_ERROR;
    memcpy(page, copy, PE_PAGE_SIZE);
    return STATUS_SUCCESS;
}

/* Windows: MiRelocateImagePfn's header page — the mapped headers carry the
   base the image was mapped at: OptionalHeader.ImageBase (4 bytes at offset
   28 of a PE32 optional header, 8 at offset 24 of a PE32+ one), when it
   lies in the headers' first page. */
void pe_rebase_headers(const struct pe_image *image, uint64_t base, uint8_t page[PE_PAGE_SIZE])
{
    uint32_t lfanew;
    if (!pe_get32(page, PE_PAGE_SIZE, 0x3c, &lfanew))
        return;
    uint64_t at = (uint64_t)lfanew + 4 + 20 + (image->pe32_plus ? 24u : 28u);
    unsigned width = image->pe32_plus ? 8u : 4u;
    if (at + width > PE_PAGE_SIZE)
        return;
    for (unsigned i = 0; i < width; i++)
        page[at + i] = (uint8_t)(base >> (8 * i));
}
