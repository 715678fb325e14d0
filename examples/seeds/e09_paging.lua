-- E9: memory pressure. Seeds 000, 001 and 004: when a program commits and
-- touches more memory than the machine has RAM, pages leave its working set
-- for the standby list (clean) or the modified list (dirty); the modified
-- page writer writes the dirty ones to the pagefile; touching a page again
-- is a soft fault (the frame is still on a list: a transition fault) or a
-- hard fault (the frame was reused: the page is read back from the
-- pagefile, with its neighbours, which go to the standby list); image pages
-- are never written, only dropped and read again from the image file.
-- Run: ntmm --arch pae --ram 16M --pagefile 64M examples/seeds/e09_paging.lua
--      (a 32-bit process: --arch pae or x86)

local function fail(msg) error("E9: " .. msg, 2) end
local function perf() return NtQuerySystemInformation(SystemPerformanceInformation) end
local MB, PAGE = 1 << 20, 0x1000

print("E9 - memory pressure: working sets, the standby and modified lists, the pagefile")
print("(seeds 000, 001, 004)")
print()

-- An image to watch: a DLL with one page of code, written to C: and loaded.
local function pe32_dll(base)
  local sizes = string.pack("<I4I4I4I4I4", 0x200, 0, 0, 0, 0x1000)
  local optional = string.pack("<I2BB", 0x10b, 14, 0) .. sizes .. string.pack("<I4I4", 0x2000, base)
    .. string.pack("<I4I4I2I2I2I2I2I2I4I4I4I4I2I2", 0x1000, 0x200, 6, 0, 0, 0, 6, 0, 0, 0x2000,
                   0x200, 0, 3, 0x100)
    .. string.pack("<I4I4I4I4I4I4", 0x100000, 0x1000, 0x100000, 0x1000, 0, 16) .. string.rep("\0", 128)
  local header = "MZ" .. string.rep("\0", 58) .. string.pack("<I4", 64) .. "PE\0\0"
    .. string.pack("<I2I2I4I4I4I2I2", 0x14c, 1, 0, 0, 0, #optional, 0x2102) .. optional
    .. string.pack("<c8I4I4I4I4I4I4I2I2I4", ".text", 0x200, 0x1000, 0x200, 0x200, 0, 0, 0, 0,
                   0x60000020)
  return header .. string.rep("\0", 0x200 - #header) .. string.rep("\x90", 0x1ff) .. "\xc3"
end
local dll = pe32_dll(0x10000000)
local buffer = VirtualAlloc(nil, PAGE, MEM_COMMIT, PAGE_READWRITE)
writebytes(buffer, dll)
local file = CreateFile("C:\\e9.dll", GENERIC_WRITE, 0, nil, CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL, nil)
if file == INVALID_HANDLE_VALUE or select(2, WriteFile(file, buffer, #dll)) ~= #dll then
  fail("writing C:\\e9.dll failed, error " .. GetLastError())
end
CloseHandle(file)
VirtualFree(buffer, 0, MEM_RELEASE)
local module = LoadLibrary("C:\\e9.dll")
if not module then fail("LoadLibrary failed, error " .. GetLastError()) end
local code = module + 0x1000
print(('> LoadLibrary("C:\\\\e9.dll") = %s; its code page %s reads %s'):format(hex(module), hex(code),
  hex(read32(code))))
print()

-- Twice the RAM, committed and written.
local size = 32 * MB
local before = perf()
print(("> base = VirtualAlloc(nil, %d MB, MEM_COMMIT, PAGE_READWRITE) on a %d MB machine"):format(
  size // MB, GetPerformanceInfo().PhysicalTotal * PAGE // MB))
local base = VirtualAlloc(nil, size, MEM_COMMIT, PAGE_READWRITE)
if not base then fail("VirtualAlloc failed, error " .. GetLastError()) end
print("> write each page's number into it")
for i = 0, size // PAGE - 1 do write32(base + i * PAGE, i) end
local after = perf()
local counters = GetProcessMemoryInfo()
print()
print(("Working set %d KB of %d MB committed; PageFaultCount %d; PagefileUsage %d KB"):format(
  counters.WorkingSetSize // 1024, counters.PagefileUsage // MB, counters.PageFaultCount,
  counters.PagefileUsage // 1024))
print(("Pages written to the pagefile: %d in %d writes (DirtyPagesWriteCount, DirtyWriteIoCount)"):format(
  after.DirtyPagesWriteCount - before.DirtyPagesWriteCount,
  after.DirtyWriteIoCount - before.DirtyWriteIoCount))
print()
kd("!memusage")
print()
kd("!vm")
print()

-- The first page left long ago: its frame was reused, its PTE names the pagefile.
kd("!pte " .. hex(base))
print()
local pte = dbg("!pte " .. hex(base))
if not pte:match("PageFile") then fail("the first page is not in the pagefile") end
print("> read32(base): a hard fault")
local h0 = perf()
local value = read32(base)
local h1 = perf()
print(("read32(base) = %d; PageReadCount +%d, PageReadIoCount +%d (the page and its neighbours)"):format(
  value, h1.PageReadCount - h0.PageReadCount, h1.PageReadIoCount - h0.PageReadIoCount))
print()
kd("!pte " .. hex(base + PAGE))
print()
print("> read32(base + 0x1000): its neighbour came in with it, on the standby list: a soft fault")
local s0 = perf()
local next_value = read32(base + PAGE)
local s1 = perf()
print(("read32(base + 0x1000) = %d; TransitionCount +%d, PageReadIoCount +%d"):format(next_value,
  s1.TransitionCount - s0.TransitionCount, s1.PageReadIoCount - s0.PageReadIoCount))
print()

-- The image page: dropped, never written; touching it reads it from the image again.
kd("!pte " .. hex(code))
local i0 = perf()
local code_value = read32(code)
local i1 = perf()
print(("read32(code page) = %s; PageReadCount +%d, MappedPagesWriteCount %d"):format(hex(code_value),
  i1.PageReadCount - i0.PageReadCount, i1.MappedPagesWriteCount))
print()

-- The checks.
if counters.WorkingSetSize >= size then fail("the working set holds everything") end
if after.DirtyPagesWriteCount <= before.DirtyPagesWriteCount then fail("no page was written out") end
if after.DirtyPagesWriteCount - before.DirtyPagesWriteCount <= after.DirtyWriteIoCount - before.DirtyWriteIoCount then
  fail("the modified page writer did not write in clusters")
end
if value ~= 0 or next_value ~= 1 then fail("the pages did not come back with their data") end
if h1.PageReadIoCount ~= h0.PageReadIoCount + 1 or h1.PageReadCount - h0.PageReadCount < 2 then
  fail("the hard fault did not read a cluster in one read")
end
if s1.TransitionCount ~= s0.TransitionCount + 1 or s1.PageReadIoCount ~= s0.PageReadIoCount then
  fail("the neighbour was not a soft fault")
end
if code_value ~= 0x90909090 or i1.PageReadCount ~= i0.PageReadCount + 1 or i1.MappedPagesWriteCount ~= 0 then
  fail("the image page was not dropped and read again")
end
for i = 0, size // PAGE - 1, 97 do
  if read32(base + i * PAGE) ~= i then fail("page " .. i .. " lost its data") end
end
local verify, ok = dbg("!verify")
if not ok or not verify:match("ok") then fail(verify) end
print("E9 holds: the working set stays far below what was touched; dirty pages went to the pagefile")
print("in clusters; the first page came back by a hard fault that read its neighbours too, the next")
print("one by a soft fault; the image's page was dropped, never written, and read again; !verify ok.")
