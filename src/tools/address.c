/*
 * address.c — WinDbg's !address: the current process's user-mode regions
 * (ntmm_region_query: what VirtualQueryEx reports) with their usage,
 * type, state and protection; "!address Address" for the region holding one
 * address; "-summary" totals by usage, type, state and protection and the
 * largest region of each usage (the largest free one is the fragmentation
 * figure).
 *
 * Usage: a region is Free; Image (a MEM_IMAGE view: [module; "path"]);
 * MappedFile (a MEM_MAPPED view: the file's name in quotes, or "PageFile"
 * for a pagefile-backed section, as WinDbg shows them); Other (the
 * KUSER_SHARED_DATA page at 7ffe0000, "[User Shared Data]"); or VAR (private
 * data of no known use: WinDbg's "Other/VAR"). Stack and Heap come with
 * threads and heaps. "-summary" adds the Type Summary (MEM_PRIVATE,
 * MEM_MAPPED, MEM_IMAGE) of the busy regions.
 *
 * (1) Querying changes nothing: ntmm_region_query gives what VirtualQueryEx
 *     would, without setting the last error, an Accessed bit or a TLB entry.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ntmm/win32.h"
#include "tools/tool_internal.h"

#define SHARED_USER_DATA 0x7ffe0000ull

const char *tool_page_protection_name(uint32_t protect, char *buffer, size_t size)
{
    static const struct {
        uint32_t bit;
        const char *name;
    } names[] = {
        { PAGE_NOACCESS, "PAGE_NOACCESS" },       { PAGE_READONLY, "PAGE_READONLY" },
        { PAGE_READWRITE, "PAGE_READWRITE" },     { PAGE_WRITECOPY, "PAGE_WRITECOPY" },
        { PAGE_EXECUTE, "PAGE_EXECUTE" },         { PAGE_EXECUTE_READ, "PAGE_EXECUTE_READ" },
        { PAGE_EXECUTE_READWRITE, "PAGE_EXECUTE_READWRITE" },
        { PAGE_EXECUTE_WRITECOPY, "PAGE_EXECUTE_WRITECOPY" },
        { PAGE_GUARD, "PAGE_GUARD" },             { PAGE_NOCACHE, "PAGE_NOCACHE" },
        { PAGE_WRITECOMBINE, "PAGE_WRITECOMBINE" },
    };
    size_t n = 0;
    buffer[0] = 0;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (protect & names[i].bit)
            n += (size_t)snprintf(buffer + n, n < size ? size - n : 0, "%s%s", n ? " | " : "",
                                  names[i].name);
    if (!n)
        snprintf(buffer, size, "%s", "-");
    return buffer;
}

static bool region_append(struct tool_region **regions, size_t *count, size_t *capacity,
                          const MEMORY_BASIC_INFORMATION *mbi)
{
    if (*count == *capacity) {
        size_t grown = *capacity ? *capacity * 2 : 64;
        struct tool_region *bigger = realloc(*regions, grown * sizeof **regions);
        if (!bigger)
            return false;
        *regions = bigger;
        *capacity = grown;
    }
    (*regions)[(*count)++] = (struct tool_region){
        (uintptr_t)mbi->BaseAddress, mbi->RegionSize, (uintptr_t)mbi->AllocationBase,
        mbi->State, mbi->Protect, mbi->Type, mbi->AllocationProtect,
    };
    return true;
}

bool tool_query_regions(struct tool_context *context, const char *name,
                        struct tool_region **regions, size_t *count, struct tool_output *out)
{
    *regions = NULL;
    *count = 0;
    if (!context->process) {
        tool_fail(out, STATUS_INVALID_PARAMETER, "%s: no current process (use .process)", name);
        return false;
    }
    struct ntmm_process_info info;
    ntmm_process_info(context->process, &info);
    size_t capacity = 0;
    bool ok = true;
    for (uint64_t at = 0; ok && at <= info.highest_user_address;) {
        MEMORY_BASIC_INFORMATION mbi;
        if (ntmm_region_query(context->process, at, &mbi) != STATUS_SUCCESS || !mbi.RegionSize)
            break;
        ok = region_append(regions, count, &capacity, &mbi);
        at = (uintptr_t)mbi.BaseAddress + mbi.RegionSize;
    }
    if (!ok) {
        free(*regions);
        *regions = NULL;
        tool_fail(out, STATUS_NO_MEMORY, "%s: out of host memory", name);
    }
    return ok;
}

static const char *address_usage(const struct tool_region *r)
{
    if (r->state == MEM_FREE)
        return "Free";
    if (r->type == MEM_IMAGE)
        return "Image";
    if (r->type == MEM_MAPPED)
        return "MappedFile";
    return r->base == SHARED_USER_DATA ? "Other" : "VAR";
}

/* What follows the usage: [User Shared Data], a view's file or PageFile,
 * an image's [module; "path"]. */
static void address_usage_detail(struct tool_context *context, const struct tool_region *r,
                                 char *text, size_t size)
{
    struct ntmm_vad_info vad;
    text[0] = 0;
    if (r->state == MEM_FREE)
        return;
    if (r->base == SHARED_USER_DATA && r->type == MEM_PRIVATE) {
        snprintf(text, size, "%s", " [User Shared Data]");
        return;
    }
    if (r->type == MEM_PRIVATE || !tool_vad_containing(context, r->base, &vad))
        return;
    struct tool_name path = tool_file_name_text(vad.file_name);
    if (r->type == MEM_IMAGE)
        snprintf(text, size, " [%s; \"%s\"]", tool_module_name(vad.file_name).text, path.text);
    else
        snprintf(text, size, " \"%s\"", vad.file_backed ? path.text : "PageFile");
}

static const char *state_name(uint32_t state)
{
    return state == MEM_COMMIT ? "MEM_COMMIT" : state == MEM_RESERVE ? "MEM_RESERVE" : "MEM_FREE";
}

static const char *type_name(uint32_t type)
{
    return type == MEM_PRIVATE ? "MEM_PRIVATE" : type == MEM_MAPPED ? "MEM_MAPPED"
                                               : type == MEM_IMAGE  ? "MEM_IMAGE"
                                                                    : "";
}

static void address_list(struct tool_context *context, const struct tool_region *r, size_t n,
                         struct tool_output *out)
{
    int w = tool_is_x64(context) ? 17 : 8;
    tool_printf(out, "  %*s %*s %*s %-11s %-11s %-22s %s\n", w, "BaseAddress", w, "EndAddress+1",
                w, "RegionSize", "Type", "State", "Protect", "Usage");
    tool_printf(out, "--------------------------------------------------------------------------"
                     "----------------------\n");
    for (size_t i = 0; i < n; i++) {
        char protect[96], detail[600];
        tool_page_protection_name(r[i].state == MEM_FREE ? PAGE_NOACCESS : r[i].protect, protect,
                                  sizeof protect);
        address_usage_detail(context, &r[i], detail, sizeof detail);
        tool_printf(out, "+ %s %s %s %-11s %-11s %-22s %s%s\n",
                    tool_address_text(context, r[i].base, false).text,
                    tool_address_text(context, r[i].base + r[i].size, false).text,
                    tool_address_text(context, r[i].size, false).text, type_name(r[i].type),
                    state_name(r[i].state), protect, address_usage(&r[i]), detail);
    }
}

static void address_detail(struct tool_context *context, const struct tool_region *r,
                           struct tool_output *out)
{
    char protect[96], allocation[96];
    tool_page_protection_name(r->protect, protect, sizeof protect);
    tool_page_protection_name(r->allocation_protect, allocation, sizeof allocation);
    tool_printf(out, "Usage:                  %s\n", address_usage(r));
    tool_printf(out, "Base Address:           %s\n", tool_address_text(context, r->base, false).text);
    tool_printf(out, "End Address:            %s\n",
                tool_address_text(context, r->base + r->size, false).text);
    tool_printf(out, "Region Size:            %s\n", tool_address_text(context, r->size, false).text);
    tool_printf(out, "State:                  %08x          %s\n", r->state, state_name(r->state));
    if (r->state == MEM_FREE)
        return;
    tool_printf(out, "Protect:                %08x          %s\n", r->protect, protect);
    tool_printf(out, "Type:                   %08x          %s\n", r->type, type_name(r->type));
    tool_printf(out, "Allocation Base:        %s\n",
                tool_address_text(context, r->allocation_base, false).text);
    tool_printf(out, "Allocation Protect:     %08x          %s\n", r->allocation_protect,
                allocation);
    struct ntmm_vad_info vad;
    if (r->type == MEM_PRIVATE || !tool_vad_containing(context, r->base, &vad))
        return;
    struct tool_name path = tool_file_name_text(vad.file_name);
    if (r->type == MEM_IMAGE) {
        tool_printf(out, "Image Path:             %s\n", path.text);
        tool_printf(out, "Module Name:            %s\n", tool_module_name(vad.file_name).text);
    } else {
        tool_printf(out, "Mapped file name:       %s\n", vad.file_backed ? path.text : "PageFile");
    }
}

/* One "-summary" row: regions, total size, % of busy, % of all. */
static void summary_row(struct tool_output *out, const char *label, size_t regions, uint64_t size,
                        uint64_t busy, uint64_t all, bool is_busy)
{
    char busy_text[16] = "";
    if (is_busy && busy)
        snprintf(busy_text, sizeof busy_text, "%6.2f%%", 100.0 * (double)size / (double)busy);
    tool_printf(out, "%-32s %8zu %s (%10.3f MB) %8s %7.2f%%\n", label, regions,
                tool_qword_text(size).text, (double)size / 1048576.0, busy_text,
                all ? 100.0 * (double)size / (double)all : 0.0);
}

static void address_summary(struct tool_context *context, const struct tool_region *r, size_t n,
                            struct tool_output *out)
{
    static const char *const usages[] = { "Free", "Image", "MappedFile", "VAR", "Other" };
    const size_t usage_count = sizeof usages / sizeof usages[0];
    uint64_t all = 0, busy = 0;
    for (size_t i = 0; i < n; i++) {
        all += r[i].size;
        busy += r[i].state == MEM_FREE ? 0 : r[i].size;
    }
    tool_printf(out, "--- Usage Summary ---------------- RgnCount ------- Total Size -------- "
                     "%%ofBusy %%ofTotal\n");
    for (size_t u = 0; u < usage_count; u++) {
        size_t count = 0;
        uint64_t size = 0;
        for (size_t i = 0; i < n; i++)
            if (strcmp(address_usage(&r[i]), usages[u]) == 0)
                count++, size += r[i].size;
        if (count)
            summary_row(out, usages[u], count, size, busy, all, u != 0);
    }
    tool_printf(out, "\n--- Type Summary (for busy) ------ RgnCount ----------- Total Size -- "
                     "%%ofBusy %%ofTotal\n");
    static const uint32_t types[] = { MEM_PRIVATE, MEM_MAPPED, MEM_IMAGE };
    for (size_t t = 0; t < 3; t++) {
        size_t count = 0;
        uint64_t size = 0;
        for (size_t i = 0; i < n; i++)
            if (r[i].state != MEM_FREE && r[i].type == types[t])
                count++, size += r[i].size;
        if (count)
            summary_row(out, type_name(types[t]), count, size, busy, all, true);
    }
    tool_printf(out, "\n--- State Summary ---------------- RgnCount ------- Total Size -------- "
                     "%%ofBusy %%ofTotal\n");
    static const uint32_t states[] = { MEM_FREE, MEM_COMMIT, MEM_RESERVE };
    for (size_t s = 0; s < 3; s++) {
        size_t count = 0;
        uint64_t size = 0;
        for (size_t i = 0; i < n; i++)
            if (r[i].state == states[s])
                count++, size += r[i].size;
        if (count)
            summary_row(out, state_name(states[s]), count, size, busy, all, s != 0);
    }
    tool_printf(out, "\n--- Largest Region by Usage ----------- Base Address -------- Region Size "
                     "----------\n");
    for (size_t u = 0; u < usage_count; u++) {
        const struct tool_region *largest = NULL;
        for (size_t i = 0; i < n; i++)
            if (strcmp(address_usage(&r[i]), usages[u]) == 0 &&
                (!largest || r[i].size > largest->size))
                largest = &r[i];
        if (largest)
            tool_printf(out, "%-32s %s %s (%10.3f MB)\n", usages[u],
                        tool_address_text(context, largest->base, false).text,
                        tool_qword_text(largest->size).text, (double)largest->size / 1048576.0);
    }
}

NTSTATUS tool_address(struct tool_context *context, const char *name, const char *args,
                      struct tool_output *out)
{
    char buffer[512], *words[2];
    size_t n = tool_split(args, buffer, words, 1);
    uint64_t va = 0;
    bool summary = n == 1 && strcmp(words[0], "-summary") == 0;
    if (n > 1)
        return tool_fail(out, STATUS_INVALID_PARAMETER, "%s: usage: !address [Address|-summary]",
                         name);
    if (n == 1 && !summary && !tool_eval(context, name, words[0], &va, out))
        return STATUS_INVALID_PARAMETER;
    struct tool_region *regions;
    size_t count;
    if (!tool_query_regions(context, name, &regions, &count, out))
        return context->process ? STATUS_NO_MEMORY : STATUS_INVALID_PARAMETER;
    NTSTATUS status = STATUS_SUCCESS;
    const struct tool_region *hit = NULL;
    for (size_t i = 0; n == 1 && !summary && i < count; i++)
        if (va >= regions[i].base && va - regions[i].base < regions[i].size)
            hit = &regions[i];
    if (summary)
        address_summary(context, regions, count, out);
    else if (n == 0)
        address_list(context, regions, count, out);
    else if (hit)
        address_detail(context, hit, out);
    else
        status = tool_fail(out, STATUS_INVALID_PARAMETER,
                           "%s: %llx is not a user-mode address of this process", name,
                           (unsigned long long)va);
    free(regions);
    return status;
}
