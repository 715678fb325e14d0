/*
 * win32.h — the Win32 memory API as ntmm models it: the part of kernel32 /
 * kernelbase that sits over the Nt* virtual-memory services (VirtualAlloc,
 * VirtualFree, VirtualProtect, VirtualQuery, VirtualLock and their *Ex forms,
 * GetSystemInfo, GlobalMemoryStatusEx, GetPerformanceInfo,
 * GetProcessMemoryInfo, the last-error value), the handle functions
 * (CloseHandle, DuplicateHandle, OpenProcess, GetProcessId,
 * GetCurrentProcessId) and ntdll's RtlNtStatusToDosError, with the Windows
 * SDK's names, types, constant values and structure layouts for a 64-bit
 * (_WIN64) build.
 *
 * Pointers these functions take and return (lpAddress, BaseAddress, the
 * application address range…) are addresses in the simulated address space
 * of the current process, the one set with ntmm_set_current_process
 * (ntmm.h). They are not host pointers: never dereference one on the host.
 * HANDLEs are entries of the current process's handle table (or
 * GetCurrentProcess()'s pseudo-handle, or ntmm_process_handle's).
 *
 * Code from Microsoft's documentation pages that uses these functions
 * compiles unchanged against this header, once <windows.h> (or <psapi.h>)
 * is replaced by <ntmm/win32.h>. Not provided: structured exception handling
 * (__try / __except), tchar.h's _t* functions and other MSVC-only forms.
 *
 * (1) Every constant has the value the SDK gives it (winnt.h, winerror.h,
 *     minwindef.h, handleapi.h), so a user can look any of them up.
 * (2) Every structure has the SDK's field names, order, types and therefore
 *     its 64-bit size and offsets (tests/test_status.c checks them).
 * (3) Every Win32 error RtlNtStatusToDosError returns is defined here.
 */
#ifndef NTMM_WIN32_H
#define NTMM_WIN32_H

#include <stddef.h>
#include <stdint.h>

#include "nt.h" /* NTSTATUS, the Nt* services, and through it winnt.h's types */

/* ---- Exception codes (minwinbase.h: the statuses, as DWORDs) ---- */

#define EXCEPTION_ACCESS_VIOLATION ((DWORD)STATUS_ACCESS_VIOLATION)
#define EXCEPTION_DATATYPE_MISALIGNMENT ((DWORD)STATUS_DATATYPE_MISALIGNMENT)
#define EXCEPTION_GUARD_PAGE ((DWORD)STATUS_GUARD_PAGE_VIOLATION)
#define EXCEPTION_IN_PAGE_ERROR ((DWORD)STATUS_IN_PAGE_ERROR)
#define EXCEPTION_STACK_OVERFLOW ((DWORD)STATUS_STACK_OVERFLOW)

/* ---- Win32 errors (winerror.h) ---- */

#define ERROR_SUCCESS 0
#define NO_ERROR 0
#define ERROR_INVALID_FUNCTION 1
#define ERROR_FILE_NOT_FOUND 2
#define ERROR_PATH_NOT_FOUND 3
#define ERROR_ACCESS_DENIED 5
#define ERROR_INVALID_HANDLE 6
#define ERROR_NOT_ENOUGH_MEMORY 8
#define ERROR_OUTOFMEMORY 14
#define ERROR_BAD_LENGTH 24
#define ERROR_GEN_FAILURE 31
#define ERROR_SHARING_VIOLATION 32
#define ERROR_NOT_SUPPORTED 50
#define ERROR_UNEXP_NET_ERR 59
#define ERROR_FILE_EXISTS 80
#define ERROR_INVALID_PARAMETER 87
#define ERROR_DISK_FULL 112
#define ERROR_INSUFFICIENT_BUFFER 122
#define ERROR_INVALID_NAME 123
#define ERROR_MOD_NOT_FOUND 126
#define ERROR_NEGATIVE_SEEK 131
#define ERROR_NOT_LOCKED 158
#define ERROR_ALREADY_EXISTS 183
#define ERROR_BAD_EXE_FORMAT 193
#define ERROR_PARTIAL_COPY 299
#define ERROR_MR_MID_NOT_FOUND 317     /* RtlNtStatusToDosError: no mapping */
#define ERROR_INVALID_ADDRESS 487
#define ERROR_IMAGE_NOT_AT_BASE 700
#define ERROR_WAS_UNLOCKED 715
#define ERROR_WAS_LOCKED 717
#define ERROR_IO_PENDING 997
#define ERROR_NOACCESS 998
#define ERROR_SWAPERROR 999
#define ERROR_STACK_OVERFLOW 1001
#define ERROR_INVALID_FLAGS 1004
#define ERROR_FILE_INVALID 1006
#define ERROR_SHUTDOWN_IN_PROGRESS 1115
#define ERROR_MAPPED_ALIGNMENT 1132
#define ERROR_USER_MAPPED_FILE 1224
#define ERROR_PRIVILEGE_NOT_HELD 1314
#define ERROR_INTERNAL_ERROR 1359
#define ERROR_NO_SYSTEM_RESOURCES 1450
#define ERROR_NONPAGED_SYSTEM_RESOURCES 1451
#define ERROR_PAGED_SYSTEM_RESOURCES 1452
#define ERROR_WORKING_SET_QUOTA 1453
#define ERROR_PAGEFILE_QUOTA 1454
#define ERROR_COMMITMENT_LIMIT 1455
#define ERROR_INVALID_USER_BUFFER 1784

/* ---- Structures ---- */


/* sysinfoapi.h: 48 bytes. */
typedef struct _SYSTEM_INFO {
    union {
        DWORD dwOemId;                    /* obsolete: the architecture, as a DWORD */
        struct {
            WORD wProcessorArchitecture;  /* PROCESSOR_ARCHITECTURE_* */
            WORD wReserved;
        };
    };
    DWORD dwPageSize;                     /* bytes */
    LPVOID lpMinimumApplicationAddress;   /* lowest user-mode address */
    LPVOID lpMaximumApplicationAddress;   /* highest user-mode address */
    DWORD_PTR dwActiveProcessorMask;      /* one bit per processor */
    DWORD dwNumberOfProcessors;
    DWORD dwProcessorType;                /* obsolete: PROCESSOR_INTEL_* / PROCESSOR_AMD_X8664 */
    DWORD dwAllocationGranularity;        /* bytes (64 KB) */
    WORD wProcessorLevel;
    WORD wProcessorRevision;
} SYSTEM_INFO, *LPSYSTEM_INFO;

/* sysinfoapi.h: 64 bytes. Sizes in bytes; set dwLength before the call. */
typedef struct _MEMORYSTATUSEX {
    DWORD dwLength;                       /* sizeof (MEMORYSTATUSEX) */
    DWORD dwMemoryLoad;                   /* percent of physical memory in use */
    DWORDLONG ullTotalPhys;
    DWORDLONG ullAvailPhys;
    DWORDLONG ullTotalPageFile;           /* the commit limit */
    DWORDLONG ullAvailPageFile;           /* commit limit less commit charge */
    DWORDLONG ullTotalVirtual;            /* the process's user address space */
    DWORDLONG ullAvailVirtual;            /* its free (not reserved) part */
    DWORDLONG ullAvailExtendedVirtual;    /* always 0 */
} MEMORYSTATUSEX, *LPMEMORYSTATUSEX;

/* psapi.h: 72 bytes; sizes in bytes. */
typedef struct _PROCESS_MEMORY_COUNTERS {
    DWORD cb;                             /* sizeof the structure passed */
    DWORD PageFaultCount;
    SIZE_T PeakWorkingSetSize;
    SIZE_T WorkingSetSize;
    SIZE_T QuotaPeakPagedPoolUsage;
    SIZE_T QuotaPagedPoolUsage;
    SIZE_T QuotaPeakNonPagedPoolUsage;
    SIZE_T QuotaNonPagedPoolUsage;
    SIZE_T PagefileUsage;                 /* the process's commit charge */
    SIZE_T PeakPagefileUsage;
} PROCESS_MEMORY_COUNTERS;
typedef PROCESS_MEMORY_COUNTERS *PPROCESS_MEMORY_COUNTERS;

/* psapi.h: 80 bytes, PrivateUsage at 72. */
typedef struct _PROCESS_MEMORY_COUNTERS_EX {
    DWORD cb;
    DWORD PageFaultCount;
    SIZE_T PeakWorkingSetSize;
    SIZE_T WorkingSetSize;
    SIZE_T QuotaPeakPagedPoolUsage;
    SIZE_T QuotaPagedPoolUsage;
    SIZE_T QuotaPeakNonPagedPoolUsage;
    SIZE_T QuotaNonPagedPoolUsage;
    SIZE_T PagefileUsage;
    SIZE_T PeakPagefileUsage;
    SIZE_T PrivateUsage;                  /* private committed bytes */
} PROCESS_MEMORY_COUNTERS_EX;
typedef PROCESS_MEMORY_COUNTERS_EX *PPROCESS_MEMORY_COUNTERS_EX;

/* psapi.h: 104 bytes (_WIN64); counts in pages except PageSize (bytes). */
typedef struct _PERFORMANCE_INFORMATION {
    DWORD cb;                             /* sizeof (PERFORMANCE_INFORMATION) */
    SIZE_T CommitTotal;                   /* commit charge */
    SIZE_T CommitLimit;
    SIZE_T CommitPeak;                    /* highest commit charge since boot */
    SIZE_T PhysicalTotal;
    SIZE_T PhysicalAvailable;             /* standby, free and zeroed pages */
    SIZE_T SystemCache;                   /* standby list and system working set */
    SIZE_T KernelTotal;                   /* paged and nonpaged pool */
    SIZE_T KernelPaged;
    SIZE_T KernelNonpaged;
    SIZE_T PageSize;                      /* bytes */
    DWORD HandleCount;
    DWORD ProcessCount;
    DWORD ThreadCount;
} PERFORMANCE_INFORMATION, *PPERFORMANCE_INFORMATION;

/* psapi.h: QueryWorkingSet's and QueryWorkingSetEx's buffers, host memory
 * holding simulated addresses; the layouts of nt.h's MEMORY_WORKING_SET_*
 * (psapi names Node of the block Reserved). */
typedef MEMORY_WORKING_SET_BLOCK PSAPI_WORKING_SET_BLOCK, *PPSAPI_WORKING_SET_BLOCK;
typedef MEMORY_WORKING_SET_INFORMATION PSAPI_WORKING_SET_INFORMATION,
    *PPSAPI_WORKING_SET_INFORMATION;
typedef MEMORY_WORKING_SET_EX_BLOCK PSAPI_WORKING_SET_EX_BLOCK, *PPSAPI_WORKING_SET_EX_BLOCK;
typedef MEMORY_WORKING_SET_EX_INFORMATION PSAPI_WORKING_SET_EX_INFORMATION,
    *PPSAPI_WORKING_SET_EX_INFORMATION;

/* ---- Functions (memoryapi.h, errhandlingapi.h, sysinfoapi.h,
 *      processthreadsapi.h, psapi.h, winternl.h) ---- */

LPVOID WINAPI VirtualAlloc(LPVOID lpAddress, SIZE_T dwSize, DWORD flAllocationType,
                           DWORD flProtect);
LPVOID WINAPI VirtualAllocEx(HANDLE hProcess, LPVOID lpAddress, SIZE_T dwSize,
                             DWORD flAllocationType, DWORD flProtect);
BOOL WINAPI VirtualFree(LPVOID lpAddress, SIZE_T dwSize, DWORD dwFreeType);
BOOL WINAPI VirtualFreeEx(HANDLE hProcess, LPVOID lpAddress, SIZE_T dwSize,
                          DWORD dwFreeType);
BOOL WINAPI VirtualProtect(LPVOID lpAddress, SIZE_T dwSize, DWORD flNewProtect,
                           PDWORD lpflOldProtect);
BOOL WINAPI VirtualProtectEx(HANDLE hProcess, LPVOID lpAddress, SIZE_T dwSize,
                             DWORD flNewProtect, PDWORD lpflOldProtect);
SIZE_T WINAPI VirtualQuery(LPCVOID lpAddress, PMEMORY_BASIC_INFORMATION lpBuffer,
                           SIZE_T dwLength);
SIZE_T WINAPI VirtualQueryEx(HANDLE hProcess, LPCVOID lpAddress,
                             PMEMORY_BASIC_INFORMATION lpBuffer, SIZE_T dwLength);
BOOL WINAPI VirtualLock(LPVOID lpAddress, SIZE_T dwSize);
BOOL WINAPI VirtualUnlock(LPVOID lpAddress, SIZE_T dwSize);

DWORD WINAPI GetLastError(void);
void WINAPI SetLastError(DWORD dwErrCode);

void WINAPI GetSystemInfo(LPSYSTEM_INFO lpSystemInfo);
void WINAPI GetNativeSystemInfo(LPSYSTEM_INFO lpSystemInfo);
BOOL WINAPI GlobalMemoryStatusEx(LPMEMORYSTATUSEX lpBuffer);
BOOL WINAPI GetProcessMemoryInfo(HANDLE Process, PPROCESS_MEMORY_COUNTERS ppsmemCounters,
                                 DWORD cb);
/* cb below sizeof (PERFORMANCE_INFORMATION): ERROR_BAD_LENGTH. */
BOOL WINAPI GetPerformanceInfo(PPERFORMANCE_INFORMATION pPerformanceInformation, DWORD cb);
HANDLE WINAPI GetCurrentProcess(void);

/* Working sets (memoryapi.h, psapi.h; win32/workingset.c). Sizes in bytes.
 * The Get calls need PROCESS_QUERY_INFORMATION, the Set calls
 * PROCESS_SET_QUOTA, EmptyWorkingSet both (else ERROR_ACCESS_DENIED).
 * Set: a size of 0 is ERROR_INVALID_PARAMETER; both (SIZE_T)-1 empties the
 * working set; a minimum above the maximum, a maximum too small for the
 * locked entries and MM_FLUID_WORKING_SET more, or ENABLE and DISABLE of one
 * limit together are ERROR_INVALID_PARAMETER; a minimum physical memory
 * cannot back ERROR_NO_SYSTEM_RESOURCES. A minimum under 20 pages is taken
 * as 20. GetProcessWorkingSetSizeEx's *Flags are one of
 * QUOTA_LIMITS_HARDWS_MIN_ENABLE / _DISABLE and one of _MAX_ENABLE /
 * _DISABLE. QueryWorkingSet: cb too small for every entry is
 * ERROR_BAD_LENGTH with NumberOfEntries set to the count needed (cb under
 * a ULONG_PTR: nothing written). */
BOOL WINAPI GetProcessWorkingSetSize(HANDLE hProcess, PSIZE_T lpMinimumWorkingSetSize,
                                     PSIZE_T lpMaximumWorkingSetSize);
BOOL WINAPI GetProcessWorkingSetSizeEx(HANDLE hProcess, PSIZE_T lpMinimumWorkingSetSize,
                                       PSIZE_T lpMaximumWorkingSetSize, PDWORD Flags);
BOOL WINAPI SetProcessWorkingSetSize(HANDLE hProcess, SIZE_T dwMinimumWorkingSetSize,
                                     SIZE_T dwMaximumWorkingSetSize);
BOOL WINAPI SetProcessWorkingSetSizeEx(HANDLE hProcess, SIZE_T dwMinimumWorkingSetSize,
                                       SIZE_T dwMaximumWorkingSetSize, DWORD Flags);
BOOL WINAPI EmptyWorkingSet(HANDLE hProcess);
BOOL WINAPI QueryWorkingSet(HANDLE hProcess, PVOID pv, DWORD cb);
BOOL WINAPI QueryWorkingSetEx(HANDLE hProcess, PVOID pv, DWORD cb);

/* handleapi.h, processthreadsapi.h (win32/handle.c). Handles are entries of
 * the current process's handle table (4, 8, 12 …) with the access they were
 * opened with; OpenProcess with an unknown id fails with
 * ERROR_INVALID_PARAMETER, a handle without the access a call needs (for
 * instance VirtualAllocEx without PROCESS_VM_OPERATION) with
 * ERROR_ACCESS_DENIED, a closed or unknown handle with ERROR_INVALID_HANDLE. */
BOOL WINAPI CloseHandle(HANDLE hObject);
BOOL WINAPI DuplicateHandle(HANDLE hSourceProcessHandle, HANDLE hSourceHandle,
                            HANDLE hTargetProcessHandle, LPHANDLE lpTargetHandle,
                            DWORD dwDesiredAccess, BOOL bInheritHandle, DWORD dwOptions);
HANDLE WINAPI OpenProcess(DWORD dwDesiredAccess, BOOL bInheritHandle, DWORD dwProcessId);
DWORD WINAPI GetProcessId(HANDLE Process);
DWORD WINAPI GetCurrentProcessId(void);

/* fileapi.h (win32/file.c): files on the machine's C: drive, a host
 * directory (ntmm_config.root_directory; io/io.h has the rules). Paths are
 * host strings ("C:\\dir\\f.txt", "\\f.txt", "f.txt"; / or \\), used as given
 * (the host's case-sensitive names: "A.TXT" and "a.txt" are two files).
 * ReadFile / WriteFile's buffer and *lpNumberOfBytesRead / Written are
 * addresses in the current process's simulated memory (a buffer that faults
 * gives ERROR_NOACCESS after the bytes before the faulting page moved);
 * lpOverlapped must be NULL. The other out-parameters are host pointers. */
#define CREATE_NEW 1
#define CREATE_ALWAYS 2
#define OPEN_EXISTING 3
#define OPEN_ALWAYS 4
#define TRUNCATE_EXISTING 5
#define FILE_BEGIN 0
#define FILE_CURRENT 1
#define FILE_END 2
#define FILE_ATTRIBUTE_NORMAL 0x00000080
#define INVALID_FILE_SIZE ((DWORD)0xFFFFFFFF)
#define INVALID_SET_FILE_POINTER ((DWORD)-1)

HANDLE WINAPI CreateFileW(LPCWSTR lpFileName, DWORD dwDesiredAccess, DWORD dwShareMode,
                          PVOID lpSecurityAttributes, DWORD dwCreationDisposition,
                          DWORD dwFlagsAndAttributes, HANDLE hTemplateFile);
HANDLE WINAPI CreateFileA(LPCSTR lpFileName, DWORD dwDesiredAccess, DWORD dwShareMode,
                          PVOID lpSecurityAttributes, DWORD dwCreationDisposition,
                          DWORD dwFlagsAndAttributes, HANDLE hTemplateFile);
BOOL WINAPI ReadFile(HANDLE hFile, LPVOID lpBuffer, DWORD nNumberOfBytesToRead,
                     LPDWORD lpNumberOfBytesRead, PVOID lpOverlapped);
BOOL WINAPI WriteFile(HANDLE hFile, LPCVOID lpBuffer, DWORD nNumberOfBytesToWrite,
                      LPDWORD lpNumberOfBytesWritten, PVOID lpOverlapped);
DWORD WINAPI SetFilePointer(HANDLE hFile, LONG lDistanceToMove, PLONG lpDistanceToMoveHigh,
                            DWORD dwMoveMethod);
BOOL WINAPI SetFilePointerEx(HANDLE hFile, LARGE_INTEGER liDistanceToMove,
                             PLARGE_INTEGER lpNewFilePointer, DWORD dwMoveMethod);
BOOL WINAPI SetEndOfFile(HANDLE hFile);
DWORD WINAPI GetFileSize(HANDLE hFile, LPDWORD lpFileSizeHigh);
BOOL WINAPI GetFileSizeEx(HANDLE hFile, PLARGE_INTEGER lpFileSize);
BOOL WINAPI DeleteFileW(LPCWSTR lpFileName);
BOOL WINAPI DeleteFileA(LPCSTR lpFileName);

/* ---- File mappings (memoryapi.h) ---- */

#define FILE_MAP_COPY 0x00000001
#define FILE_MAP_WRITE SECTION_MAP_WRITE
#define FILE_MAP_READ SECTION_MAP_READ
#define FILE_MAP_EXECUTE SECTION_MAP_EXECUTE_EXPLICIT
#define FILE_MAP_ALL_ACCESS SECTION_ALL_ACCESS

/* hFile INVALID_HANDLE_VALUE: backed by the pagefile. flProtect is a PAGE_*
 * value with SEC_* attributes (SEC_COMMIT when none). An existing name
 * opens that object with ERROR_ALREADY_EXISTS. Views' addresses are
 * simulated addresses of the current process. */
HANDLE WINAPI CreateFileMappingW(HANDLE hFile, PVOID lpFileMappingAttributes, DWORD flProtect,
                                 DWORD dwMaximumSizeHigh, DWORD dwMaximumSizeLow,
                                 LPCWSTR lpName);
HANDLE WINAPI CreateFileMappingA(HANDLE hFile, PVOID lpFileMappingAttributes, DWORD flProtect,
                                 DWORD dwMaximumSizeHigh, DWORD dwMaximumSizeLow,
                                 LPCSTR lpName);
HANDLE WINAPI OpenFileMappingW(DWORD dwDesiredAccess, BOOL bInheritHandle, LPCWSTR lpName);
HANDLE WINAPI OpenFileMappingA(DWORD dwDesiredAccess, BOOL bInheritHandle, LPCSTR lpName);
LPVOID WINAPI MapViewOfFile(HANDLE hFileMappingObject, DWORD dwDesiredAccess,
                            DWORD dwFileOffsetHigh, DWORD dwFileOffsetLow,
                            SIZE_T dwNumberOfBytesToMap);
LPVOID WINAPI MapViewOfFileEx(HANDLE hFileMappingObject, DWORD dwDesiredAccess,
                              DWORD dwFileOffsetHigh, DWORD dwFileOffsetLow,
                              SIZE_T dwNumberOfBytesToMap, LPVOID lpBaseAddress);
BOOL WINAPI UnmapViewOfFile(LPCVOID lpBaseAddress);
BOOL WINAPI FlushViewOfFile(LPCVOID lpBaseAddress, SIZE_T dwNumberOfBytesToFlush);

/* ---- Modules (libloaderapi.h) ---- */

#define DONT_RESOLVE_DLL_REFERENCES 0x00000001

/* Maps a DLL of the C: drive (and, without DONT_RESOLVE_DLL_REFERENCES, the
 * DLLs it imports that are on the drive) into the current process. No code
 * runs. The HMODULE is the image's base address. lpFilename of
 * GetModuleFileName is a simulated address. */
HMODULE WINAPI LoadLibraryW(LPCWSTR lpLibFileName);
HMODULE WINAPI LoadLibraryA(LPCSTR lpLibFileName);
HMODULE WINAPI LoadLibraryExW(LPCWSTR lpLibFileName, HANDLE hFile, DWORD dwFlags);
HMODULE WINAPI LoadLibraryExA(LPCSTR lpLibFileName, HANDLE hFile, DWORD dwFlags);
BOOL WINAPI FreeLibrary(HMODULE hLibModule);
HMODULE WINAPI GetModuleHandleW(LPCWSTR lpModuleName);
HMODULE WINAPI GetModuleHandleA(LPCSTR lpModuleName);
DWORD WINAPI GetModuleFileNameW(HMODULE hModule, LPWSTR lpFilename, DWORD nSize);
DWORD WINAPI GetModuleFileNameA(HMODULE hModule, LPSTR lpFilename, DWORD nSize);

/* ntdll: the Win32 error Windows gives for a status (win32/error.c). */
ULONG WINAPI RtlNtStatusToDosError(NTSTATUS Status);

#endif
