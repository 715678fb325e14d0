-- E8: walking the zeroed page list through the PFN database.
-- Seed 004 (1.2.2 "空闲页的管理", free pages: "查询链表实验"): dd MmZeroedPageListHead
-- gives the list's Total and its first page (Flink); dd 0x81086000 + 0x1c * PFN
-- shows that page's _MMPFN; PageLocation (bits 8-10 of u3.e1, at +0xc) is 0,
-- "zeroed"; u1 is the Flink to the next page and u2 the Blink back.
-- This script follows every Flink to the end of the list and checks: each page
-- has PageLocation 0, its Blink points back, the count equals the list's Total,
-- the head's Blink names the last page, and the pages hold only zeros (read with
-- !dq for the first pages; "!verify" checks every page; pass the argument "all"
-- to read every page here too - slow).
-- Run: ntmm examples/seeds/e08_zeroed_list.lua [all]   (PAE 0x1c entries; x86 0x18, x64 0x30)

local check_all = ... == "all"
local function fail(msg) error("E8: " .. msg, 2) end
local function kd(command, quiet)
  local text, ok = dbg(command)
  text = text:gsub("\n$", "")
  if not quiet then print("kd> " .. command); print(text) end
  if not ok then fail("the command failed: " .. command) end
  return text
end
-- The numbers a dd/dq dump shows, in order (addresses at line starts skipped).
local function values(text)
  local v = {}
  for line in text:gmatch("[^\n]+") do
    line = line:gsub("^#%s*", "")             -- !dd/!dq lines start with "#"
    for word in (line:match("^%S+%s+(.*)$") or ""):gmatch("[%x`]+") do
      v[#v + 1] = tonumber((word:gsub("`", "")), 16)
    end
  end
  return v
end

-- The machine's _MMPFN: 0x18 bytes on x86, 0x1c on PAE, 0x30 on x64.
local vtop = kd("!vtop 0 0", true) -- X86VtoP (its steps "PAE ..." on PAE) or Amd64VtoP
local paging = vtop:match("^(%w+)VtoP") .. (vtop:find(": PAE ") and "Pae" or "")
local size = ({ X86 = 0x18, X86Pae = 0x1c, Amd64 = 0x30 })[paging]
local dump = paging == "Amd64" and "dq" or "dd"
local count_words = paging == "Amd64" and 6 or size // 4
local LIST_HEAD = paging == "Amd64" and -1 or 0xffffffff

print(("E8 - the zeroed page list, _MMPFN by _MMPFN (seed 004, 1.2.2); %s paging"):format(paging))
print()
kd("dt _MMPFN")
kd("x nt!MmPfnDatabase")
local head = values(kd(dump .. " nt!MmZeroedPageListHead L4"))
local total, first, last = head[1], head[3], head[4]
print(("Total %d pages; Flink (first) %x; Blink (last) %x"):format(total, first, last))

local function entry(pfn, show)
  local command = ("%s poi(MmPfnDatabase) + 0x%x * 0x%x L%d"):format(dump, size, pfn, count_words)
  local v = values(kd(command, not show))
  return { flink = v[1], blink = v[3], location = (v[4] >> 8) & 7 }
end
-- Reads the whole physical page with !dq and checks that every quad word is zero.
local function zero_page(pfn, show)
  if show then kd(("!dq %x L4"):format(pfn << 12)) end
  for _, q in ipairs(values(kd(("!dq %x L200"):format(pfn << 12), true))) do
    if q ~= 0 then return false end
  end
  return true
end

local SHOWN, READ = 3, 16
local pfn, previous, count = first, LIST_HEAD, 0
while pfn ~= LIST_HEAD do
  count = count + 1
  if count > total then fail("more pages on the list than its Total") end
  local show = count <= SHOWN
  if show then print() end
  local e = entry(pfn, show)
  if show then
    kd(("dt _MMPFN poi(MmPfnDatabase) + 0x%x * 0x%x"):format(size, pfn))
    print(("PageLocation = (u3 >> 8) & 7 = %d; Flink %x; Blink %x"):format(e.location, e.flink, e.blink))
  end
  if e.location ~= 0 then fail(("pfn %x has PageLocation %d, not 0 (zeroed)"):format(pfn, e.location)) end
  if e.blink ~= previous then fail(("pfn %x: Blink %x does not point back to %x"):format(pfn, e.blink, previous)) end
  if (count <= READ or check_all) and not zero_page(pfn, show) then
    fail(("pfn %x is on the zeroed list but holds data"):format(pfn))
  end
  previous, pfn = pfn, e.flink
end
print()
print(("... followed Flink through %d pages to LIST_HEAD"):format(count))
if count ~= total then fail(("%d pages on the list, Total says %d"):format(count, total)) end
if previous ~= last then fail(("the last page is %x, the head's Blink %x"):format(previous, last)) end
kd("!memusage")
local verify = kd("!verify")
if not verify:find("ok") then fail("the verifier disagrees") end
print()
print(("E8 holds: %d pages, the list's Total; every one PageLocation 0 (zeroed) with"):format(count))
print(("Blink pointing back; contents zero (%s read here, all checked by !verify)"):format(
  check_all and "every page" or ("the first " .. READ)))
