/*
 * error.c — WinDbg's !error: an NTSTATUS or a Win32 error's message,
 * "Error code: (NTSTATUS) 0xc0000017 (3221225495) - {Not Enough Quota}  ..."
 * or "Error code: (Win32) 0x8 (8) - Not enough memory resources ...".
 *
 * (1) !error VALUE reads VALUE as a Win32 error below 0x10000, as an
 *     HRESULT carrying a Win32 error when it is 0x8007xxxx (the message is
 *     that error's), else as an NTSTATUS; !error VALUE 1 reads it as an
 *     NTSTATUS whatever it is. Only the low 32 bits of VALUE count.
 * (2) The numbers print as WinDbg's %#x and %u: 0 is "0", 8 is "0x8". An
 *     NTSTATUS without message text prints its name instead, as WinDbg's
 *     "(NTSTATUS) 0x0 - STATUS_SUCCESS"; a value ntmm knows nothing of
 *     prints "<Unable to get error code text>".
 * (3) The tables hold every status of nt.h and every error of win32.h (the
 *     ones ntmm returns). The messages say what Windows' message tables
 *     say, in ntmm's words (STATUS_NO_MEMORY's and ERROR_NOT_ENOUGH_MEMORY's
 *     are Windows' own, the examples WinDbg users know); where Windows'
 *     message has a {Title}, it is followed by two spaces, as WinDbg prints
 *     a title line joined to its text.
 */
#include <stdio.h>
#include <string.h>

#include "ntmm/win32.h"
#include "tools/tool_internal.h"

struct message {
    uint32_t code;
    const char *text;
};

static const struct message status_messages[] = {
    { (uint32_t)STATUS_PENDING, "The requested operation has started and has not completed yet." },
    { (uint32_t)STATUS_OBJECT_NAME_EXISTS,
      "An object of that name already existed; it was opened instead of created." },
    { (uint32_t)STATUS_WORKING_SET_LIMIT_RANGE,
      "A working-set limit was outside the allowed range and was brought into it." },
    { (uint32_t)STATUS_IMAGE_NOT_AT_BASE,
      "The image could not be mapped at its preferred base address and was relocated." },
    { (uint32_t)STATUS_WAS_UNLOCKED,
      "A page of the range was locked; changing its protection unlocked it." },
    { (uint32_t)STATUS_WAS_LOCKED, "A page of the range to lock was already locked." },
    { (uint32_t)STATUS_GUARD_PAGE_VIOLATION,
      "{EXCEPTION}  Guard page: the access touched a guard page, whose guard is now gone." },
    { (uint32_t)STATUS_DATATYPE_MISALIGNMENT,
      "{EXCEPTION}  Misalignment: a load or store used data not aligned as its type requires." },
    { (uint32_t)STATUS_PARTIAL_COPY, "Only part of the read or write request was completed." },
    { (uint32_t)STATUS_UNSUCCESSFUL, "{Operation Failed}  The requested operation failed." },
    { (uint32_t)STATUS_INVALID_INFO_CLASS,
      "The information class given is not valid for this request." },
    { (uint32_t)STATUS_INFO_LENGTH_MISMATCH,
      "The buffer length given does not match the length the information class needs." },
    { (uint32_t)STATUS_ACCESS_VIOLATION,
      "A memory access referenced an address the thread may not access in that way." },
    { (uint32_t)STATUS_IN_PAGE_ERROR,
      "A page could not be read in from its backing store: an in-page I/O error." },
    { (uint32_t)STATUS_PAGEFILE_QUOTA,
      "The process's pagefile quota is too small to complete the operation." },
    { (uint32_t)STATUS_INVALID_HANDLE, "The handle given is not a valid handle." },
    { (uint32_t)STATUS_INVALID_CID, "The client ID given names no process or thread." },
    { (uint32_t)STATUS_INVALID_PARAMETER,
      "A parameter passed to the service or function is not valid." },
    { (uint32_t)STATUS_NO_MEMORY,
      "{Not Enough Quota}  Not enough virtual memory or paging file quota is available to "
      "complete the specified operation." },
    { (uint32_t)STATUS_CONFLICTING_ADDRESSES,
      "{Conflicting Address Range}  The range overlaps one already reserved or mapped." },
    { (uint32_t)STATUS_NOT_MAPPED_VIEW, "The address given is not the base of a mapped view." },
    { (uint32_t)STATUS_UNABLE_TO_FREE_VM, "The virtual memory range given cannot be freed." },
    { (uint32_t)STATUS_UNABLE_TO_DELETE_SECTION, "The section given cannot be deleted." },
    { (uint32_t)STATUS_INVALID_VIEW_SIZE, "The view size given is not valid for the section." },
    { (uint32_t)STATUS_INVALID_FILE_FOR_SECTION,
      "{Bad File}  The file cannot back a section of this kind." },
    { (uint32_t)STATUS_ALREADY_COMMITTED,
      "{Already Committed}  The range is already committed and cannot be reserved again." },
    { (uint32_t)STATUS_ACCESS_DENIED,
      "{Access Denied}  The caller lacks the access rights the operation requires." },
    { (uint32_t)STATUS_BUFFER_TOO_SMALL,
      "{Buffer Too Small}  The buffer cannot hold the data to be returned." },
    { (uint32_t)STATUS_OBJECT_TYPE_MISMATCH,
      "The handle names an object of another type than the operation needs." },
    { (uint32_t)STATUS_NOT_LOCKED, "The range to unlock holds pages that are not locked." },
    { (uint32_t)STATUS_UNABLE_TO_DECOMMIT_VM,
      "The virtual memory range given cannot be decommitted." },
    { (uint32_t)STATUS_NOT_COMMITTED, "The range given, or part of it, is not committed." },
    { (uint32_t)STATUS_INVALID_PARAMETER_MIX, "The parameters given cannot be used together." },
    { (uint32_t)STATUS_OBJECT_NAME_INVALID, "The object name is not valid." },
    { (uint32_t)STATUS_OBJECT_NAME_NOT_FOUND, "No object of that name exists." },
    { (uint32_t)STATUS_OBJECT_NAME_COLLISION, "An object of that name already exists." },
    { (uint32_t)STATUS_OBJECT_PATH_NOT_FOUND, "A directory of the object's path does not exist." },
    { (uint32_t)STATUS_SECTION_TOO_BIG,
      "{Section Too Large}  The section is larger than its file or the system allows." },
    { (uint32_t)STATUS_SHARING_VIOLATION,
      "The file is open with a sharing mode that does not allow this access." },
    { (uint32_t)STATUS_INVALID_PAGE_PROTECTION, "The page protection given is not valid." },
    { (uint32_t)STATUS_SECTION_NOT_IMAGE, "The section is not an image section." },
    { (uint32_t)STATUS_BAD_WORKING_SET_LIMIT, "The working-set limits given are not valid." },
    { (uint32_t)STATUS_SECTION_PROTECTION,
      "The protection asked for does not fit the section's own protection." },
    { (uint32_t)STATUS_PRIVILEGE_NOT_HELD,
      "The caller does not hold a privilege the operation requires." },
    { (uint32_t)STATUS_INVALID_IMAGE_FORMAT,
      "{Bad Image}  The file is not a valid executable image for this machine." },
    { (uint32_t)STATUS_DISK_FULL, "{Disk Full}  The disk has no room left for the data." },
    { (uint32_t)STATUS_NOT_MAPPED_DATA, "The address given is not in a mapped data view." },
    { (uint32_t)STATUS_TOO_MANY_PAGING_FILES, "No more paging files can be created." },
    { (uint32_t)STATUS_INSUFFICIENT_RESOURCES,
      "The system lacks the resources to complete the operation." },
    { (uint32_t)STATUS_FREE_VM_NOT_AT_BASE,
      "The address given is not the base of the allocation to free." },
    { (uint32_t)STATUS_MEMORY_NOT_ALLOCATED, "The memory to free was not allocated." },
    { (uint32_t)STATUS_WORKING_SET_QUOTA,
      "The working set is too small to lock the pages asked for." },
    { (uint32_t)STATUS_NOT_SUPPORTED, "The request is not supported." },
    { (uint32_t)STATUS_INTERNAL_ERROR, "An internal error occurred." },
    { (uint32_t)STATUS_INVALID_USER_BUFFER, "The user buffer given is not valid for the request." },
    { (uint32_t)STATUS_INVALID_PARAMETER_1,
      "The first parameter passed to the service or function is not valid." },
    { (uint32_t)STATUS_INVALID_PARAMETER_2,
      "The second parameter passed to the service or function is not valid." },
    { (uint32_t)STATUS_INVALID_PARAMETER_3,
      "The third parameter passed to the service or function is not valid." },
    { (uint32_t)STATUS_INVALID_PARAMETER_4,
      "The fourth parameter passed to the service or function is not valid." },
    { (uint32_t)STATUS_INVALID_PARAMETER_5,
      "The fifth parameter passed to the service or function is not valid." },
    { (uint32_t)STATUS_INVALID_PARAMETER_6,
      "The sixth parameter passed to the service or function is not valid." },
    { (uint32_t)STATUS_INVALID_PARAMETER_7,
      "The seventh parameter passed to the service or function is not valid." },
    { (uint32_t)STATUS_INVALID_PARAMETER_8,
      "The eighth parameter passed to the service or function is not valid." },
    { (uint32_t)STATUS_INVALID_PARAMETER_9,
      "The ninth parameter passed to the service or function is not valid." },
    { (uint32_t)STATUS_INVALID_PARAMETER_10,
      "The tenth parameter passed to the service or function is not valid." },
    { (uint32_t)STATUS_INVALID_PARAMETER_11,
      "The eleventh parameter passed to the service or function is not valid." },
    { (uint32_t)STATUS_INVALID_PARAMETER_12,
      "The twelfth parameter passed to the service or function is not valid." },
    { (uint32_t)STATUS_STACK_OVERFLOW,
      "The thread's stack could not grow: no new guard page could be made." },
    { (uint32_t)STATUS_PROCESS_IS_TERMINATING,
      "The process is terminating; the operation cannot be done on it." },
    { (uint32_t)STATUS_MAPPED_FILE_SIZE_ZERO, "A file of size zero cannot be mapped." },
    { (uint32_t)STATUS_CANNOT_DELETE, "The object cannot be deleted." },
    { (uint32_t)STATUS_COMMITMENT_LIMIT,
      "{Out of Virtual Memory}  The commit limit is reached: the paging files are too small "
      "to commit more memory." },
    { (uint32_t)STATUS_INVALID_IMAGE_NOT_MZ,
      "The file is not an executable image: it does not start with an MZ header." },
    { (uint32_t)STATUS_DLL_NOT_FOUND, "A DLL the image needs could not be found." },
    { (uint32_t)STATUS_INVALID_ADDRESS, "The address given is not valid." },
    { (uint32_t)STATUS_MAPPED_ALIGNMENT,
      "The view's base address or file offset is not aligned as the section requires." },
    { (uint32_t)STATUS_USER_MAPPED_FILE,
      "The operation cannot be done on a file with a user-mapped section open." },
    { (uint32_t)STATUS_SHUTDOWN_IN_PROGRESS, "The system is shutting down." },
};

static const struct message error_messages[] = {
    { ERROR_SUCCESS, "The operation completed successfully." },
    { ERROR_INVALID_FUNCTION, "The function is not valid for this object." },
    { ERROR_FILE_NOT_FOUND, "The system cannot find the file." },
    { ERROR_PATH_NOT_FOUND, "The system cannot find the path." },
    { ERROR_ACCESS_DENIED, "Access is denied." },
    { ERROR_INVALID_HANDLE, "The handle is not valid." },
    { ERROR_NOT_ENOUGH_MEMORY, "Not enough memory resources are available to process this command." },
    { ERROR_OUTOFMEMORY, "Not enough storage is available to complete the operation." },
    { ERROR_BAD_LENGTH, "The program gave a request of the wrong length." },
    { ERROR_GEN_FAILURE, "A device attached to the system does not work." },
    { ERROR_SHARING_VIOLATION, "Another process has the file open; it cannot be accessed." },
    { ERROR_NOT_SUPPORTED, "The request is not supported." },
    { ERROR_UNEXP_NET_ERR, "An unexpected network error occurred." },
    { ERROR_FILE_EXISTS, "The file exists." },
    { ERROR_INVALID_PARAMETER, "The parameter is not valid." },
    { ERROR_DISK_FULL, "The disk has no space left." },
    { ERROR_INSUFFICIENT_BUFFER, "The data area passed to a system call is too small." },
    { ERROR_INVALID_NAME, "The file name, directory name or volume label is not valid." },
    { ERROR_MOD_NOT_FOUND, "The module cannot be found." },
    { ERROR_NEGATIVE_SEEK, "The file pointer cannot be moved before the start of the file." },
    { ERROR_NOT_LOCKED, "The segment is already unlocked." },
    { ERROR_ALREADY_EXISTS, "A file that already exists cannot be created." },
    { ERROR_BAD_EXE_FORMAT, "The file is not a valid Win32 application." },
    { ERROR_PARTIAL_COPY, "Only part of the read or write request was completed." },
    { ERROR_MR_MID_NOT_FOUND, "No message text exists for this message number." },
    { ERROR_INVALID_ADDRESS, "The address is not valid for this access." },
    { ERROR_IMAGE_NOT_AT_BASE,
      "The image could not be loaded at its preferred base address and was relocated." },
    { ERROR_WAS_UNLOCKED, "A page of the range was unlocked." },
    { ERROR_WAS_LOCKED, "A page of the range was already locked." },
    { ERROR_IO_PENDING, "An overlapped I/O operation is in progress." },
    { ERROR_NOACCESS, "The memory location cannot be accessed in that way." },
    { ERROR_SWAPERROR, "An in-page operation failed." },
    { ERROR_STACK_OVERFLOW, "The stack overflowed: the recursion went too deep." },
    { ERROR_INVALID_FLAGS, "The flags are not valid." },
    { ERROR_FILE_INVALID, "The file's volume was changed outside; the open file is not valid." },
    { ERROR_SHUTDOWN_IN_PROGRESS, "The system is shutting down." },
    { ERROR_MAPPED_ALIGNMENT, "The base address or file offset is not aligned properly." },
    { ERROR_USER_MAPPED_FILE,
      "The operation cannot be done on a file with a user-mapped section open." },
    { ERROR_PRIVILEGE_NOT_HELD, "The client does not hold a privilege it needs." },
    { ERROR_INTERNAL_ERROR, "An internal error occurred." },
    { ERROR_NO_SYSTEM_RESOURCES,
      "The system lacks the resources to complete the requested service." },
    { ERROR_NONPAGED_SYSTEM_RESOURCES,
      "The system lacks the nonpaged pool to complete the requested service." },
    { ERROR_PAGED_SYSTEM_RESOURCES,
      "The system lacks the paged pool to complete the requested service." },
    { ERROR_WORKING_SET_QUOTA,
      "The working-set quota is too small to complete the requested service." },
    { ERROR_PAGEFILE_QUOTA, "The pagefile quota is too small to complete the requested service." },
    { ERROR_COMMITMENT_LIMIT, "The paging file is too small to complete this operation." },
    { ERROR_INVALID_USER_BUFFER, "The user buffer is not valid for the requested operation." },
};

#define COUNT(a) (sizeof (a) / sizeof (a)[0])

static const char *message_of(const struct message *table, size_t count, uint32_t code)
{
    for (size_t i = 0; i < count; i++)
        if (table[i].code == code)
            return table[i].text;
    return NULL;
}

NTSTATUS tool_error(struct tool_context *context, const char *name, const char *args,
                    struct tool_output *out)
{
    char buffer[512], *words[3];
    size_t n = tool_split(args, buffer, words, 2);
    if (n < 1 || n > 2)
        return tool_fail(out, STATUS_INVALID_PARAMETER, "%s: usage: !error Value [Flags]", name);
    uint64_t value, flags = 0;
    if (!tool_eval(context, name, words[0], &value, out) ||
        (n == 2 && !tool_eval(context, name, words[1], &flags, out)))
        return STATUS_INVALID_PARAMETER;
    if (flags > 1)
        return tool_fail(out, STATUS_INVALID_PARAMETER,
                         "%s: Flags is 1 (read Value as an NTSTATUS) or 0", name);
    uint32_t code = (uint32_t)value;
    const char *kind = "NTSTATUS", *text;
    if (flags == 0 && code < 0x10000) {
        kind = "Win32";
        text = message_of(error_messages, COUNT(error_messages), code);
    } else if (flags == 0 && (code & 0xffff0000u) == 0x80070000u) {
        kind = "HRESULT";
        text = message_of(error_messages, COUNT(error_messages), code & 0xffffu);
    } else {
        text = message_of(status_messages, COUNT(status_messages), code);
        const char *status_name = ntmm_status_name((NTSTATUS)code);
        if (!text && strcmp(status_name, "unknown NTSTATUS")) {
            tool_printf(out, "Error code: (NTSTATUS) %#x - %s\n", (unsigned)code, status_name);
            return STATUS_SUCCESS;
        }
    }
    tool_printf(out, "Error code: (%s) %#x (%u) - %s\n", kind, (unsigned)code, (unsigned)code,
                text ? text : "<Unable to get error code text>");
    return STATUS_SUCCESS;
}
