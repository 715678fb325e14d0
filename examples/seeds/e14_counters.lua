-- E14: the process counters Task Manager and Process Explorer show.
-- Seed 001 (the list of indicators): private bytes = committed private memory;
-- virtual size = reserved address space; working set = WS private + WS
-- shareable, WS shared <= WS shareable; peak working set; page faults.
-- The script reserves 1 MB, commits 64 KB of it, touches the 16 pages twice,
-- decommits half and releases everything, printing GetProcessMemoryInfo after
-- each step (PrivateUsage is "private bytes"; virtual size is ullTotalVirtual -
-- ullAvailVirtual of GlobalMemoryStatusEx), then checks how each counter moved.
-- Run: ntmm examples/seeds/e14_counters.lua   (any --arch)

local function fail(msg) error("E14: " .. msg, 2) end
local function kd(command)
  print("kd> " .. command)
  local text, ok = dbg(command)
  print((text:gsub("\n$", "")))
  if not ok then fail("the command failed: " .. command) end
  return text
end
local KB = 1024

local function counters()
  local c = GetProcessMemoryInfo(GetCurrentProcess())
  local m = GlobalMemoryStatusEx()
  return { private = c.PrivateUsage, virtual = m.ullTotalVirtual - m.ullAvailVirtual,
           ws = c.WorkingSetSize, peak = c.PeakWorkingSetSize, faults = c.PageFaultCount }
end
print("E14 - process memory counters (seed 001)")
print()
print(("%-34s %9s %9s %9s %9s %7s"):format("step", "Private", "Virtual", "WS", "PeakWS", "Faults"))
local function step(name)
  local c = counters()
  print(("%-34s %7d K %7d K %7d K %7d K %7d"):format(name, c.private // KB, c.virtual // KB,
    c.ws // KB, c.peak // KB, c.faults))
  return c
end

local s0 = step("start")
local r = VirtualAlloc(nil, 0x100000, MEM_RESERVE, PAGE_READWRITE)
local s1 = step("VirtualAlloc 1 MB MEM_RESERVE")
VirtualAlloc(r, 0x10000, MEM_COMMIT, PAGE_READWRITE)
local s2 = step("VirtualAlloc 64 KB MEM_COMMIT")
for i = 0, 15 do write8(r + i * 0x1000, 1) end
local s3 = step("write to each of the 16 pages")
for i = 0, 15 do write8(r + i * 0x1000, 2) end
local s4 = step("write to them again")
VirtualFree(r, 0x8000, MEM_DECOMMIT)
local s5 = step("VirtualFree 32 KB MEM_DECOMMIT")
print()
local vmmap = kd("vmmap")
VirtualFree(r, 0, MEM_RELEASE)
print()
local s6 = step("VirtualFree MEM_RELEASE")

-- Private bytes: commit only, page-exact.
if s1.private ~= s0.private then fail("reserving changed private bytes") end
if s2.private ~= s1.private + 64 * KB then fail("committing 64 KB did not add 64 KB of private bytes") end
if s3.private ~= s2.private then fail("touching changed private bytes") end
if s5.private ~= s4.private - 32 * KB then fail("decommitting 32 KB did not remove 32 KB") end
if s6.private ~= s0.private then fail("private bytes not back after the release") end
-- Virtual size: the reservation, unchanged by commit and decommit.
if s1.virtual ~= s0.virtual + 1024 * KB then fail("reserving 1 MB did not add 1 MB of virtual size") end
if s2.virtual ~= s1.virtual or s5.virtual ~= s1.virtual then fail("commit or decommit changed virtual size") end
if s6.virtual ~= s0.virtual then fail("virtual size not back after the release") end
-- Working set: grows on touch, one page per page, not on the second touch.
if s3.ws ~= s2.ws + 64 * KB then fail("touching 16 pages did not add 64 KB to the working set") end
if s4.ws ~= s3.ws then fail("touching again changed the working set") end
if s5.ws ~= s4.ws - 32 * KB then fail("decommit did not take 8 pages out of the working set") end
-- VMMap's Total row: working set = WS private + WS shareable, WS shared <= WS shareable.
local row = {}
for n in vmmap:match("\nTotal ([^\n]*)"):gsub(",", ""):gmatch("(%d+) K") do row[#row + 1] = n * KB end
local total_ws, private_ws, shareable_ws, shared_ws = row[4], row[5], row[6], row[7]
if total_ws ~= s5.ws then fail("VMMap's working set differs from GetProcessMemoryInfo's") end
if total_ws ~= private_ws + shareable_ws then fail("working set is not WS private + WS shareable") end
if shared_ws > shareable_ws then fail("WS shared exceeds WS shareable") end
-- Peak: the maximum, kept after the working set shrinks.
if s3.peak ~= s3.ws or s5.peak ~= s3.ws or s6.peak ~= s3.ws then fail("the peak does not hold the maximum") end
-- Page faults: one per first touch, none for the second.
if s3.faults ~= s2.faults + 16 then fail("16 first touches did not give 16 page faults") end
if s4.faults ~= s3.faults then fail("the second touches faulted") end
print()
print("E14 holds: private bytes follow commit, virtual size the reservation; the working")
print("set grows by one page per first touch (16 faults), the peak stays at its maximum;")
print("working set = WS private + WS shareable, WS shared <= WS shareable")
