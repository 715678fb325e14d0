/*
 * error.c — NTSTATUS to Win32 error, as ntdll's RtlNtStatusToDosError
 * (RtlNtStatusToDosErrorNoTeb) translates: what kernelbase stores as the last
 * error when an Nt* service it called fails.
 *
 * (1) Every status in nt.h maps to the Win32 error Windows gives for it; the
 *     table below holds them all, sorted by the status as an unsigned value.
 * (2) Outside the table Windows' rules apply, in Windows' order: a status
 *     with the customer bit (0x20000000) set is returned unchanged; 0x8007xxxx
 *     (a Win32 error carried as an HRESULT) gives xxxx; 0xDxxxxxxx (an NTSTATUS
 *     carried as an HRESULT) is looked up as 0xCxxxxxxx; 0xC001xxxx (the
 *     redirector's OS/2 errors) gives xxxx; anything else gives
 *     ERROR_MR_MID_NOT_FOUND.
 * (3) Exception codes map to themselves (STATUS_GUARD_PAGE_VIOLATION gives
 *     0x80000001), as Windows' table has them.
 */
#include "ntmm/win32.h"

struct status_error {
    ULONG status;  /* the NTSTATUS, as an unsigned value */
    ULONG error;   /* the Win32 error Windows gives for it */
};

/* Windows: RtlpRunTable / RtlpStatusTable, for the statuses ntmm returns. */
static const struct status_error status_errors[] = {
    { (ULONG)STATUS_SUCCESS, ERROR_SUCCESS },
    { (ULONG)STATUS_PENDING, ERROR_IO_PENDING },
    { (ULONG)STATUS_OBJECT_NAME_EXISTS, ERROR_ALREADY_EXISTS },
    { (ULONG)STATUS_WAS_UNLOCKED, ERROR_WAS_UNLOCKED },
    { (ULONG)STATUS_WAS_LOCKED, ERROR_WAS_LOCKED },
    { (ULONG)STATUS_GUARD_PAGE_VIOLATION, (ULONG)STATUS_GUARD_PAGE_VIOLATION },
    { (ULONG)STATUS_DATATYPE_MISALIGNMENT, ERROR_NOACCESS },
    { (ULONG)STATUS_PARTIAL_COPY, ERROR_PARTIAL_COPY },
    { (ULONG)STATUS_UNSUCCESSFUL, ERROR_GEN_FAILURE },
    { (ULONG)STATUS_INVALID_INFO_CLASS, ERROR_INVALID_PARAMETER },
    { (ULONG)STATUS_INFO_LENGTH_MISMATCH, ERROR_BAD_LENGTH },
    { (ULONG)STATUS_ACCESS_VIOLATION, ERROR_NOACCESS },
    { (ULONG)STATUS_IN_PAGE_ERROR, ERROR_SWAPERROR },
    { (ULONG)STATUS_PAGEFILE_QUOTA, ERROR_PAGEFILE_QUOTA },
    { (ULONG)STATUS_INVALID_HANDLE, ERROR_INVALID_HANDLE },
    { (ULONG)STATUS_INVALID_CID, ERROR_INVALID_PARAMETER },
    { (ULONG)STATUS_INVALID_PARAMETER, ERROR_INVALID_PARAMETER },
    { (ULONG)STATUS_NO_MEMORY, ERROR_NOT_ENOUGH_MEMORY },
    { (ULONG)STATUS_CONFLICTING_ADDRESSES, ERROR_INVALID_ADDRESS },
    { (ULONG)STATUS_NOT_MAPPED_VIEW, ERROR_INVALID_ADDRESS },
    { (ULONG)STATUS_UNABLE_TO_FREE_VM, ERROR_INVALID_PARAMETER },
    { (ULONG)STATUS_UNABLE_TO_DELETE_SECTION, ERROR_INVALID_PARAMETER },
    { (ULONG)STATUS_INVALID_VIEW_SIZE, ERROR_ACCESS_DENIED },
    { (ULONG)STATUS_ALREADY_COMMITTED, ERROR_ACCESS_DENIED },
    { (ULONG)STATUS_ACCESS_DENIED, ERROR_ACCESS_DENIED },
    { (ULONG)STATUS_BUFFER_TOO_SMALL, ERROR_INSUFFICIENT_BUFFER },
    { (ULONG)STATUS_OBJECT_TYPE_MISMATCH, ERROR_INVALID_HANDLE },
    { (ULONG)STATUS_NOT_LOCKED, ERROR_NOT_LOCKED },
    { (ULONG)STATUS_UNABLE_TO_DECOMMIT_VM, ERROR_INVALID_ADDRESS },
    { (ULONG)STATUS_NOT_COMMITTED, ERROR_INVALID_ADDRESS },
    { (ULONG)STATUS_INVALID_PARAMETER_MIX, ERROR_INVALID_PARAMETER },
    { (ULONG)STATUS_OBJECT_NAME_INVALID, ERROR_INVALID_NAME },
    { (ULONG)STATUS_OBJECT_NAME_NOT_FOUND, ERROR_FILE_NOT_FOUND },
    { (ULONG)STATUS_OBJECT_NAME_COLLISION, ERROR_ALREADY_EXISTS },
    { (ULONG)STATUS_OBJECT_PATH_NOT_FOUND, ERROR_PATH_NOT_FOUND },
    { (ULONG)STATUS_SHARING_VIOLATION, ERROR_SHARING_VIOLATION },
    { (ULONG)STATUS_INVALID_PAGE_PROTECTION, ERROR_INVALID_PARAMETER },
    { (ULONG)STATUS_SECTION_PROTECTION, ERROR_INVALID_PARAMETER },
    { (ULONG)STATUS_PRIVILEGE_NOT_HELD, ERROR_PRIVILEGE_NOT_HELD },
    { (ULONG)STATUS_INSUFFICIENT_RESOURCES, ERROR_NO_SYSTEM_RESOURCES },
    { (ULONG)STATUS_FREE_VM_NOT_AT_BASE, ERROR_INVALID_ADDRESS },
    { (ULONG)STATUS_MEMORY_NOT_ALLOCATED, ERROR_INVALID_ADDRESS },
    { (ULONG)STATUS_WORKING_SET_QUOTA, ERROR_WORKING_SET_QUOTA },
    { (ULONG)STATUS_NOT_SUPPORTED, ERROR_NOT_SUPPORTED },
    { (ULONG)STATUS_INTERNAL_ERROR, ERROR_INTERNAL_ERROR },
    { (ULONG)STATUS_INVALID_USER_BUFFER, ERROR_INVALID_USER_BUFFER },
    { (ULONG)STATUS_INVALID_PARAMETER_1, ERROR_INVALID_PARAMETER },
    { (ULONG)STATUS_INVALID_PARAMETER_2, ERROR_INVALID_PARAMETER },
    { (ULONG)STATUS_INVALID_PARAMETER_3, ERROR_INVALID_PARAMETER },
    { (ULONG)STATUS_INVALID_PARAMETER_4, ERROR_INVALID_PARAMETER },
    { (ULONG)STATUS_INVALID_PARAMETER_5, ERROR_INVALID_PARAMETER },
    { (ULONG)STATUS_INVALID_PARAMETER_6, ERROR_INVALID_PARAMETER },
    { (ULONG)STATUS_INVALID_PARAMETER_7, ERROR_INVALID_PARAMETER },
    { (ULONG)STATUS_INVALID_PARAMETER_8, ERROR_INVALID_PARAMETER },
    { (ULONG)STATUS_INVALID_PARAMETER_9, ERROR_INVALID_PARAMETER },
    { (ULONG)STATUS_INVALID_PARAMETER_10, ERROR_INVALID_PARAMETER },
    { (ULONG)STATUS_INVALID_PARAMETER_11, ERROR_INVALID_PARAMETER },
    { (ULONG)STATUS_INVALID_PARAMETER_12, ERROR_INVALID_PARAMETER },
    { (ULONG)STATUS_STACK_OVERFLOW, ERROR_STACK_OVERFLOW },
    { (ULONG)STATUS_PROCESS_IS_TERMINATING, ERROR_ACCESS_DENIED },
    { (ULONG)STATUS_COMMITMENT_LIMIT, ERROR_COMMITMENT_LIMIT },
    /* A transport (network) status despite its name; Windows gives the
     * network error. */
    { (ULONG)STATUS_INVALID_ADDRESS, ERROR_UNEXP_NET_ERR },
};

#define STATUS_ERROR_COUNT (sizeof status_errors / sizeof status_errors[0])

/* Binary search of the sorted table; 0 and *found false when absent. */
static ULONG status_error_lookup(ULONG status, int *found)
{
    size_t low = 0, high = STATUS_ERROR_COUNT;
    while (low < high) {
        size_t mid = low + (high - low) / 2;
        if (status_errors[mid].status == status) {
            *found = 1;
            return status_errors[mid].error;
        }
        if (status_errors[mid].status < status)
            low = mid + 1;
        else
            high = mid;
    }
    *found = 0;
    return 0;
}

/* Windows: RtlNtStatusToDosError (the TEB's LastStatusValue is not kept). */
ULONG WINAPI RtlNtStatusToDosError(NTSTATUS Status)
{
    ULONG status = (ULONG)Status;
    int found;

    if (status & 0x20000000u)
        return status;
    if ((status & 0xFFFF0000u) == 0x80070000u)
        return status & 0x0000FFFFu;
    if ((status & 0xF0000000u) == 0xD0000000u)
        status &= 0xCFFFFFFFu;

    ULONG error = status_error_lookup(status, &found);
    if (found)
        return error;
    if ((status >> 16) == 0xC001u)
        return status & 0x0000FFFFu;
    return ERROR_MR_MID_NOT_FOUND;
}
