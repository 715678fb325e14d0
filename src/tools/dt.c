/*
 * dt.c — WinDbg's dt (display type) for the structures ntmm lays out in
 * simulated memory: _MMPFN, _MMPFNLIST, _MMPFNENTRY and _MMPTE, with the
 * offsets of this machine's architecture (mm/pfn.c's layouts, seed 004's
 * bit positions) and, given an address, the values there.
 *
 *   _MMPFN      x86 0x18, PAE 0x1c, x64 0x30 bytes: u1 0, PteAddress 4/8,
 *               u2 8/0x10, u3 0xc/0x18, OriginalPte 0x10/0x20,
 *               u4 0x14 (x86) 0x18 (PAE) 0x28 (x64)
 *   _MMPFNLIST  Total 0, ListName 4/8, Flink 8/0x10, Blink 0xc/0x18
 *
 * (1) The layout printed is the one ntmm_machine_info's pfn_entry_size and
 *     arch select; reading values changes nothing (tool_read).
 * (2) An unknown type prints "Symbol _FOO not found".
 * (3) A last word that names one of the type's fields selects it (dt _MMPFN
 *     Address u3, dt _MMPTE u); -v adds WinDbg's line "struct _MMPFN,
 *     6 elements, 0x1c bytes".
 */
#include <stdio.h>
#include <string.h>

#include "tools/tool_internal.h"

/* One field: offset, width in bytes (0: a bit field of u3.e1 / a PTE),
 * bit position and count for bit fields, and its type text. */
struct dt_field {
    const char *name;
    unsigned offset;
    unsigned width;
    unsigned bit, bits;
    const char *type;
};

#define DT_MAX_FIELDS 16

struct dt_type {
    const char *name;
    unsigned size;
    unsigned count;
    struct dt_field field[DT_MAX_FIELDS];
};

static void dt_mmpfn(const struct tool_context *context, struct dt_type *t)
{
    struct ntmm_machine_info info;
    ntmm_machine_info(context->machine, &info);
    unsigned w = tool_pointer_size(context);
    bool x64 = info.arch == NTMM_ARCH_X64;
    unsigned u4 = info.arch == NTMM_ARCH_X86 ? 0x14 : info.arch == NTMM_ARCH_X86_PAE ? 0x18 : 0x28;
    *t = (struct dt_type){ "_MMPFN", info.pfn_entry_size, 6, {
        { "u1", 0, w, 0, 0, "__unnamed (Flink / WsIndex)" },
        { "PteAddress", w, w, 0, 0, x64 ? "Ptr64 _MMPTE" : "Ptr32 _MMPTE" },
        { "u2", 2 * w, w, 0, 0, "__unnamed (Blink / ShareCount)" },
        { "u3", 3 * w, 4, 0, 0, "__unnamed (e1 _MMPFNENTRY, ReferenceCount at +2)" },
        { "OriginalPte", x64 ? 0x20 : 0x10, info.pte_size, 0, 0, "_MMPTE" },
        { "u4", u4, w, 0, 0, "__unnamed (PteFrame)" },
    } };
}

static void dt_mmpfnlist(const struct tool_context *context, struct dt_type *t)
{
    unsigned w = tool_pointer_size(context);
    *t = (struct dt_type){ "_MMPFNLIST", 4 * w, 4, {
        { "Total", 0, w, 0, 0, w == 8 ? "Uint8B" : "Uint4B" },
        { "ListName", w, 4, 0, 0, "_MMLISTS" },
        { "Flink", 2 * w, w, 0, 0, w == 8 ? "Uint8B" : "Uint4B" },
        { "Blink", 3 * w, w, 0, 0, w == 8 ? "Uint8B" : "Uint4B" },
    } };
}

static void dt_mmpfnentry(const struct tool_context *context, struct dt_type *t)
{
    (void)context;
    *t = (struct dt_type){ "_MMPFNENTRY", 4, 12, {
        { "Modified", 0, 0, 0, 1, NULL },         { "ReadInProgress", 0, 0, 1, 1, NULL },
        { "WriteInProgress", 0, 0, 2, 1, NULL },  { "PrototypePte", 0, 0, 3, 1, NULL },
        { "PageColor", 0, 0, 4, 3, NULL },        { "ParityError", 0, 0, 7, 1, NULL },
        { "PageLocation", 0, 0, 8, 3, NULL },     { "RemovalRequested", 0, 0, 11, 1, NULL },
        { "CacheAttribute", 0, 0, 12, 2, NULL },  { "Rom", 0, 0, 14, 1, NULL },
        { "LockCharged", 0, 0, 15, 1, NULL },     { "DontUse", 0, 0, 16, 16, NULL },
    } };
}

/* _MMPTE as its hardware view (u.Hard), with the PFN width of the format. */
static void dt_mmpte(const struct tool_context *context, struct dt_type *t)
{
    struct ntmm_machine_info info;
    ntmm_machine_info(context->machine, &info);
    unsigned pfn_bits = info.arch == NTMM_ARCH_X86 ? 20 : info.arch == NTMM_ARCH_X86_PAE ? 26 : 36;
    *t = (struct dt_type){ "_MMPTE", info.pte_size, 13, {
        { "Valid", 0, 0, 0, 1, NULL },         { "Write", 0, 0, 1, 1, NULL },
        { "Owner", 0, 0, 2, 1, NULL },         { "WriteThrough", 0, 0, 3, 1, NULL },
        { "CacheDisable", 0, 0, 4, 1, NULL },  { "Accessed", 0, 0, 5, 1, NULL },
        { "Dirty", 0, 0, 6, 1, NULL },         { "LargePage", 0, 0, 7, 1, NULL },
        { "Global", 0, 0, 8, 1, NULL },        { "CopyOnWrite", 0, 0, 9, 1, NULL },
        { "Prototype", 0, 0, 10, 1, NULL },    { "PageFrameNumber", 0, 0, 12, pfn_bits, NULL },
        { "NoExecute", 0, 0, 63, 1, NULL },
    } };
    if (info.arch == NTMM_ARCH_X86)
        t->count = 12;
}

static const struct {
    const char *name;
    void (*build)(const struct tool_context *context, struct dt_type *t);
} dt_types[] = {
    { "_MMPFN", dt_mmpfn },
    { "_MMPFNLIST", dt_mmpfnlist },
    { "_MMPFNENTRY", dt_mmpfnentry },
    { "_MMPTE", dt_mmpte },
};

const char *tools_dt_type_name(size_t index)
{
    return index < sizeof dt_types / sizeof dt_types[0] ? dt_types[index].name : NULL;
}

static bool dt_lookup(const struct tool_context *context, const char *name, struct dt_type *t)
{
    if (strncmp(name, "nt!", 3) == 0)
        name += 3;
    for (size_t i = 0; i < sizeof dt_types / sizeof dt_types[0]; i++)
        if (!strcmp(name, dt_types[i].name)) {
            dt_types[i].build(context, t);
            return true;
        }
    return false;
}

/* A small bit field as WinDbg shows one: 0y101. */
static void dt_print_binary(struct tool_output *out, uint64_t v, unsigned bits)
{
    char text[12];
    for (unsigned i = 0; i < bits; i++)
        text[i] = (char)('0' + ((v >> (bits - 1 - i)) & 1));
    text[bits] = 0;
    tool_printf(out, "0y%s\n", text);
}

static void dt_print_field(struct tool_output *out, const struct dt_field *f, bool have,
                           uint64_t whole, const uint8_t *bytes, bool readable)
{
    tool_printf(out, "   +0x%03x %-16s : ", f->offset, f->name);
    if (f->width == 0) {
        uint64_t v = (whole >> f->bit) & (f->bits == 64 ? ~0ull : (1ull << f->bits) - 1);
        if (!have)
            tool_printf(out, "Pos %u, %u Bit%s\n", f->bit, f->bits, f->bits > 1 ? "s" : "");
        else if (f->bits > 8)
            tool_printf(out, "0x%llx\n", (unsigned long long)v);
        else
            dt_print_binary(out, v, f->bits);
        return;
    }
    if (!have) {
        tool_printf(out, "%s\n", f->type);
        return;
    }
    uint64_t v = 0;
    for (unsigned i = f->width; i-- > 0;)
        v = v << 8 | bytes[f->offset + i];
    if (!readable)
        tool_printf(out, "????\n");
    else
        tool_printf(out, "0x%llx %s\n", (unsigned long long)v, f->type);
}

/* The field of t named name, or NULL. */
static const struct dt_field *dt_field_named(const struct dt_type *t, const char *name)
{
    for (unsigned i = 0; i < t->count; i++)
        if (!strcmp(t->field[i].name, name))
            return &t->field[i];
    return NULL;
}

NTSTATUS tool_dt(struct tool_context *context, const char *name, const char *args,
                 struct tool_output *out)
{
    /* [-v] the type, then the rest of the line as one expression, spaces
     * and all ("dt _MMPFN poi(MmPfnDatabase) + 0x1c * 6"), as WinDbg reads
     * it, unless its last word names a field (dt _MMPFN Address u3) */
    bool verbose = !strncmp(args, "-v", 2) && (args[2] == ' ' || args[2] == '\t' || !args[2]);
    if (verbose)
        args += 2 + strspn(args + 2, " \t");
    char buffer[512], *words[2];
    const char *rest = args + strspn(args, " \t");
    rest += strcspn(rest, " \t");
    rest += strspn(rest, " \t");
    if (tool_split(args, buffer, words, 1) == 0)
        return tool_fail(out, STATUS_INVALID_PARAMETER,
                         "%s: usage: dt [-v] Type [Address] [Field]", name);
    struct dt_type t;
    if (!dt_lookup(context, words[0], &t))
        return tool_fail(out, STATUS_OBJECT_NAME_NOT_FOUND, "Symbol %s not found", words[0]);
    char expression[512];
    snprintf(expression, sizeof expression, "%s", rest);
    size_t length = strlen(expression);
    while (length && (expression[length - 1] == ' ' || expression[length - 1] == '\t'))
        expression[--length] = 0;
    const char *last = expression + length;
    while (last > expression && last[-1] != ' ' && last[-1] != '\t')
        last--;
    const struct dt_field *only = *last ? dt_field_named(&t, last) : NULL;
    if (only)
        expression[last - expression] = 0;
    bool have = expression[strspn(expression, " \t")] != 0;
    uint64_t address = 0;
    if (have && !tool_eval(context, name, expression, &address, out))
        return STATUS_INVALID_PARAMETER;
    uint8_t bytes[0x40] = { 0 };
    bool readable = have && tool_read(context, address, bytes, t.size, NULL);
    uint64_t whole = 0;
    for (unsigned i = t.size > 8 ? 8 : t.size; i-- > 0;)
        whole = whole << 8 | bytes[i];
    if (have && !readable)
        return tool_fail(out, STATUS_INVALID_PARAMETER, "Memory read error %s",
                         tool_address_text(context, address, false).text);
    tool_printf(out, "nt!%s\n", t.name);
    if (verbose)
        tool_printf(out, "struct %s, %u elements, 0x%x bytes\n", t.name, t.count, t.size);
    for (unsigned i = 0; i < t.count; i++)
        if (!only || only == &t.field[i])
            dt_print_field(out, &t.field[i], have, whole, bytes, readable);
    return STATUS_SUCCESS;
}
