-- E12: how much user address space a process gets, decided by its EXE.
-- Seeds 000 (the Windows Internals quote: "2 GB by default ... 3 GB on 32-bit
-- Windows and 4 GB on 64-bit Windows" for a large-address-aware image booted
-- with increaseuserva; "dumpbin /headers" shows whether an EXE has the flag;
-- 8,192 GB for a 64-bit process on x64) and 001 (bcdedit /set increaseuserva
-- 3072, link /largeaddressaware).
-- The script writes small EXEs byte by byte, as e06 writes its DLL: plain.exe
-- (PE32, Characteristics 0x102), laa.exe (PE32 with LARGE_ADDRESS_AWARE,
-- 0x122) and app64.exe (PE32+, 0x22: 64-bit linkers always set the flag). It
-- starts a process from each with CreateProcess{image=...}, shows the file
-- header !dh reads from the mapped EXE (the Characteristics lines: "App can
-- handle >2gb addresses" is the flag), and what each process gets:
-- GetSystemInfo's lpMaximumApplicationAddress, GlobalMemoryStatusEx's
-- ullTotalVirtual, the highest allocation MEM_TOP_DOWN finds.
-- The three machines of the seed (each a separate run):
--   ntmm --arch pae                       e12_address_space.lua 2GB
--   ntmm --arch pae --increaseuserva 3072 e12_address_space.lua 3GB
--   ntmm --arch x64                       e12_address_space.lua 4GB
-- The argument is the size laa.exe must get; without it the script checks
-- only what holds everywhere (2 GB without the flag, 8 TB for app64.exe on
-- x64, app64.exe refused on 32-bit Windows).

local expect = ...
local function fail(msg) error("E12: " .. msg, 2) end
local GB = 1 << 30
local function kd(command, upto)
  print("kd> " .. command)
  local text, ok = dbg(command)
  if not ok then print(text) fail("the command failed: " .. command) end
  local shown = upto and text:sub(1, text:find(upto, 1, true) - 1) or text
  print((shown:gsub("\n+$", "")))
  if upto then print("    (" .. upto .. " ... not shown)") end
  return text
end

-- A small EXE: MZ header, PE signature, file header, optional header (PE32,
-- or PE32+ when wide), one section .text holding a ret at file offset 0x200.
-- No DYNAMIC_BASE, so it loads at its ImageBase (400000 or 1`40000000).
local function exe_bytes(wide, characteristics)
  local pointers = wide and "<I8I8I8I8I4I4" or "<I4I4I4I4I4I4" -- stack, heap, LoaderFlags, 16 dirs
  local optional = string.pack("<I2BBI4I4I4I4I4", wide and 0x20b or 0x10b, 14, 0, 0x200, 0, 0,
                               0x1000, 0x1000) -- magic, linker, sizes, entry point, BaseOfCode
    .. (wide and string.pack("<I8", 0x140000000) or string.pack("<I4I4", 0, 0x400000))
    .. string.pack("<I4I4I2I2I2I2I2I2I4I4I4I4I2I2", 0x1000, 0x200, 6, 0, 0, 0, 6, 0, 0, 0x2000,
                   0x200, 0, 3, 0x100) -- alignments, versions, sizes, checksum, CUI, NX_COMPAT
    .. string.pack(pointers, 0x100000, 0x1000, 0x100000, 0x1000, 0, 16) .. string.rep("\0", 16 * 8)
  local headers = "MZ" .. string.rep("\0", 0x3a) .. string.pack("<I4", 0x40) .. "PE\0\0"
    .. string.pack("<I2I2I4I4I4I2I2", wide and 0x8664 or 0x14c, 1, 0, 0, 0, #optional,
                   characteristics) .. optional
    .. string.pack("<c8I4I4I4I4I4I4I2I2I4", ".text", 1, 0x1000, 0x200, 0x200, 0, 0, 0, 0, 0x60000020)
  return headers .. string.rep("\0", 0x200 - #headers) .. "\xc3" .. string.rep("\0", 0x1ff)
end

local function write_file(path, bytes)
  local buffer = VirtualAlloc(nil, 0x1000, MEM_COMMIT, PAGE_READWRITE)
  writebytes(buffer, bytes)
  local file = CreateFile(path, GENERIC_WRITE, 0, nil, CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL, nil)
  if file == INVALID_HANDLE_VALUE then fail("CreateFile failed, error " .. GetLastError()) end
  local ok, n = WriteFile(file, buffer, #bytes)
  if not ok or n ~= #bytes then fail("WriteFile failed, error " .. GetLastError()) end
  CloseHandle(file)
  VirtualFree(buffer, 0, MEM_RELEASE)
end

local x64 = GetNativeSystemInfo().wProcessorArchitecture == PROCESSOR_ARCHITECTURE_AMD64
print("E12 - the user address space an EXE's header gives its process (seeds 000, 001) on "
  .. (x64 and "64-bit Windows" or "32-bit Windows"))
print()
local exes = {
  { path = "C:\\plain.exe", module = "plain", wide = false, characteristics = 0x102,
    flags = "EXECUTABLE_IMAGE | 32BIT_MACHINE" },
  { path = "C:\\laa.exe", module = "laa", wide = false, characteristics = 0x122,
    flags = "EXECUTABLE_IMAGE | LARGE_ADDRESS_AWARE | 32BIT_MACHINE" },
  { path = "C:\\app64.exe", module = "app64", wide = true, characteristics = 0x22,
    flags = "EXECUTABLE_IMAGE | LARGE_ADDRESS_AWARE" },
}
for _, exe in ipairs(exes) do
  write_file(exe.path, exe_bytes(exe.wide, exe.characteristics))
  print(("> write %s: %s, Characteristics 0x%x (%s)"):format(exe.path, exe.wide and "PE32+" or "PE32",
    exe.characteristics, exe.flags))
end

local sizes = {}
for _, exe in ipairs(exes) do
  print()
  print(("> p = CreateProcess{image=%q}"):format(exe.path))
  local p, why = CreateProcess({ image = exe.path })
  if exe.wide and not x64 then
    -- 32-bit Windows cannot run a 64-bit image: ERROR_BAD_EXE_FORMAT (193)
    print(("%s; GetLastError() = %d"):format(why, GetLastError()))
    if p or GetLastError() ~= ERROR_BAD_EXE_FORMAT then fail("app64.exe started on 32-bit Windows") end
    break
  end
  if not p then fail(why) end
  SetCurrentProcess(p)
  print(("p.bits = %d, p.laa = %s"):format(p.bits, tostring(p.laa)))
  local dh = kd("!dh -f " .. exe.module, "OPTIONAL HEADER VALUES")
  local info = GetSystemInfo()
  local max, min = info.lpMaximumApplicationAddress, info.lpMinimumApplicationAddress
  local total = GlobalMemoryStatusEx().ullTotalVirtual
  local top = VirtualAlloc(nil, 0x10000, MEM_RESERVE | MEM_TOP_DOWN, PAGE_READWRITE)
  print("lpMaximumApplicationAddress  " .. hex(max))
  print("ullTotalVirtual              " .. total)
  print("MEM_TOP_DOWN reservation at  " .. hex(top))
  local size = max + 0x10001              -- the top 64 KB are a no-access region
  print(("user address space           %d MB = %d GB%s"):format(size >> 20, size // GB,
    size >= 1024 * GB and (" = %d TB"):format(size // (1024 * GB)) or ""))
  kd("!process")

  local laa = exe.characteristics & 0x20 ~= 0
  if (dh:find("\n            App can handle >2gb addresses\n", 1, true) ~= nil) ~= laa then
    fail("!dh does not show the LARGE_ADDRESS_AWARE flag of " .. exe.path)
  end
  if p.laa ~= laa or p.bits ~= (exe.wide and 64 or 32) then fail("the process is not its EXE's") end
  if size % GB ~= 0 then fail("the user space is not a whole number of GB") end
  if not top or top < size - (1 << 20) or top + 0x10000 > size then
    fail("MEM_TOP_DOWN did not find the top of user space")
  end
  if total ~= max + 1 - min then fail("ullTotalVirtual does not match") end
  sizes[exe.module] = size // GB
end

if sizes.plain ~= 2 then fail("a 32-bit image without the flag gets " .. sizes.plain .. " GB, not 2") end
if x64 and sizes.laa ~= 4 then fail("LAA under WOW64 gets " .. sizes.laa .. " GB, not 4") end
if x64 and sizes.app64 ~= 8192 then fail("a 64-bit image gets " .. sizes.app64 .. " GB, not 8 TB") end
if expect and expect ~= sizes.laa .. "GB" then
  fail(("the LARGE_ADDRESS_AWARE image gets %d GB, %s expected"):format(sizes.laa, expect))
end
print()
print(("E12 holds: plain.exe 2 GB; laa.exe (App can handle >2gb addresses) %d GB on this machine%s"):format(
  sizes.laa, x64 and "; app64.exe 8 TB" or "; app64.exe does not run on 32-bit Windows"))
