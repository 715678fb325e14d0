#!/bin/sh
# Builds the PE fixtures of tests/test_pe.c into OUTDIR. Always with clang
# and lld-link (scripts/deps.sh installs both), whichever CC builds the rest.
# Each image's linker options are what the test checks it against:
#
#   dll{32,64}.dll        /dll /noentry /subsystem:windows /dynamicbase,
#                         /base 0x10000000 | 0x180000000; exports dll_add and
#                         dll_counter (+ the import library dll{32,64}.lib)
#   app{32,64}.exe        /dynamicbase /fixed:no /largeaddressaware
#                         /base 0x400000 | 0x140000000; app64.exe also
#                         /highentropyva
#   app{32,64}_noaslr.exe /dynamicbase:no /fixed:no /largeaddressaware:no
#                         /base:0x400000 /stack:0x200000,0x2000
#                         /heap:0x300000,0x3000; app64_noaslr.exe also
#                         /highentropyva:no
#   app{32,64}_fixed.exe  /fixed (no relocations, IMAGE_FILE_RELOCS_STRIPPED,
#                         no DYNAMIC_BASE), the base of app{32,64}.exe
#   dll{32,64}_zero.dll,  /base:0 /dynamicbase:no (and /fixed:no for the EXE):
#   app{32,64}_zero.exe   an ImageBase of 0, with relocations
#   app{32,64}_zero_fixed.exe  /fixed /base:0
#
# The executables are /subsystem:console with entry point mainCRTStartup and
# import from the DLL. What is left to lld-link's defaults: /nxcompat on
# every image; a stack and a heap of 1 MB reserved, 4 KB committed; 64-bit
# images LARGE_ADDRESS_AWARE and HIGH_ENTROPY_VA unless told otherwise.
set -e
[ $# -eq 1 ] || { echo "usage: $0 OUTDIR" >&2; exit 2; }
src=$(cd "$(dirname "$0")" && pwd)
out=$1
mkdir -p "$out"
cflags="-O1 -fno-stack-protector -ffreestanding -Wall -Wextra -Werror"
common="/nologo /nodefaultlib"
exe="$common /entry:mainCRTStartup /subsystem:console"

for bits in 32 64; do
    case $bits in
        32) target=i686-pc-windows-msvc dll_base=0x10000000 app_base=0x400000
            hev= hev_no= ;;
        64) target=x86_64-pc-windows-msvc dll_base=0x180000000 app_base=0x140000000
            hev=/highentropyva hev_no=/highentropyva:no ;;
    esac
    clang --target=$target $cflags -c "$src/dll.c" -o "$out/dll$bits.obj"
    clang --target=$target $cflags -c "$src/app.c" -o "$out/app$bits.obj"
    lld-link $common /dll /noentry /subsystem:windows /dynamicbase /base:$dll_base \
        /out:"$out/dll$bits.dll" /implib:"$out/dll$bits.lib" "$out/dll$bits.obj"
    lib="$out/dll$bits.lib"
    lld-link $exe /dynamicbase /fixed:no /largeaddressaware $hev /base:$app_base \
        /out:"$out/app$bits.exe" "$out/app$bits.obj" "$lib"
    lld-link $exe /dynamicbase:no /fixed:no /largeaddressaware:no $hev_no /base:0x400000 \
        /stack:0x200000,0x2000 /heap:0x300000,0x3000 \
        /out:"$out/app${bits}_noaslr.exe" "$out/app$bits.obj" "$lib"
    lld-link $exe /fixed /base:$app_base \
        /out:"$out/app${bits}_fixed.exe" "$out/app$bits.obj" "$lib"
    lld-link $common /dll /noentry /subsystem:windows /dynamicbase:no /base:0 \
        /out:"$out/dll${bits}_zero.dll" /implib:"$out/dll${bits}_zero.lib" "$out/dll$bits.obj"
    lld-link $exe /dynamicbase:no /fixed:no /base:0 \
        /out:"$out/app${bits}_zero.exe" "$out/app$bits.obj" "$lib"
    lld-link $exe /fixed /base:0 \
        /out:"$out/app${bits}_zero_fixed.exe" "$out/app$bits.obj" "$lib"
done
