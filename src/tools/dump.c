/*
 * dump.c — WinDbg's display and edit commands: db/dw/dd/dq Address [L Count]
 * for virtual addresses (kernel addresses in the System space, user
 * addresses in the context's process), !db/!dd/!dq for physical ones, and
 * eb/ew/ed/eq Address Value... to write.
 *
 * Layout as WinDbg's: the row's address, two spaces, then 16 bytes with a
 * '-' after the eighth and the ASCII column (db), 8 words (dw), 4 dwords
 * (dd) or 2 qwords written 00000000`00000000 (dq). Physical rows start with
 * '#'. Unreadable units print as question marks.
 *
 * (1) Displaying changes nothing (tool_read, ntmm_read_physical).
 * (2) An edit writes all of its values or none: every page it touches must
 *     be mapped before the first byte is written (physically, through
 *     ntmm_write_physical, as a debugger writes). A stopped machine
 *     takes no edit (its memory is frozen, mm/bugcheck.c).
 * (3) No range wraps past the last address (WinDbg's "Range error").
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tools/tool_internal.h"

#define DUMP_MAX_BYTES 0x100000u

struct dump_request {
    uint64_t address;
    unsigned unit;   /* bytes per unit: 1, 2, 4, 8 */
    uint64_t count;  /* units */
    bool physical;
};

static unsigned unit_of(const char *name)
{
    char c = name[strlen(name) - 1];
    return c == 'b' ? 1 : c == 'w' ? 2 : c == 'd' ? 4 : 8;
}

/* (3) Does [address, address + size) end at or before the last address of
 * the space (virtual addresses are 32-bit on x86 and PAE)? */
static bool range_fits(const struct tool_context *context, bool physical, uint64_t address,
                       uint64_t size)
{
    uint64_t last = physical || tool_is_x64(context) ? UINT64_MAX : 0xffffffffu;
    return address <= last && size - 1 <= last - address;
}

/* "Address [L Count]": the count is "L4", "L 4" or "L0n10". */
static NTSTATUS dump_parse(struct tool_context *context, const char *name, const char *args,
                           struct dump_request *request, struct tool_output *out)
{
    /* the address words joined with spaces: never longer than args itself */
    char buffer[512], *words[16], address[sizeof buffer + 1] = "";
    size_t n = tool_split(args, buffer, words, 16);
    const char *count = NULL;
    if (n == 0 || n > 16)
        return tool_fail(out, STATUS_INVALID_PARAMETER, "%s: usage: %s Address [L Count]", name,
                         name);
    for (size_t i = 0; i < n; i++) {
        if ((words[i][0] == 'L' || words[i][0] == 'l') && !count) {
            count = words[i][1] ? words[i] + 1 : (i + 1 < n ? words[++i] : "");
            continue;
        }
        strcat(strcat(address, " "), words[i]);
    }
    request->count = 0x80 / request->unit;
    if (!tool_eval(context, name, address, &request->address, out) ||
        (count && !tool_eval(context, name, count, &request->count, out)))
        return STATUS_INVALID_PARAMETER;
    if (request->count == 0 || request->count > DUMP_MAX_BYTES / request->unit)
        return tool_fail(out, STATUS_INVALID_PARAMETER,
                         "%s: Range error: a count of 1 to 0x%x bytes", name, DUMP_MAX_BYTES);
    if (!range_fits(context, request->physical, request->address, request->count * request->unit))
        return tool_fail(out, STATUS_INVALID_PARAMETER, "%s: Range error: past the end of %s", name,
                         request->physical ? "physical addresses" : "the address space");
    return STATUS_SUCCESS;
}

static void dump_fetch(struct tool_context *context, const struct dump_request *request,
                       uint64_t at, uint8_t *bytes, bool *valid, size_t size)
{
    if (!request->physical) {
        tool_read(context, at, bytes, size, valid);
        return;
    }
    for (size_t i = 0; i < size; i++)
        valid[i] = ntmm_read_physical(context->machine, at + i, bytes + i, 1) == STATUS_SUCCESS;
}

static void dump_unit(struct tool_output *out, unsigned unit, const uint8_t *bytes,
                      const bool *valid)
{
    uint64_t v = 0;
    bool ok = true;
    for (unsigned i = unit; i-- > 0;) {
        v = v << 8 | bytes[i];
        ok = ok && valid[i];
    }
    if (unit == 8)
        tool_printf(out, "%s", ok ? tool_qword_text(v).text : "????????`????????");
    else if (ok)
        tool_printf(out, "%0*llx", (int)unit * 2, (unsigned long long)v);
    else
        tool_printf(out, "%.*s", (int)unit * 2, "????????");
}

static void dump_row(struct tool_context *context, const struct dump_request *request,
                     uint64_t at, unsigned units, struct tool_output *out)
{
    uint8_t bytes[16];
    bool valid[16];
    dump_fetch(context, request, at, bytes, valid, units * request->unit);
    if (request->physical)
        tool_printf(out, "#%8llx", (unsigned long long)at);
    else
        tool_printf(out, "%s", tool_address_text(context, at, false).text);
    tool_printf(out, " ");
    for (unsigned u = 0; u < units; u++) {
        bool dash = request->unit == 1 && u == 8;
        tool_printf(out, "%s", dash ? "-" : " ");
        dump_unit(out, request->unit, bytes + u * request->unit, valid + u * request->unit);
    }
    if (request->unit == 1) {
        tool_printf(out, "%*s  ", (int)(16 - units) * 3, "");
        for (unsigned u = 0; u < units; u++)
            tool_printf(out, "%c", !valid[u] ? '?' : isprint(bytes[u]) ? bytes[u] : '.');
    }
    tool_printf(out, "\n");
}

static NTSTATUS dump_run(struct tool_context *context, const char *name, const char *args,
                         bool physical, struct tool_output *out)
{
    struct dump_request request = { .unit = unit_of(name), .physical = physical };
    NTSTATUS status = dump_parse(context, name, args, &request, out);
    if (status != STATUS_SUCCESS)
        return status;
    unsigned per_row = 16 / request.unit;
    for (uint64_t done = 0; done < request.count; done += per_row) {
        uint64_t left = request.count - done;
        dump_row(context, &request, request.address + done * request.unit,
                 (unsigned)(left < per_row ? left : per_row), out);
    }
    return STATUS_SUCCESS;
}

NTSTATUS tool_dump(struct tool_context *context, const char *name, const char *args,
                   struct tool_output *out)
{
    return dump_run(context, name, args, false, out);
}

NTSTATUS tool_dump_physical(struct tool_context *context, const char *name, const char *args,
                            struct tool_output *out)
{
    return dump_run(context, name, args, true, out);
}

/* A value fits a unit if it is in range unsigned, or as a negative number. */
static bool edit_fits(uint64_t value, unsigned unit)
{
    if (unit == 8)
        return true;
    uint64_t max = (1ull << (unit * 8)) - 1;
    return value <= max || ((int64_t)value < 0 && (int64_t)value >= -(int64_t)(max / 2 + 1));
}

NTSTATUS tool_edit(struct tool_context *context, const char *name, const char *args,
                   struct tool_output *out)
{
    char buffer[512], *words[65];
    size_t n = tool_split(args, buffer, words, 64);
    unsigned unit = unit_of(name);
    if (n < 2 || n > 64)
        return tool_fail(out, STATUS_INVALID_PARAMETER, "%s: usage: %s Address Value [Value ...]",
                         name, name);
    uint64_t address, values[63];
    if (!tool_eval(context, name, words[0], &address, out))
        return STATUS_INVALID_PARAMETER;
    for (size_t i = 1; i < n; i++) {
        if (!tool_eval(context, name, words[i], &values[i - 1], out))
            return STATUS_INVALID_PARAMETER;
        if (!edit_fits(values[i - 1], unit))
            return tool_fail(out, STATUS_INVALID_PARAMETER, "%s: %s does not fit in %u byte%s",
                             name, words[i], unit, unit > 1 ? "s" : "");
    }
    if (ntmm_machine_bug_check(context->machine, NULL))
        return tool_fail(out, STATUS_SHUTDOWN_IN_PROGRESS,
                         "%s: the machine has stopped: its memory stays as the bug check found it",
                         name);
    size_t size = (n - 1) * unit;
    if (!range_fits(context, false, address, size))
        return tool_fail(out, STATUS_INVALID_PARAMETER,
                         "%s: Range error: past the end of the address space", name);
    uint64_t physical[64 * 8];
    for (size_t i = 0; i < size; i++)
        if (!tool_translate(context, address + i, &physical[i]))
            return tool_fail(out, STATUS_INVALID_PARAMETER, "Memory access error at '%s'",
                             words[0]);
    for (size_t i = 0; i < size; i++) {
        uint8_t byte = (uint8_t)(values[i / unit] >> (8 * (i % unit)));
        ntmm_write_physical(context->machine, physical[i], &byte, 1);
    }
    return STATUS_SUCCESS;
}
