/*
 * pe_source.c — where the PE reader gets a file's bytes (pe.h's struct
 * pe_source): a host buffer, and a buffered cursor that turns sequential
 * small reads (import descriptors, relocation entries) into one source read
 * per PE_CURSOR_BYTES.
 * (1) No source read passes the source's size: the cursor clamps its
 *     refills and refuses a read past the end.
 * (2) The cursor returns only bytes the source gave for exactly those
 *     offsets; its buffer is refilled, never patched.
 */
#include <string.h>

#include "ldr/pe.h"
#include "ldr/pe_bytes.h"

static bool buffer_read(const void *context, uint64_t offset, uint8_t *out, uint32_t length)
{
    memcpy(out, (const uint8_t *)context + offset, length);
    return true;
}

struct pe_source pe_buffer_source(const uint8_t *file, uint64_t size)
{
    return (struct pe_source){ size, buffer_read, file };
}

void pe_cursor_init(struct pe_cursor *cursor, const struct pe_source *source)
{
    cursor->source = source;
    cursor->start = 0;
    cursor->length = 0;
}

bool pe_cursor_get(struct pe_cursor *cursor, uint64_t offset, void *out, uint32_t length)
{
    uint64_t size = cursor->source->size;
    if (length > PE_CURSOR_BYTES || !pe_in_file(size, offset, length))
        return false;
    if (offset < cursor->start || offset + length > cursor->start + cursor->length) {
        uint64_t left = size - offset;
        cursor->start = offset;
        cursor->length = left < PE_CURSOR_BYTES ? (uint32_t)left : PE_CURSOR_BYTES;
        if (!cursor->source->read(cursor->source->context, offset, cursor->buffer,
                                  cursor->length)) {
            cursor->length = 0;
            return false;
        }
    }
    memcpy(out, cursor->buffer + (offset - cursor->start), length);
    return true;
}
