# shell_tap.sh — what the shell's TAP scripts share; sourced, not run (it is
# not a test_*.sh). Sets top (the repository), NTMM (the program: make check
# passes the sanitizer build) and dir (a temporary directory, removed at
# exit), and defines:
#   check STATUS TEXT   prints "ok N - TEXT" or "not ok N - TEXT"
#   run ARGS...         ntmm with stdin from /dev/null: stdout in $dir/out,
#                       stderr in $dir/err, exit status in $rc; killed after
#                       ${limit:-20} seconds (rc 124)
#   repl TEXT ARGS...   the same, TEXT fed to the REPL through a pipe
#   out_is, err_is TEXT the whole stdout / stderr is TEXT
#   clean               no sanitizer report on stderr
top=$(cd "$(dirname "$0")/.." && pwd)
NTMM=${NTMM:-$top/build/check/ntmm}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
n=0
check() {
    n=$((n + 1))
    if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi
}
run() {
    timeout "${limit:-20}" "$NTMM" "$@" >"$dir/out" 2>"$dir/err" </dev/null
    rc=$?
}
repl() {
    text=$1
    shift
    printf '%s\n' "$text" | timeout "${limit:-20}" "$NTMM" "$@" >"$dir/out" 2>"$dir/err"
    rc=$?
}
out_is() { [ "$(cat "$dir/out")" = "$1" ]; }
err_is() { [ "$(cat "$dir/err")" = "$1" ]; }
clean() { ! grep -Eq 'ERROR: AddressSanitizer|runtime error:|LeakSanitizer' "$dir/err"; }
