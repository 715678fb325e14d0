/*
 * machine.h — one simulated computer: its configuration, processor (with RAM
 * and TLB) and memory manager. Upper layers reach it through ntmm.h and
 * introspect.h; this header is for the library's own files.
 *
 * (1) cpu.cr3 is the System process's directory table base whenever no
 *     other address space is attached.
 */
#ifndef NTMM_MACHINE_H
#define NTMM_MACHINE_H

#include "arch/cpu.h"
#include "mm/mm.h"
#include "ntmm/ntmm.h"

struct ntmm_machine {
    struct ntmm_config config;       /* as given to ntmm_machine_create */
    struct cpu cpu;                  /* processor, RAM, TLB */
    struct mm mm;                    /* memory manager state, with the fault injector (mm.faults) */
    struct ntmm_process *processes;  /* PsActiveProcessHead, newest first */
    uint32_t next_cid;               /* the next UniqueProcessId */
};

#endif
