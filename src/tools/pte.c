/*
 * pte.c — WinDbg's !pte and !vtop: the page-table walk of one virtual
 * address, every level's entry (its self-map address and contents), the
 * frame and flag columns of valid entries, and the software PTE kinds of an
 * invalid one (demand zero, transition, prototype, pagefile).
 *
 * Views of sections: a prototype PTE ("Proto: E1000000", its address in
 * paged pool; "Proto: VAD" and its protection for Windows'
 * MI_PTE_LOOKUP_NEEDED, whose prototype PTE the VAD names) is followed, as WinDbg does, by the prototype PTE's own
 * contents decoded (a valid shared frame, transition, demand zero, or a
 * subsection PTE naming the subsection that holds the file data); a valid
 * PTE with the Prototype bit (a frame the section owns) is followed by the
 * prototype PTE its frame belongs to (the PFN's PteAddress).
 *
 * (1) The walk is ntmm_pte_walk's: no Accessed bit or TLB entry changes.
 * (2) User addresses are walked in the context's process, kernel addresses
 *     in the System's tables (tool_space_of).
 * (3) PAE's PDPTE has no self-map address; like WinDbg, !pte shows the PDE
 *     and PTE columns, and names the PDPTE only when the walk stops there.
 */
#include <stdio.h>
#include <string.h>

#include "tools/tool_internal.h"

#define PTE_COLUMN 27

static void pte_print_software(struct tool_output *out, const struct tool_context *context,
                               const struct ntmm_pte_info *pte);

static void pte_contents_text(const struct tool_context *context, uint64_t raw, char *out,
                              size_t size)
{
    struct ntmm_machine_info info;
    ntmm_machine_info(context->machine, &info);
    if (info.pte_size == 4)
        snprintf(out, size, "contains %08llX", (unsigned long long)raw);
    else
        snprintf(out, size, "contains %016llX", (unsigned long long)raw);
}

static void pte_state_text(const struct ntmm_pte_info *pte, char *out, size_t size)
{
    if (pte->kind == NTMM_PTE_VALID) {
        char flags[12];
        ntmm_pte_flags_string(pte, flags);
        snprintf(out, size, "pfn %-9llx %s", (unsigned long long)pte->pfn, flags);
    } else {
        snprintf(out, size, "not valid");
    }
}

/* The prototype PTE at proto (in paged pool), read through the System's
 * tables without side effects, and decoded in its own context. */
static void pte_print_prototype(struct tool_output *out, const struct tool_context *context,
                                uint64_t proto)
{
    struct ntmm_machine_info info;
    ntmm_machine_info(context->machine, &info);
    uint64_t raw;
    char contains[64], protect[48];
    if (!tool_read_value(context, proto, info.pte_size, &raw)) {
        tool_printf(out, " ProtoPte at %s is not readable\n",
                    tool_address_text(context, proto, true).text);
        return;
    }
    struct ntmm_pte_info p;
    ntmm_proto_pte_decode(context->machine, raw, &p);
    pte_contents_text(context, raw, contains, sizeof contains);
    tool_printf(out, " ProtoPte at %s %s\n", tool_address_text(context, proto, true).text,
                contains);
    tool_protection_name(p.protection, protect, sizeof protect);
    switch (p.kind) {
    case NTMM_PTE_VALID: {
        char flags[12];
        ntmm_pte_flags_string(&p, flags);
        tool_printf(out, " pfn %-9llx %s\n", (unsigned long long)p.pfn, flags);
        break;
    }
    case NTMM_PTE_ZERO:
        tool_printf(out, " not committed\n");
        break;
    case NTMM_PTE_PROTOTYPE: /* a prototype PTE never holds one */
        break;
    default:
        pte_print_software(out, context, &p);
        break;
    }
}

/* The lines under an invalid entry: its software kind, decoded. */
static void pte_print_software(struct tool_output *out, const struct tool_context *context,
                               const struct ntmm_pte_info *pte)
{
    char protect[48];
    tool_protection_name(pte->protection, protect, sizeof protect);
    switch (pte->kind) {
    case NTMM_PTE_DEMAND_ZERO:
        tool_printf(out, " DemandZero\n Protect: %s\n", protect);
        break;
    case NTMM_PTE_TRANSITION:
        tool_printf(out, " Transition: %llx\n Protect: %s\n", (unsigned long long)pte->pfn,
                    protect);
        break;
    case NTMM_PTE_PAGEFILE:
        tool_printf(out, " PageFile:  %2x\n Offset: %llx\n Protect: %s\n", pte->page_file_number,
                    (unsigned long long)pte->page_file_offset, protect);
        break;
    case NTMM_PTE_PROTOTYPE:
        if (pte->proto_address == (tool_is_x64(context) ? ~0ull : 0xffffffffull)) {
            /* MI_PTE_LOOKUP_NEEDED: the VAD names the prototype PTE */
            tool_printf(out, " Proto: VAD\n Protect: %s\n", protect);
            break;
        }
        tool_printf(out, " Proto: %s\n",
                    tool_address_text(context, pte->proto_address, true).text);
        pte_print_prototype(out, context, pte->proto_address);
        break;
    case NTMM_PTE_SUBSECTION:
        tool_printf(out, " Subsection: %s\n Protect: %s\n",
                    tool_address_text(context, pte->subsection_address, true).text, protect);
        break;
    case NTMM_PTE_ZERO:
    case NTMM_PTE_VALID:
        break;
    }
}

/* A valid PTE with the Prototype bit maps a frame a section owns: the
 * prototype PTE it belongs to is its PFN's PteAddress. */
static void pte_print_shared(struct tool_output *out, const struct tool_context *context,
                             const struct ntmm_pte_info *pte)
{
    struct ntmm_pfn_info pfn;
    if (!pte->prototype || ntmm_pfn_query(context->machine, pte->pfn, &pfn) != STATUS_SUCCESS ||
        !pfn.prototype_pte)
        return;
    tool_printf(out, " ProtoPte: %s (the frame is shared: !pfn %llx)\n",
                tool_address_text(context, pfn.pte_address, true).text,
                (unsigned long long)pte->pfn);
}

/* The self-map address of the entry one level up from entry_address
 * (MiGetPdeAddress of a PTE address, and so on). */
static uint64_t pte_parent_address(const struct tool_context *context, uint64_t entry_address)
{
    struct ntmm_machine_info info;
    ntmm_machine_info(context->machine, &info);
    uint64_t offset = entry_address & (tool_is_x64(context) ? 0xffffffffffffull : 0xffffffffull);
    return info.pte_base + (offset >> 12) * info.pte_size;
}

/* Entry addresses of every self-mapped level, top first, including the
 * levels the walk did not reach (as WinDbg names them). */
static unsigned pte_level_addresses(const struct tool_context *context,
                                    const struct ntmm_walk *walk, uint64_t address[4],
                                    const char *name[4])
{
    static const char *const names[4] = { "PXE", "PPE", "PDE", "PTE" };
    struct ntmm_machine_info info;
    ntmm_machine_info(context->machine, &info);
    unsigned mapped = info.arch == NTMM_ARCH_X64 ? 4 : 2;
    uint64_t at = pte_parent_address(context, walk->va);
    for (unsigned i = mapped; i-- > 0;) {
        address[i] = at;
        name[i] = names[4 - mapped + i];
        at = pte_parent_address(context, at);
    }
    return mapped;
}

static void pte_print_walk(struct tool_output *out, const struct tool_context *context,
                           const struct ntmm_walk *walk)
{
    char at[4][64], contains[4][64], state[4][64];
    uint64_t address[4];
    const char *name[4];
    unsigned columns = pte_level_addresses(context, walk, address, name);
    unsigned first = 0; /* walk levels without a self-map address (PAE's PDPTE) */
    while (first < walk->levels && !walk->level[first].entry_address)
        first++;
    if (first == walk->levels && walk->levels) {
        const struct ntmm_walk_level *l = &walk->level[walk->levels - 1];
        tool_printf(out, "%s at physical %llX contains %016llX  not valid\n", l->name,
                    (unsigned long long)l->entry_physical, (unsigned long long)l->pte.raw);
    }
    unsigned read = walk->levels - first;
    for (unsigned c = 0; c < columns; c++) {
        snprintf(at[c], sizeof at[0], tool_is_x64(context) ? "%s at %016llX" : "%s at %08llX",
                 name[c], (unsigned long long)address[c]);
        if (c < read) {
            pte_contents_text(context, walk->level[first + c].pte.raw, contains[c],
                              sizeof contains[0]);
            pte_state_text(&walk->level[first + c].pte, state[c], sizeof state[0]);
        }
    }
    char (*rows[3])[64] = { at, contains, state };
    for (unsigned r = 0; r < 3; r++) {
        unsigned shown = r == 0 ? columns : read;
        for (unsigned c = 0; c < shown; c++)
            tool_printf(out, "%-*s", c + 1 < shown ? PTE_COLUMN : 0, rows[r][c]);
        if (shown)
            tool_printf(out, "\n");
    }
    if (!walk->translated && walk->levels)
        pte_print_software(out, context, &walk->level[walk->levels - 1].pte);
    if (walk->translated && walk->levels)
        pte_print_shared(out, context, &walk->level[walk->levels - 1].pte);
}

NTSTATUS tool_pte(struct tool_context *context, const char *name, const char *args,
                  struct tool_output *out)
{
    uint64_t va;
    if (!*args)
        return tool_fail(out, STATUS_INVALID_PARAMETER, "%s: usage: !pte VirtualAddress", name);
    if (!tool_eval(context, name, args, &va, out))
        return STATUS_INVALID_PARAMETER;
    /* WinDbg: an address in the page-table region is a PTE's address; the
     * walk is of the address that entry maps */
    struct ntmm_machine_info machine;
    ntmm_machine_info(context->machine, &machine);
    if (va >= machine.pte_base && va < tool_self_map_end(context)) {
        uint64_t mapped = ((va - machine.pte_base) / machine.pte_size) << 12;
        va = tool_is_x64(context) && (mapped >> 47 & 1) ? mapped | 0xffff000000000000ull : mapped;
    }
    struct ntmm_walk walk;
    if (ntmm_pte_walk(context->machine, tool_space_of(context, va), va, &walk) != STATUS_SUCCESS ||
        (!tool_is_x64(context) && va > 0xffffffffu))
        return tool_fail(out, STATUS_INVALID_PARAMETER,
                         "%s: %llx is not a valid address on this machine", name,
                         (unsigned long long)va);
    char text[24];
    snprintf(text, sizeof text, tool_is_x64(context) ? "%016llx" : "%08llx",
             (unsigned long long)va);
    tool_printf(out, "%*sVA %s\n\n", tool_is_x64(context) ? 43 : 19, "", text);
    pte_print_walk(out, context, &walk);
    return STATUS_SUCCESS;
}

/* The process whose DirBase is exactly base, NULL for the System's; false
 * if no address space has it. */
static bool space_with_dirbase(const struct tool_context *context, uint64_t base,
                               const struct ntmm_process **space)
{
    struct ntmm_machine_info info;
    ntmm_machine_info(context->machine, &info);
    *space = NULL;
    if (base == info.system_directory_table_base)
        return true;
    struct ntmm_process *p;
    for (unsigned i = 0; ntmm_process_at(context->machine, i, &p); i++) {
        struct ntmm_process_info pi;
        ntmm_process_info(p, &pi);
        if (pi.directory_table_base == base) {
            *space = p;
            return true;
        }
    }
    return false;
}

/* The space !vtop's first argument names: 0 the context's, a DirBase as
 * !process prints it, or, as WinDbg documents, the PFN of a DirBase
 * (DirBase >> 12; a PAE PDPT that does not start its page has none). */
static bool vtop_space(const struct tool_context *context, uint64_t dirbase,
                       const struct ntmm_process **space)
{
    if (dirbase == 0) {
        *space = context->process;
        return true;
    }
    return space_with_dirbase(context, dirbase, space) ||
           (dirbase < (1ull << 52) && space_with_dirbase(context, dirbase << 12, space));
}

static uint64_t vtop_dirbase(const struct tool_context *context, const struct ntmm_process *space)
{
    if (space) {
        struct ntmm_process_info pi;
        ntmm_process_info(space, &pi);
        return pi.directory_table_base;
    }
    struct ntmm_machine_info info;
    ntmm_machine_info(context->machine, &info);
    return info.system_directory_table_base;
}

NTSTATUS tool_vtop(struct tool_context *context, const char *name, const char *args,
                   struct tool_output *out)
{
    char buffer[512], *words[3];
    uint64_t dirbase, va;
    if (tool_split(args, buffer, words, 2) != 2)
        return tool_fail(out, STATUS_INVALID_PARAMETER, "%s: usage: !vtop PFN|DirBase|0 VirtualAddress",
                         name);
    if (!tool_eval(context, name, words[0], &dirbase, out) ||
        !tool_eval(context, name, words[1], &va, out))
        return STATUS_INVALID_PARAMETER;
    const struct ntmm_process *space;
    if (!vtop_space(context, dirbase, &space))
        return tool_fail(out, STATUS_INVALID_PARAMETER,
                         "%s: %llx is neither the DirBase of a process nor its PFN", name,
                         (unsigned long long)dirbase);
    struct ntmm_walk walk;
    if (ntmm_pte_walk(context->machine, space, va, &walk) != STATUS_SUCCESS)
        return tool_fail(out, STATUS_INVALID_PARAMETER, "%s: %llx is not a canonical address",
                         name, (unsigned long long)va);
    struct ntmm_machine_info info;
    ntmm_machine_info(context->machine, &info);
    /* WinDbg's words: X86VtoP on x86 and PAE, each PAE step marked "PAE"
     * ("X86VtoP: PAE zero PTE", as seed 004 quotes it), Amd64VtoP on x64 */
    bool pae = info.arch == NTMM_ARCH_X86_PAE;
    const char *prefix = info.arch == NTMM_ARCH_X64 ? "Amd64VtoP" : "X86VtoP";
    const char *mode = pae ? "PAE " : "";
    tool_printf(out, "%s: Virt %s, pagedir %s\n", prefix, tool_qword_text(va).text,
                tool_qword_text(vtop_dirbase(context, space)).text);
    /* each entry's physical address, then its contents; a walk that stops
     * at an empty entry says "zero PTE" (or PDE ...) */
    for (unsigned l = 0; l < walk.levels; l++)
        tool_printf(out, "%s: %s%s %s - %s\n", prefix, mode,
                    pae && l == 0 ? "PDPE" : walk.level[l].name,
                    tool_qword_text(walk.level[l].entry_physical).text,
                    tool_qword_text(walk.level[l].pte.raw).text);
    if (!walk.translated) {
        const struct ntmm_walk_level *last = &walk.level[walk.levels ? walk.levels - 1 : 0];
        if (walk.levels && last->pte.raw == 0)
            tool_printf(out, "%s: %szero %s\n", prefix, mode, last->name);
        else
            tool_printf(out, "%s: %s%s\n", prefix, mode, walk.stopped ? walk.stopped : "not valid");
        tool_printf(out, "Virtual address %llx translation fails.\n", (unsigned long long)va);
        return STATUS_SUCCESS;
    }
    tool_printf(out, "%s: %sMapped phys %s\n", prefix, mode, tool_qword_text(walk.physical).text);
    tool_printf(out, "Virtual address %llx translates to physical address %llx.\n",
                (unsigned long long)va, (unsigned long long)walk.physical);
    return STATUS_SUCCESS;
}
