/*
 * limits.c — what bounds the host cost of a script: the bytes its Lua state
 * may hold (--lua-memory). Windows' counterpart is a job object's memory
 * limit; here the "job" is the Lua state, not the simulated machine, whose
 * RAM is fixed by --ram.
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
 */
#include <stdlib.h>
#include <unistd.h>

#include <lauxlib.h>

#include "shell/shell.h"

static const uint64_t LIMITS_DEFAULT_CAP = (uint64_t)4 << 30;
enum { LIMITS_RESERVE = 64 << 10 };

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

void limits_enter(struct shell *shell)
{
    shell->lua_memory_ceiling = (size_t)shell->options->lua_memory;
}

void limits_leave(struct shell *shell)
{
    shell->lua_memory_ceiling = between_chunks(shell);
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
}
