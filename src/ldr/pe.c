/*
 * pe.c — pe_parse: the checks an image file passes before it may be mapped
 * (Windows: MiCreateImageFileMap and MiVerifyImageHeader), over a host
 * buffer. The invariants it establishes are numbered in pe.h.
 *
 * Every field is read through pe_get16/32/64 (pe_bytes.h), which take the
 * offset and the buffer's size: a read past the end is refused before it
 * happens, so a truncated or lying header can only make pe_parse fail. The
 * buffer holds the file's first bytes (PE_HEADER_BYTES at most); the
 * file's own size bounds SizeOfHeaders, raw data and the certificates.
 *
 * Where ntmm is narrower than Windows, on purpose:
 * - machines other than I386 (with PE32) and AMD64 (with PE32+) are refused
 *   with STATUS_INVALID_IMAGE_FORMAT, where Windows reports a machine
 *   mismatch (STATUS_INVALID_IMAGE_WIN_64, STATUS_IMAGE_MACHINE_TYPE_MISMATCH);
 * - "low alignment" images (SectionAlignment == FileAlignment < 4096, mapped
 *   flat) are refused;
 * - the headers must hold the section table, and every section's raw data
 *   must lie within the file, where Windows reads short data as zeros.
 */
#include <string.h>

#include "ldr/pe.h"
#include "ldr/pe_bytes.h"

/* Field offsets, from Microsoft's PE Format. */
#define DOS_E_LFANEW 0x3Cu             /* IMAGE_DOS_HEADER.e_lfanew */
#define DOS_HEADER_SIZE 0x40u
#define FILE_HEADER_SIZE 20u           /* IMAGE_FILE_HEADER */
#define SECTION_HEADER_SIZE 40u        /* IMAGE_SECTION_HEADER */
#define OPT_MAGIC_PE32 0x10Bu
#define OPT_MAGIC_PE32_PLUS 0x20Bu
#define OPT_FIXED_PE32 96u             /* the optional header before DataDirectory */
#define OPT_FIXED_PE32_PLUS 112u
#define DIRECTORY_ENTRIES 16u          /* IMAGE_NUMBEROF_DIRECTORY_ENTRIES */
#define DIRECTORY_IMPORT 1u
#define DIRECTORY_SECURITY 4u          /* holds a file offset, not an RVA */
#define DIRECTORY_BASERELOC 5u
#define MIN_SECTION_ALIGNMENT 4096u
#define MIN_FILE_ALIGNMENT 512u
#define MAX_FILE_ALIGNMENT 0x10000u
#define IMAGE_BASE_ALIGNMENT 0x10000u  /* allocation granularity */

/* A PE32 field that PE32+ widens to 64 bits. */
static bool get_word(const uint8_t *file, uint64_t head_size, uint64_t offset, bool wide,
                     uint64_t *value)
{
    uint32_t narrow;
    if (wide)
        return pe_get64(file, head_size, offset, value);
    if (!pe_get32(file, head_size, offset, &narrow))
        return false;
    *value = narrow;
    return true;
}

static bool power_of_two(uint32_t x)
{
    return x != 0 && (x & (x - 1)) == 0;
}

static uint64_t round_up(uint64_t x, uint32_t alignment)
{
    return (x + alignment - 1) & ~(uint64_t)(alignment - 1);
}

/* Where the headers are, found from the MZ header. */
struct layout {
    uint64_t file_header;     /* offset of IMAGE_FILE_HEADER */
    uint64_t optional_header; /* offset of the optional header */
    uint64_t section_table;   /* offset of the first IMAGE_SECTION_HEADER */
    uint64_t headers_end;     /* offset just past the section table */
    uint16_t optional_size;   /* SizeOfOptionalHeader */
    uint64_t file_size;       /* the whole file's size, bytes */
};

/* The MZ and PE signatures, and the file header's machine, section count
   and optional-header size. Windows: RtlImageNtHeaderEx. */
static bool parse_file_header(const uint8_t *file, uint64_t head_size, struct pe_image *image,
                              struct layout *layout)
{
    uint32_t lfanew, signature;
    uint16_t sections;
    if (head_size < DOS_HEADER_SIZE || file[0] != 'M' || file[1] != 'Z')
        return false;
    if (!pe_get32(file, head_size, DOS_E_LFANEW, &lfanew) || (lfanew & 3) != 0)
        return false;
    if (!pe_get32(file, head_size, lfanew, &signature) || signature != 0x00004550u) /* "PE\0\0" */
        return false;
    layout->file_header = (uint64_t)lfanew + 4;
    if (!pe_get16(file, head_size, layout->file_header, &image->machine) ||
        !pe_get16(file, head_size, layout->file_header + 2, &sections) ||
        !pe_get16(file, head_size, layout->file_header + 16, &layout->optional_size) ||
        !pe_get16(file, head_size, layout->file_header + 18, &image->characteristics))
        return false;
    if (sections < 1 || sections > PE_MAX_SECTIONS)
        return false;
    image->section_count = sections;
    layout->optional_header = layout->file_header + FILE_HEADER_SIZE;
    layout->section_table = layout->optional_header + layout->optional_size;
    layout->headers_end = layout->section_table + (uint64_t)sections * SECTION_HEADER_SIZE;
    return true;
}

/* Magic against the machine and SizeOfOptionalHeader; the fields the rest
   of ntmm uses. */
static bool parse_optional_header(const uint8_t *file, uint64_t head_size,
                                  struct pe_image *image, const struct layout *layout)
{
    uint64_t o = layout->optional_header;
    uint16_t magic;
    if (!pe_get16(file, head_size, o, &magic))
        return false;
    if (magic == OPT_MAGIC_PE32 && image->machine == PE_FILE_MACHINE_I386)
        image->pe32_plus = false;
    else if (magic == OPT_MAGIC_PE32_PLUS && image->machine == PE_FILE_MACHINE_AMD64)
        image->pe32_plus = true;
    else
        return false;
    bool wide = image->pe32_plus;
    uint64_t sizes = o + 72;      /* SizeOfStackReserve, then the other three */
    uint32_t stride = wide ? 8 : 4;
    if (layout->optional_size < (wide ? OPT_FIXED_PE32_PLUS : OPT_FIXED_PE32))
        return false;
    /* ImageBase follows BaseOfData in PE32; PE32+ has no BaseOfData. */
    return pe_get32(file, head_size, o + 16, &image->entry_point) &&
           get_word(file, head_size, o + (wide ? 24 : 28), wide, &image->image_base) &&
           pe_get32(file, head_size, o + 32, &image->section_alignment) &&
           pe_get32(file, head_size, o + 36, &image->file_alignment) &&
           pe_get32(file, head_size, o + 56, &image->size_of_image) &&
           pe_get32(file, head_size, o + 60, &image->size_of_headers) &&
           pe_get16(file, head_size, o + 68, &image->subsystem) &&
           pe_get16(file, head_size, o + 70, &image->dll_characteristics) &&
           get_word(file, head_size, sizes, wide, &image->stack_reserve) &&
           get_word(file, head_size, sizes + stride, wide, &image->stack_commit) &&
           get_word(file, head_size, sizes + 2 * stride, wide, &image->heap_reserve) &&
           get_word(file, head_size, sizes + 3 * stride, wide, &image->heap_commit);
}

/* Invariants (2), (3) and the alignment half of (4). */
static bool check_geometry(const struct pe_image *image)
{
    uint32_t sa = image->section_alignment, fa = image->file_alignment;
    if (!power_of_two(sa) || sa < MIN_SECTION_ALIGNMENT)
        return false;
    if (!power_of_two(fa) || fa < MIN_FILE_ALIGNMENT || fa > MAX_FILE_ALIGNMENT || fa > sa)
        return false;
    if (image->size_of_image == 0 || image->size_of_image % sa != 0)
        return false;
    if (image->image_base % IMAGE_BASE_ALIGNMENT != 0)
        return false;
    uint64_t limit = image->pe32_plus ? UINT64_MAX : UINT32_MAX; /* the last byte allowed */
    if (image->image_base > limit || image->size_of_image - 1 > limit - image->image_base)
        return false;
    return image->entry_point < image->size_of_image;
}

/* Invariant (7): the data directories present must lie in the image; the
   import and relocation directories are kept. */
static bool parse_directories(const uint8_t *file, uint64_t head_size, struct pe_image *image,
                              const struct layout *layout)
{
    uint64_t o = layout->optional_header;
    uint32_t fixed = image->pe32_plus ? OPT_FIXED_PE32_PLUS : OPT_FIXED_PE32;
    uint32_t count;
    if (!pe_get32(file, head_size, o + fixed - 4, &count))
        return false;
    if (count > DIRECTORY_ENTRIES)
        count = DIRECTORY_ENTRIES; /* Windows ignores entries past the sixteenth */
    if ((uint64_t)fixed + (uint64_t)count * 8 > layout->optional_size)
        return false;
    for (uint32_t i = 0; i < count; i++) {
        uint32_t rva, size;
        if (!pe_get32(file, head_size, o + fixed + 8 * i, &rva) ||
            !pe_get32(file, head_size, o + fixed + 8 * i + 4, &size))
            return false;
        if (size == 0)
            continue;
        uint64_t limit = i == DIRECTORY_SECURITY ? layout->file_size : image->size_of_image;
        if ((uint64_t)rva + size > limit)
            return false;
        if (i == DIRECTORY_IMPORT) {
            image->import_rva = rva;
            image->import_size = size;
        } else if (i == DIRECTORY_BASERELOC) {
            image->reloc_rva = rva;
            image->reloc_size = size;
        }
    }
    return true;
}

static bool parse_section(const uint8_t *file, uint64_t head_size, uint64_t offset,
                          struct pe_section *section)
{
    if (!pe_in_file(head_size, offset, SECTION_HEADER_SIZE))
        return false;
    memcpy(section->name, file + offset, 8);
    section->name[8] = '\0';
    return pe_get32(file, head_size, offset + 8, &section->virtual_size) &&
           pe_get32(file, head_size, offset + 12, &section->virtual_address) &&
           pe_get32(file, head_size, offset + 16, &section->raw_size) &&
           pe_get32(file, head_size, offset + 20, &section->raw_offset) &&
           pe_get32(file, head_size, offset + 36, &section->characteristics);
}

/* Invariants (4) to (6): the headers, then each section after the last. */
static bool parse_sections(const uint8_t *file, uint64_t head_size, struct pe_image *image,
                           const struct layout *layout)
{
    uint32_t sa = image->section_alignment;
    if (image->size_of_headers < layout->headers_end || image->size_of_headers > layout->file_size)
        return false;
    uint64_t next = round_up(image->size_of_headers, sa); /* the first RVA free */
    for (unsigned i = 0; i < image->section_count; i++) {
        struct pe_section *s = &image->sections[i];
        if (!parse_section(file, head_size, layout->section_table + (uint64_t)i * SECTION_HEADER_SIZE, s))
            return false;
        uint32_t span = pe_section_span(image, s);
        if (s->virtual_address % sa != 0 || s->virtual_address < next || span == 0)
            return false;
        next = (uint64_t)s->virtual_address + span;
        if (next > image->size_of_image)
            return false;
        if (s->raw_size != 0 && !pe_in_file(layout->file_size, s->raw_offset, s->raw_size))
            return false;
    }
    return true;
}

/* Windows: MiCreateImageFileMap, MiVerifyImageHeader */
NTSTATUS pe_parse(const uint8_t *file, uint64_t head_size, uint64_t file_size,
                  struct pe_image *image)
{
    struct pe_image parsed;
    struct layout layout = { .file_size = file_size };
    memset(&parsed, 0, sizeof parsed);
    memset(image, 0, sizeof *image);
    if (head_size > file_size)
        head_size = file_size;
    if (file == NULL ||
        !parse_file_header(file, head_size, &parsed, &layout) ||
        !parse_optional_header(file, head_size, &parsed, &layout) ||
        !check_geometry(&parsed) ||
        !parse_directories(file, head_size, &parsed, &layout) ||
        !parse_sections(file, head_size, &parsed, &layout))
        return STATUS_INVALID_IMAGE_FORMAT;
    *image = parsed;
    return STATUS_SUCCESS;
}

uint32_t pe_section_span(const struct pe_image *image, const struct pe_section *section)
{
    uint32_t size = section->virtual_size != 0 ? section->virtual_size : section->raw_size;
    uint64_t span = round_up(size, image->section_alignment);
    return span > UINT32_MAX ? 0 : (uint32_t)span;
}

NTSTATUS pe_parse_source(const struct pe_source *source, uint8_t *head, uint64_t *head_size,
                         struct pe_image *image)
{
    memset(image, 0, sizeof *image);
    *head_size = source->size < PE_HEADER_BYTES ? source->size : PE_HEADER_BYTES;
    if (!source->read(source->context, 0, head, (uint32_t)*head_size))
        return STATUS_IN_PAGE_ERROR;
    return pe_parse(head, *head_size, source->size, image);
}
