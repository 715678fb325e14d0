/*
 * test_verify.c — the verifier catches each broken invariant it claims to
 * check (mm/verify.c, checks 1-10): every case corrupts one thing in simulated
 * memory, expects STATUS_INTERNAL_ERROR with a message naming the problem,
 * restores it, and expects the verifier to pass again.
 */
#include <string.h>

#include "testing.h"

#include "ke/machine.h"
#include "mm/section.h"
#include "ntmm/win32.h"
#include "ps/process.h"

struct corruption {
    const char *what;   /* a phrase the verifier's message must contain */
    uint64_t (*address)(struct ntmm_machine *m); /* physical address to corrupt */
    unsigned size;      /* bytes */
    uint64_t xor_mask;  /* bits flipped */
};

static struct mm *mm_of(struct ntmm_machine *m)
{
    return &m->mm;
}

static uint64_t entry_pa(struct ntmm_machine *m, uint64_t pfn, unsigned offset)
{
    struct mm *mm = mm_of(m);
    return (uint64_t)(mm->pfn_host - m->cpu.phys.base) + pfn * mm->pfn_layout->size + offset;
}

static uint64_t second_zeroed(struct ntmm_machine *m)
{
    return pfn_flink(mm_of(m), pagelist_first(mm_of(m), ZeroedPageList));
}

static uint64_t zeroed_flink(struct ntmm_machine *m)
{
    return entry_pa(m, second_zeroed(m), mm_of(m)->pfn_layout->u1);
}

static uint64_t zeroed_blink(struct ntmm_machine *m)
{
    return entry_pa(m, second_zeroed(m), mm_of(m)->pfn_layout->u2);
}

static uint64_t zeroed_location(struct ntmm_machine *m)
{
    return entry_pa(m, second_zeroed(m), mm_of(m)->pfn_layout->u3);
}

static uint64_t zeroed_bytes(struct ntmm_machine *m)
{
    return (second_zeroed(m) << 12) + 100;
}

static uint64_t head_pa(struct ntmm_machine *m, unsigned offset)
{
    return (uint64_t)(pagelist_head(mm_of(m), ZeroedPageList) - m->cpu.phys.base) + offset;
}

static uint64_t zeroed_total(struct ntmm_machine *m)
{
    return head_pa(m, 0);
}

static uint64_t available(struct ntmm_machine *m)
{
    return (uint64_t)(mm_symbol_host(mm_of(m), SYM_MmAvailablePages) - m->cpu.phys.base);
}

static uint64_t physical_pages(struct ntmm_machine *m)
{
    return (uint64_t)(mm_symbol_host(mm_of(m), SYM_MmNumberOfPhysicalPages) - m->cpu.phys.base);
}

static uint64_t highest_page(struct ntmm_machine *m)
{
    return (uint64_t)(mm_symbol_host(mm_of(m), SYM_MmHighestPhysicalPage) - m->cpu.phys.base);
}

/* The frame holding the PFN database's first page: Active, mapped once. */
static uint64_t database_frame(struct ntmm_machine *m)
{
    struct ntmm_walk walk;
    ntmm_pte_walk(m, NULL, mm_of(m)->layout.pfn_database, &walk);
    return walk.physical >> 12;
}

static uint64_t active_share_count(struct ntmm_machine *m)
{
    return entry_pa(m, database_frame(m), mm_of(m)->pfn_layout->u2);
}

static uint64_t active_pte_address(struct ntmm_machine *m)
{
    return entry_pa(m, database_frame(m), mm_of(m)->pfn_layout->pte_address);
}

static uint64_t active_pte_frame(struct ntmm_machine *m)
{
    return entry_pa(m, database_frame(m), mm_of(m)->pfn_layout->u4);
}

static uint64_t active_reference_count(struct ntmm_machine *m)
{
    return entry_pa(m, database_frame(m), mm_of(m)->pfn_layout->u3 + 2);
}

/* The PTE mapping the PFN database's first page: point it at a free frame. */
static uint64_t database_pte(struct ntmm_machine *m)
{
    struct ntmm_walk walk;
    ntmm_pte_walk(m, NULL, mm_of(m)->layout.pfn_database, &walk);
    return walk.level[walk.levels - 1].entry_physical;
}

static void run(enum ntmm_arch arch, const struct corruption *c)
{
    struct ntmm_machine *m = test_boot(arch, 16ull << 20);
    uint64_t pa = c->address(m), original = 0, broken;
    char message[256];
    assert_int_equal(ntmm_read_physical(m, pa, &original, c->size), STATUS_SUCCESS);
    broken = original ^ c->xor_mask;
    assert_int_equal(ntmm_write_physical(m, pa, &broken, c->size), STATUS_SUCCESS);
    assert_int_equal(ntmm_verify(m, message, sizeof message), STATUS_INTERNAL_ERROR);
    if (!strstr(message, c->what))
        fail_msg("arch %d, %s: verifier said \"%s\"", arch, c->what, message);
    assert_int_equal(ntmm_write_physical(m, pa, &original, c->size), STATUS_SUCCESS);
    test_verify(m);
    ntmm_machine_destroy(m);
}

static void test_corruptions(void **state)
{
    (void)state;
    static const struct corruption cases[] = {
        { "breaks the chain", zeroed_flink, 4, 0x40000000 },
        { "Blink", zeroed_blink, 4, 1 },
        { "PageLocation", zeroed_location, 2, 1u << 8 },
        { "holds data", zeroed_bytes, 1, 0x5a },
        { "Total", zeroed_total, 4, 1 },
        { "MmAvailablePages", available, 4, 1 },
        { "MmNumberOfPhysicalPages", physical_pages, 4, 0x100 },
        { "MmHighestPhysicalPage", highest_page, 4, 0xffffffff },
        { "ShareCount", active_share_count, 4, 1 },
        { "PteAddress", active_pte_address, 4, 8 },
        { "PteFrame", active_pte_frame, 4, 1 },
        { "ReferenceCount", active_reference_count, 2, 2 },
        { "not Active", database_pte, 4, 0x800000 },
        { "outside physical memory", database_pte, 4, 0x10000000 },
    };
    for (enum ntmm_arch arch = NTMM_ARCH_X86; arch <= NTMM_ARCH_X64; arch++)
        for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
            run(arch, &cases[i]);
}

/* Checks 7-9 on a process: the counters and trees of an address space. */
static void expect_broken(struct ntmm_machine *m, const char *what)
{
    char message[256];
    assert_int_equal(ntmm_verify(m, message, sizeof message), STATUS_INTERNAL_ERROR);
    if (!strstr(message, what))
        fail_msg("expected \"%s\", the verifier said \"%s\"", what, message);
}

static void test_process_corruptions(void **state)
{
    (void)state;
    struct ntmm_machine *m = test_boot(NTMM_ARCH_X86_PAE, 16ull << 20);
    struct ntmm_process *p = NULL;
    assert_int_equal(ntmm_process_create(m, NULL, &p), STATUS_SUCCESS);
    uint64_t base = 0;
    assert_int_equal(mm_reserve(&m->mm, &p->as, &base, 0x4000, p->as.highest_user_address, false,
                                true, MM_READWRITE, 0),
                     STATUS_SUCCESS);
    assert_int_equal(ntmm_write(p, base, "x", 1), STATUS_SUCCESS);
    test_verify(m);
    p->as.commit_charge++;
    expect_broken(m, "commit charge");
    p->as.commit_charge--;
    p->as.working_set_pages++;
    expect_broken(m, "working set");
    p->as.working_set_pages--;
    mm_set_symbol_word(&m->mm, SYM_MmTotalCommittedPages,
                       mm_symbol_word(&m->mm, SYM_MmTotalCommittedPages) + 1);
    expect_broken(m, "MmTotalCommittedPages");
    mm_set_symbol_word(&m->mm, SYM_MmTotalCommittedPages,
                       mm_symbol_word(&m->mm, SYM_MmTotalCommittedPages) - 1);
    struct vad *v = vad_find(&p->as.vads, base >> 12);
    /* a VAD charging one page more than it has committed, with every sum
     * agreeing: only the per-VAD count catches it */
    v->u.CommitCharge++;
    p->as.commit_charge++;
    mm_set_symbol_word(&m->mm, SYM_MmTotalCommittedPages,
                       mm_symbol_word(&m->mm, SYM_MmTotalCommittedPages) + 1);
    expect_broken(m, "pages are committed");
    v->u.CommitCharge--;
    p->as.commit_charge--;
    mm_set_symbol_word(&m->mm, SYM_MmTotalCommittedPages,
                       mm_symbol_word(&m->mm, SYM_MmTotalCommittedPages) - 1);
    v->max_gap++;
    expect_broken(m, "VAD tree");
    v->max_gap--;
    test_verify(m);
    ntmm_machine_destroy(m);
}

/* Check 10: prototype PTEs, the frames they name, view PTEs and segment
 * commit, each broken once and restored. */
static void test_section_corruptions(void **state)
{
    (void)state;
    for (enum ntmm_arch arch = NTMM_ARCH_X86; arch <= NTMM_ARCH_X64; arch++) {
        struct ntmm_machine *m = test_boot(arch, 16ull << 20);
        struct ntmm_process *p = NULL;
        assert_int_equal(ntmm_process_create(m, NULL, &p), STATUS_SUCCESS);
        ntmm_set_current_process(p);
        HANDLE h = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, 0x3000, NULL);
        uint64_t view = (uint64_t)(uintptr_t)MapViewOfFile(h, FILE_MAP_WRITE, 0, 0, 0);
        assert_int_equal(ntmm_write(p, view, "x", 1), STATUS_SUCCESS);
        test_verify(m);
        struct mm *mm = mm_of(m);
        struct mm_control_area *ca = mm->control_areas;
        uint64_t proto = ca->subsections[0].proto_va, pte_size = mm->cpu->fmt->pte_size;
        /* the valid prototype PTE names another frame */
        uint64_t raw = mi_read_proto(mm, proto);
        mi_write_proto(mm, proto, raw ^ 0x1000);
        expect_broken(m, "prototype PTE");
        mi_write_proto(mm, proto, raw);
        /* a demand-zero prototype PTE of the segment becomes zero: its commit is off */
        raw = mi_read_proto(mm, proto + pte_size);
        mi_write_proto(mm, proto + pte_size, 0);
        expect_broken(m, "committed");
        mi_write_proto(mm, proto + pte_size, raw);
        /* the view's second PTE points at the third prototype PTE */
        struct ntmm_walk w;
        assert_int_equal(ntmm_pte_walk(m, p, view + 0x1000, &w), STATUS_SUCCESS);
        uint64_t pa = w.level[w.levels - 1].entry_physical, pte = 0, moved;
        struct pte_fields f = { .kind = PTE_KIND_PROTOTYPE, .proto_address = proto + 2 * pte_size };
        ntmm_read_physical(m, pa, &pte, pte_size);
        mm->cpu->fmt->encode(&f, &moved);
        ntmm_write_physical(m, pa, &moved, pte_size);
        expect_broken(m, "points at prototype PTE");
        ntmm_write_physical(m, pa, &pte, pte_size);
        /* the segment's commit and the system's */
        ca->commit++;
        expect_broken(m, "charges");
        ca->commit--;
        test_verify(m);
        UnmapViewOfFile((LPCVOID)(uintptr_t)view);
        CloseHandle(h);
        test_verify(m);
        ntmm_machine_destroy(m);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_corruptions),
        cmocka_unit_test(test_process_corruptions),
        cmocka_unit_test(test_section_corruptions),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
