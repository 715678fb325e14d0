/*
 * lua_workingset.c — the working-set calls under their Windows names; h is
 * a process (or handle), nil for GetCurrentProcess(); sizes in bytes:
 *   GetProcessWorkingSetSize([h]) -> minimum, maximum | nil
 *   GetProcessWorkingSetSizeEx([h]) -> minimum, maximum, flags | nil
 *     (flags: QUOTA_LIMITS_HARDWS_MIN_ENABLE or _MIN_DISABLE, with
 *     _MAX_ENABLE or _MAX_DISABLE)
 *   SetProcessWorkingSetSize(h, minimum, maximum) -> bool
 *     (both -1: empty the working set, as (SIZE_T)-1)
 *   SetProcessWorkingSetSizeEx(h, minimum, maximum, flags) -> bool
 *   EmptyWorkingSet([h]) -> bool
 *   QueryWorkingSet([h]) -> { PSAPI_WORKING_SET_BLOCK, ... } | nil: one
 *     table per page of the working set, in the list's order, with Flags,
 *     Protection, ShareCount, Shared and VirtualPage (the address >> 12);
 *     page tables and hyperspace pages are there too
 *   QueryWorkingSetEx(h, addr) -> PSAPI_WORKING_SET_EX_BLOCK | nil: Flags,
 *     Valid, ShareCount, Win32Protection, Shared, Node, Locked, LargePage
 *     and Bad of the page at addr (Valid 0: not in the working set)
 * Each call sets the last error as the C function does.
 */
#include <lauxlib.h>
#include <stdlib.h>

#include "ntmm/win32.h"
#include "shell/shell.h"

static HANDLE opt_process(lua_State *L, int index)
{
    return lua_isnoneornil(L, index) ? GetCurrentProcess() : process_object_handle(L, index);
}

static SIZE_T check_size(lua_State *L, int index)
{
    return (SIZE_T)(uint64_t)luaL_checkinteger(L, index);
}

/* A bit field of a structure that is one ULONG_PTR (the SDK's layouts). */
struct bits {
    const char *name;
    unsigned shift, width;
};

static const struct bits block_bits[] = {
    { "Protection", 0, 5 }, { "ShareCount", 5, 3 }, { "Shared", 8, 1 }, { "VirtualPage", 12, 52 },
};

static const struct bits ex_block_bits[] = {
    { "Valid", 0, 1 },   { "ShareCount", 1, 3 }, { "Win32Protection", 4, 11 },
    { "Shared", 15, 1 }, { "Node", 16, 6 },      { "Locked", 22, 1 },
    { "LargePage", 23, 1 }, { "Bad", 31, 1 },
};

/* A table of Flags and each field of flags. */
static void push_bits(lua_State *L, uint64_t flags, const struct bits *bits, unsigned count)
{
    lua_createtable(L, 0, (int)count + 1);
    lua_pushinteger(L, (lua_Integer)flags);
    lua_setfield(L, -2, "Flags");
    for (unsigned i = 0; i < count; i++) {
        lua_pushinteger(L, (lua_Integer)((flags >> bits[i].shift) & ((1ull << bits[i].width) - 1)));
        lua_setfield(L, -2, bits[i].name);
    }
}

static int l_get_size_ex(lua_State *L)
{
    SIZE_T minimum, maximum;
    DWORD flags;
    if (!GetProcessWorkingSetSizeEx(opt_process(L, 1), &minimum, &maximum, &flags)) {
        lua_pushnil(L);
        return 1;
    }
    lua_pushinteger(L, (lua_Integer)minimum);
    lua_pushinteger(L, (lua_Integer)maximum);
    lua_pushinteger(L, (lua_Integer)flags);
    return 3;
}

static int l_get_size(lua_State *L)
{
    if (l_get_size_ex(L) == 1)
        return 1;
    lua_pop(L, 1); /* the flags */
    return 2;
}

static int l_set_size(lua_State *L)
{
    lua_pushboolean(L, SetProcessWorkingSetSize(opt_process(L, 1), check_size(L, 2),
                                                check_size(L, 3)));
    return 1;
}

static int l_set_size_ex(lua_State *L)
{
    lua_pushboolean(L, SetProcessWorkingSetSizeEx(opt_process(L, 1), check_size(L, 2),
                                                  check_size(L, 3),
                                                  (DWORD)luaL_checkinteger(L, 4)));
    return 1;
}

static int l_empty(lua_State *L)
{
    lua_pushboolean(L, EmptyWorkingSet(opt_process(L, 1)));
    return 1;
}

/* The count first (ERROR_BAD_LENGTH gives it), then the entries. */
static int l_query(lua_State *L)
{
    HANDLE h = opt_process(L, 1);
    ULONG_PTR count = 0;
    if (!QueryWorkingSet(h, &count, sizeof count) && GetLastError() != ERROR_BAD_LENGTH) {
        lua_pushnil(L);
        return 1;
    }
    size_t cb = sizeof(ULONG_PTR) + count * sizeof(PSAPI_WORKING_SET_BLOCK);
    PSAPI_WORKING_SET_INFORMATION *info = malloc(cb);
    if (!info)
        return luaL_error(L, "not enough host memory");
    if (!QueryWorkingSet(h, info, (DWORD)cb)) {
        free(info);
        lua_pushnil(L);
        return 1;
    }
    lua_createtable(L, (int)info->NumberOfEntries, 0);
    for (ULONG_PTR i = 0; i < info->NumberOfEntries; i++) {
        push_bits(L, info->WorkingSetInfo[i].Flags, block_bits,
                  sizeof block_bits / sizeof block_bits[0]);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    free(info);
    return 1;
}

static int l_query_ex(lua_State *L)
{
    PSAPI_WORKING_SET_EX_INFORMATION e = {
        .VirtualAddress = (PVOID)(uintptr_t)(uint64_t)luaL_checkinteger(L, 2),
    };
    if (!QueryWorkingSetEx(opt_process(L, 1), &e, sizeof e)) {
        lua_pushnil(L);
        return 1;
    }
    push_bits(L, e.VirtualAttributes.Flags, ex_block_bits,
              sizeof ex_block_bits / sizeof ex_block_bits[0]);
    return 1;
}

void bind_workingset(lua_State *L)
{
    static const luaL_Reg functions[] = {
        { "GetProcessWorkingSetSize", l_get_size },
        { "GetProcessWorkingSetSizeEx", l_get_size_ex },
        { "SetProcessWorkingSetSize", l_set_size },
        { "SetProcessWorkingSetSizeEx", l_set_size_ex },
        { "EmptyWorkingSet", l_empty },
        { "QueryWorkingSet", l_query },
        { "QueryWorkingSetEx", l_query_ex },
        { NULL, NULL },
    };
    shell_register(L, functions);
}
