-- E17: the PAGE_* protections and what each allows.
-- Seed 002 ("内存保护状态", memory protection options) lists each constant with its
-- documented meaning: NOACCESS faults on any access, READONLY faults on writes
-- (and on execution where the processor tells reading from executing), EXECUTE_*
-- allow running code, GUARD raises STATUS_GUARD_PAGE once and then turns itself
-- off, NOCACHE / WRITECOMBINE cannot go with GUARD, NOACCESS or each other
-- ("SYSTEM_INVALID_PAGE_PROTECTION"), WRITECOPY is copy-on-write (for mapped
-- views only: VirtualAlloc refuses it).
-- Each access runs under pcall, as __try/__except would: "AV" is
-- EXCEPTION_ACCESS_VIOLATION (0xC0000005), "GUARD" EXCEPTION_GUARD_PAGE (0x80000001).
-- Run: ntmm examples/seeds/e17_protections.lua   (PAE or x64: NX; --arch x86: no NX,
-- so every readable page is executable)

local function fail(msg) error("E17: " .. msg, 2) end
local function kd(command)
  print("kd> " .. command)
  local text, ok = dbg(command)
  print((text:gsub("\n$", "")))
  if not ok then fail("the command failed: " .. command) end
  return text
end
local vtop = dbg("!vtop 0 0") -- X86VtoP (its steps "PAE ..." on PAE) or Amd64VtoP
local paging = vtop:match("^(%w+)VtoP") .. (vtop:find(": PAE ") and "Pae" or "")
local nx = paging ~= "X86"
-- try(f, ...): "ok", or the exception's short name; the exception itself second.
local function try(f, ...)
  local ok, e = pcall(f, ...)
  if ok then return "ok" end
  if type(e) ~= "table" then error(e, 0) end
  return ({ [EXCEPTION_ACCESS_VIOLATION] = "AV", [EXCEPTION_GUARD_PAGE] = "GUARD" })[e.code] or e.name, e
end
local function alloc(protect)
  SetLastError(0)
  return VirtualAlloc(nil, 0x1000, MEM_COMMIT, protect)
end

print(("E17 - PAGE_* protections (seed 002); %s paging, %s"):format(paging,
  nx and "NX: data pages do not execute" or "no NX bit: readable means executable"))
print()
-- name, expected read / write / execute; nil: VirtualAlloc must refuse it.
local X = nx and "AV" or "ok"
local rows = {
  { "PAGE_NOACCESS", "AV", "AV", "AV" },
  { "PAGE_READONLY", "ok", "AV", X },
  { "PAGE_READWRITE", "ok", "ok", X },
  { "PAGE_WRITECOPY" },
  { "PAGE_EXECUTE", "ok", "AV", "ok" },       -- x86 pages cannot be execute-only: reads work
  { "PAGE_EXECUTE_READ", "ok", "AV", "ok" },
  { "PAGE_EXECUTE_READWRITE", "ok", "ok", "ok" },
  { "PAGE_EXECUTE_WRITECOPY" },
}
print(("%-24s %-10s %-6s %-6s %s"):format("protection", "address", "read", "write", "execute"))
local example
for _, row in ipairs(rows) do
  local name = row[1]
  local p = alloc(_G[name])
  if not row[2] then
    print(("%-24s refused, GetLastError() = %d"):format(name, GetLastError()))
    if p or GetLastError() ~= ERROR_INVALID_PARAMETER then fail(name .. " was not refused with ERROR_INVALID_PARAMETER") end
  else
    if not p then fail(name .. " refused, error " .. GetLastError()) end
    local r, e = try(read8, p)
    example = example or e
    local w = try(write8, p, 0x90)
    local x = try(execute, p)
    print(("%-24s %-10s %-6s %-6s %s"):format(name, hex(p), r, w, x))
    if r ~= row[2] or w ~= row[3] or x ~= row[4] then
      fail(("%s: read %s write %s execute %s, expected %s %s %s"):format(name, r, w, x, row[2], row[3], row[4]))
    end
  end
end
print("e.g. " .. tostring(example))

-- PAGE_GUARD: one exception, then the page behaves as its base protection.
print()
print("> g = VirtualAlloc(NULL, 0x1000, MEM_COMMIT, PAGE_READWRITE | PAGE_GUARD)")
local g = alloc(PAGE_READWRITE | PAGE_GUARD)
if not g then fail("PAGE_GUARD refused") end
local before = VirtualQuery(g).Protect
print(("VirtualQuery(g).Protect = 0x%x"):format(before))
local first, e = try(read32, g)
print("first read:  " .. (e and tostring(e) or first))
local after = VirtualQuery(g).Protect
print(("VirtualQuery(g).Protect = 0x%x"):format(after))
local second = try(read32, g)
local third = try(write32, g, 1)
print("second read: " .. second .. "; write: " .. third)
if before ~= PAGE_READWRITE | PAGE_GUARD or first ~= "GUARD" or e.code ~= STATUS_GUARD_PAGE_VIOLATION
   or after ~= PAGE_READWRITE or second ~= "ok" or third ~= "ok" then
  fail("PAGE_GUARD is not a one-shot exception")
end

-- PAGE_NOCACHE and PAGE_WRITECOMBINE: modifiers of an accessible protection.
print()
local nc = alloc(PAGE_READWRITE | PAGE_NOCACHE)
local wc = alloc(PAGE_READWRITE | PAGE_WRITECOMBINE)
if not nc or not wc then fail("PAGE_READWRITE with NOCACHE or WRITECOMBINE refused") end
print(("PAGE_READWRITE | PAGE_NOCACHE       at %s, Protect 0x%x"):format(hex(nc), VirtualQuery(nc).Protect))
print(("PAGE_READWRITE | PAGE_WRITECOMBINE  at %s, Protect 0x%x"):format(hex(wc), VirtualQuery(wc).Protect))
write8(nc, 1)
local pte = kd("!pte " .. hex(nc))
if not pte:match("pfn %x+%s+%-*D?A?N") then fail("the NOCACHE page's PTE has no CacheDisable (N)") end
local invalid = {
  { "PAGE_NOACCESS | PAGE_GUARD", PAGE_NOACCESS | PAGE_GUARD },
  { "PAGE_NOACCESS | PAGE_NOCACHE", PAGE_NOACCESS | PAGE_NOCACHE },
  { "PAGE_READWRITE | PAGE_NOCACHE | PAGE_GUARD", PAGE_READWRITE | PAGE_NOCACHE | PAGE_GUARD },
  { "PAGE_READWRITE | PAGE_WRITECOMBINE | PAGE_GUARD", PAGE_READWRITE | PAGE_WRITECOMBINE | PAGE_GUARD },
  { "PAGE_READWRITE | PAGE_NOCACHE | PAGE_WRITECOMBINE", PAGE_READWRITE | PAGE_NOCACHE | PAGE_WRITECOMBINE },
  { "PAGE_READWRITE | PAGE_READONLY", PAGE_READWRITE | PAGE_READONLY },
}
for _, c in ipairs(invalid) do
  local p = alloc(c[2])
  print(("%-48s refused, GetLastError() = %d"):format(c[1], GetLastError()))
  if p or GetLastError() ~= ERROR_INVALID_PARAMETER then fail(c[1] .. " was not refused") end
end

-- VirtualProtect: returns the old protection; WRITECOPY is refused for private memory.
print()
local p = alloc(PAGE_READWRITE)
local ok, old = VirtualProtect(p, 0x1000, PAGE_READONLY)
print(("VirtualProtect(p, 0x1000, PAGE_READONLY) -> %s, old 0x%x; write: %s"):format(
  tostring(ok), old, (try(write8, p, 1))))
if not ok or old ~= PAGE_READWRITE or try(write8, p, 1) ~= "AV" then fail("VirtualProtect to READONLY") end
ok = VirtualProtect(p, 0x1000, PAGE_WRITECOPY)
print(("VirtualProtect(p, 0x1000, PAGE_WRITECOPY) -> %s, GetLastError() = %d"):format(tostring(ok), GetLastError()))
if ok or GetLastError() ~= ERROR_INVALID_PARAMETER or VirtualQuery(p).Protect ~= PAGE_READONLY then
  fail("PAGE_WRITECOPY was not refused for private memory")
end
print()
print("E17 holds: each protection allows what its documentation says, PAGE_GUARD fires")
print("once, the invalid modifier combinations and WRITECOPY on private memory are refused")
