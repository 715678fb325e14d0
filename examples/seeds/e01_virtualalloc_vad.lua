-- E1: VirtualAlloc and the VAD tree.
-- Seed 004 (1.1.3 "Private Memory", VirtualAlloc): a fresh 32-bit process calls
--   VirtualAlloc(NULL, 0x1000*2, MEM_COMMIT, PAGE_READWRITE)
-- and the author compares !vad before and after: one new VAD node of two pages
-- (0x390000-0x391fff in the seed), Private, READWRITE, commit 2.
-- Run: ntmm examples/seeds/e01_virtualalloc_vad.lua   (any --arch)

local function fail(msg) error("E1: " .. msg, 2) end
-- The VAD lines of !vad output, keyed by "start-end".
local function vads(text)
  local t, n = {}, 0
  for line in text:gmatch("[^\n]+") do
    local s, e, commit, rest = line:match("%)%s+(%x+)%s+(%x+)%s+(%d+)%s+(.*)$")
    if s then t[s .. "-" .. e] = { start = tonumber(s, 16), ["end"] = tonumber(e, 16),
                                   commit = tonumber(commit), rest = rest }; n = n + 1 end
  end
  return t, n
end

print("E1 - VirtualAlloc(NULL, 0x2000, MEM_COMMIT, PAGE_READWRITE) and !vad (seed 004, 1.1.3)")
print()
local before, nbefore = vads(kd("!vad"))

print()
print("> p = VirtualAlloc(NULL, 0x1000*2, MEM_COMMIT, PAGE_READWRITE)")
local p = VirtualAlloc(nil, 0x1000 * 2, MEM_COMMIT, PAGE_READWRITE)
if not p then fail("VirtualAlloc failed, error " .. GetLastError()) end
print("lpAddress: " .. hex(p))
print()
local after, nafter = vads(kd("!vad"))
print()
kd("!vad " .. hex(p) .. " 1")

-- The check: exactly one new node, p's two pages, Private, READWRITE, commit 2.
if nafter ~= nbefore + 1 then fail(("%d VADs before, %d after"):format(nbefore, nafter)) end
local new
for k, v in pairs(after) do if not before[k] then new = v end end
if not new then fail("no new VAD") end
if new.start ~= p >> 12 or new["end"] ~= (p + 0x1fff) >> 12 then
  fail(("the new VAD is %x-%x, not the two pages at %s"):format(new.start, new["end"], hex(p)))
end
if new.commit ~= 2 then fail("commit " .. new.commit .. ", not 2") end
if not new.rest:match("^Private%s+READWRITE$") then fail("not Private READWRITE: " .. new.rest) end
local m = VirtualQuery(p)
if m.RegionSize ~= 0x2000 or m.State ~= MEM_COMMIT or m.Type ~= MEM_PRIVATE
   or m.Protect ~= PAGE_READWRITE then fail("VirtualQuery disagrees") end
print()
print(("E1 holds: one new VAD %x-%x (two pages), Private, READWRITE, commit 2"):format(
  new.start, new["end"]))
