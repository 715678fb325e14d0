/*
 * pe.h — reading a PE image file (Microsoft's "PE Format": the MZ header,
 * the NT headers, the section table, base relocations and the import
 * directory): the headers from a host buffer holding the file's first bytes,
 * everything else through a struct pe_source that reads the file in bounded
 * pieces (a host buffer in the tests, the file object for Mm and the
 * loader), so no caller needs the whole file in host memory. It models the
 * checks the kernel makes before it maps an image (MiCreateImageFileMap,
 * MiVerifyImageHeader) and the work the loader does with a mapped one
 * (LdrRelocateImage, the import walk of LdrpWalkImportDescriptor).
 *
 * Every function here is pure: it reads the buffer or the source and writes
 * only its output, knows nothing of the simulated machine, and never reads
 * outside [0, file_size) whatever the file holds — it is fed corrupted files.
 * Finding an RVA's section is a binary search (invariant (5) keeps them
 * sorted and apart), so no walk costs sections x entries.
 *
 * What must stay true of a struct pe_image that pe_parse accepted:
 * (1) machine is I386 with a PE32 optional header or AMD64 with PE32+;
 * (2) section_alignment is a power of two >= 4096 and file_alignment a power
 *     of two in 512 .. 64K, no larger than section_alignment;
 * (3) image_base is a multiple of 64 KB and the image's last byte,
 *     image_base + size_of_image - 1, does not wrap (nor pass 4 GB - 1 for
 *     PE32);
 * (4) size_of_image is a multiple of section_alignment; size_of_headers lies
 *     within the file, holds the section table, and rounded up to
 *     section_alignment ends at or before the first section;
 * (5) sections are 1 .. 96, each starts at a multiple of section_alignment,
 *     in ascending order, each one's span (pe_section_span) is not 0 and
 *     ends at or before the next one's start and at or before size_of_image;
 * (6) each section's raw data, when raw_size is not 0, lies within the file;
 * (7) every data directory with a size lies within size_of_image (the
 *     certificate directory, which holds a file offset, within the file);
 * (8) entry_point is below size_of_image.
 * The contents of the relocation and import directories are checked when
 * they are read (pe_reloc_scan, pe_imports), not by pe_parse.
 *
 * Files: pe.c (pe_parse), pe_layout.c (the image as laid out in memory,
 * section protections), pe_reloc.c, pe_import.c, pe_source.c (sources and a
 * buffered cursor over one), pe_bytes.h (bounded reads).
 */
#ifndef NTMM_LDR_PE_H
#define NTMM_LDR_PE_H

#include <stdbool.h>
#include <stdint.h>

#include "ntmm/nt.h"

/* ntstatus.h's value; defined here while nt.h does not carry it. */
#ifndef STATUS_INVALID_IMAGE_FORMAT
#define STATUS_INVALID_IMAGE_FORMAT ((NTSTATUS)0xC000007BL)
#endif

/* Values of winnt.h's IMAGE_* constants, under this module's prefix (the
   Windows names belong to the Win32 and Nt layers). */
#define PE_FILE_MACHINE_I386 0x014Cu          /* IMAGE_FILE_MACHINE_I386 */
#define PE_FILE_MACHINE_AMD64 0x8664u         /* IMAGE_FILE_MACHINE_AMD64 */
#define PE_FILE_RELOCS_STRIPPED 0x0001u       /* IMAGE_FILE_RELOCS_STRIPPED */
#define PE_FILE_EXECUTABLE_IMAGE 0x0002u      /* IMAGE_FILE_EXECUTABLE_IMAGE */
#define PE_FILE_LARGE_ADDRESS_AWARE 0x0020u   /* IMAGE_FILE_LARGE_ADDRESS_AWARE */
#define PE_FILE_DLL 0x2000u                   /* IMAGE_FILE_DLL */
#define PE_DLLCHAR_HIGH_ENTROPY_VA 0x0020u    /* IMAGE_DLLCHARACTERISTICS_HIGH_ENTROPY_VA */
#define PE_DLLCHAR_DYNAMIC_BASE 0x0040u       /* IMAGE_DLLCHARACTERISTICS_DYNAMIC_BASE */
#define PE_DLLCHAR_NX_COMPAT 0x0100u          /* IMAGE_DLLCHARACTERISTICS_NX_COMPAT */
#define PE_SUBSYSTEM_WINDOWS_GUI 2u           /* IMAGE_SUBSYSTEM_WINDOWS_GUI */
#define PE_SUBSYSTEM_WINDOWS_CUI 3u           /* IMAGE_SUBSYSTEM_WINDOWS_CUI */
#define PE_SCN_MEM_SHARED 0x10000000u         /* IMAGE_SCN_MEM_SHARED */
#define PE_SCN_MEM_EXECUTE 0x20000000u        /* IMAGE_SCN_MEM_EXECUTE */
#define PE_SCN_MEM_READ 0x40000000u           /* IMAGE_SCN_MEM_READ */
#define PE_SCN_MEM_WRITE 0x80000000u          /* IMAGE_SCN_MEM_WRITE */
#define PE_REL_BASED_ABSOLUTE 0u              /* IMAGE_REL_BASED_ABSOLUTE */
#define PE_REL_BASED_HIGH 1u                  /* IMAGE_REL_BASED_HIGH */
#define PE_REL_BASED_LOW 2u                   /* IMAGE_REL_BASED_LOW */
#define PE_REL_BASED_HIGHLOW 3u               /* IMAGE_REL_BASED_HIGHLOW */
#define PE_REL_BASED_DIR64 10u                /* IMAGE_REL_BASED_DIR64 */

#define PE_MAX_SECTIONS 96u  /* the most sections Windows maps */
#define PE_PAGE_SIZE 4096u   /* the unit of pe_read_page and pe_relocate_page */

struct pe_section {
    char name[9];             /* Name, NUL-terminated (8 bytes at most) */
    uint32_t virtual_address; /* VirtualAddress: RVA of the first byte */
    uint32_t virtual_size;    /* VirtualSize: bytes in memory (0: use raw_size) */
    uint32_t raw_offset;      /* PointerToRawData: file offset of the data */
    uint32_t raw_size;        /* SizeOfRawData: bytes of data in the file */
    uint32_t characteristics; /* Characteristics: IMAGE_SCN_* */
};

struct pe_image {
    bool pe32_plus;               /* optional header is PE32+ (magic 0x20B) */
    uint16_t machine;             /* PE_FILE_MACHINE_I386 or _AMD64 */
    uint16_t characteristics;     /* file header Characteristics: PE_FILE_* */
    uint16_t dll_characteristics; /* DllCharacteristics: PE_DLLCHAR_* */
    uint16_t subsystem;           /* Subsystem: PE_SUBSYSTEM_* */
    uint64_t image_base;          /* ImageBase: preferred address, bytes */
    uint32_t size_of_image;       /* SizeOfImage: bytes of address space */
    uint32_t size_of_headers;     /* SizeOfHeaders: bytes of headers in the file */
    uint32_t section_alignment;   /* SectionAlignment: bytes */
    uint32_t file_alignment;      /* FileAlignment: bytes */
    uint32_t entry_point;         /* AddressOfEntryPoint: RVA, 0 for none */
    uint64_t stack_reserve;       /* SizeOfStackReserve: bytes */
    uint64_t stack_commit;        /* SizeOfStackCommit: bytes */
    uint64_t heap_reserve;        /* SizeOfHeapReserve: bytes */
    uint64_t heap_commit;         /* SizeOfHeapCommit: bytes */
    uint32_t reloc_rva;           /* IMAGE_DIRECTORY_ENTRY_BASERELOC: RVA */
    uint32_t reloc_size;          /* ... and bytes; 0 when the image has none */
    uint32_t import_rva;          /* IMAGE_DIRECTORY_ENTRY_IMPORT: RVA */
    uint32_t import_size;         /* ... and bytes; 0 when it imports nothing */
    unsigned section_count;       /* NumberOfSections: 1 .. PE_MAX_SECTIONS */
    struct pe_section sections[PE_MAX_SECTIONS]; /* in ascending RVA order */
};

/* Where the reader finds a file's bytes. read copies length bytes from
   offset, which callers keep within size; false on an I/O error. */
struct pe_source {
    uint64_t size;                 /* the file's size, bytes */
    bool (*read)(const void *context, uint64_t offset, uint8_t *out, uint32_t length);
    const void *context;
};

/* A source over a host buffer holding a whole file of size bytes. */
struct pe_source pe_buffer_source(const uint8_t *file, uint64_t size);

/* Bytes of a file pe_parse may need: the MZ header, the NT headers and the
   section table must lie within the file's first PE_HEADER_BYTES (Windows
   reads an image's headers from its first pages before it maps it). */
#define PE_HEADER_BYTES 0x10000u

/* Checks the headers and section table of a file of file_size bytes whose
   first head_size bytes head holds, and fills *image.
   STATUS_INVALID_IMAGE_FORMAT for anything the invariants above refuse (a
   header past head_size included), with *image zeroed. Windows:
   MiCreateImageFileMap, MiVerifyImageHeader. */
NTSTATUS pe_parse(const uint8_t *head, uint64_t head_size, uint64_t file_size,
                  struct pe_image *image);

/* Reads the first min(size, PE_HEADER_BYTES) bytes of source into head
   (PE_HEADER_BYTES long) and parses them; STATUS_IN_PAGE_ERROR when the
   read fails, else as pe_parse. *head_size gets the bytes read. */
NTSTATUS pe_parse_source(const struct pe_source *source, uint8_t *head, uint64_t *head_size,
                         struct pe_image *image);

/* The bytes of address space a section occupies: VirtualSize (SizeOfRawData
   when VirtualSize is 0) rounded up to section_alignment. 0 when that does
   not fit in 32 bits. */
uint32_t pe_section_span(const struct pe_image *image, const struct pe_section *section);

/* The bytes of file data that show from RVA rva on without a break (in the
   headers, or in one section's raw data, within file_size), with *offset
   the file offset of the first; 0 when rva shows none. */
uint32_t pe_file_run(const struct pe_image *image, uint64_t file_size, uint32_t rva,
                     uint32_t *offset);

/* The file offset of the length bytes at RVA rva, when they all lie in the
   headers or in one section's raw data, within file_size; false otherwise. */
bool pe_rva_to_file_offset(const struct pe_image *image, uint64_t file_size, uint32_t rva,
                           uint32_t length, uint32_t *offset);

/* Copies length bytes of the image as the loader lays it out, from RVA rva:
   the file's headers below size_of_headers, each section's raw data (at
   most its span) from its RVA, zeros everywhere else (past the raw data, in
   gaps, past size_of_image). Reads only the file data in the range. false
   when the source fails a read. */
bool pe_read_range(const struct pe_source *source, const struct pe_image *image, uint32_t rva,
                   uint32_t length, uint8_t *out);

/* pe_read_range of the page at page_rva (a multiple of PE_PAGE_SIZE):
   the contents a page of the mapped image starts with. */
bool pe_read_page(const struct pe_source *source, const struct pe_image *image,
                  uint32_t page_rva, uint8_t page[PE_PAGE_SIZE]);

/* The relocation index: the directory's blocks by the page their fixups
   patch, so relocating a page reads only the blocks that touch it. A block
   whose fixups reach into two or three pages (one straddling a page's end,
   or a PageRVA off a page boundary) has an entry for each of them. */
struct pe_reloc_block {
    uint32_t page_rva;        /* a page this block patches */
    uint32_t block_rva;       /* the block's PageRVA */
    uint32_t entries;         /* file offset of its first 16-bit entry */
    uint32_t count;           /* its entries */
};

struct pe_relocs {
    struct pe_reloc_block *blocks; /* by page_rva, then in directory order */
    uint64_t count;
};

/* The whole directory checked once, when the image's section is created
   (Windows' loader walks all of it when it relocates an image): one walk
   over it, for an image that can move (a relocation directory and no
   PE_FILE_RELOCS_STRIPPED; else *count is 0 and nothing is read). With
   blocks NULL it counts the index entries into *count; given *count of
   them it fills and sorts them. STATUS_INVALID_IMAGE_FORMAT when any block
   or entry is malformed (a block past the directory, an unknown type, a
   fixup past SizeOfImage), STATUS_IN_PAGE_ERROR when the source fails.
   Windows: LdrProcessRelocationBlockLongLong's checks. */
NTSTATUS pe_reloc_scan(const struct pe_source *source, const struct pe_image *image,
                       struct pe_reloc_block *blocks, uint64_t *count);

/* Applies the base relocations of an image loaded delta bytes away from
   image_base to the page at page_rva, whose PE_PAGE_SIZE bytes page holds
   (the pe_read_page contents), reading the entries of the blocks relocs
   (pe_reloc_scan's) lists for it. A fixup that straddles the page's end or
   start patches only the bytes in this page, so relocating page by page
   gives the bytes relocating the whole image at once gives. Fixup types:
   ABSOLUTE (skipped), HIGH, LOW, HIGHLOW, DIR64. Results, with page
   unchanged unless STATUS_SUCCESS:
   - STATUS_SUCCESS when delta is 0 (nothing to do), when the image has no
     relocation directory but is not marked RELOCS_STRIPPED, or once the
     page is relocated;
   - STATUS_CONFLICTING_ADDRESSES when delta is not 0 and the image is
     marked PE_FILE_RELOCS_STRIPPED: it cannot move;
   - STATUS_IN_PAGE_ERROR when the source fails a read.
   Windows: LdrProcessRelocationBlockLongLong, applied a page at a time as
   MiRelocateImagePfn does. */
NTSTATUS pe_relocate_page(const struct pe_source *source, const struct pe_image *image,
                          const struct pe_relocs *relocs, uint32_t page_rva, int64_t delta,
                          uint8_t page[PE_PAGE_SIZE]);

/* Writes base into the ImageBase field of the headers' first page (the
   pe_read_page contents of RVA 0, whose e_lfanew says where it is), as the
   kernel does for an image it maps elsewhere than its ImageBase. */
void pe_rebase_headers(const struct pe_image *image, uint64_t base, uint8_t page[PE_PAGE_SIZE]);

/* Calls visit(dll, context) with the name of each DLL the image imports, in
   import-directory order, in one walk over the directory (its cost is linear
   in the descriptors and their names). STATUS_INVALID_IMAGE_FORMAT when a
   descriptor or a name lies outside the file's data or a name is longer
   than PE_MAX_IMPORT_NAME characters, STATUS_IN_PAGE_ERROR when the source
   fails: the names visited before the failure are then not the image's
   imports, and the caller drops them. Windows: LdrpWalkImportDescriptor. */
#define PE_MAX_IMPORT_NAME 255u
NTSTATUS pe_imports(const struct pe_source *source, const struct pe_image *image,
                    void (*visit)(const char *dll, void *context), void *context);

/* The PAGE_* protection the pages of a section with these IMAGE_SCN_*
   characteristics get when the image is mapped. Windows:
   MiGetImageProtection. */
ULONG pe_section_protection(uint32_t characteristics);

#endif
