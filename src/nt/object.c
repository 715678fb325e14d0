/*
 * object.c — the object and process-handle system services (Windows: NtClose,
 * NtDuplicateObject, NtOpenProcess) over the object manager (ob/ob.h).
 *
 * (1) Handles are the current process's (its table), except the process
 *     handles NtDuplicateObject is given, which name the tables it copies
 *     between; process.h (4) says how a process handle resolves.
 * (2) A call that fails writes no handle back (*TargetHandle / *ProcessHandle
 *     are set to NULL when they can be written).
 */
#include "nt/nt_internal.h"

/* Windows: NtClose */
NTSTATUS NtClose(HANDLE Handle)
{
    struct ntmm_process *current = ntmm_current_process();
    if (!current)
        return STATUS_INVALID_HANDLE;
    if (ps_special_handle(current, Handle))
        return STATUS_SUCCESS;
    return ob_close_handle(current, Handle);
}

/* Windows: NtDuplicateObject */
NTSTATUS NtDuplicateObject(HANDLE SourceProcessHandle, HANDLE SourceHandle,
                           HANDLE TargetProcessHandle, PHANDLE TargetHandle,
                           ACCESS_MASK DesiredAccess, ULONG HandleAttributes, ULONG Options)
{
    struct ntmm_process *source, *target = NULL;
    if (TargetHandle)
        *TargetHandle = NULL;
    if (Options & ~(ULONG)(DUPLICATE_CLOSE_SOURCE | DUPLICATE_SAME_ACCESS))
        return STATUS_INVALID_PARAMETER;
    NTSTATUS st = ps_process_from_handle(SourceProcessHandle, PROCESS_DUP_HANDLE, &source);
    if (!NT_SUCCESS(st))
        return st;
    if (TargetProcessHandle || !(Options & DUPLICATE_CLOSE_SOURCE)) {
        st = ps_process_from_handle(TargetProcessHandle, PROCESS_DUP_HANDLE, &target);
        if (!NT_SUCCESS(st))
            return st;
        if (!TargetHandle)
            return STATUS_ACCESS_VIOLATION;
    }
    struct ntmm_process *named = ps_special_handle(source, SourceHandle);
    if (named) {
        /* A pseudo-handle or library handle: full access, nothing to close. */
        if (!target)
            return STATUS_SUCCESS;
        ACCESS_MASK access = (Options & DUPLICATE_SAME_ACCESS) ? PROCESS_ALL_ACCESS
                                                               : DesiredAccess;
        return ob_open_object_by_pointer(target, named, HandleAttributes, access, TargetHandle);
    }
    return ob_duplicate_object(source, SourceHandle, target, target ? TargetHandle : NULL,
                               DesiredAccess, HandleAttributes, Options);
}

/* Windows: NtOpenProcess */
NTSTATUS NtOpenProcess(PHANDLE ProcessHandle, ACCESS_MASK DesiredAccess,
                       POBJECT_ATTRIBUTES ObjectAttributes, PCLIENT_ID ClientId)
{
    struct ntmm_process *current = ntmm_current_process();
    if (!ProcessHandle)
        return STATUS_ACCESS_VIOLATION;
    *ProcessHandle = NULL;
    if (!current)
        return STATUS_INVALID_HANDLE;
    if (!ClientId || (ObjectAttributes && ObjectAttributes->ObjectName))
        return STATUS_INVALID_PARAMETER_MIX;
    uintptr_t pid = (uintptr_t)ClientId->UniqueProcess;
    struct ntmm_process *p = pid <= UINT32_MAX
                                 ? ps_lookup_process_by_id(current->machine, (uint32_t)pid)
                                 : NULL;
    if (!p)
        return STATUS_INVALID_CID;
    ULONG attributes = ObjectAttributes ? ObjectAttributes->Attributes : 0;
    return ob_open_object_by_pointer(current, p, attributes, DesiredAccess, ProcessHandle);
}
