/*
 * pe_bytes.h — little-endian reads from a file buffer for the PE reader
 * (ldr/pe*.c), each bounded by the buffer's size.
 * (1) A read that would pass file_size reads nothing and returns false; so
 *     no caller can read out of bounds, whatever offsets a file holds.
 * Also the cursor of pe_source.c, for the reader's files only.
 */
#ifndef NTMM_LDR_PE_BYTES_H
#define NTMM_LDR_PE_BYTES_H

#include <stdbool.h>
#include <stdint.h>

#include "ldr/pe.h"

/* A buffered reader over a source (pe_source.c): sequential reads of at most
   PE_CURSOR_BYTES each cost one source read per PE_CURSOR_BYTES. */
#define PE_CURSOR_BYTES 4096u
struct pe_cursor {
    const struct pe_source *source;
    uint64_t start;                   /* file offset of buffer[0] */
    uint32_t length;                  /* bytes of buffer the source filled */
    uint8_t buffer[PE_CURSOR_BYTES];
};

void pe_cursor_init(struct pe_cursor *cursor, const struct pe_source *source);
/* Copies length (at most PE_CURSOR_BYTES) bytes of the file from offset;
   false when they pass the file's end or the source fails. */
bool pe_cursor_get(struct pe_cursor *cursor, uint64_t offset, void *out, uint32_t length);

static inline bool pe_in_file(uint64_t file_size, uint64_t offset, uint64_t length)
{
    return offset <= file_size && length <= file_size - offset;
}

static inline bool pe_get16(const uint8_t *file, uint64_t file_size, uint64_t offset,
                            uint16_t *value)
{
    if (!pe_in_file(file_size, offset, 2))
        return false;
    *value = (uint16_t)(file[offset] | file[offset + 1] << 8);
    return true;
}

static inline bool pe_get32(const uint8_t *file, uint64_t file_size, uint64_t offset,
                            uint32_t *value)
{
    uint16_t lo, hi;
    if (!pe_get16(file, file_size, offset, &lo) || !pe_get16(file, file_size, offset + 2, &hi))
        return false;
    *value = (uint32_t)lo | (uint32_t)hi << 16;
    return true;
}

static inline bool pe_get64(const uint8_t *file, uint64_t file_size, uint64_t offset,
                            uint64_t *value)
{
    uint32_t lo, hi;
    if (!pe_get32(file, file_size, offset, &lo) || !pe_get32(file, file_size, offset + 4, &hi))
        return false;
    *value = (uint64_t)lo | (uint64_t)hi << 32;
    return true;
}

#endif
