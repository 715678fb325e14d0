-- E7: copy-on-write, a FILE_MAP_COPY view of a file.
-- Seeds 004 (写拷贝 "copy on write": "the system points the process at a new
-- physical page holding a copy of the mapped file, so its changes do not reach
-- the real file"), 001, 002 (PAGE_WRITECOPY) and 003: a write into a
-- copy-on-write page gives the writer a new private physical page holding a
-- copy; other processes and the file keep the original; the new page is
-- backed by the pagefile from then on. Here process A maps a three-page file
-- with FILE_MAP_COPY and process B with FILE_MAP_READ; A writes one page.
-- What to see: the commit a copy view charges at map time (a page for each
-- page it could copy), the shared frame both views map at first, A's new
-- frame after the write (no Prototype bit, its PteAddress A's own PTE, its
-- restore PTE a pagefile-backed READWRITE one), B's view and the file unchanged, and
-- VirtualQuery splitting A's view into PAGE_READWRITE (the copied page) and
-- PAGE_WRITECOPY (the others).
-- Run: ntmm examples/seeds/e07_copy_on_write.lua   (any --arch)

local PAGES = 3
local NAME = "CowFile"
local function fail(msg) error("E7: " .. msg, 2) end
local function leaf_pfn(text)
  local last
  for v in text:gmatch("pfn (%x+)") do last = v end
  return last and tonumber(last, 16)
end
local function private_usage() return GetProcessMemoryInfo().PrivateUsage end
local function original(page) return ("original page %d"):format(page) end
local function protect_name(p)
  return ({ [PAGE_READWRITE] = "PAGE_READWRITE", [PAGE_WRITECOPY] = "PAGE_WRITECOPY",
            [PAGE_READONLY] = "PAGE_READONLY" })[p] or ("0x%x"):format(p)
end

print("E7 - copy-on-write: a FILE_MAP_COPY view of a file (seeds 004, 001, 002, 003)")
print()
local A = GetCurrentProcessObject()
print(("process A: %s, pid %d"):format(A.name, A.pid))
local data = VirtualAlloc(nil, PAGES * 0x1000, MEM_COMMIT, PAGE_READWRITE)
for page = 0, PAGES - 1 do writebytes(data + page * 0x1000, original(page)) end
print('> hFile = CreateFile("C:\\\\cow.txt", GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ, NULL,')
print(">                    CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL)")
local file = CreateFile("C:\\cow.txt", GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ, nil,
                        CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL, nil)
if file == INVALID_HANDLE_VALUE then fail("CreateFile failed, error " .. GetLastError()) end
print(('> WriteFile(hFile, data, 0x%x, &n, NULL)        three pages, each starting "original page N"'):format(
  PAGES * 0x1000))
local ok, n = WriteFile(file, data, PAGES * 0x1000)
if not ok or n ~= PAGES * 0x1000 then fail("WriteFile failed, error " .. GetLastError()) end
print(('> hMap = CreateFileMapping(hFile, NULL, PAGE_WRITECOPY, 0, 0, "%s")'):format(NAME))
local map = CreateFileMapping(file, nil, PAGE_WRITECOPY, 0, 0, NAME)
if not map then fail("CreateFileMapping failed, error " .. GetLastError()) end
local charge_before = private_usage()
print("> lpCopy = MapViewOfFile(hMap, FILE_MAP_COPY, 0, 0, 0)")
local copy = MapViewOfFile(map, FILE_MAP_COPY, 0, 0, 0)
if not copy then fail("MapViewOfFile(FILE_MAP_COPY) failed, error " .. GetLastError()) end
local charge_after = private_usage()
print(("lpCopy: %s  PrivateUsage %d K -> %d K (charged at map time)"):format(
  hex(copy), charge_before // 1024, charge_after // 1024))
print()
kd("!vad")
print()
print(("> first read through lpCopy: %q"):format(readbytes(copy, #original(0))))
local shared = leaf_pfn(kd("!pte " .. hex(copy)))

print()
local B = CreateProcess{name = "B.exe"}
SetCurrentProcess(B)
print(("process B: %s, pid %d"):format(B.name, B.pid))
print(('> hMap = OpenFileMapping(FILE_MAP_READ, FALSE, "%s")'):format(NAME))
local mapB = OpenFileMapping(FILE_MAP_READ, false, NAME)
if not mapB then fail("OpenFileMapping failed, error " .. GetLastError()) end
print("> lpView = MapViewOfFile(hMap, FILE_MAP_READ, 0, 0, 0)")
local view = MapViewOfFile(mapB, FILE_MAP_READ, 0, 0, 0)
if not view then fail("MapViewOfFile(FILE_MAP_READ) failed, error " .. GetLastError()) end
print(("> read through lpView: %q"):format(readbytes(view, #original(0))))
local b_before = leaf_pfn(kd("!pte " .. hex(view)))
print()
kd(("!pfn %x"):format(shared))

print()
SetCurrentProcess(A)
print('> strcpy(lpCopy, "written by A")     (in A: the copy-on-write fault)')
writebytes(copy, "written by A\0")
local a_text = readbytes(copy, 12)
local copied = leaf_pfn(kd("!pte " .. hex(copy)))
print()
local copied_pfn = kd(("!pfn %x"):format(copied))
print()
local after_shared = kd(("!pfn %x"):format(shared))
print()
local regions = {}
local at = copy
while at < copy + PAGES * 0x1000 do
  local m = VirtualQuery(at)
  regions[#regions + 1] = m
  print(("VirtualQuery(%s): RegionSize 0x%x  Protect %s"):format(hex(m.BaseAddress),
    m.RegionSize, protect_name(m.Protect)))
  at = m.BaseAddress + m.RegionSize
end
print()
-- VMMap counts the copied page as the Mapped File's Private (and Private WS).
local vmmap = kd("vmmap")

print()
SetCurrentProcess(B)
local b_text = readbytes(view, #original(0))
print(("B reads through lpView: %q"):format(b_text))
local b_after = leaf_pfn(kd("!pte " .. hex(view)))

print()
SetCurrentProcess(A)
print("> FlushViewOfFile(lpCopy, 0); SetFilePointer(hFile, 0, NULL, FILE_BEGIN); ReadFile(hFile, data, ...)")
if not FlushViewOfFile(copy, 0) then fail("FlushViewOfFile failed, error " .. GetLastError()) end
SetFilePointer(file, 0, nil, FILE_BEGIN)
local read_ok, got = ReadFile(file, data, PAGES * 0x1000)
if not read_ok then fail("ReadFile failed, error " .. GetLastError()) end
local in_file = readbytes(data, #original(0))
print(("the file's first bytes: %q"):format(in_file))
print("> UnmapViewOfFile(lpCopy)")
UnmapViewOfFile(copy)
print(("PrivateUsage %d K (the view's charge returned)"):format(private_usage() // 1024))

-- The checks.
if charge_after - charge_before ~= PAGES * 0x1000 then
  fail(("mapping the copy view charged %d bytes, not %d"):format(charge_after - charge_before,
    PAGES * 0x1000))
end
if not shared or shared ~= b_before then fail("A and B do not map one frame before the write") end
if not copied or copied == shared then fail("the write did not give A a new frame") end
if copied_pfn:match("Active%s+%u*P") or copied_pfn:match("Shared") then
  fail("A's copy is still a section page")
end
local copy_share = tonumber(after_shared:match("share count (%x+)"), 16)
if copy_share ~= 1 or not after_shared:match("Shared") then
  fail("the original frame is not left to B alone (share count " .. tostring(copy_share) .. ")")
end
if b_after ~= shared or b_text ~= original(0) then fail("B's view lost the original") end
if a_text ~= "written by A" then fail("A does not read its own write") end
if #regions ~= 2 or regions[1].Protect ~= PAGE_READWRITE or regions[1].RegionSize ~= 0x1000
   or regions[2].Protect ~= PAGE_WRITECOPY or regions[2].RegionSize ~= (PAGES - 1) * 0x1000 then
  fail("VirtualQuery does not split the view into READWRITE and WRITECOPY")
end
local mapped_row = vmmap:match("\nMapped File[^\n]*")
if not mapped_row or not mapped_row:match("^\nMapped File%s+12 K%s+12 K%s+4 K%s+4 K%s+4 K") then
  fail("vmmap's Mapped File row is not 12 K, 12 K committed, 4 K private: " .. tostring(mapped_row))
end
if got ~= PAGES * 0x1000 or in_file ~= original(0) then fail("the file lost the original") end
if private_usage() ~= charge_before then fail("unmapping did not return the charge") end
print()
print(("E7 holds: the write gave A pfn %x, a private copy; B's view and the file keep the"):format(
  copied))
print(("original in pfn %x; the view charged %d pages of commit when it was mapped"):format(
  shared, PAGES))
