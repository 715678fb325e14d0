/*
 * test_objects.c — the object manager (ob/ob.h) and the handle functions:
 * handle values 4, 8, 12 …, PointerCount and HandleCount, CloseHandle (twice:
 * ERROR_INVALID_HANDLE), DuplicateHandle between processes (access asked for,
 * DUPLICATE_SAME_ACCESS, DUPLICATE_CLOSE_SOURCE), OpenProcess (a bad id gives
 * ERROR_INVALID_PARAMETER), access checks (VirtualAllocEx without
 * PROCESS_VM_OPERATION gives ERROR_ACCESS_DENIED), a process object that
 * outlives its termination while another process holds a handle, and the
 * \BaseNamedObjects directory through a test-only object type. The verifier
 * runs after each step; ASan checks that nothing leaks.
 */
#include <string.h>

#include "testing.h"

#include "ntmm/win32.h"
#include "ob/ob.h"
#include "ps/process.h"

static struct ntmm_machine *m;
static struct ntmm_process *a, *b;

static void setup(void)
{
    m = test_boot(NTMM_ARCH_X86_PAE, 32ull << 20);
    assert_int_equal(ntmm_process_create(m, NULL, &a), STATUS_SUCCESS);
    assert_int_equal(ntmm_process_create(m, NULL, &b), STATUS_SUCCESS);
    ntmm_set_current_process(a);
}

static void teardown(void)
{
    ntmm_machine_destroy(m);
    m = NULL;
}

#define H(v) ((HANDLE)(uintptr_t)(v))

/* OpenProcess hands out 4, 8, 12 …; a closed slot is reused first. */
static void test_handle_values(void **state)
{
    (void)state;
    setup();
    HANDLE h1 = OpenProcess(PROCESS_ALL_ACCESS, FALSE, b->cid);
    HANDLE h2 = OpenProcess(PROCESS_QUERY_INFORMATION, FALSE, b->cid);
    HANDLE h3 = OpenProcess(PROCESS_VM_OPERATION, FALSE, a->cid);
    assert_ptr_equal(h1, H(4));
    assert_ptr_equal(h2, H(8));
    assert_ptr_equal(h3, H(12));
    assert_int_equal(ob_handle_table_count(&a->handles), 3);
    assert_int_equal(ob_handle_table_count(&b->handles), 0);
    assert_true(CloseHandle(h2));
    assert_ptr_equal(OpenProcess(PROCESS_VM_READ, FALSE, b->cid), H(8));
    assert_int_equal(GetProcessId(h1), b->cid);
    assert_int_equal(GetCurrentProcessId(), a->cid);
    assert_int_equal(GetProcessId(GetCurrentProcess()), a->cid);
    /* The low two bits are ignored, as Windows ignores them. */
    assert_int_equal(GetProcessId(H(5)), b->cid);
    test_verify(m);
    teardown();
}

/* Each handle counts once in HandleCount and once in PointerCount; the
 * process's own reference is the extra pointer. */
static void test_reference_counts(void **state)
{
    (void)state;
    setup();
    assert_int_equal(ob_pointer_count(b), 1);
    assert_int_equal(ob_handle_count(b), 0);
    HANDLE h1 = OpenProcess(PROCESS_ALL_ACCESS, FALSE, b->cid);
    HANDLE h2 = OpenProcess(PROCESS_ALL_ACCESS, FALSE, b->cid);
    assert_int_equal(ob_pointer_count(b), 3);
    assert_int_equal(ob_handle_count(b), 2);
    void *body;
    ACCESS_MASK granted;
    assert_int_equal(ob_reference_object_by_handle(a, h1, PROCESS_VM_READ, &ps_process_type,
                                                   &body, &granted),
                     STATUS_SUCCESS);
    assert_ptr_equal(body, b);
    assert_int_equal(granted, PROCESS_ALL_ACCESS);
    assert_int_equal(ob_pointer_count(b), 4);
    ob_dereference_object(body);
    assert_true(CloseHandle(h1));
    assert_true(CloseHandle(h2));
    assert_int_equal(ob_pointer_count(b), 1);
    assert_int_equal(ob_handle_count(b), 0);
    test_verify(m);
    teardown();
}

/* A second close of the same handle, and handles never opened, fail. */
static void test_close_twice(void **state)
{
    (void)state;
    setup();
    HANDLE h = OpenProcess(PROCESS_ALL_ACCESS, FALSE, b->cid);
    assert_true(CloseHandle(h));
    SetLastError(0);
    assert_false(CloseHandle(h));
    assert_int_equal(GetLastError(), ERROR_INVALID_HANDLE);
    assert_int_equal(NtClose(h), STATUS_INVALID_HANDLE);
    assert_int_equal(NtClose(NULL), STATUS_INVALID_HANDLE);
    assert_int_equal(NtClose(H(0x4000)), STATUS_INVALID_HANDLE);
    /* The pseudo-handle and the library's handles need no closing. */
    assert_true(CloseHandle(GetCurrentProcess()));
    assert_true(CloseHandle(ntmm_process_handle(b)));
    assert_non_null(VirtualAllocEx(ntmm_process_handle(b), NULL, 0x1000, MEM_COMMIT,
                                   PAGE_READWRITE));
    /* A closed handle no longer reaches the process. */
    SetLastError(0);
    assert_null(VirtualAllocEx(h, NULL, 0x1000, MEM_COMMIT, PAGE_READWRITE));
    assert_int_equal(GetLastError(), ERROR_INVALID_HANDLE);
    test_verify(m);
    teardown();
}

/* A handle without PROCESS_VM_OPERATION cannot allocate; one without
 * PROCESS_QUERY_INFORMATION cannot query. */
static void test_access_checks(void **state)
{
    (void)state;
    setup();
    HANDLE read_only = OpenProcess(PROCESS_VM_READ | PROCESS_QUERY_INFORMATION, FALSE, b->cid);
    assert_non_null(read_only);
    SetLastError(0);
    assert_null(VirtualAllocEx(read_only, NULL, 0x1000, MEM_COMMIT, PAGE_READWRITE));
    assert_int_equal(GetLastError(), ERROR_ACCESS_DENIED);
    PVOID base = NULL;
    SIZE_T size = 0x1000;
    assert_int_equal(NtAllocateVirtualMemory(read_only, &base, 0, &size, MEM_COMMIT,
                                             PAGE_READWRITE),
                     STATUS_ACCESS_DENIED);
    HANDLE op = OpenProcess(PROCESS_VM_OPERATION, FALSE, b->cid);
    LPVOID p = VirtualAllocEx(op, NULL, 0x1000, MEM_COMMIT, PAGE_READWRITE);
    assert_non_null(p);
    MEMORY_BASIC_INFORMATION info;
    SetLastError(0);
    assert_int_equal(VirtualQueryEx(op, p, &info, sizeof info), 0);
    assert_int_equal(GetLastError(), ERROR_ACCESS_DENIED);
    assert_int_equal(VirtualQueryEx(read_only, p, &info, sizeof info), sizeof info);
    assert_int_equal(info.State, MEM_COMMIT);
    assert_true(VirtualFreeEx(op, p, 0, MEM_RELEASE));
    /* Access beyond what a process has (Vista's PROCESS_ALL_ACCESS on the
     * modelled XP) is refused. */
    SetLastError(0);
    assert_null(OpenProcess(0x1FFFFF, FALSE, b->cid));
    assert_int_equal(GetLastError(), ERROR_ACCESS_DENIED);
    HANDLE max = OpenProcess(MAXIMUM_ALLOWED, FALSE, b->cid);
    assert_non_null(VirtualAllocEx(max, NULL, 0x1000, MEM_COMMIT, PAGE_READWRITE));
    assert_true(CloseHandle(max));
    assert_true(CloseHandle(op));
    assert_true(CloseHandle(read_only));
    test_verify(m);
    teardown();
}

/* OpenProcess with an id no process has: ERROR_INVALID_PARAMETER. */
static void test_open_bad_pid(void **state)
{
    (void)state;
    setup();
    DWORD bad[] = { 0, 1, 4, 0x12345678, 0xFFFFFFFF };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        SetLastError(0);
        assert_null(OpenProcess(PROCESS_ALL_ACCESS, FALSE, bad[i]));
        assert_int_equal(GetLastError(), ERROR_INVALID_PARAMETER);
    }
    HANDLE h = H(1);
    CLIENT_ID id = { H(0x12345678), NULL };
    assert_int_equal(NtOpenProcess(&h, PROCESS_ALL_ACCESS, NULL, &id), STATUS_INVALID_CID);
    assert_null(h);
    assert_int_equal(NtOpenProcess(&h, PROCESS_ALL_ACCESS, NULL, NULL),
                     STATUS_INVALID_PARAMETER_MIX);
    assert_int_equal(ob_handle_table_count(&a->handles), 0);
    test_verify(m);
    teardown();
}

/* DuplicateHandle into another process: the copy works there with the access
 * asked for; DUPLICATE_CLOSE_SOURCE closes the source. */
static void test_duplicate_between_processes(void **state)
{
    (void)state;
    setup();
    struct ntmm_process *c;
    assert_int_equal(ntmm_process_create(m, NULL, &c), STATUS_SUCCESS);
    HANDLE to_c = OpenProcess(PROCESS_ALL_ACCESS, FALSE, c->cid);
    HANDLE to_b = OpenProcess(PROCESS_DUP_HANDLE, FALSE, b->cid);
    assert_ptr_equal(to_c, H(4));
    assert_ptr_equal(to_b, H(8));

    /* Copy a's handle to c into b, with PROCESS_QUERY_INFORMATION only. */
    HANDLE in_b = NULL;
    assert_true(DuplicateHandle(GetCurrentProcess(), to_c, to_b, &in_b,
                                PROCESS_QUERY_INFORMATION, FALSE, 0));
    assert_ptr_equal(in_b, H(4)); /* b's table was empty */
    assert_int_equal(ob_handle_count(c), 2);
    ntmm_set_current_process(b);
    assert_int_equal(GetProcessId(in_b), c->cid);
    SetLastError(0);
    assert_null(VirtualAllocEx(in_b, NULL, 0x1000, MEM_COMMIT, PAGE_READWRITE));
    assert_int_equal(GetLastError(), ERROR_ACCESS_DENIED);
    ntmm_set_current_process(a);
    /* In a's own table the value 4 is still a's full-access handle. */
    assert_non_null(VirtualAllocEx(to_c, NULL, 0x1000, MEM_COMMIT, PAGE_READWRITE));

    /* DUPLICATE_SAME_ACCESS | DUPLICATE_CLOSE_SOURCE moves the handle. */
    HANDLE moved = NULL;
    assert_true(DuplicateHandle(GetCurrentProcess(), to_c, to_b, &moved, 0, FALSE,
                                DUPLICATE_SAME_ACCESS | DUPLICATE_CLOSE_SOURCE));
    assert_ptr_equal(moved, H(8));
    assert_int_equal(NtClose(to_c), STATUS_INVALID_HANDLE);
    assert_int_equal(ob_handle_count(c), 2);
    ntmm_set_current_process(b);
    assert_non_null(VirtualAllocEx(moved, NULL, 0x1000, MEM_COMMIT, PAGE_READWRITE));
    ntmm_set_current_process(a);
    test_verify(m);

    /* The pseudo-handle duplicates into a real handle to the source. */
    HANDLE self = NULL;
    assert_true(DuplicateHandle(GetCurrentProcess(), GetCurrentProcess(), GetCurrentProcess(),
                                &self, 0, FALSE, DUPLICATE_SAME_ACCESS));
    assert_ptr_equal(self, H(4));
    assert_int_equal(GetProcessId(self), a->cid);

    /* The target process handle needs PROCESS_DUP_HANDLE. */
    HANDLE no_dup = OpenProcess(PROCESS_QUERY_INFORMATION, FALSE, b->cid);
    HANDLE out = H(1);
    SetLastError(0);
    assert_false(DuplicateHandle(GetCurrentProcess(), self, no_dup, &out, 0, FALSE,
                                 DUPLICATE_SAME_ACCESS));
    assert_int_equal(GetLastError(), ERROR_ACCESS_DENIED);
    assert_null(out);
    /* Asking for more than a process has is refused. */
    assert_int_equal(NtDuplicateObject(GetCurrentProcess(), self, GetCurrentProcess(), &out,
                                       0x1FFFFF, 0, 0),
                     STATUS_ACCESS_DENIED);
    /* Close-only: no target. */
    assert_int_equal(NtDuplicateObject(GetCurrentProcess(), self, NULL, NULL, 0, 0,
                                       DUPLICATE_CLOSE_SOURCE),
                     STATUS_SUCCESS);
    assert_int_equal(NtClose(self), STATUS_INVALID_HANDLE);
    /* An invalid source handle. */
    assert_int_equal(NtDuplicateObject(GetCurrentProcess(), H(0x400), GetCurrentProcess(), &out,
                                       0, 0, DUPLICATE_SAME_ACCESS),
                     STATUS_INVALID_HANDLE);
    test_verify(m);
    ntmm_process_terminate(c);
    test_verify(m);
    teardown();
}

/* Terminating a process frees its memory and closes its own handles; the
 * process object stays while other processes hold handles to it, and calls
 * through them fail with STATUS_PROCESS_IS_TERMINATING (ERROR_ACCESS_DENIED).
 * The last CloseHandle frees it (ASan would see a leak or a stale use). */
static void test_terminated_process_object(void **state)
{
    (void)state;
    setup();
    struct ntmm_machine_info before, after;
    ntmm_machine_idle(m);
    ntmm_machine_info(m, &before);
    struct ntmm_process *c;
    assert_int_equal(ntmm_process_create(m, NULL, &c), STATUS_SUCCESS);
    uint32_t c_id = c->cid;
    HANDLE h = OpenProcess(PROCESS_ALL_ACCESS, FALSE, c_id);
    /* c holds a handle to a, which must go when c terminates. */
    ntmm_set_current_process(c);
    HANDLE c_to_a = OpenProcess(PROCESS_ALL_ACCESS, FALSE, a->cid);
    assert_non_null(c_to_a);
    assert_non_null(VirtualAlloc(NULL, 0x10000, MEM_COMMIT, PAGE_READWRITE));
    ntmm_set_current_process(a);
    assert_int_equal(ob_handle_count(a), 1);
    ntmm_process_terminate(c);
    test_verify(m);
    assert_int_equal(ob_handle_count(a), 0);
    assert_int_equal(ob_pointer_count(a), 1);
    ntmm_machine_idle(m);
    ntmm_machine_info(m, &after);
    assert_int_equal(after.available_pages, before.available_pages);
    /* The body stays: its id is still there, its memory is not. */
    assert_int_equal(GetProcessId(h), c_id);
    SetLastError(0);
    assert_null(VirtualAllocEx(h, NULL, 0x1000, MEM_COMMIT, PAGE_READWRITE));
    assert_int_equal(GetLastError(), ERROR_ACCESS_DENIED);
    PVOID base = NULL;
    SIZE_T size = 0x1000;
    assert_int_equal(NtAllocateVirtualMemory(h, &base, 0, &size, MEM_COMMIT, PAGE_READWRITE),
                     STATUS_PROCESS_IS_TERMINATING);
    /* No longer openable by id. */
    SetLastError(0);
    assert_null(OpenProcess(PROCESS_ALL_ACCESS, FALSE, c_id));
    assert_int_equal(GetLastError(), ERROR_INVALID_PARAMETER);
    assert_true(CloseHandle(h));
    test_verify(m);
    teardown();
}

/* Two processes holding handles to each other, terminated in turn, and the
 * machine torn down with handles still open: nothing leaks. */
static void test_teardown_with_handles(void **state)
{
    (void)state;
    setup();
    HANDLE to_b = OpenProcess(PROCESS_ALL_ACCESS, FALSE, b->cid);
    assert_non_null(to_b);
    assert_non_null(OpenProcess(PROCESS_ALL_ACCESS, FALSE, a->cid));
    ntmm_set_current_process(b);
    assert_non_null(OpenProcess(PROCESS_ALL_ACCESS, FALSE, a->cid));
    ntmm_set_current_process(a);
    DWORD b_id = b->cid;
    ntmm_process_terminate(b);
    assert_int_equal(GetProcessId(to_b), b_id);
    assert_int_equal(ob_handle_count(a), 1); /* a's own handle; b's is gone */
    test_verify(m);
    teardown();
}

/* ---- named objects, through a type the test registers ---- */

static int deleted;

static void delete_thing(void *body)
{
    assert_int_equal(*(int *)body, 42);
    deleted++;
}

static const struct ob_type thing_type = {
    .name = "TestThing",
    .valid_access = 0x001F0003,
    .delete_procedure = delete_thing,
};

static const struct ob_type other_type = {
    .name = "TestOther",
    .valid_access = 0x001F0001,
};

static void *new_thing(void)
{
    void *body;
    assert_int_equal(ob_create_object(m, &thing_type, sizeof(int), &body), STATUS_SUCCESS);
    *(int *)body = 42;
    assert_int_equal(ob_pointer_count(body), 1);
    return body;
}

#define NAME "\\BaseNamedObjects\\MappedMemoryA"

static void test_named_objects(void **state)
{
    (void)state;
    setup();
    deleted = 0;
    HANDLE h1, h2, h3, h4;
    void *first = new_thing();
    assert_int_equal(ob_insert_object(a, first, NAME, OBJ_OPENIF, 0x3, &h1), STATUS_SUCCESS);
    assert_ptr_equal(h1, H(4));
    assert_ptr_equal(ob_lookup_name(m, NAME, 0), first);
    assert_int_equal(ob_pointer_count(first), 1);
    assert_int_equal(ob_handle_count(first), 1);
    test_verify(m);

    /* Creating it again (OBJ_OPENIF, as CreateFileMapping does) opens the
     * same object and says so; the new one is deleted. */
    void *second = new_thing();
    assert_int_equal(ob_insert_object(b, second, NAME, OBJ_OPENIF, 0x1, &h2),
                     STATUS_OBJECT_NAME_EXISTS);
    assert_int_equal(RtlNtStatusToDosError(STATUS_OBJECT_NAME_EXISTS), ERROR_ALREADY_EXISTS);
    assert_int_equal(deleted, 1);
    assert_ptr_equal(h2, H(4));
    void *body;
    assert_int_equal(ob_reference_object_by_handle(b, h2, 0x1, &thing_type, &body, NULL),
                     STATUS_SUCCESS);
    assert_ptr_equal(body, first);
    ob_dereference_object(body);
    assert_int_equal(ob_reference_object_by_handle(b, h2, 0x2, &thing_type, &body, NULL),
                     STATUS_ACCESS_DENIED);
    assert_int_equal(ob_reference_object_by_handle(b, h2, 0x1, &ps_process_type, &body, NULL),
                     STATUS_OBJECT_TYPE_MISMATCH);
    assert_int_equal(ob_handle_count(first), 2);

    /* Without OBJ_OPENIF: a collision, no handle. */
    assert_int_equal(ob_insert_object(a, new_thing(), NAME, 0, 0x1, &h3),
                     STATUS_OBJECT_NAME_COLLISION);
    assert_int_equal(RtlNtStatusToDosError(STATUS_OBJECT_NAME_COLLISION), ERROR_ALREADY_EXISTS);
    assert_null(h3);
    assert_int_equal(deleted, 2);
    /* Another type under the name. */
    void *other;
    assert_int_equal(ob_create_object(m, &other_type, 8, &other), STATUS_SUCCESS);
    assert_int_equal(ob_insert_object(a, other, NAME, OBJ_OPENIF, 0x1, &h3),
                     STATUS_OBJECT_TYPE_MISMATCH);

    /* Open by name; names are case-sensitive unless asked otherwise. */
    assert_int_equal(ob_open_object_by_name(a, &thing_type, NAME, 0, 0x1, &h3), STATUS_SUCCESS);
    assert_ptr_equal(h3, H(8));
    assert_int_equal(ob_open_object_by_name(a, &thing_type,
                                            "\\BaseNamedObjects\\mappedmemorya", 0, 0x1, &h4),
                     STATUS_OBJECT_NAME_NOT_FOUND);
    assert_int_equal(ob_open_object_by_name(a, &thing_type,
                                            "\\BaseNamedObjects\\mappedmemorya",
                                            OBJ_CASE_INSENSITIVE, 0x1, &h4),
                     STATUS_SUCCESS);
    assert_int_equal(ob_open_object_by_name(a, &other_type, NAME, 0, 0x1, &h4),
                     STATUS_OBJECT_TYPE_MISMATCH);
    assert_int_equal(ob_open_object_by_name(a, NULL, "\\BaseNamedObjects\\Nope", 0, 0x1, &h4),
                     STATUS_OBJECT_NAME_NOT_FOUND);
    assert_int_equal(ob_open_object_by_name(a, NULL, "\\Elsewhere\\X", 0, 0x1, &h4),
                     STATUS_OBJECT_NAME_INVALID);
    assert_int_equal(ob_open_object_by_name(a, NULL, "\\BaseNamedObjects\\", 0, 0x1, &h4),
                     STATUS_OBJECT_NAME_INVALID);
    assert_int_equal(ob_handle_count(first), 4);
    assert_int_equal(ob_pointer_count(first), 4);

    /* Duplicating into b counts as one more handle. */
    HANDLE dup;
    assert_int_equal(ob_duplicate_object(a, h3, b, &dup, 0, 0, DUPLICATE_SAME_ACCESS),
                     STATUS_SUCCESS);
    assert_int_equal(ob_handle_count(first), 5);
    assert_int_equal(ob_close_handle(b, dup), STATUS_SUCCESS);

    /* A reference without a handle keeps the body but not the name. */
    ob_reference_object(first);
    assert_int_equal(ob_close_handle(a, H(12)), STATUS_SUCCESS);
    assert_int_equal(ob_close_handle(a, h3), STATUS_SUCCESS);
    assert_int_equal(ob_close_handle(b, h2), STATUS_SUCCESS);
    assert_ptr_equal(ob_lookup_name(m, NAME, 0), first);
    assert_int_equal(ob_close_handle(a, h1), STATUS_SUCCESS);
    assert_null(ob_lookup_name(m, NAME, 0));
    assert_int_equal(ob_open_object_by_name(a, NULL, NAME, 0, 0x1, &h4),
                     STATUS_OBJECT_NAME_NOT_FOUND);
    assert_int_equal(deleted, 2);
    assert_int_equal(ob_pointer_count(first), 1);
    ob_dereference_object(first);
    assert_int_equal(deleted, 3);

    /* The name is free again: a new object takes it. */
    void *third = new_thing();
    assert_int_equal(ob_insert_object(a, third, NAME, OBJ_OPENIF, 0x1, &h1), STATUS_SUCCESS);
    assert_ptr_equal(ob_lookup_name(m, NAME, 0), third);
    /* Termination closes the handle, and with it the name. */
    ntmm_process_terminate(a);
    assert_null(ob_lookup_name(m, NAME, 0));
    assert_int_equal(deleted, 4);
    test_verify(m);
    teardown();
}

/* Host allocation failures in the object manager change nothing. */
static void test_allocation_failures(void **state)
{
    (void)state;
    setup();
    ntmm_inject_fault(m, NTMM_FAULT_HOST_ALLOCATION, 1);
    SetLastError(0);
    assert_null(OpenProcess(PROCESS_ALL_ACCESS, FALSE, b->cid));
    assert_int_equal(GetLastError(), ERROR_NO_SYSTEM_RESOURCES);
    assert_int_equal(ob_handle_count(b), 0);
    assert_int_equal(ob_pointer_count(b), 1);
    void *body;
    ntmm_inject_fault(m, NTMM_FAULT_HOST_ALLOCATION, 1);
    assert_int_equal(ob_create_object(m, &thing_type, 4, &body), STATUS_NO_MEMORY);
    assert_null(body);
    body = new_thing();
    ntmm_inject_fault(m, NTMM_FAULT_HOST_ALLOCATION, 1);
    HANDLE h;
    deleted = 0;
    assert_int_equal(ob_insert_object(a, body, NAME, 0, 0x1, &h), STATUS_NO_MEMORY);
    assert_int_equal(deleted, 1);
    assert_null(ob_lookup_name(m, NAME, 0));
    test_verify(m);
    teardown();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_handle_values),
        cmocka_unit_test(test_reference_counts),
        cmocka_unit_test(test_close_twice),
        cmocka_unit_test(test_access_checks),
        cmocka_unit_test(test_open_bad_pid),
        cmocka_unit_test(test_duplicate_between_processes),
        cmocka_unit_test(test_terminated_process_object),
        cmocka_unit_test(test_teardown_with_handles),
        cmocka_unit_test(test_named_objects),
        cmocka_unit_test(test_allocation_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
