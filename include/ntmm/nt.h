/*
 * nt.h — NTSTATUS and the status codes ntmm returns, with Windows' values
 * (ntstatus.h), and the Nt* system services ntmm provides.
 *
 * (1) Every status here has the value Windows gives it, so a user can look any
 *     code up in Microsoft's documentation.
 * (2) Every status here has a name in ntmm_status_name (ke/status.c) and a
 *     Win32 error in RtlNtStatusToDosError (win32/error.c).
 */
#ifndef NTMM_NT_H
#define NTMM_NT_H

#include <stdint.h>

#include "winnt.h"

typedef int32_t NTSTATUS;

#define NT_SUCCESS(Status) (((NTSTATUS)(Status)) >= 0)

/* Success and informational. */
#define STATUS_SUCCESS ((NTSTATUS)0x00000000L)
#define STATUS_PENDING ((NTSTATUS)0x00000103L)        /* ExitStatus of a running process (STILL_ACTIVE) */
#define STATUS_OBJECT_NAME_EXISTS ((NTSTATUS)0x40000000L) /* OBJ_OPENIF opened an existing name */
#define STATUS_WORKING_SET_LIMIT_RANGE ((NTSTATUS)0x40000002L) /* a working-set limit was clamped */
#define STATUS_WAS_UNLOCKED ((NTSTATUS)0x40000017L)  /* protection change unlocked a locked page */
#define STATUS_WAS_LOCKED ((NTSTATUS)0x40000019L)    /* a page to lock was already locked */

/* Warnings. */
#define STATUS_GUARD_PAGE_VIOLATION ((NTSTATUS)0x80000001L)
#define STATUS_DATATYPE_MISALIGNMENT ((NTSTATUS)0x80000002L)
#define STATUS_PARTIAL_COPY ((NTSTATUS)0x8000000DL)
#define STATUS_IMAGE_NOT_AT_BASE ((NTSTATUS)0x40000003L) /* informational: mapped, relocated */

/* Errors. */
#define STATUS_UNSUCCESSFUL ((NTSTATUS)0xC0000001L)
#define STATUS_INVALID_INFO_CLASS ((NTSTATUS)0xC0000003L)
#define STATUS_INFO_LENGTH_MISMATCH ((NTSTATUS)0xC0000004L)
#define STATUS_ACCESS_VIOLATION ((NTSTATUS)0xC0000005L)
#define STATUS_IN_PAGE_ERROR ((NTSTATUS)0xC0000006L)
#define STATUS_PAGEFILE_QUOTA ((NTSTATUS)0xC0000007L)
#define STATUS_INVALID_HANDLE ((NTSTATUS)0xC0000008L)
#define STATUS_INVALID_CID ((NTSTATUS)0xC000000BL)
#define STATUS_INVALID_PARAMETER ((NTSTATUS)0xC000000DL)
#define STATUS_NO_MEMORY ((NTSTATUS)0xC0000017L)
#define STATUS_CONFLICTING_ADDRESSES ((NTSTATUS)0xC0000018L)
#define STATUS_NOT_MAPPED_VIEW ((NTSTATUS)0xC0000019L)
#define STATUS_UNABLE_TO_FREE_VM ((NTSTATUS)0xC000001AL)
#define STATUS_UNABLE_TO_DELETE_SECTION ((NTSTATUS)0xC000001BL)
#define STATUS_INVALID_VIEW_SIZE ((NTSTATUS)0xC000001FL)
#define STATUS_ALREADY_COMMITTED ((NTSTATUS)0xC0000021L)
#define STATUS_ACCESS_DENIED ((NTSTATUS)0xC0000022L)
#define STATUS_BUFFER_TOO_SMALL ((NTSTATUS)0xC0000023L)
#define STATUS_OBJECT_TYPE_MISMATCH ((NTSTATUS)0xC0000024L)
#define STATUS_NOT_LOCKED ((NTSTATUS)0xC000002AL)
#define STATUS_UNABLE_TO_DECOMMIT_VM ((NTSTATUS)0xC000002CL)
#define STATUS_NOT_COMMITTED ((NTSTATUS)0xC000002DL)
#define STATUS_INVALID_PARAMETER_MIX ((NTSTATUS)0xC0000030L)
#define STATUS_OBJECT_NAME_INVALID ((NTSTATUS)0xC0000033L)
#define STATUS_OBJECT_NAME_NOT_FOUND ((NTSTATUS)0xC0000034L)
#define STATUS_OBJECT_NAME_COLLISION ((NTSTATUS)0xC0000035L)
#define STATUS_OBJECT_PATH_NOT_FOUND ((NTSTATUS)0xC000003AL)
#define STATUS_SHARING_VIOLATION ((NTSTATUS)0xC0000043L)
#define STATUS_INVALID_PAGE_PROTECTION ((NTSTATUS)0xC0000045L)
#define STATUS_BAD_WORKING_SET_LIMIT ((NTSTATUS)0xC000004CL)
#define STATUS_SECTION_PROTECTION ((NTSTATUS)0xC000004EL)
#define STATUS_SECTION_TOO_BIG ((NTSTATUS)0xC0000040L)
#define STATUS_INVALID_FILE_FOR_SECTION ((NTSTATUS)0xC0000020L)
#define STATUS_INVALID_IMAGE_FORMAT ((NTSTATUS)0xC000007BL)
#define STATUS_NOT_MAPPED_DATA ((NTSTATUS)0xC0000088L)
#define STATUS_DISK_FULL ((NTSTATUS)0xC000007FL)
#define STATUS_MAPPED_FILE_SIZE_ZERO ((NTSTATUS)0xC000011EL)
#define STATUS_INVALID_IMAGE_NOT_MZ ((NTSTATUS)0xC000012FL)
#define STATUS_MAPPED_ALIGNMENT ((NTSTATUS)0xC0000220L)
#define STATUS_USER_MAPPED_FILE ((NTSTATUS)0xC0000243L)
#define STATUS_SECTION_NOT_IMAGE ((NTSTATUS)0xC0000049L)
#define STATUS_DLL_NOT_FOUND ((NTSTATUS)0xC0000135L)
#define STATUS_CANNOT_DELETE ((NTSTATUS)0xC0000121L)
#define STATUS_PRIVILEGE_NOT_HELD ((NTSTATUS)0xC0000061L)
#define STATUS_TOO_MANY_PAGING_FILES ((NTSTATUS)0xC0000097L)
#define STATUS_INSUFFICIENT_RESOURCES ((NTSTATUS)0xC000009AL)
#define STATUS_FREE_VM_NOT_AT_BASE ((NTSTATUS)0xC000009FL)
#define STATUS_MEMORY_NOT_ALLOCATED ((NTSTATUS)0xC00000A0L)
#define STATUS_WORKING_SET_QUOTA ((NTSTATUS)0xC00000A1L)
#define STATUS_NOT_SUPPORTED ((NTSTATUS)0xC00000BBL)
#define STATUS_INTERNAL_ERROR ((NTSTATUS)0xC00000E5L)
#define STATUS_INVALID_USER_BUFFER ((NTSTATUS)0xC00000E8L)
#define STATUS_INVALID_PARAMETER_1 ((NTSTATUS)0xC00000EFL)
#define STATUS_INVALID_PARAMETER_2 ((NTSTATUS)0xC00000F0L)
#define STATUS_INVALID_PARAMETER_3 ((NTSTATUS)0xC00000F1L)
#define STATUS_INVALID_PARAMETER_4 ((NTSTATUS)0xC00000F2L)
#define STATUS_INVALID_PARAMETER_5 ((NTSTATUS)0xC00000F3L)
#define STATUS_INVALID_PARAMETER_6 ((NTSTATUS)0xC00000F4L)
#define STATUS_INVALID_PARAMETER_7 ((NTSTATUS)0xC00000F5L)
#define STATUS_INVALID_PARAMETER_8 ((NTSTATUS)0xC00000F6L)
#define STATUS_INVALID_PARAMETER_9 ((NTSTATUS)0xC00000F7L)
#define STATUS_INVALID_PARAMETER_10 ((NTSTATUS)0xC00000F8L)
#define STATUS_INVALID_PARAMETER_11 ((NTSTATUS)0xC00000F9L)
#define STATUS_INVALID_PARAMETER_12 ((NTSTATUS)0xC00000FAL)
#define STATUS_STACK_OVERFLOW ((NTSTATUS)0xC00000FDL)
#define STATUS_PROCESS_IS_TERMINATING ((NTSTATUS)0xC000010AL)
#define STATUS_COMMITMENT_LIMIT ((NTSTATUS)0xC000012DL)
#define STATUS_INVALID_ADDRESS ((NTSTATUS)0xC0000141L)
#define STATUS_SHUTDOWN_IN_PROGRESS ((NTSTATUS)0xC00002FEL) /* the machine has bug checked */

/* ---- System services (ntifs.h, winternl.h) ---- */

/* ---- Objects and handles (winternl.h) ---- */

typedef struct _UNICODE_STRING {
    USHORT Length;          /* bytes, without a terminator */
    USHORT MaximumLength;   /* bytes */
    WCHAR *Buffer;
} UNICODE_STRING, *PUNICODE_STRING;

/* OBJECT_ATTRIBUTES.Attributes */
#define OBJ_INHERIT 0x00000002L
#define OBJ_PERMANENT 0x00000010L
#define OBJ_EXCLUSIVE 0x00000020L
#define OBJ_CASE_INSENSITIVE 0x00000040L
#define OBJ_OPENIF 0x00000080L

typedef struct _OBJECT_ATTRIBUTES {
    ULONG Length;                  /* sizeof (OBJECT_ATTRIBUTES) */
    HANDLE RootDirectory;
    PUNICODE_STRING ObjectName;
    ULONG Attributes;              /* OBJ_* */
    PVOID SecurityDescriptor;
    PVOID SecurityQualityOfService;
} OBJECT_ATTRIBUTES, *POBJECT_ATTRIBUTES;

#define InitializeObjectAttributes(p, n, a, r, s) \
    do {                                          \
        (p)->Length = sizeof(OBJECT_ATTRIBUTES);  \
        (p)->RootDirectory = (r);                 \
        (p)->Attributes = (a);                    \
        (p)->ObjectName = (n);                    \
        (p)->SecurityDescriptor = (s);            \
        (p)->SecurityQualityOfService = NULL;     \
    } while (0)

typedef struct _CLIENT_ID {
    HANDLE UniqueProcess;  /* the process id, as a HANDLE-sized value */
    HANDLE UniqueThread;
} CLIENT_ID, *PCLIENT_ID;

/* Closes a handle of the current process's table (the pseudo-handle and
 * ntmm_process_handle's handles: success, no effect). STATUS_INVALID_HANDLE. */
NTSTATUS NtClose(HANDLE Handle);
/* Copies SourceHandle of SourceProcessHandle's table into
 * TargetProcessHandle's (both need PROCESS_DUP_HANDLE). Options:
 * DUPLICATE_SAME_ACCESS, DUPLICATE_CLOSE_SOURCE (TargetProcessHandle may
 * then be NULL). SourceHandle NtCurrentProcess() gives a real handle to the
 * source process. */
NTSTATUS NtDuplicateObject(HANDLE SourceProcessHandle, HANDLE SourceHandle,
                           HANDLE TargetProcessHandle, PHANDLE TargetHandle,
                           ACCESS_MASK DesiredAccess, ULONG HandleAttributes, ULONG Options);
/* Opens the process ClientId->UniqueProcess names with DesiredAccess (at most
 * PROCESS_ALL_ACCESS, or MAXIMUM_ALLOWED); STATUS_INVALID_CID for no such
 * process, STATUS_INVALID_PARAMETER_MIX for an ObjectName or no ClientId,
 * STATUS_ACCESS_DENIED for access a process does not have. */
NTSTATUS NtOpenProcess(PHANDLE ProcessHandle, ACCESS_MASK DesiredAccess,
                       POBJECT_ATTRIBUTES ObjectAttributes, PCLIENT_ID ClientId);

/* The pseudo-handle of the current process, as NtCurrentProcess() is. */
#define NtCurrentProcess() ((HANDLE)(LONG_PTR)-1)

typedef enum _MEMORY_INFORMATION_CLASS {
    MemoryBasicInformation = 0,
    MemoryWorkingSetInformation = 1,
    MemoryWorkingSetExInformation = 4,
} MEMORY_INFORMATION_CLASS;

/* MemoryWorkingSetInformation (ntddk.h, the _WIN64 bit layout): one entry
 * per page of the process working set (wsinfo.c). Protection is the MM_*
 * value (1 read-only, 2 execute, 3 execute-read, 4 read/write, 5 copy on
 * write, 6 execute-read/write, 7 execute-copy on write; 0x18 added for
 * no-cache / guard variants); ShareCount at most 7; VirtualPage the
 * simulated address >> 12. */
typedef union _MEMORY_WORKING_SET_BLOCK {
    ULONG_PTR Flags;
    struct {
        ULONG_PTR Protection : 5;
        ULONG_PTR ShareCount : 3;
        ULONG_PTR Shared : 1;
        ULONG_PTR Node : 3;
        ULONG_PTR VirtualPage : 52;
    };
} MEMORY_WORKING_SET_BLOCK, *PMEMORY_WORKING_SET_BLOCK;

/* A buffer too short for every entry: STATUS_INFO_LENGTH_MISMATCH with
 * NumberOfEntries set to the count (the entries are not written). */
typedef struct _MEMORY_WORKING_SET_INFORMATION {
    ULONG_PTR NumberOfEntries;
    MEMORY_WORKING_SET_BLOCK WorkingSetInfo[1];
} MEMORY_WORKING_SET_INFORMATION, *PMEMORY_WORKING_SET_INFORMATION;

/* MemoryWorkingSetExInformation: VirtualAttributes of a page not in the
 * working set are 0 (Valid 0). Win32Protection is a PAGE_* value; Node and
 * LargePage are 0 (one node, no large pages), as is Bad. */
typedef union _MEMORY_WORKING_SET_EX_BLOCK {
    ULONG_PTR Flags;
    struct {
        ULONG_PTR Valid : 1;
        ULONG_PTR ShareCount : 3;
        ULONG_PTR Win32Protection : 11;
        ULONG_PTR Shared : 1;
        ULONG_PTR Node : 6;
        ULONG_PTR Locked : 1;
        ULONG_PTR LargePage : 1;
        ULONG_PTR Reserved : 7;
        ULONG_PTR Bad : 1;
        ULONG_PTR ReservedUlong : 32;
    };
} MEMORY_WORKING_SET_EX_BLOCK, *PMEMORY_WORKING_SET_EX_BLOCK;

/* An array of them: VirtualAddress (simulated) in, VirtualAttributes out;
 * a length below one entry is STATUS_INFO_LENGTH_MISMATCH. */
typedef struct _MEMORY_WORKING_SET_EX_INFORMATION {
    PVOID VirtualAddress;
    MEMORY_WORKING_SET_EX_BLOCK VirtualAttributes;
} MEMORY_WORKING_SET_EX_INFORMATION, *PMEMORY_WORKING_SET_EX_INFORMATION;

#define MAP_PROCESS 1 /* NtLockVirtualMemory: lock in the working set */
#define MAP_SYSTEM 2  /* NtLockVirtualMemory: lock in physical memory (needs a privilege) */

/* Addresses are the simulated addresses of the process the handle names;
 * BaseAddress and RegionSize are rounded as Windows rounds them and written
 * back on success. */
NTSTATUS NtAllocateVirtualMemory(HANDLE ProcessHandle, PVOID *BaseAddress, ULONG_PTR ZeroBits,
                                 PSIZE_T RegionSize, ULONG AllocationType, ULONG Protect);
NTSTATUS NtFreeVirtualMemory(HANDLE ProcessHandle, PVOID *BaseAddress, PSIZE_T RegionSize,
                             ULONG FreeType);
NTSTATUS NtProtectVirtualMemory(HANDLE ProcessHandle, PVOID *BaseAddress, PSIZE_T RegionSize,
                                ULONG NewProtect, PULONG OldProtect);
NTSTATUS NtQueryVirtualMemory(HANDLE ProcessHandle, PVOID BaseAddress,
                              MEMORY_INFORMATION_CLASS MemoryInformationClass,
                              PVOID MemoryInformation, SIZE_T MemoryInformationLength,
                              PSIZE_T ReturnLength);
NTSTATUS NtLockVirtualMemory(HANDLE ProcessHandle, PVOID *BaseAddress, PSIZE_T RegionSize,
                             ULONG MapType);
NTSTATUS NtUnlockVirtualMemory(HANDLE ProcessHandle, PVOID *BaseAddress, PSIZE_T RegionSize,
                               ULONG MapType);

/* ---- Sections (ntifs.h, wdm.h) ---- */

typedef enum _SECTION_INHERIT {
    ViewShare = 1,  /* a child process would get the view too */
    ViewUnmap = 2,
} SECTION_INHERIT;

typedef enum _SECTION_INFORMATION_CLASS {
    SectionBasicInformation = 0,
    SectionImageInformation = 1,
} SECTION_INFORMATION_CLASS;

typedef struct _SECTION_BASIC_INFORMATION {
    PVOID BaseAddress;           /* NULL (based sections are not modelled) */
    ULONG AllocationAttributes;  /* SEC_COMMIT or SEC_RESERVE; SEC_FILE for a file, with SEC_IMAGE for an image */
    LARGE_INTEGER MaximumSize;   /* bytes: whole pages for a pagefile-backed section, exact for a file */
} SECTION_BASIC_INFORMATION, *PSECTION_BASIC_INFORMATION;

/* SectionImageInformation (ntddk.h's SECTION_IMAGE_INFORMATION, the fields
 * ntmm fills; the others are 0). */
typedef struct _SECTION_IMAGE_INFORMATION {
    PVOID TransferAddress;        /* the entry point where the image is based */
    ULONG ZeroBits;
    SIZE_T MaximumStackSize;      /* SizeOfStackReserve */
    SIZE_T CommittedStackSize;    /* SizeOfStackCommit */
    ULONG SubSystemType;          /* IMAGE_SUBSYSTEM_* */
    ULONG SubSystemVersion;
    ULONG GpValue;
    USHORT ImageCharacteristics;  /* IMAGE_FILE_* (LARGE_ADDRESS_AWARE, DLL ...) */
    USHORT DllCharacteristics;    /* IMAGE_DLLCHARACTERISTICS_* */
    USHORT Machine;               /* IMAGE_FILE_MACHINE_I386 or _AMD64 */
    BOOLEAN ImageContainsCode;
    UCHAR ImageFlags;
    ULONG LoaderFlags;
    ULONG ImageFileSize;          /* bytes of the file */
    ULONG CheckSum;
} SECTION_IMAGE_INFORMATION, *PSECTION_IMAGE_INFORMATION;

typedef struct _IO_STATUS_BLOCK {
    union {
        NTSTATUS Status;
        PVOID Pointer;
    };
    ULONG_PTR Information;
} IO_STATUS_BLOCK, *PIO_STATUS_BLOCK;

/* Creates a section: pagefile-backed (FileHandle NULL, MaximumSize > 0) or
 * backed by a file of the C: drive (MaximumSize NULL or 0: the file's size;
 * larger than the file: the file grows, if the protection writes). Named
 * ones live in \BaseNamedObjects; OBJ_OPENIF opens an existing one
 * (STATUS_OBJECT_NAME_EXISTS). */
NTSTATUS NtCreateSection(PHANDLE SectionHandle, ACCESS_MASK DesiredAccess,
                         POBJECT_ATTRIBUTES ObjectAttributes, PLARGE_INTEGER MaximumSize,
                         ULONG SectionPageProtection, ULONG AllocationAttributes,
                         HANDLE FileHandle);
NTSTATUS NtOpenSection(PHANDLE SectionHandle, ACCESS_MASK DesiredAccess,
                       POBJECT_ATTRIBUTES ObjectAttributes);
/* Maps a view into the process ProcessHandle names: *BaseAddress NULL lets
 * Mm choose, *ViewSize 0 maps to the end; SectionOffset and *BaseAddress are
 * multiples of 64 KB. Writes back the base and the size in whole pages. In a
 * view of a SEC_RESERVE section the first CommitSize bytes are committed.
 * An image mapped elsewhere than its base returns STATUS_IMAGE_NOT_AT_BASE
 * (a success). */
NTSTATUS NtMapViewOfSection(HANDLE SectionHandle, HANDLE ProcessHandle, PVOID *BaseAddress,
                            ULONG_PTR ZeroBits, SIZE_T CommitSize, PLARGE_INTEGER SectionOffset,
                            PSIZE_T ViewSize, SECTION_INHERIT InheritDisposition,
                            ULONG AllocationType, ULONG Win32Protect);
/* Unmaps the view holding BaseAddress (any address inside it). */
NTSTATUS NtUnmapViewOfSection(HANDLE ProcessHandle, PVOID BaseAddress);
NTSTATUS NtQuerySection(HANDLE SectionHandle, SECTION_INFORMATION_CLASS SectionInformationClass,
                        PVOID SectionInformation, SIZE_T SectionInformationLength,
                        PSIZE_T ReturnLength);
/* Writes the modified pages of a view of a file to the file (*RegionSize 0:
 * to the end of the view); STATUS_NOT_MAPPED_DATA for private memory,
 * STATUS_NOT_MAPPED_VIEW for free memory. */
NTSTATUS NtFlushVirtualMemory(HANDLE ProcessHandle, PVOID *BaseAddress, PSIZE_T RegionSize,
                              PIO_STATUS_BLOCK IoStatus);

typedef enum _PROCESSINFOCLASS {
    ProcessBasicInformation = 0,
    ProcessQuotaLimits = 1,
    ProcessVmCounters = 3,
} PROCESSINFOCLASS;

/* ProcessBasicInformation (ntddk.h's PROCESS_BASIC_INFORMATION; winternl.h
 * names most fields Reserved). ExitStatus is STATUS_PENDING while the process
 * runs; PebBaseAddress is 0 (no PEB yet). */
typedef struct _PROCESS_BASIC_INFORMATION {
    NTSTATUS ExitStatus;
    PVOID PebBaseAddress;
    ULONG_PTR AffinityMask;
    LONG BasePriority;
    ULONG_PTR UniqueProcessId;
    ULONG_PTR InheritedFromUniqueProcessId;
} PROCESS_BASIC_INFORMATION, *PPROCESS_BASIC_INFORMATION;

typedef enum _SYSTEM_INFORMATION_CLASS {
    SystemBasicInformation = 0,
    SystemPerformanceInformation = 2,
} SYSTEM_INFORMATION_CLASS;

/* ProcessVmCounters (ntddk.h's VM_COUNTERS, and VM_COUNTERS_EX with
 * PrivateUsage): sizes in bytes. */
typedef struct _VM_COUNTERS {
    SIZE_T PeakVirtualSize;
    SIZE_T VirtualSize;
    ULONG PageFaultCount;
    SIZE_T PeakWorkingSetSize;
    SIZE_T WorkingSetSize;
    SIZE_T QuotaPeakPagedPoolUsage;
    SIZE_T QuotaPagedPoolUsage;
    SIZE_T QuotaPeakNonPagedPoolUsage;
    SIZE_T QuotaNonPagedPoolUsage;
    SIZE_T PagefileUsage;
    SIZE_T PeakPagefileUsage;
} VM_COUNTERS, *PVM_COUNTERS;

typedef struct _VM_COUNTERS_EX {
    SIZE_T PeakVirtualSize;
    SIZE_T VirtualSize;
    ULONG PageFaultCount;
    SIZE_T PeakWorkingSetSize;
    SIZE_T WorkingSetSize;
    SIZE_T QuotaPeakPagedPoolUsage;
    SIZE_T QuotaPagedPoolUsage;
    SIZE_T QuotaPeakNonPagedPoolUsage;
    SIZE_T QuotaNonPagedPoolUsage;
    SIZE_T PagefileUsage;
    SIZE_T PeakPagefileUsage;
    SIZE_T PrivateUsage;
} VM_COUNTERS_EX, *PVM_COUNTERS_EX;

/* SystemBasicInformation (winternl.h's SYSTEM_BASIC_INFORMATION, with the
 * field names of the DDK). */
typedef struct _SYSTEM_BASIC_INFORMATION {
    ULONG Reserved;
    ULONG TimerResolution;
    ULONG PageSize;
    ULONG NumberOfPhysicalPages;
    ULONG LowestPhysicalPageNumber;
    ULONG HighestPhysicalPageNumber;
    ULONG AllocationGranularity;
    ULONG_PTR MinimumUserModeAddress;
    ULONG_PTR MaximumUserModeAddress;
    ULONG_PTR ActiveProcessorsAffinityMask;
    CHAR NumberOfProcessors;
} SYSTEM_BASIC_INFORMATION, *PSYSTEM_BASIC_INFORMATION;

/* SystemPerformanceInformation (the XP / Server 2003 structure: 0x138
 * bytes, the same on 32-bit and 64-bit, as it holds no pointers). Counts are
 * pages, except the Io*TransferCount bytes and the event counts. From the
 * memory manager: AvailablePages (MmAvailablePages), CommittedPages
 * (MmTotalCommittedPages), CommitLimit (MmTotalCommitLimit), PeakCommitment
 * (MmPeakCommitment), the thirteen MmInfoCounters from PageFaultCount to
 * MappedWriteIoCount, PagedPoolPages (paged pool pages in use) and
 * AvailablePagedPoolPages (paged pool pages free). ntmm has no source for
 * the others, which are 0: idle time, the I/O counts, nonpaged pool and the
 * pool allocation and lookaside counts, system PTEs, system code, driver,
 * cache and resident pool pages, the cache manager's Cc* counts, context
 * switches, TB fills and system calls. */
typedef struct _SYSTEM_PERFORMANCE_INFORMATION {
    LARGE_INTEGER IdleProcessTime;      /* 100 ns units */
    LARGE_INTEGER IoReadTransferCount;  /* bytes */
    LARGE_INTEGER IoWriteTransferCount; /* bytes */
    LARGE_INTEGER IoOtherTransferCount; /* bytes */
    ULONG IoReadOperationCount;
    ULONG IoWriteOperationCount;
    ULONG IoOtherOperationCount;
    ULONG AvailablePages;               /* standby, free and zeroed pages */
    ULONG CommittedPages;               /* commit charge */
    ULONG CommitLimit;
    ULONG PeakCommitment;               /* highest commit charge since boot */
    ULONG PageFaultCount;               /* faults resolved */
    ULONG CopyOnWriteCount;
    ULONG TransitionCount;              /* soft faults */
    ULONG CacheTransitionCount;
    ULONG DemandZeroCount;
    ULONG PageReadCount;                /* pages read by hard faults */
    ULONG PageReadIoCount;              /* their reads */
    ULONG CacheReadCount;
    ULONG CacheIoCount;
    ULONG DirtyPagesWriteCount;         /* pages written to a pagefile */
    ULONG DirtyWriteIoCount;            /* their writes */
    ULONG MappedPagesWriteCount;        /* file pages written to their file */
    ULONG MappedWriteIoCount;           /* their writes */
    ULONG PagedPoolPages;
    ULONG NonPagedPoolPages;
    ULONG PagedPoolAllocs;
    ULONG PagedPoolFrees;
    ULONG NonPagedPoolAllocs;
    ULONG NonPagedPoolFrees;
    ULONG FreeSystemPtes;
    ULONG ResidentSystemCodePage;
    ULONG TotalSystemDriverPages;
    ULONG TotalSystemCodePages;
    ULONG NonPagedPoolLookasideHits;
    ULONG PagedPoolLookasideHits;
    ULONG AvailablePagedPoolPages;
    ULONG ResidentSystemCachePage;
    ULONG ResidentPagedPoolPage;
    ULONG ResidentSystemDriverPage;
    ULONG CcFastReadNoWait;
    ULONG CcFastReadWait;
    ULONG CcFastReadResourceMiss;
    ULONG CcFastReadNotPossible;
    ULONG CcFastMdlReadNoWait;
    ULONG CcFastMdlReadWait;
    ULONG CcFastMdlReadResourceMiss;
    ULONG CcFastMdlReadNotPossible;
    ULONG CcMapDataNoWait;
    ULONG CcMapDataWait;
    ULONG CcMapDataNoWaitMiss;
    ULONG CcMapDataWaitMiss;
    ULONG CcPinMappedDataCount;
    ULONG CcPinReadNoWait;
    ULONG CcPinReadWait;
    ULONG CcPinReadNoWaitMiss;
    ULONG CcPinReadWaitMiss;
    ULONG CcCopyReadNoWait;
    ULONG CcCopyReadWait;
    ULONG CcCopyReadNoWaitMiss;
    ULONG CcCopyReadWaitMiss;
    ULONG CcMdlReadNoWait;
    ULONG CcMdlReadWait;
    ULONG CcMdlReadNoWaitMiss;
    ULONG CcMdlReadWaitMiss;
    ULONG CcReadAheadIos;
    ULONG CcLazyWriteIos;
    ULONG CcLazyWritePages;
    ULONG CcDataFlushes;
    ULONG CcDataPages;
    ULONG ContextSwitches;
    ULONG FirstLevelTbFills;
    ULONG SecondLevelTbFills;
    ULONG SystemCalls;
} SYSTEM_PERFORMANCE_INFORMATION, *PSYSTEM_PERFORMANCE_INFORMATION;

NTSTATUS NtQueryInformationProcess(HANDLE ProcessHandle, PROCESSINFOCLASS ProcessInformationClass,
                                   PVOID ProcessInformation, ULONG ProcessInformationLength,
                                   PULONG ReturnLength);
/* ProcessQuotaLimits (QUOTA_LIMITS or QUOTA_LIMITS_EX, exactly; nt/quota.c):
 * the query needs PROCESS_QUERY_INFORMATION, the change PROCESS_SET_QUOTA.
 * Setting MinimumWorkingSetSize and MaximumWorkingSetSize both (SIZE_T)-1
 * empties the working set; both 0 changes only the hard-limit Flags. */
NTSTATUS NtSetInformationProcess(HANDLE ProcessHandle, PROCESSINFOCLASS ProcessInformationClass,
                                 PVOID ProcessInformation, ULONG ProcessInformationLength);
NTSTATUS NtQuerySystemInformation(SYSTEM_INFORMATION_CLASS SystemInformationClass,
                                  PVOID SystemInformation, ULONG SystemInformationLength,
                                  PULONG ReturnLength);

#endif
