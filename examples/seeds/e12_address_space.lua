-- E12: how much user address space a 32-bit process gets.
-- Seeds 000 (the Windows Internals quote: "2 GB by default ... 3 GB on 32-bit
-- Windows and 4 GB on 64-bit Windows" for a large-address-aware image booted with
-- increaseuserva) and 001 (bcdedit /set increaseuserva 3072, /largeaddressaware).
-- The image's LARGE_ADDRESS_AWARE flag, which dumpbin /headers shows, is the laa
-- field of CreateProcess here. The script starts two 32-bit processes on the
-- running machine, one without the flag and one with it, and prints what each
-- gets: GetSystemInfo's lpMaximumApplicationAddress, GlobalMemoryStatusEx's
-- ullTotalVirtual, and the highest allocation MEM_TOP_DOWN finds.
-- The three machines of the seed (each a separate run):
--   ntmm --arch pae                     e12_address_space.lua 2GB
--   ntmm --arch pae --increaseuserva 3072 e12_address_space.lua 3GB
--   ntmm --arch x64                     e12_address_space.lua 4GB
-- The argument is the size the large-address-aware image must get; without it
-- the script checks only what holds everywhere (2 GB without the flag).

local expect = ...
local function fail(msg) error("E12: " .. msg, 2) end
local GB = 1 << 30
local function kd(command)
  print("kd> " .. command)
  local text, ok = dbg(command)
  print((text:gsub("\n$", "")))
  if not ok then fail("the command failed: " .. command) end
  return text
end

local native = GetNativeSystemInfo().wProcessorArchitecture == PROCESSOR_ARCHITECTURE_AMD64
  and "64-bit Windows (WOW64)" or "32-bit Windows"
print("E12 - user address space of a 32-bit process (seeds 000, 001) on " .. native)
local sizes = {}
for _, laa in ipairs({ false, true }) do
  local name = laa and "laa.exe" or "plain.exe"
  print()
  print(("> CreateProcess{name=%q, bits=32, laa=%s}"):format(name, tostring(laa)))
  local p, why = CreateProcess({ name = name, bits = 32, laa = laa })
  if not p then fail(why) end
  SetCurrentProcess(p)
  local info = GetSystemInfo()
  local max, min = info.lpMaximumApplicationAddress, info.lpMinimumApplicationAddress
  local total = GlobalMemoryStatusEx().ullTotalVirtual
  local top = VirtualAlloc(nil, 0x10000, MEM_RESERVE | MEM_TOP_DOWN, PAGE_READWRITE)
  print("lpMaximumApplicationAddress  " .. hex(max))
  print("ullTotalVirtual              " .. total)
  print("MEM_TOP_DOWN reservation at  " .. hex(top))
  local size = max + 0x10001              -- the top 64 KB are a no-access region
  print(("user address space           %d MB = %d GB"):format(size >> 20, size // GB))
  if size % GB ~= 0 then fail("the user space is not a whole number of GB") end
  if not top or top < size - (1 << 20) or top + 0x10000 > size then
    fail("MEM_TOP_DOWN did not find the top of user space")
  end
  if total ~= max + 1 - min then fail("ullTotalVirtual does not match") end
  sizes[laa] = size // GB
  kd("!process")
end

if sizes[false] ~= 2 then fail("a 32-bit image without the flag gets " .. sizes[false] .. " GB, not 2") end
if native:find("64") and sizes[true] ~= 4 then fail("LAA under WOW64 gets " .. sizes[true] .. " GB, not 4") end
if expect and expect ~= sizes[true] .. "GB" then
  fail(("the LARGE_ADDRESS_AWARE image gets %d GB, %s expected"):format(sizes[true], expect))
end
print()
print(("E12 holds: without LARGE_ADDRESS_AWARE 2 GB; with it %d GB on this machine"):format(sizes[true]))
