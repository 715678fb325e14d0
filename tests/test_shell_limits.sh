#!/bin/sh
# The bounds of a script (src/shell/limits.c): the Lua state's memory limit
# (--lua-memory). Prints TAP for run-tests.sh. NTMM names the program (make
# check passes the sanitizer build); by hand:
#   make build/check/ntmm && NTMM=$PWD/build/check/ntmm sh tests/test_shell_limits.sh
top=$(cd "$(dirname "$0")/.." && pwd)
NTMM=${NTMM:-$top/build/check/ntmm}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
n=0
check() {
    n=$((n + 1))
    if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi
}
# run ARGS...: stdout in $dir/out, stderr in $dir/err, exit status in $rc;
# killed after 20 seconds (rc 124).
run() {
    timeout 20 "$NTMM" "$@" >"$dir/out" 2>"$dir/err" </dev/null
    rc=$?
}
# repl TEXT [ARGS...]: feeds TEXT to the REPL through a pipe.
repl() {
    text=$1
    shift
    printf '%s\n' "$text" | timeout 20 "$NTMM" "$@" >"$dir/out" 2>"$dir/err"
    rc=$?
}
out_is() { [ "$(cat "$dir/out")" = "$1" ]; }
err_is() { [ "$(cat "$dir/err")" = "$1" ]; }
clean() { ! grep -Eq 'ERROR: AddressSanitizer|runtime error:|LeakSanitizer' "$dir/err"; }

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

[ "$n" -eq 8 ] || echo "not ok $((n + 1)) - wrong number of checks ($n)"
