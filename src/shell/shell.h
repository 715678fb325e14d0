/*
 * shell.h — the ntmm program's internal interface: the parsed command line,
 * the session (the machine, the Lua state) and the functions each shell file
 * provides. The shell sits above tools/ and the public headers; it includes
 * no mm/ or ke/ header.
 *
 * (1) Output is deterministic: nothing the shell prints depends on host
 *     addresses, time or the environment; processes are named by pid and by
 *     small handle values the shell assigns, never by host pointers.
 * (2) Every Lua-facing function raises a Lua error for bad arguments and
 *     never aborts the program.
 */
#ifndef NTMM_SHELL_H
#define NTMM_SHELL_H

#include <stdbool.h>
#include <stdio.h>
#include <stdint.h>

#include <lauxlib.h>
#include <lua.h>

#include "ntmm/ntmm.h"

enum { SHELL_MAX_CHUNKS = 64 };

/* The command line, as options.c parses it. */
struct shell_options {
    struct ntmm_config config;          /* the machine to boot */
    bool pagefile_given;                /* --pagefile seen (else one of 1.5 x RAM, growing to 3 x) */
    bool unsafe;                        /* --unsafe: full standard libraries */
    bool interactive;                   /* -i: the REPL after -e / the script */
    uint64_t lua_memory;                /* --lua-memory: bytes the Lua state may hold */
    unsigned timeout;                   /* --timeout: seconds a chunk may run; 0 no limit */
    const char *chunks[SHELL_MAX_CHUNKS]; /* -e code, in order */
    int chunk_count;
    int script_index;                   /* argv index of the script; 0: none */
    int argc;                           /* the whole command line, for arg */
    char **argv;
};

/* What parsing decided: run, or exit at once with a status. */
enum options_result { OPTIONS_RUN, OPTIONS_EXIT_OK, OPTIONS_EXIT_USAGE };

/* options.c */
enum options_result options_parse(int argc, char **argv, struct shell_options *options);

/* One session: a booted machine and the Lua state bound to it. */
struct shell {
    struct ntmm_machine *machine;
    lua_State *L;
    const struct shell_options *options;
    int next_handle;                    /* the next process handle value to hand out */
    size_t lua_memory_ceiling;          /* bytes the Lua state may hold now (limits.c) */
    size_t lua_memory_bytes;            /* bytes it holds now */
};

/* session.c: the machine of a session. shell_boot boots it with its first
 * process: -1, or the status to exit with (the reason on stderr).
 * shell_reboot replaces machine and Lua state with new ones (false: the
 * new machine did not boot; the reason is on stderr). shell_shutdown
 * closes the Lua state, then destroys the machine. */
int shell_boot(struct shell *shell);
bool shell_reboot(struct shell *shell);
void shell_shutdown(struct shell *shell);

/* lua_env.c: builds the Lua state (libraries, bindings, constants, arg). */
bool shell_lua_open(struct shell *shell);
/* Sets each function as a global of its own (lua_env.c rule (2)). */
void shell_register(lua_State *L, const luaL_Reg *functions);
struct shell *shell_from_lua(lua_State *L);

/* limits.c: the bounds of a chunk (memory, time, Ctrl-C). limits_open
 * installs them on shell->L right after the state is made, limits_bind
 * once the coroutine library is open; run_chunk brackets each chunk with
 * limits_enter and limits_leave. */
uint64_t limits_default_lua_memory(void);
void limits_open(struct shell *shell);
void limits_bind(lua_State *L);
void limits_enter(struct shell *shell);
void limits_leave(struct shell *shell);
bool limits_take_interrupt(void);   /* did SIGINT come since the last call? */

/* sandbox.c: the standard libraries, restricted unless unsafe. */
void sandbox_open(lua_State *L, bool unsafe, uint64_t seed);

/* pattern.c: string.find, match, gmatch and gsub refuse a match that
 * could take more steps than a budget. */
void pattern_open(lua_State *L);

/* determinism.c: stable orders and names in place of host ones. */
void determinism_open(lua_State *L);

/* The binding modules (lua_*.c): each registers its globals. */
void bind_constants(lua_State *L);
void bind_win32(lua_State *L);
void bind_sysinfo(lua_State *L);
void bind_workingset(lua_State *L);
void bind_memory(lua_State *L);
void bind_process(lua_State *L);
void bind_debug(lua_State *L);
void bind_file(lua_State *L);
void bind_section(lua_State *L);
void bind_module(lua_State *L);

/* lua_file.c: a file or section handle argument (an entry of the current
 * process's handle table; nil is NULL), and a handle result (NULL: nil). */
HANDLE handle_check(lua_State *L, int index);
int handle_push(lua_State *L, HANDLE h);

/* process_object.c: the process userdata and handle conversions. */
void process_object_register(lua_State *L);
void process_object_push(lua_State *L, struct ntmm_process *process, bool laa);
void process_object_terminate(lua_State *L, int index);
struct ntmm_process *process_object_check(lua_State *L, int index);
HANDLE process_object_handle(lua_State *L, int index);
struct ntmm_process *process_object_current(lua_State *L);

/* lua_debug.c: one debugger command on the current process; a command that
 * switches process (.process) switches the current process too. */
struct tool_output;
NTSTATUS shell_command(struct shell *shell, const char *line, struct tool_output *out);

/* lua_memory.c: raises the Lua error for an exception a process raised. */
int memory_raise_exception(lua_State *L, struct ntmm_process *process, NTSTATUS status,
                     uint64_t address, unsigned access);

/* run.c: running chunks and reporting their errors. */
/* echo.c: echo_open (after determinism_open) makes the function that shows
 * a REPL line's results; echo_push pushes it. */
void echo_open(lua_State *L);
void echo_push(lua_State *L);

/* complete.c: Tab completion at the prompt of shell's REPL. */
void complete_open(struct shell *shell);

/* history.c: the REPL's history, kept across sessions in the user's state
 * directory. */
void history_open(void);
void history_save(void);

/* help_docs.c: the help as docs/shell.md and as the man page ntmm.1. */
void help_write_markdown(FILE *f);
void help_write_man(FILE *f);

int run_chunk(lua_State *L, int nargs, int nresults, bool traceback);
void run_report(lua_State *L, int status);
int run_string(lua_State *L, const char *code, const char *name);
int run_script(lua_State *L, const char *path, int argc, char **argv);

/* repl.c: the exit status (1: a .reboot whose machine did not boot) */
int repl_run(struct shell *shell);

#endif
