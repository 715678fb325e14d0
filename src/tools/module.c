/*
 * module.c — WinDbg's lm: the loaded modules, start, end (one past the last
 * byte) and module name, for the current process's image views
 * (ntmm_module_at: VADs with ImageMap, in address order) and then the
 * kernel image, nt. "lm v" adds each module's image path.
 *
 * The module name is the image file's base name without its extension, as
 * WinDbg names modules. ntmm loads no symbol files: user modules say
 * "(deferred)", as WinDbg does before it loads a module's symbols, and nt
 * "(ntmm symbols)": the names x nt!* knows are the kernel variables ntmm
 * defines.
 *
 * (1) Nothing changes: the list comes from ntmm_module_at and
 *     ntmm_machine_info.
 */
#include <string.h>

#include "tools/tool_internal.h"

static void lm_line(struct tool_context *context, uint64_t start, uint64_t end,
                    const char *module, const char *symbols, struct tool_output *out)
{
    tool_printf(out, "%s %s   %-10s %s\n", tool_address_text(context, start, false).text,
                tool_address_text(context, end, false).text, module, symbols);
}

NTSTATUS tool_lm(struct tool_context *context, const char *name, const char *args,
                 struct tool_output *out)
{
    bool verbose = strcmp(args, "v") == 0;
    if (*args && !verbose)
        return tool_fail(out, STATUS_INVALID_PARAMETER, "%s: usage: lm [v]", name);
    int w = tool_is_x64(context) ? 17 : 8;
    tool_printf(out, "%-*s %-*s   module name\n", w, "start", w, "end");
    struct ntmm_module_info module;
    for (unsigned i = 0; context->process && ntmm_module_at(context->process, i, &module); i++) {
        lm_line(context, module.base, module.end, tool_module_name(module.file_name).text,
                "(deferred)", out);
        if (verbose)
            tool_printf(out, "    Image path: %s\n",
                        module.file_name ? tool_file_name_text(module.file_name).text : "");
    }
    struct ntmm_machine_info info;
    ntmm_machine_info(context->machine, &info);
    lm_line(context, info.kernel_base, info.kernel_end, "nt", "(ntmm symbols)", out);
    if (verbose)
        tool_printf(out, "    Image path: \\SystemRoot\\system32\\ntoskrnl.exe\n");
    return STATUS_SUCCESS;
}
