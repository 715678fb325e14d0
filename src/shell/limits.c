/*
 * limits.c — what bounds the host cost of a script: the bytes its Lua state
 * may hold (--lua-memory), the time a chunk may run (--timeout) and Ctrl-C.
 * Windows' counterpart is a job object's memory and time limits; here the
 * "job" is the Lua state, not the simulated machine, whose RAM is fixed by
 * --ram.
 *
 * (1) While a chunk runs (limits_enter … limits_leave), the state never
 *     holds more than options->lua_memory bytes, as Lua counts them (the
 *     sizes it passes to its allocator): a larger request fails, Lua
 *     collects its garbage and retries once, then raises its "not enough
 *     memory" error, which the chunk reports. Shrinking and freeing always
 *     succeed.
 * (2) Between chunks the shell may use LIMITS_RESERVE bytes more, to compile
 *     the next line: a script that filled the state with live data can
 *     still be told "t = nil".
 * (3) shell->lua_memory_bytes is the sum of the blocks the state holds.
 * (4) The default limit is a quarter of the host's physical memory, at most
 *     LIMITS_DEFAULT_CAP; a host that does not say gets the cap.
 * (5) SIGINT, or the end of a chunk's --timeout seconds (an ITIMER_REAL
 *     timer, SIGALRM), sets a flag and, while a chunk runs, a count hook on
 *     the main thread; coroutines carry a hook every LIMITS_HOOK_COUNT
 *     instructions from their creation. The hook raises "interrupted" or
 *     "timeout after N s", naming the line the chunk had reached. The error
 *     unwinds to the chunk's lua_pcall like any other, so the machine is
 *     left as the last finished call left it. Once raised, the hook runs at
 *     every instruction of the thread and of the main thread (the main
 *     thread's until the next chunk starts, a coroutine's for its life), so
 *     a pcall or coroutine.resume in a loop cannot swallow it. Without a
 *     signal the main thread runs with no hook: a hook, even a count hook,
 *     makes Lua 5.4 trap every instruction (twice the time).
 * (6) C code does not run the hook: a long debugger command or machine call
 *     ends first. Lua's pattern matcher (string.find, match, gmatch, gsub)
 *     cannot be stopped at all; pattern.c refuses the matches that could
 *     run long instead.
 */
#include <signal.h>
#include <stdlib.h>
#include <sys/time.h>
#include <unistd.h>

#include <lauxlib.h>

#include "shell/shell.h"

static const uint64_t LIMITS_DEFAULT_CAP = (uint64_t)4 << 30;
enum { LIMITS_RESERVE = 64 << 10, LIMITS_HOOK_COUNT = 1000 };

static volatile sig_atomic_t interrupted, timed_out; /* rule (5) */

uint64_t limits_default_lua_memory(void)
{
    long pages = sysconf(_SC_PHYS_PAGES), page_size = sysconf(_SC_PAGESIZE);
    if (pages <= 0 || page_size <= 0)
        return LIMITS_DEFAULT_CAP;
    uint64_t quarter = (uint64_t)pages / 4 * (uint64_t)page_size;
    return quarter < LIMITS_DEFAULT_CAP ? quarter : LIMITS_DEFAULT_CAP;
}

/* Lua's allocator contract (lua_Alloc); ptr == NULL means osize is a type tag. */
static void *limits_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
    struct shell *shell = ud;
    size_t old = ptr ? osize : 0;
    if (nsize == 0) {
        free(ptr);
        shell->lua_memory_bytes -= old;
        return NULL;
    }
    size_t limit = shell->lua_memory_ceiling, bytes = shell->lua_memory_bytes;
    if (nsize > old && (bytes > limit || nsize - old > limit - bytes))
        return NULL;
    void *block = realloc(ptr, nsize);
    if (block)
        shell->lua_memory_bytes = shell->lua_memory_bytes - old + nsize;
    return block;
}

/* The ceiling between chunks, rule (2). */
static size_t between_chunks(const struct shell *shell)
{
    uint64_t limit = shell->options->lua_memory;
    return limit < SIZE_MAX - LIMITS_RESERVE ? (size_t)limit + LIMITS_RESERVE : SIZE_MAX;
}

static void limits_hook(lua_State *L, lua_Debug *ar);

/* The main thread while a chunk runs (else NULL): what the signal hooks. */
static lua_State *volatile running;

/* A one-shot ITIMER_REAL of seconds (0: none). */
static void set_timer(unsigned seconds)
{
    struct itimerval timer = { .it_value = { .tv_sec = (time_t)seconds } };
    setitimer(ITIMER_REAL, &timer, NULL);
}

void limits_enter(struct shell *shell)
{
    shell->lua_memory_ceiling = (size_t)shell->options->lua_memory;
    interrupted = 0;
    timed_out = 0;
    lua_sethook(shell->L, NULL, 0, 0);
    running = shell->L;
    if (interrupted) /* a SIGINT before running was set */
        lua_sethook(shell->L, limits_hook, LUA_MASKCOUNT, 1);
    set_timer(shell->options->timeout);
}

void limits_leave(struct shell *shell)
{
    set_timer(0);
    running = NULL;
    shell->lua_memory_ceiling = between_chunks(shell);
}

/* Rule (5); level 0 is the function the instruction belongs to. */
static void limits_hook(lua_State *L, lua_Debug *ar)
{
    (void)ar;
    const struct shell *shell = shell_from_lua(L);
    if (interrupted) {
        luaL_where(L, 0);
        lua_pushliteral(L, "interrupted");
    } else if (timed_out) {
        luaL_where(L, 0);
        lua_pushfstring(L, "timeout after %d s", (int)shell->options->timeout);
    } else {
        return;
    }
    lua_sethook(L, limits_hook, LUA_MASKCOUNT, 1);
    lua_sethook(shell->L, limits_hook, LUA_MASKCOUNT, 1);
    lua_concat(L, 2);
    lua_error(L);
}

bool limits_take_interrupt(void)
{
    bool was = interrupted != 0;
    interrupted = 0;
    return was;
}

/* lua_sethook may be called from a signal handler (lua.c does so). */
static void on_signal(int signo)
{
    if (signo == SIGINT)
        interrupted = 1;
    else
        timed_out = 1;
    lua_State *L = running;
    if (L)
        lua_sethook(L, limits_hook, LUA_MASKCOUNT, 1);
}

/* Interrupted calls go on (SA_RESTART): a REPL reading a pipe keeps
 * reading; libedit's own handler, while it reads a line, passes SIGINT on
 * to this one. */
static void catch_signals(void)
{
    struct sigaction action = { .sa_handler = on_signal, .sa_flags = SA_RESTART };
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, NULL);
    sigaction(SIGALRM, &action, NULL);
}

/* coroutine.create and coroutine.wrap: Lua's (upvalue 1, run in this frame),
 * then the new thread gets rule (5)'s hook. wrap's function holds the thread
 * as its upvalue 1. */
static int hooked_coroutine(lua_State *L)
{
    lua_tocfunction(L, lua_upvalueindex(1))(L);
    if (lua_type(L, -1) == LUA_TFUNCTION)
        lua_getupvalue(L, -1, 1);
    else
        lua_pushvalue(L, -1);
    lua_sethook(lua_tothread(L, -1), limits_hook, LUA_MASKCOUNT, LIMITS_HOOK_COUNT);
    lua_pop(L, 1);
    return 1;
}

void limits_bind(lua_State *L)
{
    lua_getglobal(L, "coroutine");
    const char *const names[] = { "create", "wrap" };
    for (int i = 0; i < 2; i++) {
        lua_getfield(L, -1, names[i]);
        lua_pushcclosure(L, hooked_coroutine, 1);
        lua_setfield(L, -2, names[i]);
    }
    lua_pop(L, 1);
}

/* The limits from here on. The state was made by luaL_newstate (which keeps
 * lauxlib's panic and warning functions); its blocks so far came from
 * realloc, as limits_alloc's do, and Lua's count says how many bytes. */
void limits_open(struct shell *shell)
{
    lua_State *L = shell->L;
    shell->lua_memory_ceiling = between_chunks(shell);
    shell->lua_memory_bytes = (size_t)lua_gc(L, LUA_GCCOUNT) * 1024 + (size_t)lua_gc(L, LUA_GCCOUNTB);
    lua_setallocf(L, limits_alloc, shell);
    catch_signals();
}
