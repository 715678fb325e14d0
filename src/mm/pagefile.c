/*
 * pagefile.c — the paging files: creation at boot, the slot bitmaps, the
 * cluster search, release, extension toward the maximum, and the checker
 * of pagefile.h's invariants (1)-(3). The I/O is in pagefile_io.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/io.h"
#include "mm/pagefile.h"

#define EXTENSION_STEP (16u * MM_PAGE_FILE_EXTENSION) /* MiAttemptPageFileExtension's first try: 16 MB */

void mi_paging_file_path(unsigned number, char path[MM_PAGE_FILE_PATH_MAX])
{
    if (number == 0)
        snprintf(path, MM_PAGE_FILE_PATH_MAX, "C:\\pagefile.sys");
    else
        snprintf(path, MM_PAGE_FILE_PATH_MAX, "C:\\pagefile%u.sys", number + 1);
}

uint64_t mi_maximum_paging_file_pages(enum ntmm_arch arch)
{
    /* PageFileHigh: 20 bits in an x86 PTE, 32 in PAE and x64 ones */
    return arch == NTMM_ARCH_X86 ? (1ull << 20) - 1 : (1ull << 32) - 1;
}

static uint64_t bitmap_words(uint64_t bits)
{
    return (bits + 63) / 64;
}

static bool bit_set(const struct mm_paging_file *pf, uint64_t i)
{
    return (pf->bitmap[i / 64] >> (i % 64)) & 1;
}

/* The first bit at or after i that is clear (set: that is set), or Size.
 * Bits past Size are always clear (pagefile.h (2)). */
static uint64_t next_bit(const struct mm_paging_file *pf, uint64_t i, bool set)
{
    while (i < pf->size) {
        uint64_t word = pf->bitmap[i / 64];
        uint64_t w = (set ? word : ~word) >> (i % 64);
        if (w) {
            i += (uint64_t)__builtin_ctzll(w);
            return i < pf->size ? i : pf->size;
        }
        i = (i | 63) + 1;
    }
    return pf->size;
}

/* The first run of want clear bits starting at or after from: its first
 * bit, or 0. *longest and *longest_at keep the longest shorter run seen. */
static uint64_t find_run(const struct mm_paging_file *pf, uint64_t from, uint64_t want,
                         uint64_t *longest, uint64_t *longest_at)
{
    for (uint64_t i = next_bit(pf, from, false); i < pf->size;) {
        uint64_t end = next_bit(pf, i, true);
        if (end - i >= want)
            return i;
        if (end - i > *longest) {
            *longest = end - i;
            *longest_at = i;
        }
        i = next_bit(pf, end, false);
    }
    return 0;
}

static void set_bits(struct mm_paging_file *pf, uint64_t first, uint64_t count, bool set)
{
    for (uint64_t i = first; i < first + count; i++) {
        uint64_t mask = 1ull << (i % 64);
        pf->bitmap[i / 64] = set ? pf->bitmap[i / 64] | mask : pf->bitmap[i / 64] & ~mask;
    }
}

static uint64_t used_pages(const struct mm_paging_files *pfs)
{
    uint64_t used = 0;
    for (unsigned n = 0; n < pfs->count; n++)
        used += pfs->file[n].current_usage;
    return used;
}

static void add_symbol(struct mm *mm, enum mm_symbol sym, uint64_t pages)
{
    mm_set_symbol_word(mm, sym, mm_symbol_word(mm, sym) + pages);
}

/* Windows: NtCreatePagingFile */
NTSTATUS mm_create_paging_file(struct mm *mm, struct io_file *file, uint64_t minimum,
                               uint64_t maximum)
{
    uint64_t largest = mi_maximum_paging_file_pages(mm->cpu->fmt->arch);
    uint64_t room = mm->pfn_layout->word == 8 ? UINT64_MAX : UINT32_MAX;
    room -= mm_symbol_word(mm, SYM_MmTotalCommitLimitMaximum);
    NTSTATUS st = STATUS_SUCCESS;
    if (!mm->paging_files)
        mm->paging_files = calloc(1, sizeof *mm->paging_files);
    if (!mm->paging_files)
        st = STATUS_NO_MEMORY;
    else if (mm->paging_files->count == MM_MAXIMUM_PAGING_FILES)
        st = STATUS_TOO_MANY_PAGING_FILES;
    else if (minimum < MM_MINIMUM_PAGING_FILE || minimum > largest)
        st = STATUS_INVALID_PARAMETER_2;
    else if (maximum > largest || minimum > maximum || maximum - 1 > room)
        st = STATUS_INVALID_PARAMETER_3; /* the last: the commit counters would wrap */
    uint64_t *bitmap = NT_SUCCESS(st) ? calloc(bitmap_words(minimum), sizeof *bitmap) : NULL;
    if (NT_SUCCESS(st) && !bitmap)
        st = STATUS_NO_MEMORY;
    if (!NT_SUCCESS(st)) {
        io_delete_paging_file(file);
        return st;
    }
    struct mm_paging_files *pfs = mm->paging_files;
    struct mm_paging_file *pf = &pfs->file[pfs->count];
    *pf = (struct mm_paging_file){ .size = minimum, .maximum_size = maximum,
                                   .minimum_size = minimum, .free_space = minimum - 1,
                                   .hint = 1, .number = pfs->count, .file = file,
                                   .bitmap = bitmap };
    char path[MM_PAGE_FILE_PATH_MAX];
    mi_paging_file_path(pf->number, path);
    snprintf(pf->name, sizeof pf->name, "\\??\\%s", path);
    pf->bitmap[0] = 1; /* (1) */
    pfs->count++;
    /* MiInsertPageFileInList: what the file can hold raises the limits (4) */
    add_symbol(mm, SYM_MmTotalCommitLimitMaximum, maximum - 1);
    add_symbol(mm, SYM_MmTotalCommitLimit, minimum - 1);
    return STATUS_SUCCESS;
}

void mm_delete_paging_files(struct mm *mm)
{
    struct mm_paging_files *pfs = mm->paging_files;
    if (!pfs)
        return;
    for (unsigned n = 0; n < pfs->count; n++) {
        io_delete_paging_file(pfs->file[n].file);
        free(pfs->file[n].bitmap);
    }
    free(pfs);
    mm->paging_files = NULL;
}

/* Windows: MiFinishPageFileExtension, after the host file grew: add pages
 * more slots and raise MmTotalCommitLimit by them (pagefile.h (3)). False,
 * with the file's structures unchanged, if the host refuses. */
static bool grow(struct mm *mm, struct mm_paging_file *pf, uint64_t pages)
{
    uint64_t size = pf->size + pages;
    if (!NT_SUCCESS(io_extend_file(pf->file, size << PAGE_SHIFT)))
        return false;
    uint64_t old_words = bitmap_words(pf->size), words = bitmap_words(size);
    if (words > old_words) {
        uint64_t *bitmap = mm_host_realloc(mm, pf->bitmap, words * sizeof *bitmap);
        if (!bitmap)
            return false; /* the host file is longer than Size: harmless (3) */
        memset(bitmap + old_words, 0, (words - old_words) * sizeof *bitmap);
        pf->bitmap = bitmap;
    }
    pf->size = size;
    pf->free_space += pages;
    add_symbol(mm, SYM_MmTotalCommitLimit, pages);
    return true;
}

/* Windows: MiAttemptPageFileExtension — grows the file by need pages or
 * more: at least 16 MB, then at least 1 MB if the host refuses that, never
 * past MaximumSize; with partial, by what is left below the maximum when
 * need does not fit, else not at all. Returns the pages added. */
static uint64_t attempt_extension(struct mm *mm, struct mm_paging_file *pf, uint64_t need,
                                  bool partial)
{
    static const uint64_t minimum[] = { EXTENSION_STEP, MM_PAGE_FILE_EXTENSION };
    uint64_t room = pf->maximum_size - pf->size;
    if (!room || (!partial && room < need))
        return 0;
    for (unsigned k = 0; k < sizeof minimum / sizeof minimum[0]; k++) {
        uint64_t add = need > minimum[k] ? need : minimum[k];
        add = add < room ? add : room;
        if (grow(mm, pf, add))
            return add;
    }
    return 0;
}

/* Windows: MiExtendPagingFiles */
uint64_t mi_extend_paging_files(struct mm *mm, uint64_t pages)
{
    struct mm_paging_files *pfs = mm->paging_files;
    if (!pfs || !pages)
        return 0;
    uint64_t room = 0;
    for (unsigned n = 0; n < pfs->count; n++)
        room += pfs->file[n].maximum_size - pfs->file[n].size;
    if (room < pages)
        return 0;
    for (unsigned n = 0; n < pfs->count; n++) {
        uint64_t added = attempt_extension(mm, &pfs->file[n], pages, false);
        if (added)
            return added;
    }
    uint64_t added = 0;
    for (unsigned n = 0; n < pfs->count && added < pages; n++)
        added += attempt_extension(mm, &pfs->file[n], pages - added, true);
    return added;
}

/* Takes count slots from first: pagefile.h (2)'s counters follow. */
static uint64_t take(struct mm_paging_files *pfs, unsigned n, uint64_t first, uint64_t count,
                     unsigned *number, uint64_t *offset)
{
    struct mm_paging_file *pf = &pfs->file[n];
    set_bits(pf, first, count, true);
    pf->free_space -= count;
    pf->current_usage += count;
    if (pf->current_usage > pf->peak_usage)
        pf->peak_usage = pf->current_usage;
    uint64_t used = used_pages(pfs);
    if (used > pfs->peak_usage)
        pfs->peak_usage = used;
    pf->hint = first + count < pf->size ? first + count : 1;
    *number = n;
    *offset = first;
    return count;
}

/* One search over every file: a run of want, else the longest run. */
static uint64_t search(struct mm_paging_files *pfs, uint64_t want, unsigned *number,
                       uint64_t *offset)
{
    uint64_t longest = 0, longest_at = 0;
    unsigned longest_in = 0;
    for (unsigned n = 0; n < pfs->count; n++) {
        struct mm_paging_file *pf = &pfs->file[n];
        uint64_t before = longest, first = 0;
        if (pf->free_space >= want) {
            first = find_run(pf, pf->hint, want, &longest, &longest_at);
            if (!first)
                first = find_run(pf, 1, want, &longest, &longest_at);
        } else if (pf->free_space > longest) {
            find_run(pf, 1, UINT64_MAX, &longest, &longest_at);
        }
        if (first)
            return take(pfs, n, first, want, number, offset);
        if (longest > before)
            longest_in = n;
    }
    return longest ? take(pfs, longest_in, longest_at, longest, number, offset) : 0;
}

uint64_t mi_allocate_paging_file_space(struct mm *mm, uint64_t want, unsigned *number,
                                       uint64_t *offset)
{
    struct mm_paging_files *pfs = mm->paging_files;
    if (!pfs || !want)
        return 0;
    uint64_t got = search(pfs, want, number, offset);
    if (got)
        return got;
    /* every file is full: extend the first that can grow (MiPageFileFull) */
    for (unsigned n = 0; n < pfs->count; n++)
        if (attempt_extension(mm, &pfs->file[n], want, true))
            return search(pfs, want, number, offset);
    return 0;
}

static struct mm_paging_file *paging_file(const struct mm *mm, unsigned number)
{
    struct mm_paging_files *pfs = mm->paging_files;
    return pfs && number < pfs->count ? &pfs->file[number] : NULL;
}

bool mi_paging_file_slots_used(const struct mm *mm, unsigned number, uint64_t offset,
                               uint64_t count)
{
    const struct mm_paging_file *pf = paging_file(mm, number);
    if (!pf || offset == 0 || offset >= pf->size || count > pf->size - offset)
        return false;
    for (uint64_t i = offset; i < offset + count; i++)
        if (!bit_set(pf, i))
            return false;
    return true;
}

bool mi_paging_file_slot_used(const struct mm *mm, unsigned number, uint64_t offset)
{
    return mi_paging_file_slots_used(mm, number, offset, 1);
}

/* Windows: MiReleasePageFileSpace */
bool mi_release_paging_file_space(struct mm *mm, unsigned number, uint64_t offset)
{
    if (!mi_paging_file_slot_used(mm, number, offset))
        return false;
    struct mm_paging_file *pf = paging_file(mm, number);
    set_bits(pf, offset, 1, false);
    pf->free_space++;
    pf->current_usage--;
    return true;
}

void mi_paging_file_totals(const struct mm *mm, struct mm_paging_totals *totals)
{
    const struct mm_paging_files *pfs = mm->paging_files;
    *totals = (struct mm_paging_totals){ 0, 0, 0 };
    if (!pfs)
        return;
    for (unsigned n = 0; n < pfs->count; n++)
        totals->size += pfs->file[n].size;
    totals->used = used_pages(pfs);
    totals->peak = pfs->peak_usage;
}

/* Invariants (1)-(3) of one file; false with the reason in message. */
static bool check_file(const struct mm_paging_file *pf, char *message, size_t size)
{
    uint64_t used = 0, bytes = 0, words = bitmap_words(pf->size);
    for (uint64_t w = 0; w < words; w++)
        used += (uint64_t)__builtin_popcountll(pf->bitmap[w]);
    used -= bit_set(pf, 0);
    bool tail_clear = pf->size % 64 == 0 || !(pf->bitmap[words - 1] >> (pf->size % 64));
    const char *why = !bit_set(pf, 0) ? "slot 0 is free"
        : used != pf->current_usage ? "CurrentUsage differs from the bitmap"
        : pf->free_space + used != pf->size - 1 ? "FreeSpace + CurrentUsage is not Size - 1"
        : pf->peak_usage < used ? "PeakUsage is below CurrentUsage"
        : !tail_clear ? "bits past Size are set"
        : pf->minimum_size > pf->size || pf->size > pf->maximum_size
            ? "Size is outside MinimumSize .. MaximumSize"
        : !NT_SUCCESS(io_file_size(pf->file, &bytes)) || bytes < pf->size << PAGE_SHIFT
            ? "the host file is shorter than Size"
            : NULL;
    if (why && message && size)
        snprintf(message, size, "paging file %u (%s): %s (Size %llu, FreeSpace %llu, "
                 "CurrentUsage %llu, %llu slots set)", pf->number, pf->name, why,
                 (unsigned long long)pf->size, (unsigned long long)pf->free_space,
                 (unsigned long long)pf->current_usage, (unsigned long long)used);
    return !why;
}

bool mi_check_paging_files(const struct mm *mm, char *message, size_t size)
{
    const struct mm_paging_files *pfs = mm->paging_files;
    for (unsigned n = 0; pfs && n < pfs->count; n++)
        if (!check_file(&pfs->file[n], message, size))
            return false;
    return true;
}
