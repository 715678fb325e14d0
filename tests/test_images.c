/*
 * test_images.c — SEC_IMAGE sections, the loader and processes started from
 * an EXE (mm/image.c, ldr/loader.c, win32/loader.c), with the PE files
 * tests/pe/build.sh makes with clang and lld-link ($NTMM_PE_DIR):
 * E6 (LoadLibrary gives one Image VAD with EXECUTE_WRITECOPY, each section
 * its own protection), image pages shared between processes, E7 on a DLL's
 * .data (a private copy for the writer only), ASLR from the seed,
 * relocation when the base is taken, E12 from the EXE's
 * LARGE_ADDRESS_AWARE flag, imports found on the C: drive, FreeLibrary's
 * counts, GetModuleHandle / GetModuleFileName, SectionImageInformation, and
 * corrupted files that change nothing. The verifier runs after each step.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pe_synth.h"
#include "testing.h"

#include "ke/machine.h"
#include "ldr/loader.h"
#include "ntmm/win32.h"
#include "ps/process.h"

static struct ntmm_machine *m;
static struct ntmm_process *a, *b;
static char root[64];

static void copy_fixture(const char *name, const char *as)
{
    const char *dir = getenv("NTMM_PE_DIR");
    if (!dir)
        fail_msg("NTMM_PE_DIR is not set (make check sets it)");
    char from[512], to[512];
    snprintf(from, sizeof from, "%s/%s", dir, name);
    snprintf(to, sizeof to, "%s/%s", root, as ? as : name);
    int in = open(from, O_RDONLY), out = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    assert_true(in >= 0 && out >= 0);
    char buffer[65536];
    ssize_t n;
    while ((n = read(in, buffer, sizeof buffer)) > 0)
        assert_int_equal(write(out, buffer, (size_t)n), n);
    close(in);
    close(out);
}

static void boot(enum ntmm_arch arch, uint64_t seed, unsigned increase_user_va)
{
    struct ntmm_config config;
    ntmm_config_init(&config);
    config.arch = arch;
    config.ram_bytes = 64ull << 20;
    config.seed = seed;
    config.increase_user_va = increase_user_va;
    strcpy(root, "/tmp/ntmm-images-XXXXXX");
    assert_non_null(mkdtemp(root));
    config.root_directory = root;
    static const char *const fixtures[] = { "dll32.dll", "dll64.dll", "app32.exe", "app64.exe",
                                            "app32_noaslr.exe", "app32_fixed.exe",
                                            "app64_noaslr.exe" };
    for (size_t i = 0; i < sizeof fixtures / sizeof fixtures[0]; i++)
        copy_fixture(fixtures[i], NULL);
    assert_int_equal(ntmm_machine_create(&config, &m), STATUS_SUCCESS);
    assert_int_equal(ntmm_process_create(m, NULL, &a), STATUS_SUCCESS);
    assert_int_equal(ntmm_process_create(m, NULL, &b), STATUS_SUCCESS);
    ntmm_set_current_process(a);
}

static int remove_entry(const char *dir, const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return unlink(path);
}

static void shutdown_machine(void)
{
    ntmm_machine_destroy(m);
    m = NULL;
    static const char *const files[] = { "dll32.dll", "dll64.dll", "app32.exe", "app64.exe",
                                         "app32_noaslr.exe", "app32_fixed.exe", "bad.dll",
                                         "app32_dll.exe", "app64_noaslr.exe", "zero.dll",
                                         "zero.exe", "zero_fixed.exe", "many.dll",
                                         "sparse.dll", "relocs.dll" };
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
        remove_entry(root, files[i]);
    rmdir(root);
}

#define VA(p) ((uint64_t)(uintptr_t)(p))

static MEMORY_BASIC_INFORMATION query(uint64_t va)
{
    MEMORY_BASIC_INFORMATION mbi;
    assert_int_equal(VirtualQuery((LPCVOID)(uintptr_t)va, &mbi, sizeof mbi), sizeof mbi);
    return mbi;
}

/* The RVA and size of a section of the image mapped at base, by name. */
static bool section_of(struct ntmm_process *p, uint64_t base, const char *name, uint32_t *rva,
                       uint32_t *size)
{
    uint32_t lfanew = 0;
    uint16_t count = 0, optional = 0;
    assert_int_equal(ntmm_read(p, base + 0x3c, &lfanew, 4), STATUS_SUCCESS);
    assert_int_equal(ntmm_read(p, base + lfanew + 6, &count, 2), STATUS_SUCCESS);
    assert_int_equal(ntmm_read(p, base + lfanew + 20, &optional, 2), STATUS_SUCCESS);
    uint64_t table = base + lfanew + 24 + optional;
    for (unsigned i = 0; i < count; i++) {
        char n[9] = { 0 };
        assert_int_equal(ntmm_read(p, table + i * 40, n, 8), STATUS_SUCCESS);
        if (!strcmp(n, name)) {
            assert_int_equal(ntmm_read(p, table + i * 40 + 8, size, 4), STATUS_SUCCESS);
            assert_int_equal(ntmm_read(p, table + i * 40 + 12, rva, 4), STATUS_SUCCESS);
            return true;
        }
    }
    return false;
}

/* The address of the first DWORD `value` in the .data of the image at
 * base whose next pointer-sized slot holds its own address (the fixtures'
 * self-pointers: relocated correctly, it names itself). */
static uint64_t find_self_pointer(struct ntmm_process *p, uint64_t base, uint32_t value,
                                  unsigned pointer)
{
    uint32_t rva, size;
    assert_true(section_of(p, base, ".data", &rva, &size));
    for (uint32_t off = 0; off + 4 + pointer <= size; off += 4) {
        uint32_t v = 0;
        uint64_t ptr = 0;
        ntmm_read(p, base + rva + off, &v, 4);
        ntmm_read(p, base + rva + off + pointer, &ptr, pointer);
        if (v == value)
            return ptr == base + rva + off ? base + rva + off : 0;
    }
    return 0;
}

static uint64_t frame_of(struct ntmm_process *p, uint64_t va)
{
    struct ntmm_walk w;
    assert_int_equal(ntmm_pte_walk(m, p, va, &w), STATUS_SUCCESS);
    return w.translated ? w.physical >> 12 : ~0ull;
}

/* E6: one Image VAD, EXECUTE_WRITECOPY; .text EXECUTE_READ, .rdata
 * READONLY, .data WRITECOPY; the base moved by ASLR; the DLL's own
 * relocations applied. */
static void test_e6_load_library(void **state)
{
    (void)state;
    boot(NTMM_ARCH_X86_PAE, 1, 0);
    HMODULE h = LoadLibraryA("dll32.dll");
    assert_non_null(h);
    uint64_t base = VA(h);
    assert_int_not_equal(base, 0x10000000); /* DYNAMIC_BASE: ASLR moved it */
    assert_int_equal(base & 0xffff, 0);
    MEMORY_BASIC_INFORMATION mbi = query(base);
    assert_int_equal(mbi.Type, MEM_IMAGE);
    assert_int_equal(mbi.AllocationProtect, PAGE_EXECUTE_WRITECOPY);
    assert_int_equal(mbi.Protect, PAGE_READONLY); /* the headers */
    uint32_t rva, size;
    assert_true(section_of(a, base, ".text", &rva, &size));
    assert_int_equal(query(base + rva).Protect, PAGE_EXECUTE_READ);
    assert_true(section_of(a, base, ".rdata", &rva, &size) ||
                section_of(a, base, ".edata", &rva, &size));
    assert_int_equal(query(base + rva).Protect, PAGE_READONLY);
    assert_true(section_of(a, base, ".data", &rva, &size));
    assert_int_equal(query(base + rva).Protect, PAGE_WRITECOPY);
    assert_int_not_equal(find_self_pointer(a, base, 7, 4), 0);
    /* the mapped headers carry the base ASLR chose */
    uint32_t lfanew = 0, image_base = 0;
    ntmm_read(a, base + 0x3c, &lfanew, 4);
    ntmm_read(a, base + lfanew + 4 + 20 + 28, &image_base, 4);
    assert_int_equal(image_base, base);
    /* its VAD: one, Exe, EXECUTE_WRITECOPY */
    struct ntmm_vad_info vad;
    bool found = false;
    for (unsigned i = 0; ntmm_vad_at(a, i, &vad); i++) {
        if (vad.starting_vpn == base >> 12) {
            found = true;
            assert_true(vad.image_map);
            assert_false(vad.private_memory);
            assert_string_equal(vad.protection_name, "EXECUTE_WRITECOPY");
        }
    }
    assert_true(found);
    assert_ptr_equal(GetModuleHandleA("DLL32"), h);
    assert_ptr_equal(GetModuleHandleA("dll32.dll"), h);
    PVOID buffer = VirtualAlloc(NULL, 4096, MEM_COMMIT, PAGE_READWRITE);
    assert_int_equal(GetModuleFileNameA(h, buffer, 4096), strlen("C:\\dll32.dll"));
    char name[32] = { 0 };
    ntmm_read(a, VA(buffer), name, sizeof name - 1);
    assert_string_equal(name, "C:\\dll32.dll");
    assert_int_equal(GetModuleFileNameA(h, buffer, 4), 4);
    assert_int_equal(GetLastError(), ERROR_INSUFFICIENT_BUFFER);
    /* the W forms */
    static const WCHAR wide[] = { 'd', 'l', 'l', '3', '2', 0 };
    assert_ptr_equal(GetModuleHandleW(wide), h);
    assert_ptr_equal(LoadLibraryW(wide), h);
    assert_true(FreeLibrary(h));
    assert_int_equal(GetModuleFileNameW(h, buffer, 64), strlen("C:\\dll32.dll"));
    WCHAR wname[16] = { 0 };
    ntmm_read(a, VA(buffer), wname, sizeof wname - 2);
    assert_int_equal(wname[0], 'C');
    assert_int_equal(wname[3], 'd');
    test_verify(m);
    /* a second load counts; the second FreeLibrary unmaps */
    assert_ptr_equal(LoadLibraryA("C:\\dll32.dll"), h);
    assert_true(FreeLibrary(h));
    assert_int_equal(query(base).Type, MEM_IMAGE);
    assert_true(FreeLibrary(h));
    assert_int_equal(query(base).State, MEM_FREE);
    assert_false(FreeLibrary(h));
    assert_int_equal(GetLastError(), ERROR_MOD_NOT_FOUND);
    assert_null(GetModuleHandleA("dll32"));
    assert_int_equal(GetLastError(), ERROR_MOD_NOT_FOUND);
    assert_null(LoadLibraryA("missing.dll"));
    assert_int_equal(GetLastError(), ERROR_MOD_NOT_FOUND);
    /* DONT_RESOLVE_DLL_REFERENCES maps the image alone: app32.exe without dll32 */
    static const WCHAR app[] = { 'a', 'p', 'p', '3', '2', '.', 'e', 'x', 'e', 0 };
    HMODULE alone = LoadLibraryExW(app, NULL, DONT_RESOLVE_DLL_REFERENCES);
    assert_non_null(alone);
    assert_null(GetModuleHandleA("dll32.dll"));
    assert_true(FreeLibrary(alone));
    assert_null(LoadLibraryExW(app, NULL, 0x10000)); /* a flag ntmm does not have */
    assert_int_equal(GetLastError(), ERROR_INVALID_PARAMETER);
    test_verify(m);
    shutdown_machine();
}

/* The same image in two processes: the same base and the same frames; a
 * write to .data (WRITECOPY) gives the writer a private copy (E7). */
static void test_shared_image_and_copy_on_write(void **state)
{
    (void)state;
    boot(NTMM_ARCH_X86, 3, 0);
    HMODULE ha = LoadLibraryA("dll32");
    ntmm_set_current_process(b);
    HMODULE hb = LoadLibraryA("dll32");
    assert_ptr_equal(ha, hb);
    uint64_t counter = find_self_pointer(b, VA(hb), 7, 4);
    assert_int_not_equal(counter, 0);
    uint32_t v = 0;
    ntmm_read(a, counter, &v, 4);
    assert_int_equal(v, 7);
    uint64_t shared = frame_of(a, counter);
    assert_int_equal(frame_of(b, counter), shared);
    struct ntmm_pfn_info info;
    ntmm_pfn_query(m, shared, &info);
    assert_int_equal(info.u2, 2);
    assert_true(info.prototype_pte);
    uint32_t rva, size;
    assert_true(section_of(a, VA(ha), ".text", &rva, &size));
    assert_int_equal(ntmm_read(b, VA(hb) + rva, &v, 4), STATUS_SUCCESS);
    assert_int_equal(ntmm_read(a, VA(ha) + rva, &v, 4), STATUS_SUCCESS);
    assert_int_equal(frame_of(a, VA(ha) + rva), frame_of(b, VA(hb) + rva));
    /* .text cannot be written */
    assert_int_equal(ntmm_write(b, VA(hb) + rva, &v, 4), STATUS_ACCESS_VIOLATION);
    /* B writes the counter: its own copy, A keeps 7 */
    v = 99;
    assert_int_equal(ntmm_write(b, counter, &v, 4), STATUS_SUCCESS);
    assert_int_not_equal(frame_of(b, counter), shared);
    ntmm_read(a, counter, &v, 4);
    assert_int_equal(v, 7);
    ntmm_set_current_process(b);
    assert_int_equal(query(counter).Protect, PAGE_READWRITE);
    /* E7 on a code page: VirtualProtect makes .text EXECUTE_WRITECOPY (an
     * image's shared page cannot be written in place), a write copies it */
    DWORD old = 0;
    assert_true(VirtualProtect((LPVOID)(uintptr_t)(VA(hb) + rva), 0x1000, PAGE_EXECUTE_READWRITE,
                               &old));
    assert_int_equal(old, PAGE_EXECUTE_READ);
    assert_int_equal(query(VA(hb) + rva).Protect, PAGE_EXECUTE_WRITECOPY);
    uint32_t code = 0xcccccccc;
    assert_int_equal(ntmm_write(b, VA(hb) + rva, &code, 4), STATUS_SUCCESS);
    assert_int_not_equal(frame_of(b, VA(hb) + rva), frame_of(a, VA(ha) + rva));
    assert_int_equal(query(VA(hb) + rva).Protect, PAGE_EXECUTE_READWRITE);
    ntmm_read(a, VA(ha) + rva, &v, 4);
    assert_int_not_equal(v, code);
    test_verify(m);
    shutdown_machine();
}

/* ASLR comes from the seed: the same seed, the same base. */
static void test_aslr_seed(void **state)
{
    (void)state;
    uint64_t bases[3];
    const uint64_t seeds[3] = { 5, 5, 6 };
    for (int i = 0; i < 3; i++) {
        boot(NTMM_ARCH_X86_PAE, seeds[i], 0);
        bases[i] = VA(LoadLibraryA("dll32.dll"));
        shutdown_machine();
    }
    assert_int_equal(bases[0], bases[1]);
    assert_int_not_equal(bases[0], bases[2]);
}

/* A base taken in one process: the image goes elsewhere there, relocated
 * into private pages (STATUS_IMAGE_NOT_AT_BASE), charged to its commit. */
static void test_relocated_view(void **state)
{
    (void)state;
    boot(NTMM_ARCH_X86_PAE, 1, 0);
    uint64_t base = VA(LoadLibraryA("dll32.dll"));
    ntmm_set_current_process(b);
    PVOID taken = VirtualAlloc((PVOID)(uintptr_t)base, 0x10000, MEM_RESERVE, PAGE_READWRITE);
    assert_int_equal(VA(taken), base);
    uint64_t commit = b->as.commit_charge;
    HMODULE h = LoadLibraryA("dll32.dll");
    assert_non_null(h);
    assert_int_not_equal(VA(h), base);
    assert_true(b->as.commit_charge > commit);
    uint64_t counter = find_self_pointer(b, VA(h), 7, 4);
    assert_int_not_equal(counter, 0); /* relocated for its own base */
    struct ntmm_pfn_info info;
    ntmm_pfn_query(m, frame_of(b, counter), &info);
    assert_false(info.prototype_pte);
    test_verify(m);
    /* a fixed image cannot move */
    PVOID fixed = VirtualAlloc((PVOID)0x400000, 0x10000, MEM_RESERVE, PAGE_READWRITE);
    assert_non_null(fixed);
    assert_null(LoadLibraryA("app32_fixed.exe"));
    assert_int_equal(GetLastError(), ERROR_INVALID_ADDRESS);
    test_verify(m);
    shutdown_machine();
}

/* E12: the EXE's LARGE_ADDRESS_AWARE flag and the machine decide the user
 * address limit; its imports on the drive are mapped too; its marker is
 * relocated for where ASLR put it. */
static void test_process_from_exe(void **state)
{
    (void)state;
    static const struct {
        enum ntmm_arch arch;
        unsigned increase_user_va;
        const char *exe;
        uint64_t highest;
        bool is_64bit;
    } cases[] = {
        { NTMM_ARCH_X86_PAE, 0, "C:\\app32.exe", 0x7ffeffff, false },
        { NTMM_ARCH_X86_PAE, 3072, "C:\\app32.exe", 0xbffeffff, false },
        { NTMM_ARCH_X86_PAE, 3072, "C:\\app32_noaslr.exe", 0x7ffeffff, false },
        { NTMM_ARCH_X64, 0, "C:\\app32.exe", 0xfffeffff, false },
        { NTMM_ARCH_X64, 0, "C:\\app32_noaslr.exe", 0x7ffeffff, false },
        { NTMM_ARCH_X64, 0, "C:\\app64.exe", 0x7fffffeffff, true },
        /* /LARGEADDRESSAWARE:NO: a 64-bit process below 2 GB */
        { NTMM_ARCH_X64, 0, "C:\\app64_noaslr.exe", 0x7ffeffff, true },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        boot(cases[i].arch, 1, cases[i].increase_user_va);
        struct ntmm_process_options o = { .image_path = cases[i].exe };
        struct ntmm_process *p;
        assert_int_equal(ntmm_process_create(m, &o, &p), STATUS_SUCCESS);
        assert_int_equal(p->as.highest_user_address, cases[i].highest);
        assert_int_equal(p->is_64bit, cases[i].is_64bit);
        ntmm_set_current_process(p);
        HMODULE exe = GetModuleHandleA(NULL);
        assert_non_null(exe);
        assert_non_null(GetModuleHandleA(cases[i].is_64bit ? "dll64.dll" : "dll32.dll"));
        assert_int_not_equal(find_self_pointer(p, VA(exe), 0x12345678, cases[i].is_64bit ? 8 : 4),
                             0);
        test_verify(m);
        ntmm_process_terminate(p);
        test_verify(m);
        shutdown_machine();
    }
    /* a 64-bit image does not run on a 32-bit machine; a DLL is no process */
    boot(NTMM_ARCH_X86_PAE, 1, 0);
    struct ntmm_process *p;
    struct ntmm_process_options o = { .image_path = "C:\\app64.exe" };
    assert_int_equal(ntmm_process_create(m, &o, &p), STATUS_INVALID_IMAGE_FORMAT);
    o.image_path = "C:\\dll32.dll";
    assert_int_equal(ntmm_process_create(m, &o, &p), STATUS_INVALID_IMAGE_FORMAT);
    o.image_path = "C:\\none.exe";
    assert_int_equal(ntmm_process_create(m, &o, &p), STATUS_OBJECT_NAME_NOT_FOUND);
    test_verify(m);
    shutdown_machine();
}

/* A SEC_IMAGE section of the file at path, opened for reading (*file). */
static HANDLE image_section(const char *path, HANDLE *file)
{
    *file = CreateFileA(path, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
    assert_ptr_not_equal(*file, INVALID_HANDLE_VALUE);
    HANDLE s;
    assert_int_equal(NtCreateSection(&s, SECTION_ALL_ACCESS, NULL, NULL, PAGE_READONLY,
                                     SEC_IMAGE, *file),
                     STATUS_SUCCESS);
    return s;
}

/* SectionImageInformation carries the headers' stack sizes and flags. */
static void test_image_information(void **state)
{
    (void)state;
    boot(NTMM_ARCH_X86_PAE, 1, 0);
    HANDLE f, s = image_section("C:\\app32_noaslr.exe", &f);
    SECTION_IMAGE_INFORMATION info;
    assert_int_equal(NtQuerySection(s, SectionImageInformation, &info, sizeof info, NULL),
                     STATUS_SUCCESS);
    assert_int_equal(info.MaximumStackSize, 0x200000);
    assert_int_equal(info.CommittedStackSize, 0x2000);
    assert_int_equal(info.Machine, 0x14c);
    assert_false(info.ImageCharacteristics & 0x20);
    SECTION_BASIC_INFORMATION basic;
    assert_int_equal(NtQuerySection(s, SectionBasicInformation, &basic, sizeof basic, NULL),
                     STATUS_SUCCESS);
    assert_int_equal(basic.AllocationAttributes, SEC_FILE | SEC_IMAGE);
    PVOID base = NULL;
    SIZE_T size = 0;
    assert_int_equal(NtMapViewOfSection(s, NtCurrentProcess(), &base, 0, 0, NULL, &size,
                                        ViewShare, 0, PAGE_READWRITE),
                     STATUS_SUCCESS);
    assert_int_equal(VA(base), 0x400000); /* no DYNAMIC_BASE: its own base */
    HANDLE data = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, 4096, NULL);
    assert_int_equal(NtQuerySection(data, SectionImageInformation, &info, sizeof info, NULL),
                     STATUS_SECTION_NOT_IMAGE);
    CloseHandle(data);
    CloseHandle(s);
    CloseHandle(f);
    test_verify(m);
    shutdown_machine();
}

/* Damaged images are refused with ERROR_BAD_EXE_FORMAT and change nothing. */
static void test_bad_images(void **state)
{
    (void)state;
    boot(NTMM_ARCH_X86_PAE, 1, 0);
    char path[512];
    snprintf(path, sizeof path, "%s/bad.dll", root);
    copy_fixture("dll32.dll", "bad.dll");
    int fd = open(path, O_RDWR);
    uint32_t lfanew;
    assert_int_equal(pread(fd, &lfanew, 4, 0x3c), 4);
    static const uint32_t corrupt[][2] = {
        { 0, 0x5a4e },   /* "NZ": no MZ */
        { 0x3c, 0x7fffffff }, /* e_lfanew past the end */
    };
    uint64_t vads = a->as.vads.count, frames;
    struct ntmm_machine_info mi;
    ntmm_machine_info(m, &mi);
    frames = mi.available_pages;
    for (size_t i = 0; i < sizeof corrupt / sizeof corrupt[0]; i++) {
        copy_fixture("dll32.dll", "bad.dll");
        assert_int_equal(pwrite(fd, &corrupt[i][1], i ? 4 : 2, corrupt[i][0]), i ? 4 : 2);
        assert_null(LoadLibraryA("bad.dll"));
        assert_int_equal(GetLastError(), ERROR_BAD_EXE_FORMAT);
        assert_int_equal(a->as.vads.count, vads);
        ntmm_machine_info(m, &mi);
        assert_int_equal(mi.available_pages, frames);
        test_verify(m);
    }
    /* a truncated file */
    copy_fixture("dll32.dll", "bad.dll");
    assert_int_equal(ftruncate(fd, 700), 0);
    assert_null(LoadLibraryA("bad.dll"));
    assert_int_equal(GetLastError(), ERROR_BAD_EXE_FORMAT);
    /* a 64-bit DLL on a 32-bit machine */
    assert_null(LoadLibraryA("dll64.dll"));
    assert_int_equal(GetLastError(), ERROR_BAD_EXE_FORMAT);
    close(fd);
    assert_null(m->mm.control_areas);
    test_verify(m);
    shutdown_machine();
}

/* Issue 9 (5), the *_zero fixtures: an image whose ImageBase is 0 cannot be at its base: the
 * map is STATUS_IMAGE_NOT_AT_BASE, above 64 KB, with every page relocated
 * for where it went and charged as a relocated view's; LoadLibrary and a
 * process started from such an EXE succeed; one without relocations
 * cannot be mapped. The verifier agrees after each. */
static void test_image_base_zero(void **state)
{
    (void)state;
    static const struct {
        enum ntmm_arch arch;
        bool is_64bit;
    } cases[] = {
        { NTMM_ARCH_X86, false }, { NTMM_ARCH_X86_PAE, false },
        { NTMM_ARCH_X64, false }, { NTMM_ARCH_X64, true },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        boot(cases[i].arch, 1, 0);
        bool wide = cases[i].is_64bit;
        unsigned pointer = wide ? 8 : 4;
        copy_fixture(wide ? "dll64_zero.dll" : "dll32_zero.dll", "zero.dll");
        copy_fixture(wide ? "app64_zero.exe" : "app32_zero.exe", "zero.exe");
        copy_fixture(wide ? "app64_zero_fixed.exe" : "app32_zero_fixed.exe", "zero_fixed.exe");
        struct ntmm_process_options o = { .is_64bit = wide };
        struct ntmm_process *p;
        assert_int_equal(ntmm_process_create(m, &o, &p), STATUS_SUCCESS);
        ntmm_set_current_process(p);
        /* the section, mapped where the system chooses */
        HANDLE f, s = image_section("C:\\zero.dll", &f);
        PVOID base = NULL;
        SIZE_T size = 0;
        uint64_t commit = p->as.commit_charge;
        assert_int_equal(NtMapViewOfSection(s, NtCurrentProcess(), &base, 0, 0, NULL, &size,
                                            ViewShare, 0, PAGE_READONLY),
                         STATUS_IMAGE_NOT_AT_BASE);
        assert_true(VA(base) >= 0x10000);
        assert_int_equal(p->as.commit_charge - commit, size >> 12);
        test_verify(m);
        assert_int_not_equal(find_self_pointer(p, VA(base), 7, pointer), 0);
        test_verify(m);
        assert_int_equal(NtUnmapViewOfSection(NtCurrentProcess(), base), STATUS_SUCCESS);
        assert_int_equal(p->as.commit_charge, commit);
        CloseHandle(s);
        CloseHandle(f);
        /* the loader's view of the same */
        HMODULE h = LoadLibraryA("zero.dll");
        assert_non_null(h);
        assert_int_not_equal(find_self_pointer(p, VA(h), 7, pointer), 0);
        test_verify(m);
        assert_true(FreeLibrary(h));
        /* no relocations: nowhere to go */
        assert_null(LoadLibraryA("zero_fixed.exe"));
        assert_int_equal(GetLastError(), ERROR_INVALID_ADDRESS);
        test_verify(m);
        ntmm_process_terminate(p);
        /* a process started from the EXE */
        struct ntmm_process_options from_exe = { .image_path = "C:\\zero.exe" };
        assert_int_equal(ntmm_process_create(m, &from_exe, &p), STATUS_SUCCESS);
        assert_int_equal(p->is_64bit, wide);
        ntmm_set_current_process(p);
        HMODULE exe = GetModuleHandleA(NULL);
        assert_true(VA(exe) >= 0x10000);
        assert_int_not_equal(find_self_pointer(p, VA(exe), 0x12345678, pointer), 0);
        test_verify(m);
        ntmm_process_terminate(p);
        test_verify(m);
        shutdown_machine();
    }
}

/* Found by review, each once wrong: FreeLibrary of a module whose import
 * was freed directly (a use after free), one DLL under several spellings
 * (loaded again elsewhere), a DLL of the other bitness (loaded), a loaded
 * DLL opened for writing (allowed), its ASLR base on a reload (moved), an
 * image mapped at a chosen base (STATUS_SUCCESS). */
static void test_review_findings(void **state)
{
    (void)state;
    boot(NTMM_ARCH_X64, 1, 0);
    struct ntmm_process_options o = { .image_path = "C:\\app32.exe" };
    struct ntmm_process *p;
    assert_int_equal(ntmm_process_create(m, &o, &p), STATUS_SUCCESS);
    ntmm_set_current_process(p);
    /* the EXE's static import is pinned */
    HMODULE dll = GetModuleHandleA("dll32.dll");
    assert_true(FreeLibrary(dll));
    assert_ptr_equal(GetModuleHandleA("dll32.dll"), dll);
    /* another spelling is the same module */
    assert_ptr_equal(LoadLibraryA("C:/dll32.dll"), dll);
    assert_ptr_equal(LoadLibraryA("\\dll32.dll"), dll);
    /* a 32-bit process loads no 64-bit DLL */
    assert_null(LoadLibraryA("dll64.dll"));
    assert_int_equal(GetLastError(), ERROR_BAD_EXE_FORMAT);
    /* a loaded image cannot be opened for writing */
    assert_ptr_equal(CreateFileA("C:\\dll32.dll", GENERIC_WRITE, FILE_SHARE_READ, NULL,
                                 OPEN_EXISTING, 0, NULL),
                     INVALID_HANDLE_VALUE);
    assert_int_equal(GetLastError(), ERROR_SHARING_VIOLATION);
    ntmm_process_terminate(p);
    /* an EXE loaded as a DLL, its import freed directly, then the EXE */
    struct ntmm_process_options wow = { .image_name = "wow.exe" }; /* 32-bit, WOW64 */
    assert_int_equal(ntmm_process_create(m, &wow, &p), STATUS_SUCCESS);
    ntmm_set_current_process(p);
    HMODULE exe = LoadLibraryA("C:\\app32.exe");
    assert_non_null(exe);
    HMODULE imported = GetModuleHandleA("dll32.dll");
    assert_true(FreeLibrary(imported));
    assert_null(GetModuleHandleA("dll32.dll"));
    assert_true(FreeLibrary(exe));
    /* the same ASLR slot on every load this boot */
    HMODULE again = LoadLibraryA("dll32.dll");
    assert_true(FreeLibrary(again));
    assert_ptr_equal(LoadLibraryA("dll32.dll"), again);
    test_verify(m);
    shutdown_machine();
    /* an image mapped where the caller says, not at its base */
    boot(NTMM_ARCH_X86_PAE, 1, 0);
    HANDLE f, s = image_section("C:\\app32_noaslr.exe", &f);
    PVOID base = (PVOID)0x20000000;
    SIZE_T size = 0;
    assert_int_equal(NtMapViewOfSection(s, NtCurrentProcess(), &base, 0, 0, NULL, &size,
                                        ViewShare, 0, PAGE_READONLY),
                     STATUS_IMAGE_NOT_AT_BASE);
    assert_int_not_equal(find_self_pointer(a, VA(base), 0x12345678, 4), 0);
    CloseHandle(s);
    CloseHandle(f);
    test_verify(m);
    shutdown_machine();
}

/* Writes size bytes of data as root/name. */
static void write_file(const char *name, const uint8_t *data, size_t size)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", root, name);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, data, size), (ssize_t)size);
    close(fd);
}

/* many.dll: `descriptors` imports, all of dll32.dll (distinct 0) or of
 * `distinct` DLLs the drive does not have. */
static void write_many_imports(uint32_t descriptors, uint32_t distinct)
{
    size_t size;
    uint8_t *file = synth_import_file(descriptors, distinct, "dll32.dll", &size);
    assert_non_null(file);
    write_file("many.dll", file, size);
    free(file);
}

static unsigned module_count(const struct ntmm_process *p)
{
    unsigned n = 0;
    for (const struct ntmm_module *mod = p->modules; mod; mod = mod->next)
        n++;
    return n;
}

/* Issue 9 (2): 200,000 import descriptors load, each DLL they name
 * resolved once: all of dll32.dll (loaded once, one reference), or 20,000
 * DLLs the drive does not have, named ten times each (each looked for once
 * on the drive and skipped, loader.h (3)). */
static void test_many_imports(void **state)
{
    (void)state;
    boot(NTMM_ARCH_X86_PAE, 1, 0);
    write_many_imports(200000, 0);
    HMODULE h = LoadLibraryA("many.dll");
    assert_non_null(h);
    HMODULE dll = GetModuleHandleA("dll32.dll");
    assert_non_null(dll);
    assert_int_equal(module_count(a), 2);
    assert_int_equal(ldr_module_at(a, VA(h))->import_count, 1);
    test_verify(m);
    assert_true(FreeLibrary(h));
    assert_null(GetModuleHandleA("dll32.dll")); /* its one reference went with many.dll */
    assert_int_equal(module_count(a), 0);
    write_many_imports(200000, 20000);
    h = LoadLibraryA("many.dll");
    assert_non_null(h);
    assert_int_equal(module_count(a), 1);
    assert_int_equal(ldr_module_at(a, VA(h))->import_count, 0);
    assert_true(FreeLibrary(h));
    test_verify(m);
    shutdown_machine();
}

/* Issue 9 (2): a DLL loaded away from its base, whose relocation blocks
 * come out of page order, several for one page, one off a page boundary
 * (patching two pages) and one field straddling two pages: every byte of
 * its .data is what relocating the whole image at once gives (computed
 * here), and a view at the base shows the file's bytes. A block for a page
 * past SizeOfImage makes the load fail. */
static void test_relocation_blocks(void **state)
{
    (void)state;
    boot(NTMM_ARCH_X86_PAE, 1, 0);
    static const struct {
        uint32_t page;
        uint16_t entries[3];
        unsigned count;
    } blocks[] = {
        { 0x3000, { 0x3010, 0x3020, 0x3FFE }, 3 }, /* 0x3FFE straddles 0x4000 */
        { 0x1000, { 0x3000, 0x3004 }, 2 },
        { 0x1000, { 0x3008 }, 1 },
        { 0x1800, { 0x3000, 0x3C00 }, 2 },         /* 0x1800 and 0x2400 */
        { 0x1000, { 0x300C, 0x3100 }, 2 },
    };
    uint8_t dir[256];
    uint32_t used = 0;
    for (size_t i = 0; i < sizeof blocks / sizeof blocks[0]; i++)
        synth_reloc_block(dir, &used, blocks[i].page, blocks[i].entries, blocks[i].count);
    size_t size;
    uint8_t *file = synth_reloc_file(4, dir, used, &size);
    assert_non_null(file);
    write_file("relocs.dll", file, size);
    PVOID taken = VirtualAlloc((PVOID)(uintptr_t)SYNTH_BASE, 0x10000, MEM_RESERVE, PAGE_READWRITE);
    assert_int_equal(VA(taken), SYNTH_BASE);
    HMODULE h = LoadLibraryA("relocs.dll");
    assert_non_null(h);
    uint32_t delta = (uint32_t)(VA(h) - SYNTH_BASE);
    assert_int_not_equal(delta, 0);
    /* the whole image relocated at once, here: .data from the file, each
     * fixup in directory order */
    static uint8_t expected[0x4000], seen[0x4000];
    memcpy(expected, file + SYNTH_HEADERS, sizeof expected);
    for (size_t i = 0; i < sizeof blocks / sizeof blocks[0]; i++)
        for (unsigned k = 0; k < blocks[i].count; k++) {
            uint32_t at = blocks[i].page + (blocks[i].entries[k] & 0xFFF) - 0x1000, v;
            memcpy(&v, expected + at, 4);
            v += delta;
            memcpy(expected + at, &v, 4);
        }
    assert_int_equal(ntmm_read(a, VA(h) + 0x1000, seen, sizeof seen), STATUS_SUCCESS);
    assert_memory_equal(seen, expected, sizeof seen);
    test_verify(m);
    /* at its base, in another process: the file's bytes */
    ntmm_set_current_process(b);
    HMODULE at_base = LoadLibraryA("relocs.dll");
    assert_int_equal(VA(at_base), SYNTH_BASE);
    assert_int_equal(ntmm_read(b, VA(at_base) + 0x1000, seen, sizeof seen), STATUS_SUCCESS);
    assert_memory_equal(seen, file + SYNTH_HEADERS, sizeof seen);
    assert_true(FreeLibrary(at_base));
    ntmm_set_current_process(a);
    assert_true(FreeLibrary(h));
    free(file);
    /* a block past SizeOfImage: the image is refused */
    static const uint16_t one[] = { 0x3010 };
    synth_reloc_block(dir, &used, 0x9000, one, 1);
    file = synth_reloc_file(4, dir, used, &size);
    assert_non_null(file);
    write_file("relocs.dll", file, size);
    free(file);
    assert_null(LoadLibraryA("relocs.dll"));
    assert_int_equal(GetLastError(), ERROR_BAD_EXE_FORMAT);
    test_verify(m);
    shutdown_machine();
}

/* The resident memory of this process, bytes (Linux: /proc/self/statm). */
static uint64_t resident_bytes(void)
{
    FILE *f = fopen("/proc/self/statm", "r");
    assert_non_null(f);
    unsigned long long size = 0, resident = 0;
    assert_int_equal(fscanf(f, "%llu %llu", &size, &resident), 2);
    fclose(f);
    return resident * (uint64_t)sysconf(_SC_PAGESIZE);
}

/* Issue 9 (2): an image's pages are read from its file when they fault;
 * nothing holds the file. sparse.dll has a 200 MB read-only section whose
 * raw data is holes but for three marked pages: its section is created
 * and mapped, and its pages touched, with the host's resident memory
 * growing by far less than the file, each page holding the file's bytes. */
static void test_sparse_image(void **state)
{
    (void)state;
    boot(NTMM_ARCH_X86_PAE, 1, 0);
    const uint32_t big = 200u << 20;
    struct synth_section s[1] = { { ".rdata", big, big, SYNTH_RDATA } };
    struct synth_directories dirs = { 0 };
    uint8_t headers[SYNTH_HEADERS];
    synth_headers(s, 1, &dirs, headers);
    char path[512];
    snprintf(path, sizeof path, "%s/sparse.dll", root);
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
    assert_true(fd >= 0);
    assert_int_equal(ftruncate(fd, (off_t)synth_file_size(s, 1)), 0);
    assert_int_equal(pwrite(fd, headers, sizeof headers, 0), (ssize_t)sizeof headers);
    static const uint32_t marked[] = { 0, 100u << 20, (200u << 20) - 0x1000 };
    for (size_t i = 0; i < sizeof marked / sizeof marked[0]; i++) {
        char mark[32];
        int n = snprintf(mark, sizeof mark, "page at %#x", marked[i]);
        assert_int_equal(pwrite(fd, mark, (size_t)n, (off_t)(synth_raw(s, 0) + marked[i])), n);
    }
    close(fd);
    uint64_t before = resident_bytes();
    HANDLE f, section = image_section("C:\\sparse.dll", &f);
    PVOID base = NULL;
    SIZE_T size = 0;
    assert_int_equal(NtMapViewOfSection(section, NtCurrentProcess(), &base, 0, 0, NULL, &size,
                                        ViewShare, 0, PAGE_READONLY),
                     STATUS_SUCCESS);
    assert_int_equal(VA(base), SYNTH_BASE);
    assert_int_equal(size, 0x1000 + (uint64_t)big);
    for (size_t i = 0; i < sizeof marked / sizeof marked[0]; i++) {
        char mark[32] = { 0 }, want[32] = { 0 };
        snprintf(want, sizeof want, "page at %#x", marked[i]);
        assert_int_equal(ntmm_read(a, VA(base) + 0x1000 + marked[i], mark, sizeof mark - 1),
                         STATUS_SUCCESS);
        assert_string_equal(mark, want);
    }
    uint8_t hole[64], zeros[64] = { 0 };
    assert_int_equal(ntmm_read(a, VA(base) + 0x1000 + (50u << 20), hole, sizeof hole),
                     STATUS_SUCCESS);
    assert_memory_equal(hole, zeros, sizeof hole);
    uint64_t grown = resident_bytes() - before;
    if (grown > (24u << 20))
        fail_msg("the host's resident memory grew by %llu bytes for a 200 MB image",
                 (unsigned long long)grown);
    test_verify(m);
    CloseHandle(section);
    CloseHandle(f);
    shutdown_machine();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_e6_load_library),
        cmocka_unit_test(test_shared_image_and_copy_on_write),
        cmocka_unit_test(test_aslr_seed),
        cmocka_unit_test(test_relocated_view),
        cmocka_unit_test(test_process_from_exe),
        cmocka_unit_test(test_image_information),
        cmocka_unit_test(test_bad_images),
        cmocka_unit_test(test_review_findings),
        cmocka_unit_test(test_image_base_zero),
        cmocka_unit_test(test_many_imports),
        cmocka_unit_test(test_sparse_image),
        cmocka_unit_test(test_relocation_blocks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
