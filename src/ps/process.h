/*
 * process.h — the process object (Windows: EPROCESS, with the KPROCESS and
 * TEB fields ntmm needs) for the library's own files.
 *
 * (1) A process is on its machine's process list from ntmm_process_create
 *     until ntmm_process_terminate, and its address space on mm->spaces.
 * (2) highest_user_address follows the address-space profile: 2 GB for a
 *     32-bit process (4 GB for a LARGE_ADDRESS_AWARE one under WOW64), 8 TB
 *     or 128 TB for a 64-bit one.
 * (3) A process is an object of type ps_process_type (ob/ob.h). Its creation
 *     reference stands for "running" and is dropped by ntmm_process_terminate,
 *     which first frees its memory and closes its handle table. Handles to it
 *     in other processes keep the body (terminated set, nothing else usable)
 *     until the last is closed; services given such a handle fail with
 *     STATUS_PROCESS_IS_TERMINATING.
 * (4) Process handles resolve in this order: NtCurrentProcess() (-1) names
 *     the caller; a value equal to a live process's address on the caller's
 *     machine is the library's handle (ntmm_process_handle, full access, never
 *     in a table, never closed); anything else is looked up in the caller's
 *     handle table with the access the service needs.
 */
#ifndef NTMM_PROCESS_H
#define NTMM_PROCESS_H

#include "ke/machine.h"
#include "mm/mm.h"
#include "ob/ob.h"
#include "ntmm/ntmm.h"

/* A module of the process (Windows: the LDR_DATA_TABLE_ENTRY on the PEB's
 * InLoadOrderModuleList): the loader (ldr/loader.c) keeps the list. */
struct ntmm_module {
    uint64_t base;               /* DllBase: the image view's address, the HMODULE */
    uint64_t size;               /* SizeOfImage */
    char *path;                  /* FullDllName: "C:\dir\name.dll" as opened */
    const char *name;            /* BaseDllName: the last component of path */
    unsigned load_count;         /* LoadCount */
    bool exe;                    /* the process's own image */
    bool pinned;                 /* the EXE or one of its static imports: LoadCount -1, never unloaded */
    uint64_t dev, ino;           /* the host file it was mapped from: one module per file */
    uint64_t (*imports)[2];      /* the files of the modules its imports loaded (dev, ino) */
    unsigned import_count;
    struct ntmm_module *next;    /* load order, the EXE first */
};

struct ntmm_process {
    struct ntmm_machine *machine;
    uint32_t cid;                /* UniqueProcessId */
    char image_name[16];         /* ImageFileName (15 characters and a NUL) */
    bool is_64bit;               /* a 64-bit process (else 32-bit; WOW64 on x64) */
    bool large_address_aware;    /* the image's IMAGE_FILE_LARGE_ADDRESS_AWARE */
    struct mm_address_space as;  /* Vm, VadRoot, Pcb.DirectoryTableBase */
    uint32_t last_error;         /* the main thread's TEB LastErrorValue */
    bool has_exception;          /* exception holds the last one raised */
    struct ntmm_exception exception;
    struct ntmm_process *next;   /* ActiveProcessLinks */
    struct ob_handle_table handles; /* ObjectTable */
    bool terminated;             /* (3): exited; only the body is left */
    struct ntmm_module *modules; /* loaded images, in load order (ldr/loader.c) */
};

/* The "Process" object type (PsProcessType). */
extern const struct ob_type ps_process_type;

/* Windows: ObReferenceObjectByHandle(PsProcessType) for the current process's
 * services, (4); the process is borrowed for the service's duration (no
 * service terminates a process or closes the handle it was given, so no
 * reference is taken). STATUS_INVALID_HANDLE (also with no current process),
 * STATUS_OBJECT_TYPE_MISMATCH, STATUS_ACCESS_DENIED, and
 * STATUS_PROCESS_IS_TERMINATING for a terminated process. */
NTSTATUS ps_process_from_handle(HANDLE handle, ACCESS_MASK desired_access,
                                struct ntmm_process **process);
/* The same for a handle of owner's table, terminated processes accepted
 * (what a query of the exit state or the id needs). */
NTSTATUS ps_process_object_from_handle(struct ntmm_process *owner, HANDLE handle,
                                       ACCESS_MASK desired_access,
                                       struct ntmm_process **process);
/* (4): the process a pseudo-handle or library handle names for owner, or
 * NULL when handle is neither (a table handle, or nothing). */
struct ntmm_process *ps_special_handle(struct ntmm_process *owner, HANDLE handle);
/* (2): the last user address of a process of this bitness and flag. */
uint64_t ps_highest_user_address(const struct ntmm_machine *m, const struct ntmm_process *p);
/* The live process with this UniqueProcessId on machine, or NULL. */
struct ntmm_process *ps_lookup_process_by_id(struct ntmm_machine *machine, uint32_t cid);

/* The lowest usable user address (the first 64 KB are never mapped). */
#define MM_LOWEST_USER_ADDRESS 0x10000ull

#endif
