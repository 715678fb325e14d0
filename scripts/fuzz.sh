#!/bin/sh
# make fuzz: runs each libFuzzer harness for SECONDS over a fresh copy of its
# seed corpus (fuzz/corpus/NAME), so the repository is not written; inputs
# that crash, leak or time out land in BUILD/crashes/NAME/. FUZZ_SAVE=1
# merges the new inputs that add coverage into fuzz/corpus/NAME (keep it
# small: check in a few); FUZZ_FLAGS adds libFuzzer options.
#   scripts/fuzz.sh BUILD SECONDS HARNESS...
# Exit status 1 when a harness found something.
[ $# -ge 3 ] || { echo "usage: $0 BUILD SECONDS HARNESS..." >&2; exit 2; }
top=$(cd "$(dirname "$0")/.." && pwd)
build=$1
seconds=$2
shift 2
status=0
for harness in "$@"; do
    short=$(basename "$harness")
    short=${short#fuzz_}
    work=$build/corpus/$short
    crashes=$build/crashes/$short
    rm -rf "$work"
    mkdir -p "$work" "$crashes"
    cp "$top/fuzz/corpus/$short"/* "$work"/ 2>/dev/null
    case $short in
        pe) options="-max_len=2097152 -timeout=30" ;; # whole files: costs must show
        *) options="-max_len=8192 -timeout=10" ;;
    esac
    [ -f "$top/fuzz/$short.dict" ] && options="$options -dict=$top/fuzz/$short.dict"
    echo "fuzz: $short for $seconds s"
    # shellcheck disable=SC2086 # option lists
    if ! "$harness" $options ${FUZZ_FLAGS:-} -max_total_time="$seconds" \
        -artifact_prefix="$crashes/" -print_final_stats=1 "$work"; then
        echo "fuzz: $short found an input that fails: $crashes"
        status=1
    fi
    if [ "${FUZZ_SAVE:-0}" = 1 ]; then
        # shellcheck disable=SC2086
        "$harness" $options -merge=1 "$top/fuzz/corpus/$short" "$work"
    fi
done
exit $status
