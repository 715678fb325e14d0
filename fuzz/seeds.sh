#!/bin/sh
# Writes the binary seed corpora: fuzz/corpus/pe/ (images that
# tests/pe/build.sh links with clang and lld-link) and fuzz/corpus/api/ (call
# sequences in fuzz_api.c's encoding, one per scenario). The text seeds of
# fuzz/corpus/command/ are debugger lines of examples/seeds/ and are edited
# by hand. Run from anywhere: sh fuzz/seeds.sh
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
corpus=$top/fuzz/corpus
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$top/tests/pe/build.sh" "$tmp" >/dev/null
mkdir -p "$corpus/pe" "$corpus/api"
for f in dll32.dll dll64.dll app32.exe app64_fixed.exe; do cp "$tmp/$f" "$corpus/pe/$f"; done
# A DLL whose data is 2048 pointers: two pages of base relocations, applied
# whenever the image is not at its base.
{
    echo "static int x;"
    printf "int *table[2048] = {"
    i=0
    while [ $i -lt 2048 ]; do printf "&x,"; i=$((i + 1)); done
    echo "};"
} >"$tmp/relocs.c"
clang --target=i686-pc-windows-msvc -O1 -ffreestanding -c "$tmp/relocs.c" -o "$tmp/relocs.obj"
lld-link /nologo /nodefaultlib /dll /noentry /dynamicbase /base:0x10000000 /brepro \
    /implib:"$tmp/relocs.lib" /out:"$corpus/pe/relocs32.dll" "$tmp/relocs.obj"

# bytes HEX... : the bytes, written with printf's octal escapes (POSIX sh).
bytes() {
    for b in "$@"; do
        # shellcheck disable=SC2059 # the format is the byte
        printf "\\$(printf %03o "0x$b")"
    done
}
# fuzz_api.c's encoding: an operation byte, then its arguments; the first
# byte of a file is the architecture (0 x86, 1 PAE, 2 x64).
alloc_rw_4_pages="00 00 43 03 02 02"        # VirtualAlloc(NULL, 4 pages, COMMIT|RESERVE, RW)
write_abcd="0f 00 00 04 41 42 43 44"        # ntmm_write(first address, "ABCD")
read_page="0d 00 00 00 10"                  # ntmm_read(first address, 4 KB)
guard="03 00 00 01 08"                      # VirtualProtect(first address, 1 page, RW|GUARD)
query="04 00 00"                            # VirtualQuery(first address)
release="02 00 00 00 00"                    # VirtualFree(first address, 0, MEM_RELEASE)
verify="16 c0"                              # ntmm_verify
idle="16 00"                                # ntmm_machine_idle
{ bytes 00 $alloc_rw_4_pages $write_abcd $read_page $guard $read_page $read_page $query \
        $release $query $verify; } >"$corpus/api/private_x86"
# a pagefile-backed section "a" mapped in two processes, written in both
section="07 01 01 01 00 10 01"               # CreateFileMapping(INVALID, RW|SEC_COMMIT, 16 pages, "a")
map="08 00 02 00 00 00 00"                   # MapViewOfFileEx(first handle, ALL_ACCESS, 0, 0, NULL)
process="13 04"                              # a 32-bit process in slot 1
switch="15 01"                               # ... made current
{ bytes 01 $section $map $write_abcd $process $switch $section $map $write_abcd $read_page \
        $idle $verify; } >"$corpus/api/section_pae"
# a file of 4 pages, its section and a view, written, flushed, unmapped
file="0b 00 01 07 00 04 00"                  # CreateFile("C:\a.dat", RW, share all, OPEN_ALWAYS), 4 pages
file_section="07 00 00 01 01 00 00 00"       # CreateFileMapping(the file, RW|SEC_COMMIT, 0, NULL)
file_map="08 01 02 00 00 00 00"              # MapViewOfFileEx(the section, ALL_ACCESS ...)
flush="0a 00 00 00"                          # FlushViewOfFile(the view, 0)
unmap="09 00 00"                             # UnmapViewOfFile(the view)
{ bytes 02 $file $file_section $file_map $write_abcd $flush $unmap $read_page $verify; } \
    >"$corpus/api/file_x64"
# kernel edits: the zeroed list's Flink (x64: Total, ListName, Flink at 16)
# set to 0x41414141, then a demand-zero fault: PFN_LIST_CORRUPT
{ bytes 02 12 00 00 10 03 01 $alloc_rw_4_pages $write_abcd $query $verify; } \
    >"$corpus/api/flink_x64"
# a bit of the first PFN entry flipped, a PTE of the current process edited
# to a frame past RAM (physical write), then faults and idle time
{ bytes 00 $alloc_rw_4_pages $write_abcd 12 01 00 00 00 02 05 07 \
        12 02 00 00 01 02 04 10 $read_page $idle $release $verify; } >"$corpus/api/pfn_pte_x86"
