#!/bin/sh
# `make install PREFIX=DIR` gives C users what they expect: the headers,
# libntmm.a and ntmm.pc, so that `cc prog.c $(pkg-config --cflags --libs ntmm)`
# builds a program (the demo) that then runs; the shell and its man page
# ntmm.1 (the help, as ntmm --help-man writes it). Prints TAP for run-tests.sh.
. "$(dirname "$0")/shell_tap.sh"
make -s -C "$top" install PREFIX="$dir/prefix" BUILD="$dir/build" >"$dir/log" 2>&1
check $? "make install PREFIX=DIR"
for f in include/ntmm/ntmm.h include/ntmm/nt.h include/ntmm/introspect.h lib/libntmm.a lib/pkgconfig/ntmm.pc bin/ntmm share/man/man1/ntmm.1; do
    test -f "$dir/prefix/$f"
    check $? "installs $f"
done
flags=$(PKG_CONFIG_PATH="$dir/prefix/lib/pkgconfig" pkg-config --cflags --libs ntmm)
check $? "pkg-config --cflags --libs ntmm"
cc "$top/examples/demo.c" $flags -o "$dir/demo" >>"$dir/log" 2>&1
check $? "cc prog.c \$(pkg-config --cflags --libs ntmm)"
"$dir/demo" | grep -q '^ok$'
check $? "the installed library runs the demo"
grep -q '^\.TH NTMM 1' "$dir/prefix/share/man/man1/ntmm.1" &&
    grep -q '^\.B VirtualAlloc(' "$dir/prefix/share/man/man1/ntmm.1"
check $? "the man page ntmm.1 is the shell's help"
[ "$n" -eq 12 ] || echo "not ok $((n + 1)) - wrong number of checks"
