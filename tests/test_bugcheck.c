/*
 * test_bugcheck.c — kernel memory edited through the debugger's path
 * (ntmm_write_virtual, as `ed` writes it) is untrusted input (mm/bugcheck.c):
 * a corrupted list link or a PTE naming a frame beyond RAM stops the machine
 * with Windows' bug check code and parameters instead of reaching a host
 * address; every later service returns STATUS_SHUTDOWN_IN_PROGRESS, the
 * debugger's reads still work, the verifier reports the corruption without
 * following it, and destroying the machine frees everything (ASan). On x86,
 * PAE and x64.
 */
#include <stdbool.h>
#include <string.h>

#include "testing.h"

#include "ntmm/win32.h"

#define RAM (16ull << 20)
#define VA(addr) ((LPVOID)(uintptr_t)(addr))

static const enum ntmm_arch arches[] = { NTMM_ARCH_X86, NTMM_ARCH_X86_PAE, NTMM_ARCH_X64 };

static unsigned word(const struct ntmm_machine *m)
{
    return ntmm_machine_config(m)->arch == NTMM_ARCH_X64 ? 8 : 4;
}

/* A machine with one process, current, and one committed page at *va. */
static struct ntmm_machine *boot_with_page(enum ntmm_arch arch, struct ntmm_process **p,
                                           uint64_t *va)
{
    struct ntmm_machine *m = test_boot(arch, RAM);
    assert_int_equal(ntmm_process_create(m, NULL, p), STATUS_SUCCESS);
    ntmm_set_current_process(*p);
    LPVOID page = VirtualAlloc(NULL, 0x1000, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
    assert_non_null(page);
    *va = (uint64_t)(uintptr_t)page;
    return m;
}

/* The write to va that meets the corruption stops the machine. */
static struct ntmm_bug_check touch_and_stop(struct ntmm_machine *m, struct ntmm_process *p,
                                            uint64_t va)
{
    uint8_t byte = 7;
    assert_int_equal(ntmm_write(p, va, &byte, 1), STATUS_SHUTDOWN_IN_PROGRESS);
    struct ntmm_bug_check b;
    assert_true(ntmm_machine_bug_check(m, &b));
    return b;
}

static void shut_down(struct ntmm_machine *m)
{
    ntmm_set_current_process(NULL);
    ntmm_machine_destroy(m);
}

/* Everything a stopped machine must still do, and refuse. */
static void check_stopped(struct ntmm_machine *m, struct ntmm_process *p, uint32_t code)
{
    struct ntmm_bug_check b;
    assert_true(ntmm_machine_bug_check(m, &b));
    assert_int_equal(b.code, code);
    assert_null(VirtualAlloc(NULL, 0x1000, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE));
    assert_int_equal(GetLastError(), ERROR_SHUTDOWN_IN_PROGRESS);
    uint8_t byte = 1;
    assert_int_equal(ntmm_write(p, 0x10000, &byte, 1), STATUS_SHUTDOWN_IN_PROGRESS);
    struct ntmm_process *other;
    assert_int_equal(ntmm_process_create(m, NULL, &other), STATUS_SHUTDOWN_IN_PROGRESS);
    struct ntmm_list_info list;
    assert_int_equal(ntmm_list_query(m, NTMM_ZEROED, &list), STATUS_SUCCESS);
    uint64_t head;
    assert_int_equal(ntmm_read_virtual(m, list.address, &head, sizeof head), STATUS_SUCCESS);
    assert_int_equal(ntmm_write_virtual(m, list.address, &head, sizeof head),
                     STATUS_SHUTDOWN_IN_PROGRESS);
    char message[256];
    assert_false(NT_SUCCESS(ntmm_verify(m, message, sizeof message)));
    struct ntmm_bug_check again;
    ntmm_machine_bug_check(m, &again);
    assert_int_equal(again.code, b.code); /* (1): the first bug check stays */
    assert_memory_equal(again.parameters, b.parameters, sizeof b.parameters);
    assert_int_equal(ntmm_machine_idle(m), 0);
}

/* The ways the tests corrupt a running machine, as `ed` would. */
enum corruption {
    CORRUPT_HEAD,        /* the zeroed list head's Flink names no frame */
    CORRUPT_FLINK,       /* the first zeroed frame's Flink is 0x41414141 */
    CORRUPT_PTE,         /* a user PTE names a frame beyond RAM */
    CORRUPT_PTE_FRAME,   /* an Active frame's PteFrame names no frame */
    CORRUPT_PROTO,       /* a view's prototype PTE names a frame beyond RAM */
    CORRUPT_POOL_PTE,    /* the system PTE of that prototype PTE's pool page is zeroed */
    CORRUPTIONS
};

static unsigned pte_bytes(const struct ntmm_machine *m)
{
    return ntmm_machine_config(m)->arch == NTMM_ARCH_X86 ? 4 : 8;
}

/* The leaf of va's walk in process p (NULL: the System's tables). */
static struct ntmm_walk_level leaf(struct ntmm_machine *m, struct ntmm_process *p, uint64_t va)
{
    struct ntmm_walk walk;
    assert_int_equal(ntmm_pte_walk(m, p, va, &walk), STATUS_SUCCESS);
    return walk.level[walk.levels - 1];
}

static void corrupt(struct ntmm_machine *m, struct ntmm_process *p, uint64_t va, enum corruption k)
{
    struct ntmm_list_info list;
    assert_int_equal(ntmm_list_query(m, NTMM_ZEROED, &list), STATUS_SUCCESS);
    uint64_t wild = 0x41414141, beyond = pte_bytes(m) == 4 ? 0xfff00 : 0xfffff00;
    struct ntmm_pfn_info pfn;
    if (k == CORRUPT_HEAD || k == CORRUPT_FLINK) {
        uint64_t at = list.address + word(m) * 2; /* MMPFNLIST: Total, ListName, Flink */
        if (k == CORRUPT_FLINK) {
            assert_int_equal(ntmm_pfn_query(m, list.flink, &pfn), STATUS_SUCCESS);
            at = pfn.entry_address;
        }
        assert_int_equal(ntmm_write_virtual(m, at, &wild, word(m)), STATUS_SUCCESS);
        return;
    }
    HANDLE h = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, 0x1000, NULL);
    assert_non_null(h);
    uint64_t view = (uint64_t)(uintptr_t)MapViewOfFile(h, FILE_MAP_WRITE, 0, 0, 0);
    assert_int_not_equal(view, 0);
    uint8_t byte = 1;
    assert_int_equal(ntmm_write(p, va, &byte, 1), STATUS_SUCCESS);
    assert_int_equal(ntmm_write(p, view, &byte, 1), STATUS_SUCCESS);
    test_verify(m);
    struct ntmm_walk_level pte = leaf(m, p, k == CORRUPT_PTE || k == CORRUPT_PTE_FRAME ? va : view);
    assert_int_equal(ntmm_pfn_query(m, pte.pte.pfn, &pfn), STATUS_SUCCESS);
    if (k == CORRUPT_PTE) {
        uint64_t raw = (pte.pte.raw & 0xfff) | (beyond << 12);
        assert_int_equal(ntmm_write_physical(m, pte.entry_physical, &raw, pte_bytes(m)),
                         STATUS_SUCCESS);
    } else if (k == CORRUPT_PTE_FRAME) {
        uint64_t u4 = pfn.u4 | (beyond & 0xffffff);
        unsigned offset = pte_bytes(m) == 4 ? 0x14 : word(m) == 8 ? 0x28 : 0x18;
        assert_int_equal(ntmm_write_virtual(m, pfn.entry_address + offset, &u4, word(m)),
                         STATUS_SUCCESS);
    } else if (k == CORRUPT_PROTO) {
        uint64_t raw = (beyond << 12) | 1; /* valid */
        assert_int_equal(ntmm_write_virtual(m, pfn.pte_address, &raw, pte_bytes(m)),
                         STATUS_SUCCESS);
    } else {
        uint64_t zero = 0;
        struct ntmm_walk_level pool = leaf(m, NULL, pfn.pte_address);
        assert_int_equal(ntmm_write_physical(m, pool.entry_physical, &zero, pte_bytes(m)),
                         STATUS_SUCCESS);
    }
}

/* ntmm_register_bug_check_callback's routine: counts its calls. */
struct notified {
    unsigned calls;
    struct ntmm_bug_check seen;
};

static void count_bug_checks(const struct ntmm_bug_check *b, void *context)
{
    struct notified *n = context;
    n->calls++;
    n->seen = *b;
}

/* The case: the zeroed list's first frame gets Flink 0x41414141,
 * and the next demand-zero fault unlinks it: PFN_LIST_CORRUPT, 2. */
static void test_corrupt_flink(void **state)
{
    (void)state;
    for (unsigned a = 0; a < 3; a++) {
        struct ntmm_process *p;
        uint64_t va;
        struct ntmm_machine *m = boot_with_page(arches[a], &p, &va);
        struct ntmm_list_info list;
        assert_int_equal(ntmm_list_query(m, NTMM_ZEROED, &list), STATUS_SUCCESS);
        corrupt(m, p, va, CORRUPT_FLINK);
        assert_false(ntmm_machine_bug_check(m, NULL));
        struct notified n = { 0, { 0, { 0 } } };
        ntmm_register_bug_check_callback(m, count_bug_checks, &n);
        struct ntmm_bug_check b = touch_and_stop(m, p, va);
        assert_int_equal(n.calls, 1);
        assert_int_equal(n.seen.code, 0x4E);
        assert_memory_equal(n.seen.parameters, b.parameters, sizeof b.parameters);
        assert_int_equal(b.code, 0x4E);
        assert_int_equal(b.parameters[0], 2);
        assert_int_equal(b.parameters[1], list.flink);
        struct ntmm_machine_info info;
        ntmm_machine_info(m, &info);
        assert_int_equal(b.parameters[2], info.number_of_physical_pages - 1);
        check_stopped(m, p, 0x4E);
        assert_int_equal(n.calls, 1); /* once, however many calls meet the stop */
        shut_down(m);
    }
}

/* A list head whose Flink names no frame: PFN_LIST_CORRUPT, 1. */
static void test_corrupt_head(void **state)
{
    (void)state;
    for (unsigned a = 0; a < 3; a++) {
        struct ntmm_process *p;
        uint64_t va;
        struct ntmm_machine *m = boot_with_page(arches[a], &p, &va);
        corrupt(m, p, va, CORRUPT_HEAD);
        struct ntmm_bug_check b = touch_and_stop(m, p, va);
        assert_int_equal(b.parameters[0], 1);
        assert_int_equal(b.parameters[1], 0x41414141);
        check_stopped(m, p, 0x4E);
        shut_down(m);
    }
}

/* A resident page's PTE edited to name a frame far beyond RAM: the next
 * fault on it is MEMORY_MANAGEMENT 0x411 with the PTE's address. */
static void test_pte_beyond_ram(void **state)
{
    (void)state;
    for (unsigned a = 0; a < 3; a++) {
        struct ntmm_process *p;
        uint64_t va;
        struct ntmm_machine *m = boot_with_page(arches[a], &p, &va);
        uint8_t byte = 7;
        assert_int_equal(ntmm_write(p, va, &byte, 1), STATUS_SUCCESS);
        test_verify(m);
        struct ntmm_walk walk;
        assert_int_equal(ntmm_pte_walk(m, p, va, &walk), STATUS_SUCCESS);
        const struct ntmm_walk_level *pte = &walk.level[walk.levels - 1];
        uint64_t frame = arches[a] == NTMM_ARCH_X86 ? 0xfff00 : 0xfffff00;
        uint64_t raw = (pte->pte.raw & 0xfff) | (frame << 12);
        assert_int_equal(ntmm_write_physical(m, pte->entry_physical, &raw, word(m) == 8 ||
                                                 arches[a] == NTMM_ARCH_X86_PAE ? 8 : 4),
                         STATUS_SUCCESS);
        assert_true(VirtualFree(VA(va), 0x1000, MEM_DECOMMIT) == FALSE ||
                    ntmm_machine_bug_check(m, NULL));
        struct ntmm_bug_check b;
        assert_true(ntmm_machine_bug_check(m, &b));
        assert_int_equal(b.code, 0x1A);
        assert_int_equal(b.parameters[0], 0x411);
        assert_int_equal(b.parameters[1], pte->entry_address);
        check_stopped(m, p, 0x1A);
        shut_down(m);
    }
}

/* PAE: the System's page-directory-pointer entry for 0xC0000000 edited to
 * name a frame beyond RAM; the next process copies the kernel's entries
 * from that directory and stops the machine (PFN_LIST_CORRUPT, 0x99)
 * instead of reading past the host's RAM. */
static void test_pae_pdpte_beyond_ram(void **state)
{
    (void)state;
    struct ntmm_process *p;
    uint64_t va;
    struct ntmm_machine *m = boot_with_page(NTMM_ARCH_X86_PAE, &p, &va);
    struct ntmm_walk walk;
    assert_int_equal(ntmm_pte_walk(m, NULL, 0xC0000000, &walk), STATUS_SUCCESS);
    uint64_t pdpte = (walk.level[0].pte.raw & 0xfff) | (0x3ffff00ull << 12); /* 36-bit PA */
    assert_int_equal(ntmm_write_physical(m, walk.level[0].entry_physical, &pdpte, 8),
                     STATUS_SUCCESS);
    struct ntmm_process *other;
    ntmm_process_create(m, NULL, &other);
    struct ntmm_bug_check b;
    assert_true(ntmm_machine_bug_check(m, &b));
    assert_int_equal(b.code, 0x4E);
    assert_int_equal(b.parameters[0], 0x99);
    assert_int_equal(b.parameters[1], 0x3ffff00);
    check_stopped(m, p, 0x4E);
    shut_down(m);
}

/* A PDE edited as `ed` writes it (in its frame), after the memory
 * manager has read PTEs through it (its paging-structure cache holds the
 * table, cpu.h (4)): the next PTE it reads follows the edited entry and
 * stops the machine (PAGE_FAULT_IN_NONPAGED_AREA, parameter 1 the PTE's
 * address) rather than reading the old table. */
static void test_pde_edited_after_use(void **state)
{
    (void)state;
    for (unsigned a = 0; a < 3; a++) {
        struct ntmm_process *p;
        uint64_t va;
        struct ntmm_machine *m = boot_with_page(arches[a], &p, &va);
        uint8_t byte = 7;
        assert_int_equal(ntmm_write(p, va, &byte, 1), STATUS_SUCCESS);
        assert_true(VirtualProtect(VA(va), 0x1000, PAGE_READONLY, &(DWORD){ 0 }));
        struct ntmm_walk walk;
        assert_int_equal(ntmm_pte_walk(m, p, va, &walk), STATUS_SUCCESS);
        const struct ntmm_walk_level *pde = &walk.level[walk.levels - 2];
        uint64_t frame = arches[a] == NTMM_ARCH_X86 ? 0xfff00 : 0xfffff00;
        uint64_t raw = (pde->pte.raw & 0xfff) | (frame << 12);
        unsigned size = arches[a] == NTMM_ARCH_X86 ? 4 : 8;
        assert_int_equal(ntmm_write_physical(m, pde->entry_physical, &raw, size), STATUS_SUCCESS);
        (void)VirtualFree(VA(va), 0x1000, MEM_DECOMMIT); /* reads the PTE below the PDE */
        struct ntmm_bug_check b;
        assert_true(ntmm_machine_bug_check(m, &b));
        assert_int_equal(b.code, 0x50);
        assert_int_equal(b.parameters[0], walk.level[walk.levels - 1].entry_address);
        shut_down(m);
    }
}

/* !verify reports each corruption and stops nothing: the machine runs on. */
static void test_verify_reports_without_following(void **state)
{
    (void)state;
    for (unsigned a = 0; a < 3; a++)
        for (int k = 0; k < CORRUPTIONS; k++) {
            struct ntmm_process *p;
            uint64_t va;
            struct ntmm_machine *m = boot_with_page(arches[a], &p, &va);
            corrupt(m, p, va, (enum corruption)k);
            char message[256];
            assert_int_equal(ntmm_verify(m, message, sizeof message), STATUS_INTERNAL_ERROR);
            struct ntmm_bug_check b = { 0, { 0 } };
            if (ntmm_machine_bug_check(m, &b))
                print_error("arch %u corruption %d: %s; bug check %x %llx %llx\n", a, k, message,
                            b.code, (unsigned long long)b.parameters[0],
                            (unsigned long long)b.parameters[1]);
            assert_false(ntmm_machine_bug_check(m, NULL));
            assert_int_equal(ntmm_verify(m, message, sizeof message), STATUS_INTERNAL_ERROR);
            shut_down(m);
        }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_corrupt_flink),
        cmocka_unit_test(test_corrupt_head),
        cmocka_unit_test(test_pte_beyond_ram),
        cmocka_unit_test(test_pae_pdpte_beyond_ram),
        cmocka_unit_test(test_pde_edited_after_use),
        cmocka_unit_test(test_verify_reports_without_following),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
