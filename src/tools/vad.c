/*
 * vad.c — WinDbg's !vad: the current process's VAD tree in address order
 * (ntmm_vad_at), one line per node: VAD address, level, start and end VPN,
 * commit charge, Private or Mapped, Exe for image maps, protection, and for
 * a view what it maps (the file's name, or "Pagefile section, shared commit
 * N" as WinDbg says it); then "Total VADs, average level, maximum depth".
 * "!vad Address 1" shows the VAD that contains Address in detail (for a view
 * its Control Area, First ProtoPte and Last PTE: the prototype PTEs of its
 * first and last pages, in paged pool, and its offset in the section);
 * "!vad Node" the subtree under a node (the VadRoot !process prints: the
 * whole tree), "!vad Node 1" that node.
 *
 * The VAD column: ntmm keeps its VAD nodes in host memory, so they have no
 * kernel address; introspect gives each a stable pseudo address in nonpaged
 * pool (node_address), not an address dd can read.
 * Levels are printed as WinDbg prints them (the root at 0); the footer's
 * average counts the root as 1 and its maximum depth the root as 0, which is
 * what WinDbg's own example shows (levels 1 2 0 2 1: average 2, depth 2).
 *
 * (1) Nothing changes: the tree is read through ntmm_vad_at.
 */
#include <stdio.h>
#include <string.h>

#include "tools/tool_internal.h"

uint64_t tool_vad_root_address(const struct tool_context *context)
{
    struct ntmm_vad_info vad;
    for (unsigned i = 0; ntmm_vad_at(context->process, i, &vad); i++)
        if (vad.level == 1)
            return vad.node_address;
    return 0;
}

bool tool_vad_containing(const struct tool_context *context, uint64_t va,
                         struct ntmm_vad_info *vad)
{
    if (ntmm_vad_query(context->process, va, vad) == STATUS_SUCCESS)
        return true;
    memset(vad, 0, sizeof *vad);
    return false;
}

/* What a view maps, as WinDbg ends its line: the file, or the pagefile. */
static void vad_mapping_text(const struct ntmm_vad_info *vad, char *text, size_t size)
{
    if (vad->file_backed)
        snprintf(text, size, "%s", tool_file_name_text(vad->file_name).text);
    else
        snprintf(text, size, "Pagefile section, shared commit 0x%llx",
                 (unsigned long long)vad->shared_commit);
}

static void vad_print_line(struct tool_output *out, const struct tool_context *context,
                           const struct ntmm_vad_info *vad)
{
    tool_printf(out, "%s (%2u) %10llx %8llx %9llu %-7s %-4s ",
                tool_address_text(context, vad->node_address, false).text,
                vad->level - 1, (unsigned long long)vad->starting_vpn,
                (unsigned long long)vad->ending_vpn, (unsigned long long)vad->commit_charge,
                vad->private_memory ? "Private" : "Mapped", vad->image_map ? "Exe" : "");
    if (vad->private_memory) {
        tool_printf(out, "%s\n", vad->protection_name);
        return;
    }
    char mapping[320];
    vad_mapping_text(vad, mapping, sizeof mapping);
    tool_printf(out, "%-18s %s\n", vad->protection_name, mapping);
}

/* The in-order index of the node at node_address, or -1. */
static int vad_index_of(const struct tool_context *context, uint64_t node_address)
{
    struct ntmm_vad_info vad;
    for (unsigned i = 0; ntmm_vad_at(context->process, i, &vad); i++)
        if (vad.node_address == node_address)
            return (int)i;
    return -1;
}

/* The nodes of the subtree under the node at in-order index top (or all, for
 * top < 0): in order, a subtree is the run around its root of nodes deeper
 * than it. */
static NTSTATUS vad_tree(struct tool_context *context, int top, struct tool_output *out)
{
    struct ntmm_vad_info vad, root = { .level = 0 };
    unsigned first = 0, count = 0, depth = 0;
    uint64_t level_sum = 0;
    if (top >= 0) {
        ntmm_vad_at(context->process, (unsigned)top, &root);
        first = (unsigned)top;
        while (first > 0 && ntmm_vad_at(context->process, first - 1, &vad) &&
               vad.level > root.level)
            first--;
    }
    tool_printf(out, "%-*s level      start      end    commit\n", tool_is_x64(context) ? 17 : 8,
                "VAD");
    for (unsigned i = first; ntmm_vad_at(context->process, i, &vad); i++, count++) {
        if (top >= 0 && (unsigned)top != i && vad.level <= root.level)
            break;
        vad_print_line(out, context, &vad);
        level_sum += vad.level;
        if (vad.level - 1 > depth)
            depth = vad.level - 1;
    }
    tool_printf(out, "\nTotal VADs: %5u  average level: %4llu  maximum depth: %u\n", count,
                (unsigned long long)(count ? level_sum / count : 0), depth);
    return STATUS_SUCCESS;
}

/* The VAD at node address va, or the one containing the virtual address va. */
static NTSTATUS vad_detail(struct tool_context *context, const char *name, uint64_t va,
                           struct tool_output *out)
{
    struct ntmm_vad_info vad;
    uint64_t vpn = va / NTMM_PAGE_SIZE;
    int node = vad_index_of(context, va);
    for (unsigned i = 0; ntmm_vad_at(context->process, i, &vad); i++) {
        if (node >= 0 ? (unsigned)node != i : vpn < vad.starting_vpn || vpn > vad.ending_vpn)
            continue;
        tool_printf(out, "\nVAD @ %s\n", tool_address_text(context, vad.node_address, false).text);
        tool_printf(out, "  Start VPN: %12llx  End VPN: %8llx  Control Area:  %s\n",
                    (unsigned long long)vad.starting_vpn, (unsigned long long)vad.ending_vpn,
                    tool_address_text(context, vad.control_area, false).text);
        tool_printf(out, "  First ProtoPte: %s  ",
                    tool_address_text(context, vad.first_proto_pte, false).text);
        tool_printf(out, "Last PTE %s  Commit Charge %9llx (%llu.)\n",
                    tool_address_text(context, vad.last_proto_pte, false).text,
                    (unsigned long long)vad.commit_charge, (unsigned long long)vad.commit_charge);
        if (!vad.private_memory) {
            char mapping[320];
            vad_mapping_text(&vad, mapping, sizeof mapping);
            tool_printf(out, "  File offset   %llx  %s\n", (unsigned long long)vad.section_offset,
                        mapping);
        }
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
        return vad_tree(context, -1, out);
    uint64_t va, flag = 0;
    if (n > 2 || !tool_eval(context, name, words[0], &va, out) ||
        (n == 2 && !tool_eval(context, name, words[1], &flag, out)))
        return n > 2 ? tool_fail(out, STATUS_INVALID_PARAMETER,
                                 "%s: usage: !vad [Node] | !vad Address 1", name)
                     : STATUS_INVALID_PARAMETER;
    if (n == 1) {
        int node = vad_index_of(context, va);
        if (node < 0)
            return tool_fail(out, STATUS_INVALID_PARAMETER, "%s: no VAD node at %llx", name,
                             (unsigned long long)va);
        return vad_tree(context, node, out);
    }
    if (flag != 1)
        return tool_fail(out, STATUS_INVALID_PARAMETER, "%s: usage: !vad [Node] | !vad Address 1",
                         name);
    return vad_detail(context, name, va, out);
}
