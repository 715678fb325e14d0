/*
 * commands.c — the command table and dispatcher (WinDbg's command window:
 * the first word names a built-in or an extension command) and the helpers
 * every command shares: errors, arguments, address formatting, and memory
 * reads that do not disturb the machine.
 *
 * (1) tools_run changes nothing unless the command is an edit (ed, eb …) or
 *     .process, and then only when its arguments were all valid.
 * (2) An unknown command prints "Unknown command 'foo'", then the known
 *     names nearest to it (help.c), and returns STATUS_OBJECT_NAME_NOT_FOUND.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "tools/help.h"
#include "tools/tool_internal.h"

const struct tool_command tool_commands[] = {
    { "!vad", tool_vad },
    { "!pte", tool_pte },
    { "!vtop", tool_vtop },
    { "!pfn", tool_pfn },
    { "!vm", tool_vm },
    { "!wsle", tool_wsle },
    { "!memusage", tool_memusage },
    { "!ca", tool_ca },
    { "!controlarea", tool_ca },
    { "lm", tool_lm },
    { "!dh", tool_dh },
    { "!address", tool_address },
    { "!process", tool_process },
    { ".process", tool_dot_process },
    { "dt", tool_dt },
    { "db", tool_dump },
    { "dw", tool_dump },
    { "dd", tool_dump },
    { "dq", tool_dump },
    { "!db", tool_dump_physical },
    { "!dd", tool_dump_physical },
    { "!dq", tool_dump_physical },
    { "eb", tool_edit },
    { "ew", tool_edit },
    { "ed", tool_edit },
    { "eq", tool_edit },
    { "x", tool_x },
    { "!verify", tool_verify },
    { "!analyze", tool_analyze },
    { ".bugcheck", tool_dot_bugcheck },
    { ".reboot", tool_dot_reboot },
    { "vmmap", tool_vmmap },
    { "rammap", tool_rammap },
    { "help", tool_help },
    { ".help", tool_help },
    { "apropos", tool_apropos },
    { "?", tool_evaluate },
    { ".formats", tool_formats },
    { "r", tool_registers },
    { "!error", tool_error },
    { ".cls", tool_cls },
};
const size_t tool_command_count = sizeof tool_commands / sizeof tool_commands[0];

/* The command named by the first word of line, with *rest after it. A
 * line starting with "?" is WinDbg's ? (Evaluate Expression), whose
 * expression may follow without a space ("?1+2"). */
static const struct tool_command *command_find(const char *line, const char **rest)
{
    while (*line && isspace((unsigned char)*line))
        line++;
    size_t n = 0;
    if (*line == '?')
        n = 1;
    else
        while (line[n] && !isspace((unsigned char)line[n]))
            n++;
    for (size_t i = 0; i < tool_command_count; i++) {
        const char *name = tool_commands[i].name;
        if (strlen(name) == n && strncmp(name, line, n) == 0) {
            if (rest)
                *rest = line + n;
            return &tool_commands[i];
        }
    }
    return NULL;
}

const char *tools_command_name(size_t index)
{
    return index < tool_command_count ? tool_commands[index].name : NULL;
}

bool tools_is_command(const char *line)
{
    return line && command_find(line, NULL) != NULL;
}

NTSTATUS tools_run(struct tool_context *context, const char *line, struct tool_output *out)
{
    if (!context || !context->machine || !line || !out)
        return STATUS_INVALID_PARAMETER;
    const char *rest = NULL;
    const struct tool_command *command = command_find(line, &rest);
    if (!command) {
        while (*line && isspace((unsigned char)*line))
            line++;
        int n = 0;
        while (line[n] && !isspace((unsigned char)line[n]) && n < 64)
            n++;
        char word[65];
        snprintf(word, sizeof word, "%.*s", n, line);
        tool_printf(out, "Unknown command '%s'\n", word);
        help_print_suggestions(out, word);
        return STATUS_OBJECT_NAME_NOT_FOUND;
    }
    char args[512];
    while (*rest && isspace((unsigned char)*rest))
        rest++;
    size_t n = strlen(rest);
    while (n && isspace((unsigned char)rest[n - 1]))
        n--;
    if (n >= sizeof args)
        return tool_fail(out, STATUS_INVALID_PARAMETER, "%s: the arguments are too long",
                         command->name);
    memcpy(args, rest, n);
    args[n] = 0;
    return command->run(context, command->name, args, out);
}

NTSTATUS tool_fail(struct tool_output *out, NTSTATUS status, const char *format, ...)
{
    char line[512];
    va_list args;
    va_start(args, format);
    vsnprintf(line, sizeof line, format, args);
    va_end(args);
    tool_printf(out, "%s\n", line);
    return status;
}

bool tool_eval(struct tool_context *context, const char *name, const char *expression,
               uint64_t *value, struct tool_output *out)
{
    char error[160];
    if (tools_evaluate(context, expression, value, error, sizeof error))
        return true;
    tool_printf(out, "%s: %s\n", name, error);
    return false;
}

size_t tool_split(const char *args, char *buffer, char **words, size_t max)
{
    strcpy(buffer, args);
    size_t count = 0;
    for (char *p = buffer; *p;) {
        while (*p && isspace((unsigned char)*p))
            *p++ = 0;
        if (!*p)
            break;
        if (count == max)
            return max + 1;
        words[count++] = p;
        while (*p && !isspace((unsigned char)*p))
            p++;
    }
    return count;
}

bool tool_is_x64(const struct tool_context *context)
{
    return ntmm_machine_config(context->machine)->arch == NTMM_ARCH_X64;
}

unsigned tool_pointer_size(const struct tool_context *context)
{
    return tool_is_x64(context) ? 8 : 4;
}

struct tool_hex tool_address_text(const struct tool_context *context, uint64_t address, bool upper)
{
    struct tool_hex h;
    if (!tool_is_x64(context))
        snprintf(h.text, sizeof h.text, upper ? "%08llX" : "%08llx",
                 (unsigned long long)(address & 0xffffffffu));
    else
        snprintf(h.text, sizeof h.text, upper ? "%08llX`%08llX" : "%08llx`%08llx",
                 (unsigned long long)(address >> 32), (unsigned long long)(address & 0xffffffffu));
    return h;
}

struct tool_hex tool_qword_text(uint64_t value)
{
    struct tool_hex h;
    snprintf(h.text, sizeof h.text, "%08llx`%08llx", (unsigned long long)(value >> 32),
             (unsigned long long)(value & 0xffffffffu));
    return h;
}

struct tool_hex tool_grouped(uint64_t value)
{
    char digits[24];
    struct tool_hex h;
    int n = snprintf(digits, sizeof digits, "%llu", (unsigned long long)value);
    size_t o = 0;
    for (int i = 0; i < n; i++) {
        if (i && (n - i) % 3 == 0)
            h.text[o++] = ',';
        h.text[o++] = digits[i];
    }
    h.text[o] = 0;
    return h;
}

uint64_t tool_self_map_end(const struct tool_context *context)
{
    struct ntmm_machine_info info;
    ntmm_machine_info(context->machine, &info);
    return info.pte_base + (tool_is_x64(context) ? 1ull << 36 : 1ull << 20) * info.pte_size;
}

const struct ntmm_process *tool_space_of(const struct tool_context *context, uint64_t va)
{
    if (!context->process)
        return NULL;
    struct ntmm_process_info info;
    struct ntmm_machine_info machine;
    ntmm_process_info(context->process, &info);
    ntmm_machine_info(context->machine, &machine);
    bool self_map = va >= machine.pte_base && va < tool_self_map_end(context);
    bool hyperspace = va >= machine.hyperspace && va <= machine.hyperspace_end;
    return va <= info.highest_user_address || self_map || hyperspace ? context->process : NULL;
}

bool tool_translate(const struct tool_context *context, uint64_t va, uint64_t *physical)
{
    if (!tool_is_x64(context) && va > 0xffffffffu)
        return false;
    struct ntmm_walk walk;
    if (ntmm_pte_walk(context->machine, tool_space_of(context, va), va, &walk) != STATUS_SUCCESS ||
        !walk.translated)
        return false;
    *physical = walk.physical;
    return true;
}

bool tool_read(const struct tool_context *context, uint64_t va, void *buffer, size_t size,
               bool *valid)
{
    uint8_t *bytes = buffer;
    bool all = true;
    for (size_t done = 0; done < size;) {
        uint64_t at = va + done;
        size_t chunk = NTMM_PAGE_SIZE - (size_t)(at & (NTMM_PAGE_SIZE - 1));
        if (chunk > size - done)
            chunk = size - done;
        uint64_t pa;
        bool ok = at >= va && tool_translate(context, at, &pa) &&
                  ntmm_read_physical(context->machine, pa, bytes + done, chunk) == STATUS_SUCCESS;
        if (!ok) {
            memset(bytes + done, 0, chunk);
            all = false;
        }
        if (valid)
            memset(valid + done, ok, chunk);
        done += chunk;
    }
    return all;
}

bool tool_read_value(const struct tool_context *context, uint64_t va, unsigned width,
                     uint64_t *value)
{
    uint8_t bytes[8];
    if (width > 8 || !tool_read(context, va, bytes, width, NULL))
        return false;
    uint64_t v = 0;
    for (unsigned i = width; i-- > 0;)
        v = v << 8 | bytes[i];
    *value = v;
    return true;
}

const char *tool_protection_name(unsigned protection, char *buffer, size_t size)
{
    static const char *const base[8] = { "NoAccess",  "ReadOnly",         "Execute",
                                         "ExecuteRead", "ReadWrite",      "WriteCopy",
                                         "ExecuteReadWrite", "ExecuteWriteCopy" };
    static const char *const modifier[4] = { "", " NoCache", " Guard", " WriteCombine" };
    unsigned p = protection & 0x1f;
    if (p == 0x18)
        snprintf(buffer, size, "%x - NoAccess", p);
    else if (p == 0x10)
        snprintf(buffer, size, "%x - Decommitted", p);
    else
        snprintf(buffer, size, "%x - %s%s", p, base[p & 7], modifier[p >> 3]);
    return buffer;
}

struct tool_name tool_file_name_text(const char *name)
{
    struct tool_name n = { "" };
    if (!name)
        return n;
    if (isalpha((unsigned char)name[0]) && name[1] == ':')
        name += 2;
    size_t o = 0;
    for (const char *p = name; *p && o + 1 < sizeof n.text; p++) {
        char c = *p == '/' ? '\\' : *p;
        if (c == '\\' && o && n.text[o - 1] == '\\')
            continue;
        if (!o && c != '\\')
            n.text[o++] = '\\';
        if (o + 1 < sizeof n.text)
            n.text[o++] = c;
    }
    n.text[o] = 0;
    return n;
}

struct tool_name tool_module_name(const char *name)
{
    struct tool_name path = tool_file_name_text(name), n = { "" };
    const char *base = strrchr(path.text, '\\');
    base = base ? base + 1 : path.text;
    const char *dot = strrchr(base, '.');
    size_t length = dot && dot != base ? (size_t)(dot - base) : strlen(base), o = 0;
    for (size_t i = 0; i < length && o + 1 < sizeof n.text; i++)
        n.text[o++] = isalnum((unsigned char)base[i]) ? base[i] : '_';
    n.text[o] = 0;
    if (!o)
        snprintf(n.text, sizeof n.text, "%s", "image");
    return n;
}
