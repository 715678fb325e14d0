/*
 * test_tools.c — the debugger commands and tools (src/tools): each command's
 * key lines for a known machine state (PAE, 32 MB, one process, a 0x2000-byte
 * VirtualAlloc and a write: seed experiments E1 and E2), views of sections
 * (!ca, !vad, !pte, !pfn, vmmap, !address and lm on a pagefile-backed, a
 * file-backed and a copy-on-write view: E4, E5, E7), images (lm and !dh on
 * the DLLs tests/pe builds), WinDbg expressions,
 * bad arguments (one line, STATUS_INVALID_PARAMETER, nothing changed), and
 * determinism.
 */
#include "tools_testing.h"

/* f->base: a VirtualAlloc'd 0x2000 bytes, written when write is true. */
static void fixture_boot(struct fixture *f, enum ntmm_arch arch, bool write)
{
    fixture_start(f, arch, 32ull << 20);
    f->base = (uintptr_t)VirtualAlloc(NULL, 0x2000, MEM_COMMIT, PAGE_READWRITE);
    assert_true(f->base != 0);
    uint32_t value = 0x12345678;
    if (write)
        assert_int_equal(ntmm_write(f->process, f->base, &value, 4), STATUS_SUCCESS);
}

/* Views for the section commands: a pagefile-backed section "Shared"
 * (one page, written: resident), a 3-page file C:\data.bin mapped
 * read/write (untouched) and copy-on-write (page 0 written: a private
 * copy). Their addresses in views[0..2]. */
static void fixture_views(struct fixture *f, uint64_t views[3])
{
    HANDLE shared = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, 0x1000,
                                       "Shared");
    assert_non_null(shared);
    views[0] = (uintptr_t)MapViewOfFile(shared, FILE_MAP_ALL_ACCESS, 0, 0, 0);
    assert_true(views[0] != 0);
    uint32_t value = 0x12345678;
    assert_int_equal(ntmm_write(f->process, views[0], &value, 4), STATUS_SUCCESS);
    HANDLE file = CreateFileA("C:\\data.bin", GENERIC_READ | GENERIC_WRITE, 0, NULL,
                              CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
    assert_true(file != INVALID_HANDLE_VALUE);
    assert_true(WriteFile(file, (LPCVOID)(uintptr_t)f->base, 0x2000, NULL, NULL));
    assert_true(WriteFile(file, (LPCVOID)(uintptr_t)f->base, 0x1000, NULL, NULL));
    HANDLE mapping = CreateFileMappingA(file, NULL, PAGE_READWRITE, 0, 0, NULL);
    assert_non_null(mapping);
    views[1] = (uintptr_t)MapViewOfFile(mapping, FILE_MAP_ALL_ACCESS, 0, 0, 0);
    views[2] = (uintptr_t)MapViewOfFile(mapping, FILE_MAP_COPY, 0, 0, 0);
    assert_true(views[1] != 0 && views[2] != 0);
    assert_int_equal(ntmm_write(f->process, views[2], &value, 4), STATUS_SUCCESS);
}

static void test_output_grows(void **state)
{
    (void)state;
    struct tool_output out = { 0 };
    for (int i = 0; i < 10000; i++)
        tool_printf(&out, "%05d\n", i);
    assert_int_equal(out.length, 60000);
    assert_int_equal(strlen(out.text), out.length);
    assert_memory_equal(out.text + 59994, "09999\n", 6);
    tool_output_free(&out);
    assert_null(out.text);
    tool_output_free(&out);
}

/* E1: the new VAD, commit 2, Private, READWRITE. */
static void test_vad(void **state)
{
    (void)state;
    struct fixture f;
    fixture_boot(&f, NTMM_ARCH_X86_PAE, false);
    char *text = run(&f, STATUS_SUCCESS, "!vad");
    assert_contains(text, "VAD      level      start      end    commit\n");
    assert_contains(text, "        10       11         2 Private      READWRITE\n");
    assert_contains(text, "Total VADs:     2");
    free(text);
    text = run(&f, STATUS_SUCCESS, "!vad 10000 1");
    assert_contains(text, "Start VPN:           10  End VPN:       11");
    free(text);
    fixture_free(&f);
}

/* E2: the PTE is zero until the first write, then valid with a frame. */
static void test_pte_before_after_write(void **state)
{
    (void)state;
    struct fixture f;
    fixture_boot(&f, NTMM_ARCH_X86_PAE, false);
    char *text = run(&f, STATUS_SUCCESS, "!pte %llx", (unsigned long long)f.base);
    assert_contains(text, "VA 00010000\n");
    assert_contains(text, "PDE at C0600000            PTE at C0000080\n");
    assert_contains(text, "not valid");
    free(text);
    uint32_t value = 1;
    assert_int_equal(ntmm_write(f.process, f.base, &value, 4), STATUS_SUCCESS);
    struct ntmm_walk walk;
    ntmm_pte_walk(f.machine, f.process, f.base, &walk);
    char expected[64];
    snprintf(expected, sizeof expected, "pfn %-9llx ---DA--UW-V", (unsigned long long)(walk.physical >> 12));
    text = run(&f, STATUS_SUCCESS, "!pte %llx", (unsigned long long)f.base);
    assert_contains(text, expected);
    free(text);
    text = run(&f, STATUS_SUCCESS, "!pte %llx", (unsigned long long)f.base + 0x1000);
    assert_contains(text, "PTE at C0000088");
    assert_contains(text, "contains 0000000000000000\n");
    free(text);
    /* WinDbg: an address in the page-table region is taken as a PTE's */
    char *by_va = run(&f, STATUS_SUCCESS, "!pte %llx", (unsigned long long)f.base);
    text = run(&f, STATUS_SUCCESS, "!pte C0000080");
    assert_string_equal(text, by_va);
    free(text);
    free(by_va);
    text = run(&f, STATUS_SUCCESS, "!vtop 0 %llx", (unsigned long long)f.base + 4);
    snprintf(expected, sizeof expected, "translates to physical address %llx.",
             (unsigned long long)walk.physical + 4);
    assert_contains(text, expected);
    free(text);
    fixture_free(&f);
}

/* !vtop takes the PFN of a DirBase, as WinDbg's documentation shows it,
 * as well as the DirBase !process prints. */
static void test_vtop_pfn(void **state)
{
    (void)state;
    struct fixture f;
    fixture_boot(&f, NTMM_ARCH_X64, false);
    uint32_t value = 1;
    assert_int_equal(ntmm_write(f.process, f.base, &value, 4), STATUS_SUCCESS);
    struct ntmm_process_info info;
    ntmm_process_info(f.process, &info);
    char *by_dirbase = run(&f, STATUS_SUCCESS, "!vtop %llx %llx",
                           (unsigned long long)info.directory_table_base, (unsigned long long)f.base);
    assert_contains(by_dirbase, "translates to physical address");
    char *by_pfn = run(&f, STATUS_SUCCESS, "!vtop %llx %llx",
                       (unsigned long long)info.directory_table_base >> 12, (unsigned long long)f.base);
    assert_string_equal(by_pfn, by_dirbase);
    free(by_pfn);
    free(by_dirbase);
    char *text = run(&f, STATUS_INVALID_PARAMETER, "!vtop 7fff %llx", (unsigned long long)f.base);
    assert_contains(text, "neither the DirBase of a process nor its PFN");
    free(text);
    fixture_free(&f);
}

static void test_pfn(void **state)
{
    (void)state;
    struct fixture f;
    fixture_boot(&f, NTMM_ARCH_X86_PAE, true);
    struct ntmm_walk walk;
    ntmm_pte_walk(f.machine, f.process, f.base, &walk);
    uint64_t pfn = walk.physical >> 12;
    char *text = run(&f, STATUS_SUCCESS, "!pfn %llx", (unsigned long long)pfn);
    assert_contains(text, "blink / share count 00000001  pteaddress C0000080");
    assert_contains(text, "Active");
    assert_contains(text, "reference count 0001");
    free(text);
    text = run(&f, STATUS_SUCCESS, "!pfn 0n%llu", (unsigned long long)pfn); /* decimal */
    free(text);
    fixture_free(&f);
}

/* E8: dd of the zeroed list head shows what ntmm_list_query reads. */
static void test_dd_list_head(void **state)
{
    (void)state;
    struct fixture f;
    fixture_boot(&f, NTMM_ARCH_X86_PAE, true);
    struct ntmm_list_info list;
    ntmm_list_query(f.machine, NTMM_ZEROED, &list);
    char expected[96];
    snprintf(expected, sizeof expected, "%08llx  %08llx %08x %08llx %08llx\n",
             (unsigned long long)list.address, (unsigned long long)list.total, list.list_name,
             (unsigned long long)list.flink, (unsigned long long)list.blink);
    char *text = run(&f, STATUS_SUCCESS, "dd nt!MmZeroedPageListHead L4");
    assert_string_equal(text, expected);
    free(text);
    text = run(&f, STATUS_SUCCESS, "db %llx L4", (unsigned long long)f.base);
    assert_string_equal(text, "00010000  78 56 34 12                                      xV4.\n");
    free(text);
    text = run(&f, STATUS_SUCCESS, "dq %llx L1", (unsigned long long)f.base);
    assert_string_equal(text, "00010000  00000000`12345678\n");
    free(text);
    text = run(&f, STATUS_SUCCESS, "dd 20000 L2");
    assert_string_equal(text, "00020000  ???????? ????????\n");
    free(text);
    struct ntmm_walk walk;
    ntmm_pte_walk(f.machine, f.process, f.base, &walk);
    text = run(&f, STATUS_SUCCESS, "!dd %llx L1", (unsigned long long)walk.physical);
    assert_contains(text, " 12345678\n");
    free(text);
    fixture_free(&f);
}

static void test_edit(void **state)
{
    (void)state;
    struct fixture f;
    fixture_boot(&f, NTMM_ARCH_X86_PAE, true);
    free(run(&f, STATUS_SUCCESS, "ed %llx cafebabe 0n16", (unsigned long long)f.base));
    uint32_t values[2];
    assert_int_equal(ntmm_read(f.process, f.base, values, 8), STATUS_SUCCESS);
    assert_int_equal(values[0], 0xcafebabe);
    assert_int_equal(values[1], 16);
    free(run(&f, STATUS_SUCCESS, "eb %llx 1 2", (unsigned long long)f.base));
    assert_int_equal(ntmm_read(f.process, f.base, values, 4), STATUS_SUCCESS);
    assert_int_equal(values[0], 0xcafe0201);
    test_verify(f.machine);
    fixture_free(&f);
}

static void test_dt(void **state)
{
    (void)state;
    static const struct {
        enum ntmm_arch arch;
        const char *original_pte, *u4, *blink;
    } cases[] = {
        { NTMM_ARCH_X86, "+0x010 OriginalPte", "+0x014 u4", "+0x00c Blink" },
        { NTMM_ARCH_X86_PAE, "+0x010 OriginalPte", "+0x018 u4", "+0x00c Blink" },
        { NTMM_ARCH_X64, "+0x020 OriginalPte", "+0x028 u4", "+0x018 Blink" },
    };
    for (size_t i = 0; i < 3; i++) {
        struct fixture f;
        fixture_boot(&f, cases[i].arch, true);
        char *text = run(&f, STATUS_SUCCESS, "dt _MMPFN");
        assert_contains(text, "nt!_MMPFN\n   +0x000 u1 ");
        assert_contains(text, cases[i].original_pte);
        assert_contains(text, cases[i].u4);
        free(text);
        text = run(&f, STATUS_SUCCESS, "dt _MMPFNLIST");
        assert_contains(text, cases[i].blink);
        free(text);
        text = run(&f, STATUS_SUCCESS, "dt _MMPFNENTRY");
        assert_contains(text, "   +0x000 PageLocation     : Pos 8, 3 Bits\n");
        assert_contains(text, "   +0x000 DontUse          : Pos 16, 16 Bits\n");
        free(text);
        text = run(&f, STATUS_SUCCESS, "dt nt!_MMPFNLIST MmZeroedPageListHead");
        assert_contains(text, "+0x000 Total            : 0x");
        free(text);
        /* a field selected after the address, or alone; -v's summary line */
        text = run(&f, STATUS_SUCCESS, "dt nt!_MMPFNLIST MmZeroedPageListHead Flink");
        assert_contains(text, " Flink            : 0x");
        assert_null(strstr(text, "Total"));
        free(text);
        text = run(&f, STATUS_SUCCESS, "dt _MMPFN PteAddress");
        assert_null(strstr(text, "u1"));
        assert_contains(text, " PteAddress       : ");
        free(text);
        text = run(&f, STATUS_SUCCESS, "dt -v _MMPFNLIST");
        assert_contains(text, "nt!_MMPFNLIST\nstruct _MMPFNLIST, 4 elements, 0x");
        free(text);
        text = run(&f, STATUS_OBJECT_NAME_NOT_FOUND, "dt _FOO");
        assert_string_equal(text, "Symbol _FOO not found\n");
        free(text);
        fixture_free(&f);
    }
}

static void check_value(struct fixture *f, const char *expression, uint64_t expected)
{
    uint64_t value = 0;
    char error[128];
    if (!tools_evaluate(&f->context, expression, &value, error, sizeof error))
        fail_msg("'%s': %s", expression, error);
    if (value != expected)
        fail_msg("'%s' = %llx, expected %llx", expression, (unsigned long long)value,
                 (unsigned long long)expected);
}

static void check_error(struct fixture *f, const char *expression, const char *message)
{
    uint64_t value = 0;
    char error[128];
    assert_false(tools_evaluate(&f->context, expression, &value, error, sizeof error));
    assert_string_equal(error, message);
}

static void test_expressions(void **state)
{
    (void)state;
    struct fixture f;
    fixture_boot(&f, NTMM_ARCH_X86_PAE, true);
    struct ntmm_machine_info info;
    ntmm_machine_info(f.machine, &info);
    struct ntmm_symbol database;
    ntmm_symbol_lookup(f.machine, "MmPfnDatabase", &database);
    check_value(&f, "390000", 0x390000);
    check_value(&f, "0x390000", 0x390000);
    check_value(&f, "fffff680`00001c80", 0xfffff68000001c80ull);
    check_value(&f, "0n123", 123);
    check_value(&f, "0y101", 5);
    check_value(&f, "MmPfnDatabase", database.address);
    check_value(&f, "nt!MmPfnDatabase", database.address);
    check_value(&f, "poi(MmPfnDatabase)", info.pfn_database);
    check_value(&f, "poi(MmPfnDatabase) + 0x1c * 5", info.pfn_database + 0x1c * 5);
    check_value(&f, "(1 + 2) * 3", 9);
    check_value(&f, "10 / 4 - 1", 3);
    check_value(&f, "-1", ~0ull);
    check_value(&f, "-(2)*-(3)", 6);
    check_value(&f, "poi(10000)", 0x12345678);
    check_error(&f, "MmFoo + 1", "Couldn't resolve error at 'MmFoo'");
    check_error(&f, "(1 + 2", "Syntax error at ''");
    check_error(&f, "1 +", "Syntax error at ''");
    check_error(&f, "12g", "Syntax error at '12g'");
    check_error(&f, "1 2", "Syntax error at '2'");
    check_error(&f, "4 / 0", "Divide by zero error at '/ 0'");
    check_error(&f, "poi(20000)", "Memory access error at ')'");
    fixture_free(&f);
}

static void test_symbols_verify_help(void **state)
{
    (void)state;
    struct fixture f;
    fixture_boot(&f, NTMM_ARCH_X86_PAE, true);
    char *text = run(&f, STATUS_SUCCESS, "x nt!Mm*");
    unsigned lines = 0;
    for (const char *p = text; (p = strchr(p, '\n')); p++)
        lines++;
    assert_int_equal(lines, 17);
    assert_contains(text, "80401000          nt!MmPfnDatabase = 0x81000000 <Ptr32 _MMPFN>\n");
    /* the RAM available after boot (7600 pages) and the default pagefile's
     * maximum, 1536 MB, less its slot 0 */
    assert_contains(text, "804010a8          nt!MmTotalCommitLimitMaximum = 0x61daf <Uint4B>\n");
    free(text);
    text = run(&f, STATUS_SUCCESS, "x nt!Mm*PageListHead");
    assert_contains(text, "nt!MmZeroedPageListHead <_MMPFNLIST>");
    free(text);
    text = run(&f, STATUS_SUCCESS, "!verify");
    assert_string_equal(text, "!verify: ok (every invariant holds)\n");
    free(text);
    text = run(&f, STATUS_SUCCESS, "help");
    assert_contains(text, "Debugger commands:\n  !pte ");
    free(text);
    text = run(&f, STATUS_SUCCESS, "help !pte");
    assert_contains(text, "!pte VA | !pte PteAddress\n");
    free(text);
    text = run(&f, STATUS_OBJECT_NAME_NOT_FOUND, "!foo 1");
    assert_string_equal(text, "Unknown command '!foo'\n");
    free(text);
    assert_true(tools_is_command("!vad"));
    assert_true(tools_is_command("  dd 1000"));
    assert_true(tools_is_command("vmmap"));
    assert_false(tools_is_command("print(1)"));
    assert_false(tools_is_command("ddd"));
    fixture_free(&f);
}

static void test_counters(void **state)
{
    (void)state;
    struct fixture f;
    fixture_boot(&f, NTMM_ARCH_X86_PAE, true);
    char *text = run(&f, STATUS_SUCCESS, "!vm");
    assert_contains(text, "\tPhysical Memory:          8192 (     32768 Kb)\n");
    assert_contains(text, "\t0008 process.exe              2 (         8 Kb)\n");
    free(text);
    uint64_t counts[8];
    ntmm_memusage(f.machine, counts);
    char expected[64];
    snprintf(expected, sizeof expected, "             Zeroed: %6llu",
             (unsigned long long)counts[NTMM_ZEROED]);
    text = run(&f, STATUS_SUCCESS, "!memusage");
    assert_contains(text, expected);
    assert_contains(text, "              TOTAL:   8192 (   32768 kb)\n");
    assert_false(strstr(text, "differs"));
    free(text);
    text = run(&f, STATUS_SUCCESS, "rammap");
    assert_contains(text, "32,768 K\n"); /* the Total row: all of RAM */
    assert_contains(text, "Process Private");
    free(text);
    fixture_free(&f);
}

static void test_address_vmmap(void **state)
{
    (void)state;
    struct fixture f;
    fixture_boot(&f, NTMM_ARCH_X86_PAE, true);
    char *text = run(&f, STATUS_SUCCESS, "!address");
    assert_contains(text, "+ 00010000 00012000 00002000 MEM_PRIVATE MEM_COMMIT  PAGE_READWRITE");
    free(text);
    text = run(&f, STATUS_SUCCESS, "!address 10fff");
    assert_contains(text, "Region Size:            00002000\n");
    free(text);
    text = run(&f, STATUS_SUCCESS, "!address -summary");
    assert_contains(text, "--- Largest Region by Usage");
    free(text);
    /* Private Data: the 8 K allocation plus KUSER_SHARED_DATA's committed,
     * uncharged page (Committed 12 K, Private 8 K); Largest free block. */
    text = run(&f, STATUS_SUCCESS, "vmmap");
    assert_contains(text, "Private Data          72 K         12 K          8 K");
    assert_contains(text, "Free           2,096,960 K");
    assert_contains(text, "2  2,096,896 K\n");
    assert_contains(text, "00010000 Private Data            8 K           8 K           4 K           4 K           "
                          "0 K           0 K  PAGE_READWRITE\n");
    free(text);
    assert_ptr_equal(ntmm_current_process(), f.process);
    fixture_free(&f);
}

static void test_process(void **state)
{
    (void)state;
    struct fixture f;
    fixture_boot(&f, NTMM_ARCH_X86_PAE, true);
    struct ntmm_process *second;
    struct ntmm_process_options options = { .image_name = "notepad.exe" };
    assert_int_equal(ntmm_process_create(f.machine, &options, &second), STATUS_SUCCESS);
    char *text = run(&f, STATUS_SUCCESS, "!process 0 0");
    assert_contains(text, "Image: System\n");
    assert_contains(text, "Cid: 0008");
    assert_contains(text, "Image: notepad.exe\n");
    free(text);
    text = run(&f, STATUS_SUCCESS, "!process");
    assert_contains(text, "Image: process.exe\n");
    assert_contains(text, "Vads 2");
    /* WinDbg's fields, agreeing with what the Win32 calls report */
    PROCESS_MEMORY_COUNTERS pmc;
    assert_true(GetProcessMemoryInfo(GetCurrentProcess(), &pmc, sizeof pmc));
    SIZE_T minimum, maximum;
    assert_true(GetProcessWorkingSetSize(GetCurrentProcess(), &minimum, &maximum));
    char line[160];
    snprintf(line, sizeof line, "    Working Set Sizes (now,min,max)  (%zu, %zu, %zu) (%zuKB, %zuKB, %zuKB)\n",
             (size_t)pmc.WorkingSetSize / 4096, (size_t)minimum / 4096, (size_t)maximum / 4096,
             (size_t)pmc.WorkingSetSize / 1024, (size_t)minimum / 1024, (size_t)maximum / 1024);
    assert_contains(text, line);
    snprintf(line, sizeof line, "    PeakWorkingSetSize                %zu\n",
             (size_t)pmc.PeakWorkingSetSize / 4096);
    assert_contains(text, line);
    snprintf(line, sizeof line, "    PageFaultCount                    %lu\n",
             (unsigned long)pmc.PageFaultCount);
    assert_contains(text, line);
    assert_contains(text, "    PeakVirtualSize                   ");
    free(text);
    text = run(&f, STATUS_SUCCESS, ".process c");
    assert_contains(text, "Implicit process is now ");
    free(text);
    assert_ptr_equal(f.context.process, second);
    assert_ptr_equal(ntmm_current_process(), second);
    text = run(&f, STATUS_SUCCESS, "!vad");
    assert_contains(text, "Total VADs:     1");
    free(text);
    fixture_free(&f);
}

/* E4, E5, E7: !ca lists and shows the control areas; !vad names them. */
static void test_control_areas(void **state)
{
    (void)state;
    struct fixture f;
    uint64_t v[3];
    fixture_boot(&f, NTMM_ARCH_X86_PAE, true);
    fixture_views(&f, v);
    char *text = run(&f, STATUS_SUCCESS, "!ca");
    assert_contains(text, "ControlArea Segment  SectionRef PfnRef MappedViews Flags         Name\n");
    assert_contains(text, "86000000    86000040          1      1           1 Commit        "
                          "Pagefile-backed section\n");
    assert_contains(text, "86001000    86001040          1      1           2 File          "
                          "File: \\data.bin\n");
    assert_contains(text, "\n2 control areas\n");
    free(text);
    struct ntmm_control_area_info ca;
    assert_true(ntmm_control_area_at(f.machine, 1, &ca));
    assert_int_equal(ca.address, 0x86001000);
    assert_int_equal(ca.total_ptes, 3);
    assert_int_equal(ca.segment_size, 0x3000);
    assert_true(ca.file && !ca.image && !ca.reserve);
    assert_string_equal(ca.file_name, "C:\\data.bin");
    assert_false(ntmm_control_area_at(f.machine, 2, &ca));
    struct ntmm_vad_info vad;
    assert_int_equal(ntmm_vad_query(f.process, v[2] + 0x1fff, &vad), STATUS_SUCCESS);
    assert_int_equal(vad.starting_vpn, v[2] >> 12);
    assert_int_equal(vad.control_area, 0x86001000);
    assert_int_equal(vad.first_proto_pte, 0xe1001000);
    assert_int_equal(vad.last_proto_pte, 0xe1001010);
    assert_true(vad.file_backed && !vad.private_memory && !vad.image_map);
    assert_int_equal(ntmm_vad_query(f.process, f.base, &vad), STATUS_SUCCESS);
    assert_true(vad.private_memory && vad.control_area == 0 && vad.file_name == NULL);
    assert_int_equal(ntmm_vad_query(f.process, 0x50000000, &vad), STATUS_INVALID_ADDRESS);
    text = run(&f, STATUS_SUCCESS, "!ca 86001000");
    assert_contains(text, "ControlArea  @ 86001000\n");
    assert_contains(text, "  Segment      86001040  Flink      00000000  Blink        00000000\n");
    assert_contains(text, "  Section Ref         1  Pfn Ref           1  Mapped Views        2\n");
    assert_contains(text, "  User Ref            3  WaitForDel        0  Flush Count         0\n");
    assert_contains(text, "  File Object  86001020  ModWriteCount     0  System Views        0\n");
    assert_contains(text, "  Flags (80) File\n\n      File: \\data.bin\n");
    assert_contains(text, "\nSegment @ 86001040\n");
    assert_contains(text, "  Total Ptes          3  Segment Size     3000  Committed        0\n");
    assert_contains(text, "\nSubsection 1 @ 86001080\n");
    assert_contains(text, "  ControlArea  86001000  Starting Sector        0  Number Of Sectors       18\n");
    assert_contains(text, "  Base Pte     e1001000  Ptes In Subsect        3  Unused Ptes              0\n");
    assert_contains(text, "  Flags              62  Sector Offset          0  Protection               6\n");
    free(text);
    /* the same control area by its segment, a subsection, a prototype PTE;
     * flag 1: the segment only */
    free(run(&f, STATUS_SUCCESS, "!ca 86001040"));
    free(run(&f, STATUS_SUCCESS, "!controlarea 86001080"));
    text = run(&f, STATUS_SUCCESS, "!ca e1001008 1");
    assert_contains(text, "ControlArea  @ 86001000\n");
    assert_contains(text, "Segment @ 86001040\n");
    assert_null(strstr(text, "Subsection"));
    free(text);
    text = run(&f, STATUS_SUCCESS, "!ca 86000000 2");
    assert_contains(text, "  Flags (2000) Commit\n\n      Pagefile-backed section\n");
    assert_contains(text, "  Base Pte     e1000000  Ptes In Subsect        1");
    assert_null(strstr(text, "Segment @"));
    free(text);
    /* !vad: the views' lines and the detail of the copy-on-write one */
    text = run(&f, STATUS_SUCCESS, "!vad");
    assert_contains(text, "        20       20         0 Mapped       READWRITE          "
                          "Pagefile section, shared commit 0x1\n");
    assert_contains(text, "        30       32         0 Mapped       READWRITE          \\data.bin\n");
    assert_contains(text, "        40       42         3 Mapped       WRITECOPY          \\data.bin\n");
    free(text);
    text = run(&f, STATUS_SUCCESS, "!vad 41000 1");
    assert_contains(text, "Control Area:  86001000\n");
    assert_contains(text, "  First ProtoPte: e1001000  Last PTE e1001010  Commit Charge         3 (3.)\n");
    assert_contains(text, "  File offset   0  \\data.bin\n");
    assert_contains(text, "  Level 1  Mapped WRITECOPY (Protection 5)\n");
    free(text);
    test_verify(f.machine);
    fixture_free(&f);
}

/* !pte and !pfn of views: a prototype PTE with the prototype PTE's own
 * contents, a shared frame, a private copy. */
static void test_pte_pfn_views(void **state)
{
    (void)state;
    struct fixture f;
    uint64_t v[3];
    fixture_boot(&f, NTMM_ARCH_X86_PAE, true);
    fixture_views(&f, v);
    /* the untouched file view: a prototype PTE whose prototype PTE is a
     * subsection PTE */
    char *text = run(&f, STATUS_SUCCESS, "!pte %llx", (unsigned long long)v[1] + 0x1000);
    assert_contains(text, "not valid\n Proto: E1001008\n ProtoPte at E1001008 contains 86001080");
    assert_contains(text, " Subsection: 86001080\n Protect: 6 - ExecuteReadWrite\n");
    free(text);
    /* the written pagefile-backed page: valid, its frame the section's */
    struct ntmm_walk walk;
    assert_int_equal(ntmm_pte_walk(f.machine, f.process, v[0], &walk), STATUS_SUCCESS);
    uint64_t shared = walk.physical >> 12;
    char expected[96];
    snprintf(expected, sizeof expected, " ProtoPte: E1000000 (the frame is shared: !pfn %llx)\n",
             (unsigned long long)shared);
    text = run(&f, STATUS_SUCCESS, "!pte %llx", (unsigned long long)v[0]);
    assert_contains(text, expected);
    free(text);
    text = run(&f, STATUS_SUCCESS, "!pfn %llx", (unsigned long long)shared);
    assert_contains(text, "blink / share count 00000001  pteaddress E1000000\n");
    assert_contains(text, "Active     MP\n    Modified Shared\n");
    free(text);
    /* the copy: a private frame, PteAddress the process's own PTE */
    assert_int_equal(ntmm_pte_walk(f.machine, f.process, v[2], &walk), STATUS_SUCCESS);
    text = run(&f, STATUS_SUCCESS, "!pte %llx", (unsigned long long)v[2]);
    assert_null(strstr(text, "ProtoPte"));
    assert_contains(text, "---DA--UW-V");
    free(text);
    text = run(&f, STATUS_SUCCESS, "!pfn %llx", (unsigned long long)(walk.physical >> 12));
    assert_contains(text, "pteaddress C0000200\n");
    assert_contains(text, "restore pte 00000080");
    assert_null(strstr(text, "Shared"));
    free(text);
    fixture_free(&f);
}

/* vmmap's Image / Mapped File / Shareable rows, !address's usage and type,
 * lm. */
static void test_views_vmmap_address_lm(void **state)
{
    (void)state;
    struct fixture f;
    uint64_t v[3];
    fixture_boot(&f, NTMM_ARCH_X86_PAE, true);
    fixture_views(&f, v);
    char *text = run(&f, STATUS_SUCCESS, "vmmap");
    /* one resident page in a 4 K Shareable view */
    assert_contains(text, "Shareable              4 K          4 K          0 K          4 K          "
                          "0 K          4 K          0 K          0 K       1          4 K\n");
    /* two 12 K file views; the copy's written page is Private */
    assert_contains(text, "Mapped File           24 K         24 K          4 K          4 K          "
                          "4 K          0 K          0 K          0 K       2         12 K\n");
    assert_contains(text, "Image                  0 K");
    assert_contains(text, "00030000 Mapped File            12 K          12 K           0 K           0 K           "
                          "0 K           0 K  PAGE_READWRITE  \\data.bin\n");
    assert_contains(text, "00040000 Mapped File             4 K           4 K           4 K           4 K           "
                          "0 K           0 K  PAGE_READWRITE  \\data.bin\n");
    assert_contains(text, "00041000 Mapped File             8 K           8 K           0 K           0 K           "
                          "0 K           0 K  PAGE_WRITECOPY  \\data.bin\n");
    assert_contains(text, "00020000 Shareable               4 K           4 K           4 K           0 K           "
                          "4 K           0 K  PAGE_READWRITE\n");
    free(text);
    text = run(&f, STATUS_SUCCESS, "!address");
    assert_contains(text, "+ 00020000 00021000 00001000 MEM_MAPPED  MEM_COMMIT  PAGE_READWRITE         "
                          "MappedFile \"PageFile\"\n");
    assert_contains(text, "+ 00041000 00043000 00002000 MEM_MAPPED  MEM_COMMIT  PAGE_WRITECOPY         "
                          "MappedFile \"\\data.bin\"\n");
    free(text);
    text = run(&f, STATUS_SUCCESS, "!address 30000");
    assert_contains(text, "Usage:                  MappedFile\n");
    assert_contains(text, "Type:                   00040000          MEM_MAPPED\n");
    assert_contains(text, "Mapped file name:       \\data.bin\n");
    free(text);
    text = run(&f, STATUS_SUCCESS, "!address -summary");
    assert_contains(text, "\nMappedFile                              4 ");
    assert_contains(text, "--- Type Summary (for busy) ------ RgnCount");
    assert_contains(text, "\nMEM_MAPPED                              4 00000000`00007000");
    assert_contains(text, "\nMEM_PRIVATE ");
    free(text);
    /* !memusage's Usage Summary and RAMMap's rows: the pagefile-backed
     * page is Active, the file page the copy-on-write fault read went to
     * standby when the copy replaced it; two pool pages of prototype PTEs */
    text = run(&f, STATUS_SUCCESS, "!memusage");
    assert_contains(text, "\n  Usage Summary (in Kb):\n"
                          "Control   Valid Standby Dirty Shared Locked PageTables  name\n"
                          "86000000      4       0     0      0      0          0  Pagefile-backed section\n"
                          "86001000      0       4     0      0      0          0  mapped_file( data.bin )\n");
    free(text);
    text = run(&f, STATUS_SUCCESS, "rammap");
    assert_contains(text, "\nMapped File                    0 K               4 K               0 K");
    assert_contains(text, "\nShareable                      4 K               0 K               0 K");
    assert_contains(text, "\nPaged Pool                     8 K               0 K               0 K");
    assert_contains(text, "\nTotal                     ");
    free(text);
    /* lm: no image is mapped; the kernel */
    text = run(&f, STATUS_SUCCESS, "lm");
    assert_string_equal(text, "start    end        module name\n"
                              "80400000 80600000   nt         (ntmm symbols)\n");
    free(text);
    struct ntmm_module_info module;
    assert_false(ntmm_module_at(f.process, 0, &module));
    fixture_free(&f);
    fixture_boot(&f, NTMM_ARCH_X64, false);
    text = run(&f, STATUS_SUCCESS, "lm v");
    assert_string_equal(text, "start             end                 module name\n"
                              "fffff800`02800000 fffff800`02a00000   nt         (ntmm symbols)\n"
                              "    Image path: \\SystemRoot\\system32\\ntoskrnl.exe\n");
    free(text);
    fixture_free(&f);
}

/* Loads $NTMM_PE_DIR/name (make check builds it with tests/pe/build.sh)
 * into the fixture's process: written to C: with WriteFile, then
 * LoadLibrary. False (the test skips) without make check's PE fixtures. */
static bool fixture_load_dll(struct fixture *f, const char *name, HMODULE *module)
{
    const char *dir = getenv("NTMM_PE_DIR");
    if (!dir)
        return false; /* run by hand without make check's PE fixtures */
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *host = fopen(path, "rb");
    assert_non_null(host);
    static uint8_t bytes[1 << 16];
    size_t size = fread(bytes, 1, sizeof bytes, host);
    fclose(host);
    assert_true(size > 0 && size < sizeof bytes);
    uint64_t buffer = (uintptr_t)VirtualAlloc(NULL, sizeof bytes, MEM_COMMIT, PAGE_READWRITE);
    assert_int_equal(ntmm_write(f->process, buffer, bytes, size), STATUS_SUCCESS);
    snprintf(path, sizeof path, "C:\\%s", name);
    HANDLE file = CreateFileA(path, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, 0, NULL);
    assert_true(file != INVALID_HANDLE_VALUE);
    assert_true(WriteFile(file, (LPCVOID)(uintptr_t)buffer, (DWORD)size, NULL, NULL));
    assert_true(CloseHandle(file));
    assert_true(VirtualFree((LPVOID)(uintptr_t)buffer, 0, MEM_RELEASE));
    *module = LoadLibraryA(path);
    assert_non_null(*module);
    return true;
}

/* lm, !vad, !ca, !address and vmmap on an image: dll32.dll loaded with
 * LoadLibrary. */
static void test_image_lm(void **state)
{
    (void)state;
    struct fixture f;
    fixture_boot(&f, NTMM_ARCH_X86_PAE, false);
    HMODULE module;
    if (!fixture_load_dll(&f, "dll32.dll", &module)) {
        fixture_free(&f);
        skip();
    }
    struct ntmm_module_info info;
    assert_true(ntmm_module_at(f.process, 0, &info));
    assert_false(ntmm_module_at(f.process, 1, &info));
    assert_int_equal(info.base, (uintptr_t)module);
    assert_string_equal(info.file_name, "C:\\dll32.dll");
    char expected[160];
    snprintf(expected, sizeof expected,
             "start    end        module name\n"
             "%08llx %08llx   dll32      (deferred)\n"
             "80400000 80600000   nt         (ntmm symbols)\n",
             (unsigned long long)info.base, (unsigned long long)info.end);
    char *text = run(&f, STATUS_SUCCESS, "lm");
    assert_string_equal(text, expected);
    free(text);
    text = run(&f, STATUS_SUCCESS, "lm v");
    assert_contains(text, "   dll32      (deferred)\n    Image path: \\dll32.dll\n");
    free(text);
    text = run(&f, STATUS_SUCCESS, "!vad");
    assert_contains(text, " Mapped  Exe  EXECUTE_WRITECOPY  \\dll32.dll\n");
    free(text);
    text = run(&f, STATUS_SUCCESS, "!address %llx", (unsigned long long)info.base);
    assert_contains(text, "Usage:                  Image\n");
    assert_contains(text, "Type:                   01000000          MEM_IMAGE\n");
    assert_contains(text, "Image Path:             \\dll32.dll\nModule Name:            dll32\n");
    free(text);
    text = run(&f, STATUS_SUCCESS, "!address");
    assert_contains(text, " MEM_IMAGE   MEM_COMMIT  PAGE_EXECUTE_READ      Image [dll32; \"\\dll32.dll\"]\n");
    free(text);
    text = run(&f, STATUS_SUCCESS, "vmmap");
    assert_contains(text, "\nImage                 20 K         20 K          0 K");
    free(text);
    struct ntmm_control_area_info ca;
    assert_true(ntmm_control_area_at(f.machine, 0, &ca));
    assert_true(ca.image && ca.file);
    assert_int_equal(ca.based_address, info.base);
    text = run(&f, STATUS_SUCCESS, "!ca %llx", (unsigned long long)ca.address);
    assert_contains(text, "  Flags (a0) Image File\n");
    assert_contains(text, "  Image Base   10000000  Based Addr ");
    assert_contains(text, "  ReadOnly CopyOnWrite\n"); /* .data */
    free(text);
    assert_true(FreeLibrary(module));
    text = run(&f, STATUS_SUCCESS, "lm");
    assert_string_equal(text, "start    end        module name\n"
                              "80400000 80600000   nt         (ntmm symbols)\n");
    free(text);
    test_verify(f.machine);
    fixture_free(&f);
}

/* The headers !dh checks, in a private copy of an image's first page:
 * each corruption gives one line and its status. */
static void dh_malformed(struct fixture *f, uint64_t module)
{
    uint8_t page[0x1000];
    assert_int_equal(ntmm_image_read(f->process, module, page, sizeof page), STATUS_SUCCESS);
    uint64_t copy = (uintptr_t)VirtualAlloc(NULL, 0x1000, MEM_COMMIT, PAGE_READWRITE);
    uint32_t nt = page[0x3c] | page[0x3d] << 8;
    static const struct {
        uint32_t offset; /* from the NT headers, or from 0 when e_lfanew */
        bool dos;
        uint16_t value;
        NTSTATUS status;
    } cases[] = {
        { 0, true, 0x5a58, STATUS_INVALID_IMAGE_NOT_MZ },    /* "XZ" */
        { 0x3c, true, 0xf00, STATUS_INVALID_IMAGE_FORMAT },  /* e_lfanew to zeros */
        { 0, false, 0x4550 + 1, STATUS_INVALID_IMAGE_FORMAT }, /* "QE" */
        { 24, false, 0x10c, STATUS_INVALID_IMAGE_FORMAT },   /* magic */
        { 20, false, 0x40, STATUS_INVALID_IMAGE_FORMAT },    /* SizeOfOptionalHeader */
        { 6, false, 0x61, STATUS_INVALID_IMAGE_FORMAT },     /* 97 sections */
        { 6, false, 0x60, STATUS_INVALID_IMAGE_FORMAT },     /* 96: past the page */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        uint8_t bad[0x1000];
        memcpy(bad, page, sizeof bad);
        uint32_t at = cases[i].offset + (cases[i].dos ? 0 : nt);
        bad[at] = (uint8_t)cases[i].value;
        bad[at + 1] = (uint8_t)(cases[i].value >> 8);
        assert_int_equal(ntmm_write(f->process, copy, bad, sizeof bad), STATUS_SUCCESS);
        char *text = run(f, cases[i].status, "!dh %llx", (unsigned long long)copy);
        if (strchr(text, '\n') != text + strlen(text) - 1 || strncmp(text, "!dh: ", 5))
            fail_msg("case %zu printed not one line:\n%s", i, text);
        free(text);
    }
    /* The intact copy is an image to !dh: the same headers. */
    assert_int_equal(ntmm_write(f->process, copy, page, sizeof page), STATUS_SUCCESS);
    char *text = run(f, STATUS_SUCCESS, "!dh %llx", (unsigned long long)copy);
    char *image = run(f, STATUS_SUCCESS, "!dh %llx", (unsigned long long)module);
    assert_string_equal(text, image);
    free(text);
    free(image);
    assert_true(VirtualFree((LPVOID)(uintptr_t)copy, 0, MEM_RELEASE));
}

/* !dh on dll32.dll (PE32) and dll64.dll (PE32+): WinDbg's lines, from
 * memory the command does not fault in; -f and -s; a module name, the file
 * name or any address in the image; malformed headers and memory without
 * an image: one line and the status. */
static void test_image_dh(void **state)
{
    (void)state;
    struct fixture f;
    fixture_boot(&f, NTMM_ARCH_X86_PAE, false);
    HMODULE module;
    if (!fixture_load_dll(&f, "dll32.dll", &module)) {
        fixture_free(&f);
        skip();
    }
    uint64_t base = (uintptr_t)module;
    struct ntmm_walk walk;
    struct ntmm_process_info before, after;
    struct ntmm_tlb_stats tlb_before, tlb_after;
    uint64_t counts_before[8], counts_after[8];
    ntmm_process_info(f.process, &before);
    ntmm_tlb_stats(f.machine, &tlb_before);
    ntmm_memusage(f.machine, counts_before);
    char *text = run(&f, STATUS_SUCCESS, "!dh dll32");
    assert_contains(text, "\nFile Type: DLL\nFILE HEADER VALUES\n     14C machine (i386)\n"
                          "       4 number of sections\n");
    assert_contains(text, "    2102 characteristics\n            Executable\n"
                          "            32 bit word machine\n            DLL\n\n"
                          "OPTIONAL HEADER VALUES\n     10B magic #\n");
    assert_contains(text, "    1000 base of code\n         ----- new -----\n");
    assert_contains(text, " image base\n    1000 section alignment\n     200 file alignment\n"
                          "       2 subsystem (Windows GUI)\n");
    assert_contains(text, "    5000 size of image\n     400 size of headers\n");
    assert_contains(text, "00100000 size of stack reserve\n00001000 size of stack commit\n");
    assert_contains(text, "     540  DLL characteristics\n            Dynamic base\n"
                          "            NX compatible\n            No structured exception handler\n");
    assert_contains(text, "address [size] of Export Directory\n");
    assert_contains(text, "       0 [       0] address [size] of Reserved Directory\n\n\n"
                          "SECTION HEADER #1\n   .text name\n");
    assert_contains(text, "60000020 flags\n         Code\n         (no align specified)\n"
                          "         Execute Read\n");
    assert_contains(text, "C0000040 flags\n         Initialized Data\n         (no align specified)\n"
                          "         Read Write\n");
    assert_contains(text, "42000040 flags\n         Initialized Data\n         Discardable\n"
                          "         (no align specified)\n         Read Only\n");
    /* Read without a fault: the header page is still not valid, nothing moved. */
    ntmm_process_info(f.process, &after);
    ntmm_tlb_stats(f.machine, &tlb_after);
    assert_int_equal(ntmm_pte_walk(f.machine, f.process, base, &walk), STATUS_SUCCESS);
    assert_false(walk.translated);
    ntmm_memusage(f.machine, counts_after);
    assert_int_equal(before.working_set_pages, after.working_set_pages);
    assert_int_equal(before.commit_charge, after.commit_charge);
    assert_int_equal(tlb_before.hits, tlb_after.hits);
    assert_int_equal(tlb_before.misses, tlb_after.misses);
    assert_int_equal(tlb_before.flushes, tlb_after.flushes);
    assert_memory_equal(counts_before, counts_after, sizeof counts_before);
    /* The file name, an address inside, -a: the same text; -f and -s split it. */
    static const char *const same[] = { "!dh DLL32.dll", "!dh -a %llx", "!dh %llx -a" };
    for (size_t i = 0; i < 3; i++) {
        char *other = run(&f, STATUS_SUCCESS, same[i], (unsigned long long)base + 0x1234);
        assert_string_equal(text, other);
        free(other);
    }
    char *file = run(&f, STATUS_SUCCESS, "!dh -f dll32");
    char *sections = run(&f, STATUS_SUCCESS, "!dh -s dll32");
    assert_int_equal(strlen(file) + strlen(sections), strlen(text));
    assert_memory_equal(file, text, strlen(file));
    assert_string_equal(sections, text + strlen(file));
    free(file);
    free(sections);
    /* Once the process touched its headers: the same bytes, from the frame. */
    uint16_t mz;
    assert_int_equal(ntmm_read(f.process, base, &mz, 2), STATUS_SUCCESS);
    assert_int_equal(ntmm_pte_walk(f.machine, f.process, base, &walk), STATUS_SUCCESS);
    assert_true(walk.translated);
    char *resident = run(&f, STATUS_SUCCESS, "!dh dll32");
    assert_string_equal(text, resident);
    free(resident);
    free(text);
    /* ntmm_image_read's bounds. */
    struct ntmm_module_info info;
    assert_true(ntmm_module_at(f.process, 0, &info));
    uint8_t bytes[16];
    assert_int_equal(ntmm_image_read(f.process, info.end - 8, bytes, 16), STATUS_INVALID_ADDRESS);
    assert_int_equal(ntmm_image_read(f.process, 0x10000, bytes, 1), STATUS_INVALID_ADDRESS);
    assert_int_equal(ntmm_image_read(f.process, info.end - 16, bytes, 16), STATUS_SUCCESS);
    assert_int_equal(ntmm_image_read(NULL, base, bytes, 1), STATUS_INVALID_PARAMETER);
    /* Malformed headers; memory without an image. */
    dh_malformed(&f, base);
    free(run(&f, STATUS_INVALID_IMAGE_NOT_MZ, "!dh nt"));
    free(run(&f, STATUS_ACCESS_VIOLATION, "!dh 0"));
    test_verify(f.machine);
    fixture_free(&f);
    /* PE32+ on x64. */
    fixture_boot(&f, NTMM_ARCH_X64, false);
    assert_true(fixture_load_dll(&f, "dll64.dll", &module));
    text = run(&f, STATUS_SUCCESS, "!dh -f dll64");
    assert_contains(text, "    8664 machine (X64)\n");
    assert_contains(text, "    2022 characteristics\n            Executable\n"
                          "            App can handle >2gb addresses\n            DLL\n");
    assert_contains(text, "     20B magic #\n");
    assert_contains(text, "0000000000100000 size of stack reserve\n");
    assert_contains(text, "            High entropy VA supported\n            Dynamic base\n"
                          "            NX compatible\n");
    free(text);
    test_verify(f.machine);
    fixture_free(&f);
}

/* Every display command on views changes nothing: no TLB counter, PFN,
 * list or process counter moves, the verifier still passes. */
static void test_views_change_nothing(void **state)
{
    (void)state;
    for (enum ntmm_arch arch = NTMM_ARCH_X86; arch <= NTMM_ARCH_X64; arch++) {
        struct fixture f;
        uint64_t v[3];
        fixture_boot(&f, arch, true);
        fixture_views(&f, v);
        struct ntmm_control_area_info pagefile, file;
        struct ntmm_subsection_info subsection;
        assert_true(ntmm_control_area_at(f.machine, 0, &pagefile));
        assert_true(ntmm_control_area_at(f.machine, 1, &file));
        assert_true(ntmm_subsection_at(f.machine, file.address, 0, &subsection));
        char lines[32][64];
        size_t n = 0;
#define LINE(...) snprintf(lines[n++], sizeof lines[0], __VA_ARGS__)
        LINE("!ca");
        LINE("!ca %llx", (unsigned long long)pagefile.address);
        LINE("!ca %llx 3", (unsigned long long)file.address);
        LINE("!controlarea %llx", (unsigned long long)subsection.base_pte);
        LINE("!vad");
        for (int i = 0; i < 3; i++) {
            LINE("!vad %llx 1", (unsigned long long)v[i]);
            LINE("!pte %llx", (unsigned long long)v[i]);
            LINE("!pte %llx", (unsigned long long)v[i] + 0x1000);
            LINE("!address %llx", (unsigned long long)v[i]);
        }
        LINE("!address");
        LINE("!address -summary");
        LINE("vmmap");
        LINE("lm");
        LINE("lm v");
        LINE("rammap");
        LINE("!memusage");
        LINE("dd %llx L8", (unsigned long long)subsection.base_pte);
#undef LINE
        struct ntmm_tlb_stats tlb_before, tlb_after;
        struct ntmm_machine_info info_before, info_after;
        struct ntmm_process_info process_before, process_after;
        uint64_t counts_before[8], counts_after[8];
        ntmm_tlb_stats(f.machine, &tlb_before);
        ntmm_machine_info(f.machine, &info_before);
        ntmm_process_info(f.process, &process_before);
        ntmm_memusage(f.machine, counts_before);
        for (size_t i = 0; i < n; i++) {
            char *first = run(&f, STATUS_SUCCESS, "%s", lines[i]);
            char *second = run(&f, STATUS_SUCCESS, "%s", lines[i]);
            assert_string_equal(first, second);
            free(first);
            free(second);
        }
        ntmm_tlb_stats(f.machine, &tlb_after);
        ntmm_machine_info(f.machine, &info_after);
        ntmm_process_info(f.process, &process_after);
        ntmm_memusage(f.machine, counts_after);
        assert_int_equal(tlb_before.hits, tlb_after.hits);
        assert_int_equal(tlb_before.misses, tlb_after.misses);
        assert_int_equal(tlb_before.flushes, tlb_after.flushes);
        assert_int_equal(tlb_before.invalidations, tlb_after.invalidations);
        assert_int_equal(info_before.available_pages, info_after.available_pages);
        assert_int_equal(process_before.commit_charge, process_after.commit_charge);
        assert_int_equal(process_before.working_set_pages, process_after.working_set_pages);
        assert_int_equal(process_before.virtual_bytes, process_after.virtual_bytes);
        assert_int_equal(process_before.vad_count, process_after.vad_count);
        assert_memory_equal(counts_before, counts_after, sizeof counts_before);
        test_verify(f.machine);
        fixture_free(&f);
    }
}

/* Every command's bad arguments: one line, the status, nothing changed. */
static void test_bad_arguments(void **state)
{
    (void)state;
    static const char *const lines[] = {
        "!pfn 0x99999999", "!pfn", "!pfn MmFoo", "!pte", "!pte (1", "!vtop 1234 10000",
        "!vtop 0", "!vad 10000 2", "!vad 12345678 1", "!vad a b c", "!vm 1", "!memusage x",
        "!address -bogus", "!address 1 2", "!address 90000000", "!process 1 2 3",
        "!process 1", ".process 999", ".process a b", "dt", "dt _MMPFN MmFoo",
        "dd", "dd MmFoo", "dd 10000 L0", "dd 10000 L1000000", "db 10000 Lx", "!dd", "!db L",
        "ed 20000 1", "ed 10000", "eb 10000 100", "ew 10000 MmFoo", "eq", "x", "x a b",
        "vmmap 1", "rammap 1", "!verify 1", "!ca 12345678", "!ca 1 2 3", "!ca 0 8",
        "!ca (1", "!controlarea 86000000", "lm x", "lm v v", "!dh", "!dh -x 10000",
        "!dh 10000 20000", "!dh MmFoo", "!dh -f", "!dh 1 2 3 4",
    };
    struct fixture f;
    fixture_boot(&f, NTMM_ARCH_X86_PAE, true);
    struct ntmm_machine_info before, after;
    uint8_t page_before[0x2000], page_after[0x2000];
    assert_int_equal(ntmm_read(f.process, f.base, page_before, sizeof page_before),
                     STATUS_SUCCESS);
    ntmm_machine_info(f.machine, &before);
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
        char *text = run(&f, STATUS_INVALID_PARAMETER, "%s", lines[i]);
        if (!text[0] || strchr(text, '\n') != text + strlen(text) - 1)
            fail_msg("'%s' printed not one line:\n%s", lines[i], text);
        free(text);
    }
    char *text = run(&f, STATUS_OBJECT_NAME_NOT_FOUND, "dt _FOO 0");
    free(text);
    ntmm_machine_info(f.machine, &after);
    /* field by field: the structure's padding bytes are unspecified */
    assert_int_equal(before.available_pages, after.available_pages);
    assert_int_equal(before.number_of_physical_pages, after.number_of_physical_pages);
    assert_int_equal(before.highest_physical_page, after.highest_physical_page);
    assert_int_equal(before.boot_pages, after.boot_pages);
    assert_int_equal(before.system_directory_table_base, after.system_directory_table_base);
    assert_ptr_equal(f.context.process, f.process);
    assert_int_equal(ntmm_read(f.process, f.base, page_after, sizeof page_after), STATUS_SUCCESS);
    assert_memory_equal(page_before, page_after, sizeof page_before);
    test_verify(f.machine);
    /* Without a process, the user-space commands say so. */
    f.context.process = NULL;
    free(run(&f, STATUS_INVALID_PARAMETER, "!vad"));
    free(run(&f, STATUS_INVALID_PARAMETER, "vmmap"));
    free(run(&f, STATUS_INVALID_PARAMETER, "!address"));
    fixture_free(&f);
}

/* The same commands print identical text twice and on an identical machine,
 * and none of them moves a TLB counter: they read the machine without
 * changing it (tools.h (3)). */
static void test_deterministic(void **state)
{
    (void)state;
    static const char *const lines[] = {
        "!vad", "!pte 10000", "!pfn 6", "!vm", "!memusage",
        "!process 0 0", "!process", "dt _MMPFN poi(MmPfnDatabase)+1c", "dd MmZeroedPageListHead L8",
        "db 10000", "dq 10000", "!db 6000 L20", "x nt!*", "rammap", "!vtop 0 10000",
        "!address", "!address -summary", "vmmap",
    };
    for (enum ntmm_arch arch = NTMM_ARCH_X86; arch <= NTMM_ARCH_X64; arch++) {
        struct fixture a, b;
        fixture_boot(&a, arch, true);
        struct ntmm_tlb_stats tlb_before, tlb_after;
        ntmm_tlb_stats(a.machine, &tlb_before);
        for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
            char *first = run(&a, STATUS_SUCCESS, "%s", lines[i]);
            char *second = run(&a, STATUS_SUCCESS, "%s", lines[i]);
            assert_string_equal(first, second);
            free(first);
            free(second);
        }
        ntmm_tlb_stats(a.machine, &tlb_after);
        assert_int_equal(tlb_before.hits, tlb_after.hits);
        assert_int_equal(tlb_before.misses, tlb_after.misses);
        assert_int_equal(tlb_before.flushes, tlb_after.flushes);
        fixture_boot(&b, arch, true);
        static const char *const regions[] = { "!address", "!address -summary", "vmmap" };
        for (size_t i = 0; i < 3; i++) {
            char *first = run(&a, STATUS_SUCCESS, "%s", regions[i]);
            char *second = run(&a, STATUS_SUCCESS, "%s", regions[i]);
            char *other = run(&b, STATUS_SUCCESS, "%s", regions[i]);
            assert_string_equal(first, second);
            assert_string_equal(first, other);
            free(first);
            free(second);
            free(other);
        }
        test_verify(a.machine);
        fixture_free(&a);
        fixture_free(&b);
    }
}

/* The line of text that starts with prefix (to its newline), for a compare. */
static char *line_of(const char *text, const char *prefix)
{
    const char *at = strstr(text, prefix);
    assert_non_null(at);
    const char *end = strchr(at, '\n');
    return strndup(at, end ? (size_t)(end - at) : strlen(at));
}

/* MmHighestPhysicalPage edited to all ones (kernel memory: ed and eq may
 * write it): rammap and !memusage still walk only the frames that are RAM
 * (rammap.c (2), memusage.c (3)), so they end, with the same totals. */
static void check_edited_highest_page(enum ntmm_arch arch, const char *edit)
{
    struct fixture f;
    uint64_t views[3];
    fixture_boot(&f, arch, true);
    fixture_views(&f, views);
    char *rammap = run(&f, STATUS_SUCCESS, "rammap");
    char *memusage = run(&f, STATUS_SUCCESS, "!memusage");
    free(run(&f, STATUS_SUCCESS, "%s", edit));
    char *rammap_after = run(&f, STATUS_SUCCESS, "rammap");
    char *memusage_after = run(&f, STATUS_SUCCESS, "!memusage");
    char *total = line_of(rammap, "Total "), *total_after = line_of(rammap_after, "Total ");
    assert_string_equal(total, total_after);
    assert_string_equal(memusage, memusage_after);
    free(total);
    free(total_after);
    free(rammap);
    free(rammap_after);
    free(memusage);
    free(memusage_after);
    fixture_free(&f);
}

static void test_edited_highest_page(void **state)
{
    (void)state;
    check_edited_highest_page(NTMM_ARCH_X86, "ed MmHighestPhysicalPage ffffffff");
    check_edited_highest_page(NTMM_ARCH_X86_PAE, "ed MmHighestPhysicalPage ffffffff");
    check_edited_highest_page(NTMM_ARCH_X64, "eq MmHighestPhysicalPage ffffffffffffffff");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_output_grows),
        cmocka_unit_test(test_vad),
        cmocka_unit_test(test_pte_before_after_write),
        cmocka_unit_test(test_vtop_pfn),
        cmocka_unit_test(test_pfn),
        cmocka_unit_test(test_dd_list_head),
        cmocka_unit_test(test_edit),
        cmocka_unit_test(test_dt),
        cmocka_unit_test(test_expressions),
        cmocka_unit_test(test_symbols_verify_help),
        cmocka_unit_test(test_counters),
        cmocka_unit_test(test_address_vmmap),
        cmocka_unit_test(test_process),
        cmocka_unit_test(test_control_areas),
        cmocka_unit_test(test_pte_pfn_views),
        cmocka_unit_test(test_views_vmmap_address_lm),
        cmocka_unit_test(test_image_lm),
        cmocka_unit_test(test_image_dh),
        cmocka_unit_test(test_views_change_nothing),
        cmocka_unit_test(test_bad_arguments),
        cmocka_unit_test(test_deterministic),
        cmocka_unit_test(test_edited_highest_page),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
