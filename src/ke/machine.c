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
 *     the modelled Windows); at most 16 pagefiles, each as ntmm.h's
 *     ntmm_pagefile_config says, and on x86 and PAE RAM and the pagefiles'
 *     maximum sizes together within the 32-bit commit counters (16 TB).
 * (3) Faults injected with ntmm_inject_fault count allocations from boot on:
 *     the boot's own frames and the machine structure are never counted.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ke/machine.h"
#include "io/io.h"
#include "mm/pagefile.h"

void ntmm_config_init(struct ntmm_config *config)
{
    config->arch = NTMM_ARCH_X86_PAE;
    config->ram_bytes = 512ull << 20;
    config->seed = 1;
    config->user_space_128tb = false;
    config->increase_user_va = 0;
    config->root_directory = NULL;
    ntmm_config_default_pagefile(config);
}

void ntmm_config_default_pagefile(struct ntmm_config *config)
{
    uint64_t largest = mi_maximum_paging_file_pages(config->arch) << PAGE_SHIFT;
    uint64_t initial = config->ram_bytes / 2 * 3 / NTMM_PAGE_SIZE * NTMM_PAGE_SIZE;
    uint64_t maximum = 2 * initial;
    config->pagefile_count = 1;
    config->pagefiles[0].initial_bytes = initial < largest ? initial : largest;
    config->pagefiles[0].maximum_bytes = maximum < largest ? maximum : largest;
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

/* Rule (2) for the pagefiles: NtCreatePagingFile's checks, with a reason. */
static NTSTATUS validate_pagefiles(const struct ntmm_config *config, const struct pte_format *fmt,
                                   char *message, size_t size)
{
    if (config->pagefile_count > NTMM_MAXIMUM_PAGING_FILES)
        return reject(message, size, STATUS_INVALID_PARAMETER,
                      "%u pagefiles: Windows allows at most %u", config->pagefile_count,
                      NTMM_MAXIMUM_PAGING_FILES);
    uint64_t largest = mi_maximum_paging_file_pages(config->arch);
    uint64_t pages = config->ram_bytes >> PAGE_SHIFT;
    for (unsigned n = 0; n < config->pagefile_count; n++) {
        const struct ntmm_pagefile_config *p = &config->pagefiles[n];
        char path[MM_PAGE_FILE_PATH_MAX];
        mi_paging_file_path(n, path);
        if (p->initial_bytes % NTMM_PAGE_SIZE || p->maximum_bytes % NTMM_PAGE_SIZE)
            return reject(message, size, STATUS_INVALID_PARAMETER,
                          "%s: %llu bytes is not a whole number of 4 KB pages", path,
                          (unsigned long long)(p->initial_bytes % NTMM_PAGE_SIZE
                                                   ? p->initial_bytes : p->maximum_bytes));
        if (p->initial_bytes < (uint64_t)MM_MINIMUM_PAGING_FILE << PAGE_SHIFT)
            return reject(message, size, STATUS_INVALID_PARAMETER,
                          "%s: an initial size of %llu KB is below Windows' smallest "
                          "pagefile, 1 MB", path, (unsigned long long)(p->initial_bytes >> 10));
        if (p->maximum_bytes < p->initial_bytes)
            return reject(message, size, STATUS_INVALID_PARAMETER,
                          "%s: its maximum size (%llu KB) is below its initial size (%llu KB)",
                          path, (unsigned long long)(p->maximum_bytes >> 10),
                          (unsigned long long)(p->initial_bytes >> 10));
        if (p->maximum_bytes >> PAGE_SHIFT > largest)
            return reject(message, size, STATUS_INVALID_PARAMETER,
                          "%s: %llu MB is more than a %s pagefile PTE reaches (%llu MB)", path,
                          (unsigned long long)(p->maximum_bytes >> 20), fmt->name,
                          (unsigned long long)(largest >> 8));
        pages += (p->maximum_bytes >> PAGE_SHIFT) - 1;
    }
    if (fmt->arch != NTMM_ARCH_X64 && pages > UINT32_MAX)
        return reject(message, size, STATUS_INVALID_PARAMETER,
                      "RAM and the pagefiles' maximum sizes pass what %s's 32-bit commit "
                      "counters hold (16 TB)", fmt->name);
    return STATUS_SUCCESS;
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
    NTSTATUS st = validate_pagefiles(config, fmt, message, message_size);
    if (!NT_SUCCESS(st))
        return st;
    if (message && message_size)
        snprintf(message, message_size, "ok");
    return STATUS_SUCCESS;
}

/* Windows: SMSS's SmpCreatePagingFiles, one NtCreatePagingFile a pagefile,
 * in the configuration's order (file numbers 0, 1 …). */
static NTSTATUS boot_paging_files(struct ntmm_machine *m)
{
    for (unsigned n = 0; n < m->config.pagefile_count; n++) {
        const struct ntmm_pagefile_config *p = &m->config.pagefiles[n];
        char path[MM_PAGE_FILE_PATH_MAX];
        struct io_file *file;
        mi_paging_file_path(n, path);
        NTSTATUS st = io_create_paging_file(m, path, p->initial_bytes, &file);
        if (NT_SUCCESS(st))
            st = mm_create_paging_file(&m->mm, file, p->initial_bytes >> PAGE_SHIFT,
                                       p->maximum_bytes >> PAGE_SHIFT);
        if (!NT_SUCCESS(st))
            return st;
    }
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
    if (NT_SUCCESS(st))
        st = boot_paging_files(m);
    if (!NT_SUCCESS(st)) {
        ntmm_machine_destroy(m);
        return st;
    }
    /* rule (3): the pagefiles' File objects were the boot's allocations */
    memset(&m->mm.faults, 0, sizeof m->mm.faults);
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
    mm_delete_paging_files(&machine->mm);
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
    return mm_idle(&machine->mm);
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
