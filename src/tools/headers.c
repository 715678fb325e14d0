/*
 * headers.c — WinDbg's !dh ("dump headers"): the PE headers of an image
 * mapped in the current process, read from its memory, in the layout of
 * WinDbg's extension (the layout link /dump and dumpbin /headers share):
 * "File Type", FILE HEADER VALUES with the names of the Characteristics
 * bits ("Executable", "App can handle >2gb addresses", "32 bit word
 * machine", "DLL"), OPTIONAL HEADER VALUES (magic 10B for PE32, 20B for
 * PE32+, image base, alignments, sizes, subsystem, DllCharacteristics by
 * name, stack and heap sizes, the 16 data directories) and one SECTION
 * HEADER #n block per section with its flags by name ("Code", "Initialized
 * Data", the alignment, then its access: "Execute Read", "Read Only", "Read
 * Write").
 *
 *   !dh [-a|-f|-s] Address|Module
 *
 * -f prints the file and optional headers, -s the section headers, -a (the
 * default) both. Module is a name lm prints ("mydll", "app"), or the image
 * file's name ("app.exe"); Address any address inside an image: its headers
 * are read from the image's first byte. An address outside every image is
 * read as it is, for an image copied into other memory.
 *
 * Where ntmm differs from WinDbg: the time date stamp is converted in UTC
 * (WinDbg uses the debugger's local time), so output is the same anywhere;
 * only NumberOfRvaAndSizes directories are printed (at most 16); debug
 * directories, exports and imports (-e, -i) are not shown.
 *
 * (1) Nothing changes: image pages are read with ntmm_image_read, other
 *     memory with tool_read; neither faults a page in.
 * (2) The headers are checked before anything is printed: malformed
 *     headers, or memory that holds none, give one line and a status
 *     (STATUS_INVALID_IMAGE_NOT_MZ, STATUS_INVALID_IMAGE_FORMAT,
 *     STATUS_ACCESS_VIOLATION for memory that cannot be read).
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "tools/tool_internal.h"

#define DH_MAX_SECTIONS 96u       /* the most sections Windows maps */
#define DH_SECTION_HEADER 40u     /* sizeof(IMAGE_SECTION_HEADER) */
#define DH_FILE_DLL 0x2000u       /* IMAGE_FILE_DLL */
#define DH_MAGIC_PE32 0x10Bu      /* IMAGE_NT_OPTIONAL_HDR32_MAGIC */
#define DH_MAGIC_PE32_PLUS 0x20Bu /* IMAGE_NT_OPTIONAL_HDR64_MAGIC */

/* The headers, as read (little-endian bytes, decoded as printed). */
struct dh_image {
    uint64_t base;                      /* the image's first byte */
    uint8_t file[20];                   /* IMAGE_FILE_HEADER */
    uint8_t optional[240];              /* IMAGE_OPTIONAL_HEADER32 / 64, zero-padded */
    bool pe32_plus;                     /* magic 20B */
    unsigned directories;               /* data directories present, at most 16 */
    unsigned sections;                  /* NumberOfSections */
    uint8_t table[DH_MAX_SECTIONS * DH_SECTION_HEADER]; /* the section table */
};

static uint64_t get(const uint8_t *p, unsigned width)
{
    uint64_t v = 0;
    for (unsigned i = width; i-- > 0;)
        v = v << 8 | p[i];
    return v;
}

/* One name per bit (NULL: printed as nothing), as WinDbg names them. */
struct dh_bit {
    uint32_t bit;
    const char *name;
};

static const struct dh_bit file_bits[] = {
    { 0x0001, "Relocations stripped" },
    { 0x0002, "Executable" },
    { 0x0004, "Line numbers stripped" },
    { 0x0008, "Symbols stripped" },
    { 0x0020, "App can handle >2gb addresses" },
    { 0x0080, "Bytes reversed" },
    { 0x0100, "32 bit word machine" },
    { 0x0200, "Debug information stripped" },
    { 0x0400, "Run from swap file if image is on removable media" },
    { 0x0800, "Run from swap file if image is on net" },
    { 0x1000, "System" },
    { 0x2000, "DLL" },
    { 0x8000, NULL },
};

static const struct dh_bit dll_bits[] = {
    { 0x0001, NULL }, { 0x0002, NULL }, { 0x0004, NULL }, { 0x0008, NULL }, { 0x0010, NULL },
    { 0x0020, "High entropy VA supported" },
    { 0x0040, "Dynamic base" },
    { 0x0080, "Check integrity" },
    { 0x0100, "NX compatible" },
    { 0x0200, "Isolation disabled" },
    { 0x0400, "No structured exception handler" },
    { 0x0800, "Do not bind" },
    { 0x1000, "AppContainer executable" },
    { 0x2000, "WDM driver" },
    { 0x4000, "Guard" },
    { 0x8000, "Terminal server aware" },
};

/* Section flags other than the alignment and the access bits. */
static const struct dh_bit section_bits[] = {
    { 0x00000008, "No Pad" },
    { 0x00000020, "Code" },
    { 0x00000040, "Initialized Data" },
    { 0x00000080, "Uninitialized Data" },
    { 0x00000100, "Other" },
    { 0x00000200, "Info" },
    { 0x00000800, "Remove" },
    { 0x00001000, "Communal" },
    { 0x00004000, "Protected" },
    { 0x00008000, "Far Data" },
    { 0x00010000, "Sys Heap" },
    { 0x00020000, "Purgeable or 16-Bit" },
    { 0x00040000, "Locked" },
    { 0x00080000, "Preload" },
    { 0x02000000, "Discardable" },
    { 0x04000000, "Not Cached" },
    { 0x08000000, "Not Paged" },
    { 0x10000000, "Shared" },
};

/* Prints the name of each set bit of value, in bit order; a bit the table
 * does not have is "RESERVED - UNKNOWN", as WinDbg says. */
static void print_bits(struct tool_output *out, const char *indent, uint32_t value,
                       const struct dh_bit *table, size_t count)
{
    for (unsigned b = 0; b < 32; b++) {
        uint32_t bit = 1u << b;
        if (!(value & bit))
            continue;
        const char *name = "RESERVED - UNKNOWN";
        for (size_t i = 0; i < count; i++)
            if (table[i].bit == bit)
                name = table[i].name;
        if (name)
            tool_printf(out, "%s%s\n", indent, name);
    }
}

static const char *machine_name(unsigned machine)
{
    switch (machine) {
    case 0x014C: return "i386";
    case 0x8664: return "X64";
    case 0x0200: return "Intel IA64";
    case 0x01C0: return "ARM 32-bit";
    case 0x01C4: return "ARM NT (Thumb-2)";
    case 0xAA64: return "ARMv8 (64-bit)";
    default: return "Unknown";
    }
}

static const char *subsystem_name(unsigned subsystem)
{
    switch (subsystem) {
    case 1: return "Native";
    case 2: return "Windows GUI";
    case 3: return "Windows CUI";
    case 7: return "Posix CUI";
    default: return "Unknown";
    }
}

/* ctime's text of a TimeDateStamp (seconds since 1970), in UTC. */
static void stamp_text(uint32_t stamp, char *text, size_t size)
{
    static const char days[7][4] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
    static const char months[12][4] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
    time_t t = (time_t)stamp;
    struct tm tm;
    if (!gmtime_r(&t, &tm)) {
        snprintf(text, size, "%s", "");
        return;
    }
    snprintf(text, size, " %s %s %02d %02d:%02d:%02d %d", days[tm.tm_wday], months[tm.tm_mon],
             tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, tm.tm_year + 1900);
}

/* WinDbg's %p: the machine's pointer width, lower-case, no backtick. */
static void print_pointer(struct tool_context *context, struct tool_output *out, uint64_t value,
                          const char *what)
{
    tool_printf(out, "%0*llx %s\n", tool_is_x64(context) ? 16 : 8, (unsigned long long)value,
                what);
}

/* ---- reading and checking, (2) ---- */

struct dh_reader {
    struct tool_context *context;
    bool image; /* read through ntmm_image_read (else tool_read) */
};

static bool dh_read(const struct dh_reader *r, uint64_t va, void *buffer, size_t size)
{
    if (va + size < va)
        return false;
    if (r->image)
        return ntmm_image_read(r->context->process, va, buffer, size) == STATUS_SUCCESS;
    return tool_read(r->context, va, buffer, size, NULL);
}

/* Reads and checks the headers at image->base; on failure prints the line. */
static NTSTATUS dh_load(const struct dh_reader *r, const char *name, struct dh_image *image,
                        struct tool_output *out)
{
    struct tool_hex address = tool_address_text(r->context, image->base, false);
    const char *at = address.text;
    uint8_t dos[64], signature[4];
    if (!dh_read(r, image->base, dos, sizeof dos))
        return tool_fail(out, STATUS_ACCESS_VIOLATION, "%s: cannot read the headers at %s", name,
                         at);
    if (dos[0] != 'M' || dos[1] != 'Z')
        return tool_fail(out, STATUS_INVALID_IMAGE_NOT_MZ, "%s: no image at %s: no MZ signature",
                         name, at);
    uint64_t nt = image->base + (uint32_t)get(dos + 0x3c, 4); /* e_lfanew */
    if (!dh_read(r, nt, signature, 4) || memcmp(signature, "PE\0\0", 4) ||
        !dh_read(r, nt + 4, image->file, sizeof image->file))
        return tool_fail(out, STATUS_INVALID_IMAGE_FORMAT,
                         "%s: bad image headers at %s: no PE signature at e_lfanew %llx", name, at,
                         (unsigned long long)get(dos + 0x3c, 4));
    unsigned optional = (unsigned)get(image->file + 16, 2);
    image->sections = (unsigned)get(image->file + 2, 2);
    memset(image->optional, 0, sizeof image->optional);
    if (optional < 2 || !dh_read(r, nt + 24, image->optional,
                                 optional < sizeof image->optional ? optional
                                                                   : sizeof image->optional))
        return tool_fail(out, STATUS_INVALID_IMAGE_FORMAT,
                         "%s: bad image headers at %s: no optional header", name, at);
    unsigned magic = (unsigned)get(image->optional, 2);
    if (magic != DH_MAGIC_PE32 && magic != DH_MAGIC_PE32_PLUS)
        return tool_fail(out, STATUS_INVALID_IMAGE_FORMAT,
                         "%s: bad image headers at %s: optional header magic %X", name, at, magic);
    image->pe32_plus = magic == DH_MAGIC_PE32_PLUS;
    unsigned fixed = image->pe32_plus ? 112 : 96; /* the bytes before DataDirectory */
    unsigned directories = (unsigned)get(image->optional + fixed - 4, 4); /* NumberOfRvaAndSizes */
    image->directories = directories < 16 ? directories : 16;
    if (optional < fixed + 8 * image->directories)
        return tool_fail(out, STATUS_INVALID_IMAGE_FORMAT,
                         "%s: bad image headers at %s: optional header of %X bytes", name, at,
                         optional);
    if (image->sections > DH_MAX_SECTIONS ||
        !dh_read(r, nt + 24 + optional, image->table, image->sections * DH_SECTION_HEADER))
        return tool_fail(out, STATUS_INVALID_IMAGE_FORMAT,
                         "%s: bad image headers at %s: cannot read %u section headers", name, at,
                         image->sections);
    return STATUS_SUCCESS;
}

/* ---- printing ---- */

static void print_file_header(const struct dh_image *image, struct tool_output *out)
{
    const uint8_t *f = image->file;
    unsigned characteristics = (unsigned)get(f + 18, 2);
    char stamp[40];
    stamp_text((uint32_t)get(f + 4, 4), stamp, sizeof stamp);
    tool_printf(out, "\nFile Type: %s\n", characteristics & DH_FILE_DLL ? "DLL" : "EXECUTABLE IMAGE");
    tool_printf(out, "FILE HEADER VALUES\n%8X machine (%s)\n%8X number of sections\n"
                     "%8X time date stamp%s\n\n",
                (unsigned)get(f, 2), machine_name((unsigned)get(f, 2)), (unsigned)get(f + 2, 2),
                (unsigned)get(f + 4, 4), stamp);
    tool_printf(out, "%8X file pointer to symbol table\n%8X number of symbols\n"
                     "%8X size of optional header\n%8X characteristics\n",
                (unsigned)get(f + 8, 4), (unsigned)get(f + 12, 4), (unsigned)get(f + 16, 2),
                characteristics);
    print_bits(out, "            ", characteristics, file_bits,
               sizeof file_bits / sizeof file_bits[0]);
}

static void print_optional_header(struct tool_context *context, const struct dh_image *image,
                                  struct tool_output *out)
{
    static const char *const directory[16] = {
        "Export", "Import", "Resource", "Exception", "Security", "Base Relocation", "Debug",
        "Description", "Special", "Thread Storage", "Load Configuration", "Bound Import",
        "Import Address Table", "Delay Import", "COR20 Header", "Reserved",
    };
    const uint8_t *o = image->optional;
    unsigned w = image->pe32_plus ? 8 : 4; /* ImageBase and the stack and heap sizes */
    char linker[16], os[16], version[16], subsystem[16];
    snprintf(linker, sizeof linker, "%u.%02u", o[2], o[3]);
    snprintf(os, sizeof os, "%u.%02u", (unsigned)get(o + 40, 2), (unsigned)get(o + 42, 2));
    snprintf(version, sizeof version, "%u.%02u", (unsigned)get(o + 44, 2), (unsigned)get(o + 46, 2));
    snprintf(subsystem, sizeof subsystem, "%u.%02u", (unsigned)get(o + 48, 2),
             (unsigned)get(o + 50, 2));
    tool_printf(out, "\nOPTIONAL HEADER VALUES\n%8X magic #\n%8s linker version\n"
                     "%8X size of code\n%8X size of initialized data\n"
                     "%8X size of uninitialized data\n%8X address of entry point\n"
                     "%8X base of code\n         ----- new -----\n",
                (unsigned)get(o, 2), linker, (unsigned)get(o + 4, 4), (unsigned)get(o + 8, 4),
                (unsigned)get(o + 12, 4), (unsigned)get(o + 16, 4), (unsigned)get(o + 20, 4));
    print_pointer(context, out, get(o + (image->pe32_plus ? 24 : 28), w), "image base");
    unsigned subsystem_value = (unsigned)get(o + 68, 2);
    tool_printf(out, "%8X section alignment\n%8X file alignment\n%8X subsystem (%s)\n"
                     "%8s operating system version\n%8s image version\n%8s subsystem version\n"
                     "%8X size of image\n%8X size of headers\n%8X checksum\n",
                (unsigned)get(o + 32, 4), (unsigned)get(o + 36, 4), subsystem_value,
                subsystem_name(subsystem_value), os, version, subsystem, (unsigned)get(o + 56, 4),
                (unsigned)get(o + 60, 4), (unsigned)get(o + 64, 4));
    static const char *const sizes[4] = { "size of stack reserve", "size of stack commit",
                                          "size of heap reserve", "size of heap commit" };
    for (unsigned i = 0; i < 4; i++)
        print_pointer(context, out, get(o + 72 + i * w, w), sizes[i]);
    unsigned dll = (unsigned)get(o + 70, 2);
    tool_printf(out, "%8X  DLL characteristics\n", dll);
    print_bits(out, "            ", dll, dll_bits, sizeof dll_bits / sizeof dll_bits[0]);
    const uint8_t *d = o + (image->pe32_plus ? 112 : 96);
    for (unsigned i = 0; i < image->directories; i++)
        tool_printf(out, "%8X [%8X] address [size] of %s Directory\n", (unsigned)get(d + 8 * i, 4),
                    (unsigned)get(d + 8 * i + 4, 4), directory[i]);
    tool_printf(out, "\n");
}

static void print_section(unsigned number, const uint8_t *s, struct tool_output *out)
{
    static const char *const access[8] = { NULL,          "Execute Only", "Read Only",
                                           "Execute Read", "Write Only",   "Execute Write",
                                           "Read Write",   "Execute Read Write" };
    char name[9];
    for (unsigned i = 0; i < 8; i++)
        name[i] = s[i] && !isprint(s[i]) ? '?' : (char)s[i];
    name[8] = 0;
    uint32_t flags = (uint32_t)get(s + 36, 4);
    tool_printf(out, "\nSECTION HEADER #%X\n%8s name\n%8X virtual size\n%8X virtual address\n"
                     "%8X size of raw data\n%8X file pointer to raw data\n"
                     "%8X file pointer to relocation table\n%8X file pointer to line numbers\n"
                     "%8X number of relocations\n%8X number of line numbers\n%8X flags\n",
                number, name, (unsigned)get(s + 8, 4), (unsigned)get(s + 12, 4),
                (unsigned)get(s + 16, 4), (unsigned)get(s + 20, 4), (unsigned)get(s + 24, 4),
                (unsigned)get(s + 28, 4), (unsigned)get(s + 32, 2), (unsigned)get(s + 34, 2),
                flags);
    print_bits(out, "         ", flags & ~0xE0700000u, section_bits,
               sizeof section_bits / sizeof section_bits[0]);
    unsigned align = (flags >> 20) & 7;
    if (align)
        tool_printf(out, "         %u byte align\n", 1u << (align - 1));
    else
        tool_printf(out, "         (no align specified)\n");
    if (access[flags >> 29])
        tool_printf(out, "         %s\n", access[flags >> 29]);
}

/* ---- the command ---- */

/* The base of the module lm calls name ("app", "nt"), or whose file is
 * name ("app.exe"), compared without case. */
static bool module_base(struct tool_context *context, const char *name, uint64_t *base)
{
    if (!strcasecmp(name, "nt")) {
        struct ntmm_machine_info info;
        ntmm_machine_info(context->machine, &info);
        *base = info.kernel_base;
        return true;
    }
    struct ntmm_module_info module;
    for (unsigned i = 0; context->process && ntmm_module_at(context->process, i, &module); i++) {
        struct tool_name path = tool_file_name_text(module.file_name);
        const char *file = strrchr(path.text, '\\');
        file = file ? file + 1 : path.text;
        if (!strcasecmp(tool_module_name(module.file_name).text, name) ||
            !strcasecmp(file, name)) {
            *base = module.base;
            return true;
        }
    }
    return false;
}

NTSTATUS tool_dh(struct tool_context *context, const char *name, const char *args,
                 struct tool_output *out)
{
    char buffer[512], *words[4];
    size_t n = tool_split(args, buffer, words, 3);
    bool headers = true, sections = true;
    const char *target = NULL;
    for (size_t i = 0; i < n && n <= 3; i++) {
        if (!strcmp(words[i], "-f") || !strcmp(words[i], "-s") || !strcmp(words[i], "-a")) {
            headers = words[i][1] != 's';
            sections = words[i][1] != 'f';
        } else if (words[i][0] != '-' && !target) {
            target = words[i];
        } else {
            target = NULL;
            break;
        }
    }
    if (!target)
        return tool_fail(out, STATUS_INVALID_PARAMETER, "%s: usage: !dh [-a|-f|-s] Address|Module",
                         name);
    struct dh_reader reader = { context, false };
    struct dh_image image;
    if (!module_base(context, target, &image.base) &&
        !tool_eval(context, name, target, &image.base, out))
        return STATUS_INVALID_PARAMETER;
    struct ntmm_vad_info vad;
    if (context->process && ntmm_vad_query(context->process, image.base, &vad) == STATUS_SUCCESS &&
        vad.image_map) {
        reader.image = true;
        image.base = vad.starting_vpn << 12;
    }
    NTSTATUS status = dh_load(&reader, name, &image, out);
    if (!NT_SUCCESS(status))
        return status;
    if (headers) {
        print_file_header(&image, out);
        print_optional_header(context, &image, out);
    }
    for (unsigned i = 0; sections && i < image.sections; i++)
        print_section(i + 1, image.table + i * DH_SECTION_HEADER, out);
    return STATUS_SUCCESS;
}
