/*
 * winnt.h — the Windows SDK's basic types and the memory constants and
 * structures, access rights (PROCESS_*, the standard rights) and DUPLICATE_*
 * options that both the Nt* services (nt.h) and the Win32 API (win32.h)
 * use, with the SDK's names and values for a 64-bit (_WIN64) build.
 *
 * (1) Every type has the SDK's width (LLP64: LONG and DWORD are 32 bits,
 *     pointers and SIZE_T 64), every constant the SDK's value, every
 *     structure the SDK's field order and so its size and offsets
 *     (tests/test_status.c checks them).
 */
#ifndef NTMM_WINNT_H
#define NTMM_WINNT_H

#include <stddef.h>
#include <stdint.h>

/* ---- Basic types (minwindef.h, winnt.h, basetsd.h; LLP64 widths) ---- */

typedef int BOOL;
typedef BOOL *PBOOL, *LPBOOL;
typedef unsigned char BYTE;
typedef BYTE *PBYTE, *LPBYTE;
typedef uint16_t WORD;
typedef WORD *PWORD, *LPWORD;
typedef uint32_t DWORD;               /* unsigned long on Windows: 32 bits */
typedef DWORD *PDWORD, *LPDWORD;
typedef int32_t LONG;                 /* long on Windows: 32 bits */
typedef LONG *PLONG;
typedef uint32_t ULONG;
typedef ULONG *PULONG;
typedef char CHAR;
typedef unsigned char UCHAR;
typedef short SHORT;
typedef unsigned short USHORT;
typedef int INT;
typedef unsigned int UINT;
typedef int64_t LONGLONG;
typedef uint64_t ULONGLONG;
typedef uint64_t DWORDLONG;
typedef int64_t LONG64;
typedef uint64_t ULONG64;
typedef uint64_t DWORD64;
typedef intptr_t LONG_PTR;
typedef uintptr_t ULONG_PTR;
typedef ULONG_PTR *PULONG_PTR;
typedef ULONG_PTR DWORD_PTR;
typedef DWORD_PTR *PDWORD_PTR;
typedef size_t SIZE_T;                /* ULONG_PTR in the SDK; the host is 64-bit */
typedef SIZE_T *PSIZE_T;
typedef LONG_PTR SSIZE_T;
typedef SSIZE_T *PSSIZE_T;
typedef void *PVOID;
typedef void *LPVOID;
typedef const void *LPCVOID;
typedef void *HANDLE;
typedef HANDLE *PHANDLE, *LPHANDLE;
typedef HANDLE HMODULE;
typedef uint16_t WCHAR;               /* UTF-16 code unit, as wchar_t is on Windows */
typedef CHAR *LPSTR;
typedef const CHAR *LPCSTR;
typedef WCHAR *LPWSTR;
typedef const WCHAR *LPCWSTR;
typedef CHAR TCHAR;                   /* the ANSI build: no UNICODE */
typedef LPSTR LPTSTR;
typedef LPCSTR LPCTSTR;

#ifndef VOID
#define VOID void
#endif
typedef unsigned char BOOLEAN;  /* ntdef.h: TRUE or FALSE in one byte */

#ifndef TRUE
#define TRUE 1
#endif
#ifndef FALSE
#define FALSE 0
#endif
#define TEXT(quote) quote
#define WINAPI
#define APIENTRY

#define INVALID_HANDLE_VALUE ((HANDLE)(LONG_PTR)-1)
#define MAX_PATH 260

/* ---- Allocation types, states and region types (winnt.h) ---- */

#define MEM_COALESCE_PLACEHOLDERS 0x00000001 /* VirtualFree with MEM_RELEASE */
#define MEM_PRESERVE_PLACEHOLDER 0x00000002  /* VirtualFree with MEM_RELEASE */
#define MEM_COMMIT 0x00001000
#define MEM_RESERVE 0x00002000
#define MEM_DECOMMIT 0x00004000
#define MEM_RELEASE 0x00008000
#define MEM_FREE 0x00010000
#define MEM_PRIVATE 0x00020000
#define MEM_MAPPED 0x00040000
#define MEM_RESET 0x00080000
#define MEM_TOP_DOWN 0x00100000
#define MEM_WRITE_WATCH 0x00200000
#define MEM_PHYSICAL 0x00400000
#define MEM_RESET_UNDO 0x01000000
#define MEM_IMAGE 0x01000000                 /* = SEC_IMAGE */
#define MEM_LARGE_PAGES 0x20000000
#define MEM_4MB_PAGES 0x80000000

/* ---- Page protections (winnt.h) ---- */

#define PAGE_NOACCESS 0x01
#define PAGE_READONLY 0x02
#define PAGE_READWRITE 0x04
#define PAGE_WRITECOPY 0x08
#define PAGE_EXECUTE 0x10
#define PAGE_EXECUTE_READ 0x20
#define PAGE_EXECUTE_READWRITE 0x40
#define PAGE_EXECUTE_WRITECOPY 0x80
#define PAGE_GUARD 0x100
#define PAGE_NOCACHE 0x200
#define PAGE_WRITECOMBINE 0x400
#define PAGE_TARGETS_INVALID 0x40000000      /* VirtualAlloc (CFG) */
#define PAGE_TARGETS_NO_UPDATE 0x40000000    /* VirtualProtect (CFG) */

/* ---- Processors (winnt.h) ---- */

#define PROCESSOR_INTEL_386 386
#define PROCESSOR_INTEL_486 486
#define PROCESSOR_INTEL_PENTIUM 586
#define PROCESSOR_AMD_X8664 8664
#define PROCESSOR_ARCHITECTURE_INTEL 0
#define PROCESSOR_ARCHITECTURE_AMD64 9

/* ---- Access rights and handles (winnt.h) ---- */

typedef DWORD ACCESS_MASK;
typedef ACCESS_MASK *PACCESS_MASK;

#define DELETE 0x00010000
#define READ_CONTROL 0x00020000
#define WRITE_DAC 0x00040000
#define WRITE_OWNER 0x00080000
#define SYNCHRONIZE 0x00100000
#define STANDARD_RIGHTS_REQUIRED 0x000F0000
#define MAXIMUM_ALLOWED 0x02000000

#define PROCESS_TERMINATE 0x0001
#define PROCESS_CREATE_THREAD 0x0002
#define PROCESS_SET_SESSIONID 0x0004
#define PROCESS_VM_OPERATION 0x0008
#define PROCESS_VM_READ 0x0010
#define PROCESS_VM_WRITE 0x0020
#define PROCESS_DUP_HANDLE 0x0040
#define PROCESS_CREATE_PROCESS 0x0080
#define PROCESS_SET_QUOTA 0x0100
#define PROCESS_SET_INFORMATION 0x0200
#define PROCESS_QUERY_INFORMATION 0x0400
#define PROCESS_SUSPEND_RESUME 0x0800
/* The value of the modelled Windows (XP / Server 2003; _WIN32_WINNT < 0x0600):
 * Vista's SDK widens it to 0x1FFFFF. */
#define PROCESS_ALL_ACCESS (STANDARD_RIGHTS_REQUIRED | SYNCHRONIZE | 0xFFF)

/* Generic rights; each object type maps them to its own (only the File type
 * does in ntmm: FILE_GENERIC_READ / WRITE / EXECUTE, FILE_ALL_ACCESS). */
#define GENERIC_READ 0x80000000u
#define GENERIC_WRITE 0x40000000u
#define GENERIC_EXECUTE 0x20000000u
#define GENERIC_ALL 0x10000000u

#define STANDARD_RIGHTS_READ READ_CONTROL
#define STANDARD_RIGHTS_WRITE READ_CONTROL
#define STANDARD_RIGHTS_EXECUTE READ_CONTROL

#define FILE_READ_DATA 0x0001
#define FILE_WRITE_DATA 0x0002
#define FILE_APPEND_DATA 0x0004
#define FILE_READ_EA 0x0008
#define FILE_WRITE_EA 0x0010
#define FILE_EXECUTE 0x0020
#define FILE_READ_ATTRIBUTES 0x0080
#define FILE_WRITE_ATTRIBUTES 0x0100
#define FILE_ALL_ACCESS (STANDARD_RIGHTS_REQUIRED | SYNCHRONIZE | 0x1FF)
#define FILE_GENERIC_READ (STANDARD_RIGHTS_READ | FILE_READ_DATA | FILE_READ_ATTRIBUTES | \
                           FILE_READ_EA | SYNCHRONIZE)
#define FILE_GENERIC_WRITE (STANDARD_RIGHTS_WRITE | FILE_WRITE_DATA | FILE_WRITE_ATTRIBUTES | \
                            FILE_WRITE_EA | FILE_APPEND_DATA | SYNCHRONIZE)
#define FILE_GENERIC_EXECUTE (STANDARD_RIGHTS_EXECUTE | FILE_READ_ATTRIBUTES | FILE_EXECUTE | \
                              SYNCHRONIZE)

#define FILE_SHARE_READ 0x00000001
#define FILE_SHARE_WRITE 0x00000002
#define FILE_SHARE_DELETE 0x00000004

#define SECTION_QUERY 0x0001
#define SECTION_MAP_WRITE 0x0002
#define SECTION_MAP_READ 0x0004
#define SECTION_MAP_EXECUTE 0x0008
#define SECTION_EXTEND_SIZE 0x0010
#define SECTION_MAP_EXECUTE_EXPLICIT 0x0020
#define SECTION_ALL_ACCESS (STANDARD_RIGHTS_REQUIRED | SECTION_QUERY | SECTION_MAP_WRITE | \
                            SECTION_MAP_READ | SECTION_MAP_EXECUTE | SECTION_EXTEND_SIZE)

/* Section attributes (CreateFileMapping's flProtect high bits, NtCreateSection's
 * AllocationAttributes). */
#define SEC_FILE 0x00800000
#define SEC_IMAGE 0x01000000
#define SEC_RESERVE 0x04000000
#define SEC_COMMIT 0x08000000
#define SEC_NOCACHE 0x10000000
#define SEC_WRITECOMBINE 0x40000000
#define SEC_LARGE_PAGES 0x80000000

#define DUPLICATE_CLOSE_SOURCE 0x00000001
#define DUPLICATE_SAME_ACCESS 0x00000002

/* ---- Structures ---- */

typedef union _LARGE_INTEGER {
    struct {
        DWORD LowPart;
        LONG HighPart;
    };
    struct {
        DWORD LowPart;
        LONG HighPart;
    } u;
    int64_t QuadPart;
} LARGE_INTEGER, *PLARGE_INTEGER;

/* winnt.h, _WIN64 layout: 48 bytes, RegionSize at 24. */
typedef struct _MEMORY_BASIC_INFORMATION {
    PVOID BaseAddress;        /* the region's first page */
    PVOID AllocationBase;     /* base of the VirtualAlloc / view that holds it */
    DWORD AllocationProtect;  /* PAGE_* given when the allocation was made */
    WORD PartitionId;         /* memory partition (0: the system partition) */
    SIZE_T RegionSize;        /* bytes from BaseAddress with the same attributes */
    DWORD State;              /* MEM_COMMIT, MEM_RESERVE or MEM_FREE */
    DWORD Protect;            /* PAGE_* of the pages now (0 unless committed) */
    DWORD Type;               /* MEM_PRIVATE, MEM_MAPPED or MEM_IMAGE (0 if free) */
} MEMORY_BASIC_INFORMATION, *PMEMORY_BASIC_INFORMATION;

/* winnt.h: a process's quotas (ProcessQuotaLimits; sizes in bytes). The
 * pool and pagefile limits and TimeLimit read unlimited ((SIZE_T)-1, -1). */
typedef struct _QUOTA_LIMITS {
    SIZE_T PagedPoolLimit;
    SIZE_T NonPagedPoolLimit;
    SIZE_T MinimumWorkingSetSize;
    SIZE_T MaximumWorkingSetSize;
    SIZE_T PagefileLimit;
    LARGE_INTEGER TimeLimit;
} QUOTA_LIMITS, *PQUOTA_LIMITS;

/* QUOTA_LIMITS_EX.Flags (SetProcessWorkingSetSizeEx's Flags). */
#define QUOTA_LIMITS_HARDWS_MIN_ENABLE 0x00000001
#define QUOTA_LIMITS_HARDWS_MIN_DISABLE 0x00000002
#define QUOTA_LIMITS_HARDWS_MAX_ENABLE 0x00000004
#define QUOTA_LIMITS_HARDWS_MAX_DISABLE 0x00000008

typedef struct _QUOTA_LIMITS_EX {
    SIZE_T PagedPoolLimit;
    SIZE_T NonPagedPoolLimit;
    SIZE_T MinimumWorkingSetSize;
    SIZE_T MaximumWorkingSetSize;
    SIZE_T PagefileLimit;
    LARGE_INTEGER TimeLimit;
    SIZE_T WorkingSetLimit;   /* 0 */
    SIZE_T Reserved2;
    SIZE_T Reserved3;
    SIZE_T Reserved4;
    DWORD Flags;              /* QUOTA_LIMITS_HARDWS_*: one of MIN_ENABLE / _DISABLE and of MAX_* */
    DWORD CpuRateLimit;       /* 0 */
} QUOTA_LIMITS_EX, *PQUOTA_LIMITS_EX;

#endif
