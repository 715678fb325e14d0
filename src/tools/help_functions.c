/*
 * help_functions.c — the help of every Lua function and Win32 name the shell
 * binds (help.h): signature, return values, the errors it gives, and how its
 * pointers work; and the names Windows has that ntmm does not model yet.
 */
#include "tools/help.h"

const struct help_entry help_function_entries[] = {
    { "VirtualAlloc", HELP_WIN32_MEMORY,
      "VirtualAlloc(lpAddress, dwSize, flAllocationType, flProtect) -> address",
      "reserve or commit a region of the current process's address space",
      "lpAddress: nil or 0 lets the system choose; otherwise rounded down to\n"
      "64 KB (MEM_RESERVE) or a page (MEM_COMMIT).\n",
      "E1, E2" },
};
const size_t help_function_entry_count = sizeof help_function_entries / sizeof help_function_entries[0];
