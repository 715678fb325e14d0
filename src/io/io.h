/*
 * io.h — the I/O manager's files (Windows: Io*, the File object type and
 * NtCreateFile / NtReadFile … reduced to what kernelbase's file functions
 * need). The machine's C: drive is a host directory (ntmm_config.
 * root_directory); a File object holds a host descriptor of a regular file
 * below it.
 *
 * (1) Paths: "C:\x", "C:/d\x", "\x" and "x" (relative to C:\) name
 *     root/x; '/' and '\' both separate, repeated separators and "."
 *     components are ignored. Another drive letter, a UNC or \\?\ prefix
 *     and an empty path give STATUS_OBJECT_PATH_NOT_FOUND; a ".." component
 *     (even one Windows would fold away, as in "C:\..\x") and the characters
 *     < > : " | ? * and 0x01-0x1F give STATUS_OBJECT_NAME_INVALID.
 * (2) Reserved device names (CON, PRN, AUX, NUL, COM1-9, LPT1-9, any case,
 *     with or without an extension, in any component; CONIN$ and CONOUT$
 *     without one): Windows opens the device; ntmm has no devices and gives
 *     STATUS_ACCESS_DENIED.
 * (3) Names are used as given: the host's names are case-sensitive, so
 *     "A.TXT" and "a.txt" are different files (Windows would fold case).
 * (4) Every open is openat2 relative to an O_PATH descriptor of the root with
 *     RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS: no
 *     symlink is followed (STATUS_ACCESS_DENIED) and nothing outside the root
 *     is reached. Only regular files open; a directory or anything else gives
 *     STATUS_ACCESS_DENIED (Windows: STATUS_FILE_IS_A_DIRECTORY, the same
 *     Win32 error).
 * (5) Share modes are checked against every File object of the same host
 *     file (device and inode) that still has a handle (Windows drops an
 *     object's share access at its last handle's cleanup, even while a
 *     section keeps the object): STATUS_SHARING_VIOLATION, before anything
 *     is created or truncated.
 * (6) io_delete_file unlinks at once, even with handles open (Windows marks
 *     the file delete-pending until the last close); it fails with
 *     STATUS_SHARING_VIOLATION when an open handle does not share delete.
 * (7) Host errors map to statuses: ENOENT -> STATUS_OBJECT_NAME_NOT_FOUND
 *     (STATUS_OBJECT_PATH_NOT_FOUND when the directory is missing), ENOTDIR
 *     -> STATUS_OBJECT_PATH_NOT_FOUND, EEXIST -> STATUS_OBJECT_NAME_COLLISION,
 *     EACCES, EPERM, EISDIR, ELOOP, EXDEV -> STATUS_ACCESS_DENIED, ENOMEM ->
 *     STATUS_NO_MEMORY, EMFILE, ENFILE, ENOSPC, EDQUOT, EFBIG ->
 *     STATUS_INSUFFICIENT_RESOURCES, ENAMETOOLONG -> STATUS_OBJECT_NAME_INVALID,
 *     others STATUS_UNSUCCESSFUL.
 * (8) A file a section uses (mm/section.h): opening it with a disposition
 *     that truncates gives STATUS_USER_MAPPED_FILE; opening it for writing
 *     while an image section uses it gives STATUS_SHARING_VIOLATION (Windows'
 *     MmFlushImageSection refuses while the image is mapped).
 * (9) Win32's normalization of names: the last component loses its
 *     trailing dots and spaces ("a.txt. " is "a.txt"), an inner one a single
 *     trailing dot; a component left empty names its directory. A path
 *     naming a file that ends in a separator ("C:\a.txt\") is
 *     STATUS_OBJECT_NAME_INVALID (ERROR_INVALID_NAME).
 * (10) A regular file with more than one host link is refused
 *     (STATUS_ACCESS_DENIED) for opening and deleting: a hard link planted
 *     on the host inside the root may name a file outside it, as a symlink
 *     may (4). ntmm itself never makes links.
 * (11) A pagefile (io_create_paging_file) is held open by the memory
 *     manager with no handle and shares nothing with later opens: opening
 *     it for reading, writing, truncating or deleting, and deleting it,
 *     give STATUS_SHARING_VIOLATION, as Windows' kernel handle to it does;
 *     an open for attributes only succeeds.
 *
 * Host cost: the root is a host directory (a new one under $TMPDIR, removed
 * when the machine is destroyed, or --root DIR, kept). It holds exactly the
 * files scripts create, each taking the host disk space of its bytes (a
 * file extended by SetEndOfFile or a section is sparse until written); a
 * File object holds one host descriptor, released at its last reference.
 */
#ifndef NTMM_IO_H
#define NTMM_IO_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "ntmm/winnt.h"
#include "ntmm/nt.h"

struct ntmm_machine;
struct ntmm_process;

/* NtCreateFile's CreateDisposition. */
#define FILE_SUPERSEDE 0
#define FILE_OPEN 1
#define FILE_CREATE 2
#define FILE_OPEN_IF 3
#define FILE_OVERWRITE 4
#define FILE_OVERWRITE_IF 5

/* The File object body (Windows: FILE_OBJECT with its FCB, reduced). */
struct io_file {
    struct ntmm_machine *machine;
    int fd;                  /* host descriptor, closed by the delete procedure */
    dev_t dev;
    ino_t ino;
    ACCESS_MASK access;      /* what the creating open was granted */
    ULONG share;             /* FILE_SHARE_* */
    uint64_t position;       /* CurrentByteOffset, shared by duplicated handles */
    char *name;              /* FileName: the path as CreateFile was given it (UTF-8), for the debugger */
    bool paging_file;        /* a pagefile's (io_create_paging_file): rule (11) */
    struct io_file *next;    /* machine->files */
};

extern const struct ob_type io_file_type;

/* Machine boot and shutdown: opens (or makes) the root; closes (and removes
 * a made one). */
NTSTATUS io_root_open(struct ntmm_machine *machine);
void io_root_close(struct ntmm_machine *machine);

/* Maps GENERIC_* in access to the File type's rights. */
ACCESS_MASK io_map_generic(ACCESS_MASK access);

/* NtCreateFile, reduced: a handle in process's table. disposition FILE_*;
 * *existed tells whether the file was there (for ERROR_ALREADY_EXISTS). */
NTSTATUS io_create_file(struct ntmm_process *process, const char *path, ACCESS_MASK access,
                        ULONG share, ULONG disposition, HANDLE *handle, bool *existed);

/* NtReadFile / NtWriteFile at the file's position, through simulated
 * memory at address. *done: bytes moved (the position advances by them).
 * A fault in the buffer: STATUS_ACCESS_VIOLATION after the bytes before the
 * faulting page. Reading at the end moves 0 bytes and succeeds. */
NTSTATUS io_read_file(struct ntmm_process *process, HANDLE handle, uint64_t address,
                      uint32_t size, uint32_t *done);
NTSTATUS io_write_file(struct ntmm_process *process, HANDLE handle, uint64_t address,
                       uint32_t size, uint32_t *done);

/* The status of a failed access to a caller's buffer: the exception Windows'
 * probe raises is STATUS_ACCESS_VIOLATION; a page the machine had no frame
 * for stays STATUS_INSUFFICIENT_RESOURCES (the memory ran out, the buffer
 * is fine). */
NTSTATUS io_buffer_fault(NTSTATUS access);

/* FilePositionInformation / FileStandardInformation, reduced. */
NTSTATUS io_query_file(struct ntmm_process *process, HANDLE handle, uint64_t *position,
                       uint64_t *size);
NTSTATUS io_set_position(struct ntmm_process *process, HANDLE handle, uint64_t position);
/* FileEndOfFileInformation at the current position (needs FILE_WRITE_DATA). */
NTSTATUS io_set_end_of_file(struct ntmm_process *process, HANDLE handle);

/* The memory manager's access to a file (Windows: the FCB's sizes,
 * IoPageRead, IoSynchronousPageWrite): by the File object, whoever holds a
 * handle. io_extend_file grows the file to size (never shrinks it);
 * io_page_read fills the whole buffer, zeros past the end of the file. */
NTSTATUS io_file_size(struct io_file *file, uint64_t *size);
NTSTATUS io_extend_file(struct io_file *file, uint64_t size);
NTSTATUS io_page_read(struct io_file *file, uint64_t offset, void *buffer, size_t size);
NTSTATUS io_page_write(struct io_file *file, uint64_t offset, const void *buffer, size_t size);

/* Windows: IoCreateFile as NtCreatePagingFile calls it (FILE_SUPERSEDE, a
 * kernel handle): the file at path made, or truncated, and extended to
 * size bytes (sparse); *file is a File object with the caller's reference
 * and no handle, under rules (1), (4), (10) and (11). */
NTSTATUS io_create_paging_file(struct ntmm_machine *machine, const char *path, uint64_t size,
                               struct io_file **file);
/* Unlinks a pagefile's host file (if the name still names it) and drops the
 * reference: the machine shuts down. */
void io_delete_paging_file(struct io_file *file);

/* NtDeleteFile / FileDispositionInformation: (6). */
NTSTATUS io_delete_file(struct ntmm_machine *machine, const char *path);

#endif
