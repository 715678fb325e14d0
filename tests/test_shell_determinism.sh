#!/bin/sh
# Determinism of the shell's Lua (src/shell/determinism.c, lua_env.c): next
# in the order pairs uses, %p and tostring by stable numbers, each alias
# named by itself in errors. Lua salts its string hashes per run and ASLR
# moves every address, so the test runs the same script in 20 processes and
# compares their output byte for byte. Prints TAP for run-tests.sh; by hand:
#   make build/check/ntmm && NTMM=$PWD/build/check/ntmm sh tests/test_shell_determinism.sh
. "$(dirname "$0")/shell_tap.sh"

# same SCRIPT ARGS...: 20 runs give the first run's stdout, stderr and exit
# status (together in $dir/first).
same() {
    script=$1
    shift
    for i in $(seq 20); do
        run "$@" "$script"
        { cat "$dir/err"; echo "exit $rc"; } >>"$dir/out"
        [ "$i" -eq 1 ] && cp "$dir/out" "$dir/first"
        cmp -s "$dir/out" "$dir/first" || return 1
    done
}

# ---- next ----
cat >"$dir/next.lua" <<'LUA'
local t = { zeta = 1, alpha = 2, mid = 3, [10] = "ten", [2] = "two", [true] = "yes", [2.5] = "half" }
for i = 1, 40 do t["k" .. i] = i end
local order, k, v = {}, next(t)
while k ~= nil do order[#order + 1] = tostring(k) .. "=" .. tostring(v) k, v = next(t, k) end
print(table.concat(order, " "))
local via_pairs = {}
for key, value in pairs(t) do via_pairs[#via_pairs + 1] = tostring(key) .. "=" .. tostring(value) end
print(table.concat(via_pairs, " ") == table.concat(order, " "))
local cleared = {}
for key in next, t do t[key] = nil cleared[#cleared + 1] = tostring(key) end
print(#cleared, next(t))
print(pcall(next, t, "absent"))
print(pcall(next))
print(pcall(next, 5))
LUA
same "$dir/next.lua"
check $? "next walks a table in the same order in 20 runs"
head -1 "$dir/first" | grep -q '^2=two 2.5=half 10=ten alpha=2 k1=1 k10=10 k11=11 .* zeta=1 true=yes$' &&
    sed -n 2p "$dir/first" | grep -qx true && sed -n 3p "$dir/first" | grep -qx "$(printf '47\tnil')" &&
    sed -n 4p "$dir/first" | grep -qx "$(printf "false\tinvalid key to 'next'")" &&
    sed -n 5p "$dir/first" | grep -qx "$(printf "false\tbad argument #1 to 'next' (table expected, got no value)")" &&
    sed -n 6p "$dir/first" | grep -qx "$(printf "false\tbad argument #1 to 'next' (table expected, got number)")"
check $? "next: numbers, strings, booleans in order, as pairs; clearing fields while walking; Lua's errors"

# ---- %p, %s and tostring ----
cat >"$dir/print.lua" <<'LUA'
local plain, named, hidden = {}, setmetatable({}, { __name = "THING" }),
    setmetatable({}, { __name = "HIDDEN", __metatable = "no" })
local co, f = coroutine.create(print), function() end
print(plain, named, hidden, co, f, print, GetCurrentProcessObject())
print(tostring(plain), tostring(named), tostring(hidden), tostring(co), tostring(f))
print(string.format("%p|%p|%p|%p|%p|%p|%12p|%-12p|", plain, named, co, f, print, "str", plain, named))
print(string.format("%p %p %p", 1, nil, true), string.format("%s|%s|%s|%10s|", plain, named, f, co))
print(("%p"):format(plain), string.format("%s %d %5.1f %q %%p", "x", 3, 2.25, "q"))
print(pcall(string.format, "%d", "x"))
print(pcall(string.format, "%p"))
print(pcall(string.format, "%5.2p", plain))
LUA
same "$dir/print.lua"
check $? "tostring, print and string.format's %p and %s: the same bytes in 20 runs"
! grep -q '0x' "$dir/first"
check $? "no host address (0x...) in their output"
sed -n 1p "$dir/first" | grep -qx "$(printf 'table: 00000001\tTHING: 00000002\tHIDDEN: 00000003\tthread: 00000004\tfunction: 00000005\tfunction: print\tprocess 8 ntmm.exe (32-bit)')" &&
    sed -n 2p "$dir/first" | grep -qx "$(printf 'table: 00000001\tTHING: 00000002\tHIDDEN: 00000003\tthread: 00000004\tfunction: 00000005')" &&
    sed -n 3p "$dir/first" | grep -qx '00000001|00000002|00000004|00000005|0000000.|0000000.|    00000001|00000002    |' &&
    sed -n 4p "$dir/first" | grep -qx "$(printf '(null) (null) (null)\ttable: 00000001|THING: 00000002|function: 00000005|thread: 00000004|')" &&
    sed -n 5p "$dir/first" | grep -qx "$(printf '00000001\tx 3   2.2 "q" %%p')" &&
    sed -n 6p "$dir/first" | grep -qx "$(printf "false\tbad argument #2 to 'string.format' (number expected, got string)")" &&
    sed -n 7p "$dir/first" | grep -qx "$(printf "false\tbad argument #2 to 'string.format' (no value)")" &&
    sed -n 8p "$dir/first" | grep -qx "$(printf "false\tinvalid conversion specification: '%%5.2p'")"
check $? "a value's number is the one tostring gives it; __name without __tostring is 'NAME: number'; Lua's errors"
run -e 'string.format("%d", {})'
grep -q "^ntmm: (command line):1: bad argument #2 to 'format' (number expected, got table)" "$dir/err"
check $? "string.format's errors still name the caller's line"
run --unsafe -e 'print(string.format("%p", {}), tostring(setmetatable({}, { __name = "X" })))'
[ "$rc" -eq 0 ] && out_is "$(printf '00000001\tX: 00000002')"
check $? "--unsafe: the same stable numbers"

# ---- aliases ----
cat >"$dir/alias.lua" <<'LUA'
for _, name in ipairs{ "CreateFile", "CreateFileA", "CreateFileW", "DeleteFile", "DeleteFileA",
    "DeleteFileW", "LoadLibrary", "LoadLibraryA", "LoadLibraryW", "LoadLibraryEx", "LoadLibraryExA",
    "LoadLibraryExW", "GetModuleHandle", "GetModuleHandleA", "GetModuleHandleW", "GetModuleFileName",
    "GetModuleFileNameA", "GetModuleFileNameW", "CreateFileMapping", "CreateFileMappingA",
    "CreateFileMappingW", "OpenFileMapping", "OpenFileMappingA", "OpenFileMappingW" } do
    print(select(2, pcall(_G[name], {})), tostring(_G[name]))
end
CreateFileW({})
LUA
same "$dir/alias.lua"
check $? "the same bad call through each alias: the same message in 20 runs"
bad=0
for name in CreateFile CreateFileA CreateFileW DeleteFileW LoadLibraryExA GetModuleHandleW \
    GetModuleFileNameA CreateFileMappingW OpenFileMappingA; do
    grep -q "^bad argument #1 to '$name' (.*)	function: $name\$" "$dir/first" || bad=1
done
grep -q "^ntmm: .*alias.lua:8: bad argument #1 to 'CreateFileW'" "$dir/first" &&
    grep -q "in function 'CreateFileW'" "$dir/first" && [ "$bad" -eq 0 ]
check $? "each alias is named by itself, in errors, tracebacks and tostring"

[ "$n" -eq 9 ] || echo "not ok $((n + 1)) - wrong number of checks ($n)"
