/*
 * process.h — the process object (Windows: EPROCESS, with the KPROCESS and
 * TEB fields ntmm needs) for the library's own files.
 *
 * (1) A process is on its machine's process list from ntmm_process_create
 *     until ntmm_process_terminate, and its address space on mm->spaces.
 * (2) highest_user_address follows the address-space profile: 2 GB for a
 *     32-bit process (4 GB for a LARGE_ADDRESS_AWARE one under WOW64), 8 TB
 *     or 128 TB for a 64-bit one.
 */
#ifndef NTMM_PROCESS_H
#define NTMM_PROCESS_H

#include "ke/machine.h"
#include "mm/mm.h"
#include "ntmm/ntmm.h"

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
};

/* The process a handle names, or NULL (STATUS_INVALID_HANDLE). */
struct ntmm_process *ps_process_from_handle(HANDLE handle);

/* The lowest usable user address (the first 64 KB are never mapped). */
#define MM_LOWEST_USER_ADDRESS 0x10000ull

#endif
