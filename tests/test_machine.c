/*
 * test_machine.c — the machine's configuration and life cycle: defaults,
 * every configuration error with its status and message, E18
 * (MmNumberOfPhysicalPages x 4 KB = RAM) for each architecture, the
 * architecture limits, and the host memory an idle large machine costs.
 */
#include <stdio.h>
#include <string.h>

#include "testing.h"

static void test_defaults(void **state)
{
    (void)state;
    struct ntmm_config config;
    ntmm_config_init(&config);
    assert_int_equal(config.arch, NTMM_ARCH_X86_PAE);
    assert_int_equal(config.ram_bytes, 512ull << 20);
    assert_int_equal(config.seed, 1);
    struct ntmm_machine *machine = NULL;
    assert_int_equal(ntmm_machine_create(&config, &machine), STATUS_SUCCESS);
    struct ntmm_machine_info info;
    ntmm_machine_info(machine, &info);
    assert_string_equal(info.arch_name, "PAE");
    assert_int_equal(info.pte_size, 8);
    assert_int_equal(info.paging_levels, 3);
    assert_int_equal(info.pfn_entry_size, 0x1c);
    assert_int_equal(ntmm_machine_config(machine)->ram_bytes, 512ull << 20);
    test_verify(machine);
    ntmm_machine_destroy(machine);
}

struct bad_config {
    enum ntmm_arch arch;
    uint64_t ram;
    NTSTATUS status;
    const char *words; /* a phrase the message must contain */
};

static void test_invalid_configurations(void **state)
{
    (void)state;
    static const struct bad_config cases[] = {
        { (enum ntmm_arch)0, 64ull << 20, STATUS_INVALID_PARAMETER, "unknown architecture" },
        { (enum ntmm_arch)9, 64ull << 20, STATUS_INVALID_PARAMETER, "unknown architecture" },
        { NTMM_ARCH_X86_PAE, (64ull << 20) + 1, STATUS_INVALID_PARAMETER, "4 KB pages" },
        { NTMM_ARCH_X86_PAE, 0, STATUS_INSUFFICIENT_RESOURCES, "too small to boot" },
        { NTMM_ARCH_X86, (16ull << 20) - 4096, STATUS_INSUFFICIENT_RESOURCES, "too small" },
        { NTMM_ARCH_X86, (4ull << 30) + 4096, STATUS_NOT_SUPPORTED, "x86 paging" },
        { NTMM_ARCH_X86_PAE, (64ull << 30) + 4096, STATUS_NOT_SUPPORTED, "PAE paging" },
        { NTMM_ARCH_X64, (128ull << 30) + 4096, STATUS_NOT_SUPPORTED, "x64 paging" },
        { NTMM_ARCH_X64, ~0ull << 12, STATUS_NOT_SUPPORTED, "x64 paging" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct ntmm_config config;
        ntmm_config_init(&config);
        config.arch = cases[i].arch;
        config.ram_bytes = cases[i].ram;
        char message[200] = "";
        assert_int_equal(ntmm_config_validate(&config, message, sizeof message), cases[i].status);
        if (!strstr(message, cases[i].words))
            fail_msg("case %zu: message \"%s\" lacks \"%s\"", i, message, cases[i].words);
        struct ntmm_machine *machine = (struct ntmm_machine *)&config;
        assert_int_equal(ntmm_machine_create(&config, &machine), cases[i].status);
        assert_null(machine);
    }
}

static void test_null_arguments(void **state)
{
    (void)state;
    struct ntmm_config config;
    struct ntmm_machine *machine = NULL;
    ntmm_config_init(&config);
    assert_int_equal(ntmm_machine_create(NULL, &machine), STATUS_INVALID_PARAMETER);
    assert_int_equal(ntmm_machine_create(&config, NULL), STATUS_INVALID_PARAMETER);
    assert_int_equal(ntmm_config_validate(NULL, NULL, 0), STATUS_INVALID_PARAMETER);
    ntmm_machine_destroy(NULL);
}

/* E18: dd MmNumberOfPhysicalPages, times 4 KB, is the RAM. */
static void check_physical_pages(enum ntmm_arch arch, uint64_t ram)
{
    struct ntmm_machine *machine = test_boot(arch, ram);
    struct ntmm_machine_info info;
    struct ntmm_symbol sym;
    ntmm_machine_info(machine, &info);
    assert_int_equal(ntmm_symbol_lookup(machine, "nt!MmNumberOfPhysicalPages", &sym),
                     STATUS_SUCCESS);
    uint64_t pages = 0;
    assert_int_equal(ntmm_read_virtual(machine, sym.address, &pages, arch == NTMM_ARCH_X64 ? 8 : 4),
                     STATUS_SUCCESS);
    assert_int_equal(pages * 4096, ram);
    assert_int_equal(info.number_of_physical_pages, pages);
    assert_int_equal(info.highest_physical_page, pages - 1);
    test_verify(machine);
    ntmm_machine_destroy(machine);
}

static void test_e18_physical_pages(void **state)
{
    (void)state;
    static const uint64_t sizes[] = { 16ull << 20, 17ull << 20, (64ull << 20) + 4096, 768ull << 20 };
    for (enum ntmm_arch arch = NTMM_ARCH_X86; arch <= NTMM_ARCH_X64; arch++)
        for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++)
            check_physical_pages(arch, sizes[i]);
}

/* The largest x86 machine boots (PAE's 64 GB boots in test_idle_host_memory). */
static void test_architecture_limits(void **state)
{
    (void)state;
    check_physical_pages(NTMM_ARCH_X86, 4ull << 30);
}

static uint64_t resident_bytes(void)
{
    unsigned long long size = 0, resident = 0;
    FILE *f = fopen("/proc/self/statm", "r");
    assert_non_null(f);
    assert_int_equal(fscanf(f, "%llu %llu", &size, &resident), 2);
    fclose(f);
    return resident * 4096;
}

/* A 64 GB machine that touched little costs little host memory: what it
 * holds is the PFN database Windows needs too (0x1c bytes per 4 KB frame,
 * 0.68 % of RAM), page tables and the kernel image; below 1 % in all. */
static void test_idle_host_memory(void **state)
{
    (void)state;
    uint64_t before = resident_bytes();
    struct ntmm_machine *machine = test_boot(NTMM_ARCH_X86_PAE, 64ull << 30);
    uint64_t used = resident_bytes() - before;
    struct ntmm_machine_info info;
    ntmm_machine_info(machine, &info);
    assert_int_equal(info.number_of_physical_pages, (64ull << 30) >> 12);
    test_verify(machine);
    ntmm_machine_destroy(machine);
    if (used >= (64ull << 30) / 100)
        fail_msg("idle 64 GB machine uses %llu MB of host memory", (unsigned long long)(used >> 20));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_invalid_configurations),
        cmocka_unit_test(test_null_arguments),
        cmocka_unit_test(test_e18_physical_pages),
        cmocka_unit_test(test_architecture_limits),
        cmocka_unit_test(test_idle_host_memory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
