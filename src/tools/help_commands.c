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
};
const size_t help_command_entry_count = sizeof help_command_entries / sizeof help_command_entries[0];
