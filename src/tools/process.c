/*
 * process.c — WinDbg's !process and .process: the processes (ntmm_process_at,
 * ntmm_process_info) with PROCESS, Cid, DirBase and Image; the current one
 * in detail (VadRoot and its count, commit, working set, virtual size); and
 * .process, which sets the implicit process the user-space commands see.
 *
 * The PROCESS column: ntmm's EPROCESS objects are host structures with no
 * kernel address, so each process is shown at a pseudo address derived from
 * its Cid (tool_process_address), stable for the process's life, accepted by
 * .process like the Cid itself. The System process (Cid 4), which ntmm keeps
 * apart from the user processes, is shown first with the System DirBase.
 * ntmm has no object manager yet: ObjectTable and HandleCount print as 0.
 *
 * (1) Only .process with a valid argument changes anything: the context's
 *     process and ntmm_set_current_process.
 */
#include <stdio.h>
#include <string.h>

#include "tools/tool_internal.h"

uint64_t tool_process_address(const struct tool_context *context, uint32_t cid)
{
    return (tool_is_x64(context) ? 0xfffffa8002000000ull : 0x89000000ull) + 0x80ull * cid;
}

static void process_header(struct tool_output *out, const struct tool_context *context,
                           const struct ntmm_process_info *info)
{
    tool_printf(out, "PROCESS %s  SessionId: %s  Cid: %04x    Peb: 00000000  ParentCid: 0000\n",
                tool_address_text(context, tool_process_address(context, info->cid), false).text,
                info->cid == 4 ? "none" : "0", info->cid);
    /* the handle table is not in simulated memory yet: no address to show */
    tool_printf(out, "    DirBase: %08llx  ObjectTable: %s  HandleCount: %3llu.\n",
                (unsigned long long)info->directory_table_base,
                tool_address_text(context, 0, false).text, (unsigned long long)info->handle_count);
    tool_printf(out, "    Image: %s\n", info->image_name);
}

/* The fields of WinDbg's !process that ntmm has, in its order and words. */
static void process_detail(struct tool_output *out, const struct tool_context *context,
                           const struct ntmm_process_info *info)
{
    tool_printf(out, "    VadRoot %s Vads %llu Clone 0 Private %llu. Modified 0. Locked 0.\n",
                tool_address_text(context, tool_vad_root_address(context), false).text,
                (unsigned long long)info->vad_count, (unsigned long long)info->commit_charge);
    tool_printf(out, "    Working Set Sizes (now,min,max)  (%llu, %llu, %llu) (%lluKB, %lluKB, %lluKB)\n",
                (unsigned long long)info->working_set_pages,
                (unsigned long long)info->minimum_working_set,
                (unsigned long long)info->maximum_working_set,
                (unsigned long long)info->working_set_pages * 4,
                (unsigned long long)info->minimum_working_set * 4,
                (unsigned long long)info->maximum_working_set * 4);
    tool_printf(out, "    PeakWorkingSetSize                %llu\n",
                (unsigned long long)info->peak_working_set_pages);
    tool_printf(out, "    VirtualSize                       %llu Mb\n",
                (unsigned long long)(info->virtual_bytes >> 20));
    tool_printf(out, "    PeakVirtualSize                   %llu Mb\n",
                (unsigned long long)(info->peak_virtual_bytes >> 20));
    tool_printf(out, "    PageFaultCount                    %llu\n",
                (unsigned long long)info->page_fault_count);
    tool_printf(out, "    CommitCharge                      %llu\n",
                (unsigned long long)info->commit_charge);
    tool_printf(out, "    HighestUserAddress                %s\n",
                tool_address_text(context, info->highest_user_address, false).text);
}

static NTSTATUS process_all(struct tool_context *context, struct tool_output *out)
{
    struct ntmm_machine_info machine;
    ntmm_machine_info(context->machine, &machine);
    tool_printf(out, "**** NT ACTIVE PROCESS DUMP ****\n");
    process_header(out, context,
                   &(struct ntmm_process_info){ .cid = 4, .image_name = "System",
                                                .directory_table_base =
                                                    machine.system_directory_table_base });
    struct ntmm_process *p;
    unsigned count = 0;
    while (ntmm_process_at(context->machine, count, &p))
        count++;
    for (unsigned i = count; i-- > 0;) { /* oldest first, as the active process list */
        ntmm_process_at(context->machine, i, &p);
        struct ntmm_process_info info;
        ntmm_process_info(p, &info);
        tool_printf(out, "\n");
        process_header(out, context, &info);
    }
    return STATUS_SUCCESS;
}

NTSTATUS tool_process(struct tool_context *context, const char *name, const char *args,
                      struct tool_output *out)
{
    char buffer[512], *words[3], error[160];
    size_t n = tool_split(args, buffer, words, 2);
    uint64_t a = 1, b = 1;
    if (n == 2 && tools_evaluate(context, words[0], &a, error, sizeof error) &&
        tools_evaluate(context, words[1], &b, error, sizeof error) && a == 0 && b == 0)
        return process_all(context, out);
    if (n != 0)
        return tool_fail(out, STATUS_INVALID_PARAMETER,
                         "%s: usage: !process [0 0] (ntmm shows all processes or the current one)",
                         name);
    if (!context->process)
        return tool_fail(out, STATUS_INVALID_PARAMETER, "%s: no current process (use .process)",
                         name);
    struct ntmm_process_info info;
    ntmm_process_info(context->process, &info);
    process_header(out, context, &info);
    process_detail(out, context, &info);
    return STATUS_SUCCESS;
}

struct ntmm_process *tool_process_find(const struct tool_context *context, uint64_t key)
{
    struct ntmm_process *p;
    for (unsigned i = 0; ntmm_process_at(context->machine, i, &p); i++) {
        struct ntmm_process_info info;
        ntmm_process_info(p, &info);
        if (key == info.cid || key == tool_process_address(context, info.cid))
            return p;
    }
    return NULL;
}

NTSTATUS tool_dot_process(struct tool_context *context, const char *name, const char *args,
                          struct tool_output *out)
{
    char buffer[512], *words[4];
    size_t n = tool_split(args, buffer, words, 3);
    size_t first = 0;
    while (first < n && n <= 3 && words[first][0] == '/')
        first++; /* /p /r /i: ntmm's switch is always immediate */
    if (n > 3 || n - first > 1)
        return tool_fail(out, STATUS_INVALID_PARAMETER, "%s: usage: .process [Cid|Process]",
                         name);
    if (n == first) {
        if (!context->process)
            return tool_fail(out, STATUS_INVALID_PARAMETER, "%s: no implicit process", name);
        struct ntmm_process_info info;
        ntmm_process_info(context->process, &info);
        tool_printf(out, "Implicit process is %s\n",
                    tool_address_text(context, tool_process_address(context, info.cid), false).text);
        return STATUS_SUCCESS;
    }
    uint64_t key;
    if (!tool_eval(context, name, words[first], &key, out))
        return STATUS_INVALID_PARAMETER;
    struct ntmm_process *p = tool_process_find(context, key);
    if (!p)
        return tool_fail(out, STATUS_INVALID_PARAMETER, "%s: %llx is not a process or Cid", name,
                         (unsigned long long)key);
    struct ntmm_process_info info;
    ntmm_process_info(p, &info);
    context->process = p;
    ntmm_set_current_process(p);
    tool_printf(out, "Implicit process is now %s\n",
                tool_address_text(context, tool_process_address(context, info.cid), false).text);
    return STATUS_SUCCESS;
}
