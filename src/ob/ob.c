/*
 * ob.c — the object manager (Windows: ObCreateObject, ObInsertObject,
 * ObOpenObjectByName, ObOpenObjectByPointer, ObReferenceObjectByHandle,
 * ObDereferenceObject, ObCloseHandle, ObDuplicateObject): object headers,
 * the \BaseNamedObjects directory and the handle tables. ob.h states the
 * invariants (1)-(5); this file keeps them.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ob/ob.h"
#include "ps/process.h"

#define OB_HANDLE_LIMIT (1u << 24) /* handles per table, as Windows limits them */

struct ob_header *ob_header_of(const void *body)
{
    return (struct ob_header *)((char *)(uintptr_t)body - offsetof(struct ob_header, body));
}

long ob_pointer_count(const void *body)
{
    return ob_header_of(body)->pointer_count;
}

long ob_handle_count(const void *body)
{
    return ob_header_of(body)->handle_count;
}

NTSTATUS ob_create_object(struct ntmm_machine *machine, const struct ob_type *type,
                          size_t body_size, void **body)
{
    *body = NULL;
    NTSTATUS st = ke_machine_running(machine);
    if (!NT_SUCCESS(st))
        return st;
    struct ob_header *h = mm_host_alloc(&machine->mm, sizeof *h + body_size);
    if (!h)
        return STATUS_NO_MEMORY;
    h->type = type;
    h->machine = machine;
    h->pointer_count = 1;
    *body = h->body;
    return STATUS_SUCCESS;
}

void ob_reference_object(void *body)
{
    ob_header_of(body)->pointer_count++;
}

static void remove_name(struct ob_header *h)
{
    if (!h->in_directory)
        return;
    struct ob_header **link = &h->machine->names.objects;
    while (*link != h)
        link = &(*link)->next;
    *link = h->next;
    h->next = NULL;
    h->in_directory = false;
}

/* (2) */
void ob_dereference_object(void *body)
{
    struct ob_header *h = ob_header_of(body);
    if (--h->pointer_count > 0)
        return;
    remove_name(h);
    if (h->type->delete_procedure)
        h->type->delete_procedure(h->body);
    free(h->name);
    free(h);
}

/* The last component of a name in the directory, or NULL if the name is not
 * "\BaseNamedObjects\X" with X non-empty and without a backslash. */
static const char *leaf_name(const char *name)
{
    size_t n = strlen(OB_BASE_NAMED_OBJECTS);
    if (!name || strncasecmp(name, OB_BASE_NAMED_OBJECTS, n) != 0 || name[n] != '\\')
        return NULL;
    const char *leaf = name + n + 1;
    if (!*leaf || strchr(leaf, '\\'))
        return NULL;
    return leaf;
}

static struct ob_header *find_name(struct ntmm_machine *machine, const char *leaf,
                                   ULONG attributes)
{
    for (struct ob_header *h = machine->names.objects; h; h = h->next)
        if ((attributes & OBJ_CASE_INSENSITIVE) ? strcasecmp(h->name, leaf) == 0
                                                : strcmp(h->name, leaf) == 0)
            return h;
    return NULL;
}

void *ob_lookup_name(struct ntmm_machine *machine, const char *name, ULONG attributes)
{
    const char *leaf = leaf_name(name);
    struct ob_header *h = leaf ? find_name(machine, leaf, attributes) : NULL;
    return h ? h->body : NULL;
}

static struct ob_handle_entry *entry_of(struct ntmm_process *process, HANDLE handle)
{
    uintptr_t value = (uintptr_t)handle & ~(uintptr_t)3;
    struct ob_handle_table *t = &process->handles;
    if (value == 0 || value / 4 > t->capacity)
        return NULL;
    struct ob_handle_entry *e = &t->entries[value / 4 - 1];
    return e->object ? e : NULL;
}

/* A free slot's index, growing the table; SIZE_MAX when out of memory. */
static size_t free_slot(struct ntmm_process *process)
{
    struct ob_handle_table *t = &process->handles;
    for (size_t i = 0; i < t->capacity; i++)
        if (!t->entries[i].object)
            return i;
    if (t->capacity >= OB_HANDLE_LIMIT)
        return SIZE_MAX;
    size_t grown = t->capacity ? t->capacity * 2 : 16;
    struct ob_handle_entry *e = mm_host_realloc(&process->machine->mm, t->entries,
                                                grown * sizeof *e);
    if (!e)
        return SIZE_MAX;
    memset(e + t->capacity, 0, (grown - t->capacity) * sizeof *e);
    size_t slot = t->capacity;
    t->entries = e;
    t->capacity = grown;
    return slot;
}

/* A new handle to h in process's table; takes a reference of its own. */
static NTSTATUS new_handle(struct ntmm_process *process, struct ob_header *h,
                           ACCESS_MASK granted, ULONG attributes, HANDLE *handle)
{
    size_t slot = free_slot(process);
    if (slot == SIZE_MAX)
        return STATUS_INSUFFICIENT_RESOURCES;
    struct ob_handle_entry *e = &process->handles.entries[slot];
    e->object = h;
    e->granted = granted;
    e->inherit = (attributes & OBJ_INHERIT) != 0;
    process->handles.count++;
    h->pointer_count++;
    h->handle_count++;
    *handle = (HANDLE)(uintptr_t)((slot + 1) * 4);
    return STATUS_SUCCESS;
}

/* The access a handle to an object of type gets for desired (MAXIMUM_ALLOWED:
 * everything); false when desired asks for more than the type has. */
static bool grant(const struct ob_type *type, ACCESS_MASK desired, ACCESS_MASK *granted)
{
    if (desired & MAXIMUM_ALLOWED)
        desired = (desired & ~(ACCESS_MASK)MAXIMUM_ALLOWED) | type->valid_access;
    if (desired & ~type->valid_access)
        return false;
    *granted = desired;
    return true;
}

NTSTATUS ob_open_object_by_pointer(struct ntmm_process *process, void *body, ULONG attributes,
                                   ACCESS_MASK desired_access, HANDLE *handle)
{
    struct ob_header *h = ob_header_of(body);
    ACCESS_MASK granted;
    NTSTATUS st = ke_machine_running(process->machine);
    if (!NT_SUCCESS(st))
        return st;
    if (!grant(h->type, desired_access, &granted))
        return STATUS_ACCESS_DENIED;
    return new_handle(process, h, granted, attributes, handle);
}

NTSTATUS ob_insert_object(struct ntmm_process *process, void *body, const char *name,
                          ULONG attributes, ACCESS_MASK desired_access, HANDLE *handle)
{
    struct ob_header *h = ob_header_of(body);
    struct ntmm_machine *m = h->machine;
    NTSTATUS st = STATUS_SUCCESS;
    *handle = NULL;
    if (name) {
        const char *leaf = leaf_name(name);
        if (!leaf) {
            ob_dereference_object(body);
            return STATUS_OBJECT_NAME_INVALID;
        }
        struct ob_header *existing = find_name(m, leaf, attributes);
        if (existing) {
            const struct ob_type *type = h->type;
            ob_dereference_object(body); /* h is gone from here on */
            if (!(attributes & OBJ_OPENIF))
                return STATUS_OBJECT_NAME_COLLISION;
            if (existing->type != type)
                return STATUS_OBJECT_TYPE_MISMATCH;
            st = ob_open_object_by_pointer(process, existing->body, attributes, desired_access,
                                           handle);
            return NT_SUCCESS(st) ? STATUS_OBJECT_NAME_EXISTS : st;
        }
        size_t n = strlen(leaf) + 1;
        h->name = mm_host_alloc(&m->mm, n);
        if (!h->name) {
            ob_dereference_object(body);
            return STATUS_NO_MEMORY;
        }
        memcpy(h->name, leaf, n);
    }
    st = ob_open_object_by_pointer(process, body, attributes, desired_access, handle);
    if (NT_SUCCESS(st) && h->name) {
        h->next = m->names.objects;
        m->names.objects = h;
        h->in_directory = true;
    }
    ob_dereference_object(body); /* the creator's reference */
    return st;
}

NTSTATUS ob_open_object_by_name(struct ntmm_process *process, const struct ob_type *type,
                                const char *name, ULONG attributes,
                                ACCESS_MASK desired_access, HANDLE *handle)
{
    *handle = NULL;
    NTSTATUS st = ke_machine_running(process->machine);
    if (!NT_SUCCESS(st))
        return st;
    const char *leaf = leaf_name(name);
    if (!leaf)
        return STATUS_OBJECT_NAME_INVALID;
    struct ob_header *h = find_name(process->machine, leaf, attributes);
    if (!h)
        return STATUS_OBJECT_NAME_NOT_FOUND;
    if (type && h->type != type)
        return STATUS_OBJECT_TYPE_MISMATCH;
    return ob_open_object_by_pointer(process, h->body, attributes, desired_access, handle);
}

NTSTATUS ob_reference_object_by_handle(struct ntmm_process *process, HANDLE handle,
                                       ACCESS_MASK desired_access, const struct ob_type *type,
                                       void **body, ACCESS_MASK *granted)
{
    *body = NULL;
    NTSTATUS st = ke_machine_running(process->machine);
    if (!NT_SUCCESS(st))
        return st;
    struct ob_handle_entry *e = entry_of(process, handle);
    if (!e)
        return STATUS_INVALID_HANDLE;
    if (type && e->object->type != type)
        return STATUS_OBJECT_TYPE_MISMATCH;
    if (desired_access & ~e->granted)
        return STATUS_ACCESS_DENIED;
    e->object->pointer_count++;
    *body = e->object->body;
    if (granted)
        *granted = e->granted;
    return STATUS_SUCCESS;
}

/* Frees a slot and drops what the handle held: (1), (3), then (2). */
static void close_entry(struct ob_handle_table *table, struct ob_handle_entry *e)
{
    struct ob_header *h = e->object;
    e->object = NULL;
    e->granted = 0;
    e->inherit = false;
    table->count--;
    if (--h->handle_count == 0)
        remove_name(h);
    ob_dereference_object(h->body);
}

NTSTATUS ob_close_handle(struct ntmm_process *process, HANDLE handle)
{
    NTSTATUS st = ke_machine_running(process->machine);
    if (!NT_SUCCESS(st))
        return st;
    struct ob_handle_entry *e = entry_of(process, handle);
    if (!e)
        return STATUS_INVALID_HANDLE;
    close_entry(&process->handles, e);
    return STATUS_SUCCESS;
}

NTSTATUS ob_duplicate_object(struct ntmm_process *source_process, HANDLE source_handle,
                             struct ntmm_process *target_process, HANDLE *target_handle,
                             ACCESS_MASK desired_access, ULONG attributes, ULONG options)
{
    void *body;
    ACCESS_MASK granted;
    if (target_handle)
        *target_handle = NULL;
    NTSTATUS st = ob_reference_object_by_handle(source_process, source_handle, 0, NULL, &body,
                                                &granted);
    if (!NT_SUCCESS(st))
        return st;
    if (options & DUPLICATE_CLOSE_SOURCE)
        ob_close_handle(source_process, source_handle);
    if (target_process) {
        ACCESS_MASK access = (options & DUPLICATE_SAME_ACCESS) ? granted : desired_access;
        st = ob_open_object_by_pointer(target_process, body, attributes, access, target_handle);
    }
    ob_dereference_object(body);
    return st;
}

void ob_close_handle_table(struct ob_handle_table *table)
{
    /* An object deleted on the way never reaches back into this table: a
     * process's own table is closed while its creation reference still
     * holds it. */
    for (size_t i = 0; i < table->capacity && table->count; i++)
        if (table->entries[i].object)
            close_entry(table, &table->entries[i]);
    free(table->entries);
    table->entries = NULL;
    table->capacity = 0;
}

size_t ob_handle_table_count(const struct ob_handle_table *table)
{
    return table->count;
}

void ob_namespace_destroy(struct ob_namespace *ns)
{
    ns->objects = NULL;
}
