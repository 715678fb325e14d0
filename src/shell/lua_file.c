/*
 * lua_file.c — the Win32 file functions and CloseHandle under their Windows
 * names, on the current process (its handle table, its simulated memory):
 *   CreateFile(name, access, share, nil, disposition, flags, nil)
 *       -> h | INVALID_HANDLE_VALUE         (CreateFileA, CreateFileW: the same)
 *   ReadFile(h, buffer, n [, lpNumberOfBytesRead]) -> ok, bytes
 *   WriteFile(h, buffer, n [, lpNumberOfBytesWritten]) -> ok, bytes
 *   SetFilePointer(h, distance, high|nil, method) -> low [, high]
 *   SetFilePointerEx(h, distance, method) -> ok, position | nil
 *   SetEndOfFile(h) -> ok
 *   GetFileSize(h) -> low, high             GetFileSizeEx(h) -> size | nil
 *   DeleteFile(name) -> ok                  (DeleteFileA, DeleteFileW: the same)
 *   CloseHandle(h) -> ok
 *
 * As in Windows, ReadFile and WriteFile move bytes between the file and
 * the process's simulated memory at buffer (writebytes(buffer, s) puts a
 * Lua string there, readbytes(buffer, n) gets it back); lpNumberOf... is an
 * optional simulated address that receives the count as Windows writes it.
 * bytes is the count moved, the advance of the file pointer (what
 * *lpNumberOfBytesRead holds), also on failure (ERROR_NOACCESS after the
 * pages before the faulting one).
 *
 * (1) File and section handles are the values of the current process's
 *     handle table (4, 8, 12 ...), as the C functions return them; they are
 *     not the shell's process handles (p.handle), which name process objects
 *     only for the *Ex calls. CloseHandle(p) of a process object closes
 *     nothing and succeeds, as CloseHandle(GetCurrentProcess()) does.
 * (2) Lua strings are UTF-8: the A and W names are one function, passing the
 *     name to the A form. nil for a handle is NULL.
 * (3) Each call sets the last error exactly as the C function does: the
 *     binding calls nothing else that could change it on failure.
 */
#include <lauxlib.h>

#include "ntmm/win32.h"
#include "shell/shell.h"

HANDLE handle_check(lua_State *L, int index)
{
    if (lua_isnoneornil(L, index))
        return NULL;
    return (HANDLE)(intptr_t)luaL_checkinteger(L, index);
}

int handle_push(lua_State *L, HANDLE h)
{
    if (h)
        lua_pushinteger(L, (lua_Integer)(intptr_t)h);
    else
        lua_pushnil(L);
    return 1;
}

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

static void check_null(lua_State *L, int index, const char *what)
{
    luaL_argexpected(L, lua_isnoneornil(L, index), index, what);
}

static int l_create_file(lua_State *L)
{
    const char *name = luaL_optstring(L, 1, NULL);
    DWORD access = check_dword(L, 2), share = check_dword(L, 3);
    check_null(L, 4, "nil (lpSecurityAttributes)");
    DWORD disposition = check_dword(L, 5);
    DWORD flags = (DWORD)luaL_optinteger(L, 6, FILE_ATTRIBUTE_NORMAL);
    HANDLE template_file = handle_check(L, 7);
    HANDLE h = CreateFileA(name, access, share, NULL, disposition, flags, template_file);
    lua_pushinteger(L, (lua_Integer)(intptr_t)h); /* INVALID_HANDLE_VALUE is -1 */
    return 1;
}

/* The file pointer of h, or -1 when h names no file (the last error is
 * then the one the transfer itself will set). */
static int64_t file_position(HANDLE h)
{
    LARGE_INTEGER zero = { .QuadPart = 0 }, position;
    DWORD error = GetLastError();
    BOOL ok = SetFilePointerEx(h, zero, &position, FILE_CURRENT);
    SetLastError(error);
    return ok ? position.QuadPart : -1;
}

typedef BOOL transfer_function(HANDLE, LPVOID, DWORD, LPDWORD, PVOID);

static BOOL write_file(HANDLE h, LPVOID buffer, DWORD n, LPDWORD done, PVOID overlapped)
{
    return WriteFile(h, buffer, n, done, overlapped);
}

/* ReadFile and WriteFile: (h, buffer, n [, count address]) -> ok, bytes. */
static int transfer(lua_State *L, transfer_function *call)
{
    HANDLE h = handle_check(L, 1);
    LPVOID buffer = opt_address(L, 2);
    DWORD n = check_dword(L, 3);
    LPDWORD count = opt_address(L, 4);
    int64_t before = file_position(h);
    BOOL ok = call(h, buffer, n, count, NULL);
    int64_t after = before < 0 ? -1 : file_position(h);
    lua_pushboolean(L, ok);
    lua_pushinteger(L, after >= before ? (lua_Integer)(after - before) : 0);
    return 2;
}

static int l_read_file(lua_State *L) { return transfer(L, ReadFile); }
static int l_write_file(lua_State *L) { return transfer(L, write_file); }

static int l_set_file_pointer(lua_State *L)
{
    HANDLE h = handle_check(L, 1);
    LONG low = (LONG)luaL_checkinteger(L, 2);
    bool has_high = !lua_isnoneornil(L, 3);
    LONG high = has_high ? (LONG)luaL_checkinteger(L, 3) : 0;
    DWORD method = check_dword(L, 4);
    DWORD result = SetFilePointer(h, low, has_high ? &high : NULL, method);
    lua_pushinteger(L, result);
    if (!has_high)
        return 1;
    lua_pushinteger(L, high);
    return 2;
}

static int l_set_file_pointer_ex(lua_State *L)
{
    HANDLE h = handle_check(L, 1);
    LARGE_INTEGER distance = { .QuadPart = (int64_t)luaL_checkinteger(L, 2) }, position;
    BOOL ok = SetFilePointerEx(h, distance, &position, check_dword(L, 3));
    lua_pushboolean(L, ok);
    if (ok)
        lua_pushinteger(L, (lua_Integer)position.QuadPart);
    else
        lua_pushnil(L);
    return 2;
}

static int l_set_end_of_file(lua_State *L)
{
    lua_pushboolean(L, SetEndOfFile(handle_check(L, 1)));
    return 1;
}

static int l_get_file_size(lua_State *L)
{
    DWORD high = 0;
    DWORD low = GetFileSize(handle_check(L, 1), &high);
    lua_pushinteger(L, low);
    lua_pushinteger(L, high);
    return 2;
}

static int l_get_file_size_ex(lua_State *L)
{
    LARGE_INTEGER size;
    if (GetFileSizeEx(handle_check(L, 1), &size))
        lua_pushinteger(L, (lua_Integer)size.QuadPart);
    else
        lua_pushnil(L);
    return 1;
}

static int l_delete_file(lua_State *L)
{
    lua_pushboolean(L, DeleteFileA(luaL_optstring(L, 1, NULL)));
    return 1;
}

static int l_close_handle(lua_State *L)
{
    HANDLE h = lua_isuserdata(L, 1) ? process_object_handle(L, 1) : handle_check(L, 1);
    lua_pushboolean(L, CloseHandle(h));
    return 1;
}

void bind_file(lua_State *L)
{
    static const luaL_Reg functions[] = {
        { "CreateFile", l_create_file },
        { "CreateFileA", l_create_file },
        { "CreateFileW", l_create_file },
        { "ReadFile", l_read_file },
        { "WriteFile", l_write_file },
        { "SetFilePointer", l_set_file_pointer },
        { "SetFilePointerEx", l_set_file_pointer_ex },
        { "SetEndOfFile", l_set_end_of_file },
        { "GetFileSize", l_get_file_size },
        { "GetFileSizeEx", l_get_file_size_ex },
        { "DeleteFile", l_delete_file },
        { "DeleteFileA", l_delete_file },
        { "DeleteFileW", l_delete_file },
        { "CloseHandle", l_close_handle },
        { NULL, NULL },
    };
    shell_register(L, functions);
}
