/*
 * fuzz_pe.c — the PE reader and the loader on whole files. The input is
 * written to the C: drive of an x64 machine as C:\fuzz.exe and then, in a
 * 32-bit and in a 64-bit process: mapped as an image section
 * (CreateFileMapping SEC_IMAGE, MapViewOfFile), its pages touched, its
 * headers shown by !dh, unmapped; loaded with LoadLibrary, touched again and
 * freed; finally a process is started from it. Inputs up to megabytes (run
 * with -max_len=2097152) make costs that grow faster than the file show as
 * timeouts.
 *
 * (1) Every status and last error, every address, every page's read status
 *     and the hash of the bytes read go into the transcript (fuzz.h (1)).
 * (2) At most TOUCH_PAGES pages of each view are read, so the work of one
 *     input is bounded by the file's size, not by its SizeOfImage.
 */
#include "fuzz.h"
#include "ntmm/win32.h"

#define RAM (32ull << 20)
#define FILE_NAME "C:\\fuzz.exe"
#define TOUCH_PAGES 512u

static void log_result(struct fuzz_run *run, const char *what, uint64_t value)
{
    tool_printf(&run->transcript, "%s %llx error %u\n", what, (unsigned long long)value,
                (unsigned)GetLastError());
}

/* The input, written through a buffer in the current process's memory. */
static void write_file(struct fuzz_run *run, struct ntmm_process *p, const uint8_t *data,
                       size_t size)
{
    HANDLE f = CreateFileA(FILE_NAME, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, 0, NULL);
    log_result(run, "create", (uint64_t)(uintptr_t)f);
    if (f == INVALID_HANDLE_VALUE)
        return;
    LPVOID buffer = size ? VirtualAlloc(NULL, size, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE)
                         : NULL;
    if (buffer && NT_SUCCESS(ntmm_write(p, (uint64_t)(uintptr_t)buffer, data, size))) {
        BOOL ok = WriteFile(f, buffer, (DWORD)size, NULL, NULL);
        log_result(run, "write", (uint64_t)ok);
    }
    if (buffer)
        VirtualFree(buffer, 0, MEM_RELEASE);
    CloseHandle(f);
}

/* Reads one byte of each page of the allocation at base, region by region. */
static void touch(struct fuzz_run *run, struct ntmm_process *p, uint64_t base)
{
    uint64_t va = base, statuses = 0, bytes = 0;
    unsigned pages = 0;
    MEMORY_BASIC_INFORMATION m;
    while (pages < TOUCH_PAGES && VirtualQuery((LPCVOID)(uintptr_t)va, &m, sizeof m) &&
           (uint64_t)(uintptr_t)m.AllocationBase == base && m.RegionSize) {
        tool_printf(&run->transcript, "region %llx %llx %x %x\n", (unsigned long long)va,
                    (unsigned long long)m.RegionSize, (unsigned)m.State, (unsigned)m.Protect);
        for (uint64_t o = 0; o < m.RegionSize && pages < TOUCH_PAGES; o += NTMM_PAGE_SIZE) {
            uint8_t byte = 0;
            NTSTATUS st = ntmm_read(p, va + o, &byte, 1);
            statuses = statuses * 31 + (uint32_t)st;
            bytes = bytes * 31 + byte;
            pages++;
        }
        va += m.RegionSize;
    }
    tool_printf(&run->transcript, "touched %u pages: %llx %llx\n", pages,
                (unsigned long long)statuses, (unsigned long long)bytes);
}

static void show_headers(struct fuzz_run *run, struct ntmm_process *p, uint64_t base)
{
    char line[64];
    snprintf(line, sizeof line, "!dh -a %llx", (unsigned long long)base);
    fuzz_tool(run, p, line);
}

static void map_image(struct fuzz_run *run, struct ntmm_process *p)
{
    HANDLE f = CreateFileA(FILE_NAME, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0,
                           NULL);
    if (f == INVALID_HANDLE_VALUE)
        return;
    HANDLE s = CreateFileMappingA(f, NULL, PAGE_READONLY | SEC_IMAGE, 0, 0, NULL);
    log_result(run, "section", (uint64_t)(uintptr_t)s);
    if (s) {
        LPVOID view = MapViewOfFile(s, FILE_MAP_READ, 0, 0, 0);
        log_result(run, "view", (uint64_t)(uintptr_t)view);
        if (view) {
            touch(run, p, (uint64_t)(uintptr_t)view);
            show_headers(run, p, (uint64_t)(uintptr_t)view);
            log_result(run, "unmap", (uint64_t)UnmapViewOfFile(view));
        }
        CloseHandle(s);
    }
    CloseHandle(f);
}

static void load_library(struct fuzz_run *run, struct ntmm_process *p)
{
    HMODULE h = LoadLibraryA(FILE_NAME);
    log_result(run, "load", (uint64_t)(uintptr_t)h);
    if (!h)
        return;
    touch(run, p, (uint64_t)(uintptr_t)h);
    fuzz_tool(run, p, "lm v");
    fuzz_tool(run, p, "!dh fuzz");
    log_result(run, "free", (uint64_t)FreeLibrary(h));
}

static void start_process(struct fuzz_run *run)
{
    struct ntmm_process_options o = { .image_path = FILE_NAME };
    struct ntmm_process *p;
    NTSTATUS st = ntmm_process_create(run->machine, &o, &p);
    tool_printf(&run->transcript, "process from the image %08x\n", (unsigned)st);
    if (!NT_SUCCESS(st))
        return;
    fuzz_tool(run, p, "lm");
    fuzz_tool(run, p, "!dh -f fuzz");
    ntmm_process_terminate(p);
}

static void run_pe(struct fuzz_run *run, const uint8_t *data, size_t size)
{
    fuzz_boot(run, NTMM_ARCH_X64, RAM, RAM);
    struct ntmm_process *p[2];
    for (int bits = 0; bits < 2; bits++) {
        struct ntmm_process_options o = { .image_name = "fuzz.exe", .is_64bit = bits,
                                          .large_address_aware = bits };
        NTSTATUS st = ntmm_process_create(run->machine, &o, &p[bits]);
        if (!NT_SUCCESS(st))
            fuzz_fail("process", ntmm_status_name(st));
    }
    ntmm_set_current_process(p[1]);
    write_file(run, p[1], data, size);
    for (int bits = 0; bits < 2; bits++) {
        ntmm_set_current_process(p[bits]);
        map_image(run, p[bits]);
        load_library(run, p[bits]);
    }
    ntmm_set_current_process(NULL);
    start_process(run);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_twice(data, size, run_pe);
}
