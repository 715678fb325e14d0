/*
 * main.c — the ntmm program: parse the command line, boot the machine with
 * its first process ("ntmm.exe", made current), run the -e chunks, the
 * script or the REPL, then tear everything down.
 *
 * Exit status: 0 success, 1 a Lua error (or a machine that failed to boot),
 * 2 a bad command line or configuration.
 *
 * (1) The Lua state is closed before the machine is destroyed: finalizers
 *     may still name processes.
 */
#include <stdio.h>

#include "shell/shell.h"

/* Boots the machine and the first process; the status to exit with, or -1. */
static int boot(struct shell *shell, const struct shell_options *options)
{
    char message[256];
    if (!NT_SUCCESS(ntmm_config_validate(&options->config, message, sizeof message))) {
        fprintf(stderr, "ntmm: %s\n", message);
        return 2;
    }
    NTSTATUS st = ntmm_machine_create(&options->config, &shell->machine);
    if (!NT_SUCCESS(st)) {
        fprintf(stderr, "ntmm: the machine did not boot: %s\n", ntmm_status_name(st));
        return 1;
    }
    struct ntmm_process_options first = {
        .image_name = "ntmm.exe",
        .is_64bit = options->config.arch == NTMM_ARCH_X64,
        .large_address_aware = options->config.arch == NTMM_ARCH_X64, /* 64-bit images are */
    };
    struct ntmm_process *process;
    st = ntmm_process_create(shell->machine, &first, &process);
    if (!NT_SUCCESS(st)) {
        fprintf(stderr, "ntmm: no first process: %s\n", ntmm_status_name(st));
        return 1;
    }
    ntmm_set_current_process(process);
    return -1;
}

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
        repl_run(shell);
    return status;
}

int main(int argc, char **argv)
{
    struct shell_options options;
    enum options_result parsed = options_parse(argc, argv, &options);
    if (parsed != OPTIONS_RUN)
        return parsed == OPTIONS_EXIT_OK ? 0 : 2;
    struct shell shell = { .options = &options, .next_handle = 4 };
    int status = boot(&shell, &options);
    if (status < 0)
        status = session(&shell, &options);
    if (shell.L)
        lua_close(shell.L);
    ntmm_set_current_process(NULL);
    ntmm_machine_destroy(shell.machine);
    fflush(stdout);
    return status;
}
