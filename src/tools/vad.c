/*
 * vad.c — WinDbg's !vad: the current process's VAD tree in address order
 * (ntmm_vad_at), one line per node: VAD address, level, start and end VPN,
 * commit charge, Private or Mapped, Exe for image maps, protection; then
 * "Total VADs, average level, maximum depth". "!vad Address 1" shows the VAD
 * that contains Address in detail.
 *
 * The VAD column: ntmm keeps its VAD nodes in host memory, so they have no
 * kernel address. Each node is shown at a pseudo address in nonpaged pool,
 * VAD_BASE + sizeof(_MMVAD) * (its index in address order): deterministic,
 * the same for the same tree, and not an address dd can read.
 * Levels are printed as WinDbg prints them (the root at 0); the footer's
 * average counts the root as 1 and its maximum depth the root as 0, which is
 * what WinDbg's own example shows (levels 1 2 0 2 1: average 2, depth 2).
 *
 * (1) Nothing changes: the tree is read through ntmm_vad_at.
 */
#include <stdio.h>
#include <string.h>

#include "tools/tool_internal.h"

uint64_t tool_vad_address(const struct tool_context *context, unsigned index)
{
    return tool_is_x64(context) ? 0xfffffa8003000000ull + 0x50ull * index
                                : 0x8a000000ull + 0x28ull * index;
}

uint64_t tool_vad_root_address(const struct tool_context *context)
{
    struct ntmm_vad_info vad;
    for (unsigned i = 0; ntmm_vad_at(context->process, i, &vad); i++)
        if (vad.level == 1)
            return tool_vad_address(context, i);
    return 0;
}

static void vad_print_line(struct tool_output *out, const struct tool_context *context,
                           unsigned index, const struct ntmm_vad_info *vad)
{
    tool_printf(out, "%s (%2u) %10llx %8llx %9llu %-7s %-4s %s\n",
                tool_address_text(context, tool_vad_address(context, index), false).text,
                vad->level - 1, (unsigned long long)vad->starting_vpn,
                (unsigned long long)vad->ending_vpn, (unsigned long long)vad->commit_charge,
                vad->private_memory ? "Private" : "Mapped", vad->image_map ? "Exe" : "",
                vad->protection_name);
}

static NTSTATUS vad_tree(struct tool_context *context, struct tool_output *out)
{
    struct ntmm_vad_info vad;
    unsigned count = 0, depth = 0;
    uint64_t level_sum = 0;
    tool_printf(out, "%-*s level      start      end    commit\n", tool_is_x64(context) ? 17 : 8,
                "VAD");
    for (; ntmm_vad_at(context->process, count, &vad); count++) {
        vad_print_line(out, context, count, &vad);
        level_sum += vad.level;
        if (vad.level - 1 > depth)
            depth = vad.level - 1;
    }
    tool_printf(out, "\nTotal VADs: %5u  average level: %4llu  maximum depth: %u\n", count,
                (unsigned long long)(count ? level_sum / count : 0), depth);
    return STATUS_SUCCESS;
}

static NTSTATUS vad_detail(struct tool_context *context, const char *name, uint64_t va,
                           struct tool_output *out)
{
    struct ntmm_vad_info vad;
    uint64_t vpn = va / NTMM_PAGE_SIZE;
    for (unsigned i = 0; ntmm_vad_at(context->process, i, &vad); i++) {
        if (vpn < vad.starting_vpn || vpn > vad.ending_vpn)
            continue;
        tool_printf(out, "\nVAD @ %s\n",
                    tool_address_text(context, tool_vad_address(context, i), false).text);
        tool_printf(out, "  Start VPN: %12llx  End VPN: %8llx  Control Area:  00000000\n",
                    (unsigned long long)vad.starting_vpn, (unsigned long long)vad.ending_vpn);
        tool_printf(out, "  First ProtoPte: 00000000  Last PTE 00000000  Commit Charge %9llx (%llu.)\n",
                    (unsigned long long)vad.commit_charge, (unsigned long long)vad.commit_charge);
        tool_printf(out, "  Level %u  %s%s%s %s (Protection %u)\n", vad.level - 1,
                    vad.private_memory ? "PrivateMemory" : "Mapped",
                    vad.mem_commit ? " MemCommit" : "", vad.image_map ? " ImageMap" : "",
                    vad.protection_name, vad.protection);
        return STATUS_SUCCESS;
    }
    return tool_fail(out, STATUS_INVALID_PARAMETER, "%s: no VAD contains %llx", name,
                     (unsigned long long)va);
}

NTSTATUS tool_vad(struct tool_context *context, const char *name, const char *args,
                  struct tool_output *out)
{
    char buffer[512], *words[3];
    size_t n = tool_split(args, buffer, words, 2);
    if (!context->process)
        return tool_fail(out, STATUS_INVALID_PARAMETER, "%s: no current process (use .process)",
                         name);
    if (n == 0)
        return vad_tree(context, out);
    uint64_t va, flag = 0;
    if (n > 2 || !tool_eval(context, name, words[0], &va, out) ||
        (n == 2 && !tool_eval(context, name, words[1], &flag, out)))
        return n > 2 ? tool_fail(out, STATUS_INVALID_PARAMETER, "%s: usage: !vad [Address 1]",
                                 name)
                     : STATUS_INVALID_PARAMETER;
    if (flag != 1)
        return tool_fail(out, STATUS_INVALID_PARAMETER,
                         "%s: usage: !vad [Address 1] (ntmm has no VAD addresses; flag must be 1)",
                         name);
    return vad_detail(context, name, va, out);
}
