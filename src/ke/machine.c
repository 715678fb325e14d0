/*
 * machine.c — the machine's life cycle (configuration, boot, teardown), its
 * explicit moments (idle time), kernel-mode memory access and the fault
 * injector's controls (the injector itself is the memory manager's, mm/inject.c).
 * Teardown terminates every process, which closes every handle and so
 * empties the object namespace before it is freed.
 *
 * (1) ntmm_machine_create either returns a booted machine that passes the
 *     verifier or frees everything and returns the reason.
 * (2) Configuration limits: RAM a multiple of 4 KB, at least 16 MB, at most
 *     what the paging mode addresses (4 GB x86, 64 GB PAE, the x64 limit of
 *     the modelled Windows).
 * (3) Faults injected with ntmm_inject_fault count allocations from boot on:
 *     the boot's own frames and the machine structure are never counted.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ke/machine.h"
#include "io/io.h"

void ntmm_config_init(struct ntmm_config *config)
{
    config->arch = NTMM_ARCH_X86_PAE;
    config->ram_bytes = 512ull << 20;
    config->seed = 1;
    config->pagefile_bytes = config->ram_bytes / 2 * 3;
    config->user_space_128tb = false;
    config->increase_user_va = 0;
    config->root_directory = NULL;
}

static NTSTATUS reject(char *message, size_t size, NTSTATUS status, const char *format, ...)
{
    if (message && size) {
        va_list ap;
        va_start(ap, format);
        vsnprintf(message, size, format, ap);
        va_end(ap);
    }
    return status;
}

NTSTATUS ntmm_config_validate(const struct ntmm_config *config, char *message,
                              size_t message_size)
{
    if (!config)
        return reject(message, message_size, STATUS_INVALID_PARAMETER, "no configuration given");
    const struct pte_format *fmt = pte_format_for(config->arch);
    if (!fmt)
        return reject(message, message_size, STATUS_INVALID_PARAMETER,
                      "unknown architecture %d: use x86, PAE or x64", (int)config->arch);
    if (config->ram_bytes % NTMM_PAGE_SIZE)
        return reject(message, message_size, STATUS_INVALID_PARAMETER,
                      "RAM of %llu bytes is not a whole number of 4 KB pages",
                      (unsigned long long)config->ram_bytes);
    if (config->ram_bytes < MM_MINIMUM_RAM)
        return reject(message, message_size, STATUS_INSUFFICIENT_RESOURCES,
                      "RAM of %llu KB is too small to boot: ntmm needs at least %llu MB",
                      (unsigned long long)(config->ram_bytes >> 10),
                      (unsigned long long)(MM_MINIMUM_RAM >> 20));
    if (config->pagefile_bytes % NTMM_PAGE_SIZE)
        return reject(message, message_size, STATUS_INVALID_PARAMETER,
                      "a pagefile of %llu bytes is not a whole number of 4 KB pages",
                      (unsigned long long)config->pagefile_bytes);
    if (config->increase_user_va && (config->arch == NTMM_ARCH_X64 ||
                                     config->increase_user_va < 2048 ||
                                     config->increase_user_va > 3072))
        return reject(message, message_size, STATUS_INVALID_PARAMETER,
                      "increaseuserva %u: a 32-bit boot option between 2048 and 3072 (MB)",
                      config->increase_user_va);
    if (config->increase_user_va > 2048 && config->ram_bytes > (16ull << 30))
        return reject(message, message_size, STATUS_NOT_SUPPORTED,
                      "increaseuserva limits RAM to 16 GB, as on Windows");
    if (config->ram_bytes > fmt->max_physical)
        return reject(message, message_size, STATUS_NOT_SUPPORTED,
                      "RAM of %llu MB is more than %s paging addresses in the modelled Windows "
                      "(%llu MB)",
                      (unsigned long long)(config->ram_bytes >> 20), fmt->name,
                      (unsigned long long)(fmt->max_physical >> 20));
    if (message && message_size)
        snprintf(message, message_size, "ok");
    return STATUS_SUCCESS;
}

NTSTATUS ntmm_machine_create(const struct ntmm_config *config, struct ntmm_machine **machine)
{
    if (!machine)
        return STATUS_INVALID_PARAMETER;
    *machine = NULL;
    NTSTATUS st = ntmm_config_validate(config, NULL, 0);
    if (!NT_SUCCESS(st))
        return st;
    struct ntmm_machine *m = calloc(1, sizeof *m);
    if (!m)
        return STATUS_NO_MEMORY;
    m->config = *config;
    m->next_cid = 4; /* the System process's id; user processes follow */
    m->root_fd = -1;
    m->cpu.fmt = pte_format_for(config->arch);
    tlb_init(&m->cpu.tlb);
    st = phys_create(&m->cpu.phys, config->ram_bytes);
    if (NT_SUCCESS(st))
        st = mm_init(&m->mm, &m->cpu, config);
    if (NT_SUCCESS(st))
        st = io_root_open(m);
    if (!NT_SUCCESS(st)) {
        ntmm_machine_destroy(m);
        return st;
    }
    *machine = m;
    return STATUS_SUCCESS;
}

void ntmm_machine_destroy(struct ntmm_machine *machine)
{
    if (!machine)
        return;
    while (machine->processes)
        ntmm_process_terminate(machine->processes);
    ob_namespace_destroy(&machine->names);
    io_root_close(machine);
    phys_destroy(&machine->cpu.phys);
    free(machine->mm.image_bases);
    free(machine);
}

const struct ntmm_config *ntmm_machine_config(const struct ntmm_machine *machine)
{
    return &machine->config;
}

void ntmm_inject_fault(struct ntmm_machine *machine, enum ntmm_fault_kind kind, uint64_t nth)
{
    if (machine)
        mm_inject_fault(&machine->mm, kind, nth);
}

uint64_t ntmm_fault_count(const struct ntmm_machine *machine, enum ntmm_fault_kind kind)
{
    return machine ? mm_fault_count(&machine->mm, kind) : 0;
}

uint64_t ntmm_machine_idle(struct ntmm_machine *machine)
{
    return mm_zero_page_thread(&machine->mm, UINT64_MAX);
}

bool ntmm_machine_bug_check(const struct ntmm_machine *machine, struct ntmm_bug_check *bug_check)
{
    const struct mm_bug_check *b = machine->mm.bug_check;
    if (bug_check) {
        bug_check->code = b->code;
        memcpy(bug_check->parameters, b->parameters, sizeof bug_check->parameters);
    }
    return b->code != 0;
}

/* mm's notify routine: the registered callback, with the bug check. */
static void bug_check_notify(void *context)
{
    struct ntmm_machine *machine = context;
    struct ntmm_bug_check b;
    ntmm_machine_bug_check(machine, &b);
    machine->bug_check_routine(&b, machine->bug_check_context);
}

void ntmm_register_bug_check_callback(struct ntmm_machine *machine,
                                      ntmm_bug_check_callback *routine, void *context)
{
    machine->bug_check_routine = routine;
    machine->bug_check_context = context;
    machine->mm.bug_check->notify = routine ? bug_check_notify : NULL;
    machine->mm.bug_check->notify_context = machine;
}

static void tlb_follower(void *context, enum cpu_tlb_event event, uint64_t cr3, uint64_t va)
{
    const struct ntmm_machine *machine = context;
    static const enum ntmm_tlb_event events[] = { [CPU_TLB_PAGE] = NTMM_TLB_PAGE,
                                                  [CPU_TLB_SPACE] = NTMM_TLB_ADDRESS_SPACE,
                                                  [CPU_TLB_ALL] = NTMM_TLB_ALL };
    machine->tlb_routine(events[event], cr3, va, machine->tlb_context);
}

void ntmm_register_tlb_callback(struct ntmm_machine *machine, ntmm_tlb_callback *routine,
                                void *context)
{
    machine->tlb_routine = routine;
    machine->tlb_context = context;
    machine->cpu.follower = routine ? tlb_follower : NULL;
    machine->cpu.follower_context = machine;
}

NTSTATUS ntmm_read_physical(struct ntmm_machine *machine, uint64_t address, void *buffer,
                            size_t size)
{
    if (!buffer && size)
        return STATUS_INVALID_PARAMETER;
    return cpu_read_physical(&machine->cpu, address, buffer, size) ? STATUS_SUCCESS
                                                                   : STATUS_INVALID_PARAMETER;
}

NTSTATUS ntmm_write_physical(struct ntmm_machine *machine, uint64_t address, const void *buffer,
                             size_t size)
{
    if (!buffer && size)
        return STATUS_INVALID_PARAMETER;
    if (mm_stopped(&machine->mm))
        return STATUS_SHUTDOWN_IN_PROGRESS;
    return cpu_write_physical(&machine->cpu, address, buffer, size) ? STATUS_SUCCESS
                                                                    : STATUS_INVALID_PARAMETER;
}

NTSTATUS ntmm_read_virtual(struct ntmm_machine *machine, uint64_t address, void *buffer,
                           size_t size)
{
    struct cpu_fault fault;
    if (!buffer && size)
        return STATUS_INVALID_PARAMETER;
    uint8_t *host = size ? tlb_lookup_span(&machine->cpu.tlb, MODE_KERNEL, ACCESS_READ, address, size) : NULL;
    if (host) {
        memcpy(buffer, host, size);
        return STATUS_SUCCESS;
    }
    return cpu_read(&machine->cpu, address, buffer, size, MODE_KERNEL, &fault)
               ? STATUS_SUCCESS
               : STATUS_ACCESS_VIOLATION;
}

NTSTATUS ntmm_write_virtual(struct ntmm_machine *machine, uint64_t address, const void *buffer,
                            size_t size)
{
    struct cpu_fault fault;
    if (!buffer && size)
        return STATUS_INVALID_PARAMETER;
    if (mm_stopped(&machine->mm))
        return STATUS_SHUTDOWN_IN_PROGRESS;
    return cpu_write(&machine->cpu, address, buffer, size, MODE_KERNEL, &fault)
               ? STATUS_SUCCESS
               : STATUS_ACCESS_VIOLATION;
}
