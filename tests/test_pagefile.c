/*
 * test_pagefile.c — the paging files (mm/pagefile.h): host files on the C:
 * drive created at boot and deleted at shutdown, the slot bitmap (clusters,
 * slot 0, release), growth toward the maximum, page I/O and its injected
 * and host failures, several pagefiles, none, the commit limit they give and
 * its growth, the configuration's rules, the I/O manager's guard on the
 * files, and !vm. These tests use the mm's internal interface.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testing.h"

#include "io/io.h"
#include "ke/machine.h"
#include "mm/pagefile.h"
#include "ntmm/win32.h"
#include "tools/tools.h"

#define MB (1ull << 20)
#define PAGES(bytes) ((bytes) >> 12)

static char root[256];

/* A fresh host directory for the C: drive, so the test can look at it. */
static const char *make_root(void)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(root, sizeof root, "%s/ntmm-test-pagefile-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    assert_non_null(mkdtemp(root));
    return root;
}

static void remove_root(void)
{
    assert_int_equal(rmdir(root), 0); /* empty again: the pagefiles are gone */
}

/* A machine of ram bytes with the given pagefiles ({initial, maximum} pairs),
 * on the directory root. */
static struct ntmm_machine *boot_with(uint64_t ram, unsigned count,
                                      const struct ntmm_pagefile_config *files)
{
    struct ntmm_config config;
    ntmm_config_init(&config);
    config.ram_bytes = ram;
    config.root_directory = root;
    config.pagefile_count = count;
    for (unsigned n = 0; n < count; n++)
        config.pagefiles[n] = files[n];
    struct ntmm_machine *m = NULL;
    assert_int_equal(ntmm_machine_create(&config, &m), STATUS_SUCCESS);
    test_verify(m);
    return m;
}

static struct mm *mm_of(struct ntmm_machine *m);

/* Slots these tests take through mm's API are named by no PTE: the
 * verifier's check 13 would report them, so mid-test checks look at the
 * pagefiles alone (check 12) and the end frees every slot first. */
static void verify_paging_files(struct ntmm_machine *m)
{
    char message[256];
    if (!mi_check_paging_files(mm_of(m), message, sizeof message))
        fail_msg("pagefiles: %s", message);
}

static void release_slots(struct ntmm_machine *m)
{
    struct mm *mm = mm_of(m);
    for (unsigned k = 0; mm->paging_files && k < mm->paging_files->count; k++)
        for (uint64_t slot = 1; slot < mm->paging_files->file[k].size; slot++)
            if (mi_paging_file_slot_used(mm, k, slot))
                (void)mi_release_paging_file_space(mm, k, slot);
}

/* The end of a test: the invariants hold, and shutdown leaves the drive empty. */
static void finish(struct ntmm_machine *m)
{
    verify_paging_files(m);
    release_slots(m);
    test_verify(m);
    ntmm_set_current_process(NULL);
    ntmm_machine_destroy(m);
    remove_root();
}

static struct mm *mm_of(struct ntmm_machine *m)
{
    return &m->mm;
}

static off_t host_size(const char *name)
{
    char path[400];
    struct stat st;
    snprintf(path, sizeof path, "%s/%s", root, name);
    return stat(path, &st) == 0 ? st.st_size : -1;
}

static uint64_t symbol(struct ntmm_machine *m, const char *name)
{
    struct ntmm_symbol s;
    uint64_t value = 0;
    assert_int_equal(ntmm_symbol_lookup(m, name, &s), STATUS_SUCCESS);
    assert_int_equal(ntmm_read_virtual(m, s.address, &value, s.size), STATUS_SUCCESS);
    return value;
}

/* Two views of one pagefile agree in every field. */
static void expect_same(const struct ntmm_paging_file_info *a, const struct ntmm_paging_file_info *b)
{
    assert_int_equal(a->number, b->number);
    assert_string_equal(a->name, b->name);
    assert_int_equal(a->size, b->size);
    assert_int_equal(a->minimum_size, b->minimum_size);
    assert_int_equal(a->maximum_size, b->maximum_size);
    assert_int_equal(a->free_space, b->free_space);
    assert_int_equal(a->current_usage, b->current_usage);
    assert_int_equal(a->peak_usage, b->peak_usage);
}

static struct ntmm_paging_file_info info_of(struct ntmm_machine *m, unsigned number)
{
    struct ntmm_paging_file_info files[NTMM_MAXIMUM_PAGING_FILES];
    unsigned count;
    ntmm_query_paging_files(m, files, NTMM_MAXIMUM_PAGING_FILES, &count);
    assert_true(number < count);
    return files[number];
}

/* The default machine's pagefile: C:\pagefile.sys of 1.5 x RAM, growing to
 * 3 x RAM, on the host while the machine runs and gone after; its size and
 * its maximum, less slot 0, count in the commit limits. */
static void test_default_pagefile_on_the_drive(void **state)
{
    (void)state;
    make_root();
    struct ntmm_config config;
    ntmm_config_init(&config);
    assert_int_equal(config.pagefile_count, 1);
    assert_int_equal(config.pagefiles[0].initial_bytes, 768 * MB);
    assert_int_equal(config.pagefiles[0].maximum_bytes, 1536 * MB);
    config.root_directory = root;
    struct ntmm_machine *m = NULL;
    assert_int_equal(ntmm_machine_create(&config, &m), STATUS_SUCCESS);
    assert_int_equal(host_size("pagefile.sys"), (off_t)(768 * MB));
    struct ntmm_paging_file_info pf = info_of(m, 0);
    assert_int_equal(pf.number, 0);
    assert_string_equal(pf.name, "\\??\\C:\\pagefile.sys");
    assert_int_equal(pf.size, PAGES(768 * MB));
    assert_int_equal(pf.minimum_size, PAGES(768 * MB));
    assert_int_equal(pf.maximum_size, PAGES(1536 * MB));
    assert_int_equal(pf.free_space, PAGES(768 * MB) - 1);
    assert_int_equal(pf.current_usage, 0);
    assert_int_equal(pf.peak_usage, 0);
    uint64_t available = mm_available_pages(mm_of(m));
    assert_int_equal(symbol(m, "MmTotalCommitLimit"), available + PAGES(768 * MB) - 1);
    assert_int_equal(symbol(m, "MmTotalCommitLimitMaximum"), available + PAGES(1536 * MB) - 1);
    test_verify(m);
    ntmm_machine_destroy(m);
    assert_int_equal(host_size("pagefile.sys"), -1);
    remove_root();

    /* the default follows RAM and stays within what x86 PTEs reach */
    config.arch = NTMM_ARCH_X86;
    config.ram_bytes = 4096 * MB;
    ntmm_config_default_pagefile(&config);
    assert_int_equal(config.pagefiles[0].initial_bytes, 4096 * MB - 4096);
    assert_int_equal(config.pagefiles[0].maximum_bytes, 4096 * MB - 4096);
    config.arch = NTMM_ARCH_X86_PAE;
    ntmm_config_default_pagefile(&config);
    assert_int_equal(config.pagefiles[0].initial_bytes, 6144 * MB);
    assert_int_equal(config.pagefiles[0].maximum_bytes, 12288 * MB);
}

/* Three pagefiles: numbered 0, 1, 2 in the configuration's order, named
 * pagefile.sys, pagefile2.sys, pagefile3.sys, each adding to the limits. */
static void test_several_pagefiles_in_order(void **state)
{
    (void)state;
    make_root();
    const struct ntmm_pagefile_config files[] = { { 2 * MB, 4 * MB }, { 1 * MB, 1 * MB },
                                                  { 3 * MB, 8 * MB } };
    struct ntmm_machine *m = boot_with(16 * MB, 3, files);
    unsigned count;
    ntmm_query_paging_files(m, NULL, 0, &count);
    assert_int_equal(count, 3);
    const char *names[] = { "pagefile.sys", "pagefile2.sys", "pagefile3.sys" };
    uint64_t held = 0, most = 0;
    for (unsigned n = 0; n < 3; n++) {
        struct ntmm_paging_file_info pf = info_of(m, n);
        char name[64];
        snprintf(name, sizeof name, "\\??\\C:\\%s", names[n]);
        assert_int_equal(pf.number, n);
        assert_string_equal(pf.name, name);
        assert_int_equal(pf.size, PAGES(files[n].initial_bytes));
        assert_int_equal(pf.maximum_size, PAGES(files[n].maximum_bytes));
        assert_int_equal(host_size(names[n]), (off_t)files[n].initial_bytes);
        held += pf.size - 1;
        most += pf.maximum_size - 1;
    }
    uint64_t available = mm_available_pages(mm_of(m));
    assert_int_equal(symbol(m, "MmTotalCommitLimit"), available + held);
    assert_int_equal(symbol(m, "MmTotalCommitLimitMaximum"), available + most);
    struct mm_paging_totals totals;
    mi_paging_file_totals(mm_of(m), &totals);
    assert_int_equal(totals.size, PAGES(6 * MB));
    assert_int_equal(totals.used, 0);
    ntmm_machine_destroy(m);
    for (unsigned n = 0; n < 3; n++)
        assert_int_equal(host_size(names[n]), -1);
    remove_root();
}

/* No pagefile: no host file, no slot to hand out, a commit limit of RAM. */
static void test_no_pagefile(void **state)
{
    (void)state;
    make_root();
    struct ntmm_machine *m = boot_with(16 * MB, 0, NULL);
    unsigned count = 99;
    ntmm_query_paging_files(m, NULL, 0, &count);
    assert_int_equal(count, 0);
    assert_int_equal(host_size("pagefile.sys"), -1);
    struct mm *mm = mm_of(m);
    unsigned number = 7;
    uint64_t offset = 7;
    assert_int_equal(mi_allocate_paging_file_space(mm, 1, &number, &offset), 0);
    assert_false(mi_paging_file_slot_used(mm, 0, 1));
    assert_false(mi_release_paging_file_space(mm, 0, 1));
    uint8_t page[4096];
    uint8_t *pages[] = { page };
    assert_int_equal(mi_read_paging_file(mm, 0, 1, pages, 1), STATUS_IN_PAGE_ERROR);
    uint64_t available = mm_available_pages(mm);
    assert_int_equal(symbol(m, "MmTotalCommitLimit"), available);
    assert_int_equal(symbol(m, "MmTotalCommitLimitMaximum"), available);
    assert_int_equal(mi_extend_paging_files(mm, 1), 0);
    assert_int_equal(mi_charge_commit(mm, NULL, available + 1), STATUS_COMMITMENT_LIMIT);
    assert_int_equal(symbol(m, "MmTotalCommittedPages"), 0);
    char text[4096];
    struct tool_output out = { 0 };
    struct tool_context context = { m, NULL };
    assert_int_equal(tools_run(&context, "!vm", &out), STATUS_SUCCESS);
    snprintf(text, sizeof text, "%s", out.text);
    free(out.text);
    assert_null(strstr(text, "Page File"));
    finish(m);
}

/* Clusters: contiguous runs from slot 1 on, each search starting after the
 * last run; with no run long enough, the longest one; never slot 0. */
static void test_clusters_and_release(void **state)
{
    (void)state;
    make_root();
    const struct ntmm_pagefile_config file = { 1 * MB, 1 * MB }; /* 256 slots */
    struct ntmm_machine *m = boot_with(16 * MB, 1, &file);
    struct mm *mm = mm_of(m);
    unsigned number = 9;
    uint64_t offset = 0;
    assert_int_equal(mi_allocate_paging_file_space(mm, 16, &number, &offset), 16);
    assert_int_equal(number, 0);
    assert_int_equal(offset, 1);
    assert_int_equal(mi_allocate_paging_file_space(mm, 16, &number, &offset), 16);
    assert_int_equal(offset, 17);
    assert_false(mi_paging_file_slot_used(mm, 0, 0));
    assert_true(mi_paging_file_slot_used(mm, 0, 1));
    assert_true(mi_paging_file_slot_used(mm, 0, 32));
    assert_false(mi_paging_file_slot_used(mm, 0, 33));
    struct ntmm_paging_file_info pf = info_of(m, 0);
    assert_int_equal(pf.current_usage, 32);
    assert_int_equal(pf.free_space, 255 - 32);
    verify_paging_files(m);

    /* the rest in one request: it gets what is left, 223 slots from 33 */
    assert_int_equal(mi_allocate_paging_file_space(mm, 1000, &number, &offset), 223);
    assert_int_equal(offset, 33);
    assert_int_equal(mi_allocate_paging_file_space(mm, 1, &number, &offset), 0);
    pf = info_of(m, 0);
    assert_int_equal(pf.free_space, 0);
    assert_int_equal(pf.peak_usage, 255);

    /* release: two holes, of 10 and 5 slots */
    for (uint64_t s = 10; s < 20; s++)
        assert_true(mi_release_paging_file_space(mm, 0, s));
    for (uint64_t s = 100; s < 105; s++)
        assert_true(mi_release_paging_file_space(mm, 0, s));
    assert_false(mi_release_paging_file_space(mm, 0, 10)); /* free already */
    assert_false(mi_release_paging_file_space(mm, 0, 0));  /* slot 0 */
    assert_false(mi_release_paging_file_space(mm, 0, 256)); /* past Size */
    assert_false(mi_release_paging_file_space(mm, 1, 20));  /* no such file */
    pf = info_of(m, 0);
    assert_int_equal(pf.current_usage, 240);
    assert_int_equal(pf.free_space, 15);
    assert_int_equal(pf.peak_usage, 255);
    verify_paging_files(m);
    /* a run of 8 fits the first hole; then 8 fits nowhere: the longest, 5 */
    assert_int_equal(mi_allocate_paging_file_space(mm, 8, &number, &offset), 8);
    assert_int_equal(offset, 10);
    assert_int_equal(mi_allocate_paging_file_space(mm, 8, &number, &offset), 5);
    assert_int_equal(offset, 100);
    assert_int_equal(mi_allocate_paging_file_space(mm, 8, &number, &offset), 2);
    assert_int_equal(offset, 18);
    assert_int_equal(mi_allocate_paging_file_space(mm, 1, &number, &offset), 0);
    assert_int_equal(mi_allocate_paging_file_space(mm, 0, &number, &offset), 0);
    struct mm_paging_totals totals;
    mi_paging_file_totals(mm, &totals);
    assert_int_equal(totals.size, 256);
    assert_int_equal(totals.used, 255);
    assert_int_equal(totals.peak, 255);
    finish(m);
}

/* Every slot of a full file was handed out once, none of them slot 0; the
 * second file is used when the first is full. */
static void test_slot_zero_never_used(void **state)
{
    (void)state;
    make_root();
    const struct ntmm_pagefile_config files[] = { { 1 * MB, 1 * MB }, { 1 * MB, 1 * MB } };
    struct ntmm_machine *m = boot_with(16 * MB, 2, files);
    struct mm *mm = mm_of(m);
    bool seen[2][256] = { { false } };
    unsigned number;
    uint64_t offset;
    for (unsigned i = 0; i < 2 * 255; i++) {
        assert_int_equal(mi_allocate_paging_file_space(mm, 1, &number, &offset), 1);
        assert_true(number == (i < 255 ? 0u : 1u));
        assert_true(offset >= 1 && offset < 256);
        assert_false(seen[number][offset]);
        seen[number][offset] = true;
    }
    assert_int_equal(mi_allocate_paging_file_space(mm, 1, &number, &offset), 0);
    assert_false(seen[0][0] || seen[1][0]);
    /* a freed slot of the second file is found again */
    assert_true(mi_release_paging_file_space(mm, 1, 77));
    assert_int_equal(mi_allocate_paging_file_space(mm, 4, &number, &offset), 1);
    assert_int_equal(number, 1);
    assert_int_equal(offset, 77);
    finish(m);
}

/* A full file grows toward its maximum (the host file with it, and the
 * commit limit by what it added), then allocation fails at the maximum. */
static void test_growth_to_maximum(void **state)
{
    (void)state;
    make_root();
    const struct ntmm_pagefile_config file = { 1 * MB, 2 * MB };
    struct ntmm_machine *m = boot_with(16 * MB, 1, &file);
    struct mm *mm = mm_of(m);
    unsigned number;
    uint64_t offset;
    assert_int_equal(mi_allocate_paging_file_space(mm, 255, &number, &offset), 255);
    uint64_t limit = symbol(m, "MmTotalCommitLimit");
    uint64_t maximum = symbol(m, "MmTotalCommitLimitMaximum");
    assert_int_equal(mi_allocate_paging_file_space(mm, 10, &number, &offset), 10);
    assert_int_equal(offset, 256);
    struct ntmm_paging_file_info pf = info_of(m, 0);
    assert_int_equal(pf.size, 512); /* 16 MB asked, the maximum given */
    assert_int_equal(pf.minimum_size, 256);
    assert_int_equal(pf.free_space, 512 - 1 - 265);
    assert_int_equal(host_size("pagefile.sys"), (off_t)(2 * MB));
    assert_int_equal(symbol(m, "MmTotalCommitLimit"), limit + 256);
    assert_int_equal(symbol(m, "MmTotalCommitLimitMaximum"), maximum);
    verify_paging_files(m);
    assert_int_equal(mi_allocate_paging_file_space(mm, 1000, &number, &offset), 246);
    assert_int_equal(mi_allocate_paging_file_space(mm, 1, &number, &offset), 0);
    assert_int_equal(info_of(m, 0).size, 512);
    assert_int_equal(mi_extend_paging_files(mm, 1), 0);
    finish(m);
}

/* Pages written to slots read back as written, singly and as clusters. */
static void test_write_then_read_back(void **state)
{
    (void)state;
    make_root();
    const struct ntmm_pagefile_config file = { 1 * MB, 1 * MB };
    struct ntmm_machine *m = boot_with(16 * MB, 1, &file);
    struct mm *mm = mm_of(m);
    static uint8_t out[3][4096], in[3][4096];
    for (unsigned i = 0; i < 3; i++)
        for (unsigned b = 0; b < 4096; b++)
            out[i][b] = (uint8_t)(b * 7 + i * 31 + 1);
    unsigned number;
    uint64_t offset;
    assert_int_equal(mi_allocate_paging_file_space(mm, 3, &number, &offset), 3);
    const uint8_t *sources[] = { out[0], out[1], out[2] };
    uint8_t *targets[] = { in[0], in[1], in[2] };
    assert_int_equal(mi_write_paging_file(mm, number, offset, sources, 3), STATUS_SUCCESS);
    assert_int_equal(mi_read_paging_file(mm, number, offset, targets, 3), STATUS_SUCCESS);
    assert_memory_equal(in, out, sizeof out);
    memset(in, 0, sizeof in);
    assert_int_equal(mi_read_paging_file(mm, number, offset + 1, targets, 1), STATUS_SUCCESS);
    assert_memory_equal(in[0], out[1], 4096);
    /* rewriting one slot changes only it */
    assert_int_equal(mi_write_paging_file(mm, number, offset + 2, sources, 1), STATUS_SUCCESS);
    assert_int_equal(mi_read_paging_file(mm, number, offset, targets, 3), STATUS_SUCCESS);
    assert_memory_equal(in[0], out[0], 4096);
    assert_memory_equal(in[1], out[1], 4096);
    assert_memory_equal(in[2], out[0], 4096);
    /* only used slots move: free ones, slot 0 and slots past Size are errors */
    assert_int_equal(mi_read_paging_file(mm, number, offset + 3, targets, 1),
                     STATUS_IN_PAGE_ERROR);
    assert_int_equal(mi_read_paging_file(mm, number, offset, targets, 4), STATUS_IN_PAGE_ERROR);
    assert_int_equal(mi_read_paging_file(mm, number, 0, targets, 1), STATUS_IN_PAGE_ERROR);
    assert_int_equal(mi_write_paging_file(mm, number, 300, sources, 1), STATUS_IN_PAGE_ERROR);
    assert_int_equal(mi_write_paging_file(mm, 5, offset, sources, 1), STATUS_IN_PAGE_ERROR);
    assert_int_equal(mi_read_paging_file(mm, number, offset, targets, 0), STATUS_IN_PAGE_ERROR);
    finish(m);
}

/* An injected read or write failure is STATUS_IN_PAGE_ERROR and moves no
 * byte: the buffer, the slot's contents and the counters stay; the next I/O
 * works. Calls refused for their slots are not counted. */
static void test_injected_io_failures(void **state)
{
    (void)state;
    make_root();
    const struct ntmm_pagefile_config file = { 1 * MB, 1 * MB };
    struct ntmm_machine *m = boot_with(16 * MB, 1, &file);
    struct mm *mm = mm_of(m);
    static uint8_t first[4096], second[4096], in[4096];
    memset(first, 0x11, sizeof first);
    memset(second, 0x22, sizeof second);
    unsigned number;
    uint64_t offset;
    assert_int_equal(mi_allocate_paging_file_space(mm, 1, &number, &offset), 1);
    const uint8_t *one[] = { first }, *two[] = { second };
    uint8_t *target[] = { in };
    assert_int_equal(mi_write_paging_file(mm, number, offset, one, 1), STATUS_SUCCESS);
    struct ntmm_paging_file_info before = info_of(m, 0);

    uint64_t writes = ntmm_fault_count(m, NTMM_FAULT_PAGEFILE_WRITE);
    assert_int_equal(writes, 1);
    ntmm_inject_fault(m, NTMM_FAULT_PAGEFILE_WRITE, 2);
    assert_int_equal(mi_write_paging_file(mm, number, offset + 1, two, 1),
                     STATUS_IN_PAGE_ERROR); /* a free slot: refused, not counted */
    assert_int_equal(mi_write_paging_file(mm, number, offset, one, 1), STATUS_SUCCESS);
    assert_int_equal(mi_write_paging_file(mm, number, offset, two, 1), STATUS_IN_PAGE_ERROR);
    assert_int_equal(ntmm_fault_count(m, NTMM_FAULT_PAGEFILE_WRITE), writes + 2);
    assert_int_equal(mi_read_paging_file(mm, number, offset, target, 1), STATUS_SUCCESS);
    assert_memory_equal(in, first, 4096); /* the failed write wrote nothing */

    memset(in, 0x5a, sizeof in);
    ntmm_inject_fault(m, NTMM_FAULT_PAGEFILE_READ, 1);
    assert_int_equal(mi_read_paging_file(mm, number, offset, target, 1), STATUS_IN_PAGE_ERROR);
    for (unsigned b = 0; b < 4096; b++)
        assert_int_equal(in[b], 0x5a);
    assert_int_equal(mi_read_paging_file(mm, number, offset, target, 1), STATUS_SUCCESS);
    assert_memory_equal(in, first, 4096);
    assert_int_equal(ntmm_fault_count(m, NTMM_FAULT_PAGEFILE_READ), 3);
    /* a pending fault is cancelled with nth 0 */
    ntmm_inject_fault(m, NTMM_FAULT_PAGEFILE_READ, 1);
    ntmm_inject_fault(m, NTMM_FAULT_PAGEFILE_READ, 0);
    assert_int_equal(mi_read_paging_file(mm, number, offset, target, 1), STATUS_SUCCESS);
    struct ntmm_paging_file_info after = info_of(m, 0);
    expect_same(&after, &before);
    finish(m);
}

/* A host I/O error: a read is STATUS_IN_PAGE_ERROR, a write the host's
 * status as an NTSTATUS; the bitmap and counters do not move. */
static void test_host_io_errors(void **state)
{
    (void)state;
    make_root();
    const struct ntmm_pagefile_config file = { 1 * MB, 1 * MB };
    struct ntmm_machine *m = boot_with(16 * MB, 1, &file);
    struct mm *mm = mm_of(m);
    static uint8_t page[4096];
    unsigned number;
    uint64_t offset;
    assert_int_equal(mi_allocate_paging_file_space(mm, 1, &number, &offset), 1);
    struct io_file *f = mm->paging_files->file[0].file;
    int fd = f->fd;
    char path[400];
    snprintf(path, sizeof path, "%s/pagefile.sys", root);
    struct ntmm_paging_file_info before = info_of(m, 0);
    const uint8_t *source[] = { page };
    uint8_t *target[] = { page };
    f->fd = open(path, O_RDONLY); /* pwrite fails with EBADF */
    assert_true(f->fd >= 0);
    assert_int_equal(mi_write_paging_file(mm, number, offset, source, 1), STATUS_UNSUCCESSFUL);
    close(f->fd);
    f->fd = open(path, O_WRONLY); /* pread fails with EBADF */
    assert_true(f->fd >= 0);
    assert_int_equal(mi_read_paging_file(mm, number, offset, target, 1), STATUS_IN_PAGE_ERROR);
    close(f->fd);
    f->fd = fd;
    struct ntmm_paging_file_info after = info_of(m, 0);
    expect_same(&after, &before);
    finish(m);
}

/* Commit past the limit grows the first pagefile that can take it all (in
 * 16 MB steps, never past its maximum) and raises the limit; past every
 * maximum it is STATUS_COMMITMENT_LIMIT and nothing changes. The charges
 * belong to no address space or segment, so the whole verifier runs only
 * once they are returned. */
static void test_commit_grows_pagefiles(void **state)
{
    (void)state;
    make_root();
    const struct ntmm_pagefile_config files[] = { { 1 * MB, 8 * MB }, { 1 * MB, 32 * MB } };
    struct ntmm_machine *m = boot_with(16 * MB, 2, files);
    struct mm *mm = mm_of(m);
    uint64_t limit = symbol(m, "MmTotalCommitLimit");
    uint64_t maximum = symbol(m, "MmTotalCommitLimitMaximum");
    assert_int_equal(maximum, limit + PAGES(7 * MB) + PAGES(31 * MB));
    assert_int_equal(mi_charge_commit(mm, NULL, limit), STATUS_SUCCESS);
    assert_int_equal(info_of(m, 0).size, 256);
    /* 10 pages more: the first file grows by 16 MB, cut to its maximum */
    assert_int_equal(mi_charge_commit(mm, NULL, 10), STATUS_SUCCESS);
    assert_int_equal(info_of(m, 0).size, PAGES(8 * MB));
    assert_int_equal(info_of(m, 1).size, 256);
    assert_int_equal(host_size("pagefile.sys"), (off_t)(8 * MB));
    assert_int_equal(symbol(m, "MmTotalCommitLimit"), limit + PAGES(7 * MB));
    /* 20 MB more: only the second file can hold it, and grows by exactly that */
    assert_int_equal(mi_charge_commit(mm, NULL, PAGES(7 * MB) - 10 + PAGES(20 * MB)),
                     STATUS_SUCCESS);
    assert_int_equal(info_of(m, 1).size, 256 + PAGES(20 * MB));
    assert_int_equal(symbol(m, "MmTotalCommitLimit"), limit + PAGES(27 * MB));
    assert_int_equal(symbol(m, "MmTotalCommittedPages"), limit + PAGES(27 * MB));
    char message[256];
    assert_true(mi_check_paging_files(mm, message, sizeof message));
    /* past the maximum: refused, nothing grows */
    uint64_t left = maximum - symbol(m, "MmTotalCommittedPages");
    assert_int_equal(mi_charge_commit(mm, NULL, left + 1), STATUS_COMMITMENT_LIMIT);
    assert_int_equal(info_of(m, 1).size, 256 + PAGES(20 * MB));
    assert_int_equal(symbol(m, "MmTotalCommittedPages"), limit + PAGES(27 * MB));
    /* up to the maximum exactly: the second file reaches its maximum */
    assert_int_equal(mi_charge_commit(mm, NULL, left), STATUS_SUCCESS);
    assert_int_equal(info_of(m, 1).size, PAGES(32 * MB));
    assert_int_equal(symbol(m, "MmTotalCommitLimit"), maximum);
    assert_int_equal(mi_charge_commit(mm, NULL, 1), STATUS_COMMITMENT_LIMIT);
    mi_return_commit(mm, NULL, maximum);
    finish(m);
}

/* Through Win32: VirtualAlloc past the boot limit succeeds by growing the
 * pagefile, GlobalMemoryStatusEx follows the new limit, and a commit past
 * the maximum fails with ERROR_COMMITMENT_LIMIT. */
static void test_commit_growth_seen_by_win32(void **state)
{
    (void)state;
    make_root();
    const struct ntmm_pagefile_config file = { 4 * MB, 64 * MB };
    struct ntmm_machine *m = boot_with(16 * MB, 1, &file);
    struct ntmm_process *p = NULL;
    assert_int_equal(ntmm_process_create(m, NULL, &p), STATUS_SUCCESS);
    ntmm_set_current_process(p);
    MEMORYSTATUSEX before = { .dwLength = sizeof before };
    assert_true(GlobalMemoryStatusEx(&before));
    assert_int_equal(before.ullTotalPageFile, symbol(m, "MmTotalCommitLimit") * 4096);
    SIZE_T size = (SIZE_T)(before.ullAvailPageFile + 8 * MB);
    LPVOID a = VirtualAlloc(NULL, size, MEM_COMMIT, PAGE_READWRITE);
    assert_non_null(a);
    assert_int_equal(info_of(m, 0).size, PAGES(4 * MB + 16 * MB));
    MEMORYSTATUSEX after = { .dwLength = sizeof after };
    assert_true(GlobalMemoryStatusEx(&after));
    assert_int_equal(after.ullTotalPageFile, before.ullTotalPageFile + 16 * MB);
    assert_int_equal(after.ullTotalPageFile, symbol(m, "MmTotalCommitLimit") * 4096);
    assert_int_equal(after.ullAvailPageFile, after.ullTotalPageFile -
                                                 symbol(m, "MmTotalCommittedPages") * 4096);
    SetLastError(0);
    assert_null(VirtualAlloc(NULL, 64 * MB, MEM_COMMIT, PAGE_READWRITE));
    assert_int_equal(GetLastError(), ERROR_COMMITMENT_LIMIT);
    assert_int_equal(info_of(m, 0).size, PAGES(20 * MB));
    finish(m);
}

static void expect_rejected(const struct ntmm_config *config, const char *reason)
{
    char message[256];
    assert_int_equal(ntmm_config_validate(config, message, sizeof message),
                     STATUS_INVALID_PARAMETER);
    if (!strstr(message, reason))
        fail_msg("expected \"%s\" in \"%s\"", reason, message);
    struct ntmm_machine *m = (struct ntmm_machine *)1;
    assert_int_equal(ntmm_machine_create(config, &m), STATUS_INVALID_PARAMETER);
    assert_null(m);
}

/* The configuration's rules, each refused with its reason. */
static void test_config_validation(void **state)
{
    (void)state;
    struct ntmm_config config;
    ntmm_config_init(&config);
    config.pagefile_count = 17;
    expect_rejected(&config, "17 pagefiles: Windows allows at most 16");
    ntmm_config_init(&config);
    config.pagefiles[0].initial_bytes = 2 * MB + 1;
    expect_rejected(&config, "C:\\pagefile.sys: 2097153 bytes is not a whole number of 4 KB");
    ntmm_config_init(&config);
    config.pagefile_count = 2;
    config.pagefiles[1] = (struct ntmm_pagefile_config){ 2 * MB, 4 * MB + 10 };
    expect_rejected(&config, "C:\\pagefile2.sys: 4194314 bytes");
    config.pagefiles[1] = (struct ntmm_pagefile_config){ 4 * MB, 2 * MB };
    expect_rejected(&config, "C:\\pagefile2.sys: its maximum size (2048 KB) is below its "
                             "initial size (4096 KB)");
    config.pagefiles[1] = (struct ntmm_pagefile_config){ 512 * 1024, 2 * MB };
    expect_rejected(&config, "an initial size of 512 KB is below Windows' smallest pagefile");
    ntmm_config_init(&config);
    config.arch = NTMM_ARCH_X86;
    config.pagefiles[0] = (struct ntmm_pagefile_config){ 1 * MB, 4096 * MB };
    expect_rejected(&config, "4096 MB is more than a x86 pagefile PTE reaches (4095 MB)");
    config.pagefiles[0].maximum_bytes = 4096 * MB - 4096;
    assert_int_equal(ntmm_config_validate(&config, NULL, 0), STATUS_SUCCESS);
    /* sixteen pagefiles of 16 TB fit x64's counters but not PAE's */
    ntmm_config_init(&config);
    config.pagefile_count = 16;
    for (unsigned n = 0; n < 16; n++)
        config.pagefiles[n] = (struct ntmm_pagefile_config){ 1 * MB, (16ull << 40) - 4096 };
    expect_rejected(&config, "32-bit commit counters");
    config.arch = NTMM_ARCH_X64;
    assert_int_equal(ntmm_config_validate(&config, NULL, 0), STATUS_SUCCESS);
    config.pagefiles[3].maximum_bytes = 16ull << 40;
    expect_rejected(&config, "C:\\pagefile4.sys: 16777216 MB is more than a x64 pagefile PTE");
    config.pagefile_count = 0;
    assert_int_equal(ntmm_config_validate(&config, NULL, 0), STATUS_SUCCESS);
}

/* NtCreatePagingFile's own checks, for a file made by the I/O manager:
 * each failure deletes the file it was given. */
static void test_create_paging_file_checks(void **state)
{
    (void)state;
    make_root();
    const struct ntmm_pagefile_config file = { 1 * MB, 1 * MB };
    struct ntmm_machine *m = boot_with(16 * MB, 1, &file);
    struct mm *mm = mm_of(m);
    struct {
        uint64_t minimum, maximum;
        NTSTATUS status;
    } cases[] = {
        { 255, 300, STATUS_INVALID_PARAMETER_2 },
        { 1ull << 32, 1ull << 32, STATUS_INVALID_PARAMETER_2 },
        { 300, 299, STATUS_INVALID_PARAMETER_3 },
        { 300, 1ull << 32, STATUS_INVALID_PARAMETER_3 },
        { 300, (1ull << 32) - 1, STATUS_INVALID_PARAMETER_3 }, /* PAE's 32-bit counters */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct io_file *f;
        assert_int_equal(io_create_paging_file(m, "C:\\extra.sys", 1 * MB, &f), STATUS_SUCCESS);
        assert_int_equal(host_size("extra.sys"), (off_t)MB);
        assert_int_equal(mm_create_paging_file(mm, f, cases[i].minimum, cases[i].maximum),
                         cases[i].status);
        assert_int_equal(host_size("extra.sys"), -1);
    }
    unsigned count;
    for (unsigned n = 1; n < NTMM_MAXIMUM_PAGING_FILES; n++) {
        char path[MM_PAGE_FILE_PATH_MAX];
        struct io_file *f;
        mi_paging_file_path(n, path);
        assert_int_equal(io_create_paging_file(m, path, 1 * MB, &f), STATUS_SUCCESS);
        assert_int_equal(mm_create_paging_file(mm, f, 256, 256), STATUS_SUCCESS);
    }
    ntmm_query_paging_files(m, NULL, 0, &count);
    assert_int_equal(count, 16);
    assert_string_equal(info_of(m, 15).name, "\\??\\C:\\pagefile16.sys");
    struct io_file *f;
    assert_int_equal(io_create_paging_file(m, "C:\\extra.sys", 1 * MB, &f), STATUS_SUCCESS);
    assert_int_equal(mm_create_paging_file(mm, f, 256, 256), STATUS_TOO_MANY_PAGING_FILES);
    assert_int_equal(host_size("extra.sys"), -1);
    test_verify(m);
    ntmm_machine_destroy(m);
    assert_int_equal(host_size("pagefile16.sys"), -1);
    remove_root();
}

/* The pagefile is held open as Windows holds it: no script opens it for
 * data or deletes it; an attribute-only open works. */
static void test_pagefile_is_held_open(void **state)
{
    (void)state;
    make_root();
    const struct ntmm_pagefile_config file = { 1 * MB, 1 * MB };
    struct ntmm_machine *m = boot_with(16 * MB, 1, &file);
    struct ntmm_process *p = NULL;
    assert_int_equal(ntmm_process_create(m, NULL, &p), STATUS_SUCCESS);
    ntmm_set_current_process(p);
    const DWORD all = FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE;
    const struct {
        DWORD access, disposition;
    } opens[] = { { GENERIC_READ, OPEN_EXISTING }, { GENERIC_WRITE, OPEN_EXISTING },
                  { DELETE, OPEN_EXISTING }, { GENERIC_WRITE, TRUNCATE_EXISTING },
                  { GENERIC_READ, CREATE_ALWAYS } };
    for (size_t i = 0; i < sizeof opens / sizeof opens[0]; i++) {
        SetLastError(0);
        assert_ptr_equal(CreateFileA("C:\\pagefile.sys", opens[i].access, all, NULL,
                                     opens[i].disposition, 0, NULL),
                         INVALID_HANDLE_VALUE);
        assert_int_equal(GetLastError(), ERROR_SHARING_VIOLATION);
    }
    SetLastError(0);
    assert_false(DeleteFileA("C:\\pagefile.sys"));
    assert_int_equal(GetLastError(), ERROR_SHARING_VIOLATION);
    HANDLE h = CreateFileA("C:\\pagefile.sys", 0, all, NULL, OPEN_EXISTING, 0, NULL);
    assert_ptr_not_equal(h, INVALID_HANDLE_VALUE);
    assert_true(CloseHandle(h));
    assert_int_equal(host_size("pagefile.sys"), (off_t)MB);
    finish(m);
}

/* A pagefile name the host cannot use fails the boot with the I/O
 * manager's status and leaves the drive as it was. */
static void test_boot_fails_on_bad_pagefile_name(void **state)
{
    (void)state;
    make_root();
    char path[400];
    snprintf(path, sizeof path, "%s/pagefile.sys", root);
    assert_int_equal(mkdir(path, 0700), 0);
    struct ntmm_config config;
    ntmm_config_init(&config);
    config.ram_bytes = 16 * MB;
    config.root_directory = root;
    struct ntmm_machine *m = (struct ntmm_machine *)1;
    assert_int_equal(ntmm_machine_create(&config, &m), STATUS_ACCESS_DENIED);
    assert_null(m);
    assert_int_equal(rmdir(path), 0);
    /* an old pagefile is truncated to the new initial size */
    int fd = open(path, O_CREAT | O_WRONLY, 0600);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "old", 3), 3);
    assert_int_equal(ftruncate(fd, 5 * MB), 0);
    close(fd);
    const struct ntmm_pagefile_config file = { 1 * MB, 1 * MB };
    m = boot_with(16 * MB, 1, &file);
    assert_int_equal(host_size("pagefile.sys"), (off_t)MB);
    char head[3];
    fd = open(path, O_RDONLY);
    assert_int_equal(read(fd, head, 3), 3);
    close(fd);
    assert_memory_equal(head, "\0\0\0", 3);
    ntmm_machine_destroy(m);
    remove_root();
}

/* The verifier checks the bitmaps against the counters. */
static void test_verifier_checks_bitmaps(void **state)
{
    (void)state;
    make_root();
    const struct ntmm_pagefile_config file = { 1 * MB, 1 * MB };
    struct ntmm_machine *m = boot_with(16 * MB, 1, &file);
    struct mm_paging_file *pf = &mm_of(m)->paging_files->file[0];
    char message[512];
    pf->bitmap[1] |= 1; /* slot 64 taken behind the counters' back */
    assert_int_equal(ntmm_verify(m, message, sizeof message), STATUS_INTERNAL_ERROR);
    assert_non_null(strstr(message, "paging file 0 (\\??\\C:\\pagefile.sys): CurrentUsage"));
    pf->bitmap[1] = 0;
    pf->bitmap[0] = 0;
    assert_int_equal(ntmm_verify(m, message, sizeof message), STATUS_INTERNAL_ERROR);
    assert_non_null(strstr(message, "slot 0 is free"));
    pf->bitmap[0] = 1;
    finish(m);
}

/* !vm prints each pagefile as WinDbg does, in KB, after Physical Memory. */
static void test_vm_lists_pagefiles(void **state)
{
    (void)state;
    make_root();
    const struct ntmm_pagefile_config files[] = { { 2 * MB, 4 * MB }, { 1 * MB, 1 * MB } };
    struct ntmm_machine *m = boot_with(16 * MB, 2, files);
    unsigned number;
    uint64_t offset;
    assert_int_equal(mi_allocate_paging_file_space(mm_of(m), 3, &number, &offset), 3);
    struct tool_output out = { 0 };
    struct tool_context context = { m, NULL };
    assert_int_equal(tools_run(&context, "!vm", &out), STATUS_SUCCESS);
    const char *expected =
        "\tPage File: \\??\\C:\\pagefile.sys\n"
        "\t  Current:       2048 Kb  Free Space:       2032 Kb\n"
        "\t  Minimum:       2048 Kb  Maximum:          4096 Kb\n"
        "\tPage File: \\??\\C:\\pagefile2.sys\n"
        "\t  Current:       1024 Kb  Free Space:       1020 Kb\n"
        "\t  Minimum:       1024 Kb  Maximum:          1024 Kb\n"
        "\tAvailable Pages:";
    if (!strstr(out.text, expected))
        fail_msg("!vm:\n%s", out.text);
    free(out.text);
    ntmm_machine_destroy(m);
    remove_root();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_default_pagefile_on_the_drive),
        cmocka_unit_test(test_several_pagefiles_in_order),
        cmocka_unit_test(test_no_pagefile),
        cmocka_unit_test(test_clusters_and_release),
        cmocka_unit_test(test_slot_zero_never_used),
        cmocka_unit_test(test_growth_to_maximum),
        cmocka_unit_test(test_write_then_read_back),
        cmocka_unit_test(test_injected_io_failures),
        cmocka_unit_test(test_host_io_errors),
        cmocka_unit_test(test_commit_grows_pagefiles),
        cmocka_unit_test(test_commit_growth_seen_by_win32),
        cmocka_unit_test(test_config_validation),
        cmocka_unit_test(test_create_paging_file_checks),
        cmocka_unit_test(test_pagefile_is_held_open),
        cmocka_unit_test(test_boot_fails_on_bad_pagefile_name),
        cmocka_unit_test(test_verifier_checks_bitmaps),
        cmocka_unit_test(test_vm_lists_pagefiles),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
