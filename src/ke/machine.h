/*
 * machine.h — one simulated computer: its configuration, processor (with RAM
 * and TLB), memory manager, process list and object namespace
 * (\BaseNamedObjects, ob/ob.h). Upper layers reach it through ntmm.h and
 * introspect.h; this header is for the library's own files.
 *
 * (1) cpu.cr3 is the System process's directory table base whenever no
 *     other address space is attached.
 * (2) names lists exactly the named objects with open handles (ob.h (3));
 *     it is empty once every process has terminated.
 * (3) Once the memory manager has bug checked (mm/bugcheck.c), every service
 *     that could change the machine returns STATUS_SHUTDOWN_IN_PROGRESS
 *     (ke_machine_running); the debugger's reads still work, and only a new
 *     machine runs again.
 */
#ifndef NTMM_MACHINE_H
#define NTMM_MACHINE_H

#include "arch/cpu.h"
#include "mm/mm.h"
#include "ob/ob.h"
#include "ntmm/ntmm.h"

struct ntmm_machine {
    struct ntmm_config config;       /* as given to ntmm_machine_create */
    struct cpu cpu;                  /* processor, RAM, TLB */
    struct mm mm;                    /* memory manager state, with the fault injector (mm.faults) */
    struct ntmm_process *processes;  /* PsActiveProcessHead, newest first */
    uint32_t next_cid;               /* the next UniqueProcessId */
    struct ob_namespace names;       /* \BaseNamedObjects */
    int root_fd;                     /* O_PATH descriptor of the C: drive's root (io/io.h) */
    char *root_temp;                 /* the root when ntmm made it (removed at destroy), or NULL */
    struct io_file *files;           /* every open File object, for share checks */
    ntmm_bug_check_callback *bug_check_routine; /* ntmm_register_bug_check_callback */
    void *bug_check_context;
    ntmm_tlb_callback *tlb_routine;  /* ntmm_register_tlb_callback */
    void *tlb_context;
};

/* Every service a stopped machine is asked for (bugcheck.c (2)): the
 * status says the system is going down, as Windows' does during shutdown. */
static inline NTSTATUS ke_machine_running(const struct ntmm_machine *machine)
{
    return mm_stopped(&machine->mm) ? STATUS_SHUTDOWN_IN_PROGRESS : STATUS_SUCCESS;
}

#endif
