/*
 * ntmm.h — the simulated machine: configuration, life cycle, physical and
 * system-space memory access, and the machine's explicit moments (idle time,
 * when the system worker routines such as the zero page thread run).
 *
 * (1) A machine is deterministic: the same configuration and seed and the same
 *     sequence of calls give byte-identical results.
 * (2) No call aborts on bad input; every failure is an NTSTATUS with Windows'
 *     value (see nt.h).
 */
#ifndef NTMM_NTMM_H
#define NTMM_NTMM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nt.h"

#define NTMM_VERSION "0.1.0"

#define NTMM_PAGE_SIZE 0x1000u
#define NTMM_ALLOCATION_GRANULARITY 0x10000u

enum ntmm_arch {
    NTMM_ARCH_X86 = 1,     /* 32-bit, 10-10-12 paging, 4-byte PTEs */
    NTMM_ARCH_X86_PAE = 2, /* 32-bit, 2-9-9-12 paging, 8-byte PTEs with NX */
    NTMM_ARCH_X64 = 3,     /* 64-bit, 9-9-9-9-12 paging, 8-byte PTEs with NX */
};

/* Pagefiles a machine may have (Windows: MAX_PAGE_FILES). */
#define NTMM_MAXIMUM_PAGING_FILES 16u

/* One pagefile: C:\pagefile.sys for the first, C:\pagefileN.sys for the
 * Nth after it. Both sizes are multiples of 4 KB; initial_bytes at least
 * 1 MB (Windows' smallest pagefile) and at most maximum_bytes, which is at
 * most what a pagefile PTE's offset reaches (4 GB - 4 KB on x86, 16 TB -
 * 4 KB on PAE and x64). */
struct ntmm_pagefile_config {
    uint64_t initial_bytes; /* the size it is created with at boot (MinimumSize) */
    uint64_t maximum_bytes; /* how far it may grow when commit needs it (MaximumSize) */
};

struct ntmm_config {
    enum ntmm_arch arch; /* paging mode of the processor */
    uint64_t ram_bytes;  /* physical memory, bytes; a multiple of 4 KB */
    uint64_t seed;       /* seed of the machine's generator */
    unsigned pagefile_count; /* pagefiles in use, 0 to NTMM_MAXIMUM_PAGING_FILES; 0: none */
    struct ntmm_pagefile_config pagefiles[NTMM_MAXIMUM_PAGING_FILES]; /* the first pagefile_count */
    bool user_space_128tb; /* x64: 64-bit processes get 128 TB (Windows 8.1+), else 8 TB */
    uint32_t increase_user_va; /* x86, PAE: the increaseuserva boot option, MB (2048-3072; 0: off) */
    /* The host directory that is the C: drive (win32.h's files). NULL: a
     * fresh directory made with mkdtemp under $TMPDIR (or /tmp), removed with
     * its contents by ntmm_machine_destroy; a given directory must exist and
     * is never removed. */
    const char *root_directory;
};

struct ntmm_machine;

/* Defaults: x86 PAE, 512 MB of RAM, one pagefile of 1.5 x RAM that may grow
 * to 3 x RAM (Windows XP's defaults), seed 1, 8 TB for 64-bit processes. */
void ntmm_config_init(struct ntmm_config *config);

/* Sets config's pagefiles to Windows XP's default for its RAM and
 * architecture: one pagefile of 1.5 x RAM that may grow to 3 x RAM, each
 * size at most the largest pagefile the architecture allows (4 GB - 4 KB
 * on x86). ntmm_config_init calls it; call it again after changing
 * ram_bytes or arch to keep the default. */
void ntmm_config_default_pagefile(struct ntmm_config *config);

/* Checks a configuration without building anything. On failure returns the
 * status ntmm_machine_create would return and writes a one-line reason into
 * message (when message is not NULL). */
NTSTATUS ntmm_config_validate(const struct ntmm_config *config, char *message,
                              size_t message_size);

/* Boots a machine: physical memory, the PFN database and page lists, the
 * system page tables with their self-map, the kernel image and its symbols,
 * then the pagefiles, created (or truncated) on the C: drive with their
 * initial sizes and deleted again by ntmm_machine_destroy. A pagefile name
 * the host cannot use as a regular file (a directory, a symlink, a file with
 * more host links) fails the boot with the I/O manager's status. */
NTSTATUS ntmm_machine_create(const struct ntmm_config *config,
                             struct ntmm_machine **machine);
void ntmm_machine_destroy(struct ntmm_machine *machine);

/* The configuration the machine was built from. */
const struct ntmm_config *ntmm_machine_config(const struct ntmm_machine *machine);

/* Idle time: runs the system worker routines that Windows runs from its idle
 * and low-priority threads until they have nothing left to do: a pass of
 * the working-set manager (aging, and trimming if memory is short), the
 * modified and mapped page writers (every modified page goes to its file or
 * a pagefile, then to the standby list), the zero page thread. Returns the
 * number of pages they processed. */
uint64_t ntmm_machine_idle(struct ntmm_machine *machine);

/* A bug check: the memory manager found a kernel structure corrupted (the
 * debugger's edit commands can write any of them) and stopped the machine,
 * as KeBugCheckEx stops Windows, with Windows' code and parameters
 * (PFN_LIST_CORRUPT 0x4E, MEMORY_MANAGEMENT 0x1A,
 * PAGE_FAULT_IN_NONPAGED_AREA 0x50). From then on every call that would
 * change the machine returns STATUS_SHUTDOWN_IN_PROGRESS (Win32:
 * ERROR_SHUTDOWN_IN_PROGRESS), the reads of the debugger still show the
 * state the bug check found, and ntmm_machine_destroy frees it. */
struct ntmm_bug_check {
    uint32_t code;          /* BugCheckCode; 0 while the machine runs */
    uint64_t parameters[4]; /* BugCheckParameter1-4 */
};
/* True if the machine has stopped; fills *bug_check (may be NULL). */
bool ntmm_machine_bug_check(const struct ntmm_machine *machine, struct ntmm_bug_check *bug_check);
/* As KeRegisterBugCheckCallback: routine runs once, when the machine stops,
 * before the call that found the corruption returns (the shell prints the
 * STOP screen from it). It may read the machine, not change it. NULL
 * removes it. */
typedef void ntmm_bug_check_callback(const struct ntmm_bug_check *bug_check, void *context);
void ntmm_register_bug_check_callback(struct ntmm_machine *machine,
                                      ntmm_bug_check_callback *routine, void *context);

/* ---- translation caches that follow ntmm's TLB ----
 * Something that caches ntmm's translations (an emulator's TLB) registers a
 * routine that is told of every invalidation the memory manager makes, in
 * every address space, loaded or not: one page of the space whose
 * directory table base (CR3) is given (NTMM_TLB_PAGE; a global kernel page
 * in every space when the base is NTMM_TLB_EVERY_SPACE), every non-global
 * translation of a space (NTMM_TLB_ADDRESS_SPACE), or every translation
 * (NTMM_TLB_ALL; base and address 0). It may read the machine, not change
 * it. NULL removes it. */
enum ntmm_tlb_event { NTMM_TLB_PAGE, NTMM_TLB_ADDRESS_SPACE, NTMM_TLB_ALL };
#define NTMM_TLB_EVERY_SPACE UINT64_MAX
typedef void ntmm_tlb_callback(enum ntmm_tlb_event event, uint64_t directory_table_base,
                               uint64_t address, void *context);
void ntmm_register_tlb_callback(struct ntmm_machine *machine, ntmm_tlb_callback *routine,
                                void *context);

/* ---- fault injection (tests) ----
 * SQLite-style fault simulation: make the nth next allocation of one kind
 * fail, run a scenario, and check that every call returned a status Windows
 * returns when memory runs out (STATUS_NO_MEMORY, STATUS_INSUFFICIENT_RESOURCES,
 * STATUS_COMMITMENT_LIMIT; their Win32 errors 8, 1450, 1455), or, for pagefile
 * I/O, when the disk fails (STATUS_IN_PAGE_ERROR, ERROR_SWAPERROR 999), and
 * that the machine still passes ntmm_verify. Faults are one-shot: one is pending per
 * kind, and it is gone once it fired. */
enum ntmm_fault_kind {
    NTMM_FAULT_FRAME = 1,           /* a frame taken off the zeroed or free list after boot */
    NTMM_FAULT_HOST_ALLOCATION = 2, /* host memory for a VAD, a process or a lock array */
    NTMM_FAULT_PAGEFILE_READ = 3,   /* one read from a pagefile (a hard fault's in-page I/O) */
    NTMM_FAULT_PAGEFILE_WRITE = 4,  /* one write to a pagefile (a modified page writer's I/O) */
};

/* The nth next allocation (or pagefile I/O) of kind fails (nth 1: the very
 * next); nth 0 cancels the pending fault of that kind. A failed frame
 * allocation behaves as if RAM were exhausted, a failed host allocation as
 * if malloc failed, a failed pagefile read or write as a disk error
 * (STATUS_IN_PAGE_ERROR) that transfers nothing. */
void ntmm_inject_fault(struct ntmm_machine *machine, enum ntmm_fault_kind kind, uint64_t nth);
/* Allocations (pagefile I/Os) of kind since the machine booted, failed ones included: run a
 * scenario once to learn how far N must go. 0 for an unknown kind. */
uint64_t ntmm_fault_count(const struct ntmm_machine *machine, enum ntmm_fault_kind kind);

/* Physical memory, byte-addressed (the debugger's !db / !dd view). */
NTSTATUS ntmm_read_physical(struct ntmm_machine *machine, uint64_t address,
                            void *buffer, size_t size);
NTSTATUS ntmm_write_physical(struct ntmm_machine *machine, uint64_t address,
                             const void *buffer, size_t size);

/* System address space, as kernel-mode code sees it through the MMU (the
 * debugger's db / dd view of kernel addresses). Faults give
 * STATUS_ACCESS_VIOLATION. */
NTSTATUS ntmm_read_virtual(struct ntmm_machine *machine, uint64_t address,
                           void *buffer, size_t size);
NTSTATUS ntmm_write_virtual(struct ntmm_machine *machine, uint64_t address,
                            const void *buffer, size_t size);

/* ---- processes ---- */

struct ntmm_process;

struct ntmm_process_options {
    const char *image_name;   /* ImageFileName, up to 15 characters shown */
    bool is_64bit;            /* a 64-bit process (x64 machines only); else 32-bit (WOW64 on x64) */
    bool large_address_aware; /* IMAGE_FILE_LARGE_ADDRESS_AWARE in the image header */
    const char *image_path;   /* an EXE on the C: drive ("C:\\app.exe"), or NULL: its headers
                                 decide is_64bit and large_address_aware, its name the
                                 image name; it is mapped with the DLLs it imports */
};

/* NULL options: a 32-bit process on x86 and PAE machines, a 64-bit
 * LARGE_ADDRESS_AWARE one on x64 (a 64-bit process without the flag gets
 * 2 GB, as on Windows), named "process.exe". STATUS_NOT_SUPPORTED for a 64-bit process on a
 * 32-bit machine; STATUS_INSUFFICIENT_RESOURCES when no frame is left for
 * its page directory or its shared user data page tables, STATUS_NO_MEMORY
 * when the host has no memory for it; with an image_path, the loader's
 * errors (STATUS_OBJECT_NAME_NOT_FOUND, STATUS_INVALID_IMAGE_FORMAT, a DLL
 * image: STATUS_INVALID_IMAGE_FORMAT ...); a failed creation leaves nothing. */
NTSTATUS ntmm_process_create(struct ntmm_machine *machine,
                             const struct ntmm_process_options *options,
                             struct ntmm_process **process);
/* Releases every page, page table, VAD and byte of commit the process holds,
 * closes every handle in its handle table and drops the process's own
 * reference; the process pointer is invalid afterwards. Handles to it that
 * other processes hold keep the process object (not its memory) until they
 * are closed: services given one fail with STATUS_PROCESS_IS_TERMINATING. */
void ntmm_process_terminate(struct ntmm_process *process);

/* The process on whose behalf the Win32 and Nt calls of this host thread run
 * (GetCurrentProcess()); NULL detaches. */
void ntmm_set_current_process(struct ntmm_process *process);
struct ntmm_process *ntmm_current_process(void);

/* A handle to the process for the *Ex functions and the Nt services, valid in
 * any process of the same machine until the process terminates, with
 * PROCESS_ALL_ACCESS. It is the library's own handle, not an entry of a
 * handle table: it needs no CloseHandle (which accepts it and does nothing)
 * and calling this again costs nothing. For a table handle with chosen
 * access use OpenProcess (win32.h) or NtOpenProcess (nt.h). */
HANDLE ntmm_process_handle(struct ntmm_process *process);

/* Memory access by the process in user mode through the MMU, resolving page
 * faults as Windows does. An access Windows would turn into an exception
 * returns its code (STATUS_ACCESS_VIOLATION, STATUS_GUARD_PAGE_VIOLATION);
 * ntmm_last_exception tells the address and the kind of access. A demand-zero
 * fault that finds no free frame fails with STATUS_INSUFFICIENT_RESOURCES
 * (recorded like an exception; the page stays as it was). Accesses may
 * cross pages; on an exception the bytes before the faulting page have been
 * transferred. */
NTSTATUS ntmm_read(struct ntmm_process *process, uint64_t address, void *buffer, size_t size);
NTSTATUS ntmm_write(struct ntmm_process *process, uint64_t address, const void *buffer,
                    size_t size);
/* An instruction fetch of the byte at address. */
NTSTATUS ntmm_execute(struct ntmm_process *process, uint64_t address);

/* EXCEPTION_RECORD's essentials for the last exception a process raised. */
struct ntmm_exception {
    NTSTATUS code;        /* ExceptionCode */
    uint64_t address;     /* the inaccessible address (ExceptionInformation[1]) */
    unsigned access;      /* ExceptionInformation[0]: 0 read, 1 write, 8 execute */
};
bool ntmm_last_exception(const struct ntmm_process *process, struct ntmm_exception *exception);

/* A short English description of a status ntmm returns. */
const char *ntmm_status_name(NTSTATUS status);

#endif
