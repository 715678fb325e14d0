-- E2: MEM_COMMIT gives no physical page until the first touch (a demand-zero fault).
-- Seed 004 (1.3.3 "保留与提交的误区", reserve and commit) and seed 000: after
--   lpAddress = VirtualAlloc(NULL, 0x1000*2, MEM_COMMIT, PAGE_READWRITE)
-- "!vtop Cr3 lpAddress" reports "PAE zero PTE": no page yet, only the VAD says the
-- range is committed. After *(PDWORD)lpAddress = 0x12345678 the PTE is valid and
-- holds a PFN: the page fault found the address in the VAD and resolved it with a
-- zeroed page. Here the page comes from the head of MmZeroedPageListHead, and
-- the process's page fault count grows by one.
-- Run: ntmm examples/seeds/e02_demand_zero.lua   (PAE, the seed's paging; x86, x64 too)

local function fail(msg) error("E2: " .. msg, 2) end
-- The value after the last "contains" in !pte output: the PTE itself.
local function pte_contents(text)
  local last
  for v in text:gmatch("contains (%x+)") do last = v end
  return tonumber(last, 16)
end
-- The numbers a dd/dq dump shows, in order (the address at each line start skipped).
local function values(text)
  local v = {}
  for line in text:gmatch("[^\n]+") do
    for word in (line:match("^%S+%s+(.*)$") or ""):gmatch("[%x`]+") do
      v[#v + 1] = tonumber((word:gsub("`", "")), 16)
    end
  end
  return v
end
-- The list head is four pointer-sized fields: dq on x64, dd on x86 and PAE.
local dump = dbg("!vtop 0 0"):match("^Amd64") and "dq" or "dd"
local function faults() return GetProcessMemoryInfo(GetCurrentProcess()).PageFaultCount end

print("E2 - the first write to committed memory: a demand-zero fault (seed 004, 1.3.3)")
print()
-- The seed's process had already touched its stack and heap in the same 2 MB, so
-- the page table for lpAddress existed and only the PTE was zero. A fresh ntmm
-- process has touched nothing: commit and touch one page first, as they had.
local other = VirtualAlloc(nil, 0x1000, MEM_COMMIT, PAGE_READWRITE)
write32(other, 1)

print("> lpAddress = VirtualAlloc(NULL, 0x1000*2, MEM_COMMIT, PAGE_READWRITE)")
local p = VirtualAlloc(nil, 0x2000, MEM_COMMIT, PAGE_READWRITE)
if not p then fail("VirtualAlloc failed, error " .. GetLastError()) end
print("lpAddress: " .. hex(p))
print()
local dirbase = kd("!process"):match("DirBase: (%x+)")
local pte = kd("!pte " .. hex(p))
if pte_contents(pte) ~= 0 then fail("the PTE is not zero before the first write") end
local vtop = kd("!vtop " .. dirbase .. " " .. hex(p))
if not vtop:find("translation fails") then fail("translated before the first write") end
if vtop:find(": PAE ") and not vtop:find("X86VtoP: PAE zero PTE", 1, true) then
  fail("!vtop on PAE does not say \"PAE zero PTE\", as the seed reports")
end
local head = values(kd(dump .. " nt!MmZeroedPageListHead L4"))
local total, flink = head[1], head[3]
local faults_before = faults()
print("PageFaultCount: " .. faults_before)

print()
print("> *(PDWORD)lpAddress = 0x12345678")
write32(p, 0x12345678)
print()
pte = kd("!pte " .. hex(p))
local raw = pte_contents(pte)
local pfn = tonumber(pte:match("pfn (%x+)%s+%S+%s*$"), 16)
if raw & 1 ~= 1 or not pfn then fail("the PTE is not valid after the write") end
vtop = kd("!vtop " .. dirbase .. " " .. hex(p))
if not vtop:find(("translates to physical address %x%%."):format(pfn << 12)) then
  fail("!vtop does not translate to pfn " .. pfn)
end
kd("!pfn " .. ("%x"):format(pfn))
kd("dd " .. hex(p) .. " L4")
local total2 = values(kd(dump .. " nt!MmZeroedPageListHead L4"))[1]
local faults_after = faults()
print("PageFaultCount: " .. faults_after)
kd("!pte " .. hex(p + 0x1000))

-- The checks: the page came off the zeroed list's head, one fault, contents.
if pfn ~= flink then fail(("pfn %x is not the zeroed list's head %x"):format(pfn, flink)) end
if total2 ~= total - 1 then fail("the zeroed list did not lose one page") end
if faults_after ~= faults_before + 1 then fail("the page fault count did not grow by one") end
if read32(p) ~= 0x12345678 or read32(p + 4) ~= 0 or read32(p + 0xffc) ~= 0 then
  fail("the page does not hold 0x12345678 and zeros")
end
if pte_contents(dbg("!pte " .. hex(p + 0x1000))) ~= 0 then fail("the second page got a page too") end
print()
print(("E2 holds: zero PTE before; after the write a valid PTE with pfn %x, the head of the"):format(pfn))
print("zeroed list; one demand-zero fault; the second page still has no physical page")
