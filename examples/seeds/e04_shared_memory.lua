-- E4: shared memory, a named section backed by the pagefile, in two processes.
-- Seed 004 (1.1.4 "Mapped Memory", 共享物理页 "shared physical pages"): process A runs
--   hMap = CreateFileMapping(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, BUFSIZ, "MappedMemoryA");
--   lpBuff = MapViewOfFile(hMap, FILE_MAP_ALL_ACCESS, 0, 0, BUFSIZ);
--   *(PDWORD)lpBuff = 0x12345678;
-- and waits; process B runs
--   hMap = OpenFileMapping(FILE_MAP_ALL_ACCESS, FALSE, "MappedMemoryA");
--   lpBuff = MapViewOfFile(hMap, FILE_MAP_ALL_ACCESS, 0, 0, BUFSIZ);
-- and prints 12345678. Each VAD tree gains a Mapped node ("Pagefile section,
-- shared commit"), and both views map one physical page: its PFN entry counts
-- two mappings (ShareCount 2) and points at the section's prototype PTE.
-- Run: ntmm examples/seeds/e04_shared_memory.lua   (any --arch)

local BUFSIZ = 512 -- stdio.h's BUFSIZ in Microsoft's C runtime
local NAME = "MappedMemoryA"
local function fail(msg) error("E4: " .. msg, 2) end
-- The !vad line of the VAD that starts at address (nil if none).
local function vad_line(text, address)
  for line in text:gmatch("[^\n]+") do
    local s = line:match("%)%s+(%x+)%s+%x+%s+%d+%s")
    if s and tonumber(s, 16) == address >> 12 then return line end
  end
end
-- The frame of the last "pfn N" of !pte output (the PTE's, not the PDE's).
local function leaf_pfn(text)
  local last
  for v in text:gmatch("pfn (%x+)") do last = v end
  return last and tonumber(last, 16)
end

print("E4 - a named section backed by the pagefile, shared by two processes (seed 004, 1.1.4)")
print()
local A = GetCurrentProcessObject()
print(("process A: %s, pid %d"):format(A.name, A.pid))
print(('> hMap = CreateFileMapping(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, BUFSIZ, "%s")'):format(NAME))
local mapA = CreateFileMapping(INVALID_HANDLE_VALUE, nil, PAGE_READWRITE, 0, BUFSIZ, NAME)
if not mapA then fail("CreateFileMapping failed, error " .. GetLastError()) end
print(("hMap: %d  GetLastError: %d"):format(mapA, GetLastError()))
print("> lpBuff = MapViewOfFile(hMap, FILE_MAP_ALL_ACCESS, 0, 0, BUFSIZ)")
local a = MapViewOfFile(mapA, FILE_MAP_ALL_ACCESS, 0, 0, BUFSIZ)
if not a then fail("MapViewOfFile in A failed, error " .. GetLastError()) end
print("> *(PDWORD)lpBuff = 0x12345678")
write32(a, 0x12345678)
print(("Process A Write Address: %s, Content: %x"):format(hex(a), read32(a)))
print()
local vadA = vad_line(kd("!vad"), a)
print()
local pfnA = leaf_pfn(kd("!pte " .. hex(a)))

print()
local B = CreateProcess{name = "B.exe"}
SetCurrentProcess(B)
print(("process B: %s, pid %d (A keeps its view, as it waits in getchar)"):format(B.name, B.pid))
print(('> hMap = OpenFileMapping(FILE_MAP_ALL_ACCESS, FALSE, "%s")'):format(NAME))
local mapB = OpenFileMapping(FILE_MAP_ALL_ACCESS, false, NAME)
if not mapB then fail("OpenFileMapping failed, error " .. GetLastError()) end
print("> lpBuff = MapViewOfFile(hMap, FILE_MAP_ALL_ACCESS, 0, 0, BUFSIZ)")
local b = MapViewOfFile(mapB, FILE_MAP_ALL_ACCESS, 0, 0, BUFSIZ)
if not b then fail("MapViewOfFile in B failed, error " .. GetLastError()) end
print()
-- Before B touches it, its PTE points at the section's prototype PTE, which
-- A's write already made valid.
local before = kd("!pte " .. hex(b))
local proto = before:match("Proto: ([%x`]+)")
print()
local value = read32(b)
print(("Process B Read Address: %s, Content: %x"):format(hex(b), value))
print()
local vadB = vad_line(kd("!vad"), b)
print()
local region = kd("!address " .. hex(b))
print()
local pfnB = leaf_pfn(kd("!pte " .. hex(b)))
print()
local pfn = kd(("!pfn %x"):format(pfnB))
print()
local ca = kd("!vad " .. hex(b) .. " 1"):match("Control Area:%s+([%x`]+)")
print()
kd("!ca " .. ca)

-- The checks: B reads A's value; a Mapped VAD in each process; one frame,
-- ShareCount 2, a section page whose PteAddress is the prototype PTE.
if value ~= 0x12345678 then fail(("B reads %x, not 12345678"):format(value)) end
for who, line in pairs{ A = vadA, B = vadB } do
  if not line then fail("no VAD for the view in " .. who) end
  if not line:match("Mapped%s+READWRITE%s+Pagefile section") then
    fail("the view's VAD in " .. who .. " is not a Mapped pagefile section: " .. line)
  end
end
if not region:match("Usage:%s+MappedFile") or not region:match("MEM_MAPPED")
   or not region:match("Mapped file name:%s+PageFile") then
  fail("!address does not show a MEM_MAPPED pagefile-backed view")
end
if not proto then fail("B's PTE is not a prototype PTE before the first touch") end
if not pfnA or pfnA ~= pfnB then fail("A and B map different frames") end
local share = tonumber(pfn:match("share count (%x+)"), 16)
if share ~= 2 then fail("the frame's share count is " .. tostring(share) .. ", not 2") end
if not pfn:match("Active%s+%u*P") or not pfn:match("Shared") then
  fail("the frame is not an Active prototype (shared) page")
end
if pfn:match("pteaddress ([%x`]+)") ~= proto then
  fail("the frame's PteAddress is not the prototype PTE " .. proto)
end
print()
print(("E4 holds: B reads 12345678; a Mapped VAD in A and in B; both map pfn %x,"):format(pfnB))
print(("share count 2, whose PteAddress is the prototype PTE %s in paged pool"):format(proto))
