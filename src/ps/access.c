/*
 * access.c — a process's own memory accesses (user mode, through the MMU),
 * with page faults dispatched to the memory manager and the exceptions
 * Windows would raise reported to the caller (Windows: KiTrap0E ->
 * MmAccessFault -> KiDispatchException).
 *
 * (1) A fault the memory manager resolves is retried (it resolves a fault
 *     only once the retried access can pass that page: fault.c (6)); any
 *     other ends the access with its exception code, recorded with the
 *     faulting address and the access kind as EXCEPTION_RECORD carries them.
 */
#include "ps/process.h"

static unsigned exception_access(enum cpu_access access)
{
    return access == ACCESS_WRITE ? 1 : access == ACCESS_EXECUTE ? 8 : 0;
}

/* Runs one access of up to size bytes at va, faulting pages in as needed. */
static NTSTATUS access(struct ntmm_process *process, uint64_t va, void *buffer, size_t size,
                       enum cpu_access kind)
{
    if (!process || (!buffer && size && kind != ACCESS_EXECUTE))
        return STATUS_INVALID_PARAMETER;
    NTSTATUS running = ke_machine_running(process->machine);
    if (!NT_SUCCESS(running))
        return running;
    struct mm *mm = &process->machine->mm;
    mm_attach(mm, &process->as);
    for (;;) {
        struct cpu_fault fault;
        bool done = kind == ACCESS_READ    ? cpu_read(mm->cpu, va, buffer, size, MODE_USER, &fault)
                    : kind == ACCESS_WRITE ? cpu_write(mm->cpu, va, buffer, size, MODE_USER, &fault)
                                           : cpu_fetch(mm->cpu, va, MODE_USER, &fault);
        if (done)
            return STATUS_SUCCESS;
        NTSTATUS st = fault.walk.status == WALK_NON_CANONICAL
                          ? STATUS_ACCESS_VIOLATION
                          : mm_access_fault(mm, &process->as, fault.va, kind);
        if (mm_stopped(mm)) /* the fault found a corrupted structure */
            return STATUS_SHUTDOWN_IN_PROGRESS;
        if (!NT_SUCCESS(st)) {
            process->has_exception = true;
            process->exception = (struct ntmm_exception){ st, fault.va, exception_access(kind) };
            return st;
        }
        /* bytes before the faulting page are done; continue from it */
        uint64_t done_bytes = fault.va - va;
        if (kind != ACCESS_EXECUTE) {
            buffer = (uint8_t *)buffer + done_bytes;
            size -= done_bytes;
        }
        va = fault.va;
    }
}

NTSTATUS ntmm_read(struct ntmm_process *process, uint64_t address, void *buffer, size_t size)
{
    return access(process, address, buffer, size, ACCESS_READ);
}

NTSTATUS ntmm_write(struct ntmm_process *process, uint64_t address, const void *buffer,
                    size_t size)
{
    return access(process, address, (void *)buffer, size, ACCESS_WRITE);
}

NTSTATUS ntmm_execute(struct ntmm_process *process, uint64_t address)
{
    return access(process, address, NULL, 0, ACCESS_EXECUTE);
}
