#!/bin/sh
# The bounds of a script (src/shell/limits.c): the Lua state's memory limit
# (--lua-memory), --timeout and Ctrl-C (SIGINT), in batch mode, in the REPL
# reading a pipe and at a terminal (through script(1)); the bound on Lua's
# pattern matcher (src/shell/pattern.c). Prints TAP for run-tests.sh; by
# hand:
#   make build/check/ntmm && NTMM=$PWD/build/check/ntmm sh tests/test_shell_limits.sh
. "$(dirname "$0")/shell_tap.sh"

# ---- --lua-memory ----
run --help
grep -q -- '--lua-memory SIZE' "$dir/out"
check $? "--help names --lua-memory"
run --lua-memory 8M -e 's = string.rep("x", 1 << 30)'
[ "$rc" -eq 1 ] && err_is 'ntmm: not enough memory' && [ ! -s "$dir/out" ]
check $? "--lua-memory 8M: a 1 GB string is 'not enough memory', exit 1"
run --lua-memory 8M -e 'local t = {} for i = 1, 1e8 do t[i] = i end'
[ "$rc" -eq 1 ] && err_is 'ntmm: not enough memory'
check $? "--lua-memory 8M: a table of 10^8 integers is 'not enough memory'"
run --lua-memory 64M -e 'local t = {} for i = 1, 1e6 do t[i] = i end print(#t)'
[ "$rc" -eq 0 ] && out_is 1000000
check $? "--lua-memory 64M: a table of 10^6 integers fits"
run --lua-memory 8M -e 'print(pcall(string.rep, "x", 1 << 30))
a = VirtualAlloc(nil, 0x1000, MEM_COMMIT, PAGE_READWRITE) write32(a, 7) print(read32(a), select(2, dbg("!verify")))'
[ "$rc" -eq 0 ] && out_is "$(printf 'false\tnot enough memory\n7\ttrue')"
check $? "pcall catches 'not enough memory'; the machine works on"
repl 's = string.rep("x", 1 << 30)
print(1)
t = {} local n = 1 while true do t[n] = {} n = n + 1 end
print(#t > 1000)
t = nil
print(#string.rep("y", 1 << 20))
!verify' --lua-memory 8M
[ "$rc" -eq 0 ] && clean && out_is "$(printf '1\ntrue\n1048576\n!verify: ok (every invariant holds)')" &&
    err_is "$(printf 'ntmm: not enough memory\nntmm: not enough memory')"
check $? "REPL: after 'not enough memory', even with the state full of live data, the next line runs"
for bad in 1K 1048575 0 8Q; do
    run --lua-memory $bad -e 'print(1)'
    [ "$rc" -eq 2 ] && grep -q -- "^ntmm: --lua-memory: '$bad' is not a size of at least 1M" "$dir/err" || break
done
check $? "--lua-memory below 1M or not a size: exit 2"
run --lua-memory=1M -e 'print(collectgarbage("count") < 1024)'
[ "$rc" -eq 0 ] && out_is true
check $? "--lua-memory=1M: the session starts"

# ---- --timeout ----
start=$(date +%s)
run --timeout 1 -e 'while true do end'
[ "$rc" -eq 1 ] && head -1 "$dir/err" | grep -qx 'ntmm: (command line):1: timeout after 1 s' &&
    [ $(($(date +%s) - start)) -lt 10 ]
check $? "--timeout 1: 'while true do end' stops with 'timeout after 1 s', exit 1, well under 10 s"
for loop in 'pcall(function() while true do end end)' \
    'xpcall(function() while true do end end, function(m) return m end)' \
    'coroutine.resume(coroutine.create(function() while true do end end))'; do
    run --timeout 1 -e "while true do $loop end"
    [ "$rc" -eq 1 ] && head -1 "$dir/err" | grep -q 'timeout after 1 s$' || break
done
check $? "--timeout 1: pcall, xpcall or coroutine.resume in a loop cannot swallow the timeout"
run --timeout 1 -e 'coroutine.wrap(function() local x = 0 while true do x = x + 1 end end)()'
[ "$rc" -eq 1 ] && head -1 "$dir/err" | grep -q 'timeout after 1 s$'
check $? "--timeout 1: a loop inside a coroutine stops too"
repl 'while true do end
print(1)
!verify' --timeout 1
[ "$rc" -eq 0 ] && err_is 'ntmm: stdin:1: timeout after 1 s' &&
    out_is "$(printf '1\n!verify: ok (every invariant holds)')"
check $? "REPL --timeout 1: each line has its second; the next line runs"
run --timeout 5 -e 'local x = 0 for i = 1, 1e5 do x = x + i end print(x)'
[ "$rc" -eq 0 ] && out_is 5000050000
check $? "--timeout 5: a short chunk runs to its end"
for bad in 0 -1 x 1.5; do
    run --timeout $bad -e 'print(1)'
    [ "$rc" -eq 2 ] && grep -q -- "^ntmm: --timeout: '$bad' is not a number of seconds" "$dir/err" || break
done
check $? "--timeout 0, -1, x or 1.5: exit 2"

# ---- Ctrl-C (SIGINT) ----
# The chunk creates C:\ready (a file under --root) once it runs; the test
# then sends SIGINT and gives the process 10 seconds to end.
mkdir "$dir/c"
ready='CloseHandle(CreateFile("C:\\ready", GENERIC_WRITE, 0, nil, CREATE_ALWAYS, 0, nil))'
wait_ready() {
    i=0
    while [ ! -e "$dir/c/ready" ] && [ $i -lt 200 ]; do sleep 0.1; i=$((i + 1)); done
}
finish() {
    i=0
    while kill -0 "$pid" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
    kill -KILL "$pid" 2>/dev/null
    wait "$pid"
    rc=$?
    rm -f "$dir/c/ready"
}
for loop in "$ready while true do end" \
    "coroutine.wrap(function() $ready while true do end end)()" \
    "coroutine.resume(coroutine.create(function() $ready while true do end end)) while true do end"; do
    "$NTMM" --root "$dir/c" -e "$loop" >"$dir/out" 2>"$dir/err" </dev/null &
    pid=$!
    wait_ready
    kill -INT "$pid"
    finish
    [ "$rc" -eq 1 ] && head -1 "$dir/err" | grep -qx 'ntmm: (command line):1: interrupted' || break
done
check $? "SIGINT stops a running script, in a coroutine too: 'interrupted', exit 1"
mkfifo "$dir/fifo"
"$NTMM" --root "$dir/c" <"$dir/fifo" >"$dir/out" 2>"$dir/err" &
pid=$!
exec 3>"$dir/fifo"
printf '%s\n' "a = VirtualAlloc(nil, 0x1000, MEM_COMMIT, PAGE_READWRITE) write32(a, 5) $ready while true do end" >&3
wait_ready
kill -INT "$pid"
printf 'print(read32(a))\n!verify\n' >&3
exec 3>&-
finish
[ "$rc" -eq 0 ] && clean && err_is 'ntmm: stdin:1: interrupted' &&
    out_is "$(printf '5\n!verify: ok (every invariant holds)')"
check $? "REPL (pipe): SIGINT stops the running line; the next lines run on the same machine"
if command -v script >/dev/null 2>&1; then
    # The command is exec'd: with SHELL unset script(1) runs it under sh,
    # which would share the terminal's Ctrl-C and exit 130 itself.
    # Each keystroke waits for what it answers: the Nth prompt, or C:\ready
    # from the running loop; a slow machine only makes the test slower.
    prompts() {
        i=0
        while [ "$(grep -o 'kd> ' "$dir/out" 2>/dev/null | wc -l)" -lt "$1" ] && [ $i -lt 300 ]; do
            sleep 0.1; i=$((i + 1))
        done
    }
    : >"$dir/out"
    { prompts 1; printf 'abc\003'; prompts 2; printf 'print(5)\r'; prompts 3
      printf '%s\r' "$ready while true do end"; wait_ready; printf '\003'; prompts 4
      printf 'print(6)\r'; prompts 5; printf 'q\r'; sleep 1; } |
        timeout 60 script -qfec "exec $NTMM --root $dir/c" /dev/null >"$dir/out" 2>&1
    rc=$?
    tr -d '\r' <"$dir/out" >"$dir/tty"
    [ "$rc" -eq 0 ] && grep -qx '5' "$dir/tty" && grep -q 'ntmm: stdin:1: interrupted' "$dir/tty" &&
        grep -qx '6' "$dir/tty" && ! grep -q abc "$dir/tty"
    check $? "terminal: Ctrl-C cancels the typed line and stops a running one; the REPL goes on"
else
    n=$((n + 1))
    echo "ok $n # skip script(1) is not installed"
fi

# ---- the pattern matcher ----
cat >"$dir/patterns.lua" <<'LUA'
local a40 = string.rep("a", 40)
for _, call in ipairs{
    function() return string.find(a40, string.rep("a*", 20) .. "b") end,
    function() return a40:match(string.rep("a?", 40) .. a40) end,
    function() return string.gsub(a40, string.rep("(a-)", 20) .. "b", "") end,
    function() return string.gmatch(a40, string.rep(".-", 20) .. "b")() end,
    function() return string.find(string.rep("a", 100000), "a*a*b") end } do
    print((select(2, pcall(call))))
end
LUA
start=$(date +%s)
run "$dir/patterns.lua"
[ "$rc" -eq 0 ] && [ $(($(date +%s) - start)) -lt 10 ] &&
    [ "$(grep -c 'patterns.lua:[0-9]*: pattern too complex for a subject of [0-9]* bytes (about 10^[0-9]* steps; ntmm allows 10^8)$' "$dir/out")" -eq 5 ]
check $? "find, match, gsub and gmatch refuse catastrophic backtracking at once: 'pattern too complex'"
run -e 'local line = string.rep("x", 5000) .. " = 1"
print(select(3, line:find("^(.-)%s*=%s*(.-)$")) == string.rep("x", 5000), line:match("=%s*(%d)$"))
local big, words, fields = string.rep("word ", 200000), 0, 0
for _ in big:gmatch("%a+") do words = words + 1 end
for _ in (big:gsub(" ", ",")):gmatch("(.-),") do fields = fields + 1 end
print(words, fields, select(2, big:gsub("%s+", " ")))
print(string.find(string.rep("a", 12), string.rep("a?", 12) .. string.rep("a", 12)))
print(string.find("x = [[a]] y", "%[(=*)%[(.-)%]%1%]"))
print(string.find("f(a(b)c)d", "%b()"))
print(string.find("the (quick) fox", "%f[%a]%a+%f[%A]", 5))
print(string.match("  trim  ", "^%s*(.-)%s*$"), string.find("a.b", ".", 1, true))
print(pcall(string.find, "abc", "[a"))
print(pcall(string.find, "x", "y", "z"))'
[ "$rc" -eq 0 ] && out_is "$(printf 'true\t1\n200000\t200000\t200000\n1\t12\n5\t9\t\ta\n2\t8\n6\t10\ntrim\t2\t2\nfalse\tmalformed pattern (missing '"']'"')\nfalse\tbad argument #3 to '"'string.find'"' (number expected, got string)')"
check $? "ordinary patterns, long subjects, %b, %f, back-references and Lua's own errors as before"

[ "$n" -eq 19 ] || echo "not ok $((n + 1)) - wrong number of checks ($n)"
