#!/bin/sh
# The fuzz harnesses (fuzz/fuzz_NAME.c) as regression tests: each one, linked
# with fuzz/driver.c under ASan and UBSan, runs every input of its seed corpus
# (fuzz/corpus/NAME) and every crasher found so far (fuzz/crashers/NAME); an
# input passes when the harness exits 0 with nothing on stderr (fuzz/fuzz.h:
# the verifier passes, the two runs agree, no sanitizer report). Prints TAP
# for run-tests.sh, one line per input. NTMM_FUZZ names the directory of the
# harness programs (make check passes build/check/fuzz); by hand:
#   make build/check/fuzz/fuzz_pe && sh tests/test_fuzz_corpus.sh
top=$(cd "$(dirname "$0")/.." && pwd)
NTMM_FUZZ=${NTMM_FUZZ:-$top/build/check/fuzz}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
n=0
for harness in "$top"/fuzz/fuzz_*.c; do
    name=$(basename "$harness" .c)
    short=${name#fuzz_}
    n=$((n + 1))
    if [ -x "$NTMM_FUZZ/$name" ]; then echo "ok $n - $name is built"; else
        echo "not ok $n - $name is built ($NTMM_FUZZ/$name)"; continue; fi
    for input in "$top/fuzz/corpus/$short"/* "$top/fuzz/crashers/$short"/*; do
        [ -f "$input" ] || continue
        n=$((n + 1))
        what="$name ${input#"$top"/}"
        if "$NTMM_FUZZ/$name" "$input" >/dev/null 2>"$dir/err" && [ ! -s "$dir/err" ]; then
            echo "ok $n - $what"
        else
            sed "s|^|  $what: |" "$dir/err" | head -20 >&2
            echo "not ok $n - $what"
        fi
    done
done
