/*
 * section.c — the section system services (Windows: NtCreateSection,
 * NtOpenSection, NtMapViewOfSection, NtUnmapViewOfSection, NtQuerySection,
 * NtFlushVirtualMemory): argument checks and the access each needs, in
 * Windows' order, before the memory manager (mm/section.h) does the work.
 *
 * (1) A call that fails creates nothing, maps nothing and writes no handle,
 *     address or size back (a handle out-parameter is set to NULL).
 * (2) Object names are UTF-16 UNICODE_STRINGs ("\BaseNamedObjects\X").
 * (3) A section handle needs SECTION_MAP_READ for a read-only or
 *     copy-on-write view, SECTION_MAP_WRITE for a writable one, and
 *     SECTION_MAP_EXECUTE as well for an executable one (STATUS_ACCESS_DENIED);
 *     then the view's protection must be one the section's allows
 *     (STATUS_SECTION_PROTECTION): writing needs a writable section,
 *     executing an executable one; copy-on-write needs neither.
 */
#include <stdlib.h>

#include "io/io.h"
#include "mm/section.h"
#include "nt/nt_internal.h"
#include "rtl/rtl.h"

#define SEC_KNOWN (SEC_FILE | SEC_IMAGE | SEC_RESERVE | SEC_COMMIT | SEC_NOCACHE)


/* (2): the name of ObjectAttributes as UTF-8 (NULL: unnamed). */
static NTSTATUS object_name(POBJECT_ATTRIBUTES attributes, char **name)
{
    *name = NULL;
    if (!attributes || !attributes->ObjectName)
        return STATUS_SUCCESS;
    const UNICODE_STRING *u = attributes->ObjectName;
    if ((u->Length & 1) || u->Length > u->MaximumLength || (u->Length && !u->Buffer))
        return STATUS_INVALID_PARAMETER;
    bool bad;
    *name = rtl_utf16_to_utf8(u->Buffer, u->Length / 2, &bad);
    if (!*name)
        return bad ? STATUS_OBJECT_NAME_INVALID : STATUS_NO_MEMORY;
    return STATUS_SUCCESS;
}

/* The File object behind FileHandle with the access protection needs. */
static NTSTATUS section_file(struct ntmm_process *current, HANDLE FileHandle,
                             unsigned protection, struct io_file **file)
{
    ACCESS_MASK access = FILE_READ_DATA | (mi_protection_writes(protection) ? FILE_WRITE_DATA : 0) |
                         (mi_protection_executes(protection) ? FILE_EXECUTE : 0);
    return ob_reference_object_by_handle(current, FileHandle, access, &io_file_type,
                                         (void **)file, NULL);
}

/* Windows: NtCreateSection */
NTSTATUS NtCreateSection(PHANDLE SectionHandle, ACCESS_MASK DesiredAccess,
                         POBJECT_ATTRIBUTES ObjectAttributes, PLARGE_INTEGER MaximumSize,
                         ULONG SectionPageProtection, ULONG AllocationAttributes,
                         HANDLE FileHandle)
{
    struct ntmm_process *current = ntmm_current_process();
    if (!SectionHandle)
        return STATUS_ACCESS_VIOLATION;
    *SectionHandle = NULL;
    if (!current)
        return STATUS_INVALID_HANDLE;
    ULONG kind = AllocationAttributes & (SEC_IMAGE | SEC_RESERVE | SEC_COMMIT);
    if ((AllocationAttributes & ~(ULONG)SEC_KNOWN) || !kind ||
        (kind != SEC_IMAGE && kind != SEC_RESERVE && kind != SEC_COMMIT))
        return STATUS_INVALID_PARAMETER_6;
    unsigned protection;
    if (!mi_make_protection_mask(SectionPageProtection, &protection) ||
        (SectionPageProtection & ~0xffu) || !(protection & 7))
        return STATUS_INVALID_PAGE_PROTECTION;
    int64_t size = MaximumSize ? MaximumSize->QuadPart : 0;
    if (size < 0)
        return STATUS_SECTION_TOO_BIG;
    if (!FileHandle && kind == SEC_IMAGE)
        return STATUS_INVALID_FILE_FOR_SECTION;
    if (!FileHandle && !size)
        return STATUS_INVALID_PARAMETER_4;
    struct io_file *file = NULL;
    NTSTATUS st = FileHandle ? section_file(current, FileHandle, protection, &file)
                             : STATUS_SUCCESS;
    if (!NT_SUCCESS(st))
        return st;
    char *name = NULL;
    struct mm_section *section = NULL;
    st = object_name(ObjectAttributes, &name);
    if (NT_SUCCESS(st))
        st = ob_create_object(current->machine, &mm_section_type, sizeof *section,
                              (void **)&section);
    if (NT_SUCCESS(st)) {
        struct mm *mm = &current->machine->mm;
        st = kind == SEC_IMAGE ? mm_create_image_section(mm, file, section)
                               : mm_create_data_section(mm, file, (uint64_t)size, protection,
                                                        kind == SEC_RESERVE && !file, section);
        if (kind != SEC_IMAGE)
            section->attributes = file ? SEC_FILE : kind | (AllocationAttributes & SEC_NOCACHE);
        if (!NT_SUCCESS(st))
            ob_dereference_object(section);
    }
    if (NT_SUCCESS(st)) {
        ULONG attributes = ObjectAttributes ? ObjectAttributes->Attributes : 0;
        st = ob_insert_object(current, section, name, attributes, DesiredAccess, SectionHandle);
    }
    free(name);
    if (file)
        ob_dereference_object(file);
    return st;
}

/* Windows: NtOpenSection */
NTSTATUS NtOpenSection(PHANDLE SectionHandle, ACCESS_MASK DesiredAccess,
                       POBJECT_ATTRIBUTES ObjectAttributes)
{
    struct ntmm_process *current = ntmm_current_process();
    if (!SectionHandle)
        return STATUS_ACCESS_VIOLATION;
    *SectionHandle = NULL;
    if (!current)
        return STATUS_INVALID_HANDLE;
    char *name;
    NTSTATUS st = object_name(ObjectAttributes, &name);
    if (!NT_SUCCESS(st))
        return st;
    if (!name)
        return STATUS_OBJECT_NAME_INVALID;
    st = ob_open_object_by_name(current, &mm_section_type, name, ObjectAttributes->Attributes,
                                DesiredAccess, SectionHandle);
    free(name);
    return st;
}

/* (3) */
static ACCESS_MASK view_access(unsigned protection)
{
    if ((protection & 7) == MM_ZERO_ACCESS)
        return SECTION_MAP_READ;
    return (mi_protection_writes(protection) ? SECTION_MAP_WRITE : SECTION_MAP_READ) |
           (mi_protection_executes(protection) ? SECTION_MAP_EXECUTE : 0);
}

/* A SEC_RESERVE section's view commits its first CommitSize bytes (whole
 * pages, at most the view) as it is mapped; a failure unmaps it again. */
static NTSTATUS commit_at_map(struct ntmm_process *p, uint64_t base, uint64_t size,
                              SIZE_T CommitSize, unsigned protection)
{
    uint64_t bytes = ((uint64_t)CommitSize + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
    NTSTATUS st = mm_commit(&p->machine->mm, &p->as, base, bytes < size ? bytes : size,
                            protection);
    if (!NT_SUCCESS(st))
        (void)mm_unmap_view(&p->machine->mm, &p->as, base);
    return st;
}

/* Windows: NtMapViewOfSection */
NTSTATUS NtMapViewOfSection(HANDLE SectionHandle, HANDLE ProcessHandle, PVOID *BaseAddress,
                            ULONG_PTR ZeroBits, SIZE_T CommitSize, PLARGE_INTEGER SectionOffset,
                            PSIZE_T ViewSize, SECTION_INHERIT InheritDisposition,
                            ULONG AllocationType, ULONG Win32Protect)
{
    struct ntmm_process *current = ntmm_current_process(), *p;
    NTSTATUS st = ps_process_from_handle(ProcessHandle, PROCESS_VM_OPERATION, &p);
    if (!NT_SUCCESS(st))
        return st;
    if (!BaseAddress || !ViewSize)
        return STATUS_ACCESS_VIOLATION;
    uint64_t highest;
    if (!nt_zero_bits_limit(p, ZeroBits, &highest))
        return STATUS_INVALID_PARAMETER_4;
    if (InheritDisposition != ViewShare && InheritDisposition != ViewUnmap)
        return STATUS_INVALID_PARAMETER_8;
    if ((AllocationType & ~(ULONG)(MEM_TOP_DOWN | MEM_RESERVE)) ||
        ((AllocationType & MEM_RESERVE) && CommitSize))
        return STATUS_INVALID_PARAMETER_9;
    unsigned protection;
    if (!mi_make_protection_mask(Win32Protect, &protection) || (Win32Protect & ~0xffu))
        return STATUS_INVALID_PAGE_PROTECTION;
    uint64_t base = (uint64_t)(uintptr_t)*BaseAddress, size = *ViewSize;
    uint64_t offset = SectionOffset ? (uint64_t)SectionOffset->QuadPart : 0;
    if (base % NTMM_ALLOCATION_GRANULARITY || offset % NTMM_ALLOCATION_GRANULARITY)
        return STATUS_MAPPED_ALIGNMENT;
    if (base > p->as.highest_user_address || (base && base < MM_LOWEST_USER_ADDRESS))
        return STATUS_INVALID_PARAMETER_3;
    struct mm_section *section;
    st = ob_reference_object_by_handle(current, SectionHandle, view_access(protection),
                                       &mm_section_type, (void **)&section, NULL);
    if (!NT_SUCCESS(st))
        return st;
    /* an image's pages take their sections' protections, whatever is asked */
    if (!section->control_area->image && !mi_protection_compatible(protection, section->protection))
        st = STATUS_SECTION_PROTECTION;
    if (NT_SUCCESS(st))
        st = mm_map_view(&p->machine->mm, &p->as, section, &base, &size, offset, highest,
                         AllocationType & MEM_TOP_DOWN, protection, Win32Protect);
    if (NT_SUCCESS(st) && CommitSize && (section->attributes & SEC_RESERVE))
        st = commit_at_map(p, base, size, CommitSize, protection);
    ob_dereference_object(section);
    if (!NT_SUCCESS(st))
        return st;
    *BaseAddress = (PVOID)(uintptr_t)base;
    *ViewSize = (SIZE_T)size;
    return st;
}

/* Windows: NtUnmapViewOfSection */
NTSTATUS NtUnmapViewOfSection(HANDLE ProcessHandle, PVOID BaseAddress)
{
    struct ntmm_process *p;
    NTSTATUS st = ps_process_from_handle(ProcessHandle, PROCESS_VM_OPERATION, &p);
    if (!NT_SUCCESS(st))
        return st;
    return mm_unmap_view(&p->machine->mm, &p->as, (uint64_t)(uintptr_t)BaseAddress);
}

/* SectionImageInformation: what the image's headers say, the entry point
 * at the control area's base. STATUS_SECTION_NOT_IMAGE for data. */
static NTSTATUS image_information(const struct mm_section *section,
                                  SECTION_IMAGE_INFORMATION *info)
{
    const struct mm_control_area *ca = section->control_area;
    if (!ca->image)
        return STATUS_SECTION_NOT_IMAGE;
    const struct pe_image *pe = &ca->image_info->pe;
    *info = (SECTION_IMAGE_INFORMATION){
        .TransferAddress = pe->entry_point
                               ? (PVOID)(uintptr_t)(ca->image_info->base + pe->entry_point)
                               : NULL,
        .MaximumStackSize = (SIZE_T)pe->stack_reserve,
        .CommittedStackSize = (SIZE_T)pe->stack_commit,
        .SubSystemType = pe->subsystem,
        .ImageCharacteristics = pe->characteristics,
        .DllCharacteristics = pe->dll_characteristics,
        .Machine = pe->machine,
        .ImageContainsCode = TRUE,
        .ImageFileSize = (ULONG)ca->image_info->file_size,
    };
    return STATUS_SUCCESS;
}

/* Windows: NtQuerySection */
NTSTATUS NtQuerySection(HANDLE SectionHandle, SECTION_INFORMATION_CLASS SectionInformationClass,
                        PVOID SectionInformation, SIZE_T SectionInformationLength,
                        PSIZE_T ReturnLength)
{
    struct ntmm_process *current = ntmm_current_process();
    bool image = SectionInformationClass == SectionImageInformation;
    if (!image && SectionInformationClass != SectionBasicInformation)
        return STATUS_INVALID_INFO_CLASS;
    if (SectionInformationLength < (image ? sizeof(SECTION_IMAGE_INFORMATION)
                                          : sizeof(SECTION_BASIC_INFORMATION)))
        return STATUS_INFO_LENGTH_MISMATCH;
    if (!SectionInformation)
        return STATUS_ACCESS_VIOLATION;
    struct mm_section *section;
    NTSTATUS st = ob_reference_object_by_handle(current, SectionHandle, SECTION_QUERY,
                                                &mm_section_type, (void **)&section, NULL);
    if (!NT_SUCCESS(st))
        return st;
    if (image) {
        st = image_information(section, SectionInformation);
        if (NT_SUCCESS(st) && ReturnLength)
            *ReturnLength = sizeof(SECTION_IMAGE_INFORMATION);
        ob_dereference_object(section);
        return st;
    }
    SECTION_BASIC_INFORMATION *info = SectionInformation;
    /* a pagefile-backed section's size is whole pages, a file's exact */
    uint64_t size = section->attributes & SEC_FILE
                        ? section->size
                        : (section->size + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
    *info = (SECTION_BASIC_INFORMATION){ .BaseAddress = NULL,
                                         .AllocationAttributes = section->attributes };
    info->MaximumSize.QuadPart = (int64_t)size;
    if (ReturnLength)
        *ReturnLength = sizeof *info;
    ob_dereference_object(section);
    return STATUS_SUCCESS;
}

/* Windows: NtFlushVirtualMemory */
NTSTATUS NtFlushVirtualMemory(HANDLE ProcessHandle, PVOID *BaseAddress, PSIZE_T RegionSize,
                              PIO_STATUS_BLOCK IoStatus)
{
    struct ntmm_process *p;
    NTSTATUS st = ps_process_from_handle(ProcessHandle, PROCESS_VM_OPERATION, &p);
    if (!NT_SUCCESS(st))
        return st;
    if (!BaseAddress || !RegionSize || !IoStatus)
        return STATUS_ACCESS_VIOLATION;
    uint64_t base = (uint64_t)(uintptr_t)*BaseAddress, size = *RegionSize;
    st = mm_flush_view(&p->machine->mm, &p->as, &base, &size);
    /* private memory is no view of data; free memory no view at all */
    if (st == STATUS_NOT_MAPPED_VIEW && base <= p->as.highest_user_address &&
        vad_find(&p->as.vads, base >> PAGE_SHIFT))
        st = STATUS_NOT_MAPPED_DATA;
    IoStatus->Status = st;
    IoStatus->Information = 0;
    if (NT_SUCCESS(st)) {
        *BaseAddress = (PVOID)(uintptr_t)base;
        *RegionSize = (SIZE_T)size;
    }
    return st;
}
