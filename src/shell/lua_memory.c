/*
 * lua_memory.c — memory access by the current process in user mode, as its
 * code would make it: read8/16/32/64(addr), write8/16/32/64(addr, v),
 * readbytes(addr, n) -> string, writebytes(addr, s), execute(addr).
 *
 * An access Windows turns into an exception raises a Lua error whose value is
 * the exception record as a table, so pcall catches it as __except would:
 *   { code = 0xC0000005, address = 0x390000, access = 1 (0 read, 1 write,
 *     8 execute), name = "EXCEPTION_ACCESS_VIOLATION", where = "x.lua:3:" }
 * and tostring(e) is "EXCEPTION_ACCESS_VIOLATION (0xc0000005) writing 0x00390000".
 *
 * (1) Values read are zero-extended; values written are truncated to the
 *     access width (write8(a, -1) writes 0xFF).
 * (2) On an exception, bytes before the faulting page have been transferred
 *     (ntmm_read's rule), as with a faulting rep movs.
 */
#include <stdio.h>

#include <lauxlib.h>

#include "ntmm/win32.h"
#include "shell/shell.h"

#define EXCEPTION_TYPE "ntmm.exception"
#define MAX_BYTES ((lua_Integer)64 << 20) /* readbytes limit: 64 MB */

static const char *exception_name(uint32_t code)
{
    switch (code) {
    case EXCEPTION_ACCESS_VIOLATION: return "EXCEPTION_ACCESS_VIOLATION";
    case EXCEPTION_GUARD_PAGE: return "EXCEPTION_GUARD_PAGE";
    case EXCEPTION_IN_PAGE_ERROR: return "EXCEPTION_IN_PAGE_ERROR";
    case EXCEPTION_DATATYPE_MISALIGNMENT: return "EXCEPTION_DATATYPE_MISALIGNMENT";
    case EXCEPTION_STACK_OVERFLOW: return "EXCEPTION_STACK_OVERFLOW";
    default: return NULL;
    }
}

static const char *access_verb(lua_Integer access)
{
    return access == 1 ? "writing" : access == 8 ? "executing" : "reading";
}

static int exception_tostring(lua_State *L)
{
    lua_getfield(L, 1, "name");
    lua_getfield(L, 1, "code");
    lua_getfield(L, 1, "address");
    lua_getfield(L, 1, "access");
    const char *name = lua_tostring(L, 2);
    uint64_t address = (uint64_t)lua_tointeger(L, 4);
    char text[160];
    snprintf(text, sizeof text, "%s (0x%08x) %s 0x%0*llx", name ? name : "EXCEPTION",
             (unsigned)lua_tointeger(L, 3), access_verb(lua_tointeger(L, 5)),
             address > 0xffffffffu ? 16 : 8, (unsigned long long)address);
    lua_pushstring(L, text);
    return 1;
}

static void set_integer(lua_State *L, const char *field, uint64_t value)
{
    lua_pushinteger(L, (lua_Integer)value);
    lua_setfield(L, -2, field);
}

int memory_raise_exception(lua_State *L, struct ntmm_process *process, NTSTATUS status,
                     uint64_t address, unsigned access)
{
    struct ntmm_exception e;
    if (ntmm_last_exception(process, &e) && e.code == status) {
        address = e.address;
        access = e.access;
    }
    uint32_t code = (uint32_t)status;
    const char *name = exception_name(code);
    lua_createtable(L, 0, 5);
    set_integer(L, "code", code);
    set_integer(L, "address", address);
    set_integer(L, "access", access);
    lua_pushstring(L, name ? name : ntmm_status_name(status));
    lua_setfield(L, -2, "name");
    luaL_where(L, 1);
    lua_setfield(L, -2, "where");
    luaL_setmetatable(L, EXCEPTION_TYPE);
    return lua_error(L);
}

static uint64_t check_address(lua_State *L, int index)
{
    return (uint64_t)luaL_checkinteger(L, index);
}

static int read_n(lua_State *L, size_t size)
{
    struct ntmm_process *p = process_object_current(L);
    uint64_t address = check_address(L, 1), value = 0;
    NTSTATUS st = ntmm_read(p, address, &value, size); /* little-endian host */
    if (!NT_SUCCESS(st))
        return memory_raise_exception(L, p, st, address, 0);
    lua_pushinteger(L, (lua_Integer)value);
    return 1;
}

static int write_n(lua_State *L, size_t size)
{
    struct ntmm_process *p = process_object_current(L);
    uint64_t address = check_address(L, 1);
    uint64_t value = (uint64_t)luaL_checkinteger(L, 2);
    NTSTATUS st = ntmm_write(p, address, &value, size);
    if (!NT_SUCCESS(st))
        return memory_raise_exception(L, p, st, address, 1);
    return 0;
}

static int l_read8(lua_State *L) { return read_n(L, 1); }
static int l_read16(lua_State *L) { return read_n(L, 2); }
static int l_read32(lua_State *L) { return read_n(L, 4); }
static int l_read64(lua_State *L) { return read_n(L, 8); }
static int l_write8(lua_State *L) { return write_n(L, 1); }
static int l_write16(lua_State *L) { return write_n(L, 2); }
static int l_write32(lua_State *L) { return write_n(L, 4); }
static int l_write64(lua_State *L) { return write_n(L, 8); }

static int l_readbytes(lua_State *L)
{
    struct ntmm_process *p = process_object_current(L);
    uint64_t address = check_address(L, 1);
    lua_Integer n = luaL_checkinteger(L, 2);
    luaL_argcheck(L, n >= 0 && n <= MAX_BYTES, 2, "count out of range (0 to 64 MB)");
    luaL_Buffer b;
    char *bytes = luaL_buffinitsize(L, &b, (size_t)n);
    NTSTATUS st = ntmm_read(p, address, bytes, (size_t)n);
    if (!NT_SUCCESS(st))
        return memory_raise_exception(L, p, st, address, 0);
    luaL_pushresultsize(&b, (size_t)n);
    return 1;
}

static int l_writebytes(lua_State *L)
{
    struct ntmm_process *p = process_object_current(L);
    uint64_t address = check_address(L, 1);
    size_t n;
    const char *bytes = luaL_checklstring(L, 2, &n);
    NTSTATUS st = ntmm_write(p, address, bytes, n);
    if (!NT_SUCCESS(st))
        return memory_raise_exception(L, p, st, address, 1);
    return 0;
}

static int l_execute(lua_State *L)
{
    struct ntmm_process *p = process_object_current(L);
    uint64_t address = check_address(L, 1);
    NTSTATUS st = ntmm_execute(p, address);
    if (!NT_SUCCESS(st))
        return memory_raise_exception(L, p, st, address, 8);
    return 0;
}

void bind_memory(lua_State *L)
{
    static const luaL_Reg functions[] = {
        { "read8", l_read8 },   { "read16", l_read16 },   { "read32", l_read32 },
        { "read64", l_read64 }, { "write8", l_write8 },   { "write16", l_write16 },
        { "write32", l_write32 }, { "write64", l_write64 }, { "readbytes", l_readbytes },
        { "writebytes", l_writebytes }, { "execute", l_execute },
        { NULL, NULL },
    };
    luaL_newmetatable(L, EXCEPTION_TYPE);
    lua_pushcfunction(L, exception_tostring);
    lua_setfield(L, -2, "__tostring");
    lua_pop(L, 1);
    shell_register(L, functions);
}
