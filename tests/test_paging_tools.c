/*
 * test_paging_tools.c — what a user sees of paging in the debugger and the
 * tools: the working-set views (ntmm_working_set_info and _entry) against
 * the PTEs and PFNs they name, !wsle's header, rows, counts and free list,
 * !pte on transition, pagefile and demand-zero PTEs, !pfn's flags, vmmap's
 * working-set columns and rammap's Standby, Modified and pagefile figures,
 * on the three architectures where the layout differs.
 */
#include "tools_testing.h"

static const enum ntmm_arch arches[] = { NTMM_ARCH_X86, NTMM_ARCH_X86_PAE, NTMM_ARCH_X64 };
static const uint64_t list_address[] = { 0xc0503000ull, 0xc0883000ull, 0xfffff70001080000ull };

/* f->base: 4 committed pages, the first three written. */
static void fixture_boot(struct fixture *f, enum ntmm_arch arch)
{
    fixture_start(f, arch, 64ull << 20);
    f->base = (uintptr_t)VirtualAlloc(NULL, 0x4000, MEM_COMMIT, PAGE_READWRITE);
    assert_true(f->base != 0);
    for (uint64_t page = 0; page < 3; page++) {
        uint32_t value = 0x1000u + (uint32_t)page;
        assert_int_equal(ntmm_write(f->process, f->base + page * 0x1000, &value, 4),
                         STATUS_SUCCESS);
    }
}

/* Verifies, then frees. */
static void fixture_done(struct fixture *f)
{
    test_verify(f->machine);
    fixture_free(f);
}

static uint64_t frame_of(struct fixture *f, uint64_t va)
{
    struct ntmm_walk walk;
    assert_int_equal(ntmm_pte_walk(f->machine, f->process, va, &walk), STATUS_SUCCESS);
    assert_true(walk.translated);
    return walk.physical >> 12;
}

/* The index of va's valid entry, or -1. */
static int64_t entry_of(struct fixture *f, uint64_t va, struct ntmm_wsle_info *e)
{
    struct ntmm_working_set_info ws;
    assert_int_equal(ntmm_working_set_info(f->process, &ws), STATUS_SUCCESS);
    for (uint64_t i = 0; i <= ws.last_initialized_wsle; i++) {
        assert_int_equal(ntmm_working_set_entry(f->process, i, e), STATUS_SUCCESS);
        if (e->valid && e->virtual_address == va)
            return (int64_t)i;
    }
    return -1;
}

/* The header and entries agree with the PTEs and PFNs: every valid entry
 * names a translated page, WorkingSetSize counts them, a private page's
 * entry is Direct and its PFN's WsIndex is the entry's index, and valid
 * plus free entries are the initialized ones. */
static void test_working_set_views(void **state)
{
    (void)state;
    for (unsigned a = 0; a < 3; a++) {
        struct fixture f;
        fixture_boot(&f, arches[a]);
        struct ntmm_working_set_info ws;
        assert_int_equal(ntmm_working_set_info(f.process, &ws), STATUS_SUCCESS);
        assert_true(ws.address == list_address[a]);
        assert_true(ws.wsle > ws.address && ws.wsle < ws.address + 0x1000);
        assert_true(ws.first_dynamic > 0 && ws.first_dynamic <= ws.last_entry);
        assert_true(ws.minimum_working_set_size < ws.maximum_working_set_size);
        assert_true(ws.peak_working_set_size >= ws.working_set_size);
        assert_true(ws.page_fault_count >= 3);
        uint64_t valid = 0, highest = 0;
        for (uint64_t i = 0; i <= ws.last_initialized_wsle; i++) {
            struct ntmm_wsle_info e;
            assert_int_equal(ntmm_working_set_entry(f.process, i, &e), STATUS_SUCCESS);
            assert_true(e.index == i);
            if (!e.valid)
                continue;
            valid++;
            highest = i;
            frame_of(&f, e.virtual_address);
            if (i < ws.first_dynamic) /* wsl.c (3) */
                assert_true(e.locked_in_ws);
        }
        assert_true(valid == ws.working_set_size);
        assert_true(highest == ws.last_entry);
        uint64_t free_count = 0;
        for (uint64_t i = ws.first_free; i <= ws.last_initialized_wsle; free_count++) {
            struct ntmm_wsle_info e;
            assert_int_equal(ntmm_working_set_entry(f.process, i, &e), STATUS_SUCCESS);
            assert_false(e.valid);
            i = e.next_free;
        }
        assert_true(valid + free_count == ws.last_initialized_wsle + 1);
        struct ntmm_wsle_info e;
        int64_t index = entry_of(&f, f.base + 0x1000, &e);
        assert_true(index >= (int64_t)ws.first_dynamic);
        assert_true(e.direct && !e.locked_in_ws && e.age == 0);
        struct ntmm_pfn_info pfn;
        assert_int_equal(ntmm_pfn_query(f.machine, frame_of(&f, e.virtual_address), &pfn),
                         STATUS_SUCCESS);
        assert_true(pfn.u1 == (uint64_t)index);
        assert_true(e.address == ws.wsle + (uint64_t)index * (a == 2 ? 8 : 4));
        assert_true(entry_of(&f, f.base + 0x3000, &e) == -1); /* never touched */
        assert_true(VirtualLock((LPVOID)(uintptr_t)f.base, 0x1000));
        assert_true(entry_of(&f, f.base, &e) >= 0 && e.locked_in_ws);
        assert_int_equal(ntmm_working_set_entry(f.process, ws.last_initialized_wsle + 1, &e),
                         STATUS_INVALID_PARAMETER);
        assert_int_equal(ntmm_working_set_info(NULL, &ws), STATUS_INVALID_PARAMETER);
        fixture_done(&f);
    }
}

/* !wsle: the header of the list's bytes, flag 1's row of a page (the
 * entry as stored, Age, Locked, ReferenceCount), flag 2's counts, flag 4's
 * free list and the check of flags 6; the list by its address and by the
 * process; bad arguments. */
static void test_wsle_command(void **state)
{
    (void)state;
    for (unsigned a = 0; a < 3; a++) {
        struct fixture f;
        fixture_boot(&f, arches[a]);
        assert_true(VirtualLock((LPVOID)(uintptr_t)f.base, 0x1000));
        struct ntmm_working_set_info ws;
        assert_int_equal(ntmm_working_set_info(f.process, &ws), STATUS_SUCCESS);
        char expected[160];
        char *text = run(&f, STATUS_SUCCESS, "!wsle");
        snprintf(expected, sizeof expected, "\nWorking Set @ %llx\n    FirstFree: %8llx  "
                 "FirstDynamic: %10llx\n", (unsigned long long)ws.address,
                 (unsigned long long)ws.first_free, (unsigned long long)ws.first_dynamic);
        assert_contains(text, expected);
        snprintf(expected, sizeof expected, "    LastEntry%9llx  NextSlot: %9llx  "
                 "LastInitialized%9llx\n    NonDirect%9llx  HashTable: %8x  HashTableSize: %9x\n",
                 (unsigned long long)ws.last_entry, (unsigned long long)ws.next_slot,
                 (unsigned long long)ws.last_initialized_wsle,
                 (unsigned long long)ws.non_direct_count, 0, 0);
        assert_contains(text, expected);
        assert_null(strstr(text, "Virtual Address"));
        free(text);
        /* dd reads the same bytes, in the current process's hyperspace */
        text = run(&f, STATUS_SUCCESS, "dd %llx L2", (unsigned long long)ws.address);
        snprintf(expected, sizeof expected, "  %08llx %08llx\n", (unsigned long long)ws.first_free,
                 (unsigned long long)ws.first_dynamic);
        assert_contains(text, expected);
        free(text);
        text = run(&f, STATUS_SUCCESS, "!wsle 1");
        assert_contains(text, "Virtual Address           Age  Locked  ReferenceCount\n");
        struct ntmm_wsle_info e;
        for (uint64_t page = 0; page < 2; page++) {
            assert_true(entry_of(&f, f.base + page * 0x1000, &e) >= 0);
            snprintf(expected, sizeof expected, "%16llx %10u %8u %8u\n",
                     (unsigned long long)e.raw, 0u, page == 0 ? 1u : 0u, 1u);
            assert_contains(text, expected);
        }
        assert_null(strstr(text, "Valid WSLEs"));
        free(text);
        /* Age is bits 10-11 of the entry as stored: edit it to 2 */
        free(run(&f, STATUS_SUCCESS, "%s %llx %llx", a == 2 ? "eq" : "ed",
                 (unsigned long long)e.address, (unsigned long long)(e.raw | 0x800)));
        struct ntmm_wsle_info aged;
        assert_int_equal(ntmm_working_set_entry(f.process, e.index, &aged), STATUS_SUCCESS);
        assert_true(aged.age == 2 && aged.virtual_address == e.virtual_address);
        text = run(&f, STATUS_SUCCESS, "!wsle 1");
        snprintf(expected, sizeof expected, "%16llx %10u %8u %8u\n",
                 (unsigned long long)(e.raw | 0x800), 2u, 0u, 1u);
        assert_contains(text, expected);
        free(text);
        free(run(&f, STATUS_SUCCESS, "%s %llx %llx", a == 2 ? "eq" : "ed",
                 (unsigned long long)e.address, (unsigned long long)e.raw));
        text = run(&f, STATUS_SUCCESS, "!wsle 2");
        snprintf(expected, sizeof expected, "\nValid WSLEs: %llx  LastEntry: %llx  FirstFree: %llx\n",
                 (unsigned long long)ws.working_set_size, (unsigned long long)ws.last_entry,
                 (unsigned long long)ws.first_free);
        assert_contains(text, expected);
        assert_null(strstr(text, "Free WSLEs"));
        free(text);
        text = run(&f, STATUS_SUCCESS, "!wsle 4");
        snprintf(expected, sizeof expected, "\nFree WSLEs:\n%8llx", (unsigned long long)ws.first_free);
        assert_contains(text, expected);
        snprintf(expected, sizeof expected, "Total free WSLEs: %llx\n",
                 (unsigned long long)(ws.last_initialized_wsle + 1 - ws.working_set_size));
        assert_contains(text, expected);
        free(text);
        text = run(&f, STATUS_SUCCESS, "!wsle 7");
        snprintf(expected, sizeof expected, "Valid + free WSLEs = %llx: every initialized entry\n",
                 (unsigned long long)(ws.last_initialized_wsle + 1));
        assert_contains(text, expected);
        free(text);
        /* the list by its address, by the process, and 0 as none */
        char *plain = run(&f, STATUS_SUCCESS, "!wsle 2");
        struct ntmm_process_info pi;
        ntmm_process_info(f.process, &pi);
        text = run(&f, STATUS_SUCCESS, "!wsle 2 %llx", (unsigned long long)ws.address);
        assert_string_equal(text, plain);
        free(text);
        text = run(&f, STATUS_SUCCESS, "!wsle 2 0");
        assert_string_equal(text, plain);
        free(text);
        text = run(&f, STATUS_SUCCESS, "!wsle 2 %x", pi.cid);
        assert_string_equal(text, plain);
        free(text);
        free(plain);
        text = run(&f, STATUS_INVALID_PARAMETER, "!wsle 0 1234");
        assert_string_equal(text, "!wsle: 1234 is not a working set list or a process\n");
        free(text);
        text = run(&f, STATUS_INVALID_PARAMETER, "!wsle 1 2 3");
        assert_string_equal(text, "!wsle: usage: !wsle [Flags [Address]]\n");
        free(text);
        fixture_done(&f);
    }
}

/* Another process's list from the context of the first; a list whose page
 * a script edited away fails the view without stopping the machine; an
 * entry whose page's PTE was edited away gets !wsle's invalid-PTE line. */
static void test_wsle_other_process_and_edited_list(void **state)
{
    (void)state;
    struct fixture f;
    fixture_boot(&f, NTMM_ARCH_X86_PAE);
    struct ntmm_process *other;
    assert_int_equal(ntmm_process_create(f.machine, NULL, &other), STATUS_SUCCESS);
    struct ntmm_process_info pi;
    ntmm_process_info(other, &pi);
    struct ntmm_working_set_info ws;
    assert_int_equal(ntmm_working_set_info(other, &ws), STATUS_SUCCESS);
    char expected[64];
    snprintf(expected, sizeof expected, "Valid WSLEs: %llx ", (unsigned long long)ws.working_set_size);
    char *text = run(&f, STATUS_SUCCESS, "!wsle 2 %x", pi.cid);
    assert_contains(text, expected);
    free(text);
    /* the PTE of the list's first page, in the self-map (PAE: 8 bytes) */
    uint64_t pte = 0xc0000000ull + (ws.address >> 12) * 8, old;
    struct ntmm_walk walk;
    assert_int_equal(ntmm_pte_walk(f.machine, f.process, ws.address, &walk), STATUS_SUCCESS);
    old = walk.level[walk.levels - 1].pte.raw;
    free(run(&f, STATUS_SUCCESS, "eq %llx 0", (unsigned long long)pte));
    assert_int_equal(ntmm_working_set_info(f.process, &ws), STATUS_INVALID_ADDRESS);
    text = run(&f, STATUS_INVALID_PARAMETER, "!wsle 7");
    assert_string_equal(text, "!wsle: the working set list of this process is not readable\n");
    free(text);
    struct ntmm_bug_check bug;
    assert_false(ntmm_machine_bug_check(f.machine, &bug));
    free(run(&f, STATUS_SUCCESS, "eq %llx %llx", (unsigned long long)pte, (unsigned long long)old));
    assert_int_equal(ntmm_working_set_info(f.process, &ws), STATUS_SUCCESS);
    /* an entry whose page's PTE was edited away: its row, then a line */
    uint64_t va = f.base + 0x1000;
    pte = 0xc0000000ull + (va >> 12) * 8;
    assert_int_equal(ntmm_pte_walk(f.machine, f.process, va, &walk), STATUS_SUCCESS);
    old = walk.level[walk.levels - 1].pte.raw;
    free(run(&f, STATUS_SUCCESS, "eq %llx 0", (unsigned long long)pte));
    struct ntmm_wsle_info e;
    assert_true(entry_of(&f, va, &e) >= 0);
    text = run(&f, STATUS_SUCCESS, "!wsle 1");
    char row[96];
    snprintf(row, sizeof row, "%16llx %10u %8u %8u\n%16llx has an invalid PTE or PDE\n",
             (unsigned long long)e.raw, 0u, 0u, 0u, (unsigned long long)va);
    assert_contains(text, row);
    free(text);
    free(run(&f, STATUS_SUCCESS, "eq %llx %llx", (unsigned long long)pte, (unsigned long long)old));
    fixture_done(&f);
}

/* The PTE of a user page, in the self-map of each architecture. */
static uint64_t pte_of(struct fixture *f, uint64_t va)
{
    struct ntmm_machine_info info;
    ntmm_machine_info(f->machine, &info);
    return info.pte_base + (va >> 12) * info.pte_size;
}

/* !pte on each software kind, in WinDbg's words: a trimmed page's
 * transition PTE (its frame and protection), a pagefile PTE (file number
 * and offset, written with eq until pages reach the pagefile), a demand-zero
 * PTE, a prototype PTE marked MI_PTE_LOOKUP_NEEDED; each kind's decode
 * agrees. */
static void test_pte_software_kinds(void **state)
{
    (void)state;
    for (unsigned a = 0; a < 3; a++) {
        struct fixture f;
        fixture_boot(&f, arches[a]);
        struct ntmm_machine_info info;
        ntmm_machine_info(f.machine, &info);
        uint64_t pfn = frame_of(&f, f.base);
        DWORD old;
        assert_true(VirtualProtect((LPVOID)(uintptr_t)f.base, 0x1000, PAGE_NOACCESS, &old));
        char expected[96];
        char *text = run(&f, STATUS_SUCCESS, "!pte %llx", (unsigned long long)f.base);
        snprintf(expected, sizeof expected, "not valid\n Transition: %llx\n Protect: 18 - NoAccess\n",
                 (unsigned long long)pfn);
        assert_contains(text, expected);
        free(text);
        /* a pagefile PTE: file 0xb (hex, as WinDbg prints it), offset 0x2a5, ReadWrite (4) */
        uint64_t raw = (4ull << 5) | (0xbull << 1) | (0x2a5ull << (info.pte_size == 4 ? 12 : 32));
        uint64_t pte = pte_of(&f, f.base + 0x3000);
        free(run(&f, STATUS_SUCCESS, "%s %llx %llx", info.pte_size == 4 ? "ed" : "eq",
                 (unsigned long long)pte, (unsigned long long)raw));
        struct ntmm_pte_info decoded;
        ntmm_pte_decode(f.machine, raw, &decoded);
        assert_int_equal(decoded.kind, NTMM_PTE_PAGEFILE);
        text = run(&f, STATUS_SUCCESS, "!pte %llx", (unsigned long long)f.base + 0x3000);
        assert_contains(text, "not valid\n PageFile:   b\n Offset: 2a5\n Protect: 4 - ReadWrite\n");
        free(text);
        /* a demand-zero PTE: PageFileHigh 0 */
        free(run(&f, STATUS_SUCCESS, "%s %llx 80", info.pte_size == 4 ? "ed" : "eq",
                 (unsigned long long)pte));
        text = run(&f, STATUS_SUCCESS, "!pte %llx", (unsigned long long)f.base + 0x3000);
        assert_contains(text, "not valid\n DemandZero\n Protect: 4 - ReadWrite\n");
        free(text);
        /* a prototype PTE whose prototype the VAD names: a software PTE
         * with PageFileHigh all ones and its own protection */
        uint64_t lookup = info.pte_size == 4 ? 0xfffff480ull : 0xffffffff00000480ull;
        ntmm_pte_decode(f.machine, lookup, &decoded);
        assert_int_equal(decoded.kind, NTMM_PTE_PROTOTYPE);
        assert_int_equal(decoded.protection, 4);
        free(run(&f, STATUS_SUCCESS, "%s %llx %llx", info.pte_size == 4 ? "ed" : "eq",
                 (unsigned long long)pte, (unsigned long long)lookup));
        text = run(&f, STATUS_SUCCESS, "!pte %llx", (unsigned long long)f.base + 0x3000);
        assert_contains(text, "not valid\n Proto: VAD\n Protect: 4 - ReadWrite\n");
        free(text);
        free(run(&f, STATUS_SUCCESS, "%s %llx 0", info.pte_size == 4 ? "ed" : "eq",
                 (unsigned long long)pte));
        fixture_done(&f);
    }
}

/* !pfn of a trimmed dirty page (Modified list, M) and of a reset one
 * (Standby); the ReadInProgress and WriteInProgress flags, set with ew on
 * the entry's u3.e1, are named on the flags line. */
static void test_pfn_paging_flags(void **state)
{
    (void)state;
    for (unsigned a = 1; a < 3; a++) {
        struct fixture f;
        fixture_boot(&f, arches[a]);
        uint64_t dirty = frame_of(&f, f.base), clean = frame_of(&f, f.base + 0x1000);
        DWORD old;
        assert_non_null(VirtualAlloc((LPVOID)(uintptr_t)(f.base + 0x1000), 0x1000, MEM_RESET,
                                     PAGE_READWRITE));
        assert_true(VirtualProtect((LPVOID)(uintptr_t)f.base, 0x2000, PAGE_NOACCESS, &old));
        struct ntmm_pfn_info pfn;
        assert_int_equal(ntmm_pfn_query(f.machine, dirty, &pfn), STATUS_SUCCESS);
        assert_int_equal(pfn.page_location, NTMM_MODIFIED);
        char *text = run(&f, STATUS_SUCCESS, "!pfn %llx", (unsigned long long)dirty);
        assert_contains(text, "  Modified   M\n    Modified\n");
        free(text);
        assert_int_equal(ntmm_pfn_query(f.machine, clean, &pfn), STATUS_SUCCESS);
        assert_int_equal(pfn.page_location, NTMM_STANDBY);
        text = run(&f, STATUS_SUCCESS, "!pfn %llx", (unsigned long long)clean);
        assert_contains(text, "  Standby    \n");
        free(text);
        /* u3.e1: +0xc on PAE, +0x18 on x64 */
        uint64_t e1 = pfn.entry_address + (a == 2 ? 0x18 : 0xc);
        free(run(&f, STATUS_SUCCESS, "ew %llx %x", (unsigned long long)e1, pfn.flags | 0x7));
        assert_int_equal(ntmm_pfn_query(f.machine, clean, &pfn), STATUS_SUCCESS);
        assert_true(pfn.modified && pfn.read_in_progress && pfn.write_in_progress);
        text = run(&f, STATUS_SUCCESS, "!pfn %llx", (unsigned long long)clean);
        assert_contains(text, "  Standby    MRW\n    Modified ReadInProgress WriteInProgress\n");
        free(text);
        free(run(&f, STATUS_SUCCESS, "ew %llx %x", (unsigned long long)e1, pfn.flags & ~0x7u));
        fixture_done(&f);
    }
}

/* vmmap's working-set columns per region: a locked page counts in Locked
 * WS, a trimmed (no-access, transition) page leaves Total WS, a written
 * view of a pagefile-backed section is Shareable WS. */
static void test_vmmap_working_set_columns(void **state)
{
    (void)state;
    struct fixture f;
    fixture_boot(&f, NTMM_ARCH_X86_PAE);
    DWORD old;
    assert_true(VirtualLock((LPVOID)(uintptr_t)f.base, 0x1000));
    assert_true(VirtualProtect((LPVOID)(uintptr_t)(f.base + 0x2000), 0x1000, PAGE_NOACCESS, &old));
    HANDLE section = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, 0x2000, NULL);
    assert_non_null(section);
    uint64_t view = (uintptr_t)MapViewOfFile(section, FILE_MAP_ALL_ACCESS, 0, 0, 0);
    assert_true(view != 0);
    uint32_t value = 7;
    assert_int_equal(ntmm_write(f.process, view, &value, 4), STATUS_SUCCESS);
    char *text = run(&f, STATUS_SUCCESS, "vmmap");
    assert_contains(text, "Address  Type                   Size     Committed      Total WS    "
                          "Private WS  Shareable WS     Locked WS  Protection\n");
    char expected[160];
    static const struct { uint64_t offset; unsigned size, ws, locked; const char *protect; } lines[] = {
        { 0, 8, 8, 4, "PAGE_READWRITE" },
        { 0x2000, 4, 0, 0, "PAGE_NOACCESS" },
        { 0x3000, 4, 0, 0, "PAGE_READWRITE" },
    };
    for (unsigned i = 0; i < 3; i++) {
        snprintf(expected, sizeof expected, "%08llx Private Data  %11u K %11u K %11u K %11u K "
                 "%11u K %11u K  %s\n", (unsigned long long)(f.base + lines[i].offset),
                 lines[i].size, lines[i].size, lines[i].ws, lines[i].ws, 0u, lines[i].locked,
                 lines[i].protect);
        assert_contains(text, expected);
    }
    snprintf(expected, sizeof expected, "%08llx Shareable     %11u K %11u K %11u K %11u K "
             "%11u K %11u K  PAGE_READWRITE\n", (unsigned long long)view, 8u, 8u, 4u, 0u, 4u, 0u);
    assert_contains(text, expected);
    free(text);
    fixture_done(&f);
}

/* Column c (0 Active, 1 Standby, 2 Modified ...) of rammap's row name, in K. */
static uint64_t rammap_cell(const char *text, const char *name, unsigned c)
{
    char needle[32];
    snprintf(needle, sizeof needle, "\n%-16s", name);
    const char *p = strstr(text, needle);
    assert_non_null(p);
    p += strlen(needle);
    uint64_t value = 0;
    for (unsigned i = 0; i <= c; i++) {
        value = 0;
        while (*p == ' ')
            p++;
        for (; *p && *p != ' '; p++)
            if (*p >= '0' && *p <= '9')
                value = value * 10 + (uint64_t)(*p - '0');
        p += 2; /* " K" */
    }
    return value;
}

/* rammap: a trimmed dirty private page is Process Private in the Modified
 * column, a reset one in the Standby column, a page of a pagefile-backed
 * section trimmed dirty is Shareable / Modified; Total counts each list as
 * the list head does; the pagefiles' lines are MmPagingFile[]'s. */
static void test_rammap_lists_and_pagefiles(void **state)
{
    (void)state;
    struct fixture f;
    fixture_boot(&f, NTMM_ARCH_X86_PAE);
    char *before = run(&f, STATUS_SUCCESS, "rammap");
    DWORD old;
    assert_non_null(VirtualAlloc((LPVOID)(uintptr_t)(f.base + 0x1000), 0x1000, MEM_RESET,
                                 PAGE_READWRITE));
    assert_true(VirtualProtect((LPVOID)(uintptr_t)f.base, 0x2000, PAGE_NOACCESS, &old));
    char *text = run(&f, STATUS_SUCCESS, "rammap");
    assert_true(rammap_cell(text, "Process Private", 1) == rammap_cell(before, "Process Private", 1) + 4);
    assert_true(rammap_cell(text, "Process Private", 2) == rammap_cell(before, "Process Private", 2) + 4);
    assert_true(rammap_cell(text, "Process Private", 0) + 8 == rammap_cell(before, "Process Private", 0));
    struct ntmm_list_info standby, modified;
    ntmm_list_query(f.machine, NTMM_STANDBY, &standby);
    ntmm_list_query(f.machine, NTMM_MODIFIED, &modified);
    assert_true(rammap_cell(text, "Total", 1) == standby.total * 4);
    assert_true(rammap_cell(text, "Total", 2) == modified.total * 4);
    struct ntmm_paging_file_info files[2];
    unsigned count;
    ntmm_query_paging_files(f.machine, files, 2, &count);
    assert_true(count >= 1);
    assert_contains(text, "\nPage Files\nName                                  Size           "
                          "Minimum           Maximum            In Use              Peak\n");
    char expected[192], size[32];
    assert_true(files[0].size * 4 >= 1000 && files[0].size * 4 < 1000000);
    snprintf(size, sizeof size, "%llu,%03llu", (unsigned long long)(files[0].size * 4 / 1000),
             (unsigned long long)(files[0].size * 4 % 1000));
    snprintf(expected, sizeof expected, "\n%-24s%16s K", files[0].name, size);
    assert_contains(text, expected);
    free(before);
    free(text);
    fixture_done(&f);
}

/* !vm: Modified Pages is the list's Total; Modified PF Pages leaves out a
 * mapped file's dirty page, which goes to its file. */
static void test_vm_modified_lines(void **state)
{
    (void)state;
    struct fixture f;
    fixture_boot(&f, NTMM_ARCH_X86_PAE);
    HANDLE file = CreateFileA("C:\\paged.bin", GENERIC_READ | GENERIC_WRITE, 0, NULL,
                              CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
    assert_true(file != INVALID_HANDLE_VALUE);
    assert_true(WriteFile(file, (LPCVOID)(uintptr_t)f.base, 0x2000, NULL, NULL));
    HANDLE mapping = CreateFileMappingA(file, NULL, PAGE_READWRITE, 0, 0, NULL);
    assert_non_null(mapping);
    uint64_t view = (uintptr_t)MapViewOfFile(mapping, FILE_MAP_ALL_ACCESS, 0, 0, 0);
    assert_true(view != 0);
    uint32_t value = 5;
    assert_int_equal(ntmm_write(f.process, view, &value, 4), STATUS_SUCCESS);
    DWORD old;
    assert_true(VirtualProtect((LPVOID)(uintptr_t)f.base, 0x2000, PAGE_NOACCESS, &old));
    assert_true(VirtualProtect((LPVOID)(uintptr_t)view, 0x1000, PAGE_NOACCESS, &old));
    struct ntmm_list_info modified;
    ntmm_list_query(f.machine, NTMM_MODIFIED, &modified);
    assert_true(modified.total == 3);
    char *text = run(&f, STATUS_SUCCESS, "!vm");
    assert_contains(text, "\tModified Pages:              3 (        12 Kb)\n"
                          "\tModified PF Pages:           2 (         8 Kb)\n");
    free(text);
    fixture_done(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_working_set_views),
        cmocka_unit_test(test_wsle_command),
        cmocka_unit_test(test_wsle_other_process_and_edited_list),
        cmocka_unit_test(test_pte_software_kinds),
        cmocka_unit_test(test_pfn_paging_flags),
        cmocka_unit_test(test_vmmap_working_set_columns),
        cmocka_unit_test(test_rammap_lists_and_pagefiles),
        cmocka_unit_test(test_vm_modified_lines),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
