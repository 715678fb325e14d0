/*
 * test_windbg.c — WinDbg's own commands beyond the memory extensions:
 * ? (Evaluate Expression), .formats, r (the control registers), !error and
 * .cls; their output on x86, PAE and x64 where it differs, and bad input
 * (one line, STATUS_INVALID_PARAMETER).
 *
 * (1) Expected texts are written out as WinDbg prints them (its
 *     documentation's examples where it has one, in UTC), never derived
 *     from the code under test.
 */
#include "tools_testing.h"

#define COUNT(a) (sizeof (a) / sizeof (a)[0])

static const enum ntmm_arch arches[] = { NTMM_ARCH_X86, NTMM_ARCH_X86_PAE, NTMM_ARCH_X64 };

/* Runs line and checks its whole output. */
static void check_output(struct fixture *f, NTSTATUS expected, const char *line, const char *text)
{
    char *out = run(f, expected, "%s", line);
    if (strcmp(out, text))
        fail_msg("'%s' printed:\n%s\nexpected:\n%s", line, out, text);
    free(out);
}

/* A bad command line: one line, starting with start, and the status. */
static void check_fails(struct fixture *f, const char *line, const char *start)
{
    char *out = run(f, STATUS_INVALID_PARAMETER, "%s", line);
    if (strncmp(out, start, strlen(start)) || strchr(out, '\n') != out + strlen(out) - 1)
        fail_msg("'%s' printed:\n%s\nexpected one line starting \"%s\"", line, out, start);
    free(out);
}

static void test_evaluate(void **state)
{
    (void)state;
    for (size_t a = 0; a < COUNT(arches); a++) {
        struct fixture f;
        fixture_start(&f, arches[a], 32ull << 20);
        bool x64 = arches[a] == NTMM_ARCH_X64;
        check_output(&f, STATUS_SUCCESS, "? 0n4096",
                     x64 ? "Evaluate expression: 4096 = 00000000`00001000\n"
                         : "Evaluate expression: 4096 = 00001000\n");
        check_output(&f, STATUS_SUCCESS, "?1+2",
                     x64 ? "Evaluate expression: 3 = 00000000`00000003\n"
                         : "Evaluate expression: 3 = 00000003\n");
        check_output(&f, STATUS_SUCCESS, "  ?  -1",
                     x64 ? "Evaluate expression: -1 = ffffffff`ffffffff\n"
                         : "Evaluate expression: -1 = ffffffff\n");
        check_output(&f, STATUS_SUCCESS, "? ffffffff",
                     x64 ? "Evaluate expression: 4294967295 = 00000000`ffffffff\n"
                         : "Evaluate expression: -1 = ffffffff\n");
        check_output(&f, STATUS_SUCCESS, "? 1`00000000",
                     "Evaluate expression: 4294967296 = 00000001`00000000\n");
        check_fails(&f, "? foo", "?: Couldn't resolve error at 'foo'");
        check_fails(&f, "?(1", "?: Syntax error at ''");
        char *help = run(&f, STATUS_SUCCESS, "?");
        assert_contains(help, "Debugger commands:");
        free(help);
        fixture_free(&f);
    }
    assert_true(tools_is_command("?1+2"));
    assert_true(tools_is_command(" ? 1"));
    assert_true(tools_is_command("r cr3"));
    assert_true(tools_is_command(".formats 1"));
    assert_true(tools_is_command("!error 8"));
    assert_true(tools_is_command(".cls"));
}

static void test_formats(void **state)
{
    (void)state;
    struct fixture f;
    fixture_start(&f, NTMM_ARCH_X86_PAE, 32ull << 20);
    /* The documentation's example (its Time in UTC). */
    check_output(&f, STATUS_SUCCESS, ".formats 1c407e62",
                 "Evaluate expression:\n"
                 "  Hex:     1c407e62\n"
                 "  Decimal: 473988706\n"
                 "  Octal:   03420077142\n"
                 "  Binary:  00011100 01000000 01111110 01100010\n"
                 "  Chars:   .@~b\n"
                 "  Time:    Mon Jan 07 23:31:46 1985\n"
                 "  Float:   low 6.36908e-022 high 0\n"
                 "  Double:  2.34182e-315\n");
    check_output(&f, STATUS_SUCCESS, ".formats -1",
                 "Evaluate expression:\n"
                 "  Hex:     ffffffff\n"
                 "  Decimal: -1\n"
                 "  Octal:   37777777777\n"
                 "  Binary:  11111111 11111111 11111111 11111111\n"
                 "  Chars:   ....\n"
                 "  Time:    ***** Invalid\n"
                 "  Float:   low -1.#QNAN high 0\n"
                 "  Double:  2.122e-314\n");
    check_fails(&f, ".formats", ".formats: usage: .formats expression");
    check_fails(&f, ".formats 1+", ".formats: Syntax error at ''");
    fixture_free(&f);

    fixture_start(&f, NTMM_ARCH_X64, 32ull << 20);
    check_output(&f, STATUS_SUCCESS, ".formats 0x41",
                 "Evaluate expression:\n"
                 "  Hex:     00000000`00000041\n"
                 "  Decimal: 65\n"
                 "  Octal:   0000000000000000000101\n"
                 "  Binary:  00000000 00000000 00000000 00000000 00000000 00000000 00000000 "
                 "01000001\n"
                 "  Chars:   .......A\n"
                 "  Time:    Thu Jan 01 00:01:05 1970\n"
                 "  Float:   low 9.10844e-044 high 0\n"
                 "  Double:  3.21143e-322\n");
    /* 2017-05-03 02:24:19.305 UTC as a FILETIME. */
    check_output(&f, STATUS_SUCCESS, ".formats 01d2c3b4`5e6f7a80",
                 "Evaluate expression:\n"
                 "  Hex:     01d2c3b4`5e6f7a80\n"
                 "  Decimal: 131382518593059456\n"
                 "  Octal:   0007226073213633675200\n"
                 "  Binary:  00000001 11010010 11000011 10110100 01011110 01101111 01111010 "
                 "10000000\n"
                 "  Chars:   ....^oz.\n"
                 "  Time:    Wed May 03 02:24:19.305 2017 (UTC + 0:00)\n"
                 "  Float:   low 4.31406e+018 high 7.74226e-038\n"
                 "  Double:  7.00488e-300\n");
    char *text = run(&f, STATUS_SUCCESS, ".formats 3ff00000`00000000");
    assert_contains(text, "  Double:  1\n");
    free(text);
    text = run(&f, STATUS_SUCCESS, ".formats fff00000`00000000");
    assert_contains(text, "  Time:    ***** Invalid FILETIME\n");
    assert_contains(text, "  Float:   low 0 high -1.#QNAN\n");
    assert_contains(text, "  Double:  -1.#INF\n");
    free(text);
    fixture_free(&f);
}

static void test_registers(void **state)
{
    (void)state;
    static const char *const cr4[] = { "00000090", "000000b0", "00000000000000b0" };
    for (size_t a = 0; a < COUNT(arches); a++) {
        struct fixture f;
        fixture_start(&f, arches[a], 32ull << 20);
        bool x64 = arches[a] == NTMM_ARCH_X64;
        struct ntmm_process_info info;
        ntmm_process_info(f.process, &info);
        struct ntmm_machine_info machine;
        ntmm_machine_info(f.machine, &machine);
        assert_true(info.directory_table_base != machine.system_directory_table_base);
        char expected[128];
        snprintf(expected, sizeof expected, x64 ? "cr3=%016llx\n" : "cr3=%08llx\n",
                 (unsigned long long)info.directory_table_base);
        check_output(&f, STATUS_SUCCESS, "r cr3", expected);
        check_output(&f, STATUS_SUCCESS, "r CR3", expected);
        char *process = run(&f, STATUS_SUCCESS, "!process");
        char dirbase[64];
        snprintf(dirbase, sizeof dirbase, "DirBase: %08llx ",
                 (unsigned long long)info.directory_table_base);
        assert_contains(process, dirbase);
        free(process);
        snprintf(expected, sizeof expected, x64 ? "cr4=%s\n" : "cr4=%s\n", cr4[a]);
        check_output(&f, STATUS_SUCCESS, "r cr4", expected);
        check_output(&f, STATUS_SUCCESS, "r cr0", x64 ? "cr0=0000000080010001\n" : "cr0=80010001\n");
        snprintf(expected, sizeof expected,
                 x64 ? "cr0=0000000080010001 cr3=%016llx cr4=%s\n" : "cr0=80010001 cr3=%08llx cr4=%s\n",
                 (unsigned long long)info.directory_table_base, cr4[a]);
        check_output(&f, STATUS_SUCCESS, "r", expected);
        /* Without a current process: the System's DirBase. */
        f.context.process = NULL;
        snprintf(expected, sizeof expected, x64 ? "cr3=%016llx\n" : "cr3=%08llx\n",
                 (unsigned long long)machine.system_directory_table_base);
        check_output(&f, STATUS_SUCCESS, "r cr3", expected);
        check_fails(&f, "r eax", "r: Bad register error in 'r eax'");
        check_fails(&f, "r cr2", "r: Bad register error in 'r cr2'");
        check_fails(&f, "r @cr3", "r: Bad register error in 'r @cr3'");
        check_fails(&f, "r cr3=0", "r: ntmm's registers are read-only");
        fixture_free(&f);
    }
}

static void test_error(void **state)
{
    (void)state;
    struct fixture f;
    fixture_start(&f, NTMM_ARCH_X86_PAE, 32ull << 20);
    check_output(&f, STATUS_SUCCESS, "!error c0000017",
                 "Error code: (NTSTATUS) 0xc0000017 (3221225495) - {Not Enough Quota}  Not "
                 "enough virtual memory or paging file quota is available to complete the "
                 "specified operation.\n");
    check_output(&f, STATUS_SUCCESS, "!error 8",
                 "Error code: (Win32) 0x8 (8) - Not enough memory resources are available to "
                 "process this command.\n");
    check_output(&f, STATUS_SUCCESS, "!error 0n8",
                 "Error code: (Win32) 0x8 (8) - Not enough memory resources are available to "
                 "process this command.\n");
    check_output(&f, STATUS_SUCCESS, "!error 0",
                 "Error code: (Win32) 0 (0) - The operation completed successfully.\n");
    check_output(&f, STATUS_SUCCESS, "!error 0 1", "Error code: (NTSTATUS) 0 - STATUS_SUCCESS\n");
    check_output(&f, STATUS_SUCCESS, "!error 80070005",
                 "Error code: (HRESULT) 0x80070005 (2147942405) - Access is denied.\n");
    check_output(&f, STATUS_SUCCESS, "!error 12345678",
                 "Error code: (NTSTATUS) 0x12345678 (305419896) - <Unable to get error code "
                 "text>\n");
    check_output(&f, STATUS_SUCCESS, "!error 4d2",
                 "Error code: (Win32) 0x4d2 (1234) - <Unable to get error code text>\n");
    char *text = run(&f, STATUS_SUCCESS, "!error c0000005");
    assert_contains(text, "Error code: (NTSTATUS) 0xc0000005 (3221225477) - ");
    free(text);
    text = run(&f, STATUS_SUCCESS, "!error c000012d");
    assert_contains(text, "(NTSTATUS) 0xc000012d (3221225773) - {Out of Virtual Memory}  ");
    free(text);
    check_fails(&f, "!error", "!error: usage: !error Value [Flags]");
    check_fails(&f, "!error 1 2 3", "!error: usage: !error Value [Flags]");
    check_fails(&f, "!error 8 2", "!error: Flags is 1");
    check_fails(&f, "!error nothing", "!error: Couldn't resolve error at 'nothing'");

    /* Every status of nt.h and every error of win32.h has a message. */
    static const NTSTATUS statuses[] = {
        STATUS_PENDING, STATUS_OBJECT_NAME_EXISTS, STATUS_WORKING_SET_LIMIT_RANGE,
        STATUS_WAS_UNLOCKED, STATUS_WAS_LOCKED, STATUS_GUARD_PAGE_VIOLATION,
        STATUS_DATATYPE_MISALIGNMENT, STATUS_PARTIAL_COPY, STATUS_IMAGE_NOT_AT_BASE,
        STATUS_UNSUCCESSFUL, STATUS_INVALID_INFO_CLASS, STATUS_INFO_LENGTH_MISMATCH,
        STATUS_ACCESS_VIOLATION, STATUS_IN_PAGE_ERROR, STATUS_PAGEFILE_QUOTA,
        STATUS_INVALID_HANDLE, STATUS_INVALID_CID, STATUS_INVALID_PARAMETER, STATUS_NO_MEMORY,
        STATUS_CONFLICTING_ADDRESSES, STATUS_NOT_MAPPED_VIEW, STATUS_UNABLE_TO_FREE_VM,
        STATUS_UNABLE_TO_DELETE_SECTION, STATUS_INVALID_VIEW_SIZE, STATUS_ALREADY_COMMITTED,
        STATUS_ACCESS_DENIED, STATUS_BUFFER_TOO_SMALL, STATUS_OBJECT_TYPE_MISMATCH,
        STATUS_NOT_LOCKED, STATUS_UNABLE_TO_DECOMMIT_VM, STATUS_NOT_COMMITTED,
        STATUS_INVALID_PARAMETER_MIX, STATUS_OBJECT_NAME_INVALID, STATUS_OBJECT_NAME_NOT_FOUND,
        STATUS_OBJECT_NAME_COLLISION, STATUS_OBJECT_PATH_NOT_FOUND, STATUS_SHARING_VIOLATION,
        STATUS_INVALID_PAGE_PROTECTION, STATUS_BAD_WORKING_SET_LIMIT, STATUS_SECTION_PROTECTION,
        STATUS_SECTION_TOO_BIG, STATUS_INVALID_FILE_FOR_SECTION, STATUS_INVALID_IMAGE_FORMAT,
        STATUS_NOT_MAPPED_DATA, STATUS_DISK_FULL, STATUS_MAPPED_FILE_SIZE_ZERO,
        STATUS_INVALID_IMAGE_NOT_MZ, STATUS_MAPPED_ALIGNMENT, STATUS_USER_MAPPED_FILE,
        STATUS_SECTION_NOT_IMAGE, STATUS_DLL_NOT_FOUND, STATUS_CANNOT_DELETE,
        STATUS_PRIVILEGE_NOT_HELD, STATUS_TOO_MANY_PAGING_FILES, STATUS_INSUFFICIENT_RESOURCES,
        STATUS_FREE_VM_NOT_AT_BASE, STATUS_MEMORY_NOT_ALLOCATED, STATUS_WORKING_SET_QUOTA,
        STATUS_NOT_SUPPORTED, STATUS_INTERNAL_ERROR, STATUS_INVALID_USER_BUFFER,
        STATUS_INVALID_PARAMETER_1, STATUS_INVALID_PARAMETER_2, STATUS_INVALID_PARAMETER_3,
        STATUS_INVALID_PARAMETER_4, STATUS_INVALID_PARAMETER_5, STATUS_INVALID_PARAMETER_6,
        STATUS_INVALID_PARAMETER_7, STATUS_INVALID_PARAMETER_8, STATUS_INVALID_PARAMETER_9,
        STATUS_INVALID_PARAMETER_10, STATUS_INVALID_PARAMETER_11, STATUS_INVALID_PARAMETER_12,
        STATUS_STACK_OVERFLOW, STATUS_PROCESS_IS_TERMINATING, STATUS_COMMITMENT_LIMIT,
        STATUS_INVALID_ADDRESS, STATUS_SHUTDOWN_IN_PROGRESS,
    };
    for (size_t i = 0; i < COUNT(statuses); i++) {
        text = run(&f, STATUS_SUCCESS, "!error %x 1", (unsigned)statuses[i]);
        char prefix[64];
        snprintf(prefix, sizeof prefix, "Error code: (NTSTATUS) %#x (%u) - ",
                 (unsigned)statuses[i], (unsigned)statuses[i]);
        assert_contains(text, prefix);
        assert_null(strstr(text, "<Unable"));
        free(text);
    }
    static const DWORD errors[] = {
        ERROR_SUCCESS, ERROR_INVALID_FUNCTION, ERROR_FILE_NOT_FOUND, ERROR_PATH_NOT_FOUND,
        ERROR_ACCESS_DENIED, ERROR_INVALID_HANDLE, ERROR_NOT_ENOUGH_MEMORY, ERROR_OUTOFMEMORY,
        ERROR_BAD_LENGTH, ERROR_GEN_FAILURE, ERROR_SHARING_VIOLATION, ERROR_NOT_SUPPORTED,
        ERROR_UNEXP_NET_ERR, ERROR_FILE_EXISTS, ERROR_INVALID_PARAMETER, ERROR_DISK_FULL,
        ERROR_INSUFFICIENT_BUFFER, ERROR_INVALID_NAME, ERROR_MOD_NOT_FOUND, ERROR_NEGATIVE_SEEK,
        ERROR_NOT_LOCKED, ERROR_ALREADY_EXISTS, ERROR_BAD_EXE_FORMAT, ERROR_PARTIAL_COPY,
        ERROR_MR_MID_NOT_FOUND, ERROR_INVALID_ADDRESS, ERROR_IMAGE_NOT_AT_BASE,
        ERROR_WAS_UNLOCKED, ERROR_WAS_LOCKED, ERROR_IO_PENDING, ERROR_NOACCESS,
        ERROR_SWAPERROR, ERROR_STACK_OVERFLOW, ERROR_INVALID_FLAGS, ERROR_FILE_INVALID,
        ERROR_SHUTDOWN_IN_PROGRESS, ERROR_MAPPED_ALIGNMENT, ERROR_USER_MAPPED_FILE,
        ERROR_PRIVILEGE_NOT_HELD, ERROR_INTERNAL_ERROR, ERROR_NO_SYSTEM_RESOURCES,
        ERROR_NONPAGED_SYSTEM_RESOURCES, ERROR_PAGED_SYSTEM_RESOURCES, ERROR_WORKING_SET_QUOTA,
        ERROR_PAGEFILE_QUOTA, ERROR_COMMITMENT_LIMIT, ERROR_INVALID_USER_BUFFER,
    };
    for (size_t i = 0; i < COUNT(errors); i++) {
        text = run(&f, STATUS_SUCCESS, "!error 0n%u", (unsigned)errors[i]);
        assert_contains(text, "Error code: (Win32) ");
        assert_null(strstr(text, "<Unable"));
        free(text);
    }
    fixture_free(&f);
}

static void test_cls(void **state)
{
    (void)state;
    struct fixture f;
    fixture_start(&f, NTMM_ARCH_X86, 32ull << 20);
    check_output(&f, STATUS_SUCCESS, ".cls", "\033[H\033[2J");
    check_fails(&f, ".cls 1", ".cls: takes no arguments");
    fixture_free(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_evaluate),
        cmocka_unit_test(test_formats),
        cmocka_unit_test(test_registers),
        cmocka_unit_test(test_error),
        cmocka_unit_test(test_cls),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
