/*
 * help_commands.c — the help of every debugger command and tool (help.h):
 * syntax, each argument, what each output column means, and the seed
 * experiments that use it.
 */
#include "tools/help.h"

/* The text db, dw, dd and dq share, after each one's first lines. */
#define DUMP_TEXT                                                               \
    "Reads without side effects: no page fault, no Accessed bit, no TLB\n"      \
    "entry. User addresses are read in the current process, kernel ones in\n"   \
    "the System's space. Each line is the address of its first unit, two\n"     \
    "spaces, then 16 bytes' worth of units, little-endian as x86 stores them.\n" \
    "A unit on a page that is not resident now (reserved, committed but never\n" \
    "touched, trimmed, paged out) prints as question marks: the dump shows\n"   \
    "what the page tables map, it never brings a page in.\n"                    \
    "Address: an expression: 10000, nt!MmZeroedPageListHead, poi(X) + 8.\n"    \
    "L Count: the number of units, hexadecimal (L4, L 4, L0n10 all work);\n"    \
    "default 0x80 bytes' worth, at most 0x100000 bytes.\n"                      \
    "Errors: the usage line, expression errors, \"Range error: a count of 1\n" \
    "to 0x100000 bytes\", \"Range error: past the end of the address space\".\n"

/* The text !db, !dd and !dq share. */
#define PHYSICAL_DUMP_TEXT                                                      \
    "PhysAddr is a physical address: a frame number times 0x1000 plus the\n"    \
    "offset, as !pte's pfn column and !vtop's \"Mapped phys\" give it. Each\n"  \
    "line starts with '#' and the address, then 16 bytes' worth of units as\n"  \
    "db, dd and dq print them; an address that is not RAM prints question\n"   \
    "marks. Nothing changes: no PTE, no PFN entry, no list is touched.\n"      \
    "L Count: the number of units, hexadecimal; default 0x80 bytes' worth,\n"   \
    "at most 0x100000 bytes.\n"                                                 \
    "Errors: the usage line, expression errors, \"Range error: a count of 1\n" \
    "to 0x100000 bytes\", \"Range error: past the end of physical addresses\".\n"

/* The text eb, ew, ed and eq share. */
#define EDIT_TEXT                                                               \
    "Writes each Value in turn at Address and after it, little-endian, in the\n" \
    "current process (kernel addresses: the System's space). The bytes go\n"    \
    "straight to the physical pages, as a debugger writes them: no page\n"     \
    "fault, no Dirty bit, no copy-on-write; a shared page is changed for\n"    \
    "every process that maps it. Every page the values cover must be\n"        \
    "resident (a valid PTE), else nothing at all is written.\n"                 \
    "Value: an expression (hexadecimal; 0n10 is decimal), at most 63 of them;\n" \
    "each must fit in the unit (a negative one is written as two's\n"          \
    "complement).\n"                                                            \
    "An edit of the memory manager's own structures breaks it on purpose:\n"   \
    "ed nt!MmZeroedPageListHead 0, then !verify finds it and the next page\n"  \
    "allocation bug checks (examples/bug_check.txt, !analyze).\n"              \
    "Errors: \"usage: ed Address Value [Value ...]\", \"V does not fit in N\n"  \
    "bytes\", \"the machine has stopped: its memory stays as the bug check\n"   \
    "found it\", \"Range error: past the end of the address space\", \"Memory\n" \
    "access error at 'Address'\" (a page that is not mapped).\n"

/* The text help and .help share. */
#define HELP_TEXT                                                               \
    "With no NAME: every debugger command, tool and Lua function, by group,\n"  \
    "each with its one-line summary. With NAME, exactly as it is typed (case\n" \
    "counts: help !pte, help VirtualAlloc): its entry, that is its synopsis,\n" \
    "its summary, what each argument and each output column or return value\n" \
    "means, the errors it gives, and the seed experiments (E1..E20, the\n"      \
    "scripts in examples/seeds) that use it.\n"                                 \
    "Synopses: [X] is optional, A|B one of the two, ... more of the same.\n"    \
    "Numbers in debugger commands are hexadecimal (0n10 is ten), in Lua\n"      \
    "decimal (0x10 is sixteen). A command names a Lua value as $name or\n"      \
    "@@name (a global or a field path, p.handle): after p = VirtualAlloc(...),\n" \
    "!pte $p. From Lua: kd(\"!pte \" .. hex(p)) or dbg(...).\n"                 \
    "A NAME with no entry prints \"help: no help for 'X'\" and the known names\n" \
    "nearest to it (\"Did you mean !pte?\") and fails with\n"                   \
    "STATUS_OBJECT_NAME_NOT_FOUND. apropos WORD searches every entry.\n"

const struct help_entry help_command_entries[] = {
    { "!pte", HELP_DEBUGGER, "!pte VA | !pte PteAddress",
      "the page-table entries that map a virtual address",
      "Walks the current process's page tables for VA and prints each level's\n"
      "entry (PDE and PTE on x86; PDPE, PDE, PTE on PAE; PXE, PPE, PDE, PTE on\n"
      "x64): its self-map address, its raw contents and, decoded, its page\n"
      "frame number and flags, as WinDbg's !pte does. Kernel addresses are\n"
      "walked in the System's tables. As in WinDbg, an address in the\n"
      "page-table region (PTE_BASE up: C0000000 on x86 and PAE,\n"
      "FFFFF680`00000000 on x64) is taken as a PTE's address: !pte C0000080\n"
      "shows the walk of 10000, the address that PTE maps.\n"
      "The walk changes nothing: no Accessed\n"
      "bit, no TLB entry. The first line repeats VA; then one column a level\n"
      "(PAE's PDPE has no self-map address and no column), three lines each:\n"
      "  PTE at A     A: the entry's own virtual address in the self-map\n"
      "               (PTEs from C0000000 on x86 and PAE, FFFFF680`00000000\n"
      "               on x64), which dd can read\n"
      "  contains N   the entry's raw contents, hexadecimal\n"
      "  pfn N FLAGS  a valid entry: the frame it maps (!pfn N) and its\n"
      "               flags; else \"not valid\"\n"
      "FLAGS, a letter each or '-': C copy-on-write, G global, L large page,\n"
      "D dirty, A accessed, N cache disabled, T write-through, U user (K:\n"
      "kernel), W writable (R: read-only), E executable (-: no-execute),\n"
      "V valid.\n"
      "Under an invalid PTE, its software kind and its Protect: DemandZero\n"
      "(committed, never touched), Transition: PFN (trimmed, still in RAM: a\n"
      "soft fault takes it back), PageFile: N Offset: page (paged out: a hard\n"
      "fault reads it back), Proto: address (a view's page: the prototype PTE,\n"
      "then the prototype PTE's own contents decoded), Proto: VAD (the VAD\n"
      "names the prototype PTE), Subsection: address (file data not read\n"
      "yet). A valid PTE with the Prototype bit adds the ProtoPte of its\n"
      "shared frame. A PTE that contains 0 and says nothing more: the page is\n"
      "free, reserved, or committed but never touched (only the VAD knows).\n"
      "Errors: \"usage: !pte VirtualAddress\", expression errors (\"Couldn't\n"
      "resolve error at 'p'\": a Lua variable; write kd(\"!pte \" .. hex(p))),\n"
      "\"X is not a valid address on this machine\".\n",
      "E2, E3, E4, E5, E7, E9, E17" },
    { "!vad", HELP_DEBUGGER, "!vad [Address [1]]",
      "the current process's VAD tree; one VAD in detail",
      "The VADs (virtual address descriptors) are the ranges a process has\n"
      "reserved: VirtualAlloc's regions, views of sections, images. With no\n"
      "argument, the whole tree in address order, one node a line:\n"
      "  VAD      the node's address (a pseudo address in nonpaged pool: ntmm\n"
      "           keeps its nodes in host memory, so dd cannot read it)\n"
      "  level    the node's depth in the tree, the root at 0\n"
      "  start    its first virtual page number (VPN: address / 0x1000)\n"
      "  end      its last VPN, inclusive: 10 11 is 00010000-00011fff\n"
      "  commit   the pages of commit charged to it (a view of a section:\n"
      "           only the pages it may copy on write)\n"
      "then Private (VirtualAlloc) or Mapped (a view), Exe for an image, the\n"
      "protection given when it was reserved, and for a view what it maps:\n"
      "the file's name, or \"Pagefile section, shared commit N\" for a section\n"
      "backed by the pagefile. The footer counts the nodes and gives their\n"
      "average level and the tree's maximum depth.\n"
      "Address alone is a node address (the VadRoot !process prints: the whole\n"
      "tree): the subtree under that node. \"!vad Address 1\": one VAD in\n"
      "detail, the node at Address or the VAD containing the virtual address\n"
      "Address: Start VPN, End VPN, Control Area (a view's: !ca takes it),\n"
      "First ProtoPte and Last PTE (the prototype PTEs of its first and last\n"
      "pages), Commit Charge, a view's File offset, and its Level, flags\n"
      "(PrivateMemory or Mapped, MemCommit, ImageMap) and protection.\n"
      "Errors: \"no current process (use .process)\", \"usage: !vad [Node] |\n"
      "!vad Address 1\", \"no VAD node at X\", \"no VAD contains X\".\n",
      "E1, E3, E4, E5, E6, E7" },
    { "!vtop", HELP_DEBUGGER, "!vtop PFN|DirBase|0 VA",
      "translate an address in the space of a DirBase",
      "Translates VA as the MMU would, starting at the page directory whose\n"
      "physical address is DirBase (a process's CR3: the DirBase !process\n"
      "prints; 0 means the current process, the System's DirBase the kernel\n"
      "tables). As WinDbg documents, the first argument may also be the\n"
      "DirBase's PFN (DirBase >> 12: !vtop 81f for DirBase 0081f000); a PAE\n"
      "PDPT that does not start its page (00002020) has no PFN form. It\n"
      "prints each step, prefixed as WinDbg does: X86VtoP on x86 and PAE\n"
      "(each PAE step marked PAE: \"X86VtoP: PAE zero PTE\"), Amd64VtoP on\n"
      "x64; dbg(\"!vtop 0 0\") tells a script the paging mode.\n"
      "  Virt VA, pagedir D   what is translated, from which directory\n"
      "  PDE P - C            one line a level (PDPE, PXE, PPE, PDE, PTE):\n"
      "                       P the entry's physical address, C its contents\n"
      "  Mapped phys PA       the physical address VA reaches\n"
      "then \"Virtual address VA translates to physical address PA.\"\n"
      "A walk that ends at an empty entry says \"zero PTE\" (or zero PDE ...):\n"
      "there is no page yet, as before the first write of committed memory\n"
      "(E2: a demand-zero fault makes it). One that ends at another invalid\n"
      "entry says \"not valid\" or why it stopped (trimmed, paged out ...:\n"
      "!pte decodes the entry). Either way \"Virtual address VA translation\n"
      "fails.\" follows.\n"
      "Nothing changes: no Accessed bit, no TLB entry.\n"
      "Errors: \"usage: !vtop PFN|DirBase|0 VirtualAddress\", \"X is neither\n"
      "the DirBase of a process nor its PFN\", \"X is not a canonical\n"
      "address\".\n",
      "E2, E8, E17, E18" },
    { "!pfn", HELP_DEBUGGER, "!pfn PageFrame",
      "one entry of the PFN database, decoded",
      "PageFrame is a physical page number (physical address / 0x1000: the\n"
      "pfn !pte prints). The PFN database has one _MMPFN for each frame of\n"
      "RAM, saying what the frame holds and which list it is on:\n"
      "  PFN N at address A     the frame, and its entry's address\n"
      "                         (MmPfnDatabase + N * sizeof(_MMPFN), dt _MMPFN)\n"
      "  flink                  u1: on a list, the next frame; an Active\n"
      "                         page's index in its working set (WsIndex)\n"
      "  blink / share count    u2: on a list, the previous frame; an Active\n"
      "                         page's count of the PTEs that map it\n"
      "  pteaddress             the PTE that maps the page, or the prototype\n"
      "                         PTE of a section's page (!ca takes it)\n"
      "  reference count        u3: references that keep the frame in use\n"
      "  color                  the page colour (its cache bin)\n"
      "  restore pte            OriginalPte: what the PTE becomes when the\n"
      "                         page leaves RAM (demand zero, a pagefile slot)\n"
      "  containing page        u4 PteFrame: the page table holding the PTE\n"
      "then the PageLocation (Zeroed, Free, Standby, Modified,\n"
      "ModifiedNoWrite, Bad, Active, Transition) and the flag letters, spelt\n"
      "out on a last line: M Modified, P PrototypePte (Shared: a section's\n"
      "page), R ReadInProgress, W WriteInProgress, E ParityError, X\n"
      "RemovalRequested.\n"
      "Errors: \"usage: !pfn PageFrame\", \"0xN is not a page frame number on\n"
      "this machine\".\n",
      "E2, E4, E7" },
    { "!vm", HELP_DEBUGGER, "!vm",
      "virtual memory counters, commit per process",
      "The memory manager's counters in pages and, in parentheses, in KB,\n"
      "read from its kernel variables (so they work on a stopped machine):\n"
      "  Physical Memory    pages of RAM (MmNumberOfPhysicalPages)\n"
      "  Page File          each pagefile's name, then its Current size and\n"
      "                     Free Space, its Minimum and Maximum size (Kb)\n"
      "  Available Pages    zeroed, free and standby pages (MmAvailablePages):\n"
      "                     what can be handed out without trimming\n"
      "  Modified Pages     pages on the modified list, waiting to be written\n"
      "  Modified PF Pages  those of them bound for a pagefile (the others\n"
      "                     belong to mapped files and go to their files)\n"
      "  Committed pages    the commit charged system-wide\n"
      "                     (MmTotalCommittedPages)\n"
      "  Commit limit       about RAM plus the pagefiles: more cannot be\n"
      "                     committed (MmTotalCommitLimit)\n"
      "then Total Private and each process's commit charge, largest first: its\n"
      "Cid, its image name, pages (Kb). The values are the ones\n"
      "GetPerformanceInfo and GlobalMemoryStatusEx report.\n"
      "Errors: \"takes no arguments\".\n",
      "E9, E18" },
    { "!wsle", HELP_DEBUGGER, "!wsle [Flags [Address]]",
      "a process's working-set list",
      "The working set is the set of a process's pages that are resident;\n"
      "its list (_MMWSL at MmWorkingSetList, an array of _MMWSLE) has one\n"
      "entry for each. The header always prints:\n"
      "  FirstFree        the first free entry\n"
      "  FirstDynamic     entries below it are never trimmed (top-level\n"
      "                   tables, the list's own pages)\n"
      "  LastEntry        the highest entry in use\n"
      "  NextSlot         where the trimmer resumes\n"
      "  LastInitialized  the last entry the list has room for\n"
      "  NonDirect        entries not named by their frame's WsIndex\n"
      "  HashTable, HashTableSize   0: ntmm hashes no entry\n"
      "Flags, bits that add up (default 0, the header only):\n"
      "  1  each valid entry: Virtual Address (the entry as stored: the\n"
      "     page's address, and in its low bits 1 Valid, 2 LockedInWs,\n"
      "     4 LockedInMemory, 100 Hashed, 200 Direct), Age (the trimmer's\n"
      "     passes without an access, 0-3), Locked (1: VirtualLock or a\n"
      "     page the list keeps) and the frame's ReferenceCount\n"
      "  2  the count of valid entries, LastEntry and FirstFree\n"
      "  4  the free entries by index, from FirstFree, and their total; with\n"
      "     2 also the check that valid plus free entries are all of them\n"
      "Address: MmWorkingSetList (or 0) for the current process's list, or a\n"
      "process: its PROCESS address or Cid, as .process takes them.\n"
      "Errors: \"usage: !wsle [Flags [Address]]\", \"no current process (use\n"
      ".process)\", \"X is not a working set list or a process\".\n",
      NULL },
    { "!memusage", HELP_DEBUGGER, "!memusage",
      "physical pages by list; the pages of sections",
      "Walks the whole PFN database and counts the frames by PageLocation, in\n"
      "pages and (kb):\n"
      "  Zeroed           free pages already filled with zeros\n"
      "  Free             free pages not zeroed yet\n"
      "  Standby          clean pages trimmed from a working set, data kept:\n"
      "                   a soft fault takes them back\n"
      "  Modified         dirty trimmed pages, waiting for the modified page\n"
      "                   writer (pagefile or mapped file)\n"
      "  ModifiedNoWrite  dirty pages that must not be written yet\n"
      "  Active/Valid     in use: working sets, page tables, kernel memory\n"
      "  Transition       pages in the middle of a read or a write\n"
      "  Bad              pages taken out of use\n"
      "  TOTAL            every frame: the RAM\n"
      "\"List heads (Total)\": the count each list head keeps itself\n"
      "(MmZeroedPageListHead ...). It must agree with the walk: a list an\n"
      "edit broke shows here.\n"
      "When sections exist, the Usage Summary (in Kb) follows, one control\n"
      "area a line (Control: its address, as !ca takes it): Valid (resident\n"
      "pages), Standby, Dirty (modified), Shared (mapped more than once),\n"
      "Locked, PageTables, and its name: \"mapped_file( name )\" for a file,\n"
      "\"Pagefile-backed section\" otherwise.\n"
      "Errors: \"takes no arguments\".\n",
      "E8, E9, E18" },
    { "!ca", HELP_DEBUGGER, "!ca [Address [Flags]]",
      "a control area, its segment and subsections",
      "A control area is the memory manager's record of one section: a mapped\n"
      "file, an image or a pagefile-backed section. Its segment holds the\n"
      "prototype PTEs, one for each page of the section, that its views' PTEs\n"
      "point to; its subsections say which part of the file backs which.\n"
      "With no Address (or 0): every control area, one line each (an ntmm\n"
      "summary): ControlArea, Segment, SectionRef (section objects that refer\n"
      "to it), PfnRef (its resident pages), MappedViews, Flags and its name.\n"
      "Address: a control area (from that list or !vad Address 1), or its\n"
      "segment, a subsection, or one of its prototype PTEs (the pteaddress\n"
      "!pfn prints for a section's page). Then, as WinDbg prints them:\n"
      "  ControlArea @   Segment, Flink/Blink, Section Ref, Pfn Ref, Mapped\n"
      "                  Views, User Ref, WaitForDel, Flush Count, File\n"
      "                  Object, ModWriteCount, System Views, Flags (Image\n"
      "                  20, File 80, Reserve 1000, Commit 2000), the file\n"
      "  Segment @       Total Ptes (pages), Segment Size (bytes), Committed\n"
      "                  (pages charged), ProtoPtes (where the prototype PTEs\n"
      "                  are, in paged pool), an image's Image Base\n"
      "  Subsection N @  Starting Sector and Number Of Sectors (its part of\n"
      "                  the file, 512-byte sectors), Base Pte and Ptes In\n"
      "                  Subsect (its prototype PTEs), Flags, Protection,\n"
      "                  then ReadOnly, ReadWrite, CopyOnWrite, MappedViews\n"
      "Flags: 1 the segment, 2 the subsections; default 3, both.\n"
      "Errors: \"usage: !ca [Address [Flags]]\", \"flags are 1 (segment) and\n"
      "2 (subsections)\", \"X is not a control area\".\n",
      "E4, E5, E6" },
    { "!controlarea", HELP_DEBUGGER, "!controlarea [Address [Flags]]",
      "the same command as !ca",
      "Another name of !ca (help !ca): with no Address, every control area,\n"
      "one line each; with the address of a control area (or of its segment,\n"
      "a subsection or a prototype PTE), the control area, its segment\n"
      "(Flags 1) and its subsections (Flags 2), as WinDbg prints them.\n",
      NULL },
    { "lm", HELP_DEBUGGER, "lm [v]",
      "the loaded modules: the process's images and nt",
      "Lists the images mapped in the current process (its image views, in\n"
      "address order), then the kernel image, nt:\n"
      "  start        the image's base address\n"
      "  end          one past its last byte\n"
      "  module name  the image file's base name without its extension (app,\n"
      "               mydll): the name !dh takes\n"
      "then the symbols' state: \"(deferred)\", as WinDbg says before it loads\n"
      "a module's symbols (ntmm loads no symbol files); nt's are \"(ntmm\n"
      "symbols)\", the kernel variables x nt!* lists.\n"
      "v: each module's Image path as well.\n"
      "Errors: \"usage: lm [v]\".\n",
      "E3, E6" },
    { "!dh", HELP_DEBUGGER, "!dh [-a|-f|-s] Address|Module",
      "an image's PE headers",
      "Prints the PE headers of an image mapped in the current process, read\n"
      "from its memory (nothing is faulted in), in the layout link /dump and\n"
      "dumpbin /headers share:\n"
      "  File Type: EXECUTABLE IMAGE or DLL\n"
      "  FILE HEADER VALUES: machine (14C i386, 8664 x64), number of\n"
      "    sections, time date stamp (in UTC), size of optional header, and\n"
      "    the characteristics with each bit named (\"App can handle >2gb\n"
      "    addresses\" is IMAGE_FILE_LARGE_ADDRESS_AWARE, E12)\n"
      "  OPTIONAL HEADER VALUES: magic (10B PE32, 20B PE32+), code and data\n"
      "    sizes, entry point, image base, section and file alignment,\n"
      "    versions, size of image and of headers, subsystem, DLL\n"
      "    characteristics by name, stack and heap reserve and commit, and the\n"
      "    data directories as address [size]\n"
      "  SECTION HEADER #n: name, virtual size and address, size of and file\n"
      "    pointer to raw data, flags by name (Code, Initialized Data, the\n"
      "    alignment, then Execute Read, Read Only or Read Write)\n"
      "-f: the file and optional headers; -s: the section headers; -a (the\n"
      "default): both. Module: a name lm prints (mydll) or the file's name\n"
      "(mydll.dll); Address: any address in an image (its headers are read\n"
      "from its first byte); elsewhere, memory that holds a copy of one.\n"
      "Errors: \"usage: !dh [-a|-f|-s] Address|Module\", \"cannot read the\n"
      "headers at X\", \"no image at X: no MZ signature\", \"bad image headers\n"
      "at X: ...\" naming what is wrong.\n",
      "E3, E12" },
    { "!address", HELP_DEBUGGER, "!address [Address|-summary]",
      "the current process's regions and their usage",
      "With no argument: every region of user space as VirtualQuery reports\n"
      "it, one a line:\n"
      "  BaseAddress    where the region starts\n"
      "  EndAddress+1   one past its end\n"
      "  RegionSize     its size\n"
      "  Type           MEM_PRIVATE, MEM_MAPPED (a view) or MEM_IMAGE\n"
      "  State          MEM_FREE, MEM_RESERVE or MEM_COMMIT\n"
      "  Protect        PAGE_READWRITE ... (\"-\" for reserved memory)\n"
      "  Usage          Free; Image [module; \"path\"]; MappedFile \"file\" or\n"
      "                 \"PageFile\" (a view of a pagefile-backed section);\n"
      "                 Other [User Shared Data] (KUSER_SHARED_DATA at\n"
      "                 7ffe0000); VAR (private data of no known use)\n"
      "Address: the region holding Address, a field a line, with its\n"
      "Allocation Base and Allocation Protect (those of the whole\n"
      "reservation) and an image's path and module name.\n"
      "-summary: the regions' count and size by usage, by type (the busy\n"
      "ones) and by state, as a share of busy memory and of all of it; then\n"
      "the largest region of each usage. The largest Free one is the largest\n"
      "block a reservation can still get: fragmentation (E11).\n"
      "Errors: \"usage: !address [Address|-summary]\", \"no current process\n"
      "(use .process)\", \"X is not a user-mode address of this process\".\n",
      "E4, E6" },
    { "!process", HELP_DEBUGGER, "!process [0 0]",
      "the current process in detail, or every process",
      "With no argument, the current process:\n"
      "  PROCESS      its EPROCESS address (a pseudo address, which .process\n"
      "               takes like the Cid), SessionId, Cid (the process id),\n"
      "               Peb and ParentCid\n"
      "  DirBase      the physical address of its top-level page directory\n"
      "               (its CR3): the DirBase !vtop takes\n"
      "  ObjectTable, HandleCount  0: ntmm has no object manager yet\n"
      "  Image        its image file's name\n"
      "  VadRoot      the root of its VAD tree (!vad VadRoot), Vads (their\n"
      "               number), Private (its committed private pages)\n"
      "  CommitCharge the pages of commit it is charged\n"
      "  Working Set Size (now)  its resident pages (and KB)\n"
      "  VirtualSize  its reserved address space, MB\n"
      "  HighestUserAddress  the top of its user space (7ffeffff: 2 GB)\n"
      "0 0: every process, one block each, the System (Cid 4) first, then the\n"
      "others oldest first, each with its PROCESS, Cid, DirBase and Image.\n"
      "Errors: \"usage: !process [0 0] ...\", \"no current process (use\n"
      ".process)\".\n",
      "E2, E12" },
    { ".process", HELP_DEBUGGER, ".process [Cid|Process]",
      "show or set the implicit process",
      "With no argument: \"Implicit process is X\", the PROCESS address of the\n"
      "current process. With a Cid (the process id !process 0 0 prints) or a\n"
      "PROCESS address: that process becomes the current one, for the\n"
      "commands that read user space (!vad, !pte, dd, ed, !address, vmmap\n"
      "...) and for the Lua functions (VirtualAlloc ...) alike; it prints\n"
      "\"Implicit process is now X\". WinDbg's switches /p, /r and /i are\n"
      "accepted and change nothing: the switch is always immediate.\n"
      "Errors: \"usage: .process [Cid|Process]\", \"no implicit process\", \"X\n"
      "is not a process or Cid\".\n",
      NULL },
    { "dt", HELP_DEBUGGER, "dt [-v] Type [Address] [Field]",
      "a structure's layout, and its values in memory",
      "Type: _MMPFN (an entry of the PFN database), _MMPFNLIST (a page list\n"
      "head, such as MmZeroedPageListHead), _MMPFNENTRY (the flag bits in an\n"
      "_MMPFN's u3) or _MMPTE (the bits of a page-table entry), with this\n"
      "machine's offsets: an _MMPFN is 0x18 bytes on x86, 0x1c on PAE, 0x30\n"
      "on x64. One line a field: +0xOFFSET, its name, then its type (Ptr32\n"
      "_MMPTE, Uint4B ...) or, for a bit field, \"Pos N, M Bits\".\n"
      "Address: each field's value there comes before its type. The PFN\n"
      "entry of frame N: dt _MMPFN poi(MmPfnDatabase) + 0x1c * N (PAE). Its\n"
      "fields: u1 Flink (next frame on the list) or WsIndex, PteAddress, u2\n"
      "Blink or ShareCount, u3 the _MMPFNENTRY flags (PageLocation ...) and\n"
      "ReferenceCount, OriginalPte, u4 PteFrame. A list head's fields: Total,\n"
      "ListName, Flink (first frame), Blink (last frame).\n"
      "Field: a last word that names a field shows that field only:\n"
      "dt _MMPFN poi(MmPfnDatabase) + 0x1c * N u3, or dt _MMPFN PteAddress.\n"
      "-v first prints \"struct _MMPFN, 6 elements, 0x1c bytes\".\n"
      "Errors: \"usage: dt [-v] Type [Address] [Field]\", \"Symbol _FOO not\n"
      "found\" (a type ntmm does not lay out), \"Memory read error X\".\n",
      "E8" },
    { "db", HELP_DEBUGGER, "db Address [L Count]",
      "display virtual memory as bytes and ASCII",
      "Each line: 16 bytes in hexadecimal, a '-' between the eighth and the\n"
      "ninth, then the same bytes as ASCII ('.' for the unprintable ones).\n"
      DUMP_TEXT,
      "E5" },
    { "dw", HELP_DEBUGGER, "dw Address [L Count]",
      "display virtual memory as words",
      "Each line: 8 words (2 bytes each) in hexadecimal.\n" DUMP_TEXT,
      NULL },
    { "dd", HELP_DEBUGGER, "dd Address [L Count]",
      "display virtual memory as double words",
      "Each line: 4 double words (4 bytes each) in hexadecimal. A pointer on\n"
      "x86 and PAE, a list head's fields (dd nt!MmZeroedPageListHead L4:\n"
      "Total, ListName, Flink, Blink).\n" DUMP_TEXT,
      "E2, E8, E18" },
    { "dq", HELP_DEBUGGER, "dq Address [L Count]",
      "display virtual memory as quad words",
      "Each line: 2 quad words (8 bytes each) written 00000000`00000000: a\n"
      "pointer on x64, a PTE on PAE and x64.\n" DUMP_TEXT,
      "E2, E8" },
    { "!db", HELP_DEBUGGER, "!db PhysAddr [L Count]",
      "display physical memory as bytes and ASCII",
      "As db (16 bytes, a '-' after the eighth, then ASCII), for physical\n"
      "memory.\n" PHYSICAL_DUMP_TEXT,
      NULL },
    { "!dd", HELP_DEBUGGER, "!dd PhysAddr [L Count]",
      "display physical memory as double words",
      "As dd (4 double words a line), for physical memory.\n" PHYSICAL_DUMP_TEXT,
      NULL },
    { "!dq", HELP_DEBUGGER, "!dq PhysAddr [L Count]",
      "display physical memory as quad words",
      "As dq (2 quad words a line), for physical memory: a frame's contents,\n"
      "or the entries of a page table at the physical address !vtop prints.\n"
      PHYSICAL_DUMP_TEXT,
      "E8" },
    { "eb", HELP_DEBUGGER, "eb Address Value [Value ...]",
      "write bytes to virtual memory",
      "Each Value is one byte.\n" EDIT_TEXT,
      NULL },
    { "ew", HELP_DEBUGGER, "ew Address Value [Value ...]",
      "write words to virtual memory",
      "Each Value is one word (2 bytes).\n" EDIT_TEXT,
      NULL },
    { "ed", HELP_DEBUGGER, "ed Address Value [Value ...]",
      "write double words to virtual memory",
      "Each Value is one double word (4 bytes).\n" EDIT_TEXT,
      NULL },
    { "eq", HELP_DEBUGGER, "eq Address Value [Value ...]",
      "write quad words to virtual memory",
      "Each Value is one quad word (8 bytes).\n" EDIT_TEXT,
      NULL },
    { "x", HELP_DEBUGGER, "x nt!Pattern",
      "the kernel symbols whose names match a pattern",
      "Lists the kernel's symbols ntmm defines, the memory manager's\n"
      "variables (MmPfnDatabase, MmZeroedPageListHead,\n"
      "MmNumberOfPhysicalPages ...), that match Pattern, in address order.\n"
      "* matches any run of characters, ? any one; case does not matter;\n"
      "\"nt!\" may be left out (and *! matches it); another module's name\n"
      "lists nothing. x nt!* lists them all, x nt!Mm*List* the list heads.\n"
      "Each line: the symbol's address, nt!name, \" = value\" for a\n"
      "pointer-sized variable, and its type in <>.\n"
      "Every expression takes these names, with or without nt!: dd\n"
      "MmNumberOfPhysicalPages L1, dt _MMPFN poi(MmPfnDatabase).\n"
      "Errors: \"usage: x nt!Pattern\".\n",
      "E8" },
    { "!verify", HELP_DEBUGGER, "!verify",
      "check the memory manager's invariants",
      "Runs ntmm's invariant checker over the whole machine (Windows has no\n"
      "such command; ntmm's tests run it after every operation). It checks\n"
      "each page list against its Total and its frames' PageLocation, that\n"
      "every frame is counted once, that zeroed pages hold zeros, every valid\n"
      "PTE against its frame's PteAddress, PteFrame and ShareCount, the VAD\n"
      "trees, the working-set lists, commit charges, prototype PTEs, pool and\n"
      "pagefiles.\n"
      "Prints \"!verify: ok (every invariant holds)\", or \"!verify: FAILED:\"\n"
      "and the first broken invariant, and then fails with its status. After\n"
      "an edit (ed, eq) that breaks a structure on purpose it names what is\n"
      "broken before the memory manager trips over it and bug checks.\n"
      "Errors: \"takes no arguments\".\n",
      "E8, E9" },
    { "!analyze", HELP_DEBUGGER, "!analyze [-v]",
      "the bug check that stopped the machine, explained",
      "When the memory manager finds its own structures corrupt (a page list\n"
      "an edit broke, for one) it calls KeBugCheckEx as Windows does: the\n"
      "machine paints the STOP screen and stops. From then on every call that\n"
      "would change it fails with STATUS_SHUTDOWN_IN_PROGRESS, and the\n"
      "debugger's commands read the state the bug check froze.\n"
      "!analyze (-v changes nothing: it is always verbose) prints the bug\n"
      "check's name and code (PFN_LIST_CORRUPT (4e)), what the code means,\n"
      "then Arg1 to Arg4, each parameter with what it means in this case,\n"
      "and BUGCHECK_CODE and BUGCHECK_P1 to BUGCHECK_P4, the bare numbers.\n"
      "On a running machine: \"The machine has not bug checked: there is\n"
      "nothing to analyze.\", and it succeeds. .reboot starts a new machine.\n"
      "Errors: \"takes only -v\".\n",
      NULL },
    { ".bugcheck", HELP_DEBUGGER, ".bugcheck",
      "the bug check code and its four parameters",
      "Prints \"Bugcheck code 0000004E\" and a line \"Arguments\" with the four\n"
      "parameters of the bug check that stopped the machine, at the machine's\n"
      "pointer width (8 hexadecimal digits, 16 on x64), as WinDbg's .bugcheck\n"
      "does; !analyze -v says what they mean. On a running machine: \"The\n"
      "machine has not bug checked: there is nothing to analyze.\", and it\n"
      "succeeds.\n"
      "Errors: \"takes no arguments\".\n",
      NULL },
    { ".reboot", HELP_DEBUGGER, ".reboot",
      "a new machine, same configuration (at kd> only)",
      "Throws the machine away and boots a new one with the same options\n"
      "(--arch, --ram, --pagefile, --seed ...) and a fresh Lua state: every\n"
      "variable is gone. It prints \"Rebooted: a new machine, booted as the\n"
      "first was; the Lua state starts afresh.\" The way on after a bug check\n"
      "without leaving the shell.\n"
      "Only the prompt runs it (also when the prompt reads a file of lines on\n"
      "its standard input). From a script, dbg() or kd() it fails with \"only\n"
      "at the kd> prompt (a script runs on the machine it would replace)\" and\n"
      "changes nothing.\n",
      NULL },
    { "vmmap", HELP_TOOLS, "vmmap",
      "VMMap: the current process's memory by type",
      "As Sysinternals VMMap shows a process. First a row for each memory\n"
      "type, in K:\n"
      "  Image         views of images: the EXE, DLLs (LoadLibrary)\n"
      "  Mapped File   views of files (MapViewOfFile of a file's mapping)\n"
      "  Shareable     views of pagefile-backed sections\n"
      "  Heap, Stack   0: ntmm has no heaps or thread stacks yet\n"
      "  Private Data  VirtualAlloc'd memory (and KUSER_SHARED_DATA)\n"
      "  Page Table    the process's page-table pages\n"
      "  Unusable      the free rest of a 64 KB allocation granule after an\n"
      "                allocation's end: it can never be allocated\n"
      "  Free          address space no one has reserved\n"
      "  Total         every type but Free\n"
      "The columns: Size (reserved), Committed, Private (committed, not\n"
      "shareable), Total WS (resident), Private WS, Shareable WS (resident\n"
      "view pages that map the section's frame), Shared WS (of those, the ones\n"
      "another mapping shares too), Locked WS (VirtualLock), Blocks (regions)\n"
      "and Largest (the largest block; Free's is the largest reservation still\n"
      "possible, E11). A view's page written copy-on-write is a private copy:\n"
      "Private and Private WS.\n"
      "Then each region in address order: its Address, Type, Size, Committed,\n"
      "Total WS, Private WS, Shareable WS, Locked WS and Protection (or\n"
      "Reserved), and for a view the file it maps.\n"
      "Errors: \"takes no arguments\".\n",
      "E7, E14" },
    { "rammap", HELP_TOOLS, "rammap",
      "RAMMap: physical memory by use and by list",
      "As Sysinternals RAMMap's Use Counts: a row for each use of memory, a\n"
      "column for each page list, in K. Every frame of RAM is counted once:\n"
      "the Total column adds up to the RAM.\n"
      "Columns: Active (in use), Standby, Modified, Modified no write,\n"
      "Transition, Zeroed, Free, Bad, Total.\n"
      "Rows, from each frame's PFN entry:\n"
      "  Process Private  processes' private pages\n"
      "  Mapped File      pages of sections that map a file or an image\n"
      "  Shareable        pages of pagefile-backed sections\n"
      "  Page Table       page tables and top-level directories\n"
      "  Paged Pool       pool pages (sections' prototype PTEs live there)\n"
      "  Nonpaged Pool    the PFN database\n"
      "  Driver Locked    the kernel image, its data and other resident\n"
      "                   kernel pages\n"
      "  Unused           zeroed, free and bad pages\n"
      "  System PTE, Session Private, Metafile, AWE, Kernel Stack, Large\n"
      "  Page: 0, ntmm does not model them yet\n"
      "A trimmed page keeps its use, in the Standby or Modified column.\n"
      "Then Page Files: each pagefile's Size, Minimum, Maximum, In Use and\n"
      "Peak, in K.\n"
      "Errors: \"takes no arguments\".\n",
      NULL },
    { "help", HELP_DEBUGGER, "help [NAME]",
      "list the commands and functions, or explain one", HELP_TEXT, NULL },
    { ".help", HELP_DEBUGGER, ".help [NAME]",
      "the same as help", "Another name of help, as WinDbg has it.\n" HELP_TEXT, NULL },
    { "apropos", HELP_DEBUGGER, "apropos WORD",
      "the entries that mention a word",
      "Lists, each with its summary, every entry whose name, synopsis,\n"
      "summary, text or seed experiments contain WORD, ignoring case:\n"
      "apropos pagefile, apropos prototype, apropos E7. help NAME then shows\n"
      "one of them. When none does: \"apropos: nothing mentions 'WORD'\".\n"
      "Errors: \"which word? (apropos WORD)\".\n",
      NULL },
    { "?", HELP_DEBUGGER, "? Expression",
      "evaluate an expression: decimal = hex",
      "Evaluates a MASM expression and prints it as WinDbg does:\n"
      "  kd> ? 0n4096\n"
      "  Evaluate expression: 4096 = 00001000\n"
      "Numbers are hexadecimal unless prefixed (0n decimal, 0t octal, 0y\n"
      "binary, 0x hex); symbols (MmPfnDatabase, nt!MmPfnDatabase) stand for\n"
      "their address; poi(addr) reads a pointer; + - * / and parentheses.\n"
      "The expression may follow without a space: ?1+2. The decimal is signed.\n"
      "On x86 and PAE a 32-bit value prints with 8 hex digits; a value that\n"
      "needs more, and every value on x64, as 00000000`00001000. ? alone\n"
      "prints the list of commands, as WinDbg's ? prints its command summary.\n"
      "A bad expression prints WinDbg's error (\"Couldn't resolve error at\n"
      "'foo'\") and fails with STATUS_INVALID_PARAMETER.\n",
      NULL },
    { ".formats", HELP_DEBUGGER, ".formats Expression",
      "a value in every number format",
      "Evaluates an expression (as ? does) and prints WinDbg's block:\n"
      "  Hex, Decimal (signed), Octal, Binary (bytes high first), Chars (each\n"
      "  byte as ASCII, '.' if not printable), Time, Float (the low and the\n"
      "  high 32 bits as floats) and Double (all 64 bits as a double).\n"
      "The width is the target's: 32 bits on x86 and PAE (unless the value\n"
      "needs more), 64 on x64. Time reads a value that fits 32 bits as a C\n"
      "time_t (seconds since 1970), a larger one as a FILETIME (100 ns units\n"
      "since 1601, with milliseconds); ntmm prints both in UTC, so the output\n"
      "is the same on every host, and a negative one as \"***** Invalid\".\n"
      "Floating point prints as Microsoft's C library does (6.36908e-022,\n"
      "1.#INF, 1.#QNAN).\n",
      NULL },
    { "r", HELP_DEBUGGER, "r [cr0|cr3|cr4]",
      "control registers cr0, cr3 (DirBase) and cr4",
      "r prints cr0, cr3 and cr4 on one line; r cr3 prints one, as WinDbg:\n"
      "  kd> r cr3\n"
      "  cr3=00185000\n"
      "(8 hex digits on x86 and PAE, 16 on x64). ntmm models the registers\n"
      "that matter to the memory manager, with only the bits it simulates:\n"
      "  cr0  PE (bit 0) protected mode, WP (bit 16) kernel writes obey\n"
      "       read-only PTEs, PG (bit 31) paging: 80010001.\n"
      "  cr3  the current process's DirBase, as !process shows it (the\n"
      "       System process's when there is none): the page directory on\n"
      "       x86, the PDPT on PAE, the PML4 on x64.\n"
      "  cr4  PSE (bit 4) large pages, PAE (bit 5) on PAE and x64, PGE\n"
      "       (bit 7) Global translations survive a CR3 load: 00000090 on\n"
      "       x86, 000000b0 on PAE and x64.\n"
      "Names are case-insensitive. Any other register prints WinDbg's \"Bad\n"
      "register error\"; registers cannot be changed (r cr3=... fails).\n",
      NULL },
    { "!error", HELP_DEBUGGER, "!error Value [Flags]",
      "the message of an NTSTATUS or Win32 error",
      "Prints what an error code means, as WinDbg's !error does:\n"
      "  kd> !error c0000017\n"
      "  Error code: (NTSTATUS) 0xc0000017 (3221225495) - {Not Enough Quota} ...\n"
      "  kd> !error 8\n"
      "  Error code: (Win32) 0x8 (8) - Not enough memory resources are ...\n"
      "Value is an expression (hexadecimal by default). Below 0x10000 it is a\n"
      "Win32 error; 0x8007xxxx is an HRESULT carrying Win32 error xxxx; any\n"
      "other value is an NTSTATUS. Flags 1 reads Value as an NTSTATUS. ntmm\n"
      "knows every status and error it returns (the messages are ntmm's\n"
      "wording of Windows' meaning); another value prints \"<Unable to get\n"
      "error code text>\". RtlNtStatusToDosError gives a status's Win32 error.\n",
      NULL },
    { ".cls", HELP_DEBUGGER, ".cls",
      "clear the command window",
      "Clears the screen, as WinDbg's .cls clears its command window: ntmm\n"
      "prints the ANSI sequence ESC [H ESC [2J, which a terminal takes as\n"
      "\"cursor home, erase the screen\". In a script, dbg(\".cls\") returns\n"
      "that sequence.\n",
      NULL },
};
const size_t help_command_entry_count = sizeof help_command_entries / sizeof help_command_entries[0];
