#!/bin/sh
# The guided tour of the seed experiments (make demo): for each one a few lines
# on what the seed notes report and what to look for, then the real commands
# and their real output (examples/seeds/*.lua). On a terminal it waits for
# Enter between steps; otherwise it runs straight through. Exits non-zero if
# an experiment's script fails.
#   usage: scripts/tour.sh [path/to/ntmm]      (default build/release/ntmm)
top=$(cd "$(dirname "$0")/.." && pwd)
NTMM=${1:-$top/build/release/ntmm}
seeds=$top/examples/seeds
if [ ! -x "$NTMM" ]; then
    echo "tour: $NTMM is not a program (build it with make)" >&2
    exit 2
fi
interactive=false
[ -t 0 ] && interactive=true
failed=0

# pause NEXT: on a terminal, wait for Enter before the step NEXT.
pause() {
    if $interactive; then
        printf '\n--- Press Enter for %s (q to quit) ' "$1"
        read -r answer || exit "$failed"
        [ "$answer" = q ] && exit "$failed"
    fi
    echo
}
# banner TITLE: the heading of one step.
banner() {
    echo "==============================================================================="
    echo "$1"
    echo "==============================================================================="
}
# run OPTIONS -- SCRIPT [ARGS]: show the command line, then run it.
run() {
    options=
    while [ "$1" != -- ]; do options="$options $1"; shift; done
    shift
    script=$1
    shift
    echo "\$ ntmm$options examples/seeds/$script${*:+ $*}"
    echo
    # shellcheck disable=SC2086 # options is a word list
    if ! "$NTMM" $options "$seeds/$script" "$@"; then
        echo "tour: $script failed" >&2
        failed=1
    fi
}

banner "ntmm: the seed experiments, on a simulated Windows machine"
cat <<'TEXT'
The seed notes (Chinese study notes of Windows Internals) describe experiments
their authors ran on Windows with WinDbg. Each step below runs the same
experiment on ntmm's simulated machine: the commands are the ones the notes
type (kd> !vad, !pte, dd, dt _MMPFN ...), the output is ntmm's, and each script
checks the outcome the notes report and fails if it does not hold.
docs/experiments/E*.md has a page per experiment.
TEXT

pause "E18 (physical memory)"
banner "E18  Physical memory: MmNumberOfPhysicalPages x 4 KB = RAM (seed 004, 1.2.1)"
cat <<'TEXT'
Seed 004: "dd MmNumberOfPhysicalPages" is the number of physical pages; times
4 KB it is the RAM. 10-10-12 paging sees at most 4 GB, PAE (2-9-9-12) 64 GB.
Look for: 0x100000 pages on a 4 GB x86 machine, the same number in !vm and
!memusage; then the machines that cannot exist and the boot's reason.
TEXT
echo
run --arch x86 --ram 4G -- e18_physical_pages.lua 4G
echo
for config in "--arch x86 --ram 5G" "--arch pae --ram 65G" "--arch x64 --ram 129G"; do
    echo "\$ ntmm $config"
    # shellcheck disable=SC2086
    "$NTMM" $config -e 'print("booted")' 2>&1
done

pause "E8 (the zeroed page list)"
banner "E8  Walking the zeroed page list through _MMPFN (seed 004, 1.2.2)"
cat <<'TEXT'
Seed 004: dd MmZeroedPageListHead gives the list's Total and first page (Flink);
dd MmPfnDatabase + 0x1c * PFN shows that page's _MMPFN (0x1c bytes on PAE);
PageLocation, bits 8-10 of u3 at +0xc, is 0 (zeroed); u1 is the Flink to the
next page, u2 the Blink back. Look for: PageLocation 0, Blink = the previous
page, zero contents (!dq of the physical page), and the walk's count = Total.
On Windows the list is in no particular order; ntmm's boot puts every free
frame on it in ascending order.
TEXT
echo
run --arch pae --ram 512M -- e08_zeroed_list.lua

pause "E1 (VirtualAlloc and the VAD tree)"
banner "E1  VirtualAlloc and !vad (seed 004, 1.1.3)"
cat <<'TEXT'
Seed 004: VirtualAlloc(NULL, 0x1000*2, MEM_COMMIT, PAGE_READWRITE) adds one node
to the process's VAD tree: two pages (0x390000-0x391fff on the author's
machine), Private, READWRITE, commit 2. Look for the new line in the second
!vad: start and end VPN 10 and 11 (a fresh ntmm process has nothing at
0x10000 yet, so the allocation lands there, not at 0x390000).
TEXT
echo
run -- e01_virtualalloc_vad.lua

pause "E2 (the demand-zero fault)"
banner "E2  MEM_COMMIT without a page, then the first write (seed 004, 1.3.3)"
cat <<'TEXT'
Seed 004: after MEM_COMMIT, !vtop says "PAE zero PTE": committed memory has no
physical page, only the VAD knows it is committed. Writing 0x12345678 faults;
the handler finds the address in the VAD, takes a zeroed page and makes the
PTE valid. Look for: "contains 0000000000000000" before, a valid PTE with a pfn
after, that pfn = the zeroed list's Flink before the write, PageFaultCount +1.
TEXT
echo
run -- e02_demand_zero.lua

pause "E4 (shared memory)"
banner "E4  Shared memory: a named section backed by the pagefile (seed 004, 1.1.4)"
cat <<'TEXT'
Seed 004: process A creates "MappedMemoryA" with CreateFileMapping(INVALID_
HANDLE_VALUE, ...), maps it and writes 0x12345678; process B opens it by name,
maps it and reads 12345678. Look for: a Mapped VAD ("Pagefile section, shared
commit") in each process; B's PTE before the read, a prototype PTE (Proto:
E1000000, in paged pool) whose prototype PTE A's write made valid; after the
read both PTEs map one frame, and !pfn says share count 2, P (Shared).
TEXT
echo
run -- e04_shared_memory.lua

pause "E5 (a mapped file)"
banner "E5  A file mapped by two processes (seed 004, 1.1.4)"
cat <<'TEXT'
Seed 004: A writes "MappedMemoryA" into C:\abc.txt and maps the file; B opens the
mapping by name and reads the text; a change through one view is seen by the
other. Look for: \abc.txt at the end of both Mapped VAD lines; the untouched
prototype PTE is a subsection PTE (the data is still in the file); B's write
seen by A at once (one frame); !ca with Flags File and the file's name; after
FlushViewOfFile, ReadFile finds B's write in the file.
TEXT
echo
run -- e05_mapped_file.lua

pause "E6 (LoadLibrary)"
banner "E6  LoadLibrary maps a DLL as an image (seeds 004, 001)"
cat <<'TEXT'
Seed 004: a DLL loaded with LoadLibrary appears in the VAD tree with the Exe
mark and EXECUTE_WRITECOPY protection. The script writes a small DLL to C:
byte by byte (headers, .text, .data) and loads it. Look for: one new VAD,
Mapped Exe EXECUTE_WRITECOPY \mydll.dll; lm listing mydll; VirtualQuery giving
each section its own protection (PAGE_EXECUTE_READ code, PAGE_WRITECOPY data);
!ca with Flags Image File and a subsection per section.
TEXT
echo
run -- e06_loadlibrary.lua

pause "E3 (a global variable in the EXE)"
banner "E3  A global variable lies inside the EXE's image (seed 004, 1.1.3)"
cat <<'TEXT'
Seed 004: a program prints &a for its global int a = 0x4321 (and the
addresses of a local and a malloc block); !vad before and after shows no new
node: the global was packed into the EXE at compile time, so it lies in the
EXE's own mapping. The script writes app.exe with a .data section holding a,
starts a process from it and computes &a = ImageBase + .data's RVA + a's
offset. Look for: VirtualQuery(&a) MEM_IMAGE, AllocationBase the EXE's base,
PAGE_WRITECOPY; the same !vad before and after reading and writing a; the
write's private copy (a new pfn, PAGE_READWRITE). The local and the malloc
block wait for threads and heaps, which ntmm does not model yet.
TEXT
echo
run -- e03_global_in_image.lua

pause "E7 (copy-on-write)"
banner "E7  Copy-on-write: a FILE_MAP_COPY view (seeds 004, 001, 002, 003)"
cat <<'TEXT'
Seeds 004 and 002: writing a copy-on-write page gives the writer a private copy;
other processes and the file keep the original. Look for: the commit charged
when the copy view is mapped; A's PTE first maps the file's frame with C
(copy-on-write) and no W; after the write a new pfn, a private page (no P,
its PteAddress A's own PTE); B's view and the file unchanged; VirtualQuery:
PAGE_READWRITE for the copied page, PAGE_WRITECOPY for the rest.
TEXT
echo
run -- e07_copy_on_write.lua

pause "E9 (memory pressure: paging)"
banner "E9  More memory than RAM: working sets, standby and modified lists, the pagefile (seeds 000, 001, 004)"
cat <<'TEXT'
Seeds 000, 001 and 004: pages leave a working set for the standby list
(clean) or the modified list (dirty); the modified page writer writes dirty
pages to the pagefile; touching a page again is a soft fault (a transition
fault: the frame is still on a list) or a hard fault (read back from the
pagefile, with its neighbours); image pages are dropped, never written. The
script commits and writes 32 MB on a 16 MB machine with a 64 MB pagefile.
Look at the working set against what was touched, DirtyPagesWriteCount
against DirtyWriteIoCount (clusters), !memusage's Standby and Modified, !pte
of the first page (PageFile: 0 Offset: …), the hard fault's PageReadCount
+8 in one read, the neighbour's Transition PTE and its soft fault, and the
DLL's code page back on its Subsection.
TEXT
echo
run --arch pae --ram 16M --pagefile 64M -- e09_paging.lua

pause "E12 (large-address-aware images)"
banner "E12  2 GB, 3 GB, 4 GB, 8 TB: what an EXE's header asks for (seeds 000, 001)"
cat <<'TEXT'
Seeds 000 and 001: a 32-bit process gets 2 GB; 3 GB on 32-bit Windows booted
with increaseuserva 3072 if the image is LARGE_ADDRESS_AWARE (link
/largeaddressaware; dumpbin /headers shows it); 4 GB for such an image on
64-bit Windows; a 64-bit process 8 TB. The script writes three small EXEs
(PE32, PE32 with the flag, PE32+) and starts a process from each, on three
machines. Look for "App can handle >2gb addresses" in !dh's characteristics,
then lpMaximumApplicationAddress 7ffeffff, bffeffff, fffeffff, 7ff`fffeffff.
TEXT
echo
run --arch pae -- e12_address_space.lua 2GB
echo
run --arch pae --increaseuserva 3072 -- e12_address_space.lua 3GB
echo
run --arch x64 -- e12_address_space.lua 4GB

pause "E14 (process counters)"
banner "E14  Private bytes, virtual size, working set, peaks, page faults (seed 001)"
cat <<'TEXT'
Seed 001: private bytes = committed private memory; virtual size = reserved
address space; working set = WS private + WS shareable; peak working set; page
faults. Look at how each column moves: reserving moves only Virtual,
committing only Private, touching WS and Faults (one per page), and PeakWS
stays at the maximum when the working set shrinks.
TEXT
echo
run -- e14_counters.lua

pause "E17 (protections)"
banner "E17  PAGE_* protections (seed 002)"
cat <<'TEXT'
Seed 002 lists every PAGE_* constant: NOACCESS faults, READONLY faults on
writes, EXECUTE_* run code, GUARD raises STATUS_GUARD_PAGE once and then turns
itself off, NOCACHE and WRITECOMBINE exclude GUARD, NOACCESS and each other.
Each access runs under pcall, as under __try/__except. On PAE and x64 the NX
bit keeps data pages from executing; the x86 (non-PAE) machine has no NX.
TEXT
echo
run --arch pae -- e17_protections.lua
echo
run --arch x86 -- e17_protections.lua

pause "typing E1, E2 and E8 by hand"
banner "By hand: E1, E2 and E8 at the kd> prompt"
cat <<'TEXT'
Start the REPL with  build/release/ntmm  (or  ntmm --arch pae --ram 512M) and
type these lines (examples/seeds/by_hand.txt). A line that starts with a
debugger command runs as one; anything else is Lua.
TEXT
echo
sed 's/^/    kd> /' "$seeds/by_hand.txt"
cat <<'TEXT'

E1: the second !vad has the new node 10-11, commit 2, Private READWRITE.
E2: the first !pte shows the PTE (or, here, even the PDE) contains zero; after
    write32 the PTE is valid and !vtop translates; dd shows 12345678.
E8: the head's third number is the first page on the zeroed list; the PFN
    entry's first dword is the Flink to the next page, its third the Blink,
    its fourth (u3) has PageLocation 0; !db shows the page's zero bytes.
    Replace 5a2 and 5a3 by the Flinks your machine shows.
TEXT
echo
if [ "$failed" -ne 0 ]; then
    echo "tour: some experiments failed" >&2
else
    echo "Every experiment of the tour held."
fi
exit "$failed"
