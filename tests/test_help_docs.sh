#!/bin/sh
# The manual is the help (src/shell/help_docs.c (1)): docs/shell.md is what
# `ntmm --help-markdown` prints (regenerate it with
# `build/release/ntmm --help-markdown > docs/shell.md`), and `ntmm --help-man`
# is a man page with every entry. Prints TAP for run-tests.sh.
. "$(dirname "$0")/shell_tap.sh"
run --help-markdown
[ "$rc" -eq 0 ] && cmp -s "$dir/out" "$top/docs/shell.md"
check $? "docs/shell.md is what ntmm --help-markdown prints"
clean
check $? "--help-markdown: no sanitizer report"
run --help-man
entries=$(grep -c '^\.TP$' "$dir/out")
sections=$(grep -c '^### ' "$top/docs/shell.md")
[ "$rc" -eq 0 ] && grep -q '^\.TH NTMM 1' "$dir/out" && [ "$entries" -eq "$sections" ]
check $? "ntmm --help-man: a man page with one entry per help entry ($entries)"
[ "$n" -eq 3 ] || echo "not ok $((n + 1)) - wrong number of checks"
