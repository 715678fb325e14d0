-- random_script.lua — writes a random hostile script for the ntmm shell on
-- stdout (tests/test_random_scripts.sh runs it):
--   ntmm tests/random_script.lua SEED [CALLS] > s.lua
-- The script calls every function the shell binds (every global function
-- that is not Lua's base library, listed from the shell itself, so a new
-- binding is covered without a change here) once in a shuffled order, then
-- CALLS more at random, each through pcall with hostile arguments: nil,
-- wrong types, huge, negative and misaligned values, addresses the machine
-- returned (plus an offset), processes, constants; among them debugger
-- commands and kernel edits (eb/ew/ed/eq on the page list heads, PFN
-- entries, kernel variables and the PTEs of returned addresses: odd seeds
-- only, in the last third of the calls). It ends with !verify.
--
-- (1) The same SEED writes the same script: the generator has its own
--     xorshift generator and sorts what it lists.
-- (2) The script prints every call's results (tables with their keys
--     sorted), so two runs of it can be compared byte for byte.
-- (3) Its last line is "verify ok", "verify stopped" (the machine
--     bug-checked), "verify edited" (kernel memory was edited and the
--     verifier found it corrupt) or "verify FAILED: ..." (broken without an
--     edit: a bug).

local seed = math.tointeger(tonumber(arg[1] or "")) or 1
local extra = math.tointeger(tonumber(arg[2] or "")) or 120

local state = seed * 0x9E3779B97F4A7C15 + 0x2545F4914F6CDD1D
local function random(n)
  state = state ~ (state << 13)
  state = state ~ (state >> 7)
  state = state ~ (state << 17)
  return state % n + 1
end
local function pick(t) return t[random(#t)] end

local base = {}
for name in ("assert collectgarbage dofile error getmetatable ipairs load loadfile next " ..
             "pairs pcall print rawequal rawget rawlen rawset require select setmetatable " ..
             "tonumber tostring type xpcall warn"):gmatch("%S+") do
  base[name] = true
end
local bound, constants = {}, {}
for name, value in pairs(_G) do
  if type(value) == "function" and not base[name] then bound[#bound + 1] = name end
  if math.type(value) == "integer" then constants[#constants + 1] = name end
end
table.sort(bound)
table.sort(constants)

local integers = { "0", "1", "-1", "2", "0x7fffffff", "0x80000000", "0xffffffff",
  "0x100000000", "math.maxinteger", "math.mininteger", "0xfff", "0x1000", "0x1001",
  "0x10000", "0x7ffe0000", "0x7fffffff0000", "0xc0000000", "0xfffff68000000000",
  "0x41414141", "-0x1000" }
local others = { "nil", "nil", "true", "false", "1.5", "0/0", "1e300", "''", "'C:\\\\a.dat'",
  "'C:\\\\b.dat'", "'a.dat'", "'C:\\\\dir\\\\..\\\\x'", "'CONIN$'", "'NUL'", "'C:\\\\'",
  "'\\\\\\\\server\\\\share\\\\x'", "string.rep('A', 5000)", "'a\\0b'", "{}", "'!vad'",
  "{ name = 'x.exe', bits = 64, laa = true }", "{ bits = 33 }", "{ image = 'C:\\\\a.dat' }",
  "{ name = 7 }", "print", "P(1)", "P(2)", "P(3)",
  "setmetatable({}, { __index = function() error('trap') end })" }
local offsets = { "0", "0", "1", "3", "0xfff", "0x1000", "-0x1000", "0x10000", "0x7fff0000" }

local function integer()
  local r = random(10)
  if r <= 3 then return pick(integers) end
  if r <= 6 then
    local c = pick(constants)
    return random(3) == 1 and c .. " | " .. pick(constants) or c
  end
  return ("A(%d, %s)"):format(random(16), pick(offsets))
end

local function argument()
  return random(5) == 1 and pick(others) or integer()
end

local lists = { "MmZeroedPageListHead", "MmFreePageListHead", "MmStandbyPageListHead",
  "MmModifiedPageListHead", "MmModifiedNoWritePageListHead", "MmBadPageListHead" }
local variables = { "MmAvailablePages", "MmTotalCommittedPages", "MmTotalCommitLimit",
  "MmTotalCommitLimitMaximum", "MmPeakCommitment", "MmNumberOfPhysicalPages",
  "MmHighestPhysicalPage", "MmPfnDatabase" }
local values = { "0", "1", "41414141", "7fffff00", "ffffffff", "ffffffffffffffff", "fff00",
  "80000000", "fffffff" }
local edits = { "eb", "ew", "ed", "eq" }

-- One kernel edit: a list head, a PFN entry, a kernel variable or a PTE.
local function edit()
  local command, value = pick(edits), pick(values)
  local r = random(4)
  if r == 1 then
    return ('E("%s %s+%x %s")'):format(command, pick(lists), random(6) * 4 - 4, value)
  elseif r == 2 then
    return ('E("%s poi(MmPfnDatabase)+%x %s")'):format(command, random(0x4000) - 1, value)
  elseif r == 3 then
    return ('E("%s %s %s")'):format(command, pick(variables), value)
  end
  return ('PTE(%d, "%s", "%s", "%s")'):format(random(16), command,
                                              pick({ "PXE", "PPE", "PDE", "PTE" }), value)
end

local commands = { "!vad", "!vad %s 1", "!pte %s", "!pfn %s", "!vtop 0 %s", "dd %s L4",
  "db %s L100000", "dq %s", "!dd %s L8", "!db %s", "!address %s", "!address -summary",
  "!ca", "!ca %s", "!memusage", "!vm", "!process 0 0", ".process %s", "lm v", "!dh %s",
  "dt _MMPFN %s", "dt _MMPTE %s", "x nt!*", "rammap", "vmmap", "!verify",
  "dd poi(%s) L2", "dd (%s+1)*2 L1", "!pte %s %s", "help" }

-- A debugger command with an address the machine returned, or a raw one.
local function command()
  local c = pick(commands)
  if not c:find("%s", 1, true) then return ('"%s"'):format(c) end
  local a = random(3) == 1 and ('"%s"'):format(pick(integers)) or
            ("hex(A(%d, %s))"):format(random(16), pick(offsets))
  return ('"%s"'):format((c:gsub("%%s", '" .. ' .. a .. ' .. "')))
end

-- What each known function takes; a function not listed (a new binding)
-- gets random arguments only.
local kinds = {
  address = function() return ("A(%d, %s)"):format(random(16), pick(offsets)) end,
  size = function() return pick({ "0x1000", "0x2000", "0x3000", "0x10000", "0", "1", "0xfff",
                                  "0x100000", "0x40000000" }) end,
  alloc = function() return pick({ "MEM_COMMIT", "MEM_RESERVE", "MEM_COMMIT | MEM_RESERVE",
                                   "MEM_RESET", "MEM_RESET_UNDO", "MEM_RESERVE | MEM_TOP_DOWN",
                                   "MEM_COMMIT | MEM_RESERVE | MEM_TOP_DOWN" }) end,
  protect = function() return pick({ "PAGE_READWRITE", "PAGE_READONLY", "PAGE_NOACCESS",
                                     "PAGE_EXECUTE_READWRITE", "PAGE_WRITECOPY",
                                     "PAGE_READWRITE | PAGE_GUARD", "PAGE_EXECUTE_READ",
                                     "PAGE_READONLY | PAGE_NOCACHE" }) end,
  free = function() return pick({ "MEM_RELEASE", "MEM_DECOMMIT" }) end,
  handle = function() return pick({ "A(%d, 0)", "A(%d, 0)", "INVALID_HANDLE_VALUE", "nil" })
                             :format(random(16)) end,
  path = function() return pick({ "'C:\\\\a.dat'", "'C:\\\\b.dat'", "'a.dat'", "'C:\\\\'",
                                  "'C:\\\\dir\\\\x.dll'", "'CONIN$'", "'a.dat.'" }) end,
  access = function() return pick({ "GENERIC_READ", "GENERIC_READ | GENERIC_WRITE",
                                    "GENERIC_WRITE", "FILE_ALL_ACCESS", "0" }) end,
  share = function() return pick({ "0", "FILE_SHARE_READ", "FILE_SHARE_READ | FILE_SHARE_WRITE",
                                   "FILE_SHARE_DELETE" }) end,
  disposition = function() return pick({ "OPEN_ALWAYS", "CREATE_ALWAYS", "OPEN_EXISTING",
                                         "CREATE_NEW", "TRUNCATE_EXISTING" }) end,
  section = function() return pick({ "PAGE_READWRITE", "PAGE_READONLY", "PAGE_WRITECOPY",
                                     "PAGE_READWRITE | SEC_RESERVE", "PAGE_READONLY | SEC_IMAGE",
                                     "PAGE_EXECUTE_READWRITE | SEC_COMMIT" }) end,
  map = function() return pick({ "FILE_MAP_READ", "FILE_MAP_WRITE", "FILE_MAP_ALL_ACCESS",
                                 "FILE_MAP_COPY", "FILE_MAP_READ | FILE_MAP_EXECUTE" }) end,
  name = function() return pick({ "nil", "'m1'", "'m2'" }) end,
  process = function() return ("P(%d)"):format(random(4)) end,
  options = function() return pick({ "nil", "{}", "{ bits = 32 }", "{ bits = 64 }",
                                     "{ name = 'b.exe', laa = true }",
                                     "{ image = 'C:\\\\a.dat' }" }) end,
  value = function() return pick({ "0", "0x41", "-1", "0x12345678", "math.maxinteger" }) end,
  count = function() return pick({ "4", "0x1000", "0x3000", "0" }) end,
  bytes = function() return pick({ "'ABCD'", "string.rep('x', 9000)", "''" }) end,
  method = function() return pick({ "FILE_BEGIN", "FILE_CURRENT", "FILE_END" }) end,
  null = function() return "nil" end,
  high = function() return pick({ "0", "0", "1" }) end,
  class = function()
    return pick({ "SystemBasicInformation", "SystemPerformanceInformation", "1" })
  end,
  wsbytes = function() return pick({ "0x32000", "0x159000", "0x64000", "-1", "0", "0x1000",
                                     "0x40000000" }) end,
  wsflags = function() return pick({ "0", "QUOTA_LIMITS_HARDWS_MIN_ENABLE",
                                     "QUOTA_LIMITS_HARDWS_MAX_ENABLE",
                                     "QUOTA_LIMITS_HARDWS_MIN_DISABLE | QUOTA_LIMITS_HARDWS_MAX_DISABLE",
                                     "0xf", "0x10" }) end,
  integer = integer,
}
local signatures = {
  VirtualAlloc = "address size alloc protect", VirtualAllocEx = "process address size alloc protect",
  VirtualFree = "address size free", VirtualFreeEx = "process address size free",
  VirtualProtect = "address size protect", VirtualProtectEx = "process address size protect",
  VirtualQuery = "address", VirtualQueryEx = "process address",
  VirtualLock = "address size", VirtualUnlock = "address size",
  read8 = "address", read16 = "address", read32 = "address", read64 = "address",
  write8 = "address value", write16 = "address value", write32 = "address value",
  write64 = "address value", readbytes = "address count", writebytes = "address bytes",
  execute = "address", CreateProcess = "options", SetCurrentProcess = "process",
  TerminateProcess = "process", GetProcessMemoryInfo = "process",
  CreateFile = "path access share null disposition",
  ReadFile = "handle address count", WriteFile = "handle address count",
  SetFilePointer = "handle count null method", SetFilePointerEx = "handle count method",
  SetEndOfFile = "handle", GetFileSize = "handle", GetFileSizeEx = "handle",
  DeleteFile = "path", CloseHandle = "handle",
  CreateFileMapping = "handle null section high size name",
  OpenFileMapping = "map integer name", MapViewOfFile = "handle map high size size",
  MapViewOfFileEx = "handle map high size size address", UnmapViewOfFile = "address",
  FlushViewOfFile = "address size", LoadLibrary = "path", LoadLibraryEx = "path handle integer",
  FreeLibrary = "address", GetModuleHandle = "path", GetModuleFileName = "address address count",
  SetLastError = "integer", RtlNtStatusToDosError = "integer", hex = "integer",
  NtQuerySystemInformation = "class",
  GetProcessWorkingSetSize = "process", GetProcessWorkingSetSizeEx = "process",
  SetProcessWorkingSetSize = "process wsbytes wsbytes",
  SetProcessWorkingSetSizeEx = "process wsbytes wsbytes wsflags", EmptyWorkingSet = "process",
  QueryWorkingSet = "process", QueryWorkingSetEx = "process address",
}

-- Mostly the arguments the function takes, one of them hostile now and
-- then; sometimes anything at all.
local function arguments(name)
  local signature = signatures[name] or signatures[name:match("^(.-)[AW]$") or ""]
  local args = {}
  if signature and random(4) > 1 then
    for kind in signature:gmatch("%S+") do
      args[#args + 1] = random(6) == 1 and argument() or kinds[kind]()
    end
  else
    for i = 1, random(7) - 1 do args[i] = argument() end
  end
  return args
end

local function call(name)
  if name == "dbg" or name == "kd" then return ("call(%q, %s)"):format(name, command()) end
  local args = arguments(name)
  return ("call(%q%s)"):format(name, #args > 0 and ", " .. table.concat(args, ", ") or "")
end

local lines = {}
local order = {}
for i, name in ipairs(bound) do order[i] = name end
for i = #order, 2, -1 do
  local j = random(i)
  order[i], order[j] = order[j], order[i]
end
for _, name in ipairs(order) do lines[#lines + 1] = call(name) end
for i = 1, extra do
  local r = random(10)
  if r == 1 and seed % 2 == 1 and i > extra * 2 // 3 then lines[#lines + 1] = edit()
  elseif r == 2 then lines[#lines + 1] = call("dbg")
  else lines[#lines + 1] = call(pick(bound)) end
end

print(([==[
-- written by tests/random_script.lua %d %d
local results, processes, edited, n, kept = {}, {}, false, 0, 0
local function A(k, offset)
  local v = #results > 0 and results[(k - 1) %% #results + 1] or 0x10000
  return v + offset
end
function P(k) return #processes > 0 and processes[(k - 1) %% #processes + 1] or nil end
local function show(v, depth)
  local mt = getmetatable(v)
  if type(v) == "string" then return ("%%q"):format(#v > 120 and v:sub(1, 120) .. "..." or v) end
  if type(v) ~= "table" or (mt and mt.__tostring) or depth > 2 then return tostring(v) end
  local keys = {}
  for k in pairs(v) do keys[#keys + 1] = k end
  table.sort(keys, function(a, b) return tostring(a) < tostring(b) end)
  local parts = {}
  for _, k in ipairs(keys) do parts[#parts + 1] = tostring(k) .. "=" .. show(v[k], depth + 1) end
  return "{" .. table.concat(parts, ", ") .. "}"
end
function call(name, ...)
  n = n + 1
  local r = table.pack(pcall(_G[name], ...))
  local parts = {}
  for i = 2, r.n do
    local ok, text = pcall(show, r[i], 0)
    parts[#parts + 1] = ok and text or "?"
    if math.type(r[i]) == "integer" then
      kept = kept + 1
      results[(kept - 1) %% 16 + 1] = r[i]
    end
    if type(r[i]) == "userdata" then processes[#processes %% 4 + 1] = r[i] end
  end
  print(("#%%d %%s %%s %%s"):format(n, name, tostring(r[1]), table.concat(parts, " ")))
  return r[1], r[2], r[3]
end
function E(line)
  local ok, _, done = call("dbg", line)
  if ok and done then edited = true end
end
function PTE(k, command, level, value)
  local ok, text = pcall(dbg, "!pte " .. hex(A(k, 0)))
  local at = ok and text:match(level .. " at ([%%x`]+)")
  if at then E(command .. " " .. at .. " " .. value) end
end
processes[1] = GetCurrentProcessObject()
for i = 1, 4 do call("VirtualAlloc", nil, i * 0x3000, MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE) end
call("write32", A(1, 0), 0x12345678)
%s
local text, ok = dbg("!verify")
local process = CreateProcess()
local stopped = process == nil and GetLastError() == ERROR_SHUTDOWN_IN_PROGRESS
if ok then print("verify ok")
elseif stopped then print("verify stopped")
elseif edited then print("verify edited")
else print("verify FAILED: " .. text) end]==]):format(seed, extra, table.concat(lines, "\n")))
