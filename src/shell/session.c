/*
 * session.c — a session's machine: booting it with its first process
 * ("ntmm.exe", made current), showing the STOP screen the moment it bug
 * checks, .reboot (a new machine with the same configuration) and the
 * teardown.
 *
 * (1) The Lua state is closed before the machine is destroyed: finalizers
 *     may still name processes.
 * (2) .reboot is a whole new session: the Lua state goes with the machine
 *     (every value in it named the old machine's processes and handles),
 *     as a real reboot ends every program.
 * (3) The STOP screen is printed once per machine, on stdout, at the moment
 *     the memory manager stops it (ntmm_register_bug_check_callback), so it
 *     appears before anything the failing call's caller prints; not while
 *     the session tears the machine down.
 */
#include <stdio.h>

#include <lua.h>

#include "shell/shell.h"
#include "tools/tools.h"

/* (3) */
static void stop_screen(const struct ntmm_bug_check *b, void *context)
{
    struct shell *shell = context;
    struct tool_output out = { NULL, 0, 0 };
    tools_stop_screen(shell->machine, b, &out);
    fflush(stdout);
    if (out.text)
        fwrite(out.text, 1, out.length, stdout);
    fflush(stdout);
    tool_output_free(&out);
}

int shell_boot(struct shell *shell)
{
    const struct shell_options *options = shell->options;
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
    ntmm_register_bug_check_callback(shell->machine, stop_screen, shell);
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

void shell_shutdown(struct shell *shell)
{
    if (shell->L)
        lua_close(shell->L);
    shell->L = NULL;
    ntmm_set_current_process(NULL);
    if (shell->machine) /* (3): tearing down is the host's work, not the machine's */
        ntmm_register_bug_check_callback(shell->machine, NULL, NULL);
    ntmm_machine_destroy(shell->machine);
    shell->machine = NULL;
}

bool shell_reboot(struct shell *shell)
{
    shell_shutdown(shell);
    shell->next_handle = 4;
    if (shell_boot(shell) >= 0)
        return false;
    if (!shell_lua_open(shell)) {
        fputs("ntmm: cannot create the Lua state\n", stderr);
        return false;
    }
    puts("Rebooted: a new machine, booted as the first was; the Lua state starts afresh.");
    fflush(stdout);
    return true;
}
