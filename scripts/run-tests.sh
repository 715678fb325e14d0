#!/bin/sh
# Runs each cmocka test program with TAP output and prints the total as its
# last line: "N passed, N failed". A program that dies (a sanitizer report, a
# crash) counts as one failure beyond the cases it reported.
passed=0
failed=0
for t in "$@"; do
    out=$(CMOCKA_MESSAGE_OUTPUT=TAP "$t" 2>&1)
    status=$?
    ok=$(printf '%s\n' "$out" | grep -c '^ok ')
    bad=$(printf '%s\n' "$out" | grep -c '^not ok ')
    if [ "$status" -ne 0 ] && [ "$bad" -eq 0 ]; then bad=$((bad + 1)); fi
    if [ "$bad" -ne 0 ]; then
        printf '%s\n' "$out" | grep -v '^ok ' | sed "s|^|  $(basename "$t"): |"
    fi
    printf '%-28s %4d passed, %d failed\n' "$(basename "$t")" "$ok" "$bad"
    passed=$((passed + ok))
    failed=$((failed + bad))
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
