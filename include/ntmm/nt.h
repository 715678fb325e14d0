/*
 * nt.h — NTSTATUS and the status codes ntmm returns, with Windows' values
 * (ntstatus.h). The Nt* system services join this header as they are built.
 *
 * (1) Every status here has the value Windows gives it, so a user can look any
 *     code up in Microsoft's documentation.
 */
#ifndef NTMM_NT_H
#define NTMM_NT_H

#include <stdint.h>

typedef int32_t NTSTATUS;

#define NT_SUCCESS(Status) (((NTSTATUS)(Status)) >= 0)

#define STATUS_SUCCESS ((NTSTATUS)0x00000000L)
#define STATUS_GUARD_PAGE_VIOLATION ((NTSTATUS)0x80000001L)
#define STATUS_ACCESS_VIOLATION ((NTSTATUS)0xC0000005L)
#define STATUS_IN_PAGE_ERROR ((NTSTATUS)0xC0000006L)
#define STATUS_INVALID_PARAMETER ((NTSTATUS)0xC000000DL)
#define STATUS_NO_MEMORY ((NTSTATUS)0xC0000017L)
#define STATUS_INSUFFICIENT_RESOURCES ((NTSTATUS)0xC000009AL)
#define STATUS_NOT_SUPPORTED ((NTSTATUS)0xC00000BBL)
#define STATUS_OBJECT_NAME_NOT_FOUND ((NTSTATUS)0xC0000034L)
#define STATUS_BUFFER_TOO_SMALL ((NTSTATUS)0xC0000023L)
#define STATUS_INTERNAL_ERROR ((NTSTATUS)0xC00000E5L)

#endif
