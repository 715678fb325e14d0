/*
 * win32_internal.h — what the files of src/win32 share.
 */
#ifndef NTMM_WIN32_INTERNAL_H
#define NTMM_WIN32_INTERNAL_H

#include <stdbool.h>

#include "ntmm/win32.h"

/* Sets the last error for a failed status; returns whether st succeeded. */
bool win32_check(NTSTATUS st);

#endif
