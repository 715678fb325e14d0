/*
 * help_commands.c — the help of every debugger command and tool (help.h):
 * syntax, each argument, what each output column means, and the seed
 * experiments that use it.
 */
#include "tools/help.h"

const struct help_entry help_command_entries[] = {
    { "!pte", HELP_DEBUGGER, "!pte VA",
      "the page-table entries that map a virtual address",
      "Walks the current process's page tables for VA and prints each level's\n"
      "entry (PDE and PTE on x86; PDPE, PDE, PTE on PAE; PXE, PPE, PDE, PTE on\n"
      "x64): its self-map address, its raw contents and, decoded, its page\n"
      "frame number and flags, as WinDbg's !pte does.\n",
      "E4, E5" },
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
