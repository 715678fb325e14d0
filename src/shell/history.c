/*
 * history.c — the REPL's history across sessions, where other REPLs keep
 * theirs: $XDG_STATE_HOME/ntmm/history, else ~/.local/state/ntmm/history
 * (the XDG base directory rules). Only a terminal session reads and writes
 * it (repl.c (1)).
 *
 * (1) The file keeps the last HISTORY_LINES lines.
 * (2) A directory or file that cannot be made or read leaves the session
 *     without saved history, silently: history is a convenience.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <editline/readline.h>

#include "shell/shell.h"

enum { HISTORY_LINES = 1000 };

static char path[4096];

/* Makes each directory of path (up to its last '/'). */
static bool make_directories(char *file)
{
    for (char *p = file + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = 0;
        bool made = mkdir(file, 0700) == 0 || errno == EEXIST;
        *p = '/';
        if (!made)
            return false;
    }
    return true;
}

void history_open(void)
{
    const char *state = getenv("XDG_STATE_HOME");
    const char *home = getenv("HOME");
    int n;
    if (state && state[0] == '/')
        n = snprintf(path, sizeof path, "%s/ntmm/history", state);
    else if (home && home[0] == '/')
        n = snprintf(path, sizeof path, "%s/.local/state/ntmm/history", home);
    else
        n = -1;
    if (n < 0 || (size_t)n >= sizeof path || !make_directories(path)) {
        path[0] = 0;
        return;
    }
    using_history();
    (void)read_history(path);
}

void history_save(void)
{
    if (!path[0])
        return;
    if (write_history(path) == 0)
        (void)history_truncate_file(path, HISTORY_LINES);
}
