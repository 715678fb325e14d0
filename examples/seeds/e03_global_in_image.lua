-- E3: where a global variable lives — inside the EXE's image mapping.
-- Seed 004 (堆与栈, "heap and stack"): the author's program
--   int a = 0x4321;
--   void main() { getchar(); int x = 0x12345678; int* y = malloc(...);
--                 printf("Global: %x \n", &a); ... getchar(); }
-- prints the addresses of a global, a local and a heap block, and !vad
-- before and after shows no new node: "the global is packed into the file
-- at compile time, so its address is in the Mapped range of the process's
-- own VATest.exe". ntmm runs the global's part (threads and heaps, for the
-- local and the malloc block, are not modelled yet): the script writes an
-- EXE byte by byte (as e06 writes its DLL) whose .data section holds
-- a = 0x4321, starts a process from it, computes &a as the program would
-- print it (ImageBase + .data's RVA + a's offset), and shows
--   - !dh -s: the section table, .data at RVA 2000, Read Write;
--   - VirtualQuery(&a): MEM_IMAGE, AllocationBase = the EXE's base,
--     PAGE_WRITECOPY (an image's writable data is copy-on-write);
--   - !vad before, after reading a, after writing it: the same nodes
--     (the EXE's Image VAD holds a); the read maps the image's shared
--     frame, the write gives the process a private copy (E7): a new pfn,
--     PAGE_READWRITE;
--   - lm: the EXE is a module.
-- Run: ntmm examples/seeds/e03_global_in_image.lua   (any --arch; a PE32+
-- EXE in the 64-bit first process of an x64 machine)

local function fail(msg) error("E3: " .. msg, 2) end
local function kd(command)
  print("kd> " .. command)
  local text, ok = dbg(command)
  print((text:gsub("\n+$", "")))
  if not ok then fail("the command failed: " .. command) end
  return text
end
local function vads(text) -- the VAD lines of !vad, without the footer
  local lines = {}
  for line in text:gmatch("[^\n]+") do
    if line:match("%)%s+%x+%s+%x+%s+%d+%s") then lines[#lines + 1] = line end
  end
  return table.concat(lines, "\n"), #lines
end
local function name(value)
  for _, n in ipairs{ "MEM_IMAGE", "MEM_COMMIT", "PAGE_WRITECOPY", "PAGE_READWRITE",
                      "PAGE_EXECUTE_WRITECOPY" } do
    if _G[n] == value then return n end
  end
  return ("0x%x"):format(value)
end

-- app.exe: headers, .text (a ret) at RVA 1000, .data at RVA 2000 holding
-- 16 bytes of other data, then a = 0x4321; no relocations, no DYNAMIC_BASE.
local wide = GetCurrentProcessObject().bits == 64
local BASE = wide and 0x140000000 or 0x400000
local DATA_RVA, DATA_RAW, A_OFFSET, A_VALUE = 0x2000, 0x400, 0x10, 0x4321
local function exe_bytes()
  local pointers = wide and "<I8I8I8I8I4I4" or "<I4I4I4I4I4I4" -- stack, heap, LoaderFlags, 16 dirs
  local optional = string.pack("<I2BBI4I4I4I4I4", wide and 0x20b or 0x10b, 14, 0, 0x200, 0x200, 0,
                               0x1000, 0x1000) -- magic, linker, sizes, entry point, BaseOfCode
    .. (wide and string.pack("<I8", BASE) or string.pack("<I4I4", DATA_RVA, BASE))
    .. string.pack("<I4I4I2I2I2I2I2I2I4I4I4I4I2I2", 0x1000, 0x200, 6, 0, 0, 0, 6, 0, 0, 0x3000,
                   0x200, 0, 3, 0x100) -- alignments, versions, sizes, checksum, CUI, NX_COMPAT
    .. string.pack(pointers, 0x100000, 0x1000, 0x100000, 0x1000, 0, 16) .. string.rep("\0", 16 * 8)
  local headers = "MZ" .. string.rep("\0", 0x3a) .. string.pack("<I4", 0x40) .. "PE\0\0"
    .. string.pack("<I2I2I4I4I4I2I2", wide and 0x8664 or 0x14c, 2, 0, 0, 0, #optional,
                   wide and 0x22 or 0x102) .. optional -- EXECUTABLE_IMAGE | (LAA or 32BIT_MACHINE)
    .. string.pack("<c8I4I4I4I4I4I4I2I2I4", ".text", 1, 0x1000, 0x200, 0x200, 0, 0, 0, 0, 0x60000020)
    .. string.pack("<c8I4I4I4I4I4I4I2I2I4", ".data", A_OFFSET + 4, DATA_RVA, 0x200, DATA_RAW, 0, 0,
                   0, 0, 0xC0000040) -- CNT_INITIALIZED_DATA | MEM_READ | MEM_WRITE
  local data = string.rep("\0", A_OFFSET) .. string.pack("<I4", A_VALUE)
  return headers .. string.rep("\0", 0x200 - #headers) .. "\xc3" .. string.rep("\0", 0x1ff)
    .. data .. string.rep("\0", 0x200 - #data)
end

print("E3 - a global variable lies inside the EXE's image mapping (seed 004)")
print()
local bytes = exe_bytes()
local buffer = VirtualAlloc(nil, 0x1000, MEM_COMMIT, PAGE_READWRITE)
writebytes(buffer, bytes)
local file = CreateFile("C:\\app.exe", GENERIC_WRITE, 0, nil, CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL, nil)
if file == INVALID_HANDLE_VALUE then fail("CreateFile failed, error " .. GetLastError()) end
local ok, n = WriteFile(file, buffer, #bytes)
if not ok or n ~= #bytes then fail("WriteFile failed, error " .. GetLastError()) end
CloseHandle(file)
VirtualFree(buffer, 0, MEM_RELEASE)
print(("> write C:\\app.exe: a %s EXE, ImageBase %s, .text at +1000, .data at +%x holding"):format(
  wide and "PE32+" or "PE32", hex(BASE), DATA_RVA))
print(("  int a = 0x%x at .data+%x (file offset %x)"):format(A_VALUE, A_OFFSET, DATA_RAW + A_OFFSET))
print()
print('> p = CreateProcess{image="C:\\\\app.exe"}; SetCurrentProcess(p)')
local p, why = CreateProcess({ image = "C:\\app.exe" })
if not p then fail(why) end
SetCurrentProcess(p)
local base = GetModuleHandle(nil)
print("GetModuleHandle(NULL) = " .. hex(base))
print()
kd("!dh -s app")
print()
local global = base + DATA_RVA + A_OFFSET
print(('printf("Global: %%x \\n", &a)  ->  Global: %x   (ImageBase + .data RVA %x + %x)'):format(
  global, DATA_RVA, A_OFFSET))
print("Stack and Heap: threads and heaps are not modelled yet (docs/experiments/E3.md)")
print()
local function query(when)
  local m = VirtualQuery(global)
  print(("VirtualQuery(&a) %s: BaseAddress %s  AllocationBase %s  RegionSize 0x%x  Type %s  Protect %s"):format(
    when, hex(m.BaseAddress), hex(m.AllocationBase), m.RegionSize, name(m.Type), name(m.Protect)))
  return m
end
local before_q = query("before")
local before, count = vads(kd("!vad"))
print()
local value = read32(global)
print(("> a = *(int *)%s  ->  0x%x"):format(hex(global), value))
local read_q = query("after the read")
local after_read = vads(kd("!vad"))
print()
local function leaf_pfn(text) -- the last pfn !pte prints: the PTE's
  local pfn
  for p in text:gmatch("pfn (%x+)") do pfn = p end
  return pfn
end
local shared = leaf_pfn(kd("!pte " .. hex(global)))
print()
print(("> *(int *)%s = 0x12345678   (a = 0x12345678)"):format(hex(global)))
write32(global, 0x12345678)
local write_q = query("after the write")
local after_write = vads(kd("!vad"))
print()
local private = leaf_pfn(kd("!pte " .. hex(global)))
print()
local lm = kd("lm")

-- The checks: &a is in the EXE's image view, copy-on-write, and the VAD
-- tree does not change; the write makes the page a private copy.
if value ~= A_VALUE then fail(("a reads 0x%x, not 0x%x"):format(value, A_VALUE)) end
if read32(global) ~= 0x12345678 then fail("the write did not stick") end
for _, m in ipairs{ before_q, read_q, write_q } do
  if m.Type ~= MEM_IMAGE or m.AllocationBase ~= base or m.State ~= MEM_COMMIT then
    fail("&a is not in the committed image view of app.exe")
  end
end
if base ~= BASE then fail("app.exe did not load at its ImageBase") end
if before_q.Protect ~= PAGE_WRITECOPY or read_q.Protect ~= PAGE_WRITECOPY then
  fail("&a's page is not PAGE_WRITECOPY before the write")
end
if write_q.Protect ~= PAGE_READWRITE or not shared or not private or shared == private then
  fail("the written page is not a private PAGE_READWRITE copy in a frame of its own")
end
if after_read ~= before or after_write ~= before then fail("the VAD tree changed") end
if not before:match(("%x%%s+%x"):format(base >> 12, (base + 0x3000 - 1) >> 12)
                    .. "%s+%d+%s+Mapped%s+Exe%s+EXECUTE_WRITECOPY%s+\\app%.exe") then
  fail("no Image VAD of app.exe covers &a")
end
if not lm:match("\n" .. hex(base) .. " %S+   app ") then fail("lm does not list app") end
print()
print(("E3 holds: &a = %s lies in app.exe's image (%s, MEM_IMAGE, PAGE_WRITECOPY); %d VADs before,"):format(
  hex(global), hex(base), count))
print(("the same after reading and writing a; the write copied the page (pfn %s) to a private"):format(shared))
print(("PAGE_READWRITE frame (pfn %s)"):format(private))
