#!/bin/sh
# The help of the Lua functions (src/tools/help_functions.c, help.h (1) and
# (2)): every global function the shell binds beyond Lua's standard library
# has an entry dbg("help NAME") prints; a Windows name ntmm does not model
# says so; a misspelt name gets a suggestion. Prints TAP for run-tests.sh.
# By hand: make build/check/ntmm && NTMM=$PWD/build/check/ntmm sh tests/test_help_functions.sh
. "$(dirname "$0")/shell_tap.sh"

run -e '
local standard = {}
for name in ([[assert print pairs ipairs type tostring tonumber select error
  pcall xpcall next rawget rawset rawequal rawlen setmetatable getmetatable
  collectgarbage load dofile loadfile require warn]]):gmatch("%S+") do
  standard[name] = true
end
local names, missing = {}, {}
for name, value in pairs(_G) do
  if type(value) == "function" and not standard[name] then names[#names + 1] = name end
end
table.sort(names)
for _, name in ipairs(names) do
  local text, ok = dbg("help " .. name)
  if not ok or not text:find(name, 1, true) then missing[#missing + 1] = name end
end
print(#names .. " functions")
if #missing > 0 then print("without help: " .. table.concat(missing, " ")) end'
[ "$rc" -eq 0 ] && ! grep -q "without help" "$dir/out" && [ "$(sed -n 's/ functions$//p' "$dir/out")" -gt 60 ] && clean
check $? "every bound function beyond the standard library has help ($(head -n 1 "$dir/out"))"
grep "without help" "$dir/out"

run -e 'local text, ok = dbg("help VirtualAlloc"); print(ok); print(text)'
[ "$rc" -eq 0 ] && [ "$(head -n 1 "$dir/out")" = true ] && grep -q '^VirtualAlloc(lpAddress' "$dir/out" &&
    grep -q 'Errors:' "$dir/out" && grep -q 'Seed experiments: E1' "$dir/out"
check $? "help VirtualAlloc: synopsis, errors and seeds"

run -e 'HeapAlloc(GetProcessHeap(), 0, 16)'
[ "$rc" -eq 1 ] && grep -q "does not model it yet" "$dir/err" && clean
check $? "a name ntmm does not model says so on stderr"

run -e 'local h = HeapAlloc()'
[ "$rc" -eq 1 ] && grep -q "^ntmm: HeapAlloc: allocates a block from a heap.*; ntmm does not model it yet" "$dir/err"
check $? "HeapAlloc(): its summary and \"does not model it yet\""

run -e 'VirtualAloc(nil, 4096, MEM_COMMIT, PAGE_READWRITE)'
[ "$rc" -eq 1 ] && grep -Eq "did you mean VirtualAlloc[,?]" "$dir/err" && clean
check $? "VirtualAloc(): did you mean VirtualAlloc (the nearest first)?"

run -e 'local t = {}
for _, name in ipairs({ "GetProcessHeap", "HeapCreate", "HeapAlloc", "HeapFree",
  "HeapDestroy", "HeapWalk", "malloc", "free", "CreateThread", "ExitThread",
  "AllocateUserPhysicalPages", "MapUserPhysicalPages", "GetLargePageMinimum",
  "GetWriteWatch", "ResetWriteWatch", "ExAllocatePoolWithTag" }) do
  local text, ok = dbg("help " .. name)
  if _G[name] ~= nil or not ok or not text:find("does not model it yet", 1, true) then
    t[#t + 1] = name
  end
end
print(table.concat(t, " "))'
[ "$rc" -eq 0 ] && out_is ""
check $? "the Windows names of the seeds ntmm lacks are unbound and say so in their help"

[ "$n" -eq 6 ] || echo "not ok $((n + 1)) - wrong number of checks ($n)"
