/*
 * process.c — creating and terminating processes (Windows: PspCreateProcess,
 * PspExitProcess) and the current process of a host thread (the process a
 * thread is attached to, whose pseudo-handle GetCurrentProcess returns).
 *
 * Address-space profiles (E12): a 32-bit process on x86 and PAE sees
 * 0x10000-0x7FFEFFFF (2 GB), or up to 64 KB below MmSystemRangeStart
 * (0xBFFEFFFF with increaseuserva 3072) when LARGE_ADDRESS_AWARE; under WOW64 on x64 the same, or
 * 0x10000-0xFFFEFFFF (4 GB) when LARGE_ADDRESS_AWARE; a 64-bit process
 * 0x10000-0x7FFFFFEFFFF (8 TB, Windows before 8.1) or 0x7FFFFFFEFFFF (128 TB,
 * Windows 8.1 and later, a machine option).
 *
 * (1) Terminating a process returns every frame and every page of commit it
 *     held: the verifier sees the machine as if it had never existed.
 * (2) So does a failed creation: the process structure (host memory, through
 *     the fault injector: STATUS_NO_MEMORY), the address space's top-level
 *     tables and the shared user data mapping (frames:
 *     STATUS_INSUFFICIENT_RESOURCES) are each undone when a later one fails.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ps/process.h"

static _Thread_local struct ntmm_process *current;

static uint64_t highest_user_address(const struct ntmm_machine *m, const struct ntmm_process *p)
{
    if (p->is_64bit)
        return m->config.user_space_128tb ? 0x7ffffffeffffull : 0x7fffffeffffull;
    if (m->config.arch == NTMM_ARCH_X64 && p->large_address_aware)
        return 0xfffeffffull;
    if (m->config.increase_user_va > 2048 && p->large_address_aware)
        return m->mm.system_range_start - NTMM_ALLOCATION_GRANULARITY - 1;
    return 0x7ffeffffull;
}

NTSTATUS ntmm_process_create(struct ntmm_machine *machine,
                             const struct ntmm_process_options *options,
                             struct ntmm_process **process)
{
    if (!machine || !process)
        return STATUS_INVALID_PARAMETER;
    *process = NULL;
    bool x64 = machine->config.arch == NTMM_ARCH_X64;
    struct ntmm_process_options defaults = { "process.exe", x64, false };
    if (!options)
        options = &defaults;
    if (options->is_64bit && !x64)
        return STATUS_NOT_SUPPORTED;
    struct ntmm_process *p = mm_host_alloc(&machine->mm, sizeof *p);
    if (!p)
        return STATUS_NO_MEMORY;
    p->machine = machine;
    p->is_64bit = options->is_64bit;
    p->large_address_aware = options->large_address_aware;
    snprintf(p->image_name, sizeof p->image_name, "%s",
             options->image_name ? options->image_name : defaults.image_name);
    p->as.highest_user_address = highest_user_address(machine, p);
    NTSTATUS st = mm_create_address_space(&machine->mm, &p->as);
    if (!NT_SUCCESS(st)) {
        free(p);
        return st;
    }
    st = mm_map_shared_user_data(&machine->mm, &p->as);
    if (!NT_SUCCESS(st)) {
        mm_delete_virtual_memory(&machine->mm, &p->as);
        mm_delete_address_space(&machine->mm, &p->as);
        free(p);
        return st;
    }
    p->cid = machine->next_cid += 4;
    p->next = machine->processes;
    machine->processes = p;
    *process = p;
    return STATUS_SUCCESS;
}

void ntmm_process_terminate(struct ntmm_process *process)
{
    if (!process)
        return;
    struct ntmm_machine *m = process->machine;
    mm_delete_virtual_memory(&m->mm, &process->as);
    mm_delete_address_space(&m->mm, &process->as);
    struct ntmm_process **link = &m->processes;
    while (*link != process)
        link = &(*link)->next;
    *link = process->next;
    if (current == process)
        current = NULL;
    free(process);
}

void ntmm_set_current_process(struct ntmm_process *process)
{
    current = process;
}

struct ntmm_process *ntmm_current_process(void)
{
    return current;
}

HANDLE ntmm_process_handle(struct ntmm_process *process)
{
    return (HANDLE)process;
}

/* Windows: ObReferenceObjectByHandle for a process: the pseudo-handle names
 * the current process; another handle must name a live process of the
 * current process's machine. */
struct ntmm_process *ps_process_from_handle(HANDLE handle)
{
    if (!current)
        return NULL;
    if (handle == NtCurrentProcess())
        return current;
    for (struct ntmm_process *p = current->machine->processes; p; p = p->next)
        if ((HANDLE)p == handle)
            return p;
    return NULL;
}

bool ntmm_last_exception(const struct ntmm_process *process, struct ntmm_exception *exception)
{
    if (!process || !process->has_exception || !exception)
        return false;
    *exception = process->exception;
    return true;
}
