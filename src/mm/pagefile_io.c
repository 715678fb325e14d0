/*
 * pagefile_io.c — reading and writing pagefile slots (Windows: the paging
 * I/O of a hard fault, IoPageRead, and of the modified page writer,
 * IoAsynchronousPageWrite), through the I/O manager's paging helpers on the
 * pagefile's File object. Each call is one I/O for the fault injector.
 *
 * (1) Only slots in use are read or written (pagefile.h (6)): a slot a PTE
 *     names but the bitmap does not hold is an in-page error, not a read of
 *     stale bytes.
 * (2) An injected fault fires before any byte moves.
 */
#include "io/io.h"
#include "mm/pagefile.h"

static struct io_file *slots_file(const struct mm *mm, unsigned number, uint64_t offset,
                                  unsigned count)
{
    if (!count || !mi_paging_file_slots_used(mm, number, offset, count))
        return NULL;
    return mm->paging_files->file[number].file;
}

NTSTATUS mi_read_paging_file(struct mm *mm, unsigned number, uint64_t offset,
                             uint8_t *const *pages, unsigned count)
{
    struct io_file *file = slots_file(mm, number, offset, count);
    if (!file || mm_fault_fires(mm, NTMM_FAULT_PAGEFILE_READ))
        return STATUS_IN_PAGE_ERROR;
    for (unsigned i = 0; i < count; i++)
        if (!NT_SUCCESS(io_page_read(file, (offset + i) << PAGE_SHIFT, pages[i], PAGE_SIZE)))
            return STATUS_IN_PAGE_ERROR;
    return STATUS_SUCCESS;
}

NTSTATUS mi_write_paging_file(struct mm *mm, unsigned number, uint64_t offset,
                              const uint8_t *const *pages, unsigned count)
{
    struct io_file *file = slots_file(mm, number, offset, count);
    if (!file || mm_fault_fires(mm, NTMM_FAULT_PAGEFILE_WRITE))
        return STATUS_IN_PAGE_ERROR;
    for (unsigned i = 0; i < count; i++) {
        NTSTATUS st = io_page_write(file, (offset + i) << PAGE_SHIFT, pages[i], PAGE_SIZE);
        if (!NT_SUCCESS(st))
            return st;
    }
    return STATUS_SUCCESS;
}
