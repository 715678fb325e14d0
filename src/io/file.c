/*
 * file.c — the File object type and the C: drive (io.h has the rules).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "io/io.h"
#include "mm/section.h"
#include "ke/machine.h"
#include "ob/ob.h"
#include "ps/process.h"

#define IO_PAGE 4096u

static void io_file_delete(void *body)
{
    struct io_file *f = body;
    for (struct io_file **p = &f->machine->files; *p; p = &(*p)->next)
        if (*p == f) {
            *p = f->next;
            break;
        }
    if (f->fd >= 0)
        close(f->fd);
    free(f->name);
}

const struct ob_type io_file_type = { "File", FILE_ALL_ACCESS, io_file_delete };

/* Rule (7). */
static NTSTATUS status_of_errno(int e)
{
    switch (e) {
    case ENOENT: return STATUS_OBJECT_NAME_NOT_FOUND;
    case ENOTDIR: return STATUS_OBJECT_PATH_NOT_FOUND;
    case EEXIST: return STATUS_OBJECT_NAME_COLLISION;
    case EACCES: case EPERM: case EISDIR: case ELOOP: case EXDEV: case ETXTBSY:
        return STATUS_ACCESS_DENIED;
    case ENOMEM: return STATUS_NO_MEMORY;
    case EMFILE: case ENFILE: case ENOSPC: case EDQUOT: case EFBIG:
        return STATUS_INSUFFICIENT_RESOURCES;
    case ENAMETOOLONG: return STATUS_OBJECT_NAME_INVALID;
    default: return STATUS_UNSUCCESSFUL;
    }
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st; (void)flag; (void)ftw;
    return remove(path);
}

NTSTATUS io_root_open(struct ntmm_machine *machine)
{
    const char *dir = machine->config.root_directory;
    if (!dir) {
        const char *tmp = getenv("TMPDIR");
        if (!tmp || !*tmp)
            tmp = "/tmp";
        size_t n = strlen(tmp) + sizeof "/ntmm-c-XXXXXX";
        machine->root_temp = malloc(n);
        if (!machine->root_temp)
            return STATUS_NO_MEMORY;
        snprintf(machine->root_temp, n, "%s/ntmm-c-XXXXXX", tmp);
        if (!mkdtemp(machine->root_temp)) {
            NTSTATUS st = status_of_errno(errno);
            free(machine->root_temp);
            machine->root_temp = NULL;
            return st;
        }
        dir = machine->root_temp;
    }
    machine->root_fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (machine->root_fd < 0)
        return errno == ENOENT ? STATUS_OBJECT_PATH_NOT_FOUND : status_of_errno(errno);
    if (machine->root_temp)
        machine->config.root_directory = machine->root_temp;
    return STATUS_SUCCESS;
}

void io_root_close(struct ntmm_machine *machine)
{
    if (machine->root_fd >= 0)
        close(machine->root_fd);
    machine->root_fd = -1;
    if (machine->root_temp) {
        nftw(machine->root_temp, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
        free(machine->root_temp);
        machine->root_temp = NULL;
    }
}

ACCESS_MASK io_map_generic(ACCESS_MASK access)
{
    ACCESS_MASK mapped = access & ~(ACCESS_MASK)(GENERIC_READ | GENERIC_WRITE | GENERIC_EXECUTE |
                                                 GENERIC_ALL);
    if (access & GENERIC_READ)
        mapped |= FILE_GENERIC_READ;
    if (access & GENERIC_WRITE)
        mapped |= FILE_GENERIC_WRITE;
    if (access & GENERIC_EXECUTE)
        mapped |= FILE_GENERIC_EXECUTE;
    if (access & GENERIC_ALL)
        mapped |= FILE_ALL_ACCESS;
    return mapped;
}

static bool reserved_name(const char *c, size_t len)
{
    if ((len == 6 && !strncasecmp(c, "CONIN$", 6)) || (len == 7 && !strncasecmp(c, "CONOUT$", 7)))
        return true;
    size_t base = 0;
    while (base < len && c[base] != '.')
        base++;
    while (base > 0 && c[base - 1] == ' ')
        base--;
    static const char *const three[] = { "CON", "PRN", "AUX", "NUL" };
    if (base == 3)
        for (size_t i = 0; i < 4; i++)
            if (!strncasecmp(c, three[i], 3))
                return true;
    if (base == 4 && (!strncasecmp(c, "COM", 3) || !strncasecmp(c, "LPT", 3)) &&
        c[3] >= '1' && c[3] <= '9')
        return true;
    return false;
}

/* Rules (1) and (2): the host path relative to the root ("." for the root
 * itself) in out (size out_size); *last: the offset of the last component. */
static NTSTATUS host_path(const char *path, char *out, size_t out_size, size_t *last)
{
    if (!path)
        return STATUS_INVALID_PARAMETER;
    const char *p = path;
    if (((p[0] | 0x20) >= 'a' && (p[0] | 0x20) <= 'z') && p[1] == ':') {
        if ((p[0] | 0x20) != 'c')
            return STATUS_OBJECT_PATH_NOT_FOUND;
        p += 2;
    } else if ((p[0] == '\\' || p[0] == '/') && (p[1] == '\\' || p[1] == '/')) {
        return STATUS_OBJECT_PATH_NOT_FOUND; /* UNC, \\?\, \\.\ */
    }
    if (!*path)
        return STATUS_OBJECT_PATH_NOT_FOUND;
    size_t n = 0;
    *last = 0;
    while (*p) {
        while (*p == '\\' || *p == '/')
            p++;
        if (!*p)
            break;
        const char *c = p;
        while (*p && *p != '\\' && *p != '/')
            p++;
        size_t len = (size_t)(p - c);
        for (size_t i = 0; i < len; i++) {
            unsigned char ch = (unsigned char)c[i];
            if (ch < 0x20 || strchr("<>:\"|?*", ch))
                return STATUS_OBJECT_NAME_INVALID;
        }
        if (len == 1 && c[0] == '.')
            continue;
        if (len == 2 && c[0] == '.' && c[1] == '.')
            return STATUS_OBJECT_NAME_INVALID;
        if (!*p) /* (9): the last name loses its trailing dots and spaces */
            while (len && (c[len - 1] == '.' || c[len - 1] == ' '))
                len--;
        else if (c[len - 1] == '.') /* an inner name loses one trailing dot */
            len--;
        if (!len)
            continue;
        if (reserved_name(c, len))
            return STATUS_ACCESS_DENIED;
        if (n + len + 2 > out_size)
            return STATUS_OBJECT_NAME_INVALID;
        if (n)
            out[n++] = '/';
        *last = n;
        memcpy(out + n, c, len);
        n += len;
    }
    if (!n)
        out[n++] = '.';
    out[n] = '\0';
    if (n > 1 && (p[-1] == '\\' || p[-1] == '/'))
        return STATUS_OBJECT_NAME_INVALID; /* (9): a file's name ends in a separator */
    return STATUS_SUCCESS;
}

/* Rule (4). */
static int open_beneath(int root, const char *path, uint64_t flags, uint64_t mode)
{
    struct open_how how;
    memset(&how, 0, sizeof how);
    how.flags = flags | O_CLOEXEC;
    how.mode = (flags & O_CREAT) ? mode : 0;
    how.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
    long fd;
    do
        fd = syscall(SYS_openat2, root, path, &how, sizeof how);
    while (fd < 0 && errno == EINTR);
    return (int)fd;
}

/* ENOENT: a missing file, or a missing directory on the way to it. */
static NTSTATUS not_found(int root, char *path, size_t last)
{
    if (!last)
        return STATUS_OBJECT_NAME_NOT_FOUND;
    path[last - 1] = '\0';
    int fd = open_beneath(root, path, O_PATH | O_DIRECTORY, 0);
    path[last - 1] = '/';
    if (fd < 0)
        return STATUS_OBJECT_PATH_NOT_FOUND;
    close(fd);
    return STATUS_OBJECT_NAME_NOT_FOUND;
}

static bool conflicts(ACCESS_MASK access, ULONG share, const struct io_file *f)
{
    ACCESS_MASK wr = FILE_WRITE_DATA | FILE_APPEND_DATA;
    if (((access & FILE_READ_DATA) && !(f->share & FILE_SHARE_READ)) ||
        ((access & wr) && !(f->share & FILE_SHARE_WRITE)) ||
        ((access & DELETE) && !(f->share & FILE_SHARE_DELETE)))
        return true;
    return ((f->access & FILE_READ_DATA) && !(share & FILE_SHARE_READ)) ||
           ((f->access & wr) && !(share & FILE_SHARE_WRITE)) ||
           ((f->access & DELETE) && !(share & FILE_SHARE_DELETE));
}

static bool share_violation(struct ntmm_machine *m, const struct stat *st, ACCESS_MASK access,
                            ULONG share)
{
    for (struct io_file *f = m->files; f; f = f->next)
        if (f->dev == st->st_dev && f->ino == st->st_ino && ob_handle_count(f) > 0 &&
            conflicts(access, share, f))
            return true;
    return false;
}

/* Rule (11): a pagefile refuses every open for data and every delete. */
static bool held_by_pager(const struct ntmm_machine *m, const struct stat *st)
{
    for (const struct io_file *f = m->files; f; f = f->next)
        if (f->paging_file && f->dev == st->st_dev && f->ino == st->st_ino)
            return true;
    return false;
}

/* Rules (4) and (10): only a regular file with one host link opens. */
static NTSTATUS regular_file(int fd, struct stat *sb)
{
    if (fstat(fd, sb) < 0)
        return status_of_errno(errno);
    return S_ISREG(sb->st_mode) && sb->st_nlink <= 1 ? STATUS_SUCCESS : STATUS_ACCESS_DENIED;
}

/* The File object of an open host descriptor, which it takes (closed on
 * failure); the object holds the caller's reference. */
static NTSTATUS file_object(struct ntmm_machine *m, int fd, const struct stat *sb,
                            const char *path, ACCESS_MASK access, ULONG share,
                            struct io_file **out)
{
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    char *name = strdup(path);
    struct io_file *f;
    NTSTATUS st = name ? ob_create_object(m, &io_file_type, sizeof *f, (void **)&f)
                       : STATUS_NO_MEMORY;
    if (!NT_SUCCESS(st)) {
        free(name);
        close(fd);
        return st;
    }
    f->name = name;
    f->machine = m;
    f->fd = fd;
    f->dev = sb->st_dev;
    f->ino = sb->st_ino;
    f->access = access;
    f->share = share;
    f->next = m->files;
    m->files = f;
    *out = f;
    return STATUS_SUCCESS;
}

/* (8): what the file's sections forbid (Windows: MmCanFileBeTruncated,
 * MmFlushImageSection). */
static NTSTATUS section_conflict(struct ntmm_machine *m, const struct stat *st,
                                 ACCESS_MASK access, ULONG disposition)
{
    uint64_t dev = (uint64_t)st->st_dev, ino = (uint64_t)st->st_ino;
    if (disposition != FILE_OPEN && disposition != FILE_OPEN_IF &&
        mm_file_has_section(&m->mm, dev, ino, false))
        return STATUS_USER_MAPPED_FILE;
    if ((access & (FILE_WRITE_DATA | FILE_APPEND_DATA)) &&
        mm_file_has_section(&m->mm, dev, ino, true))
        return STATUS_SHARING_VIOLATION;
    return STATUS_SUCCESS;
}

NTSTATUS io_create_file(struct ntmm_process *process, const char *path, ACCESS_MASK access,
                        ULONG share, ULONG disposition, HANDLE *handle, bool *existed)
{
    *handle = NULL;
    *existed = false;
    if (!process)
        return STATUS_INVALID_HANDLE;
    struct ntmm_machine *m = process->machine;
    access = io_map_generic(access);
    if ((access & ~(ACCESS_MASK)FILE_ALL_ACCESS) || disposition > FILE_OVERWRITE_IF ||
        (share & ~(ULONG)(FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE)))
        return STATUS_INVALID_PARAMETER;
    char rel[4096];
    size_t last;
    NTSTATUS st = ke_machine_running(m);
    if (NT_SUCCESS(st))
        st = host_path(path, rel, sizeof rel, &last);
    if (!NT_SUCCESS(st))
        return st;
    bool writes = (access & (FILE_WRITE_DATA | FILE_APPEND_DATA)) ||
                  disposition == FILE_OVERWRITE || disposition == FILE_OVERWRITE_IF ||
                  disposition == FILE_SUPERSEDE;
    int accmode = writes ? ((access & FILE_READ_DATA) ? O_RDWR : O_WRONLY) : O_RDONLY;
    uint64_t flags = (uint64_t)accmode | O_NOCTTY | O_NONBLOCK;
    int fd = -1;
    if (disposition != FILE_OPEN && disposition != FILE_OVERWRITE) {
        fd = open_beneath(m->root_fd, rel, flags | O_CREAT | O_EXCL, 0666);
        if (fd < 0 && errno != EEXIST)
            return errno == ENOENT ? STATUS_OBJECT_PATH_NOT_FOUND : status_of_errno(errno);
        if (fd < 0 && disposition == FILE_CREATE)
            return STATUS_OBJECT_NAME_COLLISION;
    }
    if (fd < 0) {
        fd = open_beneath(m->root_fd, rel, flags, 0);
        if (fd < 0)
            return errno == ENOENT ? not_found(m->root_fd, rel, last) : status_of_errno(errno);
        *existed = true;
    }
    struct stat sb;
    st = regular_file(fd, &sb);
    if (!NT_SUCCESS(st)) {
        close(fd);
        *existed = false;
        return st;
    }
    bool data = writes || (access & (FILE_READ_DATA | DELETE));
    st = !*existed ? STATUS_SUCCESS
         : (data && held_by_pager(m, &sb)) || share_violation(m, &sb, access, share)
             ? STATUS_SHARING_VIOLATION
             : section_conflict(m, &sb, access, disposition);
    if (!NT_SUCCESS(st)) {
        close(fd);
        *existed = false;
        return st;
    }
    if (*existed && disposition != FILE_OPEN && disposition != FILE_OPEN_IF &&
        ftruncate(fd, 0) < 0) {
        st = status_of_errno(errno);
        close(fd);
        *existed = false;
        return st;
    }
    struct io_file *f;
    st = file_object(m, fd, &sb, path, access, share, &f);
    if (!NT_SUCCESS(st))
        return st;
    return ob_insert_object(process, f, NULL, 0, access, handle);
}

NTSTATUS io_create_paging_file(struct ntmm_machine *m, const char *path, uint64_t size,
                               struct io_file **file)
{
    *file = NULL;
    char rel[4096];
    size_t last;
    NTSTATUS st = host_path(path, rel, sizeof rel, &last);
    if (!NT_SUCCESS(st))
        return st;
    if (size > INT64_MAX)
        return STATUS_DISK_FULL;
    int fd = open_beneath(m->root_fd, rel, O_RDWR | O_CREAT | O_NOCTTY | O_NONBLOCK, 0666);
    if (fd < 0)
        return errno == ENOENT ? STATUS_OBJECT_PATH_NOT_FOUND : status_of_errno(errno);
    struct stat sb;
    st = regular_file(fd, &sb);
    if (NT_SUCCESS(st) && (ftruncate(fd, 0) < 0 || ftruncate(fd, (off_t)size) < 0))
        st = status_of_errno(errno);
    if (!NT_SUCCESS(st)) {
        close(fd);
        return st;
    }
    /* NtCreatePagingFile's open: read and write, sharing only writes */
    st = file_object(m, fd, &sb, path, FILE_READ_DATA | FILE_WRITE_DATA, FILE_SHARE_WRITE, file);
    if (NT_SUCCESS(st))
        (*file)->paging_file = true;
    return st;
}

void io_delete_paging_file(struct io_file *f)
{
    char rel[4096];
    size_t last;
    struct stat sb;
    int root = f->machine->root_fd;
    if (NT_SUCCESS(host_path(f->name, rel, sizeof rel, &last)) &&
        fstatat(root, rel, &sb, AT_SYMLINK_NOFOLLOW) == 0 && sb.st_dev == f->dev &&
        sb.st_ino == f->ino)
        unlinkat(root, rel, 0);
    ob_dereference_object(f);
}

static NTSTATUS reference(struct ntmm_process *process, HANDLE handle, ACCESS_MASK access,
                          struct io_file **f)
{
    if (!process)
        return STATUS_INVALID_HANDLE;
    return ob_reference_object_by_handle(process, handle, access, &io_file_type, (void **)f,
                                         NULL);
}

/* The bytes from simulated address at up to the end of its page, at most left. */
static size_t chunk_at(uint64_t at, uint32_t left)
{
    size_t n = IO_PAGE - (size_t)(at % IO_PAGE);
    return n < left ? n : left;
}

NTSTATUS io_buffer_fault(NTSTATUS access)
{
    return access == STATUS_INSUFFICIENT_RESOURCES ? access : STATUS_ACCESS_VIOLATION;
}

/* Bytes [pos, pos + n) of the file, between buf and the frames of the
 * file's section that hold them (mm_resident_file_page): a read takes the
 * frames' bytes, a write puts its bytes there too, so ReadFile, WriteFile
 * and the views agree (Windows: the cache manager maps the same pages). */
static void through_section(struct io_file *f, uint64_t pos, uint8_t *buf, size_t n, bool write)
{
    struct mm *mm = &f->machine->mm;
    if (!mm->control_areas)
        return;
    for (size_t done = 0; done < n;) {
        uint64_t at = pos + done;
        size_t in_page = IO_PAGE - (size_t)(at % IO_PAGE);
        size_t len = in_page < n - done ? in_page : n - done;
        uint8_t *frame = mm_resident_file_page(mm, (uint64_t)f->dev, (uint64_t)f->ino,
                                               at / IO_PAGE);
        if (frame && write)
            memcpy(frame + at % IO_PAGE, buf + done, len);
        else if (frame)
            memcpy(buf + done, frame + at % IO_PAGE, len);
        done += len;
    }
}

NTSTATUS io_read_file(struct ntmm_process *process, HANDLE handle, uint64_t address,
                      uint32_t size, uint32_t *done)
{
    *done = 0;
    struct io_file *f;
    NTSTATUS st = reference(process, handle, FILE_READ_DATA, &f);
    if (!NT_SUCCESS(st))
        return st;
    unsigned char chunk[IO_PAGE];
    while (*done < size) {
        uint64_t at = address + *done;
        size_t n = chunk_at(at, size - *done);
        ssize_t got = pread(f->fd, chunk, n, (off_t)f->position);
        if (got < 0) {
            st = status_of_errno(errno);
            break;
        }
        if (got == 0)
            break;
        through_section(f, f->position, chunk, (size_t)got, false);
        NTSTATUS copied = ntmm_write(process, at, chunk, (size_t)got);
        if (!NT_SUCCESS(copied)) {
            st = io_buffer_fault(copied);
            break;
        }
        f->position += (uint64_t)got;
        *done += (uint32_t)got;
    }
    ob_dereference_object(f);
    return st;
}

NTSTATUS io_write_file(struct ntmm_process *process, HANDLE handle, uint64_t address,
                       uint32_t size, uint32_t *done)
{
    *done = 0;
    struct io_file *f;
    NTSTATUS st = reference(process, handle, FILE_WRITE_DATA, &f);
    if (!NT_SUCCESS(st))
        return st;
    unsigned char chunk[IO_PAGE];
    while (*done < size) {
        uint64_t at = address + *done;
        size_t n = chunk_at(at, size - *done);
        NTSTATUS copied = ntmm_read(process, at, chunk, n);
        if (!NT_SUCCESS(copied)) {
            st = io_buffer_fault(copied);
            break;
        }
        ssize_t put = pwrite(f->fd, chunk, n, (off_t)f->position);
        if (put <= 0) {
            st = put < 0 ? status_of_errno(errno) : STATUS_INSUFFICIENT_RESOURCES;
            break;
        }
        through_section(f, f->position, chunk, (size_t)put, true);
        f->position += (uint64_t)put;
        *done += (uint32_t)put;
    }
    ob_dereference_object(f);
    return st;
}

NTSTATUS io_query_file(struct ntmm_process *process, HANDLE handle, uint64_t *position,
                       uint64_t *size)
{
    struct io_file *f;
    NTSTATUS st = reference(process, handle, 0, &f);
    if (!NT_SUCCESS(st))
        return st;
    struct stat sb;
    if (fstat(f->fd, &sb) < 0)
        st = status_of_errno(errno);
    else {
        *position = f->position;
        *size = (uint64_t)sb.st_size;
    }
    ob_dereference_object(f);
    return st;
}

NTSTATUS io_set_position(struct ntmm_process *process, HANDLE handle, uint64_t position)
{
    struct io_file *f;
    NTSTATUS st = reference(process, handle, 0, &f);
    if (!NT_SUCCESS(st))
        return st;
    if (position > INT64_MAX)
        st = STATUS_INVALID_PARAMETER;
    else
        f->position = position;
    ob_dereference_object(f);
    return st;
}

NTSTATUS io_set_end_of_file(struct ntmm_process *process, HANDLE handle)
{
    struct io_file *f;
    NTSTATUS st = reference(process, handle, FILE_WRITE_DATA, &f);
    if (!NT_SUCCESS(st))
        return st;
    uint64_t size;
    st = io_file_size(f, &size);
    /* Windows: MmCanFileBeTruncated — a section of the file forbids shrinking it */
    if (NT_SUCCESS(st) && f->position < size &&
        mm_file_has_section(&f->machine->mm, (uint64_t)f->dev, (uint64_t)f->ino, false))
        st = STATUS_USER_MAPPED_FILE;
    if (NT_SUCCESS(st) && ftruncate(f->fd, (off_t)f->position) < 0)
        st = status_of_errno(errno);
    ob_dereference_object(f);
    return st;
}

NTSTATUS io_delete_file(struct ntmm_machine *m, const char *path)
{
    char rel[4096];
    size_t last;
    NTSTATUS st = ke_machine_running(m);
    if (NT_SUCCESS(st))
        st = host_path(path, rel, sizeof rel, &last);
    if (!NT_SUCCESS(st))
        return st;
    if (!strcmp(rel, "."))
        return STATUS_ACCESS_DENIED; /* the root directory */
    int dir;
    if (last) {
        rel[last - 1] = '\0';
        dir = open_beneath(m->root_fd, rel, O_PATH | O_DIRECTORY, 0);
        if (dir < 0)
            return errno == ENOENT ? STATUS_OBJECT_PATH_NOT_FOUND : status_of_errno(errno);
    } else {
        dir = dup(m->root_fd);
        if (dir < 0)
            return status_of_errno(errno);
    }
    const char *name = rel + last;
    struct stat sb;
    if (fstatat(dir, name, &sb, AT_SYMLINK_NOFOLLOW) < 0)
        st = status_of_errno(errno);
    else if (!S_ISREG(sb.st_mode) || sb.st_nlink > 1)
        st = STATUS_ACCESS_DENIED;
    else if (held_by_pager(m, &sb) ||
             share_violation(m, &sb, DELETE, FILE_SHARE_READ | FILE_SHARE_WRITE |
                                             FILE_SHARE_DELETE))
        st = STATUS_SHARING_VIOLATION;
    else if (mm_file_has_section(&m->mm, (uint64_t)sb.st_dev, (uint64_t)sb.st_ino, false))
        st = STATUS_CANNOT_DELETE; /* Windows: MmFlushImageSection refuses */
    else if (unlinkat(dir, name, 0) < 0)
        st = status_of_errno(errno);
    close(dir);
    return st;
}

NTSTATUS io_file_size(struct io_file *f, uint64_t *size)
{
    struct stat sb;
    if (fstat(f->fd, &sb) < 0)
        return status_of_errno(errno);
    *size = (uint64_t)sb.st_size;
    return STATUS_SUCCESS;
}

NTSTATUS io_extend_file(struct io_file *f, uint64_t size)
{
    uint64_t now;
    NTSTATUS st = io_file_size(f, &now);
    if (!NT_SUCCESS(st) || now >= size)
        return st;
    if (size > INT64_MAX)
        return STATUS_DISK_FULL;
    return ftruncate(f->fd, (off_t)size) < 0 ? status_of_errno(errno) : STATUS_SUCCESS;
}

NTSTATUS io_page_read(struct io_file *f, uint64_t offset, void *buffer, size_t size)
{
    uint8_t *p = buffer;
    memset(p, 0, size);
    for (size_t done = 0; done < size;) {
        ssize_t got = pread(f->fd, p + done, size - done, (off_t)(offset + done));
        if (got < 0)
            return status_of_errno(errno);
        if (got == 0)
            break; /* past the end: zeros */
        done += (size_t)got;
    }
    return STATUS_SUCCESS;
}

NTSTATUS io_page_write(struct io_file *f, uint64_t offset, const void *buffer, size_t size)
{
    const uint8_t *p = buffer;
    for (size_t done = 0; done < size;) {
        ssize_t put = pwrite(f->fd, p + done, size - done, (off_t)(offset + done));
        if (put <= 0)
            return put < 0 ? status_of_errno(errno) : STATUS_DISK_FULL;
        done += (size_t)put;
    }
    return STATUS_SUCCESS;
}
