/*
 * lua_section.c — the Win32 file-mapping functions under their Windows
 * names, on the current process:
 *   CreateFileMapping(hFile, nil, protect, maxHigh, maxLow [, name]) -> h | nil
 *       hFile INVALID_HANDLE_VALUE: backed by the pagefile; protect a PAGE_*
 *       value with SEC_* attributes; an existing name opens it and sets
 *       ERROR_ALREADY_EXISTS           (CreateFileMappingA, ...W: the same)
 *   OpenFileMapping(access, inherit, name) -> h | nil   (OpenFileMappingA, ...W)
 *   MapViewOfFile(h, access, offHigh, offLow, bytes) -> address | nil
 *   MapViewOfFileEx(h, access, offHigh, offLow, bytes, base|nil) -> address | nil
 *   UnmapViewOfFile(address) -> ok
 *   FlushViewOfFile(address [, bytes]) -> ok   (bytes 0 or none: to the view's end)
 * The handles are the current process's (lua_file.c (1)); views are
 * simulated addresses, read and written with read32, readbytes, write32 ...
 *
 * (1) Lua strings are UTF-8: the A and W names are one function (the A form).
 * (2) Each call sets the last error exactly as the C function does.
 */
#include <lauxlib.h>

#include "ntmm/win32.h"
#include "shell/shell.h"

static DWORD check_dword(lua_State *L, int index)
{
    return (DWORD)luaL_checkinteger(L, index);
}

static LPVOID opt_address(lua_State *L, int index)
{
    if (lua_isnoneornil(L, index))
        return NULL;
    return (LPVOID)(uintptr_t)(uint64_t)luaL_checkinteger(L, index);
}

static int push_address(lua_State *L, LPCVOID address)
{
    if (address)
        lua_pushinteger(L, (lua_Integer)(uintptr_t)address);
    else
        lua_pushnil(L);
    return 1;
}

static int l_create_file_mapping(lua_State *L)
{
    HANDLE file = handle_check(L, 1);
    luaL_argexpected(L, lua_isnoneornil(L, 2), 2, "nil (lpFileMappingAttributes)");
    DWORD protect = check_dword(L, 3), high = check_dword(L, 4), low = check_dword(L, 5);
    const char *name = luaL_optstring(L, 6, NULL);
    return handle_push(L, CreateFileMappingA(file, NULL, protect, high, low, name));
}

static int l_open_file_mapping(lua_State *L)
{
    DWORD access = check_dword(L, 1);
    BOOL inherit = lua_toboolean(L, 2);
    return handle_push(L, OpenFileMappingA(access, inherit, luaL_optstring(L, 3, NULL)));
}

static int map_view(lua_State *L, LPVOID base)
{
    HANDLE h = handle_check(L, 1);
    DWORD access = check_dword(L, 2), high = check_dword(L, 3), low = check_dword(L, 4);
    SIZE_T bytes = (SIZE_T)(uint64_t)luaL_checkinteger(L, 5);
    return push_address(L, MapViewOfFileEx(h, access, high, low, bytes, base));
}

static int l_map_view_of_file(lua_State *L) { return map_view(L, NULL); }
static int l_map_view_of_file_ex(lua_State *L) { return map_view(L, opt_address(L, 6)); }

static int l_unmap_view_of_file(lua_State *L)
{
    lua_pushboolean(L, UnmapViewOfFile(opt_address(L, 1)));
    return 1;
}

static int l_flush_view_of_file(lua_State *L)
{
    LPVOID address = opt_address(L, 1);
    SIZE_T bytes = (SIZE_T)(uint64_t)luaL_optinteger(L, 2, 0);
    lua_pushboolean(L, FlushViewOfFile(address, bytes));
    return 1;
}

void bind_section(lua_State *L)
{
    static const luaL_Reg functions[] = {
        { "CreateFileMapping", l_create_file_mapping },
        { "CreateFileMappingA", l_create_file_mapping },
        { "CreateFileMappingW", l_create_file_mapping },
        { "OpenFileMapping", l_open_file_mapping },
        { "OpenFileMappingA", l_open_file_mapping },
        { "OpenFileMappingW", l_open_file_mapping },
        { "MapViewOfFile", l_map_view_of_file },
        { "MapViewOfFileEx", l_map_view_of_file_ex },
        { "UnmapViewOfFile", l_unmap_view_of_file },
        { "FlushViewOfFile", l_flush_view_of_file },
        { NULL, NULL },
    };
    shell_register(L, functions);
}
