#!/bin/sh
# The ntmm program (src/shell): command line, exit statuses, the Lua sandbox,
# the Win32 bindings, exceptions caught with pcall, processes, the REPL fed
# from a pipe, the debugger bridge and determinism. Prints TAP for
# run-tests.sh. NTMM names the program (make check passes the sanitizer
# build); by hand: make build/check/ntmm && NTMM=$PWD/build/check/ntmm sh tests/test_shell.sh
. "$(dirname "$0")/shell_tap.sh"
# usage_error: exit status 2 and one line "ntmm: ..." on stderr, nothing on stdout.
usage_error() {
    [ "$rc" -eq 2 ] && [ "$(wc -l <"$dir/err")" -eq 1 ] && grep -q '^ntmm: ' "$dir/err" &&
        [ ! -s "$dir/out" ]
}

# ---- command line ----
run --help
[ "$rc" -eq 0 ] && grep -q '^usage: ntmm' "$dir/out" && grep -q -- '--arch' "$dir/out"
check $? "--help prints the usage on stdout, exit 0"
run --version
[ "$rc" -eq 0 ] && out_is "ntmm $(sed -n 's/^#define NTMM_VERSION "\(.*\)"/\1/p' "$top/include/ntmm/ntmm.h")"
check $? "--version prints ntmm and NTMM_VERSION, exit 0"
run --frobnicate
usage_error && grep -q -- "--frobnicate" "$dir/err"
check $? "an unknown option: one line, exit 2"
run --arch arm -e 'print(1)'
usage_error && grep -q "arm" "$dir/err"
check $? "--arch arm: one line, exit 2"
run --ram 12X -e 'print(1)'
usage_error && grep -q "12X" "$dir/err"
check $? "--ram 12X: one line, exit 2"
run --ram 0 -e 'print(1)'
usage_error && grep -q "^ntmm: RAM of " "$dir/err"
check $? "--ram 0: the configuration's reason, exit 2"
run --arch x86 --ram 100G -e 'print(1)'
usage_error && grep -q "^ntmm: RAM of 102400 MB" "$dir/err"
check $? "--ram 100G on x86: the configuration's reason, exit 2"
run --ram
usage_error
check $? "--ram without a value: exit 2"
run --seed x1 -e 'print(1)'
usage_error
check $? "--seed x1: exit 2"
run --arch x64 --increaseuserva 3072 -e 'print(1)'
usage_error && grep -q increaseuserva "$dir/err"
check $? "--increaseuserva on x64: the configuration's reason, exit 2"
run --ram 16384K --pagefile 0 -e 'print(GlobalMemoryStatusEx().ullTotalPhys)'
[ "$rc" -eq 0 ] && out_is 16777216
check $? "--ram 16384K --pagefile 0 boots a 16 MB machine"
run --ram=4G --arch=x86 -e 'print(GlobalMemoryStatusEx().ullTotalPhys, GetSystemInfo().wProcessorArchitecture)'
[ "$rc" -eq 0 ] && out_is "$(printf '4294967296\t0')"
check $? "--ram=4G --arch=x86"
run -e 'print(1+1)'
[ "$rc" -eq 0 ] && out_is 2
check $? "-e \"print(1+1)\" prints 2"
run -e 'x = 20' -e 'print(x + 1)'
[ "$rc" -eq 0 ] && out_is 21
check $? "-e may be repeated; chunks share the state"
run -e 'local t = nil; print(t.x)'
[ "$rc" -eq 1 ] && grep -q '^ntmm: (command line):1: attempt to index' "$dir/err"
check $? "an error in -e: message with its line, exit 1"

# ---- scripts ----
printf 'print("before")\nlocal t = nil\nprint(t.field)\nprint("after")\n' >"$dir/bad.lua"
run "$dir/bad.lua"
[ "$rc" -eq 1 ] && out_is before && grep -q "^ntmm: $dir/bad.lua:3: " "$dir/err"
check $? "a script error reports file:line, exit 1"
printf 'print(\n' >"$dir/syntax.lua"
run "$dir/syntax.lua"
[ "$rc" -eq 1 ] && grep -q "^ntmm: $dir/syntax.lua:2: " "$dir/err"
check $? "a syntax error reports file:line, exit 1"
run "$dir/missing.lua"
[ "$rc" -eq 1 ] && grep -q "^ntmm: cannot open $dir/missing.lua" "$dir/err"
check $? "a missing script: exit 1"
printf 'print(#arg, arg[0] == "%s", arg[1], arg[2], ...)\n' "$dir/args.lua" >"$dir/args.lua"
run --seed 7 "$dir/args.lua" one "two words"
[ "$rc" -eq 0 ] && out_is "$(printf '2\ttrue\tone\ttwo words\tone\ttwo words')"
check $? "script arguments in arg[1..n] and ..., the script in arg[0]"
printf 'write32(0, 1)\n' >"$dir/av.lua"
run "$dir/av.lua"
[ "$rc" -eq 1 ] &&
    grep -q "^ntmm: $dir/av.lua:1: EXCEPTION_ACCESS_VIOLATION (0xc0000005) writing 0x00000000" "$dir/err"
check $? "an uncaught access violation: file:line and the exception, exit 1"

# ---- the sandbox ----
run -e 'print(io, os, require, loadfile, dofile, package, debug)'
out_is "$(printf 'nil\tnil\tnil\tnil\tnil\tnil\tnil')"
check $? "sandbox: io, os, require, loadfile, dofile, package, debug are nil"
run --unsafe -e 'print(type(io), type(os), type(require), type(loadfile))'
out_is "$(printf 'table\ttable\tfunction\tfunction')"
check $? "--unsafe opens io, os, require, loadfile"
run -e 'print(load("return 6*7")(), load(string.dump(function() end)))'
out_is "$(printf "42\tnil\tattempt to load a binary chunk (mode is 't')")"
check $? "sandbox: load takes text chunks only"
run -e 'print(collectgarbage("count") > 0, (pcall(collectgarbage, "stop")))'
out_is "$(printf 'true\tfalse')"
check $? "sandbox: collectgarbage answers count only"

# ---- E1 and the Win32 bindings, typed at the REPL ----
repl 'VirtualAlloc(nil, 0x2000, MEM_COMMIT, PAGE_READWRITE)'
[ "$rc" -eq 0 ] && grep -Eq '^0x[1-9a-f][0-9a-f]* \([1-9][0-9]*\)$' "$dir/out" && [ "$(wc -l <"$dir/out")" -eq 1 ] && [ ! -s "$dir/err" ]
check $? "REPL: VirtualAlloc(nil, 0x2000, MEM_COMMIT, PAGE_READWRITE) echoes an address in hex (and decimal)"
repl 'lpAddress = VirtualAlloc(nil, 0x2000, MEM_COMMIT, PAGE_READWRITE)
t = { page = lpAddress + 0x1000 }
!pte $lpAddress
!pte @@t.page
!pte $nosuch
print((dbg("!vad $lpAddress 1")):match("Start VPN: +(%x+)"))'
grep -q '^ *VA 00010000$' "$dir/out" && grep -q 'PTE at C0000088' "$dir/out" &&
    grep -q '^\$nosuch: not a Lua integer$' "$dir/out" && grep -q '^10$' "$dir/out"
check $? "commands name Lua values: \$name and @@name (a field path too), in the REPL and dbg()"
repl 'a = VirtualAlloc(0x20000, 0x2000, MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE)
VirtualQuery(a)
{ 1, 2, x = { y = 1 } }, 4095, -1, "text"
print(a)'
out_is "$(printf '{\n  AllocationBase = 0x20000,\n  AllocationProtect = 4,\n  BaseAddress = 0x20000,\n  PartitionId = 0,\n  Protect = 4,\n  RegionSize = 0x2000,\n  State = 0x1000,\n  Type = 0x20000\n}\n{ 1, 2, x = { y = 1 } }\t4095\t-1\ttext\n131072')"
check $? "REPL echo: a structure as its fields in hex, small integers and strings as they are; print unchanged"
repl 'a = VirtualAlloc(nil, 0x2000, MEM_COMMIT, PAGE_READWRITE)
write32(a + 0x1000, 0x12345678)
hex(read32(a + 0x1000)), read32(a), VirtualQuery(a).State == MEM_COMMIT, VirtualQuery(a).RegionSize'
out_is "$(printf '12345678\t0\ttrue\t0x2000 (8192)')"
check $? "REPL: write32, read32 and VirtualQuery on the committed pages"
repl 'a = VirtualAlloc(nil, 0x1000, MEM_COMMIT, PAGE_READWRITE | PAGE_GUARD)
ok, e = pcall(read8, a)
ok, e.code == STATUS_GUARD_PAGE_VIOLATION, e.name, e.address == a, e.access
read8(a)'
out_is "$(printf 'false\ttrue\tEXCEPTION_GUARD_PAGE\ttrue\t0\n0')"
check $? "a guard page: pcall catches STATUS_GUARD_PAGE_VIOLATION once, then the page reads"
repl 'a = VirtualAlloc(nil, 0x1000, MEM_COMMIT, PAGE_READONLY)
ok, e = pcall(write16, a + 2, 7)
ok, e.code == EXCEPTION_ACCESS_VIOLATION, hex(e.code), e.address - a, e.access, e.name
tostring(e) == "EXCEPTION_ACCESS_VIOLATION (0xc0000005) writing " .. string.format("0x%08x", a + 2)'
out_is "$(printf 'false\ttrue\tc0000005\t2\t1\tEXCEPTION_ACCESS_VIOLATION\ntrue')"
check $? "an access violation: code, address, access, name and its text"
repl 'print(VirtualFree(0x12340000, 0, MEM_RELEASE), GetLastError())
a = VirtualAlloc(nil, 0x1000, MEM_COMMIT, PAGE_READWRITE)
print(VirtualFree(a, 0x1000, MEM_RELEASE), GetLastError())
print(VirtualFree(a, 0, MEM_RELEASE), VirtualQuery(a).State == MEM_FREE)'
out_is "$(printf 'false\t487\nfalse\t87\ntrue\ttrue')"
check $? "GetLastError after a failed VirtualFree: 487, 87 as Windows"
repl 'a = VirtualAlloc(nil, 0x1000, MEM_COMMIT, PAGE_READWRITE)
VirtualProtect(a, 0x1000, PAGE_READONLY)
VirtualProtect(a, 0x1000, PAGE_READONLY)
VirtualProtect(0, 0x1000, PAGE_READONLY)'
out_is "$(printf 'true\t4\ntrue\t2\nfalse\tnil')"
check $? "VirtualProtect returns ok and the old protection"
repl 'GetSystemInfo().dwPageSize, GetSystemInfo().dwAllocationGranularity, GetCurrentProcess()
GetProcessMemoryInfo().PrivateUsage
VirtualAlloc(nil, 0x3000, MEM_COMMIT, PAGE_READWRITE) ~= nil
GetProcessMemoryInfo(GetCurrentProcess()).PrivateUsage'
out_is "$(printf '0x1000 (4096)\t0x10000 (65536)\t-1\n0\ntrue\n0x3000 (12288)')"
check $? "GetSystemInfo, GetCurrentProcess, GetProcessMemoryInfo"
run -e 'local s0 = NtQuerySystemInformation(SystemPerformanceInformation)
local a = VirtualAlloc(nil, 0x4000, MEM_COMMIT, PAGE_READWRITE)
for i = 0, 3 do write32(a + i * 0x1000, i) end
local s = NtQuerySystemInformation(SystemPerformanceInformation)
local i, g = GetPerformanceInfo(), GlobalMemoryStatusEx()
print(s.CommittedPages - s0.CommittedPages, s.DemandZeroCount - s0.DemandZeroCount,
      s.PageFaultCount - s0.PageFaultCount)
print(i.cb, i.PageSize, i.CommitTotal == s.CommittedPages, i.CommitPeak == s.PeakCommitment,
      i.PhysicalAvailable == s.AvailablePages, i.KernelPaged == s.PagedPoolPages)
print(g.ullTotalPageFile == s.CommitLimit * 4096,
      g.ullAvailPageFile == (s.CommitLimit - s.CommittedPages) * 4096)
local vm = dbg("!vm")
print(tonumber(vm:match("Committed pages:%s+(%d+)")) == s.CommittedPages,
      tonumber(vm:match("Available Pages:%s+(%d+)")) == s.AvailablePages)
print(NtQuerySystemInformation(SystemBasicInformation).PageSize, s.SystemCalls, s.IdleProcessTime)
print(NtQuerySystemInformation(1))'
[ "$rc" -eq 0 ] && out_is "$(printf '4\t4\t4\n104\t4096\ttrue\ttrue\ttrue\ttrue\ntrue\ttrue\ntrue\ttrue\n4096\t0\t0\nnil\t3221225475')"
check $? "NtQuerySystemInformation(SystemPerformanceInformation), GetPerformanceInfo, GlobalMemoryStatusEx and !vm agree"
run -e 'local min, max, flags = GetProcessWorkingSetSizeEx()
print(min, max, flags == QUOTA_LIMITS_HARDWS_MIN_DISABLE | QUOTA_LIMITS_HARDWS_MAX_DISABLE)
local a = VirtualAlloc(nil, 0x10000, MEM_COMMIT, PAGE_READWRITE)
for i = 0, 15 do write32(a + i * 0x1000, i) end
local ws, found = QueryWorkingSet()
for _, b in ipairs(ws) do if b.VirtualPage == a >> 12 then found = b end end
print(#ws * 4096 == GetProcessMemoryInfo().WorkingSetSize, found.Protection, found.ShareCount, found.Shared)
local x = QueryWorkingSetEx(nil, a)
print(x.Valid, x.Win32Protection == PAGE_READWRITE, x.Locked)
print(SetProcessWorkingSetSizeEx(nil, 100 * 4096, 400 * 4096, QUOTA_LIMITS_HARDWS_MAX_ENABLE), GetProcessWorkingSetSizeEx())
print(SetProcessWorkingSetSize(nil, 0, 4096), GetLastError())
print(EmptyWorkingSet(), QueryWorkingSetEx(nil, a).Valid, read32(a + 0x3000), QueryWorkingSetEx(nil, a + 0x3000).Valid)
print(SetProcessWorkingSetSize(nil, -1, -1), GetProcessWorkingSetSize())'
[ "$rc" -eq 0 ] && out_is "$(printf '204800\t1413120\ttrue\ntrue\t4\t1\t0\n1\ttrue\t0\ntrue\t409600\t1638400\t6\nfalse\t87\ntrue\t0\t3\t1\ntrue\t409600\t1638400')"
check $? "the working-set calls: limits, QueryWorkingSet agreeing with GetProcessMemoryInfo, QueryWorkingSetEx, EmptyWorkingSet and a soft fault back"
repl 'print(1)
read8(0)
print(2)
)
print(3)
q
print(4)'
[ "$rc" -eq 0 ] && out_is "$(printf '1\n2\n3')" && [ "$(wc -l <"$dir/err")" -eq 2 ] &&
    grep -q '^ntmm: stdin:1: EXCEPTION_ACCESS_VIOLATION' "$dir/err"
check $? "REPL: errors print and the loop goes on; q leaves"
repl 'for i = 1, 2 do
  print(i)
end
x = 5
x, x * 2'
out_is "$(printf '1\n2\n5\t10')"
check $? "REPL: statements continue over lines; x = 5 is Lua, not the x command"
repl '?1+2
  ? 0n4096
r = 7
r, r * 2
r cr4
!error 8'
out_is "$(printf 'Evaluate expression: 3 = 00000003\nEvaluate expression: 4096 = 00001000\n7\t14\ncr4=000000b0\nError code: (Win32) 0x8 (8) - Not enough memory resources are available to process this command.')"
check $? "REPL: ?1+2 and ? go to the debugger; r = 7 is Lua, r cr4 the r command"

# ---- processes ----
repl 'a = VirtualAlloc(nil, 0x1000, MEM_COMMIT, PAGE_READWRITE)
write32(a, 0x11111111)
first = GetCurrentProcessObject()
p = CreateProcess{name = "other.exe", bits = 32, laa = true}
p.name, p.pid ~= first.pid, p.laa, p.bits, #Processes()
SetCurrentProcess(p)
GetCurrentProcessObject() == p, VirtualQuery(a).State == MEM_FREE, (pcall(read32, a))
b = VirtualAlloc(a, 0x1000, MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE)
b == a, read32(b)
SetCurrentProcess(first)
hex(read32(a))
VirtualQueryEx(p.handle, a).State == MEM_COMMIT, VirtualQueryEx(GetCurrentProcess(), a).State == MEM_COMMIT
TerminateProcess(p), p.alive, #Processes(), (pcall(SetCurrentProcess, p))'
out_is "$(printf 'other.exe\ttrue\ttrue\t32\t2\ntrue\ttrue\tfalse\ntrue\t0\n11111111\ntrue\ttrue\ntrue\tfalse\t1\tfalse')"
check $? "CreateProcess and SetCurrentProcess: address spaces are isolated"
run -e 'local t = kd("!vad")
print(#t > 0, t:sub(-1) ~= "\n")
print(pcall(kd, "!nosuchcommand"))'
grep -q '^kd> !vad$' "$dir/out" && grep -q '^true	true$' "$dir/out" &&
    grep -q '^false	.*the command failed: !nosuchcommand' "$dir/out"
check $? "kd() prints the command and its output, returns the text, raises on failure"
run -e 'print(CreateProcess{bits = 64})'
[ "$rc" -eq 0 ] && grep -q '^nil	CreateProcess: STATUS_NOT_SUPPORTED' "$dir/out"
check $? "CreateProcess{bits = 64} on PAE fails with a reason"
run --arch x64 -e 'a = VirtualAlloc(nil, 0x1000, MEM_COMMIT, PAGE_READWRITE)
print(GetCurrentProcessObject().bits, hex(a), hex(0x390000))
print(pcall(execute, a))'
out_is "$(printf '64\t00000000`00010000\t00000000`00390000\nfalse\tEXCEPTION_ACCESS_VIOLATION (0xc0000005) executing 0x00010000')"
check $? "x64: a 64-bit first process, hex with the backtick, NX"

# ---- files and file mappings ----
run -e 'h = CreateFileMapping(INVALID_HANDLE_VALUE, nil, PAGE_READWRITE, 0, 512, "MappedMemoryA")
print(h ~= nil, GetLastError())
v = MapViewOfFile(h, FILE_MAP_ALL_ACCESS, 0, 0, 512)
write32(v, 0x12345678)
print(VirtualQuery(v).Type == MEM_MAPPED, VirtualQuery(v).RegionSize)
h2 = CreateFileMapping(INVALID_HANDLE_VALUE, nil, PAGE_READWRITE, 0, 512, "MappedMemoryA")
print(h2 ~= h, GetLastError())
v2 = MapViewOfFile(h2, FILE_MAP_READ, 0, 0, 0)
print(hex(read32(v2)), v2 ~= v)
print(UnmapViewOfFile(v2), UnmapViewOfFile(v), CloseHandle(h2), CloseHandle(h))
print(CloseHandle(h), GetLastError())'
[ "$rc" -eq 0 ] && out_is "$(printf 'true\t0\ntrue\t4096\ntrue\t183\n12345678\ttrue\ntrue\ttrue\ttrue\ttrue\nfalse\t6')"
check $? "CreateFileMapping, MapViewOfFile, a second create opens it (183), Unmap, CloseHandle"
run -e 'print(CreateFileMapping(INVALID_HANDLE_VALUE, nil, PAGE_READWRITE, 0, 0), GetLastError())
print(OpenFileMapping(FILE_MAP_READ, false, "NoSuchMapping"), GetLastError())
print(MapViewOfFile(1234, FILE_MAP_READ, 0, 0, 0), GetLastError())
print(UnmapViewOfFile(0x12340000), GetLastError())
ro = CreateFileMapping(INVALID_HANDLE_VALUE, nil, PAGE_READONLY, 0, 0x2000, "ro")
print(MapViewOfFile(ro, FILE_MAP_WRITE, 0, 0, 0), GetLastError())
print(MapViewOfFile(ro, FILE_MAP_READ, 0, 0x1000, 0x1000), GetLastError())
print(MapViewOfFile(ro, FILE_MAP_READ, 0, 0x10000, 0x1000), GetLastError())
a = MapViewOfFileEx(ro, FILE_MAP_READ, 0, 0, 0x1000, 0x500000)
print(hex(a), MapViewOfFileEx(ro, FILE_MAP_READ, 0, 0, 0x1000, 0x500000), GetLastError())
print(pcall(write8, a, 1))'
[ "$rc" -eq 0 ] &&
    out_is "$(printf 'nil\t87\nnil\t2\nnil\t6\nfalse\t487\nnil\t5\nnil\t1132\nnil\t5\n00500000\tnil\t487\nfalse\tEXCEPTION_ACCESS_VIOLATION (0xc0000005) writing 0x00500000')"
check $? "file-mapping errors: 87, 2, 6, 487, 5 (FILE_MAP_WRITE of a read-only mapping), 1132, 5, 487; a read-only view faults on write"
run -e 'buf = VirtualAlloc(nil, 0x1000, MEM_COMMIT, PAGE_READWRITE)
writebytes(buf, "hello, world!")
h = CreateFile("C:\\t.txt", GENERIC_READ | GENERIC_WRITE, 0, nil, CREATE_NEW, FILE_ATTRIBUTE_NORMAL, nil)
print(h > 0, GetLastError())
print(WriteFile(h, buf, 13, buf + 0x100))
print(read32(buf + 0x100), GetFileSize(h))
print(GetFileSizeEx(h), SetFilePointer(h, 0, nil, FILE_BEGIN))
print(ReadFile(h, buf + 0x200, 100))
print(readbytes(buf + 0x200, 13))
print(ReadFile(h, buf + 0x200, 100))
print(SetFilePointer(h, -1, nil, FILE_BEGIN), GetLastError())
print(SetFilePointer(h, 5, 0, FILE_BEGIN))
print(SetFilePointerEx(h, 2, FILE_CURRENT))
print(SetEndOfFile(h), GetFileSizeEx(h))'
[ "$rc" -eq 0 ] && out_is "$(printf 'true\t0\ntrue\t13\n13\t13\t0\n13\t0\ntrue\t13\nhello, world!\ntrue\t0\n4294967295\t131\n5\t0\ntrue\t7\ntrue\t7')"
check $? "CreateFile, WriteFile and ReadFile through simulated memory, the file pointer, SetEndOfFile"
run -e 'h = CreateFile("C:\\t.txt", GENERIC_READ | GENERIC_WRITE, 0, nil, CREATE_NEW, 0, nil)
ok, n = WriteFile(h, 0x50000000, 10) print(ok, n, GetLastError())
ok, n = ReadFile(1234, 0x50000000, 10) print(ok, n, GetLastError())
print(CreateFile("C:\\t.txt", GENERIC_READ, 0, nil, CREATE_NEW, 0, nil) == INVALID_HANDLE_VALUE, GetLastError())
print(CreateFile("C:\\nope.txt", GENERIC_READ, 0, nil, OPEN_EXISTING, 0, nil), GetLastError())
print(DeleteFile("C:\\t.txt"), GetLastError())
print(CloseHandle(h), DeleteFileA("C:\\t.txt"), DeleteFileW("C:\\t.txt"), GetLastError())
z = CreateFile("C:\\zero.txt", GENERIC_READ, 0, nil, CREATE_ALWAYS, 0, nil)
print(CreateFileMapping(z, nil, PAGE_READONLY, 0, 0), GetLastError())
ok, e = pcall(CreateFile, "C:\\x", GENERIC_READ, 0, {}, OPEN_ALWAYS)
print(ok, e:match("bad argument #4 to .*%(nil %(lpSecurityAttributes%) expected, got table%)") ~= nil)'
[ "$rc" -eq 0 ] && out_is "$(printf "false\t0\t998\nfalse\t0\t6\ntrue\t80\n-1\t2\nfalse\t32\ntrue\ttrue\tfalse\t2\nnil\t1006\nfalse\ttrue")"
check $? "file errors: 998, 6, 80, 2, 32 (not shared for delete), 2, 1006 (an empty file); a security-attributes table is a Lua error"
run -e 'buf = VirtualAlloc(nil, 0x1000, MEM_COMMIT, PAGE_READWRITE)
writebytes(buf, "MappedMemoryA")
f = CreateFile("C:\\abc.txt", GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ, nil, OPEN_ALWAYS, FILE_ATTRIBUTE_NORMAL, nil)
WriteFile(f, buf, 13)
m = CreateFileMappingA(f, nil, PAGE_READWRITE, 0, 512, "MappedMemoryA")
print(GetFileSize(f))
a = MapViewOfFile(m, FILE_MAP_ALL_ACCESS, 0, 0, 512)
p = CreateProcess{name = "b.exe"}
SetCurrentProcess(p)
mb = OpenFileMappingW(FILE_MAP_ALL_ACCESS, false, "MappedMemoryA")
b = MapViewOfFile(mb, FILE_MAP_ALL_ACCESS, 0, 0, 0)
print(readbytes(b, 13))
writebytes(b + 16, "from b")
print(FlushViewOfFile(b, 0), FlushViewOfFile(b + 16, 1))
SetCurrentProcess(GetCurrentProcessObject())
for _, q in ipairs(Processes()) do if q ~= p then SetCurrentProcess(q) end end
print(readbytes(a + 16, 6))
SetFilePointer(f, 16, nil, FILE_BEGIN)
print(ReadFile(f, buf + 0x100, 6))
print(readbytes(buf + 0x100, 6))'
[ "$rc" -eq 0 ] && out_is "$(printf '512\t0\nMappedMemoryA\ntrue\ttrue\nfrom b\ntrue\t6\nfrom b')"
check $? "a file mapped in two processes: B reads the text, A sees B's write, the flush reaches the file"
run -e 'f = CreateFile("C:\\cow.txt", GENERIC_READ | GENERIC_WRITE, 0, nil, CREATE_ALWAYS, 0, nil)
buf = VirtualAlloc(nil, 0x2000, MEM_COMMIT, PAGE_READWRITE)
writebytes(buf, "original")
WriteFile(f, buf, 0x2000)
m = CreateFileMapping(f, nil, PAGE_WRITECOPY, 0, 0)
before = GetProcessMemoryInfo().PrivateUsage
c = MapViewOfFile(m, FILE_MAP_COPY, 0, 0, 0)
r = MapViewOfFile(m, FILE_MAP_READ, 0, 0, 0)
print(GetProcessMemoryInfo().PrivateUsage - before, VirtualQuery(c).Protect == PAGE_WRITECOPY)
writebytes(c, "changed!")
print(readbytes(c, 8), readbytes(r, 8), VirtualQuery(c).Protect == PAGE_READWRITE, VirtualQuery(c).RegionSize)
print(FlushViewOfFile(c, 0), UnmapViewOfFile(c), GetProcessMemoryInfo().PrivateUsage == before)
SetFilePointer(f, 0, nil, FILE_BEGIN) ReadFile(f, buf + 0x1000, 8) print(readbytes(buf + 0x1000, 8))'
[ "$rc" -eq 0 ] && out_is "$(printf '8192\ttrue\nchanged!\toriginal\ttrue\t4096\ntrue\ttrue\ttrue\noriginal')"
check $? "FILE_MAP_COPY: commit charged at map time, a write makes a private copy, the file and the read view keep the original"
run -e 'h = CreateFileMapping(INVALID_HANDLE_VALUE, nil, PAGE_READWRITE, 0, 0x3000, nil)
v = MapViewOfFile(h, FILE_MAP_WRITE, 0, 0, 0) write32(v, 1)
local t, ok = dbg("!ca") print(ok, t:match("\n(86000000 +86000040 +1 +1 +1) Commit") ~= nil)
t, ok = dbg("!ca 86000000") print(ok, t:match("Mapped Views +1") ~= nil, t:match("Subsection 1 @ 86000080") ~= nil)
t, ok = dbg("!vad " .. hex(v) .. " 1") print(ok, t:match("Control Area:  86000000") ~= nil)
t, ok = dbg("!pte " .. hex(v + 0x1000)) print(ok, t:match("Proto: E1000008") ~= nil, t:match("DemandZero") ~= nil)
t, ok = dbg("lm") print(ok, t:match("80400000 80600000   nt ") ~= nil)
print(select(2, dbg("!ca 12345678")), select(2, dbg("!controlarea 86000000 1")), select(2, dbg("lm x")))'
[ "$rc" -eq 0 ] && out_is "$(printf 'true\ttrue\ntrue\ttrue\ttrue\ntrue\ttrue\ntrue\ttrue\ttrue\ntrue\ttrue\nfalse\ttrue\tfalse')"
check $? "the debugger on a view: !ca, !vad detail, !pte of a prototype PTE, lm"

run -e 'f = CreateFile("C:\\m.bin", GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, nil, CREATE_ALWAYS, 0, nil)
m = CreateFileMapping(f, nil, PAGE_READWRITE, 0, 0x2000)
v = MapViewOfFile(m, FILE_MAP_WRITE, 0, 0, 0)
print(GetFileSize(f), DeleteFile("C:\\m.bin"), GetLastError())
SetFilePointer(f, 0x1000, nil, FILE_BEGIN) print(SetEndOfFile(f), GetLastError())
print(UnmapViewOfFile(v), CloseHandle(m), SetEndOfFile(f), GetFileSize(f))
print(DeleteFile("C:\\m.bin"), STATUS_CANNOT_DELETE == 0xC0000121)'
[ "$rc" -eq 0 ] && out_is "$(printf '8192\tfalse\t5\nfalse\t1224\ntrue\ttrue\ttrue\t4096\t0\ntrue\ttrue')"
check $? "a file with a section: DeleteFile 5 (STATUS_CANNOT_DELETE), SetEndOfFile 1224; both work once it is gone"
# LoadLibrary and its kin; with make check's PE fixtures ($NTMM_PE_DIR), a DLL.
mkdir "$dir/c"
run --root "$dir/c" -e 'print(LoadLibrary("C:\\nope.dll"), GetLastError())
print(GetModuleHandle("nope.dll"), GetLastError(), FreeLibrary(0x10000000), GetLastError())'
[ "$rc" -eq 0 ] && out_is "$(printf 'nil\t126\nnil\t126\tfalse\t126')"
status=$?
if [ "$status" -eq 0 ] && [ -n "${NTMM_PE_DIR:-}" ]; then
    cp "$NTMM_PE_DIR/dll32.dll" "$dir/c/"
    run --root "$dir/c" -e 'h = LoadLibraryA("C:\\dll32.dll")
buf = VirtualAlloc(nil, 0x1000, MEM_COMMIT, PAGE_READWRITE)
n = GetModuleFileName(h, buf, 260)
print(GetModuleHandle("dll32.dll") == h, n, readbytes(buf, n), VirtualQuery(h).Type == MEM_IMAGE)
print(dbg("lm"):match("\n(%x+ %x+   dll32 )") ~= nil, dbg("!vad"):match("Mapped  Exe  EXECUTE_WRITECOPY  \\dll32%.dll") ~= nil)
print(FreeLibrary(h), GetModuleHandle("dll32.dll"), GetLastError())'
    [ "$rc" -eq 0 ] && out_is "$(printf 'true\t12\tC:\\dll32.dll\ttrue\ntrue\ttrue\ntrue\tnil\t126')"
    status=$?
fi
check $status "LoadLibrary, GetModuleHandle, GetModuleFileName, FreeLibrary (126 for a missing DLL) and lm"

# ---- determinism ----
cat >"$dir/det.lua" <<'LUA'
local p = CreateProcess{name = "det.exe"}
for i = 1, 20 do
    local a = VirtualAlloc(nil, 0x1000 * i, MEM_COMMIT, PAGE_READWRITE)
    write32(a, math.random(1 << 30))
    print(hex(a), read32(a), VirtualQuery(a).RegionSize)
end
for k, v in pairs(GetSystemInfo()) do print(k, v) end
for k, v in pairs(GlobalMemoryStatusEx()) do print(k, v) end
print(p, idle())
LUA
run --seed 5 "$dir/det.lua"
cp "$dir/out" "$dir/det1"
run --seed 5 "$dir/det.lua"
[ "$rc" -eq 0 ] && [ -s "$dir/out" ] && cmp -s "$dir/out" "$dir/det1"
check $? "the same script and seed twice: byte-identical output"

# ---- the debugger ----
run -e 'local text, ok = dbg("!verify") print(type(text), #text > 0, ok)'
out_is "$(printf 'string\ttrue\ttrue')"
check $? "dbg(\"!verify\") returns text and true"
repl '!verify'
[ "$rc" -eq 0 ] && [ -s "$dir/out" ]
check $? "REPL: a debugger command line prints its output"

repl '!nosuchcommand'
[ "$rc" -eq 0 ] && grep -q "nosuchcommand" "$dir/out" && ! grep -q "unexpected symbol" "$dir/err"
check $? "REPL: an unknown !command goes to the debugger, not to Lua"
run -e 'local text, ok = dbg("!nosuchcommand") print(ok)'
out_is false
check $? "dbg of an unknown command returns false"
repl 'a = VirtualAlloc(nil, 0x2000, MEM_COMMIT, PAGE_READWRITE)
!vad'
[ "$rc" -eq 0 ] && grep -q 'READWRITE' "$dir/out"
check $? "REPL: !vad after VirtualAlloc shows the READWRITE VAD"
run -e 'p = CreateProcess{name = "b.exe"}
dbg(string.format(".process %x", p.pid))
print(GetCurrentProcessObject() == p)'
out_is true
check $? ".process switches the scripts' current process too"

[ "$n" -eq 58 ] || echo "not ok $((n + 1)) - wrong number of checks ($n)"
