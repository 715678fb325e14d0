/*
 * ob.h — the object manager (Windows: Ob*): object headers, object types,
 * the machine's \BaseNamedObjects directory and per-process handle tables.
 * For the library's own files; later object types (sections, files) plug in
 * by defining a struct ob_type with a delete procedure.
 *
 * An object is an ob_header followed by its body; every function takes and
 * returns the body (what ObCreateObject returns in Windows).
 *
 * (1) PointerCount counts every reference: the creator's, each one taken with
 *     ob_reference_object / ob_reference_object_by_handle, and one per handle
 *     (as Windows counts them). HandleCount counts the handles in every
 *     process's table. PointerCount >= HandleCount >= 0.
 * (2) When PointerCount reaches 0 the type's delete procedure runs and the
 *     header and body are freed; nothing may use the body afterwards.
 * (3) A named object is in its machine's \BaseNamedObjects directory while
 *     its HandleCount is above 0 (a temporary object, ObpDeleteNameCheck): the
 *     name goes with the last handle, the body with the last reference.
 *     Names are unique in the directory, compared case-sensitively unless
 *     OBJ_CASE_INSENSITIVE is given (Win32's named objects are
 *     case-sensitive).
 * (4) Handle values are 4, 8, 12 … (index + 1) * 4; the two low bits are
 *     ignored on lookup, as Windows ignores them. A new handle takes the
 *     lowest free slot. Each entry holds the object and the granted access;
 *     a lookup asking for access not granted fails with
 *     STATUS_ACCESS_DENIED, one for another type with
 *     STATUS_OBJECT_TYPE_MISMATCH, one for a free or out-of-range slot with
 *     STATUS_INVALID_HANDLE.
 * (5) Every host allocation goes through mm_host_alloc / mm_host_realloc,
 *     so the fault injector reaches them; a failed call changes nothing.
 */
#ifndef NTMM_OB_H
#define NTMM_OB_H

#include <stdbool.h>
#include <stddef.h>

#include "ntmm/nt.h"

struct ntmm_machine;
struct ntmm_process;

/* OBJ_* attributes: nt.h (winternl.h). */

/* The directory every name lives in. */
#define OB_BASE_NAMED_OBJECTS "\\BaseNamedObjects"

/* Windows: OBJECT_TYPE with its TypeInfo. */
struct ob_type {
    const char *name;         /* "Process", "Section", "File" … */
    ACCESS_MASK valid_access; /* the type's ..._ALL_ACCESS */
    /* Runs when PointerCount reaches 0, before the memory is freed; may be
     * NULL. The body's own resources are its business. */
    void (*delete_procedure)(void *body);
};

/* Windows: OBJECT_HEADER (bookkeeping only; the body follows). */
struct ob_header {
    const struct ob_type *type;
    struct ntmm_machine *machine;
    long pointer_count;       /* PointerCount, (1) */
    long handle_count;        /* HandleCount */
    char *name;               /* the name within \BaseNamedObjects, or NULL */
    bool in_directory;        /* (3): listed in the machine's directory */
    struct ob_header *next;   /* the directory's chain */
    max_align_t body[];       /* the object body */
};

/* Windows: HANDLE_TABLE_ENTRY. */
struct ob_handle_entry {
    struct ob_header *object; /* NULL: a free slot */
    ACCESS_MASK granted;      /* GrantedAccess */
    bool inherit;             /* OBJ_INHERIT (kept; no child processes yet) */
};

/* Windows: HANDLE_TABLE (EPROCESS.ObjectTable). */
struct ob_handle_table {
    struct ob_handle_entry *entries;
    size_t capacity;          /* slots allocated */
    size_t count;             /* slots in use */
};

/* The machine's object namespace (ObpRootDirectoryObject, reduced to the
 * one directory ntmm has). */
struct ob_namespace {
    struct ob_header *objects; /* named objects, newest first */
};

/* Windows: ObCreateObject. A body of body_size zeroed bytes with
 * PointerCount 1 (the caller's reference) and no name. STATUS_NO_MEMORY. */
NTSTATUS ob_create_object(struct ntmm_machine *machine, const struct ob_type *type,
                          size_t body_size, void **body);

/* Windows: ObInsertObject. Names the object (name: NULL, or
 * "\BaseNamedObjects\X") and opens a handle to it in process's table with
 * desired_access (must be within the type's valid access). The creator's
 * reference is consumed in every case. When the name exists:
 * OBJ_OPENIF and the same type open the existing object instead and return
 * STATUS_OBJECT_NAME_EXISTS (the new object is deleted); otherwise
 * STATUS_OBJECT_NAME_COLLISION (or STATUS_OBJECT_TYPE_MISMATCH with
 * OBJ_OPENIF) and no handle. STATUS_OBJECT_NAME_INVALID for a name outside
 * the directory or with an empty last component. */
NTSTATUS ob_insert_object(struct ntmm_process *process, void *body, const char *name,
                          ULONG attributes, ACCESS_MASK desired_access, HANDLE *handle);

/* Windows: ObOpenObjectByName. STATUS_OBJECT_NAME_NOT_FOUND,
 * STATUS_OBJECT_TYPE_MISMATCH (type NULL: any type). */
NTSTATUS ob_open_object_by_name(struct ntmm_process *process, const struct ob_type *type,
                                const char *name, ULONG attributes,
                                ACCESS_MASK desired_access, HANDLE *handle);

/* Windows: ObOpenObjectByPointer. A new handle to body in process's table. */
NTSTATUS ob_open_object_by_pointer(struct ntmm_process *process, void *body, ULONG attributes,
                                   ACCESS_MASK desired_access, HANDLE *handle);

/* Windows: ObReferenceObjectByHandle, for a handle in process's table (the
 * pseudo-handles are the callers' business). Adds a reference on success;
 * granted (may be NULL) receives the handle's access. type NULL: any. */
NTSTATUS ob_reference_object_by_handle(struct ntmm_process *process, HANDLE handle,
                                       ACCESS_MASK desired_access, const struct ob_type *type,
                                       void **body, ACCESS_MASK *granted);

void ob_reference_object(void *body);   /* ObReferenceObject */
void ob_dereference_object(void *body); /* ObDereferenceObject: (2) */

/* Windows: ObCloseHandle / NtClose for process's table. STATUS_INVALID_HANDLE. */
NTSTATUS ob_close_handle(struct ntmm_process *process, HANDLE handle);

/* Windows: ObDuplicateObject. options: DUPLICATE_SAME_ACCESS,
 * DUPLICATE_CLOSE_SOURCE. A NULL target (and target_handle) only closes the
 * source with DUPLICATE_CLOSE_SOURCE. Asking for access beyond what the
 * type allows gives STATUS_ACCESS_DENIED. With DUPLICATE_CLOSE_SOURCE the
 * source is closed even when the duplication fails, as Windows does. */
NTSTATUS ob_duplicate_object(struct ntmm_process *source_process, HANDLE source_handle,
                             struct ntmm_process *target_process, HANDLE *target_handle,
                             ACCESS_MASK desired_access, ULONG attributes, ULONG options);

/* Closes every handle of a table and frees it (process termination). */
void ob_close_handle_table(struct ob_handle_table *table);
/* The number of handles in a table. */
size_t ob_handle_table_count(const struct ob_handle_table *table);

/* Frees the namespace at machine destruction; every named object must be
 * gone by then (their handles are closed with their processes). */
void ob_namespace_destroy(struct ob_namespace *ns);

/* Read-only views (tests, the debugger). */
struct ob_header *ob_header_of(const void *body);
long ob_pointer_count(const void *body);
long ob_handle_count(const void *body);
/* The named object, without taking a reference, or NULL. */
void *ob_lookup_name(struct ntmm_machine *machine, const char *name, ULONG attributes);

#endif
