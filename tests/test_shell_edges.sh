#!/bin/sh
# Review of the ntmm program and the debugger commands: odd arguments, the
# 512-byte argument limit, wildcards, error objects, determinism of pairs,
# the TLB after edits through the self-map, calls after the current process
# terminated. Prints TAP for run-tests.sh. NTMM names the program (make check
# passes the sanitizer build); by hand:
#   make build/check/ntmm && NTMM=$PWD/build/check/ntmm sh tests/test_review_shell.sh
. "$(dirname "$0")/shell_tap.sh"

# ---- dd/db/dq with 16 words filling the 511-byte argument limit ----
# dump_parse joins the address words with a space before each one into a
# 512-byte buffer: 16 words in 511 bytes need 513 (stack-buffer-overflow).
long=$(printf 'f%.0s' $(seq 511))
run -e "local t, ok = dbg('db $long') print(ok)"
[ "$rc" -eq 0 ] && clean && grep -Eqx 'true|false' "$dir/out"
check $? "db with one 511-byte word: no stack overflow in dump_parse"
words="$(printf '1 %.0s' $(seq 15))$(printf 'a%.0s' $(seq 481))"
run -e "local t, ok = dbg('dd $words') print(ok)"
[ "$rc" -eq 0 ] && clean && out_is false
check $? "dd with 16 words in 511 bytes: an error, no stack overflow in dump_parse"
run --arch pae -e "local a = VirtualAlloc(nil, 0x10000, MEM_COMMIT, PAGE_READWRITE)
for i = 0, 15 do write32(a + i * 0x1000, i) end
dbg('ed c0883008 ffffffff') dbg('ed c0883014 ffffffff')
print(VirtualFree(a, 0, MEM_RELEASE), (dbg('!verify')))"
[ "$rc" -eq 0 ] && grep -q "^true	!verify: FAILED: space at [0-9a-f]*: LastInitializedWsle ffffffff" "$dir/out"
check $? "an edited working-set list header (LastEntry, LastInitializedWsle) bounds no loop: release and !verify finish"
w510="010000$(printf '+0%.0s' $(seq 252))" # a valid 510-byte expression
run -e "local t, ok = dbg('dq $w510') print(ok, #t > 0)"
[ "$rc" -eq 0 ] && clean && out_is "$(printf 'true\ttrue')"
check $? "dq with a 510-byte address: runs (just under the limit)"
run -e "local t, ok = dbg('dq ' .. string.rep('f', 512)) print(ok, t)"
[ "$rc" -eq 0 ] && clean && grep -q 'the arguments are too long' "$dir/out"
check $? "dq with 512 bytes of arguments: 'the arguments are too long'"

# ---- x with many wildcards ----
# wildcard_match backtracks without memo: a pattern of 40 '*' never ends.
stars=$(printf '*%.0s' $(seq 40))
limit=5; run -e "local t, ok = dbg('x nt!${stars}zz') print(ok, #t)"
limit=20
[ "$rc" -eq 0 ] && out_is "$(printf 'true\t0')"
check $? "x nt!<40 stars>zz answers (no exponential backtracking)"

# ---- expressions ----
# digits_value wraps silently: 2^64 + 0x10000 reads as 0x10000.
run -e 'a = VirtualAlloc(0x10000, 0x1000, MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE)
write32(a, 0x11223344)
local t, ok = dbg("dd 0n18446744073709617152 L1") print(ok)
local t2, ok2 = dbg("dd 1ffffffffffffffff L1") print(ok2)'
[ "$rc" -eq 0 ] && out_is "$(printf 'false\nfalse')"
check $? "a number past 64 bits is an error, not wrapped (expr.c digits_value)"
run -e 'local t, ok = dbg("dd " .. string.rep("(", 250) .. "10000" .. string.rep(")", 250) .. " L1")
print(ok, t:match("^00010000") ~= nil)
print(select(2, dbg("dd 1/0")), select(2, dbg("dd poi(0)")), select(2, dbg("dd (1")), select(2, dbg("dd \"x")))
print(select(2, dbg("db \255\254\128")), select(2, dbg("dd 0 L0")), select(2, dbg("dd 0 L100001")))'
[ "$rc" -eq 0 ] && clean && out_is "$(printf 'true\ttrue\nfalse\tfalse\tfalse\tfalse\nfalse\tfalse\tfalse')"
check $? "deep parentheses, /0, poi(0), unbalanced, non-ASCII, L0, L too large"

# ---- every command with odd arguments, on the three architectures ----
cat >"$dir/odd.lua" <<'LUA'
-- a view of a pagefile-backed section and one of a file, for !ca, lm, !vad, !dh ...
local s = CreateFileMapping(INVALID_HANDLE_VALUE, nil, PAGE_READWRITE, 0, 0x3000, "odd")
write32(MapViewOfFile(s, FILE_MAP_ALL_ACCESS, 0, 0, 0), 1)
local buffer = VirtualAlloc(nil, 0x1000, MEM_COMMIT, PAGE_READWRITE)
local f = CreateFile("C:\\odd.txt", GENERIC_READ | GENERIC_WRITE, 0, nil, CREATE_ALWAYS, 0, nil)
WriteFile(f, buffer, 0x1000)
local v = MapViewOfFile(CreateFileMapping(f, nil, PAGE_WRITECOPY, 0, 0), FILE_MAP_COPY, 0, 0, 0)
write32(v, 1)
local cmds = { "!vad", "!pte", "!vtop", "!pfn", "!vm", "!memusage", "!address", "!process",
    ".process", "dt", "db", "dw", "dd", "dq", "!db", "!dd", "!dq", "eb", "ew", "ed", "eq", "x",
    "!verify", "vmmap", "rammap", "help", "!ca", "!controlarea", "lm", "!dh", "!wsle" }
local args = { "", "0", "-1", "ffffffff", "ffffffff`ffffffff", "1/0", "(((1)))", "1)", "(1",
    "'a", "\255\254", "poi(0)", "0n", "0x", "--5", "L0", "0 L0", "0 L-1", "fffffff0 L10",
    "ffffffffffffffff L2", "7ffffff0 L40", "10000 1 2", "MmPfnDatabase+0x1c*0n10", "0 0",
    "-summary", "_MMPFN ffffffff", "_MMPTE c0000000", "*!*", "nt!", "`", string.rep("1 ", 70),
    "86000000", "86000000 3", "86000000 4", "86000040", "86000080", "e1000000", "e1000fff", "v",
    "fffffa80`01000000", "fffff8a0`00000000 2" }
local count = 0
for _, c in ipairs(cmds) do
    for _, a in ipairs(args) do
        local text, ok = dbg(c .. " " .. a)
        if type(text) == "string" and type(ok) == "boolean" then count = count + 1 end
    end
end
print(count == #cmds * #args)
LUA
for arch in x86 pae x64; do
    run --arch $arch "$dir/odd.lua"
    [ "$rc" -eq 0 ] && clean && out_is true
    check $? "$arch: every command with odd arguments answers, no sanitizer report"
done

# ---- ed/eq on a page table through the self-map: the TLB stays truthful ----
run --arch x86 -e 'a = VirtualAlloc(nil, 0x2000, MEM_COMMIT, PAGE_READWRITE)
write32(a, 1) write32(a + 0x1000, 2)
print(read32(a))
local pte = dbg(string.format("dd %x L1", 0xC0000000 + ((a + 0x1000) >> 12) * 4)):match("%s(%x+)\n")
print(select(2, dbg(string.format("ed %x %s", 0xC0000000 + (a >> 12) * 4, pte))))
print(read32(a))'
[ "$rc" -eq 0 ] && out_is "$(printf '1\ntrue\n2')"
check $? "x86: ed of a PTE through the self-map; read32 then sees the new frame"
run -e 'a = VirtualAlloc(nil, 0x2000, MEM_COMMIT, PAGE_READWRITE)
write32(a, 1) write32(a + 0x1000, 2)
print(read32(a))
local pte = dbg(string.format("dq %x L1", 0xC0000000 + ((a + 0x1000) >> 12) * 8)):match("%s(%x+`%x+)")
print(select(2, dbg(string.format("eq %x %s", 0xC0000000 + (a >> 12) * 8, pte))))
print(read32(a))'
[ "$rc" -eq 0 ] && out_is "$(printf '1\ntrue\n2')"
check $? "pae: eq of a PTE through the self-map; read32 then sees the new frame"

# ---- error objects ----
# message_handler reads lua_tostring(L, -2) for a userdata error object: the
# object itself, not its __tostring text, and prints "(null)".
run -e 'error(GetCurrentProcessObject())'
[ "$rc" -eq 1 ] && grep -q '^ntmm: process [0-9]* ntmm.exe (32-bit)' "$dir/err" && ! grep -q 'null' "$dir/err"
check $? "error(process object): its __tostring text, not (null)"
printf 'error(GetCurrentProcessObject())\nprint(1)\n' | timeout 20 "$NTMM" >"$dir/out" 2>"$dir/err"
rc=$?
[ "$rc" -eq 0 ] && out_is 1 && grep -q '^ntmm: process [0-9]* ntmm.exe' "$dir/err"
check $? "REPL: error(process object) prints its text"
run -e 'error(setmetatable({}, {__tostring = function() return "boom" end}))'
[ "$rc" -eq 1 ] && grep -q '^ntmm: boom$' "$dir/err"
check $? "a table error object with __tostring: its text"
run -e 'co = coroutine.wrap(function() local ok, e = pcall(read8, 0) print(ok, e.name) read8(0) end)
local ok, e = pcall(co) print(ok, e.name, tostring(e))'
[ "$rc" -eq 0 ] && out_is "$(printf 'false\tEXCEPTION_ACCESS_VIOLATION\nfalse\tEXCEPTION_ACCESS_VIOLATION\tEXCEPTION_ACCESS_VIOLATION (0xc0000005) reading 0x00000000')"
check $? "exceptions caught with pcall inside and outside a coroutine"

# ---- Lua bindings ----
run -e 'print(pcall(readbytes, 0x10000, 1 << 62))
print(pcall(readbytes, 0x10000, -1))
print(select("#", pcall(readbytes, 0x10000, 64 << 20)))'
[ "$rc" -eq 0 ] && clean &&
    out_is "$(printf "false\tbad argument #2 to 'readbytes' (count out of range (0 to 64 MB))\nfalse\tbad argument #2 to 'readbytes' (count out of range (0 to 64 MB))\n2")"
check $? "readbytes with a huge or negative count fails cleanly"
run -e 'local function f() return 1 + f() end print(pcall(f))
local t = setmetatable({}, {__index = function(t, k) return t[k] end}) print((pcall(function() return t.x end)))'
[ "$rc" -eq 0 ] && clean && grep -q 'stack overflow' "$dir/out"
check $? "endless recursion is a Lua error, not a crash"
run -e 'p = GetCurrentProcessObject() TerminateProcess(p)
print(VirtualAlloc(nil, 0x1000, MEM_COMMIT, PAGE_READWRITE), GetLastError())
print(VirtualQuery(0x10000), (pcall(read8, 0x10000)), (pcall(SetCurrentProcess, p)))
print(select(2, dbg("!vad")), select(2, dbg("vmmap")), select(2, dbg("!address")), select(2, dbg("!verify")))
print(select(2, dbg("dd 10000 L1")), select(2, dbg("ed 10000 1")), GetCurrentProcessObject(), #Processes())'
[ "$rc" -eq 0 ] && clean &&
    out_is "$(printf 'nil\t6\nnil\tfalse\tfalse\nfalse\tfalse\tfalse\ttrue\ntrue\tfalse\tnil\t0')"
check $? "after TerminateProcess of the current process: clean failures"
run -e 'print(pcall(VirtualAlloc, "x", {}, nil)) print(pcall(read8, 2^63)) print(pcall(hex, {})) print(pcall(dbg)) print(pcall(CreateProcess, 5)) print(pcall(CreateProcess, {bits = "x"}))'
[ "$rc" -eq 0 ] && clean && [ "$(grep -c '^false' "$dir/out")" -eq 6 ]
check $? "wrong argument types raise Lua errors"

# ---- determinism ----
# pairs orders numbers, strings and booleans; other keys (functions, tables)
# come in next's order, which follows host addresses (light C functions
# live in liblua, placed by ASLR).
cat >"$dir/keys.lua" <<'LUA'
local t, s = {}, ""
for i, f in ipairs{print, type, tostring, rawget, rawset, rawequal, select, next, ipairs,
                   error, assert, string.len, string.sub, math.floor, table.insert, read8, dbg, hex} do
    t[f] = i
end
for _, v in pairs(t) do s = s .. v .. " " end
print(s)
LUA
run "$dir/keys.lua"
cp "$dir/out" "$dir/keys1"
same=0
for i in 1 2 3; do
    run "$dir/keys.lua"
    cmp -s "$dir/out" "$dir/keys1" || same=1
done
[ "$rc" -eq 0 ] && [ "$same" -eq 0 ]
check $? "pairs over function keys: the same order in every run"

# ---- the REPL fed odd input ----
head -c 1048576 /dev/zero | tr '\0' 'a' >"$dir/long"
{ cat "$dir/long"; printf '\nprint(1)\r\n\377\376garbage\nprint(2)\n'; } |
    timeout 30 "$NTMM" >"$dir/out" 2>"$dir/err"
rc=$?
[ "$rc" -eq 0 ] && clean && out_is "$(printf 'nil\n1\n2')" && [ "$(wc -l <"$dir/err")" -eq 1 ]
check $? "REPL: a 1 MB line, a line ending in CR, binary garbage"
head -c 65536 /dev/urandom | timeout 60 "$NTMM" >/dev/null 2>"$dir/err"
rc=$?
[ "$rc" -eq 0 ] && clean
check $? "REPL: 64 KB of random bytes, no crash"

# ---- options ----
run --ram 16M -e 'print(GlobalMemoryStatusEx().ullTotalPhys)'
[ "$rc" -eq 0 ] && out_is 16777216
check $? "--ram 16M boots"
run --ram 15M -e 'print(1)'
[ "$rc" -eq 2 ] && grep -q 'too small' "$dir/err"
check $? "--ram 15M: too small, exit 2"
run --arch x86 --ram 4097M -e 'print(1)'
[ "$rc" -eq 2 ] && grep -q '^ntmm: RAM of 4097 MB' "$dir/err"
check $? "--ram 4097M on x86: exit 2"
run --ram= -e 'print(1)'
[ "$rc" -eq 2 ] && [ "$(wc -l <"$dir/err")" -eq 1 ]
check $? "--ram= : exit 2"
run --arch
[ "$rc" -eq 2 ] && grep -q -- '--arch needs a value' "$dir/err"
check $? "--arch without a value: exit 2"
run --seed 18446744073709551616 -e 1
[ "$rc" -eq 2 ]
check $? "--seed past 64 bits: exit 2"
run --seed -5 -e 1
[ "$rc" -eq 2 ]
check $? "--seed -5: exit 2"
run --pagefile 1 -e 1
[ "$rc" -eq 2 ] && grep -q 'whole number of 4 KB pages' "$dir/err"
check $? "--pagefile 1: exit 2"

# ---- pagefiles (mm/pagefile.c): --pagefile SIZE[:MAX], repeatable ----
mkdir "$dir/c"
run --root "$dir/c" --ram 16M --pagefile 64M:128M --pagefile 2M -e '
print(dbg("!vm"))
print(CreateFile("C:\\pagefile2.sys", GENERIC_READ, 0, nil, OPEN_EXISTING, 0, nil) == INVALID_HANDLE_VALUE, GetLastError())
print(DeleteFile("C:\\pagefile.sys"), GetLastError())'
[ "$rc" -eq 0 ] && [ "$(grep -c 'Page File:' "$dir/out")" -eq 2 ] &&
    grep -q '^	Page File: \\??\\C:\\pagefile.sys$' "$dir/out" &&
    grep -q '^	  Current:      65536 Kb  Free Space:      65532 Kb$' "$dir/out" &&
    grep -q '^	  Minimum:      65536 Kb  Maximum:        131072 Kb$' "$dir/out" &&
    grep -q '^	Page File: \\??\\C:\\pagefile2.sys$' "$dir/out" &&
    grep -q '^	  Minimum:       2048 Kb  Maximum:          2048 Kb$' "$dir/out" &&
    grep -q "^true	32$" "$dir/out" && grep -q "^false	32$" "$dir/out" &&
    [ -z "$(ls "$dir/c")" ]
check $? "--pagefile 64M:128M --pagefile 2M: two pagefiles in !vm, held open, gone at exit"
run --pagefile 4M --pagefile 0 --pagefile 2M -e 'print(dbg("!vm"))'
[ "$rc" -eq 0 ] && [ "$(grep -c 'Page File:' "$dir/out")" -eq 1 ] &&
    grep -q '^	  Current:       2048 Kb' "$dir/out"
check $? "--pagefile 0 drops the pagefiles given before it"
run --pagefile 0 -e 'print(dbg("!vm"))'
[ "$rc" -eq 0 ] && ! grep -q 'Page File' "$dir/out"
check $? "--pagefile 0: no pagefile in !vm"
run --ram 16M --pagefile 1M:2M -e 'print(dbg("x nt!MmTotalCommitLimitMaximum")); print(dbg("dd nt!MmTotalCommitLimitMaximum L1"))'
[ "$rc" -eq 0 ] && grep -q 'nt!MmTotalCommitLimitMaximum = 0x[0-9a-f]* <Uint4B>' "$dir/out" &&
    [ "$(sed -n 's/.*MmTotalCommitLimitMaximum = 0x\([0-9a-f]*\) .*/\1/p' "$dir/out")" = \
      "$(sed -n 's/^[0-9a-f]*  0*\([0-9a-f]*\)$/\1/p' "$dir/out")" ]
check $? "x and dd read nt!MmTotalCommitLimitMaximum"
run --pagefile 4M:2M -e 1
[ "$rc" -eq 2 ] && grep -q 'its maximum size (2048 KB) is below its initial size (4096 KB)' "$dir/err"
check $? "--pagefile 4M:2M: exit 2 with the reason"
run --pagefile 4M:x -e 1
[ "$rc" -eq 2 ] && grep -q "^ntmm: --pagefile: '4M:x' is not SIZE or SIZE:MAX" "$dir/err"
check $? "--pagefile 4M:x: exit 2"
set --
for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17; do set -- "$@" --pagefile 1M; done
run "$@" -e 1
[ "$rc" -eq 2 ] && grep -q -- '--pagefile: at most 16 pagefiles' "$dir/err"
check $? "17 --pagefile options: exit 2"
run -- -e
[ "$rc" -eq 1 ] && grep -q '^ntmm: cannot open -e' "$dir/err"
check $? "-- then -e: -e is the script's name"

# ---- bug checks on every architecture (mm/bugcheck.c, tools/analyze.c) ----
# The first zeroed frame's Flink edited to 41414141: the next fault is
# PFN_LIST_CORRUPT 2 with that frame; the script's write fails, .reboot is
# refused in a script, the host process never crashes.
for spec in "x86 ed 18 8 00000002" "pae ed 1c 8 00000002" "x64 eq 30 10 0000000000000002"; do
    set -- $spec
    run --arch "$1" --ram 32M -e "p = VirtualAlloc(nil, 0x1000, MEM_COMMIT, PAGE_READWRITE)
assert(select(2, dbg('$2 poi(MmPfnDatabase)+$3*poi(MmZeroedPageListHead+$4) 41414141')))
print(pcall(write32, p, 1))
print(dbg('.bugcheck'))
print(dbg('.reboot'))
print(VirtualAlloc(nil, 0x1000, MEM_COMMIT, PAGE_READWRITE), GetLastError())"
    [ "$rc" -eq 0 ] && clean && grep -q '^\*\*\* STOP: 0x0000004E (0x0*2,' "$dir/out" &&
        grep -q "^PFN_LIST_CORRUPT$" "$dir/out" &&
        grep -q "^false	.*STATUS_SHUTDOWN_IN_PROGRESS" "$dir/out" &&
        grep -q "^Arguments $5 " "$dir/out" &&
        grep -q "^.reboot: only at the kd> prompt" "$dir/out" &&
        grep -q "^nil	1115$" "$dir/out"
    check $? "--arch $1: a corrupt Flink is STOP 0x4E 2; later calls fail with 1115"
done
# A user PTE naming a frame beyond RAM: MEMORY_MANAGEMENT 0x411 at the next
# fault on it (here: VirtualFree of the page), no read beyond the PFN database.
run --arch x64 --ram 32M -e "p = VirtualAlloc(nil, 0x1000, MEM_COMMIT, PAGE_READWRITE)
write32(p, 1)
assert(select(2, dbg(string.format('eq %x 0fffff00867', 0xFFFFF68000000000 + (p >> 12) * 8))))
print(VirtualFree(p, 0x1000, MEM_DECOMMIT), GetLastError())
print(dbg('!analyze -v'))"
[ "$rc" -eq 0 ] && clean && grep -q '^MEMORY_MANAGEMENT (1a)$' "$dir/out" &&
    grep -q '^Arg1: 0000000000000411, a page table entry is corrupt$' "$dir/out"
check $? "--arch x64: a PTE beyond RAM is MEMORY_MANAGEMENT 0x411, explained by !analyze -v"
run -e "print(dbg('!analyze -x'))"
[ "$rc" -eq 0 ] && out_is "$(printf '!analyze: takes only -v\n\tfalse')"
check $? "!analyze -x: one line, fails"

# No dump or edit wraps past the last address (WinDbg's "Range error").
run --arch x64 -e "print(select(2, dbg('db ffffffffffffffff L10')), select(2, dbg('!dq ffffffffffffffff L2')),
    select(2, dbg('dq fffffffffffffff8 L1')))"
[ "$rc" -eq 0 ] && out_is "$(printf 'false\tfalse\ttrue')"
check $? "db/!dq past the top of the address space: Range error; up to it: shown"
run --arch pae -e "print(select(2, dbg('dd fffffffc L2')), select(2, dbg('ed ffffffff 1')))"
[ "$rc" -eq 0 ] && out_is "$(printf 'false\tfalse')"
check $? "PAE: dd and ed past 4 GB of virtual addresses: Range error"

[ "$n" -eq 47 ] || echo "not ok $((n + 1)) - wrong number of checks ($n)"
