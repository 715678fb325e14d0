/*
 * status.c — names of the NTSTATUS values ntmm returns, for messages.
 * (1) Every STATUS_* constant in nt.h has a name here.
 */
#include "ntmm/ntmm.h"

const char *ntmm_status_name(NTSTATUS status)
{
    static const struct {
        NTSTATUS status;
        const char *name;
    } names[] = {
        { STATUS_SUCCESS, "STATUS_SUCCESS" },
        { STATUS_GUARD_PAGE_VIOLATION, "STATUS_GUARD_PAGE_VIOLATION" },
        { STATUS_ACCESS_VIOLATION, "STATUS_ACCESS_VIOLATION" },
        { STATUS_IN_PAGE_ERROR, "STATUS_IN_PAGE_ERROR" },
        { STATUS_INVALID_PARAMETER, "STATUS_INVALID_PARAMETER" },
        { STATUS_NO_MEMORY, "STATUS_NO_MEMORY" },
        { STATUS_BUFFER_TOO_SMALL, "STATUS_BUFFER_TOO_SMALL" },
        { STATUS_OBJECT_NAME_NOT_FOUND, "STATUS_OBJECT_NAME_NOT_FOUND" },
        { STATUS_INSUFFICIENT_RESOURCES, "STATUS_INSUFFICIENT_RESOURCES" },
        { STATUS_NOT_SUPPORTED, "STATUS_NOT_SUPPORTED" },
        { STATUS_INTERNAL_ERROR, "STATUS_INTERNAL_ERROR" },
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (names[i].status == status)
            return names[i].name;
    return "unknown NTSTATUS";
}
