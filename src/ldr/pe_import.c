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
 *     table (pe_rva_to_file_offset) and read within the file.
 * (2) The whole directory is checked before visit is first called: a caller
 *     sees all the names or none.
 * (3) A name is 1 .. PE_MAX_IMPORT_NAME bytes, then a NUL.
 */
#include <stddef.h>

#include "ldr/pe.h"
#include "ldr/pe_bytes.h"

#define DESCRIPTOR_SIZE 20u
#define DESCRIPTOR_NAME 12u
#define DESCRIPTOR_FIRST_THUNK 16u

/* Copies the NUL-terminated name at RVA rva into name; false when it is
   empty, too long, or leaves the file's data. */
static bool read_name(const uint8_t *file, uint64_t file_size, const struct pe_image *image,
                      uint32_t rva, char name[PE_MAX_IMPORT_NAME + 1])
{
    for (uint32_t i = 0; i <= PE_MAX_IMPORT_NAME; i++) {
        uint32_t at;
        if (i > UINT32_MAX - rva || !pe_rva_to_file_offset(image, file_size, rva + i, 1, &at))
            return false;
        name[i] = (char)file[at];
        if (name[i] == '\0')
            return i > 0;
    }
    return false;
}

/* One walk over the descriptors; visit NULL only checks them. */
static bool walk_imports(const uint8_t *file, uint64_t file_size, const struct pe_image *image,
                         void (*visit)(const char *dll, void *context), void *context)
{
    char name[PE_MAX_IMPORT_NAME + 1];
    for (uint64_t rva = image->import_rva;; rva += DESCRIPTOR_SIZE) {
        uint32_t at, name_rva, first_thunk;
        if (rva > UINT32_MAX ||
            !pe_rva_to_file_offset(image, file_size, (uint32_t)rva, DESCRIPTOR_SIZE, &at) ||
            !pe_get32(file, file_size, (uint64_t)at + DESCRIPTOR_NAME, &name_rva) ||
            !pe_get32(file, file_size, (uint64_t)at + DESCRIPTOR_FIRST_THUNK, &first_thunk))
            return false;
        if (name_rva == 0 || first_thunk == 0)
            return true;
        if (!read_name(file, file_size, image, name_rva, name))
            return false;
        if (visit != NULL)
            visit(name, context);
    }
}

/* Windows: LdrpWalkImportDescriptor */
NTSTATUS pe_imports(const uint8_t *file, uint64_t file_size, const struct pe_image *image,
                    void (*visit)(const char *dll, void *context), void *context)
{
    if (image->import_size == 0)
        return STATUS_SUCCESS;
    if (!walk_imports(file, file_size, image, NULL, NULL))
        return STATUS_INVALID_IMAGE_FORMAT;
    if (visit != NULL)
        walk_imports(file, file_size, image, visit, context);
    return STATUS_SUCCESS;
}
