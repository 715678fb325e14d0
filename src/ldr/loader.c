/*
 * loader.c — the image loader (loader.h): finding images on the C: drive,
 * mapping them through the section services, the module list and the
 * import walk. Runs as the process it loads into (the current process is
 * switched for the duration of each call, as ntdll runs in its process).
 * (1) The file is read in bounded pieces (its headers, then the import
 *     directory through pe_imports' one walk), never whole.
 * (2) Each DLL name an image imports is resolved once, however many
 *     descriptors repeat it (Windows finds the module loaded by then): the
 *     cost of a load is linear in its descriptors, not in descriptors x
 *     file searches.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "io/io.h"
#include "ldr/loader.h"
#include "ldr/pe.h"

/* Runs in process: the Nt services act on the current process. */
struct as_process {
    struct ntmm_process *saved;
};

static struct as_process enter(struct ntmm_process *process)
{
    struct as_process a = { ntmm_current_process() };
    ntmm_set_current_process(process);
    return a;
}

static void leave(struct as_process a)
{
    ntmm_set_current_process(a.saved);
}

static const char *base_name(const char *path)
{
    const char *name = path;
    for (const char *c = path; *c; c++)
        if (*c == '\\' || *c == '/' || *c == ':')
            name = c + 1;
    return name;
}

struct ntmm_module *ldr_module_at(struct ntmm_process *process, uint64_t base)
{
    for (struct ntmm_module *m = process->modules; m; m = m->next)
        if (m->base == base)
            return m;
    return NULL;
}

/* name, with ".dll" when it has no extension. */
static void with_extension(const char *name, char *out, size_t size)
{
    snprintf(out, size, "%s%s", name, strchr(base_name(name), '.') ? "" : ".dll");
}

struct ntmm_module *ldr_find_module(struct ntmm_process *process, const char *name)
{
    char wanted[300];
    for (struct ntmm_module *m = process->modules; m; m = m->next) {
        if (!name) {
            if (m->exe)
                return m;
            continue;
        }
        with_extension(base_name(name), wanted, sizeof wanted);
        if (!strcasecmp(m->name, wanted))
            return m;
    }
    return NULL;
}

/* (2): a module is its file, however the name that found it was spelled. */
static struct ntmm_module *module_by_file(struct ntmm_process *process, uint64_t dev, uint64_t ino)
{
    for (struct ntmm_module *m = process->modules; m; m = m->next)
        if (m->dev == dev && m->ino == ino)
            return m;
    return NULL;
}

static NTSTATUS file_identity(struct ntmm_process *process, HANDLE handle, uint64_t *dev,
                              uint64_t *ino)
{
    struct io_file *file;
    NTSTATUS st = ob_reference_object_by_handle(process, handle, 0, &io_file_type,
                                                (void **)&file, NULL);
    if (!NT_SUCCESS(st))
        return st;
    *dev = (uint64_t)file->dev;
    *ino = (uint64_t)file->ino;
    ob_dereference_object(file);
    return STATUS_SUCCESS;
}

/* (1): opens the first candidate that exists; *path receives its name. */
static NTSTATUS find_image(struct ntmm_process *process, const char *name, HANDLE *file,
                           char *path, size_t size)
{
    char file_name[300];
    with_extension(name, file_name, sizeof file_name);
    char candidates[3][600];
    unsigned count = 0;
    if (base_name(file_name) != file_name) {
        snprintf(candidates[count++], sizeof candidates[0], "%s", file_name);
    } else {
        struct ntmm_module *exe = ldr_find_module(process, NULL);
        if (exe)
            snprintf(candidates[count++], sizeof candidates[0], "%.*s%s",
                     (int)(exe->name - exe->path), exe->path, file_name);
        snprintf(candidates[count++], sizeof candidates[0], "C:\\WINDOWS\\system32\\%s",
                 file_name);
        snprintf(candidates[count++], sizeof candidates[0], "C:\\%s", file_name);
    }
    for (unsigned i = 0; i < count; i++) {
        bool existed;
        NTSTATUS st = io_create_file(process, candidates[i], FILE_READ_DATA | FILE_EXECUTE,
                                     FILE_SHARE_READ | FILE_SHARE_DELETE, FILE_OPEN, file,
                                     &existed);
        if (st == STATUS_OBJECT_NAME_NOT_FOUND || st == STATUS_OBJECT_PATH_NOT_FOUND)
            continue;
        if (NT_SUCCESS(st)) {
            size_t n = strnlen(candidates[i], size - 1);
            memcpy(path, candidates[i], n);
            path[n] = '\0';
        }
        return st;
    }
    return STATUS_DLL_NOT_FOUND;
}

/* The names of the DLLs the image in file imports, NUL-separated. */
struct import_names {
    char *names;
    size_t used, capacity;
    unsigned count;
    bool failed;
};

static void add_import(const char *dll, void *context)
{
    struct import_names *n = context;
    size_t len = strlen(dll) + 1;
    if (n->failed)
        return;
    if (n->used + len > n->capacity) {
        size_t capacity = n->capacity ? 2 * n->capacity : 256;
        while (capacity < n->used + len)
            capacity *= 2;
        char *grown = realloc(n->names, capacity);
        if (!grown) {
            n->failed = true;
            return;
        }
        n->names = grown;
        n->capacity = capacity;
    }
    memcpy(n->names + n->used, dll, len);
    n->used += len;
    n->count++;
}

static bool read_file(const void *context, uint64_t offset, uint8_t *out, uint32_t length)
{
    return NT_SUCCESS(io_page_read((struct io_file *)(uintptr_t)context, offset, out, length));
}

/* (1) */
static NTSTATUS read_imports(struct ntmm_process *process, HANDLE handle,
                             struct import_names *names, struct pe_image *pe)
{
    struct io_file *file;
    NTSTATUS st = ob_reference_object_by_handle(process, handle, FILE_READ_DATA, &io_file_type,
                                                (void **)&file, NULL);
    if (!NT_SUCCESS(st))
        return st;
    struct pe_source source = { 0, read_file, file };
    uint8_t *head = NULL;
    uint64_t head_size;
    st = io_file_size(file, &source.size);
    if (NT_SUCCESS(st) && !(head = malloc(PE_HEADER_BYTES)))
        st = STATUS_NO_MEMORY;
    if (NT_SUCCESS(st))
        st = pe_parse_source(&source, head, &head_size, pe);
    if (NT_SUCCESS(st))
        st = pe_imports(&source, pe, add_import, names);
    if (NT_SUCCESS(st) && names->failed)
        st = STATUS_NO_MEMORY;
    free(head);
    ob_dereference_object(file);
    return st;
}

static int by_address(const void *a, const void *b)
{
    const char *const *x = a, *const *y = b;
    return (*x > *y) - (*x < *y);
}

static int by_name(const void *a, const void *b)
{
    const char *const *x = a, *const *y = b;
    int c = strcasecmp(*x, *y);
    return c ? c : (*x > *y) - (*x < *y); /* the first occurrence first */
}

/* (2): the names, each once, in import order (*unique of them); NULL when
 * the host has no memory. */
static const char **unique_imports(const struct import_names *names, unsigned *unique)
{
    const char **sorted = malloc((names->count ? names->count : 1) * sizeof *sorted);
    const char **order = malloc((names->count ? names->count : 1) * sizeof *order);
    if (!sorted || !order) {
        free(sorted);
        free(order);
        return NULL;
    }
    const char *dll = names->names;
    for (unsigned i = 0; i < names->count; i++, dll += strlen(dll) + 1)
        sorted[i] = dll;
    qsort(sorted, names->count, sizeof *sorted, by_name);
    /* keep the first of each run of equal names, then restore their order */
    unsigned kept = 0;
    for (unsigned i = 0; i < names->count; i++)
        if (!i || strcasecmp(sorted[i], sorted[i - 1]))
            order[kept++] = sorted[i];
    qsort(order, kept, sizeof *order, by_address);
    free(sorted);
    *unique = kept;
    return order;
}

static void free_module(struct ntmm_module *m)
{
    free(m->imports);
    free(m->path);
    free(m);
}

static void unlink_module(struct ntmm_process *process, struct ntmm_module *m)
{
    struct ntmm_module **link = &process->modules;
    while (*link != m)
        link = &(*link)->next;
    *link = m->next;
}

/* (2): one reference less; at none the view and the imports go (each
 * found again by its file: one freed directly meanwhile is skipped, as
 * LdrUnloadDll skips it). */
static void release_module(struct ntmm_process *process, struct ntmm_module *m)
{
    if (m->pinned || --m->load_count)
        return;
    unlink_module(process, m);
    (void)NtUnmapViewOfSection(NtCurrentProcess(), (PVOID)(uintptr_t)m->base);
    for (unsigned i = 0; i < m->import_count; i++) {
        struct ntmm_module *imported = module_by_file(process, m->imports[i][0], m->imports[i][1]);
        if (imported)
            release_module(process, imported);
    }
    free_module(m);
}

/* An image of the process's own bitness (Windows: 32-bit processes load no
 * 64-bit DLLs and 64-bit processes no 32-bit ones). */
static NTSTATUS check_bitness(struct ntmm_process *process, HANDLE section)
{
    SECTION_IMAGE_INFORMATION info;
    NTSTATUS st = NtQuerySection(section, SectionImageInformation, &info, sizeof info, NULL);
    if (NT_SUCCESS(st) && (info.Machine == PE_FILE_MACHINE_AMD64) != process->is_64bit)
        st = STATUS_INVALID_IMAGE_FORMAT;
    return st;
}

/* Maps the image file opens and records it; its imports next (3), pinned
 * when the EXE imports them. */
static NTSTATUS map_image(struct ntmm_process *process, HANDLE file, const char *path, bool exe,
                          ULONG flags, struct ntmm_module **out)
{
    struct import_names names = { 0 };
    struct pe_image *pe = malloc(sizeof *pe);
    struct ntmm_module *m = calloc(1, sizeof *m);
    HANDLE section = NULL;
    NTSTATUS st = pe && m && (m->path = strdup(path)) ? STATUS_SUCCESS : STATUS_NO_MEMORY;
    if (NT_SUCCESS(st) && !(flags & DONT_RESOLVE_DLL_REFERENCES))
        st = read_imports(process, file, &names, pe);
    if (NT_SUCCESS(st))
        st = file_identity(process, file, &m->dev, &m->ino);
    if (NT_SUCCESS(st))
        st = NtCreateSection(&section, SECTION_ALL_ACCESS, NULL, NULL, PAGE_EXECUTE, SEC_IMAGE,
                             file);
    if (NT_SUCCESS(st))
        st = check_bitness(process, section);
    PVOID base = NULL;
    SIZE_T size = 0;
    if (NT_SUCCESS(st))
        st = NtMapViewOfSection(section, NtCurrentProcess(), &base, 0, 0, NULL, &size,
                                ViewShare, 0, PAGE_EXECUTE_WRITECOPY);
    if (section)
        NtClose(section);
    free(pe);
    if (!NT_SUCCESS(st)) {
        if (m)
            free_module(m);
        free(names.names);
        return st;
    }
    m->base = (uint64_t)(uintptr_t)base;
    m->size = size;
    m->name = base_name(m->path);
    m->load_count = 1;
    m->exe = exe;
    m->pinned = exe;
    struct ntmm_module **tail = &process->modules;
    while (*tail)
        tail = &(*tail)->next;
    *tail = m;
    unsigned unique = 0;
    const char **dlls = unique_imports(&names, &unique);
    m->imports = unique ? calloc(unique, sizeof *m->imports) : NULL;
    if (!dlls || (unique && !m->imports))
        st = STATUS_NO_MEMORY;
    for (unsigned i = 0; NT_SUCCESS(st) && i < unique; i++) {
        struct ntmm_module *imported;
        st = ldr_load_dll(process, dlls[i], 0, &imported);
        if (st == STATUS_DLL_NOT_FOUND) {
            st = STATUS_SUCCESS; /* (3): not on the drive */
            continue;
        }
        if (!NT_SUCCESS(st))
            break;
        imported->pinned |= exe;
        m->imports[m->import_count][0] = imported->dev;
        m->imports[m->import_count++][1] = imported->ino;
    }
    free(dlls);
    free(names.names);
    if (!NT_SUCCESS(st)) {
        m->pinned = false;
        m->load_count = 1;
        release_module(process, m);
        return st;
    }
    *out = m;
    return STATUS_SUCCESS;
}

NTSTATUS ldr_load_dll(struct ntmm_process *process, const char *name, ULONG flags,
                      struct ntmm_module **module)
{
    if (!process || !name || !*name)
        return STATUS_INVALID_PARAMETER;
    struct as_process a = enter(process);
    char path[600];
    HANDLE file;
    NTSTATUS st = find_image(process, name, &file, path, sizeof path);
    uint64_t dev = 0, ino = 0;
    if (NT_SUCCESS(st) && !NT_SUCCESS(file_identity(process, file, &dev, &ino)))
        dev = ino = UINT64_MAX;
    if (NT_SUCCESS(st)) {
        struct ntmm_module *loaded = module_by_file(process, dev, ino);
        if (loaded) {
            loaded->load_count += !loaded->pinned;
            *module = loaded;
        } else {
            st = map_image(process, file, path, false, flags, module);
        }
        NtClose(file);
    }
    leave(a);
    return st;
}

NTSTATUS ldr_unload_dll(struct ntmm_process *process, uint64_t base)
{
    struct ntmm_module *m = process ? ldr_module_at(process, base) : NULL;
    if (!m)
        return STATUS_DLL_NOT_FOUND;
    struct as_process a = enter(process);
    release_module(process, m);
    leave(a);
    return STATUS_SUCCESS;
}

NTSTATUS ldr_start_process(struct ntmm_process *process, const char *path)
{
    struct as_process a = enter(process);
    HANDLE file, section;
    bool existed;
    NTSTATUS st = io_create_file(process, path, FILE_READ_DATA | FILE_EXECUTE,
                                 FILE_SHARE_READ | FILE_SHARE_DELETE, FILE_OPEN, &file, &existed);
    if (NT_SUCCESS(st)) {
        /* Windows' CreateProcess reads SectionImageInformation first */
        st = NtCreateSection(&section, SECTION_ALL_ACCESS, NULL, NULL, PAGE_EXECUTE, SEC_IMAGE,
                             file);
        SECTION_IMAGE_INFORMATION info;
        if (NT_SUCCESS(st)) {
            st = NtQuerySection(section, SectionImageInformation, &info, sizeof info, NULL);
            NtClose(section);
        }
        if (NT_SUCCESS(st) && (info.ImageCharacteristics & PE_FILE_DLL))
            st = STATUS_INVALID_IMAGE_FORMAT;
        if (NT_SUCCESS(st)) {
            process->is_64bit = info.Machine == PE_FILE_MACHINE_AMD64;
            process->large_address_aware =
                (info.ImageCharacteristics & PE_FILE_LARGE_ADDRESS_AWARE) != 0;
            process->as.highest_user_address =
                ps_highest_user_address(process->machine, process);
            snprintf(process->image_name, sizeof process->image_name, "%s", base_name(path));
            struct ntmm_module *m;
            st = map_image(process, file, path, true, 0, &m);
        }
        NtClose(file);
    }
    leave(a);
    return st;
}

void ldr_free_modules(struct ntmm_process *process)
{
    while (process->modules) {
        struct ntmm_module *m = process->modules;
        process->modules = m->next;
        free_module(m);
    }
}
