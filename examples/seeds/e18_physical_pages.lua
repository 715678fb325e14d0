-- E18: how much physical memory the machine has, and the paging limits.
-- Seed 004 (1.2.1 "认识物理内存"): "dd MmNumberOfPhysicalPages" is the number of
-- physical pages; times 4 KB it is the RAM Task Manager shows. 10-10-12 paging
-- addresses at most 4 GB, 2-9-9-12 (PAE) 64 GB; seed 003: x64 more.
-- This script reads MmNumberOfPhysicalPages and compares it with the RAM the
-- machine was booted with (GlobalMemoryStatusEx, !vm, !memusage). The limits are
-- the machine's boot checks: "ntmm --arch x86 --ram 5G" refuses to boot (the
-- tour and tests/test_seeds.sh show the messages).
-- Run: ntmm --arch x86 --ram 4G examples/seeds/e18_physical_pages.lua [4G]
-- The optional argument is the RAM the machine must have (512M, 4G ...).

local expect = ...
local function fail(msg) error("E18: " .. msg, 2) end
local function kd(command)
  print("kd> " .. command)
  local text, ok = dbg(command)
  print((text:gsub("\n$", "")))
  if not ok then fail("the command failed: " .. command) end
  return text
end
local vtop = dbg("!vtop 0 0") -- X86VtoP (its steps "PAE ..." on PAE) or Amd64VtoP
local paging = vtop:match("^(%w+)VtoP") .. (vtop:find(": PAE ") and "Pae" or "")
print(("E18 - physical memory (seeds 004, 003); %s paging"):format(paging))
print()
local pages = tonumber(kd("dd nt!MmNumberOfPhysicalPages L1"):match("^%S+%s+(%x+)"), 16)
local highest = tonumber(kd("dd nt!MmHighestPhysicalPage L1"):match("^%S+%s+(%x+)"), 16)
local bytes = pages * 4096
print(("0x%x pages x 4 KB = %d KB = %d MB"):format(pages, bytes >> 10, bytes >> 20))
local total = GlobalMemoryStatusEx().ullTotalPhys
print(("GlobalMemoryStatusEx().ullTotalPhys = %d (%d MB)"):format(total, total >> 20))
local vm = kd("!vm")
local memusage = kd("!memusage")

if bytes ~= total then fail("MmNumberOfPhysicalPages x 4 KB is not the RAM") end
if highest ~= pages - 1 then fail("MmHighestPhysicalPage is not the last page") end
if tonumber(vm:match("Physical Memory:%s+(%d+)")) ~= pages then fail("!vm disagrees") end
if tonumber(memusage:match("TOTAL:%s+(%d+)")) ~= pages then fail("!memusage disagrees") end
if expect then
  local n, unit = expect:match("^(%d+)([MG])$")
  local want = n and tonumber(n) << (unit == "G" and 30 or 20)
  if bytes ~= want then fail(("the machine has %d MB, %s expected"):format(bytes >> 20, expect)) end
end
local limit = ({ X86 = 4, X86Pae = 64, Amd64 = 128 })[paging]
print()
print(("E18 holds: MmNumberOfPhysicalPages 0x%x x 4 KB = %d MB, the machine's RAM;"):format(
  pages, bytes >> 20))
print(("%s paging addresses at most %d GB here"):format(paging, limit))
