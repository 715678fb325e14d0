-- E6: LoadLibrary maps a DLL as an image: an Image VAD, "Exe", EXECUTE_WRITECOPY.
-- Seed 004 (1.1.4, 写拷贝 "copy on write"): "a file loaded with LoadLibrary has the
-- Exe mark in the VAD tree, and its protection is EXECUTE_WRITECOPY"; seed 001:
-- images are mapped, not read into private memory. After
--   LoadLibrary("C:\\mydll.dll")
-- !vad has one new node: Mapped, Exe, EXECUTE_WRITECOPY, as large as the image;
-- its pages have the protections of its sections (VirtualQuery: MEM_IMAGE,
-- headers PAGE_READONLY, code PAGE_EXECUTE_READ, data PAGE_WRITECOPY).
-- The seed's DLL comes from a compiler; this script writes a small one itself,
-- byte by byte (a PE32, or PE32+ in a 64-bit process, with a .text and a .data
-- section and no relocations), to C: with WriteFile, then loads it.
-- Run: ntmm examples/seeds/e06_loadlibrary.lua   (any --arch)

local function fail(msg) error("E6: " .. msg, 2) end
local function vads(text)
  local t, n = {}, 0
  for line in text:gmatch("[^\n]+") do
    local s, e, commit, rest = line:match("%)%s+(%x+)%s+(%x+)%s+(%d+)%s+(.*)$")
    if s then t[s] = { start = tonumber(s, 16), ["end"] = tonumber(e, 16), rest = rest }; n = n + 1 end
  end
  return t, n
end

local function name(value)
  for _, n in ipairs{ "MEM_IMAGE", "PAGE_READONLY", "PAGE_EXECUTE_READ", "PAGE_WRITECOPY",
                      "PAGE_EXECUTE_WRITECOPY" } do
    if _G[n] == value then return n end
  end
  return ("0x%x"):format(value)
end

-- The DLL: MZ header, PE signature, file header, optional header, two
-- section headers, then each section's raw data at a 0x200 boundary.
local wide = GetCurrentProcessObject().bits == 64
local IMAGE_BASE = wide and 0x180000000 or 0x10000000
local SECTIONS = {
  { name = ".text", rva = 0x1000, raw = 0x200, data = "\xc3", -- ret
    characteristics = 0x60000020 }, -- CNT_CODE | MEM_EXECUTE | MEM_READ
  { name = ".data", rva = 0x2000, raw = 0x400, data = "MappedMemoryA\0",
    characteristics = 0xC0000040 }, -- CNT_INITIALIZED_DATA | MEM_READ | MEM_WRITE
}
local SIZE_OF_IMAGE, SIZE_OF_HEADERS, FILE_SIZE = 0x3000, 0x200, 0x600

local function optional_header()
  local directories = string.rep("\0", 16 * 8) -- no exports, imports, relocations ...
  local common = string.pack("<I4I4I4", 0x200, 0x200, 0) -- SizeOfCode, ...InitializedData, ...Uninit
    .. string.pack("<I4I4", 0, 0x1000) -- AddressOfEntryPoint (none), BaseOfCode
  local versions = string.pack("<I4I4I2I2I2I2I2I2I4I4I4I4I2I2", 0x1000, 0x200, 6, 0, 0, 0, 6, 0, 0,
    SIZE_OF_IMAGE, SIZE_OF_HEADERS, 0, 3, 0x100) -- alignments, versions, sizes, CUI, NX_COMPAT
  if wide then
    return string.pack("<I2BB", 0x20b, 14, 0) .. common .. string.pack("<I8", IMAGE_BASE) .. versions
      .. string.pack("<I8I8I8I8I4I4", 0x100000, 0x1000, 0x100000, 0x1000, 0, 16) .. directories
  end
  return string.pack("<I2BB", 0x10b, 14, 0) .. common .. string.pack("<I4I4", 0x2000, IMAGE_BASE)
    .. versions .. string.pack("<I4I4I4I4I4I4", 0x100000, 0x1000, 0x100000, 0x1000, 0, 16) .. directories
end

local function dll_bytes()
  local optional = optional_header()
  local headers = "MZ" .. string.rep("\0", 0x3a) .. string.pack("<I4", 0x40) .. "PE\0\0"
    .. string.pack("<I2I2I4I4I4I2I2", wide and 0x8664 or 0x14c, #SECTIONS, 0, 0, 0, #optional,
                   wide and 0x2022 or 0x2102) -- EXECUTABLE_IMAGE | DLL | (LARGE_ADDRESS_AWARE or 32BIT)
    .. optional
  for _, s in ipairs(SECTIONS) do
    headers = headers .. string.pack("<c8I4I4I4I4I4I4I2I2I4", s.name, #s.data, s.rva, 0x200, s.raw,
                                     0, 0, 0, 0, s.characteristics)
  end
  local file = headers .. string.rep("\0", SIZE_OF_HEADERS - #headers)
  for _, s in ipairs(SECTIONS) do file = file .. s.data .. string.rep("\0", 0x200 - #s.data) end
  assert(#file == FILE_SIZE)
  return file
end

print("E6 - LoadLibrary and the VAD tree: an image view (seeds 004, 001)")
print()
local buffer = VirtualAlloc(nil, 0x1000, MEM_COMMIT, PAGE_READWRITE)
writebytes(buffer, dll_bytes())
print(('> write C:\\mydll.dll: a %s DLL, ImageBase %s, .text at +1000, .data at +2000'):format(
  wide and "PE32+" or "PE32", hex(IMAGE_BASE)))
local file = CreateFile("C:\\mydll.dll", GENERIC_WRITE, 0, nil, CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL, nil)
if file == INVALID_HANDLE_VALUE then fail("CreateFile failed, error " .. GetLastError()) end
local ok, n = WriteFile(file, buffer, FILE_SIZE)
if not ok or n ~= FILE_SIZE then fail("WriteFile failed, error " .. GetLastError()) end
CloseHandle(file)
VirtualFree(buffer, 0, MEM_RELEASE)
print()
local before, nbefore = vads(kd("!vad"))
print()
print('> hModule = LoadLibrary("C:\\\\mydll.dll")')
local module = LoadLibrary("C:\\mydll.dll")
if not module then fail("LoadLibrary failed, error " .. GetLastError()) end
print("hModule: " .. hex(module))
print()
local after, nafter = vads(kd("!vad"))
print()
local ca = kd("!vad " .. hex(module) .. " 1"):match("Control Area:%s+([%x`]+)")
print()
local lm = kd("lm")
print()
local regions, at = {}, module
while at < module + SIZE_OF_IMAGE do
  local m = VirtualQuery(at)
  regions[#regions + 1] = m
  print(("VirtualQuery(%s): RegionSize 0x%x  Type %s  Protect %s  AllocationProtect %s"):format(
    hex(m.BaseAddress), m.RegionSize, name(m.Type), name(m.Protect), name(m.AllocationProtect)))
  at = m.BaseAddress + m.RegionSize
end
print()
kd("!address " .. hex(module + 0x1000))
print()
kd("!ca " .. ca)

-- The checks: one new VAD, the image's pages, Mapped, Exe, EXECUTE_WRITECOPY;
-- lm names it; each section has its protection.
if nafter ~= nbefore + 1 then fail(("%d VADs before, %d after"):format(nbefore, nafter)) end
local new
for k, v in pairs(after) do if not before[k] then new = v end end
if not new or new.start ~= module >> 12 or new["end"] ~= (module + SIZE_OF_IMAGE - 1) >> 12 then
  fail("the new VAD is not the image's " .. SIZE_OF_IMAGE // 0x1000 .. " pages")
end
if not new.rest:match("^Mapped%s+Exe%s+EXECUTE_WRITECOPY%s+\\mydll%.dll$") then
  fail("the new VAD is not a Mapped Exe EXECUTE_WRITECOPY view of mydll.dll: " .. new.rest)
end
if module ~= IMAGE_BASE then fail("the DLL did not load at its ImageBase") end
if not lm:match("\n" .. hex(module) .. " %S+   mydll ") then fail("lm does not list mydll") end
local want = { PAGE_READONLY, PAGE_EXECUTE_READ, PAGE_WRITECOPY }
if #regions ~= 3 then fail(#regions .. " regions, not 3 (headers, .text, .data)") end
for i, m in ipairs(regions) do
  if m.Type ~= MEM_IMAGE or m.Protect ~= want[i] or m.AllocationProtect ~= PAGE_EXECUTE_WRITECOPY then
    fail(("region %d: Type 0x%x Protect 0x%x AllocationProtect 0x%x"):format(i, m.Type, m.Protect,
      m.AllocationProtect))
  end
end
if readbytes(module + 0x2000, 13) ~= "MappedMemoryA" then fail(".data does not hold its bytes") end
print()
print(("E6 holds: one new VAD %x-%x, Mapped, Exe, EXECUTE_WRITECOPY (\\mydll.dll); lm lists it;"):format(
  new.start, new["end"]))
print("VirtualQuery: MEM_IMAGE, headers PAGE_READONLY, .text PAGE_EXECUTE_READ, .data PAGE_WRITECOPY")
