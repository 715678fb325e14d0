/*
 * fuzz_api.c — the Win32 memory API and the machine's own bytes through
 * generated call sequences. The first byte chooses the machine (x86, PAE or
 * x64: its value modulo 3) and its pagefile (bits 2-3: as big as RAM, none,
 * 1 MB, 64 MB, so that commit runs out too); the rest is a sequence of
 * calls, each an operation byte and its arguments, read from the input as
 * they are needed (an exhausted input reads zeros):
 *
 *   VirtualAlloc, VirtualFree, VirtualProtect, VirtualQuery, VirtualLock,
 *   VirtualUnlock, CreateFileMapping, MapViewOfFileEx, UnmapViewOfFile,
 *   FlushViewOfFile, CreateFile (+ SetEndOfFile), CloseHandle, ntmm_read,
 *   ntmm_write, ntmm_execute, kernel edits (ntmm_write_virtual into a list
 *   head, a PFN entry, a PTE of the current process, a kernel variable, any
 *   address; ntmm_write_physical into a page table or any frame), process
 *   create / terminate / switch, idle time, fault injection, and !verify.
 *
 * Arguments lean towards what makes sense (addresses near ones the machine
 * returned, sizes in pages, protections from the PAGE_* table) and keep a
 * way to anything (raw 32- and 64-bit values), so the fuzzer finds both the
 * deep paths and the argument checks.
 *
 * (1) A kernel edit may leave a structure corrupt until the memory manager
 *     reads it: then the machine bug-checks, and must never crash the host.
 * (2) ntmm_read, ntmm_write and ntmm_execute are made only with a live
 *     process (a NULL process is misuse of the C interface, not input); the
 *     Win32 calls run with whatever is current, NULL included.
 * (3) The harness takes the number of frames from the configuration, never
 *     from MmNumberOfPhysicalPages (ntmm_machine_info), which is kernel
 *     memory an edit may have zeroed.
 */
#include "fuzz.h"
#include "ntmm/win32.h"

#define RAM (16ull << 20)
#define PAGE NTMM_PAGE_SIZE
#define PROCESSES 4
#define HANDLES 8
#define ADDRESSES 16
#define MAX_CALLS 256

struct state {
    struct fuzz_run *run;
    const uint8_t *data;
    size_t size, at;
    struct ntmm_process *process[PROCESSES]; /* NULL: free or terminated */
    struct ntmm_process *current;
    HANDLE handle[HANDLES];                  /* sections and files, a ring */
    unsigned handles;
    uint64_t address[ADDRESSES];             /* addresses the machine returned, a ring */
    unsigned addresses;
};

static uint8_t u8(struct state *s)
{
    return s->at < s->size ? s->data[s->at++] : 0;
}

static uint64_t bytes(struct state *s, unsigned n)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < n; i++)
        v |= (uint64_t)u8(s) << (8 * i);
    return v;
}

static void note(struct state *s, const char *what, uint64_t result)
{
    tool_printf(&s->run->transcript, "%s %llx error %u\n", what, (unsigned long long)result,
                (unsigned)GetLastError());
}

static void remember(struct state *s, uint64_t address)
{
    if (address)
        s->address[s->addresses++ % ADDRESSES] = address;
}

static void keep_handle(struct state *s, HANDLE h)
{
    if (h && h != INVALID_HANDLE_VALUE)
        s->handle[s->handles++ % HANDLES] = h;
}

static HANDLE handle(struct state *s)
{
    uint8_t sel = u8(s);
    if (sel == 0xff)
        return INVALID_HANDLE_VALUE;
    if (sel == 0xfe)
        return (HANDLE)(uintptr_t)bytes(s, 4);
    return s->handles ? s->handle[sel % HANDLES % (s->handles < HANDLES ? s->handles : HANDLES)]
                      : NULL;
}

static uint64_t address(struct state *s)
{
    uint8_t sel = u8(s);
    uint64_t known = s->addresses ? s->address[sel % ADDRESSES % (s->addresses < ADDRESSES
                                                                  ? s->addresses : ADDRESSES)]
                                  : 0x10000;
    switch (sel >> 6) {
    case 0: return known + bytes(s, 1) * PAGE;
    case 1: return known + bytes(s, 2);
    case 2: return bytes(s, 4);
    default: return bytes(s, 8);
    }
}

static LPVOID pointer(struct state *s)
{
    return (LPVOID)(uintptr_t)address(s);
}

static LPVOID optional_pointer(struct state *s)
{
    return u8(s) & 1 ? pointer(s) : NULL;
}

static SIZE_T size(struct state *s)
{
    uint8_t sel = u8(s);
    switch (sel >> 6) {
    case 0: return (SIZE_T)(sel & 63) * PAGE;
    case 1: return (SIZE_T)(bytes(s, 1) + 1) * PAGE;
    case 2: return (SIZE_T)bytes(s, 2);
    default: return (SIZE_T)bytes(s, 8);
    }
}

/* A value from table, or (the last index) a raw 32-bit value. */
static DWORD pick(struct state *s, const DWORD *table, unsigned n)
{
    unsigned i = u8(s) % (n + 1);
    return i < n ? table[i] : (DWORD)bytes(s, 4);
}

static DWORD page_protection(struct state *s)
{
    static const DWORD base[] = { PAGE_NOACCESS, PAGE_READONLY, PAGE_READWRITE,
                                  PAGE_WRITECOPY, PAGE_EXECUTE, PAGE_EXECUTE_READ,
                                  PAGE_EXECUTE_READWRITE, PAGE_EXECUTE_WRITECOPY,
                                  PAGE_READWRITE | PAGE_GUARD, PAGE_READONLY | PAGE_NOCACHE,
                                  PAGE_READWRITE | PAGE_WRITECOMBINE, 0 };
    return pick(s, base, sizeof base / sizeof base[0]);
}

#define PICK(s, ...)                                                                        \
    pick(s, (const DWORD[]){ __VA_ARGS__ }, sizeof((const DWORD[]){ __VA_ARGS__ }) /      \
                                               sizeof(DWORD))

static void op_alloc(struct state *s)
{
    LPVOID at = optional_pointer(s);
    SIZE_T n = size(s);
    DWORD type = PICK(s, MEM_COMMIT, MEM_RESERVE, MEM_COMMIT | MEM_RESERVE, MEM_RESET,
                      MEM_RESET_UNDO, MEM_COMMIT | MEM_RESERVE | MEM_TOP_DOWN,
                      MEM_RESERVE | MEM_TOP_DOWN);
    LPVOID p = VirtualAlloc(at, n, type, page_protection(s));
    remember(s, (uint64_t)(uintptr_t)p);
    note(s, "VirtualAlloc", (uint64_t)(uintptr_t)p);
}

static void op_free(struct state *s)
{
    LPVOID at = pointer(s);
    SIZE_T n = size(s);
    DWORD type = PICK(s, MEM_RELEASE, MEM_DECOMMIT, MEM_RELEASE | MEM_DECOMMIT);
    note(s, "VirtualFree", (uint64_t)VirtualFree(at, type == MEM_RELEASE ? 0 : n, type));
}

static void op_protect(struct state *s)
{
    LPVOID at = pointer(s);
    SIZE_T n = size(s);
    DWORD old = 0;
    BOOL ok = VirtualProtect(at, n, page_protection(s), &old);
    note(s, "VirtualProtect", (uint64_t)ok << 32 | old);
}

static void op_query(struct state *s)
{
    MEMORY_BASIC_INFORMATION m;
    memset(&m, 0, sizeof m);
    SIZE_T n = VirtualQuery(pointer(s), &m, sizeof m);
    tool_printf(&s->run->transcript, "VirtualQuery %llu %llx %llx %x %llx %x %x %x\n",
                (unsigned long long)n, (unsigned long long)(uintptr_t)m.BaseAddress,
                (unsigned long long)(uintptr_t)m.AllocationBase, (unsigned)m.AllocationProtect,
                (unsigned long long)m.RegionSize, (unsigned)m.State, (unsigned)m.Protect,
                (unsigned)m.Type);
}

static void op_lock(struct state *s, bool lock)
{
    LPVOID at = pointer(s);
    SIZE_T n = size(s);
    note(s, lock ? "VirtualLock" : "VirtualUnlock",
          (uint64_t)(lock ? VirtualLock(at, n) : VirtualUnlock(at, n)));
}

static void op_section(struct state *s)
{
    HANDLE file = u8(s) & 1 ? INVALID_HANDLE_VALUE : handle(s);
    DWORD protect = PICK(s, PAGE_READONLY, PAGE_READWRITE, PAGE_WRITECOPY, PAGE_EXECUTE_READ,
                         PAGE_EXECUTE_READWRITE, PAGE_EXECUTE_WRITECOPY, PAGE_NOACCESS);
    protect |= PICK(s, 0, SEC_COMMIT, SEC_RESERVE, SEC_IMAGE, SEC_NOCACHE, SEC_LARGE_PAGES);
    DWORD high = u8(s) < 0xf0 ? 0 : (DWORD)bytes(s, 1);
    DWORD low = (DWORD)size(s);
    static const char *const names[] = { NULL, "a", "b", "" };
    HANDLE h = CreateFileMappingA(file, NULL, protect, high, low, names[u8(s) % 4]);
    keep_handle(s, h);
    note(s, "CreateFileMapping", (uint64_t)(uintptr_t)h);
}

static void op_map(struct state *s)
{
    HANDLE h = handle(s);
    DWORD access = PICK(s, FILE_MAP_READ, FILE_MAP_WRITE, FILE_MAP_ALL_ACCESS, FILE_MAP_COPY,
                        FILE_MAP_READ | FILE_MAP_EXECUTE, FILE_MAP_WRITE | FILE_MAP_COPY);
    DWORD high = u8(s) < 0xf0 ? 0 : (DWORD)bytes(s, 1);
    DWORD low = (DWORD)size(s);
    SIZE_T n = size(s);
    LPVOID view = MapViewOfFileEx(h, access, high, low, n, optional_pointer(s));
    remember(s, (uint64_t)(uintptr_t)view);
    note(s, "MapViewOfFile", (uint64_t)(uintptr_t)view);
}

static void op_unmap(struct state *s)
{
    note(s, "UnmapViewOfFile", (uint64_t)UnmapViewOfFile(pointer(s)));
}

static void op_flush(struct state *s)
{
    LPVOID at = pointer(s);
    note(s, "FlushViewOfFile", (uint64_t)FlushViewOfFile(at, size(s)));
}

static void op_file(struct state *s)
{
    static const char *const names[] = { "C:\\a.dat", "C:\\b.dat", "b.dat", "C:\\" };
    const char *name = names[u8(s) % 4];
    DWORD access = PICK(s, GENERIC_READ, GENERIC_READ | GENERIC_WRITE, GENERIC_WRITE);
    DWORD share = u8(s) & 7;
    DWORD disposition = PICK(s, OPEN_ALWAYS, CREATE_ALWAYS, OPEN_EXISTING, CREATE_NEW,
                             TRUNCATE_EXISTING);
    HANDLE h = CreateFileA(name, access, share, NULL, disposition, 0, NULL);
    keep_handle(s, h);
    note(s, "CreateFile", (uint64_t)(uintptr_t)h);
    if (h == INVALID_HANDLE_VALUE)
        return;
    LONG length = (LONG)(bytes(s, 1) * PAGE + bytes(s, 1));
    DWORD at = SetFilePointer(h, length, NULL, FILE_BEGIN);
    note(s, "SetEndOfFile", (uint64_t)at << 32 | (uint64_t)SetEndOfFile(h));
}

static void op_close(struct state *s)
{
    note(s, "CloseHandle", (uint64_t)CloseHandle(handle(s)));
}

static void op_read(struct state *s)
{
    uint64_t at = address(s);
    size_t n = (size_t)bytes(s, 2) % (3 * PAGE);
    uint8_t buffer[3 * PAGE];
    memset(buffer, 0, n);
    NTSTATUS st = ntmm_read(s->current, at, buffer, n);
    tool_printf(&s->run->transcript, "read %llx %zu %08x %llx\n", (unsigned long long)at, n,
                (unsigned)st, (unsigned long long)fuzz_hash(buffer, n));
}

static void op_write(struct state *s)
{
    uint64_t at = address(s);
    uint8_t buffer[256];
    size_t n = u8(s);
    for (size_t i = 0; i < n; i++)
        buffer[i] = u8(s);
    NTSTATUS st = ntmm_write(s->current, at, buffer, n);
    tool_printf(&s->run->transcript, "write %llx %zu %08x\n", (unsigned long long)at, n,
                (unsigned)st);
}

static void op_execute(struct state *s)
{
    uint64_t at = address(s);
    tool_printf(&s->run->transcript, "execute %llx %08x\n", (unsigned long long)at,
                (unsigned)ntmm_execute(s->current, at));
}

/* Where a kernel edit goes: a virtual address, or (*physical) a physical one. */
static uint64_t edit_target(struct state *s, bool *physical)
{
    struct ntmm_machine *m = s->run->machine;
    struct ntmm_machine_info info;
    ntmm_machine_info(m, &info);
    uint64_t frames = ntmm_machine_config(m)->ram_bytes / PAGE; /* (3) */
    *physical = false;
    uint8_t kind = u8(s) % 6;
    if (kind == 0) {
        struct ntmm_list_info list;
        if (ntmm_list_query(m, u8(s) % 8, &list) == STATUS_SUCCESS)
            return list.address + u8(s) % (4 * info.pte_size);
    } else if (kind == 1) {
        struct ntmm_pfn_info pfn;
        if (ntmm_pfn_query(m, bytes(s, 2) % frames, &pfn) == STATUS_SUCCESS)
            return pfn.entry_address + u8(s) % info.pfn_entry_size;
    } else if (kind == 2) {
        struct ntmm_walk walk;
        uint64_t va = address(s);
        unsigned level = u8(s);
        if (ntmm_pte_walk(m, s->current, va, &walk) == STATUS_SUCCESS && walk.levels) {
            *physical = true;
            return walk.level[level % walk.levels].entry_physical;
        }
    } else if (kind == 3) {
        struct ntmm_symbol symbol;
        if (ntmm_symbol_at(m, u8(s), &symbol))
            return symbol.address + u8(s) % 16;
    } else if (kind == 4) {
        *physical = true;
        return (bytes(s, 2) % frames) * PAGE + bytes(s, 2) % PAGE;
    }
    return address(s);
}

/* Values that break structures: links to nowhere, counts, flipped bits. */
static uint64_t edit_value(struct state *s, uint64_t old, uint64_t frames)
{
    switch (u8(s) % 8) {
    case 0: return 0;
    case 1: return 0x41414141;
    case 2: return ~0ull;
    case 3: return frames + (uint64_t)(int8_t)u8(s);            /* a PFN link near the end */
    case 4: return (frames + u8(s)) << 12 | (old & 0xfff); /* a PTE naming no RAM */
    case 5: return old ^ (1ull << (u8(s) % 64));
    case 6: return old + (uint64_t)(int8_t)u8(s);
    default: return bytes(s, 8);
    }
}

static void op_edit(struct state *s)
{
    uint64_t frames = ntmm_machine_config(s->run->machine)->ram_bytes / PAGE; /* (3) */
    bool physical;
    uint64_t at = edit_target(s, &physical);
    size_t width = (size_t)1 << (u8(s) % 4);
    uint64_t old = 0;
    NTSTATUS st = physical ? ntmm_read_physical(s->run->machine, at, &old, width)
                           : ntmm_read_virtual(s->run->machine, at, &old, width);
    uint64_t value = edit_value(s, old, frames);
    if (NT_SUCCESS(st))
        st = physical ? ntmm_write_physical(s->run->machine, at, &value, width)
                      : ntmm_write_virtual(s->run->machine, at, &value, width);
    if (NT_SUCCESS(st))
        s->run->edited = 1;
    tool_printf(&s->run->transcript, "edit %c %llx %zu %llx -> %llx %08x\n",
                physical ? 'p' : 'v', (unsigned long long)at, width, (unsigned long long)old,
                (unsigned long long)value, (unsigned)st);
}

static void op_create_process(struct state *s)
{
    uint8_t flags = u8(s);
    struct ntmm_process_options o = { .image_name = "fuzz.exe", .is_64bit = flags & 1,
                                      .large_address_aware = (flags & 2) != 0 };
    unsigned slot = (flags >> 2) % PROCESSES;
    if (s->process[slot])
        return;
    NTSTATUS st = ntmm_process_create(s->run->machine, &o, &s->process[slot]);
    if (!NT_SUCCESS(st))
        s->process[slot] = NULL;
    tool_printf(&s->run->transcript, "process %u %08x\n", slot, (unsigned)st);
}

static void op_terminate(struct state *s)
{
    unsigned slot = u8(s) % PROCESSES;
    if (!s->process[slot])
        return;
    ntmm_process_terminate(s->process[slot]);
    if (s->current == s->process[slot])
        s->current = NULL;
    s->process[slot] = NULL;
    tool_printf(&s->run->transcript, "terminate %u\n", slot);
}

static void op_switch(struct state *s)
{
    unsigned slot = u8(s) % PROCESSES;
    s->current = s->process[slot];
    ntmm_set_current_process(s->current);
    tool_printf(&s->run->transcript, "current %u %d\n", slot, s->current != NULL);
}

static void op_machine(struct state *s)
{
    uint8_t what = u8(s);
    if (what < 0x80) {
        tool_printf(&s->run->transcript, "idle %llu\n",
                    (unsigned long long)ntmm_machine_idle(s->run->machine));
    } else if (what < 0xc0) {
        enum ntmm_fault_kind kind = what & 1 ? NTMM_FAULT_FRAME : NTMM_FAULT_HOST_ALLOCATION;
        ntmm_inject_fault(s->run->machine, kind, u8(s) % 8);
    } else {
        fuzz_check(s->run);
    }
}

static void call(struct state *s)
{
    uint8_t op = u8(s);
    bool live = s->current != NULL;
    switch (op % 24) {
    case 0: case 1: op_alloc(s); break;
    case 2: op_free(s); break;
    case 3: op_protect(s); break;
    case 4: op_query(s); break;
    case 5: op_lock(s, true); break;
    case 6: op_lock(s, false); break;
    case 7: op_section(s); break;
    case 8: op_map(s); break;
    case 9: op_unmap(s); break;
    case 10: op_flush(s); break;
    case 11: op_file(s); break;
    case 12: op_close(s); break;
    case 13: case 14: if (live) op_read(s); break;
    case 15: case 16: if (live) op_write(s); break;
    case 17: if (live) op_execute(s); break;
    case 18: op_edit(s); break;
    case 19: op_create_process(s); break;
    case 20: op_terminate(s); break;
    case 21: op_switch(s); break;
    default: op_machine(s); break;
    }
}

static void run_calls(struct fuzz_run *run, const uint8_t *data, size_t size)
{
    struct state s = { .run = run, .data = data, .size = size };
    static const uint64_t pagefiles[4] = { RAM, 0, 1u << 20, 64u << 20 };
    uint8_t machine = u8(&s);
    fuzz_boot(run, (enum ntmm_arch)(NTMM_ARCH_X86 + machine % 3), RAM,
              pagefiles[(machine >> 2) & 3]);
    NTSTATUS st = ntmm_process_create(run->machine, NULL, &s.process[0]);
    if (!NT_SUCCESS(st))
        fuzz_fail("process", ntmm_status_name(st));
    s.current = s.process[0];
    ntmm_set_current_process(s.current);
    for (unsigned n = 0; n < MAX_CALLS && s.at < s.size; n++)
        call(&s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_twice(data, size, run_calls);
}
