/*
 * wsle.c — WinDbg's !wsle [Flags [Address]]: a process's working-set list
 * (_MMWSL at MmWorkingSetList and its _MMWSLE entries) as the XP / Server
 * 2003 debugger prints it: the header (FirstFree, FirstDynamic, LastEntry,
 * NextSlot, LastInitialized, NonDirect, HashTable, HashTableSize); flag 1
 * each valid entry (the entry as stored, its Age, Locked for LockedInWs or
 * LockedInMemory, and its frame's ReferenceCount, or a line when the page's
 * PTE or PDE is not valid); flag 2 the valid entries, the last and the first
 * free index; flag 4 the free entries by index, and with flag 2 the check
 * that valid and free entries add up to the initialized ones. Address is
 * MmWorkingSetList (the current process's list, as 0 or none) or a process
 * (its PROCESS address or Cid, as .process takes).
 *
 * (1) Only views are read (ntmm_working_set_info, ntmm_working_set_entry,
 *     ntmm_pte_walk, ntmm_pfn_query): nothing changes.
 * (2) The free list is followed at most LastInitialized + 1 steps, so a
 *     list an edit made circular still ends.
 */
#include <stdio.h>

#include "tools/tool_internal.h"

#define WSLE_PER_LINE 8

/* The process whose list Address names, or NULL (an error line printed). */
static struct ntmm_process *wsle_process(struct tool_context *context, const char *name,
                                         const char *word, struct tool_output *out)
{
    uint64_t address = 0;
    if (word && !tool_eval(context, name, word, &address, out))
        return NULL;
    struct ntmm_working_set_info ws;
    if (context->process && ntmm_working_set_info(context->process, &ws) != STATUS_INVALID_PARAMETER &&
        (address == 0 || address == ws.address))
        return context->process;
    struct ntmm_process *p = address ? tool_process_find(context, address) : NULL;
    if (p)
        return p;
    if (!address)
        tool_fail(out, STATUS_INVALID_PARAMETER, "%s: no current process (use .process)", name);
    else
        tool_fail(out, STATUS_INVALID_PARAMETER, "%s: %llx is not a working set list or a process",
                  name, (unsigned long long)address);
    return NULL;
}

static void wsle_header(struct tool_output *out, const struct ntmm_working_set_info *ws)
{
    tool_printf(out, "\nWorking Set @ %llx\n", (unsigned long long)ws->address);
    tool_printf(out, "    FirstFree: %8llx  FirstDynamic: %10llx\n",
                (unsigned long long)ws->first_free, (unsigned long long)ws->first_dynamic);
    tool_printf(out, "    LastEntry%9llx  NextSlot: %9llx  LastInitialized%9llx\n",
                (unsigned long long)ws->last_entry, (unsigned long long)ws->next_slot,
                (unsigned long long)ws->last_initialized_wsle);
    tool_printf(out, "    NonDirect%9llx  HashTable: %8llx  HashTableSize: %9llx\n",
                (unsigned long long)ws->non_direct_count, (unsigned long long)ws->hash_table,
                (unsigned long long)ws->hash_table_size);
}

/* One valid entry's row: the frame its PTE maps gives ReferenceCount. */
static void wsle_row(struct tool_context *context, const struct ntmm_process *process,
                     const struct ntmm_wsle_info *e, struct tool_output *out)
{
    struct ntmm_walk walk;
    struct ntmm_pfn_info pfn;
    bool mapped = ntmm_pte_walk(context->machine, process, e->virtual_address, &walk) ==
                      STATUS_SUCCESS &&
                  walk.translated &&
                  ntmm_pfn_query(context->machine, walk.physical >> 12, &pfn) == STATUS_SUCCESS;
    tool_printf(out, "%16llx %10u %8u %8u\n", (unsigned long long)e->raw, e->age,
                e->locked_in_ws || e->locked_in_memory, mapped ? pfn.reference_count : 0);
    if (!mapped)
        tool_printf(out, "%16llx has an invalid PTE or PDE\n",
                    (unsigned long long)e->virtual_address);
}

/* Flag 1's rows; returns the valid entries counted (all of them read). */
static uint64_t wsle_entries(struct tool_context *context, const struct ntmm_process *process,
                             const struct ntmm_working_set_info *ws, bool rows,
                             struct tool_output *out)
{
    uint64_t valid = 0;
    if (rows)
        tool_printf(out, "\nReading the WSLE data...\n\n"
                         "Virtual Address           Age  Locked  ReferenceCount\n");
    for (uint64_t i = 0; i <= ws->last_initialized_wsle; i++) {
        struct ntmm_wsle_info e;
        if (ntmm_working_set_entry(process, i, &e) != STATUS_SUCCESS) {
            tool_printf(out, "Cannot read WSLE %llx\n", (unsigned long long)i);
            break;
        }
        if (!e.valid)
            continue;
        valid++;
        if (rows)
            wsle_row(context, process, &e, out);
    }
    return valid;
}

/* Flag 4: the free list from FirstFree (2); returns its length. */
static uint64_t wsle_free(const struct ntmm_process *process, const struct ntmm_working_set_info *ws,
                          struct tool_output *out)
{
    uint64_t count = 0, i = ws->first_free;
    tool_printf(out, "\nFree WSLEs:");
    while (i <= ws->last_initialized_wsle && count <= ws->last_initialized_wsle) {
        struct ntmm_wsle_info e;
        if (ntmm_working_set_entry(process, i, &e) != STATUS_SUCCESS || e.valid)
            break;
        tool_printf(out, "%s%8llx", count % WSLE_PER_LINE ? "" : "\n",
                    (unsigned long long)i);
        count++;
        i = e.next_free;
    }
    tool_printf(out, "\nTotal free WSLEs: %llx\n", (unsigned long long)count);
    return count;
}

NTSTATUS tool_wsle(struct tool_context *context, const char *name, const char *args,
                   struct tool_output *out)
{
    char buffer[512], *words[2];
    size_t n = tool_split(args, buffer, words, 2);
    uint64_t flags = 0;
    if (n > 2)
        return tool_fail(out, STATUS_INVALID_PARAMETER, "%s: usage: !wsle [Flags [Address]]",
                         name);
    if (n >= 1 && !tool_eval(context, name, words[0], &flags, out))
        return STATUS_INVALID_PARAMETER;
    struct ntmm_process *process = wsle_process(context, name, n == 2 ? words[1] : NULL, out);
    if (!process)
        return STATUS_INVALID_PARAMETER;
    struct ntmm_working_set_info ws;
    if (ntmm_working_set_info(process, &ws) != STATUS_SUCCESS)
        return tool_fail(out, STATUS_INVALID_PARAMETER,
                         "%s: the working set list of this process is not readable", name);
    wsle_header(out, &ws);
    uint64_t valid = 0, free_count = 0;
    if (flags & 3)
        valid = wsle_entries(context, process, &ws, flags & 1, out);
    if (flags & 2)
        tool_printf(out, "\nValid WSLEs: %llx  LastEntry: %llx  FirstFree: %llx\n",
                    (unsigned long long)valid, (unsigned long long)ws.last_entry,
                    (unsigned long long)ws.first_free);
    if (flags & 4)
        free_count = wsle_free(process, &ws, out);
    if ((flags & 6) == 6) {
        uint64_t total = ws.last_initialized_wsle + 1;
        if (valid + free_count == total)
            tool_printf(out, "Valid + free WSLEs = %llx: every initialized entry\n",
                        (unsigned long long)total);
        else
            tool_printf(out, "ERROR: %llx valid + %llx free WSLEs, but %llx are initialized\n",
                        (unsigned long long)valid, (unsigned long long)free_count,
                        (unsigned long long)total);
    }
    return STATUS_SUCCESS;
}
