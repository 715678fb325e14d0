-- E5: a mapped file shared by two processes.
-- Seed 004 (1.1.4 "Mapped Memory", 共享文件 "shared files"): process A runs
--   hFile = CreateFile("C:\\abc.txt", GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ, NULL,
--                      OPEN_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
--   WriteFile(hFile, M_NAME, strlen(M_NAME), &dwBytesWritten, NULL);
--   hMap = CreateFileMapping(hFile, NULL, PAGE_READWRITE, 0, BUFSIZ, M_NAME);
--   lpBuff = MapViewOfFile(hMap, FILE_MAP_ALL_ACCESS, 0, 0, BUFSIZ);
-- and waits; process B opens the mapping by name, maps it and prints the
-- file's text, "MappedMemoryA". "If one process changes the shared file, every
-- process using it sees the change": a write through one view is seen
-- through the other at once (one frame), and reaches the file when it is
-- flushed (FlushViewOfFile; here ReadFile then reads it back).
-- Run: ntmm examples/seeds/e05_mapped_file.lua   (any --arch; C: is a fresh
-- temporary directory unless --root names one)

local BUFSIZ = 512 -- stdio.h's BUFSIZ in Microsoft's C runtime
local M_NAME = "MappedMemoryA"
local FROM_B = "B was here"
local function fail(msg) error("E5: " .. msg, 2) end
local function vad_line(text, address)
  for line in text:gmatch("[^\n]+") do
    local s = line:match("%)%s+(%x+)%s+%x+%s+%d+%s")
    if s and tonumber(s, 16) == address >> 12 then return line end
  end
end
local function leaf_pfn(text)
  local last
  for v in text:gmatch("pfn (%x+)") do last = v end
  return last and tonumber(last, 16)
end

print("E5 - a file mapped by two processes (seed 004, 1.1.4)")
print()
local A = GetCurrentProcessObject()
print(("process A: %s, pid %d"):format(A.name, A.pid))
-- The C program's string and dwBytesWritten live in its image and stack;
-- here they live in a page of A's memory.
local data = VirtualAlloc(nil, 0x1000, MEM_COMMIT, PAGE_READWRITE)
writebytes(data, M_NAME)
local written = data + 0x100 -- &dwBytesWritten
print('> hFile = CreateFile("C:\\\\abc.txt", GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ, NULL,')
print(">                    OPEN_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL)")
local file = CreateFile("C:\\abc.txt", GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ, nil,
                        OPEN_ALWAYS, FILE_ATTRIBUTE_NORMAL, nil)
if file == INVALID_HANDLE_VALUE then fail("CreateFile failed, error " .. GetLastError()) end
print(("hFile: %d  GetLastError: %d"):format(file, GetLastError()))
print("> WriteFile(hFile, M_NAME, strlen(M_NAME), &dwBytesWritten, NULL)")
local ok = WriteFile(file, data, #M_NAME, written)
if not ok then fail("WriteFile failed, error " .. GetLastError()) end
print(("dwBytesWritten: %d  GetFileSize: %d"):format(read32(written), (GetFileSize(file))))
print("> hMap = CreateFileMapping(hFile, NULL, PAGE_READWRITE, 0, BUFSIZ, M_NAME)")
local mapA = CreateFileMapping(file, nil, PAGE_READWRITE, 0, BUFSIZ, M_NAME)
if not mapA then fail("CreateFileMapping failed, error " .. GetLastError()) end
print(("hMap: %d  GetFileSize: %d (the section's size: the file grew to it)"):format(
  mapA, (GetFileSize(file))))
print("> lpBuff = MapViewOfFile(hMap, FILE_MAP_ALL_ACCESS, 0, 0, BUFSIZ)")
local a = MapViewOfFile(mapA, FILE_MAP_ALL_ACCESS, 0, 0, BUFSIZ)
if not a then fail("MapViewOfFile in A failed, error " .. GetLastError()) end
print(("Process A Write Address: %s"):format(hex(a)))
print()
local vadA = vad_line(kd("!vad"), a)
print()
-- Nothing read yet: the prototype PTE is a subsection PTE, "the data is in
-- the file, where this subsection says".
local subsection = kd("!pte " .. hex(a)):match("Subsection: ([%x`]+)")

print()
local B = CreateProcess{name = "B.exe"}
SetCurrentProcess(B)
print(("process B: %s, pid %d"):format(B.name, B.pid))
print("> hMap = OpenFileMapping(FILE_MAP_ALL_ACCESS, FALSE, M_NAME)")
local mapB = OpenFileMapping(FILE_MAP_ALL_ACCESS, false, M_NAME)
if not mapB then fail("OpenFileMapping failed, error " .. GetLastError()) end
print("> lpBuff = MapViewOfFile(hMap, FILE_MAP_ALL_ACCESS, 0, 0, BUFSIZ)")
local b = MapViewOfFile(mapB, FILE_MAP_ALL_ACCESS, 0, 0, BUFSIZ)
if not b then fail("MapViewOfFile in B failed, error " .. GetLastError()) end
local text = readbytes(b, #M_NAME) -- the first touch reads the page from the file
print(("Process B Read Address: %s, Content: %s"):format(hex(b), text))
print()
local vadB = vad_line(kd("!vad"), b)
print()
local pfnB = leaf_pfn(kd("!pte " .. hex(b)))
print()
print(('> strcpy(lpBuff + 16, "%s")          (in B)'):format(FROM_B))
writebytes(b + 16, FROM_B .. "\0")
SetCurrentProcess(A)
local seen = readbytes(a + 16, #FROM_B)
print(("A reads at lpBuff + 16: %s"):format(seen))
local pfnA = leaf_pfn(kd("!pte " .. hex(a)))
print()
local ca = kd("!vad " .. hex(a) .. " 1"):match("Control Area:%s+([%x`]+)")
print()
kd("!ca " .. ca)
print()
SetCurrentProcess(B)
print("> FlushViewOfFile(lpBuff, 0)          (in B, the writer)")
if not FlushViewOfFile(b, 0) then fail("FlushViewOfFile failed, error " .. GetLastError()) end
SetCurrentProcess(A)
print("> SetFilePointer(hFile, 0, NULL, FILE_BEGIN); ReadFile(hFile, buffer, BUFSIZ, &n, NULL)   (in A)")
SetFilePointer(file, 0, nil, FILE_BEGIN)
local buffer = data + 0x200
local read_ok, n = ReadFile(file, buffer, BUFSIZ)
if not read_ok then fail("ReadFile failed, error " .. GetLastError()) end
local on_disk = readbytes(buffer, n)
print(("read %d bytes"):format(n))
print()
kd(("db %s L20"):format(hex(buffer)))

-- The checks: B reads the text; Mapped VADs naming the file; one frame for
-- both views; the write seen across processes and, after the flush, in the file.
if text ~= M_NAME then fail(("B reads %q, not %q"):format(text, M_NAME)) end
for who, line in pairs{ A = vadA, B = vadB } do
  if not line then fail("no VAD for the view in " .. who) end
  if not line:match("Mapped%s+READWRITE%s+\\abc%.txt$") then
    fail("the view's VAD in " .. who .. " does not map \\abc.txt: " .. line)
  end
end
if not subsection then fail("A's untouched page is not a subsection prototype PTE") end
if not pfnA or pfnA ~= pfnB then fail("A and B map different frames") end
if seen ~= FROM_B then fail(("A reads %q, not B's %q"):format(seen, FROM_B)) end
if n ~= BUFSIZ then fail(("ReadFile read %d bytes, not %d"):format(n, BUFSIZ)) end
if on_disk:sub(1, #M_NAME) ~= M_NAME or on_disk:sub(17, 16 + #FROM_B) ~= FROM_B then
  fail("the file does not hold the text and B's write after the flush")
end
print()
print(("E5 holds: B reads %q from the file; both views map pfn %x; B's write is seen by A"):format(
  text, pfnB))
print("at once and, after FlushViewOfFile, ReadFile reads it from C:\\abc.txt")
