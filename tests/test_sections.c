/*
 * test_sections.c — sections and views (mm/section.h, nt/section.c,
 * win32/section.c) on the three architectures: E4 (a named pagefile-backed
 * section shared by two processes: one frame, ShareCount 2, Mapped VADs),
 * E5 (a file written with WriteFile, mapped in two processes; writes reach
 * the file on flush, unmap and last close), E7 (copy-on-write: a private
 * copy, charged commit, READWRITE in VirtualQuery, the original kept),
 * SEC_RESERVE, the prototype PTEs and every error the services give, each
 * with the Windows evidence it rests on. The verifier runs after each step.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testing.h"

#include "ke/machine.h"
#include "mm/section.h"
#include "ntmm/win32.h"
#include "ps/process.h"

static struct ntmm_machine *m;
static struct ntmm_process *a, *b;
static char root[64];

static const enum ntmm_arch arches[] = { NTMM_ARCH_X86, NTMM_ARCH_X86_PAE, NTMM_ARCH_X64 };

static void setup(enum ntmm_arch arch)
{
    struct ntmm_config config;
    ntmm_config_init(&config);
    config.arch = arch;
    config.ram_bytes = 32ull << 20;
    strcpy(root, "/tmp/ntmm-sections-XXXXXX");
    assert_non_null(mkdtemp(root));
    config.root_directory = root;
    assert_int_equal(ntmm_machine_create(&config, &m), STATUS_SUCCESS);
    assert_int_equal(ntmm_process_create(m, NULL, &a), STATUS_SUCCESS);
    assert_int_equal(ntmm_process_create(m, NULL, &b), STATUS_SUCCESS);
    ntmm_set_current_process(a);
}

static void teardown(void)
{
    ntmm_machine_destroy(m);
    m = NULL;
    char path[128];
    snprintf(path, sizeof path, "%s/abc.txt", root);
    unlink(path);
    rmdir(root);
}

static uint32_t read32(struct ntmm_process *p, uint64_t va)
{
    uint32_t v = 0;
    assert_int_equal(ntmm_read(p, va, &v, 4), STATUS_SUCCESS);
    return v;
}

static void write32(struct ntmm_process *p, uint64_t va, uint32_t v)
{
    assert_int_equal(ntmm_write(p, va, &v, 4), STATUS_SUCCESS);
}

/* The frame a process's valid PTE maps, or ~0. */
static uint64_t frame_of(struct ntmm_process *p, uint64_t va)
{
    struct ntmm_walk w;
    assert_int_equal(ntmm_pte_walk(m, p, va, &w), STATUS_SUCCESS);
    return w.translated ? w.physical >> 12 : ~0ull;
}

static struct ntmm_pte_info leaf(struct ntmm_process *p, uint64_t va)
{
    struct ntmm_walk w;
    assert_int_equal(ntmm_pte_walk(m, p, va, &w), STATUS_SUCCESS);
    return w.level[w.levels - 1].pte;
}

static struct ntmm_pfn_info pfn_of(uint64_t pfn)
{
    struct ntmm_pfn_info info;
    assert_int_equal(ntmm_pfn_query(m, pfn, &info), STATUS_SUCCESS);
    return info;
}

#define VA(p) ((uint64_t)(uintptr_t)(p))

/* E4 (seed 004): A creates "MappedMemoryA" on the pagefile and writes
 * 0x12345678; B opens it and reads the value; both views map one frame
 * with ShareCount 2; both VADs are Mapped. */
static void test_e4_shared_memory(void **state)
{
    (void)state;
    for (size_t i = 0; i < 3; i++) {
        setup(arches[i]);
        uint64_t committed = a->as.commit_charge;
        HANDLE ha = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, 512,
                                       "MappedMemoryA");
        assert_non_null(ha);
        assert_int_equal(GetLastError(), ERROR_SUCCESS);
        LPVOID va = MapViewOfFile(ha, FILE_MAP_ALL_ACCESS, 0, 0, 512);
        assert_non_null(va);
        /* a pagefile-backed section charges the system, not the process */
        assert_int_equal(a->as.commit_charge, committed);
        struct ntmm_pte_info pte = leaf(a, VA(va));
        assert_int_equal(pte.kind, NTMM_PTE_PROTOTYPE);
        write32(a, VA(va), 0x12345678);
        test_verify(m);

        ntmm_set_current_process(b);
        HANDLE hb = OpenFileMappingA(FILE_MAP_ALL_ACCESS, FALSE, "MappedMemoryA");
        assert_non_null(hb);
        LPVOID vb = MapViewOfFile(hb, FILE_MAP_ALL_ACCESS, 0, 0, 0);
        assert_non_null(vb);
        assert_int_equal(read32(b, VA(vb)), 0x12345678);
        uint64_t fa = frame_of(a, VA(va)), fb = frame_of(b, VA(vb));
        assert_int_equal(fa, fb);
        struct ntmm_pfn_info info = pfn_of(fa);
        assert_int_equal(info.u2, 2); /* ShareCount */
        assert_true(info.prototype_pte);
        assert_true(leaf(b, VA(vb)).prototype);
        MEMORY_BASIC_INFORMATION mbi;
        assert_int_equal(VirtualQuery(vb, &mbi, sizeof mbi), sizeof mbi);
        assert_int_equal(mbi.Type, MEM_MAPPED);
        assert_int_equal(mbi.AllocationProtect, PAGE_READWRITE);
        assert_int_equal(mbi.RegionSize, 4096);
        struct ntmm_vad_info vad;
        assert_true(ntmm_vad_at(b, 1, &vad) || ntmm_vad_at(b, 0, &vad));
        test_verify(m);

        /* a write through B is seen by A */
        write32(b, VA(vb) + 8, 0xcafe);
        assert_int_equal(read32(a, VA(va) + 8), 0xcafe);
        assert_true(UnmapViewOfFile(vb));
        assert_int_equal(pfn_of(fa).u2, 1);
        assert_true(CloseHandle(hb));
        ntmm_set_current_process(a);
        assert_true(UnmapViewOfFile(va));
        /* the page stays in transition while the section lives */
        assert_int_equal(pfn_of(fa).page_location, ModifiedPageList);
        test_verify(m);
        /* and the data with it */
        LPVOID again = MapViewOfFile(ha, FILE_MAP_READ, 0, 0, 0);
        assert_int_equal(read32(a, VA(again)), 0x12345678);
        assert_int_equal(frame_of(a, VA(again)), fa);
        assert_true(UnmapViewOfFile(again));
        assert_true(CloseHandle(ha));
        /* the last reference frees the frame and the commit */
        assert_int_equal(pfn_of(fa).page_location, FreePageList);
        assert_null(m->mm.control_areas);
        assert_int_equal(m->mm.section_commit, 0);
        test_verify(m);
        teardown();
    }
}

static HANDLE make_file(const char *text)
{
    HANDLE f = CreateFileA("C:\\abc.txt", GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ |
                           FILE_SHARE_WRITE, NULL, CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
    assert_ptr_not_equal(f, INVALID_HANDLE_VALUE);
    PVOID buffer = VirtualAlloc(NULL, 4096, MEM_COMMIT, PAGE_READWRITE);
    assert_int_equal(ntmm_write(ntmm_current_process(), VA(buffer), text, strlen(text)),
                     STATUS_SUCCESS);
    /* lpNumberOfBytesWritten is a simulated address too */
    LPDWORD done = (LPDWORD)((char *)buffer + 2048);
    assert_true(WriteFile(f, buffer, (DWORD)strlen(text), done, NULL));
    assert_int_equal(read32(ntmm_current_process(), VA(done)), strlen(text));
    VirtualFree(buffer, 0, MEM_RELEASE);
    return f;
}

static void host_file(char *out, size_t size)
{
    char path[128];
    snprintf(path, sizeof path, "%s/abc.txt", root);
    int fd = open(path, O_RDONLY);
    assert_true(fd >= 0);
    ssize_t n = read(fd, out, size - 1);
    assert_true(n >= 0);
    out[n] = '\0';
    close(fd);
}

/* E5 (seed 004): the same over a file; writes reach it when flushed,
 * unmapped or when the last reference goes. */
static void test_e5_mapped_file(void **state)
{
    (void)state;
    for (size_t i = 0; i < 3; i++) {
        setup(arches[i]);
        HANDLE f = make_file("MappedMemoryA");
        HANDLE ha = CreateFileMappingA(f, NULL, PAGE_READWRITE, 0, 0, "MappedFileA");
        assert_non_null(ha);
        LPVOID va = MapViewOfFile(ha, FILE_MAP_WRITE, 0, 0, 0);
        assert_non_null(va);
        char text[32] = { 0 };
        assert_int_equal(ntmm_read(a, VA(va), text, 13), STATUS_SUCCESS);
        assert_string_equal(text, "MappedMemoryA");
        /* the section is exactly the file: 13 bytes */
        SECTION_BASIC_INFORMATION sbi;
        SIZE_T got;
        assert_int_equal(NtQuerySection(ha, SectionBasicInformation, &sbi, sizeof sbi, &got),
                         STATUS_SUCCESS);
        assert_int_equal(sbi.MaximumSize.QuadPart, 13);
        assert_int_equal(sbi.AllocationAttributes, SEC_FILE);

        /* B opens the file itself: one control area for both */
        ntmm_set_current_process(b);
        HANDLE fb = CreateFileA("C:\\abc.txt", GENERIC_READ | GENERIC_WRITE,
                                FILE_SHARE_READ | FILE_SHARE_WRITE, NULL, OPEN_EXISTING, 0,
                                NULL);
        HANDLE hb = CreateFileMappingA(fb, NULL, PAGE_READWRITE, 0, 0, NULL);
        LPVOID vb = MapViewOfFile(hb, FILE_MAP_WRITE, 0, 0, 0);
        assert_non_null(vb);
        (void)read32(b, VA(vb));
        assert_int_equal(frame_of(b, VA(vb)), frame_of(a, VA(va)));
        assert_int_equal(ntmm_write(b, VA(vb), "mapped", 6), STATUS_SUCCESS);
        assert_int_equal(ntmm_read(a, VA(va), text, 13), STATUS_SUCCESS);
        assert_string_equal(text, "mappedMemoryA");
        /* ReadFile sees the view's write before any flush, and a view sees
         * WriteFile's: both go through the section's frames (the cache) */
        PVOID buffer = VirtualAlloc(NULL, 4096, MEM_COMMIT, PAGE_READWRITE);
        assert_int_equal(SetFilePointer(fb, 0, NULL, FILE_BEGIN), 0);
        assert_true(ReadFile(fb, buffer, 13, NULL, NULL));
        assert_int_equal(ntmm_read(b, VA(buffer), text, 13), STATUS_SUCCESS);
        assert_string_equal(text, "mappedMemoryA");
        assert_int_equal(ntmm_write(b, VA(buffer), "X", 1), STATUS_SUCCESS);
        assert_int_equal(SetFilePointer(fb, 12, NULL, FILE_BEGIN), 12);
        assert_true(WriteFile(fb, buffer, 1, NULL, NULL));
        assert_int_equal(ntmm_read(a, VA(va), text, 13), STATUS_SUCCESS);
        assert_string_equal(text, "mappedMemoryX");
        assert_int_equal(ntmm_write(b, VA(vb) + 12, "A", 1), STATUS_SUCCESS);
        VirtualFree(buffer, 0, MEM_RELEASE);
        char disk[64];
        host_file(disk, sizeof disk);
        assert_string_equal(disk, "MappedMemoryX"); /* the view's write: not yet */
        assert_true(FlushViewOfFile(vb, 0));
        host_file(disk, sizeof disk);
        assert_string_equal(disk, "mappedMemoryA");
        test_verify(m);

        /* unmapping writes what the view wrote */
        assert_int_equal(ntmm_write(b, VA(vb) + 6, "MEMORY", 6), STATUS_SUCCESS);
        assert_true(UnmapViewOfFile(vb));
        host_file(disk, sizeof disk);
        assert_string_equal(disk, "mappedMEMORYA");
        assert_true(CloseHandle(hb));
        assert_true(CloseHandle(fb));

        /* the last close writes the rest */
        ntmm_set_current_process(a);
        assert_int_equal(ntmm_write(a, VA(va) + 12, "!", 1), STATUS_SUCCESS);
        assert_true(CloseHandle(ha));
        assert_true(CloseHandle(f));
        host_file(disk, sizeof disk);
        assert_string_equal(disk, "mappedMEMORYA"); /* the view still holds it */
        assert_true(UnmapViewOfFile(va));
        host_file(disk, sizeof disk);
        assert_string_equal(disk, "mappedMEMORY!");
        assert_null(m->mm.control_areas);
        test_verify(m);
        teardown();
    }
}

/* E7: a write to a FILE_MAP_COPY view gives the writer a private copy,
 * charged to its commit at map time; the other view and the file keep the
 * original; VirtualQuery shows that page READWRITE, the others WRITECOPY
 * (Wine's test_mapping records Windows doing so). */
static void test_e7_copy_on_write(void **state)
{
    (void)state;
    for (size_t i = 0; i < 3; i++) {
        setup(arches[i]);
        HANDLE f = make_file("original");
        HANDLE h = CreateFileMappingA(f, NULL, PAGE_READONLY, 0, 0x3000, NULL);
        assert_null(h); /* a read-only section cannot grow its file */
        assert_int_equal(GetLastError(), ERROR_NOT_ENOUGH_MEMORY);
        h = CreateFileMappingA(f, NULL, PAGE_READWRITE, 0, 0x3000, NULL);
        assert_non_null(h);
        uint64_t before = a->as.commit_charge;
        LPVOID copy = MapViewOfFile(h, FILE_MAP_COPY, 0, 0, 0);
        LPVOID shared = MapViewOfFile(h, FILE_MAP_READ, 0, 0, 0);
        assert_non_null(copy);
        assert_non_null(shared);
        assert_int_equal(a->as.commit_charge, before + 3);
        char text[16] = { 0 };
        assert_int_equal(ntmm_read(a, VA(copy), text, 8), STATUS_SUCCESS);
        assert_string_equal(text, "original");
        uint64_t original = frame_of(a, VA(copy));
        (void)read32(a, VA(shared));
        assert_int_equal(original, frame_of(a, VA(shared)));
        assert_int_equal(pfn_of(original).u2, 2);
        struct ntmm_pte_info pte = leaf(a, VA(copy));
        assert_true(pte.copy_on_write);
        assert_false(pte.write);

        assert_int_equal(ntmm_write(a, VA(copy), "CHANGED!", 8), STATUS_SUCCESS);
        uint64_t mine = frame_of(a, VA(copy));
        assert_int_not_equal(mine, original);
        assert_false(pfn_of(mine).prototype_pte);
        assert_false(leaf(a, VA(copy)).prototype);
        assert_int_equal(pfn_of(original).u2, 1); /* only the read view now */
        assert_int_equal(ntmm_read(a, VA(shared), text, 8), STATUS_SUCCESS);
        assert_string_equal(text, "original");
        MEMORY_BASIC_INFORMATION mbi;
        VirtualQuery(copy, &mbi, sizeof mbi);
        assert_int_equal(mbi.Protect, PAGE_READWRITE);
        assert_int_equal(mbi.RegionSize, 0x1000);
        assert_int_equal(mbi.AllocationProtect, PAGE_WRITECOPY);
        assert_int_equal(mbi.Type, MEM_MAPPED);
        VirtualQuery((char *)copy + 0x1000, &mbi, sizeof mbi);
        assert_int_equal(mbi.Protect, PAGE_WRITECOPY);
        assert_int_equal(mbi.RegionSize, 0x2000);
        /* a first touch by a write copies at once */
        assert_int_equal(ntmm_write(a, VA(copy) + 0x2000, "x", 1), STATUS_SUCCESS);
        assert_false(leaf(a, VA(copy) + 0x2000).prototype);
        test_verify(m);
        assert_true(FlushViewOfFile(copy, 0));
        assert_true(UnmapViewOfFile(copy));
        char disk[64];
        host_file(disk, sizeof disk);
        assert_int_equal(memcmp(disk, "original", 8), 0);
        assert_int_equal(a->as.commit_charge, before);
        /* the read-only view cannot be written */
        assert_int_equal(ntmm_write(a, VA(shared), "x", 1), STATUS_ACCESS_VIOLATION);
        assert_true(UnmapViewOfFile(shared));
        CloseHandle(h);
        CloseHandle(f);
        test_verify(m);
        teardown();
    }
}

/* SEC_RESERVE: views see reserved pages until VirtualAlloc commits them,
 * and then every view sees them committed (Wine's test_mapping). */
static void test_sec_reserve(void **state)
{
    (void)state;
    setup(NTMM_ARCH_X86_PAE);
    HANDLE h = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE | SEC_RESERVE, 0,
                                  0x10000, NULL);
    LPVOID v1 = MapViewOfFile(h, FILE_MAP_WRITE, 0, 0, 0);
    LPVOID v2 = MapViewOfFile(h, FILE_MAP_READ, 0, 0, 0);
    MEMORY_BASIC_INFORMATION mbi;
    VirtualQuery(v1, &mbi, sizeof mbi);
    assert_int_equal(mbi.State, MEM_RESERVE);
    assert_int_equal(mbi.RegionSize, 0x10000);
    assert_int_equal(ntmm_write(a, VA(v1), "x", 1), STATUS_ACCESS_VIOLATION);
    uint64_t committed = m->mm.section_commit;
    assert_ptr_equal(VirtualAlloc((char *)v1 + 0x1000, 0x2000, MEM_COMMIT, PAGE_READWRITE),
                     (char *)v1 + 0x1000);
    assert_int_equal(m->mm.section_commit, committed + 2);
    /* a read-only view cannot commit writable pages (Wine's test_mapping) */
    assert_null(VirtualAlloc((char *)v2 + 0x4000, 0x1000, MEM_COMMIT, PAGE_READWRITE));
    assert_int_equal(GetLastError(), ERROR_INVALID_PARAMETER);
    VirtualQuery((char *)v2 + 0x1000, &mbi, sizeof mbi);
    assert_int_equal(mbi.State, MEM_COMMIT);
    assert_int_equal(mbi.Protect, PAGE_READONLY);
    assert_int_equal(mbi.RegionSize, 0x2000);
    assert_int_equal(ntmm_write(a, VA(v1) + 0x1000, "y", 1), STATUS_SUCCESS);
    char c = 0;
    assert_int_equal(ntmm_read(a, VA(v2) + 0x1000, &c, 1), STATUS_SUCCESS);
    assert_int_equal(c, 'y');
    test_verify(m);
    UnmapViewOfFile(v1);
    UnmapViewOfFile(v2);
    CloseHandle(h);
    assert_int_equal(m->mm.section_commit, 0);
    test_verify(m);
    teardown();
}

/* Errors, with Windows' evidence (Wine's kernel32 and ntdll tests unless
 * said otherwise). */
static void test_errors(void **state)
{
    (void)state;
    setup(NTMM_ARCH_X86_PAE);
    /* size 0 on the pagefile: kernelbase's own check */
    assert_null(CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, 0, NULL));
    assert_int_equal(GetLastError(), ERROR_INVALID_PARAMETER);
    LARGE_INTEGER zero = { .QuadPart = 0 };
    HANDLE h;
    assert_int_equal(NtCreateSection(&h, SECTION_ALL_ACCESS, NULL, &zero, PAGE_READWRITE,
                                     SEC_COMMIT, NULL),
                     STATUS_INVALID_PARAMETER_4);
    /* protections */
    assert_null(CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_NOACCESS, 0, 4096, NULL));
    assert_int_equal(GetLastError(), ERROR_INVALID_PARAMETER);
    assert_null(CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, 0, 0, 4096, NULL));
    assert_int_equal(GetLastError(), ERROR_INVALID_PARAMETER);
    assert_null(CreateFileMappingA(INVALID_HANDLE_VALUE, NULL,
                                   PAGE_READWRITE | SEC_COMMIT | SEC_RESERVE, 0, 4096, NULL));
    assert_int_equal(GetLastError(), ERROR_INVALID_PARAMETER);
    assert_null(CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READONLY | SEC_IMAGE, 0,
                                   4096, NULL));
    assert_int_equal(GetLastError(), ERROR_BAD_EXE_FORMAT);
    /* an existing name opens it; another type's name is ERROR_INVALID_HANDLE */
    HANDLE s1 = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, 4096, "Same");
    HANDLE s2 = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, 8192, "Same");
    assert_non_null(s2);
    assert_int_equal(GetLastError(), ERROR_ALREADY_EXISTS);
    assert_null(OpenFileMappingA(FILE_MAP_READ, FALSE, "same")); /* case-sensitive */
    assert_int_equal(GetLastError(), ERROR_FILE_NOT_FOUND);
    /* views: alignment, size, protection */
    assert_null(MapViewOfFile(s1, FILE_MAP_READ, 0, 1, 0));
    assert_int_equal(GetLastError(), ERROR_MAPPED_ALIGNMENT);
    assert_null(MapViewOfFile(s1, FILE_MAP_READ, 0, 0, 4097));
    assert_int_equal(GetLastError(), ERROR_ACCESS_DENIED);
    assert_null(MapViewOfFile(s1, FILE_MAP_READ, 0, 0x10000, 0));
    assert_int_equal(GetLastError(), ERROR_ACCESS_DENIED);
    assert_null(MapViewOfFileEx(s1, FILE_MAP_READ, 0, 0, 0, (LPVOID)0x20001000));
    assert_int_equal(GetLastError(), ERROR_MAPPED_ALIGNMENT);
    LPVOID v = MapViewOfFile(s1, FILE_MAP_READ, 0, 0, 0);
    assert_null(MapViewOfFileEx(s1, FILE_MAP_READ, 0, 0, 0, v));
    assert_int_equal(GetLastError(), ERROR_INVALID_ADDRESS);
    HANDLE ro = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READONLY, 0, 4096, NULL);
    assert_null(MapViewOfFile(ro, FILE_MAP_WRITE, 0, 0, 0));
    assert_int_equal(GetLastError(), ERROR_ACCESS_DENIED);
    LPVOID cow = MapViewOfFile(ro, FILE_MAP_COPY, 0, 0, 0);
    assert_non_null(cow);
    /* with every right on the handle, the section's protection decides
     * (ReactOS's ZwMapViewOfSection tests, run on Windows) */
    PVOID base = NULL;
    SIZE_T size = 0;
    LARGE_INTEGER page = { .QuadPart = 4096 };
    HANDLE all;
    assert_int_equal(NtCreateSection(&all, SECTION_ALL_ACCESS, NULL, &page, PAGE_READWRITE,
                                     SEC_COMMIT, NULL),
                     STATUS_SUCCESS);
    assert_int_equal(NtMapViewOfSection(all, NtCurrentProcess(), &base, 0, 0, NULL, &size,
                                        ViewShare, 0, PAGE_EXECUTE_READ),
                     STATUS_SECTION_PROTECTION);
    assert_int_equal(NtMapViewOfSection(s1, NtCurrentProcess(), &base, 0, 0, NULL, &size,
                                        ViewShare, 0, PAGE_EXECUTE_READ),
                     STATUS_ACCESS_DENIED);
    CloseHandle(all);
    /* a view is not private memory */
    assert_false(VirtualFree(v, 0, MEM_RELEASE));
    assert_int_equal(GetLastError(), ERROR_INVALID_PARAMETER);
    assert_false(VirtualFree(v, 4096, MEM_DECOMMIT));
    assert_int_equal(GetLastError(), ERROR_INVALID_PARAMETER);
    DWORD old;
    assert_false(VirtualProtect(v, 4096, PAGE_READWRITE, &old)); /* a read view */
    assert_int_equal(GetLastError(), ERROR_INVALID_PARAMETER);
    /* unmapping: any address inside a view; not private or free memory */
    LPVOID priv = VirtualAlloc(NULL, 4096, MEM_COMMIT, PAGE_READWRITE);
    assert_false(UnmapViewOfFile(priv));
    assert_int_equal(GetLastError(), ERROR_INVALID_ADDRESS);
    assert_true(FlushViewOfFile(priv, 0)); /* STATUS_NOT_MAPPED_DATA is success */
    assert_false(FlushViewOfFile((LPCVOID)0x50000000, 0));
    assert_int_equal(GetLastError(), ERROR_INVALID_ADDRESS);
    assert_true(UnmapViewOfFile((char *)v + 100));
    assert_false(UnmapViewOfFile(v));
    assert_int_equal(GetLastError(), ERROR_INVALID_ADDRESS);
    /* an empty file cannot be mapped; a read-only file not writably */
    HANDLE f = CreateFileA("C:\\abc.txt", GENERIC_READ | GENERIC_WRITE, 0, NULL, CREATE_ALWAYS,
                           0, NULL);
    assert_null(CreateFileMappingA(f, NULL, PAGE_READWRITE, 0, 0, NULL));
    assert_int_equal(GetLastError(), ERROR_FILE_INVALID);
    CloseHandle(f);
    f = CreateFileA("C:\\abc.txt", GENERIC_READ, 0, NULL, OPEN_EXISTING, 0, NULL);
    assert_null(CreateFileMappingA(f, NULL, PAGE_READWRITE, 0, 4096, NULL));
    assert_int_equal(GetLastError(), ERROR_ACCESS_DENIED);
    CloseHandle(f);
    /* NtQuerySection */
    SECTION_BASIC_INFORMATION sbi;
    assert_int_equal(NtQuerySection(s1, SectionBasicInformation, &sbi, sizeof sbi - 1, NULL),
                     STATUS_INFO_LENGTH_MISMATCH);
    assert_int_equal(NtQuerySection(s1, SectionBasicInformation, &sbi, sizeof sbi, NULL),
                     STATUS_SUCCESS);
    assert_int_equal(sbi.AllocationAttributes, SEC_COMMIT);
    assert_int_equal(sbi.MaximumSize.QuadPart, 4096);
    UnmapViewOfFile(cow);
    CloseHandle(ro);
    CloseHandle(s1);
    CloseHandle(s2);
    test_verify(m);
    teardown();
}

/* FILE_MAP_EXECUTE of an executable section: an executable view */
static void test_execute_view(void **state)
{
    (void)state;
    setup(NTMM_ARCH_X64);
    HANDLE h = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_EXECUTE_READWRITE, 0, 0x1000,
                                  NULL);
    assert_non_null(h);
    LPVOID x = MapViewOfFile(h, FILE_MAP_READ | FILE_MAP_EXECUTE, 0, 0, 0);
    LPVOID nx = MapViewOfFile(h, FILE_MAP_READ, 0, 0, 0);
    assert_non_null(x);
    MEMORY_BASIC_INFORMATION mbi;
    VirtualQuery(x, &mbi, sizeof mbi);
    assert_int_equal(mbi.Protect, PAGE_EXECUTE_READ);
    assert_int_equal(ntmm_execute(a, VA(x)), STATUS_SUCCESS);
    assert_int_equal(ntmm_execute(a, VA(nx)), STATUS_ACCESS_VIOLATION); /* NX */
    HANDLE plain = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, 0x1000, NULL);
    assert_null(MapViewOfFile(plain, FILE_MAP_READ | FILE_MAP_EXECUTE, 0, 0, 0));
    assert_int_equal(GetLastError(), ERROR_ACCESS_DENIED);
    UnmapViewOfFile(x);
    UnmapViewOfFile(nx);
    CloseHandle(h);
    CloseHandle(plain);
    test_verify(m);
    teardown();
}

/* VirtualProtect in views (view.c (5), Wine's test_mapping): within what
 * the view allows; a shared page made no-access leaves the process (its PTE
 * points at the prototype PTE again, ShareCount drops); guard pages are
 * one-shot; a read view may become copy-on-write, charging commit. */
static void test_protect_views(void **state)
{
    (void)state;
    for (size_t i = 0; i < 3; i++) {
        setup(arches[i]);
        HANDLE h = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, 0x4000, NULL);
        LPVOID rw = MapViewOfFile(h, FILE_MAP_WRITE, 0, 0, 0);
        LPVOID ro = MapViewOfFile(h, FILE_MAP_READ, 0, 0, 0);
        write32(a, VA(rw), 0x1111);
        assert_int_equal(read32(a, VA(ro)), 0x1111);
        uint64_t frame = frame_of(a, VA(rw));
        assert_int_equal(pfn_of(frame).u2, 2);
        DWORD old = 0;
        /* a read view cannot be made writable, nor executable */
        assert_false(VirtualProtect(ro, 0x1000, PAGE_READWRITE, &old));
        assert_int_equal(GetLastError(), ERROR_INVALID_PARAMETER);
        assert_false(VirtualProtect(ro, 0x1000, PAGE_EXECUTE_READ, &old));
        /* no access: the page leaves this view */
        assert_true(VirtualProtect(rw, 0x1000, PAGE_NOACCESS, &old));
        assert_int_equal(old, PAGE_READWRITE);
        assert_int_equal(leaf(a, VA(rw)).kind, NTMM_PTE_PROTOTYPE);
        assert_int_equal(pfn_of(frame).u2, 1);
        uint32_t v;
        assert_int_equal(ntmm_read(a, VA(rw), &v, 4), STATUS_ACCESS_VIOLATION);
        MEMORY_BASIC_INFORMATION mbi;
        VirtualQuery(rw, &mbi, sizeof mbi);
        assert_int_equal(mbi.Protect, PAGE_NOACCESS);
        assert_int_equal(mbi.RegionSize, 0x1000);
        test_verify(m);
        assert_true(VirtualProtect(rw, 0x1000, PAGE_READWRITE, &old));
        assert_int_equal(old, PAGE_NOACCESS);
        assert_int_equal(read32(a, VA(rw)), 0x1111);
        /* read-only in one view; the other still writes */
        assert_true(VirtualProtect(rw, 0x1000, PAGE_READONLY, &old));
        assert_int_equal(ntmm_write(a, VA(rw), &v, 4), STATUS_ACCESS_VIOLATION);
        /* guard: one-shot */
        assert_true(VirtualProtect((char *)rw + 0x1000, 0x1000, PAGE_READWRITE | PAGE_GUARD, &old));
        assert_int_equal(ntmm_read(a, VA(rw) + 0x1000, &v, 4), STATUS_GUARD_PAGE_VIOLATION);
        assert_int_equal(ntmm_read(a, VA(rw) + 0x1000, &v, 4), STATUS_SUCCESS);
        VirtualQuery((char *)rw + 0x1000, &mbi, sizeof mbi);
        assert_int_equal(mbi.Protect, PAGE_READWRITE);
        /* copy-on-write on a read view: charged now, a private copy on write */
        uint64_t charge = a->as.commit_charge;
        assert_true(VirtualProtect((char *)ro + 0x2000, 0x2000, PAGE_WRITECOPY, &old));
        assert_int_equal(old, PAGE_READONLY);
        assert_int_equal(a->as.commit_charge, charge + 2);
        write32(a, VA(ro) + 0x2000, 0x2222);
        assert_int_equal(read32(a, VA(rw) + 0x2000), 0);
        VirtualQuery((char *)ro + 0x2000, &mbi, sizeof mbi);
        assert_int_equal(mbi.Protect, PAGE_READWRITE);
        assert_int_equal(mbi.RegionSize, 0x1000);
        /* the copy made no-access keeps its bytes in transition */
        assert_true(VirtualProtect((char *)ro + 0x2000, 0x1000, PAGE_NOACCESS, &old));
        assert_int_equal(old, PAGE_READWRITE);
        assert_int_equal(leaf(a, VA(ro) + 0x2000).kind, NTMM_PTE_TRANSITION);
        test_verify(m);
        assert_true(VirtualProtect((char *)ro + 0x2000, 0x1000, PAGE_READONLY, &old));
        assert_int_equal(read32(a, VA(ro) + 0x2000), 0x2222);
        /* back to read-only: the uncopied page's charge goes */
        assert_true(VirtualProtect((char *)ro + 0x3000, 0x1000, PAGE_READONLY, &old));
        assert_int_equal(a->as.commit_charge, charge + 1);
        test_verify(m);
        assert_true(UnmapViewOfFile(ro));
        assert_int_equal(a->as.commit_charge, charge);
        assert_true(UnmapViewOfFile(rw));
        CloseHandle(h);
        test_verify(m);
        teardown();
    }
}

/* Found by review, each once wrong: a view that would run past the user
 * address space (it used to map over the self-map), a section smaller than
 * its file and a file grown after its section (pages read only the
 * section's bytes, and the write-back zeroed the rest), a frame reused
 * after a section still marked PrototypePte, CommitSize of a SEC_RESERVE
 * view, and a flush of size -1. */
static void test_review_findings(void **state)
{
    (void)state;
    /* a view at the top of a 3 GB space */
    struct ntmm_config config;
    ntmm_config_init(&config);
    config.arch = NTMM_ARCH_X86_PAE;
    config.ram_bytes = 32ull << 20;
    config.increase_user_va = 3072;
    struct ntmm_process_options laa = { "laa.exe", false, true, NULL };
    struct ntmm_machine *big;
    struct ntmm_process *p;
    assert_int_equal(ntmm_machine_create(&config, &big), STATUS_SUCCESS);
    assert_int_equal(ntmm_process_create(big, &laa, &p), STATUS_SUCCESS);
    ntmm_set_current_process(p);
    HANDLE s1 = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, 0x100000, NULL);
    PVOID base = (PVOID)0xbffe0000;
    SIZE_T size = 0;
    assert_int_equal(NtMapViewOfSection(s1, NtCurrentProcess(), &base, 0, 0, NULL, &size,
                                        ViewShare, 0, PAGE_READWRITE),
                     STATUS_INVALID_VIEW_SIZE);
    CloseHandle(s1);
    test_verify(big);
    ntmm_machine_destroy(big);

    setup(NTMM_ARCH_X86_PAE);
    /* a 3-byte section of a 0x800-byte file: the page is the file's */
    HANDLE f = make_file("0123456789abcdefBBBB");
    HANDLE small = CreateFileMappingA(f, NULL, PAGE_READWRITE, 0, 3, NULL);
    LPVOID v = MapViewOfFile(small, FILE_MAP_WRITE, 0, 0, 0);
    char c = 0;
    assert_int_equal(ntmm_read(a, VA(v) + 16, &c, 1), STATUS_SUCCESS);
    assert_int_equal(c, 'B');
    assert_int_equal(ntmm_write(a, VA(v), "Z", 1), STATUS_SUCCESS);
    assert_true(UnmapViewOfFile(v));
    CloseHandle(small);
    char disk[64];
    host_file(disk, sizeof disk);
    assert_string_equal(disk, "Z123456789abcdefBBBB");
    /* the file grows under its section, a larger section sees the growth */
    HANDLE first = CreateFileMappingA(f, NULL, PAGE_READWRITE, 0, 0, NULL);
    PVOID buffer = VirtualAlloc(NULL, 4096, MEM_COMMIT, PAGE_READWRITE);
    ntmm_write(a, VA(buffer), "XYZ", 3);
    assert_int_equal(SetFilePointer(f, 0x100, NULL, FILE_BEGIN), 0x100);
    assert_true(WriteFile(f, buffer, 3, NULL, NULL));
    HANDLE second = CreateFileMappingA(f, NULL, PAGE_READWRITE, 0, 0x3000, NULL);
    v = MapViewOfFile(second, FILE_MAP_WRITE, 0, 0, 0);
    char text[4] = { 0 };
    assert_int_equal(ntmm_read(a, VA(v) + 0x100, text, 3), STATUS_SUCCESS);
    assert_string_equal(text, "XYZ");
    ntmm_write(a, VA(v), "Y", 1);
    assert_true(UnmapViewOfFile(v));
    CloseHandle(second);
    CloseHandle(first);
    assert_int_equal(GetFileSize(f, NULL), 0x3000);
    assert_int_equal(SetFilePointer(f, 0x100, NULL, FILE_BEGIN), 0x100);
    assert_true(ReadFile(f, buffer, 3, NULL, NULL));
    ntmm_read(a, VA(buffer), text, 3);
    assert_string_equal(text, "XYZ");
    CloseHandle(f);
    test_verify(m);
    /* a section's frame, freed, comes back as a private copy: not a prototype page */
    HANDLE h = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, 0x10000, NULL);
    v = MapViewOfFile(h, FILE_MAP_WRITE, 0, 0, 0);
    for (unsigned i = 0; i < 16; i++)
        write32(a, VA(v) + i * 0x1000, i);
    UnmapViewOfFile(v);
    CloseHandle(h);
    ntmm_machine_idle(m);
    h = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, 0x10000, NULL);
    v = MapViewOfFile(h, FILE_MAP_COPY, 0, 0, 0);
    for (unsigned i = 0; i < 16; i++)
        write32(a, VA(v) + i * 0x1000, i);
    test_verify(m);
    /* a flush of size -1 is a flush to the end of the view */
    PVOID at = v;
    SIZE_T all = (SIZE_T)-1;
    IO_STATUS_BLOCK io;
    assert_int_equal(NtFlushVirtualMemory(NtCurrentProcess(), &at, &all, &io), STATUS_SUCCESS);
    assert_int_equal(all, 0x10000);
    UnmapViewOfFile(v);
    CloseHandle(h);
    /* CommitSize commits the start of a SEC_RESERVE view; not with MEM_RESERVE */
    h = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE | SEC_RESERVE, 0, 0x4000,
                           NULL);
    base = NULL;
    size = 0;
    assert_int_equal(NtMapViewOfSection(h, NtCurrentProcess(), &base, 0, 0x1000, NULL, &size,
                                        ViewShare, MEM_RESERVE, PAGE_READWRITE),
                     STATUS_INVALID_PARAMETER_9);
    assert_int_equal(NtMapViewOfSection(h, NtCurrentProcess(), &base, 0, 0x1000, NULL, &size,
                                        ViewShare, 0, PAGE_READWRITE),
                     STATUS_SUCCESS);
    assert_int_equal(ntmm_write(a, VA(base), "x", 1), STATUS_SUCCESS);
    assert_int_equal(ntmm_write(a, VA(base) + 0x1000, "x", 1), STATUS_ACCESS_VIOLATION);
    UnmapViewOfFile(base);
    CloseHandle(h);
    test_verify(m);
    teardown();
}

/* A file with a section cannot shrink (ERROR_USER_MAPPED_FILE) nor be
 * deleted (ERROR_ACCESS_DENIED), even with no view mapped; it may grow
 * (NTFS in the btrfs driver's mmap tests, which match Windows). */
static void test_mapped_file_rules(void **state)
{
    (void)state;
    setup(NTMM_ARCH_X86);
    HANDLE f = make_file("0123456789");
    HANDLE h = CreateFileMappingA(f, NULL, PAGE_READONLY, 0, 0, NULL);
    assert_non_null(h);
    assert_int_equal(SetFilePointer(f, 4, NULL, FILE_BEGIN), 4);
    assert_false(SetEndOfFile(f));
    assert_int_equal(GetLastError(), ERROR_USER_MAPPED_FILE);
    assert_int_equal(GetFileSize(f, NULL), 10);
    assert_int_equal(SetFilePointer(f, 20, NULL, FILE_BEGIN), 20);
    assert_true(SetEndOfFile(f));
    /* no commit in a view of a file (Wine's test_mapping) */
    LPVOID view = MapViewOfFile(h, FILE_MAP_READ, 0, 0, 0);
    assert_null(VirtualAlloc(view, 0x1000, MEM_COMMIT, PAGE_READONLY));
    assert_int_equal(GetLastError(), ERROR_ACCESS_DENIED);
    assert_true(UnmapViewOfFile(view));
    assert_true(CloseHandle(f));
    assert_false(DeleteFileA("C:\\abc.txt"));
    assert_int_equal(GetLastError(), ERROR_ACCESS_DENIED);
    assert_true(CloseHandle(h));
    f = CreateFileA("C:\\abc.txt", GENERIC_WRITE, 0, NULL, OPEN_EXISTING, 0, NULL);
    assert_int_equal(SetFilePointer(f, 4, NULL, FILE_BEGIN), 4);
    assert_true(SetEndOfFile(f));
    assert_true(CloseHandle(f));
    assert_true(DeleteFileA("C:\\abc.txt"));
    test_verify(m);
    teardown();
}

/* Views die with their process; the section lives on with its handle. */
static void test_process_exit(void **state)
{
    (void)state;
    setup(NTMM_ARCH_X64);
    HANDLE h = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, 0x20000, "X");
    ntmm_set_current_process(b);
    HANDLE hb = OpenFileMappingA(FILE_MAP_WRITE, FALSE, "X");
    LPVOID vb = MapViewOfFile(hb, FILE_MAP_WRITE, 0, 0, 0);
    write32(b, VA(vb) + 0x1f000, 7);
    ntmm_set_current_process(a);
    ntmm_process_terminate(b);
    b = NULL;
    test_verify(m);
    LPVOID va = MapViewOfFile(h, FILE_MAP_READ, 0, 0, 0);
    assert_int_equal(read32(a, VA(va) + 0x1f000), 7);
    test_verify(m);
    teardown();
}

/* A random walk over views of a pagefile-backed and a file-backed section
 * in two processes, against a model: the sections' bytes, each view page's
 * protection, and a private overlay per view page once copied. Reads and
 * writes must see the model and fault where its protection says, and
 * VirtualProtect must allow what view.c (5) allows; the verifier must pass
 * after every step, and at the end the file holds the model's bytes. */
#define SECTION_PAGES 32
#define MAX_VIEWS 6

struct model_view {
    bool used;
    int process, section;
    DWORD access;
    uint64_t base, offset;            /* offset in pages */
    DWORD protect[SECTION_PAGES];     /* PAGE_* of each page now */
    uint8_t *copy[SECTION_PAGES];     /* private copies */
};

/* What VirtualProtect(wanted) does to a page of v: the protection it
 * gets, or 0 when the view does not allow it (view.c (5)). */
static DWORD model_protect(const struct model_view *v, int page, DWORD wanted)
{
    if (wanted != PAGE_READWRITE)
        return v->copy[page] && wanted == PAGE_WRITECOPY ? PAGE_READWRITE : wanted;
    if (v->copy[page] || v->access == FILE_MAP_WRITE)
        return PAGE_READWRITE;
    return v->access == FILE_MAP_COPY ? PAGE_WRITECOPY : 0;
}

static void random_views(enum ntmm_arch arch, unsigned seed)
{
    setup(arch);
    srand(seed);
    static uint8_t bytes[2][SECTION_PAGES * 4096];
    memset(bytes, 0, sizeof bytes);
    HANDLE f = make_file("x");
    bytes[1][0] = 'x';
    HANDLE sections[2];
    sections[0] = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0,
                                     SECTION_PAGES * 4096, "Random");
    sections[1] = CreateFileMappingA(f, NULL, PAGE_READWRITE, 0, SECTION_PAGES * 4096, "File");
    struct ntmm_process *procs[2] = { a, b };
    ntmm_set_current_process(b);
    HANDLE opened[2] = { OpenFileMappingA(FILE_MAP_ALL_ACCESS, FALSE, "Random"),
                         OpenFileMappingA(FILE_MAP_ALL_ACCESS, FALSE, "File") };
    assert_non_null(opened[0]);
    assert_non_null(opened[1]);
    struct model_view views[MAX_VIEWS] = { 0 };
    static const DWORD accesses[] = { FILE_MAP_WRITE, FILE_MAP_READ, FILE_MAP_COPY };
    static const DWORD initial[] = { PAGE_READWRITE, PAGE_READONLY, PAGE_WRITECOPY };
    static const DWORD protections[] = { PAGE_READONLY, PAGE_READWRITE, PAGE_WRITECOPY,
                                         PAGE_NOACCESS };
    for (int step = 0; step < 2000; step++) {
        struct model_view *v = &views[rand() % MAX_VIEWS];
        int op = rand() % 12;
        if (!v->used) {
            int kind = rand() % 3;
            v->process = rand() % 2;
            v->section = rand() % 2;
            v->access = accesses[kind];
            v->offset = (rand() % 2) * 16;
            for (int i = 0; i < SECTION_PAGES; i++)
                v->protect[i] = initial[kind];
            ntmm_set_current_process(procs[v->process]);
            HANDLE h = v->process ? opened[v->section] : sections[v->section];
            LPVOID p = MapViewOfFile(h, v->access, 0, (DWORD)(v->offset * 4096), 0);
            assert_non_null(p);
            v->base = VA(p);
            v->used = true;
        } else if (op == 0) {
            ntmm_set_current_process(procs[v->process]);
            assert_true(UnmapViewOfFile((LPVOID)(uintptr_t)v->base));
            for (int i = 0; i < SECTION_PAGES; i++)
                free(v->copy[i]);
            memset(v, 0, sizeof *v);
        } else if (op < 3) {
            int page = rand() % (SECTION_PAGES - (int)v->offset);
            DWORD wanted = protections[rand() % 4], old = 0, now = model_protect(v, page, wanted);
            ntmm_set_current_process(procs[v->process]);
            BOOL ok = VirtualProtect((LPVOID)(uintptr_t)(v->base + (uint64_t)page * 4096), 1,
                                     wanted, &old);
            assert_int_equal(ok, now != 0);
            if (ok) {
                assert_int_equal(old, v->protect[page]);
                v->protect[page] = now;
            } else {
                assert_int_equal(GetLastError(), ERROR_INVALID_PARAMETER);
            }
            MEMORY_BASIC_INFORMATION mbi;
            VirtualQuery((LPCVOID)(uintptr_t)(v->base + (uint64_t)page * 4096), &mbi, sizeof mbi);
            assert_int_equal(mbi.Protect, v->protect[page]);
        } else {
            int page = rand() % (SECTION_PAGES - (int)v->offset);
            uint64_t at = (uint64_t)(rand() % 4093);
            uint8_t *shared = &bytes[v->section][(v->offset + (uint64_t)page) * 4096];
            uint32_t value = (uint32_t)rand(), got = 0;
            uint64_t va = v->base + (uint64_t)page * 4096 + at;
            DWORD protect = v->protect[page];
            struct ntmm_process *p = procs[v->process];
            if (op < 8) {
                NTSTATUS st = ntmm_write(p, va, &value, 3);
                if (protect == PAGE_READONLY || protect == PAGE_NOACCESS) {
                    assert_int_equal(st, STATUS_ACCESS_VIOLATION);
                    continue;
                }
                assert_int_equal(st, STATUS_SUCCESS);
                if (protect == PAGE_WRITECOPY) {
                    v->copy[page] = malloc(4096);
                    memcpy(v->copy[page], shared, 4096);
                    v->protect[page] = PAGE_READWRITE;
                }
                memcpy((v->copy[page] ? v->copy[page] : shared) + at, &value, 3);
            } else {
                NTSTATUS st = ntmm_read(p, va, &got, 3);
                if (protect == PAGE_NOACCESS) {
                    assert_int_equal(st, STATUS_ACCESS_VIOLATION);
                    continue;
                }
                assert_int_equal(st, STATUS_SUCCESS);
                assert_int_equal(memcmp(&got, (v->copy[page] ? v->copy[page] : shared) + at, 3), 0);
            }
        }
        test_verify(m);
    }
    for (int i = 0; i < MAX_VIEWS; i++) {
        if (!views[i].used)
            continue;
        ntmm_set_current_process(procs[views[i].process]);
        assert_true(UnmapViewOfFile((LPVOID)(uintptr_t)views[i].base));
        for (int k = 0; k < SECTION_PAGES; k++)
            free(views[i].copy[k]);
    }
    ntmm_set_current_process(b);
    assert_true(CloseHandle(opened[0]));
    assert_true(CloseHandle(opened[1]));
    ntmm_set_current_process(a);
    CloseHandle(sections[0]);
    CloseHandle(sections[1]);
    CloseHandle(f);
    assert_null(m->mm.control_areas);
    test_verify(m);
    static char disk[SECTION_PAGES * 4096 + 1];
    char path[128];
    snprintf(path, sizeof path, "%s/abc.txt", root);
    int fd = open(path, O_RDONLY);
    assert_int_equal(read(fd, disk, sizeof disk), SECTION_PAGES * 4096);
    close(fd);
    assert_int_equal(memcmp(disk, bytes[1], SECTION_PAGES * 4096), 0);
    teardown();
}

static void test_random_views(void **state)
{
    (void)state;
    for (unsigned i = 0; i < 3; i++)
        random_views(arches[i], 100 + i);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_e4_shared_memory), cmocka_unit_test(test_e5_mapped_file),
        cmocka_unit_test(test_e7_copy_on_write), cmocka_unit_test(test_sec_reserve),
        cmocka_unit_test(test_errors),           cmocka_unit_test(test_process_exit),
        cmocka_unit_test(test_random_views),     cmocka_unit_test(test_mapped_file_rules),
        cmocka_unit_test(test_protect_views),    cmocka_unit_test(test_review_findings),
        cmocka_unit_test(test_execute_view),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
