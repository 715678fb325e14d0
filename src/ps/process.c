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
 * Windows 8.1 and later, a machine option), or 2 GB when its image is not
 * LARGE_ADDRESS_AWARE (/LARGEADDRESSAWARE:NO; 64-bit linkers set the flag by
 * default, and so do the default options).
 *
 * (1) Terminating a process returns every frame and every page of commit it
 *     held: the verifier sees the machine as if it had never existed.
 * (2) So does a failed creation: the process structure (host memory, through
 *     the fault injector: STATUS_NO_MEMORY), the address space's top-level
 *     tables and the shared user data mapping (frames:
 *     STATUS_INSUFFICIENT_RESOURCES) are each undone when a later one fails.
 * (3) A process is a Process object (process.h (3), (4)): created with
 *     ob_create_object, its body freed by the object manager when the last
 *     reference goes; handles to it are resolved here for the Nt services.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ldr/loader.h"
#include "ps/process.h"

static _Thread_local struct ntmm_process *current;

uint64_t ps_highest_user_address(const struct ntmm_machine *m, const struct ntmm_process *p)
{
    if (p->is_64bit && p->large_address_aware)
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
    NTSTATUS running = ke_machine_running(machine);
    if (!NT_SUCCESS(running))
        return running;
    bool x64 = machine->config.arch == NTMM_ARCH_X64;
    struct ntmm_process_options defaults = { "process.exe", x64, x64, NULL };
    if (!options)
        options = &defaults;
    if (options->is_64bit && !x64)
        return STATUS_NOT_SUPPORTED;
    struct ntmm_process *p;
    if (!NT_SUCCESS(ob_create_object(machine, &ps_process_type, sizeof *p, (void **)&p)))
        return STATUS_NO_MEMORY;
    p->machine = machine;
    p->is_64bit = options->is_64bit;
    p->large_address_aware = options->large_address_aware;
    snprintf(p->image_name, sizeof p->image_name, "%s",
             options->image_name ? options->image_name : defaults.image_name);
    p->as.highest_user_address = ps_highest_user_address(machine, p);
    NTSTATUS st = mm_create_address_space(&machine->mm, &p->as);
    if (!NT_SUCCESS(st)) {
        ob_dereference_object(p);
        return st;
    }
    st = mm_map_shared_user_data(&machine->mm, &p->as);
    if (!NT_SUCCESS(st)) {
        mm_delete_virtual_memory(&machine->mm, &p->as);
        mm_delete_address_space(&machine->mm, &p->as);
        ob_dereference_object(p);
        return st;
    }
    p->cid = machine->next_cid += 4;
    p->next = machine->processes;
    machine->processes = p;
    if (options->image_path) {
        st = ldr_start_process(p, options->image_path);
        if (!NT_SUCCESS(st)) {
            ntmm_process_terminate(p);
            return st;
        }
    }
    *process = p;
    return STATUS_SUCCESS;
}

void ntmm_process_terminate(struct ntmm_process *process)
{
    if (!process)
        return;
    struct ntmm_machine *m = process->machine;
    mm_delete_virtual_memory(&m->mm, &process->as);
    ldr_free_modules(process);
    mm_delete_address_space(&m->mm, &process->as);
    struct ntmm_process **link = &m->processes;
    while (*link != process)
        link = &(*link)->next;
    *link = process->next;
    if (current == process)
        current = NULL;
    process->terminated = true;
    ob_close_handle_table(&process->handles);
    ob_dereference_object(process); /* (3): the creation reference */
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

/* The body outlives the process only while handles hold it (process.h
 * (3)); by then its memory and handle table are gone, so deleting it needs
 * no procedure of its own. */
const struct ob_type ps_process_type = {
    .name = "Process",
    .valid_access = PROCESS_ALL_ACCESS,
    .delete_procedure = NULL,
};

struct ntmm_process *ps_lookup_process_by_id(struct ntmm_machine *machine, uint32_t cid)
{
    for (struct ntmm_process *p = machine->processes; p; p = p->next)
        if (p->cid == cid)
            return p;
    return NULL;
}

struct ntmm_process *ps_special_handle(struct ntmm_process *owner, HANDLE handle)
{
    if (handle == NtCurrentProcess())
        return owner;
    for (struct ntmm_process *p = owner->machine->processes; p; p = p->next)
        if ((HANDLE)p == handle)
            return p;
    return NULL;
}

NTSTATUS ps_process_object_from_handle(struct ntmm_process *owner, HANDLE handle,
                                       ACCESS_MASK desired_access,
                                       struct ntmm_process **process)
{
    *process = NULL;
    if (!owner)
        return STATUS_INVALID_HANDLE;
    NTSTATUS st = ke_machine_running(owner->machine);
    if (!NT_SUCCESS(st))
        return st;
    struct ntmm_process *p = ps_special_handle(owner, handle);
    if (p) {
        *process = p;
        return STATUS_SUCCESS;
    }
    void *body;
    st = ob_reference_object_by_handle(owner, handle, desired_access,
                                                &ps_process_type, &body, NULL);
    if (!NT_SUCCESS(st))
        return st;
    /* Borrowed (process.h): the handle keeps the body alive. */
    ob_dereference_object(body);
    *process = body;
    return STATUS_SUCCESS;
}

/* Windows: ObReferenceObjectByHandle for a process, then the check every
 * memory service makes that the process has not exited. */
NTSTATUS ps_process_from_handle(HANDLE handle, ACCESS_MASK desired_access,
                                struct ntmm_process **process)
{
    struct ntmm_process *p;
    *process = NULL;
    NTSTATUS st = ps_process_object_from_handle(current, handle, desired_access, &p);
    if (!NT_SUCCESS(st))
        return st;
    if (p->terminated)
        return STATUS_PROCESS_IS_TERMINATING;
    *process = p;
    return STATUS_SUCCESS;
}

bool ntmm_last_exception(const struct ntmm_process *process, struct ntmm_exception *exception)
{
    if (!process || !process->has_exception || !exception)
        return false;
    *exception = process->exception;
    return true;
}
