/*
 * test_files.c — files on the C: drive (io/io.h, win32/file.c): CreateFileA/W
 * with every disposition and its exact last error, ReadFile / WriteFile
 * through simulated buffers (a fault: ERROR_NOACCESS after the bytes before
 * it), SetFilePointer(Ex), SetEndOfFile, GetFileSize(Ex), share modes,
 * DeleteFileA/W, the path rules and every escape attempt (.., symlinks,
 * absolute host paths, device names), and the root directory's life. The
 * verifier runs after the steps that touch simulated memory.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testing.h"

#include "ntmm/win32.h"
#include "ps/process.h"

static struct ntmm_machine *m;
static struct ntmm_process *a;
static char root[256];
static char outside[300];   /* a directory next to the root, never reachable */
static uint64_t buf;        /* 2 committed pages + 1 reserved */

static void setup(void)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(root, sizeof root, "%s/ntmm-test-files-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    assert_non_null(mkdtemp(root));
    snprintf(outside, sizeof outside, "%s/out", root);
    assert_int_equal(mkdir(outside, 0700), 0);
    strcat(root, "/c");
    assert_int_equal(mkdir(root, 0700), 0);
    struct ntmm_config config;
    ntmm_config_init(&config);
    config.ram_bytes = 32ull << 20;
    config.root_directory = root;
    assert_int_equal(ntmm_machine_create(&config, &m), STATUS_SUCCESS);
    assert_int_equal(ntmm_process_create(m, NULL, &a), STATUS_SUCCESS);
    ntmm_set_current_process(a);
    LPVOID p = VirtualAlloc(NULL, 3 * 4096, MEM_RESERVE, PAGE_READWRITE);
    assert_non_null(p);
    assert_ptr_equal(VirtualAlloc(p, 2 * 4096, MEM_COMMIT, PAGE_READWRITE), p);
    buf = (uint64_t)(uintptr_t)p;
}

static void host_path(char *out, size_t size, const char *name)
{
    snprintf(out, size, "%s/%s", root, name);
}

static void teardown(void)
{
    ntmm_machine_destroy(m);
    m = NULL;
    char cmd[600];
    root[strlen(root) - 2] = '\0';
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
    assert_int_equal(system(cmd), 0);
}

static void put(uint64_t address, const void *data, size_t size)
{
    assert_int_equal(ntmm_write(a, address, data, size), STATUS_SUCCESS);
}

static uint32_t get_dword(uint64_t address)
{
    uint32_t v;
    assert_int_equal(ntmm_read(a, address, &v, sizeof v), STATUS_SUCCESS);
    return v;
}

#define PTR(x) ((LPVOID)(uintptr_t)(x))
#define COUNT_AT (buf + 4096 + 4000) /* a simulated DWORD */

/* Makes root/name a directory on the host. */
static void make_dir(const char *name)
{
    char path[512];
    host_path(path, sizeof path, name);
    assert_int_equal(mkdir(path, 0700), 0);
}

static HANDLE create(const char *name, DWORD access, DWORD share, DWORD disposition)
{
    return CreateFileA(name, access, share, NULL, disposition, FILE_ATTRIBUTE_NORMAL, NULL);
}

static void expect_fail(const char *name, DWORD access, DWORD disposition, DWORD error)
{
    SetLastError(0);
    HANDLE h = create(name, access, 0, disposition);
    if (h != INVALID_HANDLE_VALUE)
        fail_msg("%s opened", name);
    if (GetLastError() != error)
        fail_msg("%s: error %u, expected %u", name, GetLastError(), error);
}

static void test_read_write_seek(void **state)
{
    (void)state;
    setup();
    SetLastError(1234);
    HANDLE h = create("C:\\abc.txt", GENERIC_READ | GENERIC_WRITE, 0, CREATE_NEW);
    assert_true(h != INVALID_HANDLE_VALUE);
    assert_int_equal(GetLastError(), 0);
    char path[512];
    host_path(path, sizeof path, "abc.txt");
    assert_int_equal(access(path, F_OK), 0);
    put(buf, "hello world", 11);
    assert_true(WriteFile(h, PTR(buf), 11, PTR(COUNT_AT), NULL));
    assert_int_equal(get_dword(COUNT_AT), 11);
    test_verify(m);
    assert_int_equal(SetFilePointer(h, 0, NULL, FILE_BEGIN), 0);
    put(buf + 100, "xxxxxxxxxxxxxxxx", 16);
    assert_true(ReadFile(h, PTR(buf + 100), 100, PTR(COUNT_AT), NULL));
    assert_int_equal(get_dword(COUNT_AT), 11);
    char back[12] = { 0 };
    assert_int_equal(ntmm_read(a, buf + 100, back, 11), STATUS_SUCCESS);
    assert_string_equal(back, "hello world");
    /* At the end: TRUE with 0 bytes. */
    assert_true(ReadFile(h, PTR(buf + 100), 100, PTR(COUNT_AT), NULL));
    assert_int_equal(get_dword(COUNT_AT), 0);
    DWORD high = 77;
    assert_int_equal(GetFileSize(h, &high), 11);
    assert_int_equal(high, 0);
    LARGE_INTEGER size, distance, now;
    assert_true(GetFileSizeEx(h, &size));
    assert_int_equal(size.QuadPart, 11);
    /* Negative seeks. */
    SetLastError(0);
    assert_int_equal(SetFilePointer(h, -1, NULL, FILE_BEGIN), INVALID_SET_FILE_POINTER);
    assert_int_equal(GetLastError(), ERROR_NEGATIVE_SEEK);
    distance.QuadPart = -12;
    assert_false(SetFilePointerEx(h, distance, &now, FILE_END));
    assert_int_equal(GetLastError(), ERROR_NEGATIVE_SEEK);
    assert_false(SetFilePointerEx(h, distance, &now, 7));
    assert_int_equal(GetLastError(), ERROR_INVALID_PARAMETER);
    distance.QuadPart = -5;
    assert_true(SetFilePointerEx(h, distance, &now, FILE_END));
    assert_int_equal(now.QuadPart, 6);
    assert_true(SetEndOfFile(h));
    assert_int_equal(GetFileSize(h, NULL), 6);
    /* FILE_CURRENT past the end, then a write: a hole of zeros. */
    assert_int_equal(SetFilePointer(h, 4, NULL, FILE_CURRENT), 10);
    assert_true(WriteFile(h, PTR(buf), 5, PTR(COUNT_AT), NULL));
    assert_int_equal(GetFileSize(h, NULL), 15);
    LONG hi = 0;
    assert_int_equal(SetFilePointer(h, 2, &hi, FILE_BEGIN), 2);
    assert_int_equal(hi, 0);
    assert_true(ReadFile(h, PTR(buf + 200), 13, PTR(COUNT_AT), NULL));
    char all[14] = { 0 };
    assert_int_equal(ntmm_read(a, buf + 200, all, 13), STATUS_SUCCESS);
    assert_memory_equal(all, "llo \0\0\0\0hello", 13);
    test_verify(m);
    assert_true(CloseHandle(h));
    assert_false(CloseHandle(h));
    assert_int_equal(GetLastError(), ERROR_INVALID_HANDLE);
    /* Bad handles. */
    assert_false(ReadFile(INVALID_HANDLE_VALUE, PTR(buf), 1, PTR(COUNT_AT), NULL));
    assert_int_equal(GetLastError(), ERROR_INVALID_HANDLE);
    assert_false(WriteFile(h, PTR(buf), 1, PTR(COUNT_AT), NULL));
    assert_int_equal(GetLastError(), ERROR_INVALID_HANDLE);
    assert_int_equal(GetFileSize(h, NULL), INVALID_FILE_SIZE);
    assert_int_equal(GetLastError(), ERROR_INVALID_HANDLE);
    HANDLE process = OpenProcess(PROCESS_ALL_ACCESS, FALSE, a->cid);
    assert_false(SetEndOfFile(process));
    assert_int_equal(GetLastError(), ERROR_INVALID_HANDLE);
    assert_true(CloseHandle(process));
    teardown();
}

static void test_dispositions(void **state)
{
    (void)state;
    setup();
    expect_fail("C:\\a.txt", GENERIC_READ, OPEN_EXISTING, ERROR_FILE_NOT_FOUND);
    expect_fail("C:\\nodir\\a.txt", GENERIC_READ, OPEN_EXISTING, ERROR_PATH_NOT_FOUND);
    expect_fail("C:\\nodir\\a.txt", GENERIC_WRITE, CREATE_NEW, ERROR_PATH_NOT_FOUND);
    expect_fail("C:\\a.txt", GENERIC_READ, TRUNCATE_EXISTING, ERROR_INVALID_PARAMETER);
    expect_fail("C:\\a.txt", GENERIC_WRITE, TRUNCATE_EXISTING, ERROR_FILE_NOT_FOUND);
    expect_fail("C:\\a.txt", GENERIC_WRITE, 0, ERROR_INVALID_PARAMETER);
    expect_fail("C:\\a.txt", GENERIC_WRITE, 6, ERROR_INVALID_PARAMETER);
    SetLastError(99);
    HANDLE h = create("C:\\a.txt", GENERIC_WRITE, 0, CREATE_ALWAYS);
    assert_true(h != INVALID_HANDLE_VALUE);
    assert_int_equal(GetLastError(), 0);
    put(buf, "0123456789", 10);
    assert_true(WriteFile(h, PTR(buf), 10, PTR(COUNT_AT), NULL));
    /* A write-only handle cannot read. */
    assert_false(ReadFile(h, PTR(buf), 1, PTR(COUNT_AT), NULL));
    assert_int_equal(GetLastError(), ERROR_ACCESS_DENIED);
    assert_true(CloseHandle(h));
    expect_fail("C:\\a.txt", GENERIC_WRITE, CREATE_NEW, ERROR_FILE_EXISTS);
    h = create("a.txt", GENERIC_READ, 0, OPEN_ALWAYS);
    assert_int_equal(GetLastError(), ERROR_ALREADY_EXISTS);
    assert_int_equal(GetFileSize(h, NULL), 10);
    /* A read-only handle cannot write or truncate. */
    assert_false(WriteFile(h, PTR(buf), 1, PTR(COUNT_AT), NULL));
    assert_int_equal(GetLastError(), ERROR_ACCESS_DENIED);
    assert_false(SetEndOfFile(h));
    assert_int_equal(GetLastError(), ERROR_ACCESS_DENIED);
    assert_true(CloseHandle(h));
    h = create("a.txt", GENERIC_WRITE, 0, OPEN_EXISTING);
    assert_int_equal(GetLastError(), 0);
    assert_int_equal(GetFileSize(h, NULL), 10);
    assert_true(CloseHandle(h));
    h = create("\\a.txt", GENERIC_WRITE | GENERIC_READ, 0, TRUNCATE_EXISTING);
    assert_true(h != INVALID_HANDLE_VALUE);
    assert_int_equal(GetFileSize(h, NULL), 0);
    assert_true(CloseHandle(h));
    assert_true(WriteFile != NULL);
    h = create("C:/a.txt", GENERIC_WRITE, 0, CREATE_ALWAYS);
    assert_int_equal(GetLastError(), ERROR_ALREADY_EXISTS);
    assert_true(CloseHandle(h));
    h = create("b.txt", GENERIC_WRITE, 0, OPEN_ALWAYS);
    assert_int_equal(GetLastError(), 0);
    assert_true(CloseHandle(h));
    test_verify(m);
    teardown();
}

static void test_paths(void **state)
{
    (void)state;
    setup();
    make_dir("dir");
    char path[512];
    HANDLE h = create("C:/dir\\f.txt", GENERIC_WRITE, 0, CREATE_NEW);
    assert_true(h != INVALID_HANDLE_VALUE);
    assert_true(CloseHandle(h));
    host_path(path, sizeof path, "dir/f.txt");
    assert_int_equal(access(path, F_OK), 0);
    h = create("c:\\\\dir\\.\\f.txt", GENERIC_READ, 0, OPEN_EXISTING);
    assert_true(h != INVALID_HANDLE_VALUE);
    assert_true(CloseHandle(h));
    h = create("dir/f.txt", GENERIC_READ, 0, OPEN_EXISTING);
    assert_true(h != INVALID_HANDLE_VALUE);
    assert_true(CloseHandle(h));
    /* Names are used as given: case matters. */
    expect_fail("DIR\\F.TXT", GENERIC_READ, OPEN_EXISTING, ERROR_PATH_NOT_FOUND);
    expect_fail("dir\\F.TXT", GENERIC_READ, OPEN_EXISTING, ERROR_FILE_NOT_FOUND);
    expect_fail("D:\\x.txt", GENERIC_WRITE, CREATE_ALWAYS, ERROR_PATH_NOT_FOUND);
    expect_fail("", GENERIC_READ, OPEN_EXISTING, ERROR_PATH_NOT_FOUND);
    expect_fail("\\\\server\\share\\x", GENERIC_READ, OPEN_EXISTING, ERROR_PATH_NOT_FOUND);
    expect_fail("\\\\?\\C:\\x", GENERIC_READ, OPEN_EXISTING, ERROR_PATH_NOT_FOUND);
    expect_fail("a<b.txt", GENERIC_WRITE, CREATE_ALWAYS, ERROR_INVALID_NAME);
    expect_fail("C:\\a:b", GENERIC_WRITE, CREATE_ALWAYS, ERROR_INVALID_NAME);
    /* Directories are not files. */
    expect_fail("C:\\", GENERIC_READ, OPEN_EXISTING, ERROR_ACCESS_DENIED);
    expect_fail("dir", GENERIC_READ, OPEN_EXISTING, ERROR_ACCESS_DENIED);
    expect_fail("dir", GENERIC_READ, OPEN_ALWAYS, ERROR_ACCESS_DENIED);
    assert_false(DeleteFileA("dir"));
    assert_int_equal(GetLastError(), ERROR_ACCESS_DENIED);
    /* W names. */
    static const WCHAR wname[] = { 'C', ':', '\\', 'w', 0xE9, '.', 't', 'x', 't', 0 };
    SetLastError(5);
    h = CreateFileW(wname, GENERIC_WRITE, 0, NULL, CREATE_NEW, 0, NULL);
    assert_true(h != INVALID_HANDLE_VALUE);
    assert_int_equal(GetLastError(), 0);
    assert_true(CloseHandle(h));
    host_path(path, sizeof path, "w\xc3\xa9.txt");
    assert_int_equal(access(path, F_OK), 0);
    assert_true(DeleteFileW(wname));
    assert_int_not_equal(access(path, F_OK), 0);
    static const WCHAR lone[] = { 'x', 0xD800, 0 };
    assert_true(CreateFileW(lone, GENERIC_WRITE, 0, NULL, CREATE_NEW, 0, NULL) ==
                INVALID_HANDLE_VALUE);
    assert_int_equal(GetLastError(), ERROR_INVALID_NAME);
    teardown();
}

static void write_host(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void expect_host(const char *path, const char *text)
{
    char got[64] = { 0 };
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    assert_true(fread(got, 1, sizeof got - 1, f) <= sizeof got - 1);
    fclose(f);
    assert_string_equal(got, text);
}

static void test_escapes(void **state)
{
    (void)state;
    setup();
    char secret[512], link[512];
    snprintf(secret, sizeof secret, "%s/secret.txt", outside);
    write_host(secret, "secret");
    /* .. never climbs, even where Windows would fold it away. */
    expect_fail("..\\..\\etc\\passwd", GENERIC_READ, OPEN_EXISTING, ERROR_INVALID_NAME);
    expect_fail("..\\out\\secret.txt", GENERIC_READ, OPEN_EXISTING, ERROR_INVALID_NAME);
    expect_fail("C:\\..\\x", GENERIC_WRITE, CREATE_ALWAYS, ERROR_INVALID_NAME);
    expect_fail("dir/../../x", GENERIC_WRITE, CREATE_ALWAYS, ERROR_INVALID_NAME);
    /* Absolute host paths are paths on C:. */
    expect_fail("/etc/passwd", GENERIC_READ, OPEN_EXISTING, ERROR_PATH_NOT_FOUND);
    expect_fail(secret, GENERIC_READ, OPEN_EXISTING, ERROR_PATH_NOT_FOUND);
    expect_fail(secret, GENERIC_WRITE, CREATE_ALWAYS, ERROR_PATH_NOT_FOUND);
    /* Symlinks planted in the root are never followed. */
    host_path(link, sizeof link, "link.txt");
    assert_int_equal(symlink(secret, link), 0);
    expect_fail("link.txt", GENERIC_READ, OPEN_EXISTING, ERROR_ACCESS_DENIED);
    expect_fail("link.txt", GENERIC_WRITE, CREATE_ALWAYS, ERROR_ACCESS_DENIED);
    expect_fail("link.txt", GENERIC_WRITE, TRUNCATE_EXISTING, ERROR_ACCESS_DENIED);
    expect_fail("link.txt", GENERIC_WRITE, CREATE_NEW, ERROR_FILE_EXISTS);
    assert_false(DeleteFileA("link.txt"));
    assert_int_equal(GetLastError(), ERROR_ACCESS_DENIED);
    host_path(link, sizeof link, "outdir");
    assert_int_equal(symlink(outside, link), 0);
    expect_fail("outdir\\secret.txt", GENERIC_READ, OPEN_EXISTING, ERROR_ACCESS_DENIED);
    expect_fail("outdir\\new.txt", GENERIC_WRITE, CREATE_ALWAYS, ERROR_ACCESS_DENIED);
    assert_false(DeleteFileA("outdir\\secret.txt"));
    assert_int_equal(GetLastError(), ERROR_ACCESS_DENIED);
    /* So are hard links (io.h (10)): one planted in the root would open,
     * truncate and delete a file outside it. */
    host_path(link, sizeof link, "hard.txt");
    assert_int_equal(linkat(AT_FDCWD, secret, AT_FDCWD, link, 0), 0);
    expect_fail("hard.txt", GENERIC_READ, OPEN_EXISTING, ERROR_ACCESS_DENIED);
    expect_fail("hard.txt", GENERIC_WRITE, CREATE_ALWAYS, ERROR_ACCESS_DENIED);
    expect_fail("hard.txt", GENERIC_WRITE, TRUNCATE_EXISTING, ERROR_ACCESS_DENIED);
    expect_fail("hard.txt", GENERIC_READ, OPEN_ALWAYS, ERROR_ACCESS_DENIED);
    assert_false(DeleteFileA("hard.txt"));
    assert_int_equal(GetLastError(), ERROR_ACCESS_DENIED);
    struct stat sb;
    assert_int_equal(stat(secret, &sb), 0);
    assert_int_equal(sb.st_nlink, 2);
    host_path(link, sizeof link, "proc");
    assert_int_equal(symlink("/proc/self/root", link), 0);
    expect_fail("proc\\etc\\passwd", GENERIC_READ, OPEN_EXISTING, ERROR_ACCESS_DENIED);
    expect_host(secret, "secret");
    char made[512];
    snprintf(made, sizeof made, "%s/new.txt", outside);
    assert_int_not_equal(access(made, F_OK), 0);
    /* Device names: Windows opens the device; ntmm has none. */
    static const char *const devices[] = { "CON", "con", "PRN", "AUX", "NUL", "nul.txt",
                                           "COM1", "com9.log", "LPT1", "lpt9", "C:\\CON",
                                           "C:\\dir\\AUX.dat", "NUL.tar.gz", "CONIN$",
                                           "conout$", "C:\\CONOUT$", "CONIN$. ", "nul " };
    for (size_t i = 0; i < sizeof devices / sizeof devices[0]; i++) {
        expect_fail(devices[i], GENERIC_WRITE, CREATE_ALWAYS, ERROR_ACCESS_DENIED);
        expect_fail(devices[i], GENERIC_READ, OPEN_EXISTING, ERROR_ACCESS_DENIED);
    }
    assert_false(DeleteFileA("NUL"));
    assert_int_equal(GetLastError(), ERROR_ACCESS_DENIED);
    /* Near misses are ordinary names. */
    static const char *const plain[] = { "COM0", "CONSOLE", "LPT10", "xcon", "NULL.txt" };
    for (size_t i = 0; i < sizeof plain / sizeof plain[0]; i++) {
        HANDLE h = create(plain[i], GENERIC_WRITE, 0, CREATE_NEW);
        assert_true(h != INVALID_HANDLE_VALUE);
        assert_true(CloseHandle(h));
        assert_true(DeleteFileA(plain[i]));
    }
    teardown();
}

/* Win32's normalization (io.h (9)): trailing dots and spaces, a trailing
 * separator. */
/* Opens name with access and disposition (sharing read) and closes it. */
static void open_close(const char *name, DWORD access, DWORD disposition)
{
    HANDLE h = create(name, access, FILE_SHARE_READ, disposition);
    assert_true(h != INVALID_HANDLE_VALUE);
    assert_true(CloseHandle(h));
}

/* Does root/name exist on the host? */
static bool on_host(const char *name)
{
    char path[512];
    host_path(path, sizeof path, name);
    return access(path, F_OK) == 0;
}

static void test_windows_names(void **state)
{
    (void)state;
    setup();
    make_dir("dir");
    open_close("t.txt. . ", GENERIC_WRITE, CREATE_NEW);
    assert_true(on_host("t.txt"));
    static const char *const same[] = { "t.txt", "t.txt...", "t.txt ", "C:\\t.txt.", "./t.txt  .." };
    for (size_t i = 0; i < sizeof same / sizeof same[0]; i++)
        open_close(same[i], GENERIC_READ, OPEN_EXISTING);
    expect_fail("t.txt. . ", GENERIC_WRITE, CREATE_NEW, ERROR_FILE_EXISTS);
    open_close("dir.\\f.txt", GENERIC_WRITE, CREATE_NEW); /* an inner name loses one dot */
    assert_true(on_host("dir/f.txt"));
    /* A file's name never ends in a separator. */
    expect_fail("t.txt\\", GENERIC_READ, OPEN_EXISTING, ERROR_INVALID_NAME);
    expect_fail("dir\\f.txt/", GENERIC_WRITE, CREATE_ALWAYS, ERROR_INVALID_NAME);
    expect_fail("new.txt\\", GENERIC_WRITE, CREATE_NEW, ERROR_INVALID_NAME);
    assert_false(DeleteFileA("t.txt\\"));
    assert_int_equal(GetLastError(), ERROR_INVALID_NAME);
    assert_false(on_host("new.txt"));
    /* A last name of only dots names its directory. */
    expect_fail("dir\\...", GENERIC_READ, OPEN_EXISTING, ERROR_ACCESS_DENIED);
    assert_true(DeleteFileA("t.txt ."));
    assert_false(on_host("t.txt"));
    teardown();
}

static void test_sharing_and_delete(void **state)
{
    (void)state;
    setup();
    HANDLE r = create("s.txt", GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ, CREATE_NEW);
    assert_true(r != INVALID_HANDLE_VALUE);
    put(buf, "abcdef", 6);
    assert_true(WriteFile(r, PTR(buf), 6, PTR(COUNT_AT), NULL));
    /* r writes without sharing write: another writer, or a reader that
     * does not share read, is refused; CREATE_ALWAYS truncates nothing. */
    expect_fail("s.txt", GENERIC_WRITE, OPEN_EXISTING, ERROR_SHARING_VIOLATION);
    expect_fail("s.txt", GENERIC_READ, OPEN_EXISTING, ERROR_SHARING_VIOLATION);
    SetLastError(0);
    assert_true(create("s.txt", GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE,
                       CREATE_ALWAYS) == INVALID_HANDLE_VALUE);
    assert_int_equal(GetLastError(), ERROR_SHARING_VIOLATION);
    assert_int_equal(GetFileSize(r, NULL), 6);
    HANDLE r2 = create("s.txt", GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE,
                       OPEN_EXISTING);
    assert_true(r2 != INVALID_HANDLE_VALUE);
    /* Each handle has its own position. */
    assert_true(ReadFile(r2, PTR(buf + 64), 3, PTR(COUNT_AT), NULL));
    assert_int_equal(get_dword(COUNT_AT), 3);
    assert_int_equal(SetFilePointer(r, 0, NULL, FILE_CURRENT), 6);
    /* Nobody shares delete. */
    assert_false(DeleteFileA("s.txt"));
    assert_int_equal(GetLastError(), ERROR_SHARING_VIOLATION);
    assert_true(CloseHandle(r));
    assert_true(CloseHandle(r2));
    /* A handle that shares delete: the name goes at once, the data stays. */
    HANDLE d = create("s.txt", GENERIC_READ, FILE_SHARE_DELETE, OPEN_EXISTING);
    assert_true(d != INVALID_HANDLE_VALUE);
    assert_true(DeleteFileA("C:\\s.txt"));
    char path[512];
    host_path(path, sizeof path, "s.txt");
    assert_int_not_equal(access(path, F_OK), 0);
    assert_true(ReadFile(d, PTR(buf + 64), 6, PTR(COUNT_AT), NULL));
    assert_int_equal(get_dword(COUNT_AT), 6);
    assert_true(CloseHandle(d));
    assert_false(DeleteFileA("s.txt"));
    assert_int_equal(GetLastError(), ERROR_FILE_NOT_FOUND);
    assert_false(DeleteFileA("nodir\\s.txt"));
    assert_int_equal(GetLastError(), ERROR_PATH_NOT_FOUND);
    assert_false(DeleteFileA("E:\\s.txt"));
    assert_int_equal(GetLastError(), ERROR_PATH_NOT_FOUND);
    assert_false(DeleteFileA("..\\s.txt"));
    assert_int_equal(GetLastError(), ERROR_INVALID_NAME);
    test_verify(m);
    teardown();
}

static void test_buffer_faults(void **state)
{
    (void)state;
    setup();
    HANDLE h = create("big.bin", GENERIC_READ | GENERIC_WRITE, 0, CREATE_NEW);
    assert_true(h != INVALID_HANDLE_VALUE);
    /* Pages 0-1 committed, page 2 reserved: 100 bytes fit before it. */
    uint64_t edge = buf + 2 * 4096 - 100;
    static char pattern[200];
    for (size_t i = 0; i < sizeof pattern; i++)
        pattern[i] = (char)('a' + i % 26);
    put(edge, pattern, 100);
    assert_false(WriteFile(h, PTR(edge), 200, PTR(COUNT_AT), NULL));
    assert_int_equal(GetLastError(), ERROR_NOACCESS);
    assert_int_equal(get_dword(COUNT_AT), 100);
    assert_int_equal(GetFileSize(h, NULL), 100);
    test_verify(m);
    assert_true(WriteFile(h, PTR(buf), 200, PTR(COUNT_AT), NULL));
    assert_int_equal(GetFileSize(h, NULL), 300);
    assert_int_equal(SetFilePointer(h, 0, NULL, FILE_BEGIN), 0);
    assert_false(ReadFile(h, PTR(edge - 50), 200, PTR(COUNT_AT), NULL));
    assert_int_equal(GetLastError(), ERROR_NOACCESS);
    /* 150 bytes fit below the reserved page; the position follows them. */
    assert_int_equal(get_dword(COUNT_AT), 150);
    assert_int_equal(SetFilePointer(h, 0, NULL, FILE_CURRENT), 150);
    /* A count that is not writable: nothing moves. */
    assert_int_equal(SetFilePointer(h, 0, NULL, FILE_BEGIN), 0);
    assert_false(ReadFile(h, PTR(buf), 10, PTR(buf + 2 * 4096), NULL));
    assert_int_equal(GetLastError(), ERROR_NOACCESS);
    assert_int_equal(SetFilePointer(h, 0, NULL, FILE_CURRENT), 0);
    /* A NULL count is allowed. */
    assert_true(ReadFile(h, PTR(buf), 10, NULL, NULL));
    assert_true(CloseHandle(h));
    test_verify(m);
    teardown();
}

/* The default root: a fresh directory, removed with its contents. A given
 * root stays. */
static void test_root_life(void **state)
{
    (void)state;
    struct ntmm_config config;
    struct ntmm_machine *machine;
    ntmm_config_init(&config);
    config.ram_bytes = 32ull << 20;
    assert_null(config.root_directory);
    assert_int_equal(ntmm_machine_create(&config, &machine), STATUS_SUCCESS);
    const char *made = ntmm_machine_config(machine)->root_directory;
    assert_non_null(made);
    char dir[512];
    snprintf(dir, sizeof dir, "%s", made);
    struct ntmm_process *p;
    assert_int_equal(ntmm_process_create(machine, NULL, &p), STATUS_SUCCESS);
    ntmm_set_current_process(p);
    HANDLE h = create("kept.txt", GENERIC_WRITE, 0, CREATE_NEW);
    assert_true(h != INVALID_HANDLE_VALUE);
    char file[600];
    snprintf(file, sizeof file, "%s/kept.txt", dir);
    assert_int_equal(access(file, F_OK), 0);
    ntmm_machine_destroy(machine); /* the handle closes with the process */
    assert_int_not_equal(access(dir, F_OK), 0);
    /* A missing given root fails the boot. */
    config.root_directory = "/nonexistent/ntmm-root";
    assert_int_equal(ntmm_machine_create(&config, &machine), STATUS_OBJECT_PATH_NOT_FOUND);
    assert_null(machine);
    /* A given root survives. */
    setup();
    HANDLE k = create("stay.txt", GENERIC_WRITE, 0, CREATE_NEW);
    assert_true(k != INVALID_HANDLE_VALUE);
    ntmm_machine_destroy(m);
    m = NULL;
    char stay[512];
    host_path(stay, sizeof stay, "stay.txt");
    assert_int_equal(access(stay, F_OK), 0);
    assert_int_equal(access(root, F_OK), 0);
    teardown();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_read_write_seek),
        cmocka_unit_test(test_dispositions),
        cmocka_unit_test(test_paths),
        cmocka_unit_test(test_escapes),
        cmocka_unit_test(test_windows_names),
        cmocka_unit_test(test_sharing_and_delete),
        cmocka_unit_test(test_buffer_faults),
        cmocka_unit_test(test_root_life),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
