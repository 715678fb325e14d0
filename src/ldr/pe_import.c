/*
 * pe_import.c — the names of the DLLs an image imports, read from the file's
 * IMAGE_DIRECTORY_ENTRY_IMPORT (Windows: the walk LdrpWalkImportDescriptor
 * makes before it loads each DLL and snaps its thunks).
 *
 * The directory is an array of 20-byte IMAGE_IMPORT_DESCRIPTORs
 * (OriginalFirstThunk, TimeDateStamp, ForwarderChain, Name, FirstThunk),
 * ended, as the Windows loader ends it, by the first one whose Name or
 * FirstThunk is 0; the directory's size is not consulted.
 * (1) Every descriptor and every name byte is found through the section
 *     table (pe_file_run, a binary search) and read within the file.
 * (2) One walk: each descriptor is read once, through a cursor (one source
 *     read per PE_CURSOR_BYTES of descriptors), each name, at most
 *     PE_MAX_IMPORT_NAME + 1 bytes, through another (names that follow one
 *     another, or repeat, cost no further read). The cost is linear in the
 *     directory, whatever the section count.
 * (3) A name is 1 .. PE_MAX_IMPORT_NAME bytes, then a NUL.
 */
#include <string.h>

#include "ldr/pe.h"
#include "ldr/pe_bytes.h"

#define DESCRIPTOR_SIZE 20u
#define DESCRIPTOR_NAME 12u
#define DESCRIPTOR_FIRST_THUNK 16u

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Copies the NUL-terminated name at RVA rva into name. */
static NTSTATUS read_name(struct pe_cursor *cursor, const struct pe_image *image, uint32_t rva,
                          char name[PE_MAX_IMPORT_NAME + 1])
{
    uint32_t at = 0, run = pe_file_run(image, cursor->source->size, rva, &at);
    if (run > PE_MAX_IMPORT_NAME + 1)
        run = PE_MAX_IMPORT_NAME + 1;
    if (run < 2)
        return STATUS_INVALID_IMAGE_FORMAT;
    if (!pe_cursor_get(cursor, at, name, run))
        return STATUS_IN_PAGE_ERROR;
    const char *end = memchr(name, '\0', run);
    return end != NULL && end != name ? STATUS_SUCCESS : STATUS_INVALID_IMAGE_FORMAT;
}

/* Windows: LdrpWalkImportDescriptor */
NTSTATUS pe_imports(const struct pe_source *source, const struct pe_image *image,
                    void (*visit)(const char *dll, void *context), void *context)
{
    if (image->import_size == 0)
        return STATUS_SUCCESS;
    struct pe_cursor cursor, names; /* the descriptors, the names */
    pe_cursor_init(&cursor, source);
    pe_cursor_init(&names, source);
    char name[PE_MAX_IMPORT_NAME + 1];
    for (uint64_t rva = image->import_rva;; rva += DESCRIPTOR_SIZE) {
        uint32_t at;
        uint8_t descriptor[DESCRIPTOR_SIZE];
        if (rva > UINT32_MAX ||
            !pe_rva_to_file_offset(image, source->size, (uint32_t)rva, DESCRIPTOR_SIZE, &at))
            return STATUS_INVALID_IMAGE_FORMAT;
        if (!pe_cursor_get(&cursor, at, descriptor, DESCRIPTOR_SIZE))
            return STATUS_IN_PAGE_ERROR;
        uint32_t name_rva = le32(descriptor + DESCRIPTOR_NAME);
        if (name_rva == 0 || le32(descriptor + DESCRIPTOR_FIRST_THUNK) == 0)
            return STATUS_SUCCESS;
        NTSTATUS status = read_name(&names, image, name_rva, name);
        if (!NT_SUCCESS(status))
            return status;
        visit(name, context);
    }
}
