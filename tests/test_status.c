/*
 * test_status.c — the status vocabulary: nt.h's statuses, their names
 * (ke/status.c), the NTSTATUS -> Win32 error mapping (win32/error.c) and the
 * Win32 types, constants and structure layouts of win32.h.
 *
 * (1) Every expected value is written out here as a number, from Windows'
 *     headers and from what Windows' RtlNtStatusToDosError returns, never
 *     derived from the code under test.
 * (2) Layouts are the Windows SDK's for a 64-bit (_WIN64) build.
 */
#include "testing.h"

#include <string.h>

#include "ntmm/win32.h"

#define COUNT(a) (sizeof (a) / sizeof (a)[0])

/* Every status nt.h defines, its value in ntstatus.h and the Win32 error
 * Windows' RtlNtStatusToDosError gives for it. */
static const struct {
    NTSTATUS status;
    const char *name;
    uint32_t value;
    uint32_t error;
} statuses[] = {
#define S(name, value, error) { name, #name, value, error }
    S(STATUS_SUCCESS, 0x00000000u, 0),
    S(STATUS_PENDING, 0x00000103u, 997),
    S(STATUS_OBJECT_NAME_EXISTS, 0x40000000u, 183),
    S(STATUS_WAS_UNLOCKED, 0x40000017u, 715),
    S(STATUS_WAS_LOCKED, 0x40000019u, 717),
    S(STATUS_GUARD_PAGE_VIOLATION, 0x80000001u, 0x80000001u),
    S(STATUS_DATATYPE_MISALIGNMENT, 0x80000002u, 998),
    S(STATUS_PARTIAL_COPY, 0x8000000Du, 299),
    S(STATUS_UNSUCCESSFUL, 0xC0000001u, 31),
    S(STATUS_INVALID_INFO_CLASS, 0xC0000003u, 87),
    S(STATUS_INFO_LENGTH_MISMATCH, 0xC0000004u, 24),
    S(STATUS_ACCESS_VIOLATION, 0xC0000005u, 998),
    S(STATUS_IN_PAGE_ERROR, 0xC0000006u, 999),
    S(STATUS_PAGEFILE_QUOTA, 0xC0000007u, 1454),
    S(STATUS_INVALID_HANDLE, 0xC0000008u, 6),
    S(STATUS_INVALID_CID, 0xC000000Bu, 87),
    S(STATUS_INVALID_PARAMETER, 0xC000000Du, 87),
    S(STATUS_NO_MEMORY, 0xC0000017u, 8),
    S(STATUS_CONFLICTING_ADDRESSES, 0xC0000018u, 487),
    S(STATUS_NOT_MAPPED_VIEW, 0xC0000019u, 487),
    S(STATUS_UNABLE_TO_FREE_VM, 0xC000001Au, 87),
    S(STATUS_UNABLE_TO_DELETE_SECTION, 0xC000001Bu, 87),
    S(STATUS_INVALID_VIEW_SIZE, 0xC000001Fu, 5),
    S(STATUS_ALREADY_COMMITTED, 0xC0000021u, 5),
    S(STATUS_ACCESS_DENIED, 0xC0000022u, 5),
    S(STATUS_BUFFER_TOO_SMALL, 0xC0000023u, 122),
    S(STATUS_OBJECT_TYPE_MISMATCH, 0xC0000024u, 6),
    S(STATUS_NOT_LOCKED, 0xC000002Au, 158),
    S(STATUS_UNABLE_TO_DECOMMIT_VM, 0xC000002Cu, 487),
    S(STATUS_NOT_COMMITTED, 0xC000002Du, 487),
    S(STATUS_INVALID_PARAMETER_MIX, 0xC0000030u, 87),
    S(STATUS_OBJECT_NAME_INVALID, 0xC0000033u, 123),
    S(STATUS_OBJECT_NAME_NOT_FOUND, 0xC0000034u, 2),
    S(STATUS_OBJECT_NAME_COLLISION, 0xC0000035u, 183),
    S(STATUS_OBJECT_PATH_NOT_FOUND, 0xC000003Au, 3),
    S(STATUS_SHARING_VIOLATION, 0xC0000043u, 32),
    S(STATUS_INVALID_PAGE_PROTECTION, 0xC0000045u, 87),
    S(STATUS_SECTION_PROTECTION, 0xC000004Eu, 87),
    S(STATUS_PRIVILEGE_NOT_HELD, 0xC0000061u, 1314),
    S(STATUS_TOO_MANY_PAGING_FILES, 0xC0000097u, 8),
    S(STATUS_INSUFFICIENT_RESOURCES, 0xC000009Au, 1450),
    S(STATUS_FREE_VM_NOT_AT_BASE, 0xC000009Fu, 487),
    S(STATUS_MEMORY_NOT_ALLOCATED, 0xC00000A0u, 487),
    S(STATUS_WORKING_SET_QUOTA, 0xC00000A1u, 1453),
    S(STATUS_NOT_SUPPORTED, 0xC00000BBu, 50),
    S(STATUS_INTERNAL_ERROR, 0xC00000E5u, 1359),
    S(STATUS_INVALID_USER_BUFFER, 0xC00000E8u, 1784),
    S(STATUS_INVALID_PARAMETER_1, 0xC00000EFu, 87),
    S(STATUS_INVALID_PARAMETER_2, 0xC00000F0u, 87),
    S(STATUS_INVALID_PARAMETER_3, 0xC00000F1u, 87),
    S(STATUS_INVALID_PARAMETER_4, 0xC00000F2u, 87),
    S(STATUS_INVALID_PARAMETER_5, 0xC00000F3u, 87),
    S(STATUS_INVALID_PARAMETER_6, 0xC00000F4u, 87),
    S(STATUS_INVALID_PARAMETER_7, 0xC00000F5u, 87),
    S(STATUS_INVALID_PARAMETER_8, 0xC00000F6u, 87),
    S(STATUS_INVALID_PARAMETER_9, 0xC00000F7u, 87),
    S(STATUS_INVALID_PARAMETER_10, 0xC00000F8u, 87),
    S(STATUS_INVALID_PARAMETER_11, 0xC00000F9u, 87),
    S(STATUS_INVALID_PARAMETER_12, 0xC00000FAu, 87),
    S(STATUS_STACK_OVERFLOW, 0xC00000FDu, 1001),
    S(STATUS_PROCESS_IS_TERMINATING, 0xC000010Au, 5),
    S(STATUS_COMMITMENT_LIMIT, 0xC000012Du, 1455),
    S(STATUS_INVALID_ADDRESS, 0xC0000141u, 59),
#undef S
};

static void test_status_values(void **state)
{
    (void)state;
    for (size_t i = 0; i < COUNT(statuses); i++) {
        if ((uint32_t)statuses[i].status != statuses[i].value)
            fail_msg("%s is 0x%08x, Windows has 0x%08x", statuses[i].name,
                     (unsigned)statuses[i].status, (unsigned)statuses[i].value);
    }
    /* Severity decides NT_SUCCESS: success and informational pass, warnings
     * and errors fail. */
    assert_true(NT_SUCCESS(STATUS_SUCCESS));
    assert_true(NT_SUCCESS(STATUS_WAS_UNLOCKED));
    assert_false(NT_SUCCESS(STATUS_PARTIAL_COPY));
    assert_false(NT_SUCCESS(STATUS_CONFLICTING_ADDRESSES));
}

static void test_status_names(void **state)
{
    (void)state;
    for (size_t i = 0; i < COUNT(statuses); i++) {
        const char *name = ntmm_status_name(statuses[i].status);
        if (strcmp(name, statuses[i].name) != 0)
            fail_msg("ntmm_status_name(0x%08x) = \"%s\", want \"%s\"",
                     (unsigned)statuses[i].status, name, statuses[i].name);
        for (size_t j = 0; j < i; j++)
            assert_int_not_equal(statuses[i].status, statuses[j].status);
    }
    assert_string_equal(ntmm_status_name((NTSTATUS)0xC0000002u), "unknown NTSTATUS");
}

static void test_mapping_of_every_status(void **state)
{
    (void)state;
    for (size_t i = 0; i < COUNT(statuses); i++) {
        ULONG error = RtlNtStatusToDosError(statuses[i].status);
        if (error != statuses[i].error)
            fail_msg("RtlNtStatusToDosError(%s) = %u, Windows gives %u",
                     statuses[i].name, (unsigned)error, (unsigned)statuses[i].error);
    }
}

/* The cases the brief to this layer names, against the Win32 names. */
static void test_mapping_named_errors(void **state)
{
    (void)state;
    assert_int_equal(RtlNtStatusToDosError(STATUS_SUCCESS), ERROR_SUCCESS);
    assert_int_equal(RtlNtStatusToDosError(STATUS_CONFLICTING_ADDRESSES), ERROR_INVALID_ADDRESS);
    assert_int_equal(RtlNtStatusToDosError(STATUS_MEMORY_NOT_ALLOCATED), ERROR_INVALID_ADDRESS);
    assert_int_equal(RtlNtStatusToDosError(STATUS_FREE_VM_NOT_AT_BASE), ERROR_INVALID_ADDRESS);
    assert_int_equal(RtlNtStatusToDosError(STATUS_NOT_COMMITTED), ERROR_INVALID_ADDRESS);
    assert_int_equal(RtlNtStatusToDosError(STATUS_INVALID_PAGE_PROTECTION), ERROR_INVALID_PARAMETER);
    assert_int_equal(RtlNtStatusToDosError(STATUS_COMMITMENT_LIMIT), ERROR_COMMITMENT_LIMIT);
    assert_int_equal(RtlNtStatusToDosError(STATUS_NO_MEMORY), ERROR_NOT_ENOUGH_MEMORY);
    assert_int_equal(RtlNtStatusToDosError(STATUS_ACCESS_VIOLATION), ERROR_NOACCESS);
    assert_int_equal(RtlNtStatusToDosError(STATUS_ALREADY_COMMITTED), ERROR_ACCESS_DENIED);
    assert_int_equal(RtlNtStatusToDosError(STATUS_WAS_UNLOCKED), ERROR_WAS_UNLOCKED);
    assert_int_equal(RtlNtStatusToDosError(STATUS_NOT_LOCKED), ERROR_NOT_LOCKED);
    assert_int_equal(RtlNtStatusToDosError(STATUS_WORKING_SET_QUOTA), ERROR_WORKING_SET_QUOTA);
    assert_int_equal(RtlNtStatusToDosError(STATUS_INSUFFICIENT_RESOURCES), ERROR_NO_SYSTEM_RESOURCES);
    assert_int_equal(RtlNtStatusToDosError(STATUS_INFO_LENGTH_MISMATCH), ERROR_BAD_LENGTH);
    assert_int_equal(RtlNtStatusToDosError(STATUS_IN_PAGE_ERROR), ERROR_SWAPERROR);
    assert_int_equal(RtlNtStatusToDosError(STATUS_GUARD_PAGE_VIOLATION), EXCEPTION_GUARD_PAGE);
    assert_int_equal(RtlNtStatusToDosError(STATUS_INVALID_ADDRESS), ERROR_UNEXP_NET_ERR);
}

/* Windows' rules outside the table (win32/error.c (2)). */
static void test_mapping_outside_the_table(void **state)
{
    (void)state;
    /* Error statuses Windows has no mapping for. */
    assert_int_equal(RtlNtStatusToDosError((NTSTATUS)0xC0000036u), 317);
    assert_int_equal(RtlNtStatusToDosError((NTSTATUS)0xC00000B7u), 317);
    assert_int_equal(RtlNtStatusToDosError((NTSTATUS)0xC0FFFFFFu), 317);
    assert_int_equal(RtlNtStatusToDosError((NTSTATUS)0x80000008u), 317);
    assert_int_equal(ERROR_MR_MID_NOT_FOUND, 317);
    /* Customer bit: passed through unchanged (the C++ exception code). */
    assert_int_equal(RtlNtStatusToDosError((NTSTATUS)0xE06D7363u), 0xE06D7363u);
    assert_int_equal(RtlNtStatusToDosError((NTSTATUS)0x20000005u), 0x20000005u);
    /* HRESULT_FROM_WIN32(ERROR_ACCESS_DENIED) gives the Win32 error back. */
    assert_int_equal(RtlNtStatusToDosError((NTSTATUS)0x80070005u), 5);
    /* HRESULT_FROM_NT(STATUS_CONFLICTING_ADDRESSES) maps as the status. */
    assert_int_equal(RtlNtStatusToDosError((NTSTATUS)0xD0000018u), 487);
    assert_int_equal(RtlNtStatusToDosError((NTSTATUS)0xD0000036u), 317);
    /* The redirector's OS/2 errors: the low 16 bits. */
    assert_int_equal(RtlNtStatusToDosError((NTSTATUS)0xC0010035u), 0x35);
}

static void test_basic_types(void **state)
{
    (void)state;
    assert_int_equal(sizeof(BOOL), 4);
    assert_int_equal(sizeof(BYTE), 1);
    assert_int_equal(sizeof(WORD), 2);
    assert_int_equal(sizeof(DWORD), 4);
    assert_int_equal(sizeof(LONG), 4);
    assert_int_equal(sizeof(ULONG), 4);
    assert_int_equal(sizeof(ULONG64), 8);
    assert_int_equal(sizeof(DWORD64), 8);
    assert_int_equal(sizeof(LONGLONG), 8);
    assert_int_equal(sizeof(ULONGLONG), 8);
    assert_int_equal(sizeof(DWORDLONG), 8);
    assert_int_equal(sizeof(SIZE_T), 8);
    assert_int_equal(sizeof(SSIZE_T), 8);
    assert_int_equal(sizeof(ULONG_PTR), 8);
    assert_int_equal(sizeof(DWORD_PTR), 8);
    assert_int_equal(sizeof(LONG_PTR), 8);
    assert_int_equal(sizeof(HANDLE), 8);
    assert_int_equal(sizeof(WCHAR), 2);
    assert_true((DWORD)-1 > 0);
    assert_true((LONG)-1 < 0);
    assert_true((SIZE_T)-1 > 0);
    assert_true((SSIZE_T)-1 < 0);
    assert_true((LONG_PTR)INVALID_HANDLE_VALUE == -1);
    assert_int_equal(MAX_PATH, 260);
    assert_int_equal(TRUE, 1);
    assert_int_equal(FALSE, 0);
}

/* winnt.h and winerror.h values, written out. */
static void test_constants(void **state)
{
    (void)state;
    static const struct {
        const char *name;
        uint64_t value;
        uint64_t windows;
    } constants[] = {
#define C(name, windows) { #name, (uint64_t)(name), windows }
        C(MEM_COALESCE_PLACEHOLDERS, 0x1), C(MEM_PRESERVE_PLACEHOLDER, 0x2),
        C(MEM_COMMIT, 0x1000), C(MEM_RESERVE, 0x2000), C(MEM_DECOMMIT, 0x4000),
        C(MEM_RELEASE, 0x8000), C(MEM_FREE, 0x10000), C(MEM_PRIVATE, 0x20000),
        C(MEM_MAPPED, 0x40000), C(MEM_RESET, 0x80000), C(MEM_TOP_DOWN, 0x100000),
        C(MEM_WRITE_WATCH, 0x200000), C(MEM_PHYSICAL, 0x400000),
        C(MEM_RESET_UNDO, 0x1000000), C(MEM_IMAGE, 0x1000000),
        C(MEM_LARGE_PAGES, 0x20000000), C(MEM_4MB_PAGES, 0x80000000),
        C(PAGE_NOACCESS, 0x01), C(PAGE_READONLY, 0x02), C(PAGE_READWRITE, 0x04),
        C(PAGE_WRITECOPY, 0x08), C(PAGE_EXECUTE, 0x10), C(PAGE_EXECUTE_READ, 0x20),
        C(PAGE_EXECUTE_READWRITE, 0x40), C(PAGE_EXECUTE_WRITECOPY, 0x80),
        C(PAGE_GUARD, 0x100), C(PAGE_NOCACHE, 0x200), C(PAGE_WRITECOMBINE, 0x400),
        C(PAGE_TARGETS_INVALID, 0x40000000), C(PAGE_TARGETS_NO_UPDATE, 0x40000000),
        C(PROCESSOR_ARCHITECTURE_INTEL, 0), C(PROCESSOR_ARCHITECTURE_AMD64, 9),
        C(PROCESSOR_INTEL_386, 386), C(PROCESSOR_INTEL_486, 486),
        C(PROCESSOR_INTEL_PENTIUM, 586), C(PROCESSOR_AMD_X8664, 8664),
        C(EXCEPTION_ACCESS_VIOLATION, 0xC0000005), C(EXCEPTION_GUARD_PAGE, 0x80000001),
        C(EXCEPTION_DATATYPE_MISALIGNMENT, 0x80000002),
        C(EXCEPTION_IN_PAGE_ERROR, 0xC0000006), C(EXCEPTION_STACK_OVERFLOW, 0xC00000FD),
        C(ERROR_SUCCESS, 0), C(NO_ERROR, 0), C(ERROR_INVALID_FUNCTION, 1),
        C(ERROR_FILE_NOT_FOUND, 2), C(ERROR_ACCESS_DENIED, 5), C(ERROR_INVALID_HANDLE, 6),
        C(ERROR_NOT_ENOUGH_MEMORY, 8), C(ERROR_OUTOFMEMORY, 14), C(ERROR_BAD_LENGTH, 24),
        C(ERROR_GEN_FAILURE, 31), C(ERROR_NOT_SUPPORTED, 50), C(ERROR_UNEXP_NET_ERR, 59),
        C(ERROR_INVALID_PARAMETER, 87), C(ERROR_INSUFFICIENT_BUFFER, 122), C(ERROR_INVALID_NAME, 123), C(ERROR_IO_PENDING, 997),
        C(ERROR_NOT_LOCKED, 158), C(ERROR_ALREADY_EXISTS, 183), C(ERROR_PARTIAL_COPY, 299),
        C(ERROR_MR_MID_NOT_FOUND, 317), C(ERROR_INVALID_ADDRESS, 487),
        C(ERROR_WAS_UNLOCKED, 715), C(ERROR_WAS_LOCKED, 717), C(ERROR_NOACCESS, 998),
        C(ERROR_SWAPERROR, 999), C(ERROR_STACK_OVERFLOW, 1001), C(ERROR_INVALID_FLAGS, 1004),
        C(ERROR_MAPPED_ALIGNMENT, 1132), C(ERROR_PRIVILEGE_NOT_HELD, 1314),
        C(ERROR_INTERNAL_ERROR, 1359), C(ERROR_NO_SYSTEM_RESOURCES, 1450),
        C(ERROR_NONPAGED_SYSTEM_RESOURCES, 1451), C(ERROR_PAGED_SYSTEM_RESOURCES, 1452),
        C(ERROR_WORKING_SET_QUOTA, 1453), C(ERROR_PAGEFILE_QUOTA, 1454),
        C(ERROR_COMMITMENT_LIMIT, 1455), C(ERROR_INVALID_USER_BUFFER, 1784),
#undef C
    };
    for (size_t i = 0; i < COUNT(constants); i++)
        if (constants[i].value != constants[i].windows)
            fail_msg("%s is 0x%llx, Windows has 0x%llx", constants[i].name,
                     (unsigned long long)constants[i].value,
                     (unsigned long long)constants[i].windows);
}

#define FIELD(type, field, offset) assert_int_equal(offsetof(type, field), offset)

static void test_memory_basic_information_layout(void **state)
{
    (void)state;
    assert_int_equal(sizeof(MEMORY_BASIC_INFORMATION), 48);
    FIELD(MEMORY_BASIC_INFORMATION, BaseAddress, 0);
    FIELD(MEMORY_BASIC_INFORMATION, AllocationBase, 8);
    FIELD(MEMORY_BASIC_INFORMATION, AllocationProtect, 16);
    FIELD(MEMORY_BASIC_INFORMATION, PartitionId, 20);
    FIELD(MEMORY_BASIC_INFORMATION, RegionSize, 24);
    FIELD(MEMORY_BASIC_INFORMATION, State, 32);
    FIELD(MEMORY_BASIC_INFORMATION, Protect, 36);
    FIELD(MEMORY_BASIC_INFORMATION, Type, 40);
    assert_int_equal(sizeof(PMEMORY_BASIC_INFORMATION), 8);
}

static void test_system_info_layout(void **state)
{
    (void)state;
    assert_int_equal(sizeof(SYSTEM_INFO), 48);
    FIELD(SYSTEM_INFO, dwOemId, 0);
    FIELD(SYSTEM_INFO, wProcessorArchitecture, 0);
    FIELD(SYSTEM_INFO, wReserved, 2);
    FIELD(SYSTEM_INFO, dwPageSize, 4);
    FIELD(SYSTEM_INFO, lpMinimumApplicationAddress, 8);
    FIELD(SYSTEM_INFO, lpMaximumApplicationAddress, 16);
    FIELD(SYSTEM_INFO, dwActiveProcessorMask, 24);
    FIELD(SYSTEM_INFO, dwNumberOfProcessors, 32);
    FIELD(SYSTEM_INFO, dwProcessorType, 36);
    FIELD(SYSTEM_INFO, dwAllocationGranularity, 40);
    FIELD(SYSTEM_INFO, wProcessorLevel, 44);
    FIELD(SYSTEM_INFO, wProcessorRevision, 46);
    /* The union: the architecture is the low word of dwOemId (little endian). */
    SYSTEM_INFO si;
    memset(&si, 0, sizeof si);
    si.wProcessorArchitecture = PROCESSOR_ARCHITECTURE_AMD64;
    assert_int_equal(si.dwOemId, 9);
}

static void test_memorystatusex_layout(void **state)
{
    (void)state;
    assert_int_equal(sizeof(MEMORYSTATUSEX), 64);
    FIELD(MEMORYSTATUSEX, dwLength, 0);
    FIELD(MEMORYSTATUSEX, dwMemoryLoad, 4);
    FIELD(MEMORYSTATUSEX, ullTotalPhys, 8);
    FIELD(MEMORYSTATUSEX, ullAvailPhys, 16);
    FIELD(MEMORYSTATUSEX, ullTotalPageFile, 24);
    FIELD(MEMORYSTATUSEX, ullAvailPageFile, 32);
    FIELD(MEMORYSTATUSEX, ullTotalVirtual, 40);
    FIELD(MEMORYSTATUSEX, ullAvailVirtual, 48);
    FIELD(MEMORYSTATUSEX, ullAvailExtendedVirtual, 56);
}

static void test_process_memory_counters_layout(void **state)
{
    (void)state;
    assert_int_equal(sizeof(PROCESS_MEMORY_COUNTERS), 72);
    assert_int_equal(sizeof(PROCESS_MEMORY_COUNTERS_EX), 80);
    FIELD(PROCESS_MEMORY_COUNTERS_EX, cb, 0);
    FIELD(PROCESS_MEMORY_COUNTERS_EX, PageFaultCount, 4);
    FIELD(PROCESS_MEMORY_COUNTERS_EX, PeakWorkingSetSize, 8);
    FIELD(PROCESS_MEMORY_COUNTERS_EX, WorkingSetSize, 16);
    FIELD(PROCESS_MEMORY_COUNTERS_EX, QuotaPeakPagedPoolUsage, 24);
    FIELD(PROCESS_MEMORY_COUNTERS_EX, QuotaPagedPoolUsage, 32);
    FIELD(PROCESS_MEMORY_COUNTERS_EX, QuotaPeakNonPagedPoolUsage, 40);
    FIELD(PROCESS_MEMORY_COUNTERS_EX, QuotaNonPagedPoolUsage, 48);
    FIELD(PROCESS_MEMORY_COUNTERS_EX, PagefileUsage, 56);
    FIELD(PROCESS_MEMORY_COUNTERS_EX, PeakPagefileUsage, 64);
    FIELD(PROCESS_MEMORY_COUNTERS_EX, PrivateUsage, 72);
    /* The _EX form begins with the plain one, so either may be passed. */
    FIELD(PROCESS_MEMORY_COUNTERS, PeakPagefileUsage, 64);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_status_values),
        cmocka_unit_test(test_status_names),
        cmocka_unit_test(test_mapping_of_every_status),
        cmocka_unit_test(test_mapping_named_errors),
        cmocka_unit_test(test_mapping_outside_the_table),
        cmocka_unit_test(test_basic_types),
        cmocka_unit_test(test_constants),
        cmocka_unit_test(test_memory_basic_information_layout),
        cmocka_unit_test(test_system_info_layout),
        cmocka_unit_test(test_memorystatusex_layout),
        cmocka_unit_test(test_process_memory_counters_layout),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
