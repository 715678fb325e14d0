/*
 * help_functions.c — the help of every Lua function and Win32 name the shell
 * binds (help.h): signature, return values, the errors it gives, and how its
 * pointers work; and the names Windows has that ntmm does not model yet.
 *
 * (1) The texts say what the bindings in src/shell do: an address is a Lua
 *     integer in the current process's simulated address space, NULL is
 *     nil, BOOL is true or false, and a structure the C function fills is
 *     returned as a table with the SDK's field names.
 * (2) Errors are the Win32 errors GetLastError() gives after the call, with
 *     their numbers; a Win32 function that succeeds leaves it alone unless
 *     the text says otherwise.
 */
#include "tools/help.h"

/* The rule every A/W alias follows. */
#define UTF8_ALIAS "Lua strings are UTF-8: the A and W names are one function (the A form).\n"

const struct help_entry help_function_entries[] = {
    /* ---- Win32 memory ---- */
    { "VirtualAlloc", HELP_WIN32_MEMORY,
      "VirtualAlloc(lpAddress, dwSize, flAllocationType, flProtect) -> address | nil",
      "reserve or commit a region of the current process's address space",
      "lpAddress: nil or 0 lets the system choose (the lowest free 64 KB-aligned\n"
      "  range, the highest with MEM_TOP_DOWN); otherwise rounded down to 64 KB\n"
      "  (MEM_RESERVE) or a page (MEM_COMMIT in a reserved region).\n"
      "dwSize: bytes; the end is rounded up to a page.\n"
      "flAllocationType: MEM_RESERVE, MEM_COMMIT or both (MEM_COMMIT with no\n"
      "  address reserves too), optionally | MEM_TOP_DOWN; or MEM_RESET or\n"
      "  MEM_RESET_UNDO alone. Other bits (MEM_WRITE_WATCH, MEM_LARGE_PAGES,\n"
      "  MEM_PHYSICAL) are refused.\n"
      "flProtect: a PAGE_* value (not PAGE_WRITECOPY or PAGE_EXECUTE_WRITECOPY),\n"
      "  optionally | PAGE_GUARD, PAGE_NOCACHE or PAGE_WRITECOMBINE.\n"
      "Returns: the region's base address, or nil (GetLastError() says why).\n"
      "Errors: 87 ERROR_INVALID_PARAMETER (type, protection, address outside\n"
      "  user space, size 0); 487 ERROR_INVALID_ADDRESS (the range overlaps a\n"
      "  region, or a commit lies outside one reservation); 8\n"
      "  ERROR_NOT_ENOUGH_MEMORY (no free range that large); 1455\n"
      "  ERROR_COMMITMENT_LIMIT (the commit charge would pass the limit).\n"
      "Pointers: the address is a number in the simulated process; read32 and\n"
      "  write32 use it. A committed page gets a physical page on first touch\n"
      "  (a demand-zero fault); until then its PTE is zero.\n",
      "E1, E2, E3, E5, E6, E7, E9, E12, E14, E17" },
    { "VirtualAllocEx", HELP_WIN32_MEMORY,
      "VirtualAllocEx(hProcess, lpAddress, dwSize, flAllocationType, flProtect) -> address | nil",
      "VirtualAlloc in another process",
      "hProcess: a process object (CreateProcess's p), its p.handle value, or\n"
      "  -1 (GetCurrentProcess()).\n"
      "The other arguments, the return value and the errors are VirtualAlloc's\n"
      "(help VirtualAlloc); the address is one of the target process.\n"
      "Errors: also 6 ERROR_INVALID_HANDLE for a handle no live process has.\n",
      NULL },
    { "VirtualFree", HELP_WIN32_MEMORY,
      "VirtualFree(lpAddress, dwSize, dwFreeType) -> ok",
      "decommit pages or release a whole region of the current process",
      "dwFreeType: MEM_RELEASE or MEM_DECOMMIT, exactly one.\n"
      "MEM_RELEASE: dwSize must be 0 and lpAddress the region's base (what\n"
      "  VirtualAlloc returned); the whole reservation is freed.\n"
      "MEM_DECOMMIT: the pages from lpAddress rounded down to lpAddress + dwSize\n"
      "  rounded up, in one region (dwSize 0: the whole region, from its base);\n"
      "  they stay reserved, their physical pages and commit charge return.\n"
      "Returns: true, or false (GetLastError() says why).\n"
      "Errors: 87 ERROR_INVALID_PARAMETER (bad type, MEM_RELEASE with a size,\n"
      "  a range past the region, a mapped view: use UnmapViewOfFile);\n"
      "  487 ERROR_INVALID_ADDRESS (nothing allocated there, not the base).\n",
      "E3, E6, E9, E12, E14" },
    { "VirtualFreeEx", HELP_WIN32_MEMORY,
      "VirtualFreeEx(hProcess, lpAddress, dwSize, dwFreeType) -> ok",
      "VirtualFree in another process",
      "hProcess: a process object, its p.handle value, or -1.\n"
      "The rest is VirtualFree's (help VirtualFree); an unknown handle gives\n"
      "6 ERROR_INVALID_HANDLE.\n",
      NULL },
    { "VirtualProtect", HELP_WIN32_MEMORY,
      "VirtualProtect(lpAddress, dwSize, flNewProtect) -> ok, oldProtect | nil",
      "change the protection of committed pages of the current process",
      "lpAddress, dwSize: the pages from lpAddress rounded down to the end\n"
      "  rounded up; all committed and in one region.\n"
      "flNewProtect: a PAGE_* value, optionally | PAGE_GUARD, PAGE_NOCACHE or\n"
      "  PAGE_WRITECOMBINE; PAGE_WRITECOPY only in a mapped view or image.\n"
      "Returns: true and the first page's old protection (Windows writes it to\n"
      "  *lpflOldProtect; here it is the second result), or false, nil.\n"
      "Errors: 87 ERROR_INVALID_PARAMETER (bad protection, WRITECOPY on private\n"
      "  memory, size 0, address outside user space); 487 ERROR_INVALID_ADDRESS\n"
      "  (a page not committed, or the range leaves the region).\n",
      "E17" },
    { "VirtualProtectEx", HELP_WIN32_MEMORY,
      "VirtualProtectEx(hProcess, lpAddress, dwSize, flNewProtect) -> ok, oldProtect | nil",
      "VirtualProtect in another process",
      "hProcess: a process object, its p.handle value, or -1.\n"
      "The rest is VirtualProtect's (help VirtualProtect); an unknown handle\n"
      "gives 6 ERROR_INVALID_HANDLE.\n",
      NULL },
    { "VirtualQuery", HELP_WIN32_MEMORY,
      "VirtualQuery(lpAddress) -> MEMORY_BASIC_INFORMATION | nil",
      "describe the region of pages of the current process around an address",
      "lpAddress: any address of user space (nil is 0).\n"
      "Returns: a table with the fields of MEMORY_BASIC_INFORMATION:\n"
      "  BaseAddress (lpAddress's page), AllocationBase, AllocationProtect,\n"
      "  PartitionId, RegionSize (bytes from BaseAddress with the same state\n"
      "  and protection), State (MEM_COMMIT, MEM_RESERVE or MEM_FREE),\n"
      "  Protect, Type (MEM_PRIVATE, MEM_MAPPED, MEM_IMAGE; 0 when free);\n"
      "  or nil. The binding passes the buffer and its length itself.\n"
      "Errors: 87 ERROR_INVALID_PARAMETER (an address above user space).\n",
      "E1, E3, E6, E7, E17" },
    { "VirtualQueryEx", HELP_WIN32_MEMORY,
      "VirtualQueryEx(hProcess, lpAddress) -> MEMORY_BASIC_INFORMATION | nil",
      "VirtualQuery in another process",
      "hProcess: a process object, its p.handle value, or -1.\n"
      "The rest is VirtualQuery's (help VirtualQuery); an unknown handle gives\n"
      "6 ERROR_INVALID_HANDLE.\n",
      NULL },
    { "VirtualLock", HELP_WIN32_MEMORY,
      "VirtualLock(lpAddress, dwSize) -> ok",
      "lock pages of the current process into its working set",
      "The pages from lpAddress rounded down to the end rounded up are faulted\n"
      "in and locked: the working-set manager does not trim them.\n"
      "Returns: true (also when some were locked already), or false.\n"
      "Errors: 1453 ERROR_WORKING_SET_QUOTA (more locked pages than the\n"
      "  minimum working set allows, less a few pages of overhead); 87\n"
      "  ERROR_INVALID_PARAMETER (size 0, address outside user space); the\n"
      "  fault's error when a page cannot be touched (998 ERROR_NOACCESS).\n",
      NULL },
    { "VirtualUnlock", HELP_WIN32_MEMORY,
      "VirtualUnlock(lpAddress, dwSize) -> ok",
      "unlock pages VirtualLock locked",
      "The pages from lpAddress rounded down to the end rounded up lose their\n"
      "lock; the working-set manager may trim them again.\n"
      "Returns: true, or false.\n"
      "Errors: 158 ERROR_NOT_LOCKED (a page of the range is not locked; then\n"
      "  none is unlocked); 87 ERROR_INVALID_PARAMETER (size 0, bad address).\n",
      NULL },
    { "GetLastError", HELP_WIN32_MEMORY,
      "GetLastError() -> error",
      "the last Win32 error of the current process's thread",
      "Returns: the value the last failing call (or SetLastError) stored, as a\n"
      "number: 87 is ERROR_INVALID_PARAMETER, 487 ERROR_INVALID_ADDRESS, 998\n"
      "ERROR_NOACCESS, 1455 ERROR_COMMITMENT_LIMIT ... (the ERROR_* constants\n"
      "are globals). Calls that succeed leave it alone, as in Windows; each\n"
      "process has its own.\n",
      "E1, E2, E3, E4, E5, E6, E7, E9, E12, E17" },
    { "SetLastError", HELP_WIN32_MEMORY,
      "SetLastError(dwErrCode)",
      "set the last Win32 error of the current process's thread",
      "dwErrCode: a number (truncated to 32 bits), e.g. 0 before a call whose\n"
      "failure you want to tell from an old error.\n"
      "Returns: nothing.\n",
      "E17" },
    { "RtlNtStatusToDosError", HELP_WIN32_MEMORY,
      "RtlNtStatusToDosError(status) -> error",
      "the Win32 error Windows gives for an NTSTATUS",
      "status: an NTSTATUS as a number (0xC0000005 or the STATUS_* globals).\n"
      "Returns: the Win32 error kernelbase would store: 0xC0000005\n"
      "  (STATUS_ACCESS_VIOLATION) gives 998 ERROR_NOACCESS, 0xC0000018\n"
      "  (STATUS_CONFLICTING_ADDRESSES) 487 ERROR_INVALID_ADDRESS. Outside\n"
      "  the table: customer statuses unchanged, 0x8007xxxx gives xxxx, the\n"
      "  rest 317 ERROR_MR_MID_NOT_FOUND. It does not set the last error.\n",
      NULL },
    { "GetCurrentProcess", HELP_PROCESSES,
      "GetCurrentProcess() -> -1",
      "the pseudo-handle of the current process",
      "Returns: -1, the handle every *Ex call and GetProcessMemoryInfo read as\n"
      "\"the current process\" (whichever SetCurrentProcess chose at the time\n"
      "of the call). It needs no CloseHandle.\n",
      "E2, E14" },
    { "GetSystemInfo", HELP_MACHINE,
      "GetSystemInfo() -> SYSTEM_INFO",
      "the page size, address range and processors the current process sees",
      "Returns: a table with the fields of SYSTEM_INFO: dwOemId,\n"
      "  wProcessorArchitecture (0 INTEL, 9 AMD64: the process's own, so 0 for\n"
      "  a 32-bit process on x64), wReserved, dwPageSize (4096),\n"
      "  lpMinimumApplicationAddress, lpMaximumApplicationAddress,\n"
      "  dwActiveProcessorMask, dwNumberOfProcessors, dwProcessorType,\n"
      "  dwAllocationGranularity (65536), wProcessorLevel, wProcessorRevision.\n"
      "It cannot fail and sets no error.\n",
      "E12" },
    { "GetNativeSystemInfo", HELP_MACHINE,
      "GetNativeSystemInfo() -> SYSTEM_INFO",
      "GetSystemInfo with the machine's own processor architecture",
      "Returns: the table GetSystemInfo returns (help GetSystemInfo), but\n"
      "wProcessorArchitecture and dwProcessorType are the machine's: 9 AMD64\n"
      "for a 32-bit (WOW64) process on an x64 machine.\n",
      "E12" },
    { "GlobalMemoryStatusEx", HELP_MACHINE,
      "GlobalMemoryStatusEx() -> MEMORYSTATUSEX | nil",
      "physical memory, commit and the current process's virtual space",
      "Returns: a table with the fields of MEMORYSTATUSEX (bytes): dwLength,\n"
      "  dwMemoryLoad (percent of RAM not available), ullTotalPhys,\n"
      "  ullAvailPhys (free, zeroed and standby pages), ullTotalPageFile (the\n"
      "  commit limit), ullAvailPageFile (limit less commit charge),\n"
      "  ullTotalVirtual, ullAvailVirtual (user space not reserved by the\n"
      "  current process), ullAvailExtendedVirtual (0); or nil.\n"
      "The binding sets dwLength itself.\n",
      "E12, E14, E18" },
    { "GetProcessMemoryInfo", HELP_PROCESSES,
      "GetProcessMemoryInfo([hProcess]) -> PROCESS_MEMORY_COUNTERS_EX | nil",
      "a process's working set, commit and page-fault counters",
      "hProcess: a process object, its p.handle value, or -1; none: the\n"
      "  current process.\n"
      "Returns: a table with the fields of PROCESS_MEMORY_COUNTERS_EX (bytes):\n"
      "  cb, PageFaultCount, PeakWorkingSetSize, WorkingSetSize,\n"
      "  QuotaPeakPagedPoolUsage, QuotaPagedPoolUsage,\n"
      "  QuotaPeakNonPagedPoolUsage, QuotaNonPagedPoolUsage, PagefileUsage,\n"
      "  PeakPagefileUsage, PrivateUsage (committed private memory: Task\n"
      "  Manager's private bytes); or nil.\n"
      "Errors: 6 ERROR_INVALID_HANDLE (no live process has the handle).\n",
      "E2, E7, E9, E14" },
    { "GetPerformanceInfo", HELP_MACHINE,
      "GetPerformanceInfo() -> PERFORMANCE_INFORMATION | nil",
      "system-wide commit and memory counts, in pages",
      "Returns: a table with the fields of PERFORMANCE_INFORMATION: cb,\n"
      "  CommitTotal, CommitLimit, CommitPeak, PhysicalTotal,\n"
      "  PhysicalAvailable, SystemCache, KernelTotal, KernelPaged,\n"
      "  KernelNonpaged, PageSize, HandleCount, ProcessCount, ThreadCount;\n"
      "  counts in pages, not bytes (PageSize is 4096); or nil.\n"
      "SystemCache, HandleCount, ProcessCount and ThreadCount are 0: ntmm has\n"
      "no system cache and no SystemProcessInformation.\n",
      "E9" },
    { "NtQuerySystemInformation", HELP_MACHINE,
      "NtQuerySystemInformation(SystemInformationClass) -> table | nil, status",
      "the native system information classes (basic, performance)",
      "SystemInformationClass: SystemBasicInformation (0) or\n"
      "  SystemPerformanceInformation (2).\n"
      "Returns: a table with the fields of SYSTEM_BASIC_INFORMATION (PageSize,\n"
      "  NumberOfPhysicalPages, MinimumUserModeAddress ...) or of\n"
      "  SYSTEM_PERFORMANCE_INFORMATION (AvailablePages, CommittedPages,\n"
      "  CommitLimit, PageFaultCount, TransitionCount, DemandZeroCount,\n"
      "  PageReadCount, DirtyPagesWriteCount ...; LARGE_INTEGERs as numbers).\n"
      "Errors: a native call: nil and the NTSTATUS as a number, e.g.\n"
      "  0xC0000003 STATUS_INVALID_INFO_CLASS for another class; it sets no\n"
      "  last error.\n",
      "E9" },
    { "GetProcessWorkingSetSize", HELP_WIN32_MEMORY,
      "GetProcessWorkingSetSize([hProcess]) -> minimum, maximum | nil",
      "a process's working-set limits, in bytes",
      "hProcess: a process object, its p.handle value, or -1; none: current.\n"
      "Returns: the minimum and maximum working-set sizes in bytes, or nil.\n"
      "Errors: 6 ERROR_INVALID_HANDLE.\n",
      NULL },
    { "GetProcessWorkingSetSizeEx", HELP_WIN32_MEMORY,
      "GetProcessWorkingSetSizeEx([hProcess]) -> minimum, maximum, flags | nil",
      "a process's working-set limits and whether they are hard",
      "hProcess: a process object, its p.handle value, or -1; none: current.\n"
      "Returns: minimum, maximum (bytes) and flags:\n"
      "  QUOTA_LIMITS_HARDWS_MIN_ENABLE or _MIN_DISABLE, with\n"
      "  QUOTA_LIMITS_HARDWS_MAX_ENABLE or _MAX_DISABLE; or nil.\n"
      "Errors: 6 ERROR_INVALID_HANDLE.\n",
      NULL },
    { "SetProcessWorkingSetSize", HELP_WIN32_MEMORY,
      "SetProcessWorkingSetSize(hProcess, dwMinimumWorkingSetSize, dwMaximumWorkingSetSize) -> ok",
      "set a process's working-set limits, or empty its working set",
      "hProcess: a process object, its p.handle value, -1, or nil (current).\n"
      "Sizes: bytes; both -1 empties the working set (as (SIZE_T)-1 does): its\n"
      "  pages go to the standby and modified lists. Too large a minimum or\n"
      "  maximum is clamped (still a success).\n"
      "Returns: true, or false.\n"
      "Errors: 87 ERROR_INVALID_PARAMETER (a size of 0, minimum above maximum,\n"
      "  a maximum the locked pages would fill); 1450\n"
      "  ERROR_NO_SYSTEM_RESOURCES (not enough available pages for the\n"
      "  minimum); 6 ERROR_INVALID_HANDLE.\n",
      NULL },
    { "SetProcessWorkingSetSizeEx", HELP_WIN32_MEMORY,
      "SetProcessWorkingSetSizeEx(hProcess, dwMinimumWorkingSetSize, dwMaximumWorkingSetSize, Flags) -> ok",
      "set a process's working-set limits and make them hard or soft",
      "Flags: 0, or QUOTA_LIMITS_HARDWS_MIN_ENABLE / _MIN_DISABLE with\n"
      "  QUOTA_LIMITS_HARDWS_MAX_ENABLE / _MAX_DISABLE. A hard maximum is\n"
      "  never exceeded: a fault past it replaces a page of the working set.\n"
      "The rest is SetProcessWorkingSetSize's (help SetProcessWorkingSetSize).\n"
      "Errors: also 87 ERROR_INVALID_PARAMETER for unknown flags, or ENABLE\n"
      "  and DISABLE of the same limit together.\n",
      NULL },
    { "EmptyWorkingSet", HELP_WIN32_MEMORY,
      "EmptyWorkingSet([hProcess]) -> ok",
      "remove every page it can from a process's working set",
      "hProcess: a process object, its p.handle value, or -1; none: current.\n"
      "The pages go to the standby list (clean) or the modified list (dirty),\n"
      "still in memory: touching one again is a soft (transition) fault.\n"
      "Locked pages stay. Returns: true, or false.\n"
      "Errors: 6 ERROR_INVALID_HANDLE.\n",
      NULL },
    { "QueryWorkingSet", HELP_WIN32_MEMORY,
      "QueryWorkingSet([hProcess]) -> { PSAPI_WORKING_SET_BLOCK, ... } | nil",
      "list the pages in a process's working set",
      "hProcess: a process object, its p.handle value, or -1; none: current.\n"
      "Returns: one table per page, in the working-set list's order, each with\n"
      "  Flags (the raw ULONG_PTR), Protection (the MM_* protection, 5 bits),\n"
      "  ShareCount, Shared and VirtualPage (the address >> 12); page tables\n"
      "  and hyperspace pages are there too. Or nil.\n"
      "The binding asks for the count first and sizes the buffer itself.\n"
      "Errors: 6 ERROR_INVALID_HANDLE.\n",
      NULL },
    { "QueryWorkingSetEx", HELP_WIN32_MEMORY,
      "QueryWorkingSetEx(hProcess, address) -> PSAPI_WORKING_SET_EX_BLOCK | nil",
      "whether one page is in a process's working set, and how",
      "hProcess: a process object, its p.handle value, -1, or nil (current).\n"
      "address: any address of the page (the VirtualAddress field Windows\n"
      "  takes in the buffer).\n"
      "Returns: a table with Flags, Valid (0: not in the working set, the\n"
      "  other fields then 0), ShareCount, Win32Protection (PAGE_*), Shared,\n"
      "  Node, Locked, LargePage and Bad; or nil.\n"
      "Errors: 6 ERROR_INVALID_HANDLE.\n",
      NULL },

    /* ---- memory access (helpers) ---- */
#define ACCESS_ERRORS                                                              \
    "Errors: an access Windows turns into an exception raises a Lua error whose\n" \
    "  value is the exception record as a table: code (0xC0000005), address,\n"    \
    "  access (0 read, 1 write, 8 execute), name (EXCEPTION_ACCESS_VIOLATION,\n"   \
    "  EXCEPTION_GUARD_PAGE, EXCEPTION_IN_PAGE_ERROR ...) and where; pcall\n"      \
    "  catches it as __except would. No last error is set.\n"
#define READ_ENTRY(n, bits)                                                         \
    { "read" #n, HELP_HELPERS, "read" #n "(address) -> value",                      \
      "read a " #bits "-bit value of the current process's memory",                 \
      "address: a number in the current process's simulated address space.\n"     \
      "Returns: the " #bits "-bit little-endian value there, zero-extended. The\n" \
      "  access is a user-mode read: it faults pages in as the process's code\n"  \
      "  would (demand zero, transition, pagefile, image).\n"                     \
      ACCESS_ERRORS,                                                              \
      NULL }
#define WRITE_ENTRY(n, bits)                                                        \
    { "write" #n, HELP_HELPERS, "write" #n "(address, value)",                      \
      "write a " #bits "-bit value into the current process's memory",              \
      "address: a number in the current process's simulated address space.\n"     \
      "value: an integer, truncated to " #bits " bits (-1 writes all ones).\n"      \
      "The access is a user-mode write: it faults the page in, breaks\n"          \
      "copy-on-write and sets the PTE's dirty bit. Returns: nothing.\n"           \
      ACCESS_ERRORS,                                                              \
      NULL }
    READ_ENTRY(8, 8),
    READ_ENTRY(16, 16),
    { "read32", HELP_HELPERS, "read32(address) -> value",
      "read a 32-bit value of the current process's memory",
      "address: a number in the current process's simulated address space.\n"
      "Returns: the 32-bit little-endian value there, zero-extended. The access\n"
      "  is a user-mode read: it faults pages in as the process's code would\n"
      "  (demand zero, transition, pagefile, image).\n"
      ACCESS_ERRORS,
      "E2, E3, E4, E5, E9, E17" },
    READ_ENTRY(64, 64),
    { "write8", HELP_HELPERS, "write8(address, value)",
      "write an 8-bit value into the current process's memory",
      "address: a number in the current process's simulated address space.\n"
      "value: an integer, truncated to 8 bits (-1 writes 0xFF).\n"
      "The access is a user-mode write: it faults the page in, breaks\n"
      "copy-on-write and sets the PTE's dirty bit. Returns: nothing.\n"
      ACCESS_ERRORS,
      "E14, E17" },
    WRITE_ENTRY(16, 16),
    { "write32", HELP_HELPERS, "write32(address, value)",
      "write a 32-bit value into the current process's memory",
      "address: a number in the current process's simulated address space.\n"
      "value: an integer, truncated to 32 bits.\n"
      "The access is a user-mode write: it faults the page in (E2: a\n"
      "demand-zero fault gives the PTE a PFN), breaks copy-on-write and sets\n"
      "the PTE's dirty bit. Returns: nothing.\n"
      ACCESS_ERRORS,
      "E2, E3, E4, E9, E17" },
    WRITE_ENTRY(64, 64),
    { "readbytes", HELP_HELPERS, "readbytes(address, count) -> string",
      "read bytes of the current process's memory as a Lua string",
      "address: a number in the current process's simulated address space.\n"
      "count: bytes, 0 to 64 MB; the range may cross pages and regions.\n"
      "Returns: a string of count bytes (string.unpack reads fields of it).\n"
      ACCESS_ERRORS,
      "E5, E6, E7" },
    { "writebytes", HELP_HELPERS, "writebytes(address, s)",
      "write a Lua string into the current process's memory",
      "address: a number in the current process's simulated address space.\n"
      "s: the bytes to write (string.pack builds structures).\n"
      "On an exception the bytes before the faulting page have been written,\n"
      "as with a faulting rep movs. Returns: nothing.\n"
      ACCESS_ERRORS,
      "E3, E5, E6, E7, E9, E12" },
    { "execute", HELP_HELPERS, "execute(address)",
      "fetch an instruction at an address of the current process",
      "address: a number in the current process's simulated address space.\n"
      "An instruction fetch of the byte there, as a jump to it would make: the\n"
      "page must be executable (PAGE_EXECUTE_*) under --arch pae and x64,\n"
      "whose PTEs have the NX bit; x86 paging has none, so any readable page\n"
      "executes there. No instruction runs. Returns: nothing.\n"
      ACCESS_ERRORS,
      "E17" },
#undef READ_ENTRY
#undef WRITE_ENTRY
#undef ACCESS_ERRORS

    /* ---- processes ---- */
    { "CreateProcess", HELP_PROCESSES,
      "CreateProcess{name = \"a.exe\", bits = 32 | 64, laa = bool, image = path} -> p | nil, why",
      "create a new simulated process (ntmm's own form, not Windows' arguments)",
      "The table (or nil) says what Windows would read from the image:\n"
      "  name: the image file name (default \"process.exe\");\n"
      "  bits: 32 or 64 (default: the machine's; 64 needs --arch x64);\n"
      "  laa: LARGE_ADDRESS_AWARE (default: true for 64-bit, false for 32);\n"
      "  image: a path of an EXE on the C: drive, mapped as the image; its PE\n"
      "    header then decides the flag (E12).\n"
      "Returns: a process object p (p.pid, p.name, p.handle, p.bits, p.laa,\n"
      "  p.alive); or nil and a message \"CreateProcess: STATUS_...\", with\n"
      "  the last error set. The new process does not become current:\n"
      "  SetCurrentProcess(p) does that.\n",
      "E3, E4, E5, E7, E12" },
    { "SetCurrentProcess", HELP_PROCESSES,
      "SetCurrentProcess(p)",
      "choose the process the Win32 calls, read/write and the debugger use",
      "p: a process object, its p.handle value, or -1 (no change).\n"
      "Every later call without a process handle (VirtualAlloc, read32,\n"
      "CreateFile, dbg(\"!vad\") ...) works on p, as if p's thread ran;\n"
      ".process in the debugger switches it too. Returns: nothing.\n"
      "Errors: a Lua error for a terminated process or an unknown handle.\n",
      "E3, E4, E5, E7, E12" },
    { "GetCurrentProcessObject", HELP_PROCESSES,
      "GetCurrentProcessObject() -> p | nil",
      "the process object of the current process",
      "Returns: the process object (the same value each time: p == q) of the\n"
      "  current process, or nil when there is none. Unlike\n"
      "  GetCurrentProcess() (-1, a pseudo-handle) it names one process, so it\n"
      "  still names it after a SetCurrentProcess.\n",
      "E3, E4, E5, E6, E7" },
    { "TerminateProcess", HELP_PROCESSES,
      "TerminateProcess(p) -> true",
      "end a process and free its address space",
      "p: a process object or its p.handle value (no exit code: ntmm's form).\n"
      "The process's views, private memory, page tables and handles go; its\n"
      "object stays with p.alive == false, and using it then raises an error.\n"
      "Returns: true. Errors: a Lua error for an unknown handle.\n",
      NULL },
    { "Processes", HELP_PROCESSES,
      "Processes() -> { p, ... }",
      "the live processes, in creation order",
      "Returns: a list of process objects (p.pid, p.name, p.handle, p.bits,\n"
      "p.laa, p.alive), the first process the shell booted first.\n"
      "for _, p in ipairs(Processes()) do print(p) end prints each as\n"
      "\"process PID NAME (32-bit)\".\n",
      NULL },
    { "CloseHandle", HELP_PROCESSES,
      "CloseHandle(hObject) -> ok",
      "close a file or section handle of the current process",
      "hObject: a handle value of the current process's handle table (4, 8,\n"
      "  12 ...), as CreateFile and CreateFileMapping return. A section stays\n"
      "  while a view maps it. CloseHandle(p) of a process object, like\n"
      "  CloseHandle(GetCurrentProcess()), closes nothing and succeeds.\n"
      "Returns: true, or false.\n"
      "Errors: 6 ERROR_INVALID_HANDLE (no such handle).\n",
      "E3, E6, E9, E12" },

    /* ---- files ---- */
#define CREATE_FILE_TEXT                                                            \
    "lpFileName: a path on the machine's C: drive (\"C:\\\\a.txt\", \"a.txt\").\n"   \
    "dwDesiredAccess: GENERIC_READ, GENERIC_WRITE ... dwShareMode: FILE_SHARE_*.\n" \
    "lpSecurityAttributes: nil.\n"                                                 \
    "dwCreationDisposition: CREATE_NEW, CREATE_ALWAYS, OPEN_EXISTING,\n"           \
    "  OPEN_ALWAYS or TRUNCATE_EXISTING. dwFlagsAndAttributes and\n"                \
    "  hTemplateFile may be left out (they are ignored).\n"                       \
    "Returns: a handle (4, 8 ...) or INVALID_HANDLE_VALUE (-1). On success\n"       \
    "  the last error is 0, or 183 ERROR_ALREADY_EXISTS when CREATE_ALWAYS or\n"  \
    "  OPEN_ALWAYS found the file.\n"                                             \
    "Errors: 2 ERROR_FILE_NOT_FOUND, 3 ERROR_PATH_NOT_FOUND, 80\n"                 \
    "  ERROR_FILE_EXISTS (CREATE_NEW), 32 ERROR_SHARING_VIOLATION, 5\n"            \
    "  ERROR_ACCESS_DENIED, 123 ERROR_INVALID_NAME, 1224 ERROR_USER_MAPPED_FILE\n" \
    "  (truncating a mapped file), 87 ERROR_INVALID_PARAMETER.\n"
    { "CreateFile", HELP_FILES_SECTIONS,
      "CreateFile(lpFileName, dwDesiredAccess, dwShareMode, nil, dwCreationDisposition [, dwFlagsAndAttributes, hTemplateFile]) -> handle",
      "create or open a file on the simulated C: drive",
      CREATE_FILE_TEXT,
      "E3, E5, E6, E7, E9, E12" },
    { "CreateFileA", HELP_FILES_SECTIONS,
      "CreateFileA(lpFileName, dwDesiredAccess, dwShareMode, nil, dwCreationDisposition [, dwFlagsAndAttributes, hTemplateFile]) -> handle",
      "CreateFile (the A form)",
      UTF8_ALIAS CREATE_FILE_TEXT,
      NULL },
    { "CreateFileW", HELP_FILES_SECTIONS,
      "CreateFileW(lpFileName, dwDesiredAccess, dwShareMode, nil, dwCreationDisposition [, dwFlagsAndAttributes, hTemplateFile]) -> handle",
      "CreateFile (the W form, here the same as the A form)",
      UTF8_ALIAS CREATE_FILE_TEXT,
      NULL },
#undef CREATE_FILE_TEXT
#define TRANSFER_TEXT(what, dir)                                                    \
    "hFile: a handle CreateFile returned.\n"                                       \
    "lpBuffer: an address in the current process's simulated memory; the\n"       \
    "  bytes move " dir "\n"                                                     \
    "  (writebytes puts a string there, readbytes reads it).\n"                  \
    "nNumberOfBytesTo...: bytes, from the file pointer, which moves by the\n"   \
    "  bytes " what ".\n"                                                      \
    "lpNumberOf...: optional simulated address of a DWORD that receives the\n"   \
    "  count, as Windows writes it; lpOverlapped is not taken.\n"                \
    "Returns: ok and the bytes " what ", also on failure (those before the\n"      \
    "  faulting page).\n"
    { "ReadFile", HELP_FILES_SECTIONS,
      "ReadFile(hFile, lpBuffer, nNumberOfBytesToRead [, lpNumberOfBytesRead]) -> ok, bytes",
      "read from a file into the current process's memory",
      TRANSFER_TEXT("read", "from the file to it")
      "  At the end of the file ok is true and bytes 0.\n"
      "Errors: 6 ERROR_INVALID_HANDLE, 5 ERROR_ACCESS_DENIED (no read access),\n"
      "  998 ERROR_NOACCESS (the buffer is not writable memory).\n",
      "E5, E7" },
    { "WriteFile", HELP_FILES_SECTIONS,
      "WriteFile(hFile, lpBuffer, nNumberOfBytesToWrite [, lpNumberOfBytesWritten]) -> ok, bytes",
      "write bytes of the current process's memory to a file",
      TRANSFER_TEXT("written", "from it to the file")
      "Errors: 6 ERROR_INVALID_HANDLE, 5 ERROR_ACCESS_DENIED (no write access),\n"
      "  998 ERROR_NOACCESS (the buffer is not readable memory), 112\n"
      "  ERROR_DISK_FULL.\n",
      "E3, E5, E6, E7, E9, E12" },
#undef TRANSFER_TEXT
    { "SetFilePointer", HELP_FILES_SECTIONS,
      "SetFilePointer(hFile, lDistanceToMove, lDistanceToMoveHigh | nil, dwMoveMethod) -> low [, high]",
      "move a file's pointer (32-bit halves)",
      "lDistanceToMove: the low 32 bits of the distance (signed without high).\n"
      "lDistanceToMoveHigh: the high 32 bits, or nil for a 32-bit distance.\n"
      "dwMoveMethod: FILE_BEGIN, FILE_CURRENT or FILE_END.\n"
      "Returns: the new pointer's low 32 bits; with a high part given, also the\n"
      "  new high part (Windows writes it back to *lpDistanceToMoveHigh). On\n"
      "  failure INVALID_SET_FILE_POINTER (0xFFFFFFFF) and the last error set\n"
      "  (a real 0xFFFFFFFF sets it to 0).\n"
      "Errors: 131 ERROR_NEGATIVE_SEEK, 87 ERROR_INVALID_PARAMETER (bad method;\n"
      "  a result above 4 GB - 2 without a high part), 6 ERROR_INVALID_HANDLE.\n",
      "E5, E7" },
    { "SetFilePointerEx", HELP_FILES_SECTIONS,
      "SetFilePointerEx(hFile, liDistanceToMove, dwMoveMethod) -> ok, position | nil",
      "move a file's pointer (64-bit)",
      "liDistanceToMove: a signed 64-bit distance (a number).\n"
      "dwMoveMethod: FILE_BEGIN, FILE_CURRENT or FILE_END.\n"
      "Returns: true and the new position (Windows' *lpNewFilePointer), or\n"
      "  false, nil. A position past the end is allowed (the file is not\n"
      "  extended until a write or SetEndOfFile).\n"
      "Errors: 131 ERROR_NEGATIVE_SEEK, 87 ERROR_INVALID_PARAMETER, 6\n"
      "  ERROR_INVALID_HANDLE.\n",
      NULL },
    { "SetEndOfFile", HELP_FILES_SECTIONS,
      "SetEndOfFile(hFile) -> ok",
      "make a file end at its file pointer",
      "The file is cut or extended (with zeros) to the current pointer.\n"
      "Returns: true, or false.\n"
      "Errors: 1224 ERROR_USER_MAPPED_FILE (shrinking a file a section maps),\n"
      "  5 ERROR_ACCESS_DENIED (no write access), 6 ERROR_INVALID_HANDLE.\n",
      NULL },
    { "GetFileSize", HELP_FILES_SECTIONS,
      "GetFileSize(hFile) -> low, high",
      "a file's size, as two 32-bit halves",
      "Returns: the size's low 32 bits and its high 32 bits (Windows writes\n"
      "  the high part to *lpFileSizeHigh; here it is the second result). On\n"
      "  failure INVALID_FILE_SIZE (0xFFFFFFFF) with the last error set (a real\n"
      "  low part of 0xFFFFFFFF sets it to 0).\n"
      "Errors: 6 ERROR_INVALID_HANDLE.\n",
      "E5" },
    { "GetFileSizeEx", HELP_FILES_SECTIONS,
      "GetFileSizeEx(hFile) -> size | nil",
      "a file's size in bytes",
      "Returns: the size (Windows' *lpFileSize), or nil.\n"
      "Errors: 6 ERROR_INVALID_HANDLE.\n",
      NULL },
#define DELETE_FILE_TEXT                                                            \
    "lpFileName: a path on the machine's C: drive. The file goes at once, even\n"  \
    "  with handles open (Windows would mark it delete-pending).\n"                \
    "Returns: true, or false.\n"                                                  \
    "Errors: 2 ERROR_FILE_NOT_FOUND, 3 ERROR_PATH_NOT_FOUND, 32\n"                  \
    "  ERROR_SHARING_VIOLATION (a handle does not share delete), 5\n"              \
    "  ERROR_ACCESS_DENIED (a section maps it, or not a regular file).\n"
    { "DeleteFile", HELP_FILES_SECTIONS,
      "DeleteFile(lpFileName) -> ok",
      "delete a file of the simulated C: drive",
      DELETE_FILE_TEXT,
      NULL },
    { "DeleteFileA", HELP_FILES_SECTIONS,
      "DeleteFileA(lpFileName) -> ok",
      "DeleteFile (the A form)",
      UTF8_ALIAS DELETE_FILE_TEXT,
      NULL },
    { "DeleteFileW", HELP_FILES_SECTIONS,
      "DeleteFileW(lpFileName) -> ok",
      "DeleteFile (the W form, here the same as the A form)",
      UTF8_ALIAS DELETE_FILE_TEXT,
      NULL },
#undef DELETE_FILE_TEXT

    /* ---- sections ---- */
#define CREATE_MAPPING_TEXT                                                         \
    "hFile: a file handle, or INVALID_HANDLE_VALUE for memory backed by the\n"     \
    "  pagefile (its size then must not be 0).\n"                                 \
    "lpFileMappingAttributes: nil.\n"                                              \
    "flProtect: PAGE_READONLY, PAGE_READWRITE, PAGE_WRITECOPY or an EXECUTE_\n"    \
    "  form, | SEC_COMMIT (the default), SEC_RESERVE, SEC_IMAGE or SEC_NOCACHE.\n" \
    "dwMaximumSizeHigh, dwMaximumSizeLow: the size; 0, 0 is the file's size.\n"    \
    "lpName: optional; names live in \\BaseNamedObjects. An existing name is\n"    \
    "  opened and the last error set to 183 ERROR_ALREADY_EXISTS (else 0).\n"     \
    "Returns: a section handle of the current process, or nil.\n"                 \
    "Errors: 87 ERROR_INVALID_PARAMETER (bad protection or attributes, size 0\n"   \
    "  for the pagefile), 6 ERROR_INVALID_HANDLE, 5 ERROR_ACCESS_DENIED (the\n"    \
    "  file's access does not allow the protection), 1006 ERROR_FILE_INVALID\n"   \
    "  (an empty file), 193 ERROR_BAD_EXE_FORMAT (SEC_IMAGE of no image), 1455\n" \
    "  ERROR_COMMITMENT_LIMIT (a pagefile-backed section's commit).\n"
    { "CreateFileMapping", HELP_FILES_SECTIONS,
      "CreateFileMapping(hFile, nil, flProtect, dwMaximumSizeHigh, dwMaximumSizeLow [, lpName]) -> handle | nil",
      "create or open a section backed by a file or the pagefile",
      CREATE_MAPPING_TEXT,
      "E4, E5, E7" },
    { "CreateFileMappingA", HELP_FILES_SECTIONS,
      "CreateFileMappingA(hFile, nil, flProtect, dwMaximumSizeHigh, dwMaximumSizeLow [, lpName]) -> handle | nil",
      "CreateFileMapping (the A form)",
      UTF8_ALIAS CREATE_MAPPING_TEXT,
      NULL },
    { "CreateFileMappingW", HELP_FILES_SECTIONS,
      "CreateFileMappingW(hFile, nil, flProtect, dwMaximumSizeHigh, dwMaximumSizeLow [, lpName]) -> handle | nil",
      "CreateFileMapping (the W form, here the same as the A form)",
      UTF8_ALIAS CREATE_MAPPING_TEXT,
      NULL },
#undef CREATE_MAPPING_TEXT
#define OPEN_MAPPING_TEXT                                                           \
    "dwDesiredAccess: FILE_MAP_READ, FILE_MAP_WRITE, FILE_MAP_COPY,\n"              \
    "  FILE_MAP_EXECUTE or FILE_MAP_ALL_ACCESS: what views of it may do.\n"        \
    "bInheritHandle: true or false. lpName: the name CreateFileMapping gave.\n"    \
    "Returns: a section handle of the current process, or nil.\n"                 \
    "Errors: 2 ERROR_FILE_NOT_FOUND (no such name), 87 ERROR_INVALID_PARAMETER\n" \
    "  (no name), 5 ERROR_ACCESS_DENIED.\n"
    { "OpenFileMapping", HELP_FILES_SECTIONS,
      "OpenFileMapping(dwDesiredAccess, bInheritHandle, lpName) -> handle | nil",
      "open a named section another process created",
      OPEN_MAPPING_TEXT,
      "E4, E5, E7" },
    { "OpenFileMappingA", HELP_FILES_SECTIONS,
      "OpenFileMappingA(dwDesiredAccess, bInheritHandle, lpName) -> handle | nil",
      "OpenFileMapping (the A form)",
      UTF8_ALIAS OPEN_MAPPING_TEXT,
      NULL },
    { "OpenFileMappingW", HELP_FILES_SECTIONS,
      "OpenFileMappingW(dwDesiredAccess, bInheritHandle, lpName) -> handle | nil",
      "OpenFileMapping (the W form, here the same as the A form)",
      UTF8_ALIAS OPEN_MAPPING_TEXT,
      NULL },
#undef OPEN_MAPPING_TEXT
#define MAP_VIEW_TEXT                                                               \
    "hFileMappingObject: a section handle.\n"                                      \
    "dwDesiredAccess: FILE_MAP_READ (PAGE_READONLY view), FILE_MAP_WRITE\n"         \
    "  (PAGE_READWRITE), FILE_MAP_COPY (PAGE_WRITECOPY: writes get private\n"      \
    "  copies), | FILE_MAP_EXECUTE for the EXECUTE_ forms.\n"                     \
    "dwFileOffsetHigh, dwFileOffsetLow: a multiple of 64 KB.\n"                     \
    "dwNumberOfBytesToMap: bytes; 0 maps to the section's end.\n"                  \
    "Returns: the view's base address, or nil. A Mapped VAD appears; pages\n"      \
    "  come from the section's prototype PTEs, shared by every view.\n"          \
    "Errors: 1132 ERROR_MAPPED_ALIGNMENT, 5 ERROR_ACCESS_DENIED (the handle\n"      \
    "  lacks the right, or the range passes the section's end), 87\n"             \
    "  ERROR_INVALID_PARAMETER (the section's protection does not allow the\n"    \
    "  access), 8 ERROR_NOT_ENOUGH_MEMORY (no free range), 6\n"                   \
    "  ERROR_INVALID_HANDLE.\n"                                                  \
    "Pointers: the address is simulated; read32, readbytes, write32 use it.\n"
    { "MapViewOfFile", HELP_FILES_SECTIONS,
      "MapViewOfFile(hFileMappingObject, dwDesiredAccess, dwFileOffsetHigh, dwFileOffsetLow, dwNumberOfBytesToMap) -> address | nil",
      "map a view of a section into the current process",
      MAP_VIEW_TEXT,
      "E4, E5, E7" },
    { "MapViewOfFileEx", HELP_FILES_SECTIONS,
      "MapViewOfFileEx(hFileMappingObject, dwDesiredAccess, dwFileOffsetHigh, dwFileOffsetLow, dwNumberOfBytesToMap, lpBaseAddress | nil) -> address | nil",
      "map a view of a section at a chosen address",
      "lpBaseAddress: nil (the system chooses) or a multiple of 64 KB; a range\n"
      "  already in use gives 487 ERROR_INVALID_ADDRESS.\n"
      MAP_VIEW_TEXT,
      NULL },
#undef MAP_VIEW_TEXT
    { "UnmapViewOfFile", HELP_FILES_SECTIONS,
      "UnmapViewOfFile(lpBaseAddress) -> ok",
      "unmap a view of a section (or an image) from the current process",
      "lpBaseAddress: the view's base, as MapViewOfFile returned.\n"
      "The view's VAD goes; its pages leave the working set (modified ones\n"
      "stay on the modified list until written to their file).\n"
      "Returns: true, or false.\n"
      "Errors: 487 ERROR_INVALID_ADDRESS (no view there).\n",
      "E7" },
    { "FlushViewOfFile", HELP_FILES_SECTIONS,
      "FlushViewOfFile(lpBaseAddress [, dwNumberOfBytesToFlush]) -> ok",
      "write a view's modified pages to its file",
      "lpBaseAddress: an address in a view; dwNumberOfBytesToFlush: bytes, 0\n"
      "  or none: to the view's end.\n"
      "The dirty pages of the range are written to the mapped file (a\n"
      "pagefile-backed view has nothing to write); private memory succeeds.\n"
      "Returns: true, or false.\n"
      "Errors: 487 ERROR_INVALID_ADDRESS (nothing mapped there).\n",
      "E5, E7" },

    /* ---- images ---- */
#define LOAD_TEXT                                                                   \
    "lpLibFileName: a DLL on the C: drive (written there with CreateFile and\n"    \
    "  WriteFile); a bare name is looked for in the EXE's directory,\n"           \
    "  C:\\WINDOWS\\system32, then C:\\; \".dll\" is added without an extension.\n"  \
    "The image is mapped as a SEC_IMAGE section (an Image VAD, EXECUTE_WRITECOPY)\n" \
    "with the DLLs it imports that are on the drive; no code runs (no DllMain).\n" \
    "A loaded module is not mapped again: its load count grows.\n"                \
    "Returns: the HMODULE (the image's base address), or nil.\n"                  \
    "Errors: 126 ERROR_MOD_NOT_FOUND, 193 ERROR_BAD_EXE_FORMAT (not an image,\n"   \
    "  or a 64-bit one on a 32-bit machine), 87 ERROR_INVALID_PARAMETER (no\n"   \
    "  name).\n"
    { "LoadLibrary", HELP_FILES_SECTIONS,
      "LoadLibrary(lpLibFileName) -> hModule | nil",
      "map a DLL image into the current process",
      LOAD_TEXT,
      "E6, E9" },
    { "LoadLibraryA", HELP_FILES_SECTIONS,
      "LoadLibraryA(lpLibFileName) -> hModule | nil",
      "LoadLibrary (the A form)",
      UTF8_ALIAS LOAD_TEXT,
      NULL },
    { "LoadLibraryW", HELP_FILES_SECTIONS,
      "LoadLibraryW(lpLibFileName) -> hModule | nil",
      "LoadLibrary (the W form, here the same as the A form)",
      UTF8_ALIAS LOAD_TEXT,
      NULL },
#define LOAD_EX_TEXT                                                                \
    "hFile: nil (a handle gives 87 ERROR_INVALID_PARAMETER).\n"                    \
    "dwFlags: 0 or DONT_RESOLVE_DLL_REFERENCES (the imports are not loaded);\n"    \
    "  others give 87 ERROR_INVALID_PARAMETER.\n"                                 \
    "The rest is LoadLibrary's:\n" LOAD_TEXT
    { "LoadLibraryEx", HELP_FILES_SECTIONS,
      "LoadLibraryEx(lpLibFileName, nil, dwFlags) -> hModule | nil",
      "LoadLibrary with flags",
      LOAD_EX_TEXT,
      NULL },
    { "LoadLibraryExA", HELP_FILES_SECTIONS,
      "LoadLibraryExA(lpLibFileName, nil, dwFlags) -> hModule | nil",
      "LoadLibraryEx (the A form)",
      UTF8_ALIAS LOAD_EX_TEXT,
      NULL },
    { "LoadLibraryExW", HELP_FILES_SECTIONS,
      "LoadLibraryExW(lpLibFileName, nil, dwFlags) -> hModule | nil",
      "LoadLibraryEx (the W form, here the same as the A form)",
      UTF8_ALIAS LOAD_EX_TEXT,
      NULL },
#undef LOAD_EX_TEXT
#undef LOAD_TEXT
    { "FreeLibrary", HELP_FILES_SECTIONS,
      "FreeLibrary(hModule) -> ok",
      "unload a DLL LoadLibrary loaded",
      "hModule: the HMODULE (image base) LoadLibrary returned.\n"
      "The load count drops; at 0 the image is unmapped, then the DLLs it\n"
      "imported are unloaded in turn.\n"
      "Returns: true, or false.\n"
      "Errors: 126 ERROR_MOD_NOT_FOUND (no module at that base).\n",
      NULL },
#define MODULE_HANDLE_TEXT                                                          \
    "lpModuleName: a loaded module's name (case ignored), or nil for the EXE.\n"   \
    "Returns: its HMODULE (the image base address), or nil. The load count\n"     \
    "  does not change.\n"                                                       \
    "Errors: 126 ERROR_MOD_NOT_FOUND.\n"
    { "GetModuleHandle", HELP_FILES_SECTIONS,
      "GetModuleHandle(lpModuleName | nil) -> hModule | nil",
      "the base address of a module already loaded in the current process",
      MODULE_HANDLE_TEXT,
      "E3" },
    { "GetModuleHandleA", HELP_FILES_SECTIONS,
      "GetModuleHandleA(lpModuleName | nil) -> hModule | nil",
      "GetModuleHandle (the A form)",
      UTF8_ALIAS MODULE_HANDLE_TEXT,
      NULL },
    { "GetModuleHandleW", HELP_FILES_SECTIONS,
      "GetModuleHandleW(lpModuleName | nil) -> hModule | nil",
      "GetModuleHandle (the W form, here the same as the A form)",
      UTF8_ALIAS MODULE_HANDLE_TEXT,
      NULL },
#undef MODULE_HANDLE_TEXT
#define MODULE_FILE_TEXT                                                            \
    "hModule: an HMODULE, or nil for the EXE.\n"                                   \
    "lpFilename: a simulated address the path (\"C:\\...\", NUL-terminated) is\n"  \
    "  written to, as Windows does; nSize: its size in characters.\n"           \
    "Returns: the length written without the NUL; readbytes(lpFilename, n)\n"     \
    "  reads it. Too small a buffer gets the path cut to nSize - 1 characters,\n" \
    "  returns nSize and sets 122 ERROR_INSUFFICIENT_BUFFER.\n"                  \
    "Errors (0 returned): 126 ERROR_MOD_NOT_FOUND, 998 ERROR_NOACCESS (the\n"     \
    "  buffer is not writable).\n"                                              \
    "Pointers: allocate the buffer first, e.g. VirtualAlloc(nil, 4096,\n"         \
    "  MEM_COMMIT, PAGE_READWRITE).\n"
    { "GetModuleFileName", HELP_FILES_SECTIONS,
      "GetModuleFileName(hModule | nil, lpFilename, nSize) -> length",
      "the C: path of a loaded module, written into the process's memory",
      MODULE_FILE_TEXT,
      NULL },
    { "GetModuleFileNameA", HELP_FILES_SECTIONS,
      "GetModuleFileNameA(hModule | nil, lpFilename, nSize) -> length",
      "GetModuleFileName (the A form)",
      UTF8_ALIAS MODULE_FILE_TEXT,
      NULL },
    { "GetModuleFileNameW", HELP_FILES_SECTIONS,
      "GetModuleFileNameW(hModule | nil, lpFilename, nSize) -> length",
      "GetModuleFileName (here the A form: the path is written as UTF-8 bytes)",
      UTF8_ALIAS MODULE_FILE_TEXT,
      NULL },
#undef MODULE_FILE_TEXT

    /* ---- debugger and helpers ---- */
    { "dbg", HELP_HELPERS,
      "dbg(command) -> text, ok",
      "run one debugger command on the current process and return its output",
      "command: a line as typed at the kd> prompt (\"!vad\", \"!pte 390000\",\n"
      "  \"dt _MMPFN\", \"help VirtualAlloc\"); numbers in it are hexadecimal.\n"
      "Returns: the command's output as a string, and true if it succeeded\n"
      "  (false for an unknown command or bad arguments; the text says why).\n"
      "A command that switches process (.process) switches the scripts'\n"
      "current process as well.\n",
      "E2, E3, E8, E9, E12, E14, E17, E18" },
    { "kd", HELP_HELPERS,
      "kd(command) -> text",
      "run a debugger command and print it as a WinDbg session shows it",
      "command: as for dbg.\n"
      "Prints \"kd> command\" and then the output; returns the output without\n"
      "its last newline.\n"
      "Errors: a command that fails raises a Lua error \"the command failed:\n"
      "  command\" (after printing its output).\n",
      "E1, E2, E3, E4, E5, E6, E7, E8, E9, E12, E14, E17, E18" },
    { "idle", HELP_MACHINE,
      "idle() -> pages",
      "give the machine an idle moment: its system worker threads run",
      "Runs, until they have nothing left to do, what Windows runs from its\n"
      "idle and low-priority threads: a pass of the working-set manager\n"
      "(aging, and trimming if memory is short), the modified and mapped page\n"
      "writers (each modified page goes to its file or a pagefile, then to the\n"
      "standby list) and the zero page thread (free pages to the zeroed list,\n"
      "MmZeroedPageListHead).\n"
      "Returns: the number of pages they processed.\n",
      NULL },
    { "hex", HELP_HELPERS,
      "hex(n) -> string",
      "a number as WinDbg prints a pointer",
      "Returns: 8 hexadecimal digits (\"00390000\") in a 32-bit process, or\n"
      "16 with a backquote (\"00000000`00390000\") in a 64-bit process and for\n"
      "any value above 32 bits.\n",
      "E1, E2, E3, E4, E5, E6, E7, E9, E12, E17" },

    /* ---- Windows names ntmm does not model yet (help.h (2)) ---- */
#define NOT_YET "ntmm does not model it yet.\n"
    { "GetProcessHeap", HELP_NOT_MODELLED, "GetProcessHeap() -> hHeap",
      "the handle of the process's default heap (ntdll's NT heap)",
      "Windows: every process has a default heap, created at start in memory\n"
      "reserved with VirtualAlloc.\n" NOT_YET,
      "E3, E15" },
    { "HeapCreate", HELP_NOT_MODELLED,
      "HeapCreate(flOptions, dwInitialSize, dwMaximumSize) -> hHeap",
      "creates a private heap (ntdll's RtlCreateHeap)",
      "Windows: reserves and commits a region with VirtualAlloc and builds a\n"
      "heap in it; 0 as maximum lets it grow.\n" NOT_YET,
      "E15" },
    { "HeapAlloc", HELP_NOT_MODELLED, "HeapAlloc(hHeap, dwFlags, dwBytes) -> address",
      "allocates a block from a heap (the NT heap, ntdll's RtlAllocateHeap)",
      "Windows: carves small blocks (8-byte granularity on 32-bit, 16 on\n"
      "64-bit) out of the heap's committed pages.\n" NOT_YET,
      "E15" },
    { "HeapReAlloc", HELP_NOT_MODELLED,
      "HeapReAlloc(hHeap, dwFlags, lpMem, dwBytes) -> address",
      "resizes a heap block (ntdll's RtlReAllocateHeap)",
      "Windows: grows or shrinks a block in place or moves it.\n" NOT_YET,
      "E15" },
    { "HeapSize", HELP_NOT_MODELLED, "HeapSize(hHeap, dwFlags, lpMem) -> bytes",
      "the size of a heap block (ntdll's RtlSizeHeap)",
      "Windows: reads the size from the block's header.\n" NOT_YET,
      "E15" },
    { "HeapFree", HELP_NOT_MODELLED, "HeapFree(hHeap, dwFlags, lpMem) -> ok",
      "frees a heap block (ntdll's RtlFreeHeap)",
      "Windows: returns the block to the heap's free lists (or the LFH); the\n"
      "pages usually stay committed.\n" NOT_YET,
      "E15" },
    { "HeapDestroy", HELP_NOT_MODELLED, "HeapDestroy(hHeap) -> ok",
      "destroys a private heap and releases its memory (ntdll's RtlDestroyHeap)",
      "Windows: frees every region the heap reserved.\n" NOT_YET,
      "E15" },
    { "HeapWalk", HELP_NOT_MODELLED, "HeapWalk(hHeap, lpEntry) -> ok",
      "enumerates the blocks and regions of a heap",
      "Windows: fills a PROCESS_HEAP_ENTRY per block or region, one call at a\n"
      "time.\n" NOT_YET,
      "E15" },
    { "malloc", HELP_NOT_MODELLED, "malloc(size) -> address",
      "the C runtime's allocator, which ends in HeapAlloc on the process heap",
      "Windows: the CRT's malloc calls HeapAlloc on its heap (the process\n"
      "heap in recent CRTs); a block lies in a region reserved earlier, so no\n"
      "new VAD appears (E3).\n" NOT_YET,
      "E3, E15" },
    { "calloc", HELP_NOT_MODELLED, "calloc(count, size) -> address",
      "the C runtime's zeroing allocator (HeapAlloc with HEAP_ZERO_MEMORY)",
      "Windows: malloc of count * size bytes, zeroed.\n" NOT_YET,
      "E15" },
    { "realloc", HELP_NOT_MODELLED, "realloc(address, size) -> address",
      "the C runtime's resize of a malloc block (HeapReAlloc)",
      "Windows: grows or moves the block on the CRT's heap.\n" NOT_YET,
      "E15" },
    { "free", HELP_NOT_MODELLED, "free(address)",
      "the C runtime's release of a malloc block (HeapFree)",
      "Windows: the CRT's free calls HeapFree on its heap.\n" NOT_YET,
      "E15" },
    { "CreateThread", HELP_NOT_MODELLED,
      "CreateThread(lpThreadAttributes, dwStackSize, lpStartAddress, lpParameter, dwCreationFlags) -> hThread",
      "creates a thread, with its stack reserved in the process's address space",
      "Windows: reserves the stack (1 MB by default), commits its first pages\n"
      "and a guard page; under WOW64 a 64-bit stack too (E10, E13).\n" NOT_YET,
      "E10, E11, E13" },
    { "ExitThread", HELP_NOT_MODELLED, "ExitThread(dwExitCode)",
      "ends the calling thread and frees its stack",
      "Windows: the thread's stack and TEB are released.\n" NOT_YET,
      "E10" },
    { "AllocateUserPhysicalPages", HELP_NOT_MODELLED,
      "AllocateUserPhysicalPages(hProcess, NumberOfPages, PageArray) -> ok",
      "allocates physical pages for AWE (Address Windowing Extensions)",
      "Windows: gives the process physical pages, named by PFN, that it maps\n"
      "into MEM_PHYSICAL regions with MapUserPhysicalPages.\n" NOT_YET,
      "E19" },
    { "FreeUserPhysicalPages", HELP_NOT_MODELLED,
      "FreeUserPhysicalPages(hProcess, NumberOfPages, PageArray) -> ok",
      "frees AWE physical pages",
      "Windows: returns pages AllocateUserPhysicalPages gave.\n" NOT_YET,
      "E19" },
    { "MapUserPhysicalPages", HELP_NOT_MODELLED,
      "MapUserPhysicalPages(VirtualAddress, NumberOfPages, PageArray) -> ok",
      "maps AWE physical pages into a MEM_PHYSICAL region (a window)",
      "Windows: points the window's PTEs at the given pages, so a process can\n"
      "reach more physical memory than its address space holds.\n" NOT_YET,
      "E19" },
    { "GetLargePageMinimum", HELP_NOT_MODELLED, "GetLargePageMinimum() -> bytes",
      "the size of a large page (2 MB on x64), for MEM_LARGE_PAGES",
      "Windows: VirtualAlloc with MEM_LARGE_PAGES needs multiples of it and\n"
      "SeLockMemoryPrivilege.\n" NOT_YET,
      "E19" },
    { "GetWriteWatch", HELP_NOT_MODELLED,
      "GetWriteWatch(dwFlags, lpBaseAddress, dwRegionSize, lpAddresses, lpdwCount, lpdwGranularity) -> result",
      "lists the pages written in a MEM_WRITE_WATCH region",
      "Windows: reports each page written since the region was allocated or\n"
      "the watch reset (VirtualAlloc with MEM_WRITE_WATCH).\n" NOT_YET,
      "E20" },
    { "ResetWriteWatch", HELP_NOT_MODELLED,
      "ResetWriteWatch(lpBaseAddress, dwRegionSize) -> result",
      "clears the write-watch state of a MEM_WRITE_WATCH region",
      "Windows: forgets which pages were written, so GetWriteWatch starts\n"
      "again.\n" NOT_YET,
      "E20" },
    { "ExAllocatePoolWithTag", HELP_NOT_MODELLED,
      "ExAllocatePoolWithTag(PoolType, NumberOfBytes, Tag) -> address",
      "allocates kernel pool (paged or nonpaged) under a four-character tag",
      "Windows: a driver's allocation from paged or nonpaged pool, counted\n"
      "per tag (!poolused).\n" NOT_YET,
      "E16" },
    { "ExFreePoolWithTag", HELP_NOT_MODELLED, "ExFreePoolWithTag(P, Tag)",
      "frees kernel pool ExAllocatePoolWithTag allocated",
      "Windows: returns the block to its pool (or a look-aside list).\n" NOT_YET,
      "E16" },
#undef NOT_YET
};
#undef UTF8_ALIAS
const size_t help_function_entry_count = sizeof help_function_entries / sizeof help_function_entries[0];
