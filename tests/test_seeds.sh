#!/bin/sh
# The seed experiments (examples/seeds/*.lua, see docs/experiments/): each script
# runs on the configurations below, must exit 0 and print exactly its golden
# file (tests/golden/NAME.out); a mismatch prints a unified diff on stderr. Also
# the RAM limits of E18 (the boot refuses, exit 2, the golden message) and the
# E1/E2/E8 lines a reader types in the REPL (examples/seeds/by_hand.txt).
# Prints TAP for run-tests.sh. NTMM names the program (make check passes the
# sanitizer build); by hand:
#   make build/check/ntmm && NTMM=$PWD/build/check/ntmm sh tests/test_seeds.sh
# Regenerate the golden files (then read them: they are the specification):
#   NTMM=$PWD/build/release/ntmm sh tests/test_seeds.sh --update
. "$(dirname "$0")/shell_tap.sh"
seeds=$top/examples/seeds
golden=$top/tests/golden
update=false
[ "${1:-}" = --update ] && update=true
# same NAME: $dir/out equals tests/golden/NAME (or becomes it with --update).
same() {
    if $update; then
        cp "$dir/out" "$golden/$1"
        return 0
    fi
    if ! cmp -s "$golden/$1" "$dir/out"; then
        diff -u "$golden/$1" "$dir/out" | sed "s|^|  $1: |" >&2
        return 1
    fi
}

# golden name, script, script argument (- for none), ntmm options
while read -r name script args options; do
    case $name in ''|'#'*) continue ;; esac
    [ "$args" = - ] && args=
    # shellcheck disable=SC2086 # options is a word list
    "$NTMM" $options "$seeds/$script" $args >"$dir/out" 2>"$dir/err" </dev/null
    rc=$?
    if [ "$rc" -ne 0 ]; then sed "s|^|  $name: |" "$dir/err" >&2; fi
    [ "$rc" -eq 0 ] && same "$name.out"
    check $? "ntmm $options $script${args:+ $args}: exit 0, stdout is $name.out"
done <<'EOF_RUNS'
e01_virtualalloc_vad       e01_virtualalloc_vad.lua  -     --arch pae
e01_virtualalloc_vad.x64   e01_virtualalloc_vad.lua  -     --arch x64
e02_demand_zero            e02_demand_zero.lua       -     --arch pae
e02_demand_zero.x86        e02_demand_zero.lua       -     --arch x86
e02_demand_zero.x64        e02_demand_zero.lua       -     --arch x64
e03_global_in_image        e03_global_in_image.lua   -     --arch pae
e03_global_in_image.x86    e03_global_in_image.lua   -     --arch x86
e03_global_in_image.x64    e03_global_in_image.lua   -     --arch x64
e04_shared_memory          e04_shared_memory.lua     -     --arch pae
e04_shared_memory.x86      e04_shared_memory.lua     -     --arch x86
e04_shared_memory.x64      e04_shared_memory.lua     -     --arch x64
e05_mapped_file            e05_mapped_file.lua       -     --arch pae
e05_mapped_file.x64        e05_mapped_file.lua       -     --arch x64
e06_loadlibrary            e06_loadlibrary.lua       -     --arch pae
e06_loadlibrary.x86        e06_loadlibrary.lua       -     --arch x86
e06_loadlibrary.x64        e06_loadlibrary.lua       -     --arch x64
e07_copy_on_write          e07_copy_on_write.lua     -     --arch pae
e07_copy_on_write.x86      e07_copy_on_write.lua     -     --arch x86
e07_copy_on_write.x64      e07_copy_on_write.lua     -     --arch x64
e08_zeroed_list            e08_zeroed_list.lua       -     --arch pae --ram 512M
e08_zeroed_list.x64        e08_zeroed_list.lua       -     --arch x64 --ram 256M
e09_paging                 e09_paging.lua            -     --arch pae --ram 16M --pagefile 64M
e09_paging.x86             e09_paging.lua            -     --arch x86 --ram 16M --pagefile 64M
e12_address_space.pae      e12_address_space.lua     2GB   --arch pae
e12_address_space.pae3gb   e12_address_space.lua     3GB   --arch pae --increaseuserva 3072
e12_address_space.x64      e12_address_space.lua     4GB   --arch x64
e14_counters               e14_counters.lua          -     --arch pae
e17_protections            e17_protections.lua       -     --arch pae
e17_protections.x86        e17_protections.lua       -     --arch x86
e18_physical_pages         e18_physical_pages.lua    512M  --arch pae --ram 512M
e18_physical_pages.x86_4g  e18_physical_pages.lua    4G    --arch x86 --ram 4G
EOF_RUNS

# E18's limits: machines beyond what their paging addresses do not boot.
: >"$dir/all"
status=0
for config in "--arch x86 --ram 5G" "--arch pae --ram 65G" "--arch x64 --ram 129G" \
              "--arch pae --increaseuserva 3072 --ram 17G"; do
    # shellcheck disable=SC2086
    "$NTMM" $config -e 'print("booted")' >"$dir/out" 2>"$dir/err" </dev/null
    rc=$?
    [ "$rc" -eq 2 ] && [ ! -s "$dir/out" ] || status=1
    { echo "\$ ntmm $config"; cat "$dir/err"; } >>"$dir/all"
done
cp "$dir/all" "$dir/out"
[ "$status" -eq 0 ] && same e18_limits.out
check $? "RAM beyond the paging limits: exit 2 and the messages of e18_limits.out"

# The lines a reader types for E1, E2 and E8, fed to the REPL.
"$NTMM" <"$seeds/by_hand.txt" >"$dir/out" 2>"$dir/err"
rc=$?
[ "$rc" -eq 0 ] && [ ! -s "$dir/err" ] && same by_hand.out
check $? "the E1/E2/E8 lines of by_hand.txt typed into the REPL match by_hand.out"

# A bug check by hand (examples/bug_check.txt): a Flink edited to 41414141
# stops the machine at the next fault with the STOP screen, later calls fail
# with 1115, !analyze -v and .bugcheck explain it, !verify reports the
# corruption, edits are refused, and .reboot gives a machine that works.
"$NTMM" --arch pae --ram 64M <"$top/examples/bug_check.txt" >"$dir/out" 2>"$dir/err"
rc=$?
[ "$rc" -eq 0 ] && grep -q '^ntmm: stdin:1: STATUS_SHUTDOWN_IN_PROGRESS (0xc00002fe) writing' "$dir/err" &&
    [ "$(wc -l <"$dir/err")" -eq 1 ] && same bug_check.out
check $? "examples/bug_check.txt typed into the REPL matches bug_check.out"

# Determinism: a second run prints the same bytes (E5 also on a C: drive
# given with --root, which must not change what the script prints).
"$NTMM" "$seeds/e02_demand_zero.lua" >"$dir/first" 2>&1 </dev/null
"$NTMM" "$seeds/e02_demand_zero.lua" >"$dir/second" 2>&1 </dev/null
cmp -s "$dir/first" "$dir/second"
check $? "e02_demand_zero.lua prints the same twice"
mkdir "$dir/root"
"$NTMM" --root "$dir/root" "$seeds/e05_mapped_file.lua" >"$dir/out" 2>&1 </dev/null
[ "$?" -eq 0 ] && cmp -s "$dir/out" "$golden/e05_mapped_file.out" &&
    [ "$(head -c 13 "$dir/root/abc.txt")" = MappedMemoryA ] &&
    [ "$(wc -c <"$dir/root/abc.txt")" -eq 512 ]
check $? "e05_mapped_file.lua with --root: the same output, and abc.txt holds the text (512 bytes)"

echo "1..$n"
