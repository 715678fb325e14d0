/*
 * fuzz_command.c — the debugger's command and expression parsers (tools.h).
 * The input is text, one command line per line (a NUL ends a line too), run
 * through tools_run as the shell's dbg() runs it, and each line is also
 * evaluated as an expression with tools_evaluate. The machine (x86, PAE or
 * x64, chosen by the input's hash so that text seeds stay text) has two
 * processes with private memory in several states and a shared section, so
 * that !vad, !pte, dd, !ca and the rest have something to show.
 *
 * (1) At most MAX_LINES lines of at most MAX_LINE bytes run; a longer line
 *     is cut, as a terminal would not cut it: the cut is part of the input.
 * (2) .process switches the process the next lines see, as in the shell.
 */
#include "fuzz.h"
#include "ntmm/win32.h"

#define RAM (16ull << 20)
#define MAX_LINES 64
#define MAX_LINE 1024

static void log_address(struct fuzz_run *run, const char *what, LPVOID address)
{
    tool_printf(&run->transcript, "%s %llx error %u\n", what,
                (unsigned long long)(uintptr_t)address, (unsigned)GetLastError());
}

/* Private pages: touched, untouched, guard, reserved; a section view. */
static void populate(struct fuzz_run *run, struct ntmm_process *p)
{
    ntmm_set_current_process(p);
    LPVOID rw = VirtualAlloc(NULL, 0x10000, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
    log_address(run, "private", rw);
    if (rw) {
        uint32_t words[4] = { 0x41414141, 0x10000, 0xffffffff, 0 };
        ntmm_write(p, (uint64_t)(uintptr_t)rw, words, sizeof words);
        DWORD old;
        VirtualProtect((LPBYTE)rw + 0x2000, 0x1000, PAGE_READWRITE | PAGE_GUARD, &old);
    }
    log_address(run, "reserved", VirtualAlloc(NULL, 0x20000, MEM_RESERVE, PAGE_READWRITE));
    HANDLE s = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, 0x8000,
                                  "fuzz");
    LPVOID view = s ? MapViewOfFile(s, FILE_MAP_ALL_ACCESS, 0, 0, 0) : NULL;
    log_address(run, "view", view);
    if (view) {
        uint8_t byte = 0x5a;
        ntmm_write(p, (uint64_t)(uintptr_t)view + 0x1000, &byte, 1);
    }
}

static void evaluate(struct fuzz_run *run, struct ntmm_process *p, const char *line)
{
    struct tool_context context = { run->machine, p };
    uint64_t value = 0;
    char error[160] = "";
    bool ok = tools_evaluate(&context, line, &value, error, sizeof error);
    tool_printf(&run->transcript, "? %d %llx %s\n", ok, (unsigned long long)value, error);
}

static void run_commands(struct fuzz_run *run, const uint8_t *data, size_t size)
{
    fuzz_boot(run, (enum ntmm_arch)(NTMM_ARCH_X86 + fuzz_hash(data, size) % 3), RAM, RAM);
    struct ntmm_process *p[2];
    for (int i = 0; i < 2; i++) {
        NTSTATUS st = ntmm_process_create(run->machine, NULL, &p[i]);
        if (!NT_SUCCESS(st))
            fuzz_fail("process", ntmm_status_name(st));
        populate(run, p[i]);
    }
    struct ntmm_process *current = p[0];
    ntmm_set_current_process(current);
    char line[MAX_LINE + 1];
    size_t at = 0;
    for (int lines = 0; lines < MAX_LINES && at < size; lines++) {
        size_t n = 0;
        while (at < size && data[at] != '\n' && data[at] != 0) {
            if (n < MAX_LINE)
                line[n++] = (char)data[at];
            at++;
        }
        at++;
        line[n] = 0;
        current = fuzz_tool(run, current, line);
        ntmm_set_current_process(current);
        evaluate(run, current, line);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_twice(data, size, run_commands);
}
