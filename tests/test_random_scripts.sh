#!/bin/sh
# Random hostile scripts (tests/random_script.lua writes one per seed: every
# bound function with hostile arguments, debugger commands, kernel edits
# with eb/ew/ed/eq) run on x86, PAE and x64. Each run must exit 0 or 1 with
# no sanitizer report, end with a "verify" line that is not "verify FAILED"
# (the machine is sound, bug-checked, or was edited: random_script.lua (3)),
# and a second run must print the same bytes (stdout and stderr). Prints TAP
# for run-tests.sh; a failing script is kept in $TMPDIR and named. NTMM
# names the program (make check passes the sanitizer build); by hand:
#   make build/check/ntmm && NTMM=$PWD/build/check/ntmm sh tests/test_random_scripts.sh
# Other seeds: SEEDS="1 2 3" CALLS=300 sh tests/test_random_scripts.sh
top=$(cd "$(dirname "$0")/.." && pwd)
NTMM=${NTMM:-$top/build/check/ntmm}
SEEDS=${SEEDS:-"1 2 3 4 5 6"}
CALLS=${CALLS:-150}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
n=0
# run ARCH SCRIPT OUT: exit status 0 or 1, no sanitizer report, verified.
run() {
    "$NTMM" --arch "$1" "$2" >"$3" 2>"$3.err" </dev/null
    rc=$?
    if [ "$rc" -gt 1 ] || grep -q 'Sanitizer\|runtime error' "$3.err"; then
        echo "exit status $rc"
        head -20 "$3.err"
        return 1
    fi
    last=$(tail -n 1 "$3")
    case $last in
        "verify ok" | "verify stopped" | "verify edited") return 0 ;;
    esac
    echo "last line: $last"
    return 1
}
for seed in $SEEDS; do
    script=$dir/random_$seed.lua
    if ! "$NTMM" "$top/tests/random_script.lua" "$seed" "$CALLS" >"$script" 2>"$dir/gen.err"; then
        n=$((n + 1))
        sed "s|^|  seed $seed: |" "$dir/gen.err" >&2
        echo "not ok $n - random_script.lua $seed writes a script"
        continue
    fi
    for arch in x86 pae x64; do
        n=$((n + 1))
        what="random script $seed ($CALLS calls) on $arch: exits 0 or 1, verified, twice the same"
        if run "$arch" "$script" "$dir/one" >"$dir/why" && run "$arch" "$script" "$dir/two" >>"$dir/why" &&
            cmp -s "$dir/one" "$dir/two" && cmp -s "$dir/one.err" "$dir/two.err"; then
            echo "ok $n - $what"
        else
            kept=${TMPDIR:-/tmp}/ntmm_random_$seed.lua
            cp "$script" "$kept"
            diff "$dir/one" "$dir/two" | head -10 >>"$dir/why"
            sed "s|^|  seed $seed $arch: |" "$dir/why" >&2
            echo "  seed $seed $arch: the script is $kept" >&2
            echo "not ok $n - $what"
        fi
    done
done
