/*
 * demo.c — the guided demonstration `make demo` runs until the shell exists:
 * boots an x86 PAE machine (the seeds' Windows: 2-9-9-12 paging, 0x1c-byte
 * _MMPFN) and repeats the seeds' experiments E18, E8, E1, E2, E12 and E14
 * as a WinDbg user types them, printing the commands and ntmm's real answers.
 * It uses only the public headers, as any program built against ntmm would.
 */
#include <stdio.h>
#include <string.h>

#include <ntmm/introspect.h>
#include <ntmm/ntmm.h>
#include <ntmm/win32.h>

static struct ntmm_machine *machine;

static uint32_t dword(uint64_t va)
{
    uint32_t v = 0;
    ntmm_read_virtual(machine, va, &v, 4);
    return v;
}

static uint64_t symbol(const char *name)
{
    struct ntmm_symbol s = { 0 };
    ntmm_symbol_lookup(machine, name, &s);
    return s.address;
}

static void say(const char *text)
{
    printf("\n# %s\n", text);
}

/* dd ADDR Ln, as WinDbg prints it: address, then up to four dwords a line. */
static void dd(const char *expression, uint64_t va, unsigned count)
{
    printf("kd> dd %s L%x\n", expression, count);
    for (unsigned i = 0; i < count; i += 4) {
        printf("%08llx ", (unsigned long long)(va + 4 * i));
        for (unsigned j = i; j < count && j < i + 4; j++)
            printf(" %08x", dword(va + 4 * j));
        printf("\n");
    }
}

/* dt _MMPFN ADDR, the fields seed 004 looks at. */
static void dt_mmpfn(uint64_t pfn)
{
    struct ntmm_pfn_info p;
    ntmm_pfn_query(machine, pfn, &p);
    printf("kd> dt nt!_MMPFN %08llx\n", (unsigned long long)p.entry_address);
    printf("   +0x000 u1.Flink         : 0x%llx\n", (unsigned long long)p.u1);
    printf("   +0x004 PteAddress       : 0x%08llx\n", (unsigned long long)p.pte_address);
    printf("   +0x008 u2.Blink         : 0x%llx\n", (unsigned long long)p.u2);
    printf("   +0x00c u3.e1.PageLocation : %u (%s)\n", p.page_location,
           ntmm_page_location_name(p.page_location));
    printf("   +0x00e u3.e2.ReferenceCount : %u\n", p.reference_count);
    printf("   +0x010 OriginalPte      : 0x%llx\n", (unsigned long long)p.original_pte);
    printf("   +0x018 u4.PteFrame      : 0x%llx\n", (unsigned long long)p.pte_frame);
}

static bool frame_is_zero(uint64_t pfn)
{
    static uint8_t page[4096], zero[4096];
    ntmm_read_physical(machine, pfn << 12, page, sizeof page);
    return memcmp(page, zero, sizeof page) == 0;
}

static void experiment_e18(void)
{
    struct ntmm_machine_info info;
    ntmm_machine_info(machine, &info);
    say("E18. How much RAM does Windows see? MmNumberOfPhysicalPages x 4 KB.");
    dd("nt!MmNumberOfPhysicalPages", symbol("MmNumberOfPhysicalPages"), 1);
    printf("0x%llx pages x 4 KB = %llu MB, the configured RAM; %s paging addresses up to %s.\n",
           (unsigned long long)info.number_of_physical_pages,
           (unsigned long long)(info.number_of_physical_pages * 4 >> 10), info.arch_name,
           info.arch == NTMM_ARCH_X86 ? "4 GB" : info.arch == NTMM_ARCH_X86_PAE ? "64 GB" : "128 GB");
}

static void experiment_e8(void)
{
    struct ntmm_list_info head;
    ntmm_list_query(machine, NTMM_ZEROED, &head);
    uint64_t database = dword(symbol("MmPfnDatabase"));
    say("E8. Walk the zeroed page list. The head is an MMPFNLIST: Total, ListName, Flink, Blink.");
    dd("nt!MmZeroedPageListHead", head.address, 4);
    dd("nt!MmPfnDatabase", symbol("MmPfnDatabase"), 1);
    say("Each frame's _MMPFN is at MmPfnDatabase + 0x1c * PFN. Follow Flink (u1) three times.");
    uint64_t pfn = head.flink, prev = head.empty;
    for (int step = 0; step < 3 && pfn != head.empty; step++) {
        char expression[64];
        snprintf(expression, sizeof expression, "%08llx+0x1c*0x%llx", (unsigned long long)database,
                 (unsigned long long)pfn);
        dd(expression, database + 0x1c * pfn, 7);
        dt_mmpfn(pfn);
        struct ntmm_pfn_info p;
        ntmm_pfn_query(machine, pfn, &p);
        printf("PageLocation %u = Zeroed, Blink %s the previous page, contents %s.\n",
               p.page_location, p.u2 == prev ? "points back to" : "DOES NOT point to",
               frame_is_zero(pfn) ? "all zero" : "NOT ZERO");
        prev = pfn;
        pfn = p.u1;
    }
    uint64_t count = 0, zero = 0;
    for (uint64_t p = head.flink; p != head.empty && count <= head.total; count++) {
        struct ntmm_pfn_info info;
        ntmm_pfn_query(machine, p, &info);
        zero += info.page_location == NTMM_ZEROED && frame_is_zero(p);
        p = info.u1;
    }
    printf("\nThe whole list: %llu frames linked, Total says %llu, %llu of them Zeroed and all-zero.\n",
           (unsigned long long)count, (unsigned long long)head.total, (unsigned long long)zero);
}

static void page_table_walk(void)
{
    struct ntmm_walk walk;
    uint64_t va = symbol("MmZeroedPageListHead");
    ntmm_pte_walk(machine, NULL, va, &walk);
    say("A page-table walk: where does the list head live? !pte shows each level's entry.");
    printf("kd> !pte %08llx\n", (unsigned long long)va);
    printf("                    VA %08llx\n", (unsigned long long)va);
    for (unsigned l = 0; l < walk.levels; l++) {
        struct ntmm_walk_level *level = &walk.level[l];
        char flags[12];
        ntmm_pte_flags_string(&level->pte, flags);
        if (!level->entry_address) {
            printf("PDPTE (physical %llx) contains %016llx\n",
                   (unsigned long long)level->entry_physical, (unsigned long long)level->pte.raw);
            continue;
        }
        printf("%s at %08llx    contains %016llx    pfn %llx %s\n", level->name,
               (unsigned long long)level->entry_address, (unsigned long long)level->pte.raw,
               (unsigned long long)level->pte.pfn, flags);
    }
    printf("kd> !vtop 0 %08llx\n", (unsigned long long)va);
    printf("Virtual address %llx translates to physical address %llx.\n",
           (unsigned long long)va, (unsigned long long)walk.physical);
}

/* !vad, as WinDbg prints it: level, start and end VPN, commit, type, protection. */
static void vad_list(struct ntmm_process *process)
{
    struct ntmm_vad_info v;
    printf("kd> !vad\nVAD     Level     Start       End    Commit\n");
    for (unsigned i = 0; ntmm_vad_at(process, i, &v); i++)
        printf("%-8u %5u %9llx %9llx %9llu %s %s%s\n", i, v.level,
               (unsigned long long)v.starting_vpn, (unsigned long long)v.ending_vpn,
               (unsigned long long)v.commit_charge, v.private_memory ? "Private" : "Mapped ",
               v.image_map ? "Exe  " : "", v.protection_name);
}

static void pte_of(struct ntmm_process *process, uint64_t va)
{
    struct ntmm_walk walk;
    ntmm_pte_walk(machine, process, va, &walk);
    struct ntmm_walk_level *pte = &walk.level[walk.levels - 1];
    printf("kd> !pte %llx\n", (unsigned long long)va);
    if (walk.levels < 3) {
        printf("  %s at %llx is not valid: no page table yet (%s)\n", pte->name,
               (unsigned long long)pte->entry_address, walk.stopped);
        return;
    }
    char flags[12];
    ntmm_pte_flags_string(&pte->pte, flags);
    if (pte->pte.kind == NTMM_PTE_VALID)
        printf("  PTE at %llx contains %016llx  pfn %llx %s\n",
               (unsigned long long)pte->entry_address, (unsigned long long)pte->pte.raw,
               (unsigned long long)pte->pte.pfn, flags);
    else
        printf("  PTE at %llx contains %016llx  not valid%s\n",
               (unsigned long long)pte->entry_address, (unsigned long long)pte->pte.raw,
               pte->pte.raw ? "" : " (zero: only the VAD says the page is committed)");
}

static void experiments_e1_e2(void)
{
    struct ntmm_process *process;
    struct ntmm_process_options options = { "VATest.exe", false, false, NULL };
    ntmm_process_create(machine, &options, &process);
    ntmm_set_current_process(process);
    /* the process already uses some memory nearby, as any process does */
    LPVOID earlier = VirtualAlloc(NULL, 0x10000, MEM_COMMIT, PAGE_READWRITE);
    ntmm_write(process, (uint64_t)(uintptr_t)earlier, "MZ", 2);
    say("E1. VirtualAlloc(NULL, 0x2000, MEM_COMMIT, PAGE_READWRITE): one new VAD, two pages.");
    vad_list(process);
    LPVOID address = VirtualAlloc(NULL, 0x1000 * 2, MEM_COMMIT, PAGE_READWRITE);
    printf("lpAddress: %p\n", address);
    vad_list(process);
    uint64_t va = (uint64_t)(uintptr_t)address;
    say("E2. Before the first write the PTE is zero; the write is a demand-zero fault.");
    pte_of(process, va);
    DWORD value = 0x12345678;
    ntmm_write(process, va, &value, sizeof value);
    printf("*(PDWORD)lpAddress = 0x12345678;\n");
    pte_of(process, va);
    PROCESS_MEMORY_COUNTERS_EX pmc;
    GetProcessMemoryInfo(GetCurrentProcess(), (PPROCESS_MEMORY_COUNTERS)&pmc, sizeof pmc);
    say("E14. The counters Task Manager shows: private bytes are committed memory, the working");
    printf("# set is what is resident (the touched page and its page table).\n");
    printf("PrivateUsage %zu KB, WorkingSetSize %zu KB (peak %zu KB), PageFaultCount %lu\n",
           pmc.PrivateUsage >> 10, pmc.WorkingSetSize >> 10, pmc.PeakWorkingSetSize >> 10,
           (unsigned long)pmc.PageFaultCount);
    ntmm_set_current_process(NULL);
    ntmm_process_terminate(process);
}

/* E12: the user address space of a 32-bit process on each kind of machine. */
static void experiment_e12(void)
{
    static const struct {
        const char *what;
        enum ntmm_arch arch;
        uint32_t increase_user_va;
        bool laa;
    } cases[] = {
        { "32-bit Windows, default", NTMM_ARCH_X86_PAE, 0, true },
        { "32-bit Windows, increaseuserva 3072", NTMM_ARCH_X86_PAE, 3072, true },
        { "64-bit Windows (WOW64)", NTMM_ARCH_X64, 0, true },
    };
    say("E12. A LARGE_ADDRESS_AWARE 32-bit image: GetSystemInfo's lpMaximumApplicationAddress.");
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct ntmm_config config;
        ntmm_config_init(&config);
        config.arch = cases[i].arch;
        config.ram_bytes = 64ull << 20;
        config.increase_user_va = cases[i].increase_user_va;
        struct ntmm_machine *m;
        struct ntmm_process *process;
        struct ntmm_process_options options = { "laa.exe", false, cases[i].laa, NULL };
        if (!NT_SUCCESS(ntmm_machine_create(&config, &m)))
            continue;
        ntmm_process_create(m, &options, &process);
        ntmm_set_current_process(process);
        SYSTEM_INFO si;
        GetSystemInfo(&si);
        printf("%-38s %p  (%llu MB)\n", cases[i].what, si.lpMaximumApplicationAddress,
               (unsigned long long)(((uintptr_t)si.lpMaximumApplicationAddress + 1) >> 20));
        ntmm_set_current_process(NULL);
        ntmm_machine_destroy(m);
    }
}

int main(void)
{
    struct ntmm_config config;
    ntmm_config_init(&config);
    NTSTATUS status = ntmm_machine_create(&config, &machine);
    if (!NT_SUCCESS(status)) {
        fprintf(stderr, "demo: cannot boot: %s\n", ntmm_status_name(status));
        return 1;
    }
    printf("ntmm %s: an x86 PAE machine with %llu MB of RAM, seed %llu.\n", NTMM_VERSION,
           (unsigned long long)(config.ram_bytes >> 20), (unsigned long long)config.seed);
    experiment_e18();
    experiment_e8();
    page_table_walk();
    experiments_e1_e2();
    experiment_e12();
    char message[200];
    status = ntmm_verify(machine, message, sizeof message);
    printf("\nkd> !verify\n%s\n", message);
    ntmm_machine_destroy(machine);
    return NT_SUCCESS(status) ? 0 : 1;
}
