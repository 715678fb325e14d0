/*
 * main.c — the ntmm program: parse the command line, boot the session's
 * machine (session.c), run the -e chunks, the script or the REPL, then tear
 * everything down.
 *
 * Exit status: 0 success, 1 a Lua error (or a machine that failed to boot),
 * 2 a bad command line or configuration.
 */
#include <stdio.h>

#include "shell/shell.h"

/* The -e chunks, then the script; the exit status. */
static int run_batch(struct shell *shell, const struct shell_options *o)
{
    for (int i = 0; i < o->chunk_count; i++)
        if (run_string(shell->L, o->chunks[i], "=(command line)") != LUA_OK)
            return 1;
    if (o->script_index) {
        int first = o->script_index;
        if (run_script(shell->L, o->argv[first], o->argc - first - 1, o->argv + first + 1) != LUA_OK)
            return 1;
    }
    return 0;
}

static int session(struct shell *shell, const struct shell_options *o)
{
    if (!shell_lua_open(shell)) {
        fputs("ntmm: cannot create the Lua state\n", stderr);
        return 1;
    }
    int status = run_batch(shell, o);
    bool batch = o->chunk_count || o->script_index;
    if (status == 0 && (!batch || o->interactive))
        status = repl_run(shell);
    return status;
}

int main(int argc, char **argv)
{
    struct shell_options options;
    enum options_result parsed = options_parse(argc, argv, &options);
    if (parsed != OPTIONS_RUN)
        return parsed == OPTIONS_EXIT_OK ? 0 : 2;
    struct shell shell = { .options = &options, .next_handle = 4 };
    int status = shell_boot(&shell);
    if (status < 0)
        status = session(&shell, &options);
    shell_shutdown(&shell);
    fflush(stdout);
    return status;
}
