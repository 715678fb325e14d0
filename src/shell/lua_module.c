/*
 * lua_module.c — the loader functions under their Windows names, on the
 * current process:
 *   LoadLibrary(name) -> hModule | nil            (LoadLibraryA, ...W: the same)
 *   LoadLibraryEx(name, nil, flags) -> hModule | nil   (LoadLibraryExA, ...W)
 *   FreeLibrary(hModule) -> ok
 *   GetModuleHandle(name | nil) -> hModule | nil  (GetModuleHandleA, ...W)
 *   GetModuleFileName(hModule | nil, buffer, size) -> length
 *       (GetModuleFileNameA, ...W: the A form) writes the name into the
 *       process's simulated memory at buffer, as Windows does; readbytes
 *       (buffer, length) reads it
 * An HMODULE is the image's base address (a number); the DLL is mapped, its
 * imports on the C: drive with it, and no code runs (win32.h).
 *
 * (1) Lua strings are UTF-8: the A and W names are one function (the A form).
 * (2) Each call sets the last error exactly as the C function does.
 */
#include <lauxlib.h>

#include "ntmm/win32.h"
#include "shell/shell.h"

static HMODULE opt_module(lua_State *L, int index)
{
    if (lua_isnoneornil(L, index))
        return NULL;
    return (HMODULE)(uintptr_t)(uint64_t)luaL_checkinteger(L, index);
}

static int push_module(lua_State *L, HMODULE module)
{
    if (module)
        lua_pushinteger(L, (lua_Integer)(uintptr_t)module);
    else
        lua_pushnil(L);
    return 1;
}

static int l_load_library(lua_State *L)
{
    return push_module(L, LoadLibraryA(luaL_optstring(L, 1, NULL)));
}

static int l_load_library_ex(lua_State *L)
{
    const char *name = luaL_optstring(L, 1, NULL);
    HANDLE file = handle_check(L, 2);
    DWORD flags = (DWORD)luaL_optinteger(L, 3, 0);
    return push_module(L, LoadLibraryExA(name, file, flags));
}

static int l_free_library(lua_State *L)
{
    lua_pushboolean(L, FreeLibrary(opt_module(L, 1)));
    return 1;
}

static int l_get_module_handle(lua_State *L)
{
    return push_module(L, GetModuleHandleA(luaL_optstring(L, 1, NULL)));
}

static int l_get_module_file_name(lua_State *L)
{
    HMODULE module = opt_module(L, 1);
    LPSTR buffer = (LPSTR)(uintptr_t)(uint64_t)luaL_checkinteger(L, 2);
    DWORD size = (DWORD)luaL_checkinteger(L, 3);
    lua_pushinteger(L, GetModuleFileNameA(module, buffer, size));
    return 1;
}

void bind_module(lua_State *L)
{
    static const luaL_Reg functions[] = {
        { "LoadLibrary", l_load_library },
        { "LoadLibraryA", l_load_library },
        { "LoadLibraryW", l_load_library },
        { "LoadLibraryEx", l_load_library_ex },
        { "LoadLibraryExA", l_load_library_ex },
        { "LoadLibraryExW", l_load_library_ex },
        { "FreeLibrary", l_free_library },
        { "GetModuleHandle", l_get_module_handle },
        { "GetModuleHandleA", l_get_module_handle },
        { "GetModuleHandleW", l_get_module_handle },
        { "GetModuleFileName", l_get_module_file_name },
        { "GetModuleFileNameA", l_get_module_file_name },
        { "GetModuleFileNameW", l_get_module_file_name },
        { NULL, NULL },
    };
    shell_register(L, functions);
}
