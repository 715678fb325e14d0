/*
 * test_pe.c — the PE reader (ldr/pe.h) over real images: the fixtures
 * tests/pe/build.sh compiles with clang and links with lld-link, which
 * make check builds into $NTMM_PE_DIR before the tests run.
 *
 * (1) Header fields are checked against the linker options that set them
 *     (the table in build.sh), written out here, never derived from the code
 *     under test.
 * (2) Relocating page by page is compared with a whole-image relocation
 *     written here independently, on the real relocations and on fixups
 *     moved to straddle page edges.
 * (3) Every corrupted file is a copy of a real one in a heap buffer of
 *     exactly its length, so a read past its end is an AddressSanitizer
 *     report, not a silent pass.
 */
#include "testing.h"

#include <stdlib.h>
#include <string.h>

#include "ldr/pe.h"
#include "pe_synth.h"

#define COUNT(a) (sizeof (a) / sizeof (a)[0])
#define MB 0x100000u

struct file {
    uint8_t *data;
    size_t size;
};

static struct file load(const char *name)
{
    const char *dir = getenv("NTMM_PE_DIR");
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir && *dir ? dir : "build/check/pe", name);
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        fail_msg("cannot open the fixture %s (make check builds it with tests/pe/build.sh)", path);
    struct file out = { NULL, 0 };
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    long size = ftell(f);
    assert_true(size > 0);
    rewind(f);
    out.size = (size_t)size;
    out.data = malloc(out.size);
    assert_non_null(out.data);
    assert_int_equal(fread(out.data, 1, out.size, f), out.size);
    fclose(f);
    return out;
}

/* A copy in a buffer of exactly size bytes (a prefix when size is smaller). */
static uint8_t *copy_of(const struct file *f, size_t size)
{
    uint8_t *d = malloc(size ? size : 1);
    assert_non_null(d);
    memcpy(d, f->data, size < f->size ? size : f->size);
    return d;
}

/* The reader over a buffer: a struct pe_source of it. */
static void read_page(const uint8_t *d, size_t size, const struct pe_image *image, uint32_t rva,
                      uint8_t *page)
{
    struct pe_source source = pe_buffer_source(d, size);
    assert_true(pe_read_page(&source, image, rva, page));
}

static NTSTATUS imports(const uint8_t *d, size_t size, const struct pe_image *image,
                        void (*visit)(const char *dll, void *context), void *context)
{
    struct pe_source source = pe_buffer_source(d, size);
    return pe_imports(&source, image, visit, context);
}

/* The relocation index, by pe_reloc_scan's two calls; *status the first's. */
static struct pe_relocs index_relocations(const uint8_t *d, size_t size,
                                          const struct pe_image *image, NTSTATUS *status)
{
    struct pe_source source = pe_buffer_source(d, size);
    struct pe_relocs relocs = { NULL, 0 };
    *status = pe_reloc_scan(&source, image, NULL, &relocs.count);
    if (*status == STATUS_SUCCESS && relocs.count != 0) {
        relocs.blocks = calloc(relocs.count, sizeof *relocs.blocks);
        assert_non_null(relocs.blocks);
        uint64_t filled = relocs.count;
        assert_int_equal(pe_reloc_scan(&source, image, relocs.blocks, &filled), STATUS_SUCCESS);
        assert_int_equal(filled, relocs.count);
    }
    return relocs;
}

static NTSTATUS relocate_page(const uint8_t *d, size_t size, const struct pe_image *image,
                              const struct pe_relocs *relocs, uint32_t rva, int64_t delta,
                              uint8_t *page)
{
    struct pe_source source = pe_buffer_source(d, size);
    return pe_relocate_page(&source, image, relocs, rva, delta, page);
}

static uint32_t rd16(const uint8_t *d, size_t o) { return (uint32_t)d[o] | (uint32_t)d[o + 1] << 8; }
static uint32_t rd32(const uint8_t *d, size_t o) { return rd16(d, o) | rd16(d, o + 2) << 16; }
static uint64_t rd64(const uint8_t *d, size_t o) { return rd32(d, o) | (uint64_t)rd32(d, o + 4) << 32; }
static void wr16(uint8_t *d, size_t o, uint32_t v) { d[o] = (uint8_t)v; d[o + 1] = (uint8_t)(v >> 8); }
static void wr32(uint8_t *d, size_t o, uint32_t v) { wr16(d, o, v & 0xFFFF); wr16(d, o + 2, v >> 16); }
static void wr64(uint8_t *d, size_t o, uint64_t v) { wr32(d, o, (uint32_t)v); wr32(d, o + 4, (uint32_t)(v >> 32)); }

/* Where the headers are, from the PE Format (not from the code under test). */
static size_t nt_at(const uint8_t *d) { return rd32(d, 0x3C); }
static size_t opt_at(const uint8_t *d) { return nt_at(d) + 24; }
static bool plus(const uint8_t *d) { return rd16(d, opt_at(d)) == 0x20B; }
static size_t dir_at(const uint8_t *d, unsigned i) { return opt_at(d) + (plus(d) ? 112 : 96) + 8 * i; }
static size_t sec_at(const uint8_t *d, unsigned i) { return opt_at(d) + rd16(d, nt_at(d) + 20) + 40 * i; }
static unsigned nsections(const uint8_t *d) { return rd16(d, nt_at(d) + 6); }

/* The file offset of an RVA inside a section's raw data. */
static size_t file_offset(const uint8_t *d, uint32_t rva)
{
    for (unsigned i = 0; i < nsections(d); i++) {
        uint32_t va = rd32(d, sec_at(d, i) + 12), raw = rd32(d, sec_at(d, i) + 16);
        if (rva >= va && rva < va + raw)
            return rd32(d, sec_at(d, i) + 20) + (rva - va);
    }
    fail_msg("RVA %#x is in no section's raw data", rva);
    return 0;
}

static const struct pe_section *section_named(const struct pe_image *image, const char *name)
{
    for (unsigned i = 0; i < image->section_count; i++)
        if (strcmp(image->sections[i].name, name) == 0)
            return &image->sections[i];
    return NULL;
}

static bool all_zero(const void *p, size_t n)
{
    const uint8_t *b = p;
    for (size_t i = 0; i < n; i++)
        if (b[i] != 0)
            return false;
    return true;
}

/* ---- the fixtures, field by field ---- */

struct expect {
    const char *name;
    uint16_t machine;
    bool dll, laa, dynamic_base, high_entropy, relocs;
    uint64_t base;
    uint64_t stack_reserve, stack_commit, heap_reserve, heap_commit;
    uint16_t subsystem;
    const char *import; /* the one DLL imported, or NULL */
};

static const struct expect fixtures[] = {
    { "dll32.dll", 0x14C, true, false, true, false, true, 0x10000000, MB, 0x1000, MB, 0x1000, 2, NULL },
    { "app32.exe", 0x14C, false, true, true, false, true, 0x400000, MB, 0x1000, MB, 0x1000, 3, "dll32.dll" },
    { "app32_noaslr.exe", 0x14C, false, false, false, false, true, 0x400000,
      0x200000, 0x2000, 0x300000, 0x3000, 3, "dll32.dll" },
    { "app32_fixed.exe", 0x14C, false, false, false, false, false, 0x400000, MB, 0x1000, MB, 0x1000, 3, "dll32.dll" },
    { "dll64.dll", 0x8664, true, true, true, true, true, 0x180000000, MB, 0x1000, MB, 0x1000, 2, NULL },
    { "app64.exe", 0x8664, false, true, true, true, true, 0x140000000, MB, 0x1000, MB, 0x1000, 3, "dll64.dll" },
    { "app64_noaslr.exe", 0x8664, false, false, false, false, true, 0x400000,
      0x200000, 0x2000, 0x300000, 0x3000, 3, "dll64.dll" },
    { "app64_fixed.exe", 0x8664, false, true, false, true, false, 0x140000000, MB, 0x1000, MB, 0x1000, 3, "dll64.dll" },
    { "dll32_zero.dll", 0x14C, true, false, false, false, true, 0, MB, 0x1000, MB, 0x1000, 2, NULL },
    { "app32_zero.exe", 0x14C, false, false, false, false, true, 0, MB, 0x1000, MB, 0x1000, 3, "dll32.dll" },
    { "app32_zero_fixed.exe", 0x14C, false, false, false, false, false, 0, MB, 0x1000, MB, 0x1000, 3, "dll32.dll" },
    { "dll64_zero.dll", 0x8664, true, true, false, true, true, 0, MB, 0x1000, MB, 0x1000, 2, NULL },
    { "app64_zero.exe", 0x8664, false, true, false, true, true, 0, MB, 0x1000, MB, 0x1000, 3, "dll64.dll" },
    { "app64_zero_fixed.exe", 0x8664, false, true, false, true, false, 0, MB, 0x1000, MB, 0x1000, 3, "dll64.dll" },
};

struct names {
    unsigned count;
    char name[4][32];
};

static void collect(const char *dll, void *context)
{
    struct names *n = context;
    if (n->count < COUNT(n->name))
        snprintf(n->name[n->count], sizeof n->name[0], "%s", dll);
    n->count++;
}

static void check_sections(const struct expect *e, const struct pe_image *image)
{
    static const struct { const char *name; ULONG protection; } expected[] = {
        { ".text", PAGE_EXECUTE_READ },
        { ".rdata", PAGE_READONLY },
        { ".data", PAGE_WRITECOPY },
    };
    for (unsigned i = 0; i < COUNT(expected); i++) {
        const struct pe_section *s = section_named(image, expected[i].name);
        if (s == NULL)
            fail_msg("%s: no %s section", e->name, expected[i].name);
        assert_int_equal(pe_section_protection(s->characteristics), expected[i].protection);
        assert_int_equal(s->virtual_address % 4096, 0);
        assert_int_equal(s->raw_offset % 512, 0);
    }
    const struct pe_section *reloc = section_named(image, ".reloc");
    assert_int_equal(reloc != NULL, e->relocs);
    if (reloc != NULL) {
        assert_int_equal(pe_section_protection(reloc->characteristics), PAGE_READONLY);
        assert_int_equal(image->reloc_rva, reloc->virtual_address); /* lld puts only that there */
    }
    const struct pe_section *text = section_named(image, ".text");
    if (e->dll)
        assert_int_equal(image->entry_point, 0); /* /noentry */
    else
        assert_in_range(image->entry_point, text->virtual_address,
                        text->virtual_address + text->virtual_size - 1);
}

static void test_fixture(void **state)
{
    const struct expect *e = *state;
    struct file f = load(e->name);
    struct pe_image image;
    assert_int_equal(pe_parse(f.data, f.size, f.size, &image), STATUS_SUCCESS);
    assert_int_equal(image.machine, e->machine);
    assert_int_equal(image.pe32_plus, e->machine == 0x8664);
    assert_int_equal((image.characteristics & 0x2000) != 0, e->dll);           /* IMAGE_FILE_DLL */
    assert_int_equal((image.characteristics & 0x0020) != 0, e->laa);           /* LARGE_ADDRESS_AWARE */
    assert_int_equal((image.characteristics & 0x0001) != 0, !e->relocs);       /* RELOCS_STRIPPED */
    assert_int_equal((image.characteristics & 0x0002) != 0, true);             /* EXECUTABLE_IMAGE */
    assert_int_equal((image.dll_characteristics & 0x0040) != 0, e->dynamic_base);
    assert_int_equal((image.dll_characteristics & 0x0020) != 0, e->high_entropy);
    assert_int_equal((image.dll_characteristics & 0x0100) != 0, true);         /* NX_COMPAT */
    assert_int_equal(image.subsystem, e->subsystem);
    assert_int_equal(image.image_base, e->base);
    assert_int_equal(image.stack_reserve, e->stack_reserve);
    assert_int_equal(image.stack_commit, e->stack_commit);
    assert_int_equal(image.heap_reserve, e->heap_reserve);
    assert_int_equal(image.heap_commit, e->heap_commit);
    assert_int_equal(image.section_alignment, 4096);
    assert_int_equal(image.file_alignment, 512);
    assert_int_equal(image.size_of_headers, 1024);
    assert_int_equal(image.size_of_image % 4096, 0);
    assert_int_equal(image.reloc_size != 0, e->relocs);
    check_sections(e, &image);
    /* The last section reaches SizeOfImage and the end of the file. */
    const struct pe_section *last = &image.sections[image.section_count - 1];
    assert_int_equal(last->virtual_address + pe_section_span(&image, last), image.size_of_image);
    assert_int_equal(last->raw_offset + last->raw_size, f.size);

    struct names names = { 0 };
    assert_int_equal(imports(f.data, f.size, &image, collect, &names), STATUS_SUCCESS);
    if (e->import == NULL) {
        assert_int_equal(names.count, 0);
    } else {
        assert_int_equal(names.count, 1);
        assert_string_equal(names.name[0], e->import);
    }
    free(f.data);
}

static void test_section_protection(void **state)
{
    (void)state;
    const uint32_t X = 0x20000000, R = 0x40000000, W = 0x80000000, S = 0x10000000;
    const uint32_t CODE = 0x20, DATA = 0x40; /* content flags do not change protection */
    static const struct { uint32_t c; ULONG p; } cases[] = {
        { 0, PAGE_NOACCESS },
        { 0x20000000, PAGE_EXECUTE },
        { 0x40000000, PAGE_READONLY },
        { 0x60000000, PAGE_EXECUTE_READ },
        { 0x80000000, PAGE_WRITECOPY },
        { 0xA0000000, PAGE_EXECUTE_WRITECOPY },
        { 0xC0000000, PAGE_WRITECOPY },
        { 0xE0000000, PAGE_EXECUTE_WRITECOPY },
        { 0x10000000, PAGE_NOACCESS },
        { 0x50000000, PAGE_READONLY },
        { 0x70000000, PAGE_EXECUTE_READ },
        { 0xD0000000, PAGE_READWRITE },
        { 0xF0000000, PAGE_EXECUTE_READWRITE },
        { 0x90000000, PAGE_READWRITE },
    };
    for (unsigned i = 0; i < COUNT(cases); i++) {
        assert_int_equal(pe_section_protection(cases[i].c), cases[i].p);
        assert_int_equal(pe_section_protection(cases[i].c | CODE | DATA), cases[i].p);
    }
    assert_int_equal(pe_section_protection(X | R | CODE), PAGE_EXECUTE_READ);
    assert_int_equal(pe_section_protection(R | W | DATA), PAGE_WRITECOPY);
    assert_int_equal(pe_section_protection(R | W | S | DATA), PAGE_READWRITE);
}

/* ---- the image as laid out ---- */

/* The image as the loader lays it out, page by page through pe_read_page. */
static uint8_t *lay_out(const struct file *f, const struct pe_image *image)
{
    uint8_t *mem = malloc(image->size_of_image);
    assert_non_null(mem);
    for (uint32_t rva = 0; rva < image->size_of_image; rva += 4096)
        read_page(f->data, f->size, image, rva, mem + rva);
    return mem;
}

static void test_read_page(void **state)
{
    (void)state;
    for (unsigned k = 0; k < COUNT(fixtures); k++) {
        struct file f = load(fixtures[k].name);
        struct pe_image image;
        assert_int_equal(pe_parse(f.data, f.size, f.size, &image), STATUS_SUCCESS);
        uint8_t *mem = lay_out(&f, &image);
        /* The header page: the file's first SizeOfHeaders bytes, then zeros. */
        assert_memory_equal(mem, f.data, 1024);
        assert_memory_equal(mem, "MZ", 2);
        assert_true(all_zero(mem + 1024, 4096 - 1024));
        /* Each section: its raw data (512 bytes here), then zeros to its end. */
        for (unsigned i = 0; i < image.section_count; i++) {
            const struct pe_section *s = &image.sections[i];
            assert_int_equal(s->raw_size, 512);
            assert_memory_equal(mem + s->virtual_address, f.data + s->raw_offset, 512);
            assert_true(all_zero(mem + s->virtual_address + 512, pe_section_span(&image, s) - 512));
        }
        /* Past SizeOfImage: zeros. */
        uint8_t page[4096];
        memset(page, 0xCC, sizeof page);
        read_page(f.data, f.size, &image, image.size_of_image, page);
        assert_true(all_zero(page, sizeof page));
        /* app.c's marker is in .data: 0x12345678, then its own address. */
        if (fixtures[k].name[0] == 'a') {
            const struct pe_section *data = section_named(&image, ".data");
            uint32_t at = data->virtual_address;
            assert_int_equal(rd32(mem, at), 0x12345678);
            uint64_t self = image.pe32_plus ? rd64(mem, at + 8) : rd32(mem, at + 4);
            assert_int_equal(self, image.image_base + at);
        }
        free(mem);
        free(f.data);
    }
}

/* ---- relocation ---- */

/* Whole-image relocation, independent of pe_reloc.c: every block, every
   entry, applied to the laid-out image in one pass. */
static void relocate_whole(const struct file *f, const struct pe_image *image, int64_t delta,
                           uint8_t *mem)
{
    const uint8_t *d = f->data;
    uint32_t rva = rd32(d, dir_at(d, 5)), size = rd32(d, dir_at(d, 5) + 4);
    size_t at = file_offset(d, rva), end = at + size;
    while (at < end) {
        uint32_t page = rd32(d, at), block = rd32(d, at + 4);
        for (size_t e = at + 8; e < at + block; e += 2) {
            uint32_t entry = rd16(d, e), target = page + (entry & 0xFFF);
            assert_true(target < image->size_of_image);
            switch (entry >> 12) {
            case 0: break;
            case 1: wr16(mem, target, rd16(mem, target) + (uint32_t)((uint64_t)delta >> 16)); break;
            case 2: wr16(mem, target, rd16(mem, target) + (uint32_t)delta); break;
            case 3: wr32(mem, target, rd32(mem, target) + (uint32_t)delta); break;
            case 10: wr64(mem, target, rd64(mem, target) + (uint64_t)delta); break;
            default: fail_msg("relocation type %u", entry >> 12);
            }
        }
        at += block;
    }
}

/* Relocates a laid-out copy page by page with pe_relocate_page. */
static uint8_t *relocate_pages(const struct file *f, const struct pe_image *image, int64_t delta)
{
    uint8_t *mem = lay_out(f, image);
    NTSTATUS status;
    struct pe_relocs relocs = index_relocations(f->data, f->size, image, &status);
    assert_int_equal(status, STATUS_SUCCESS);
    for (uint32_t rva = 0; rva < image->size_of_image; rva += 4096)
        assert_int_equal(relocate_page(f->data, f->size, image, &relocs, rva, delta, mem + rva),
                         STATUS_SUCCESS);
    free(relocs.blocks);
    return mem;
}

static size_t bytes_differing(const uint8_t *a, const uint8_t *b, size_t n)
{
    size_t count = 0;
    for (size_t i = 0; i < n; i++)
        count += a[i] != b[i];
    return count;
}

static void check_relocation(const struct file *f, const struct pe_image *image, int64_t delta)
{
    uint8_t *original = lay_out(f, image);
    uint8_t *whole = lay_out(f, image);
    relocate_whole(f, image, delta, whole);
    uint8_t *paged = relocate_pages(f, image, delta);
    assert_memory_equal(paged, whole, image->size_of_image);
    assert_true(bytes_differing(paged, original, image->size_of_image) > 0);
    free(original);
    free(whole);
    free(paged);
}

static void test_relocate(void **state)
{
    (void)state;
    static const int64_t deltas32[] = { 0x10000, -0x300000, 0x7FBF0000, 0x12345678 };
    static const int64_t deltas64[] = { 0x10000, -0x130000000, 0x7FF000000000 - 0x140000000,
                                        0x123456789ABC };
    for (unsigned k = 0; k < COUNT(fixtures); k++) {
        if (!fixtures[k].relocs)
            continue;
        struct file f = load(fixtures[k].name);
        struct pe_image image;
        assert_int_equal(pe_parse(f.data, f.size, f.size, &image), STATUS_SUCCESS);
        const int64_t *deltas = image.pe32_plus ? deltas64 : deltas32;
        for (unsigned i = 0; i < 4; i++)
            check_relocation(&f, &image, deltas[i]);
        /* At its ImageBase nothing changes. */
        uint8_t *same = relocate_pages(&f, &image, 0);
        uint8_t *original = lay_out(&f, &image);
        assert_memory_equal(same, original, image.size_of_image);
        /* The marker's pointer moves by exactly the delta. */
        if (fixtures[k].name[0] == 'a') {
            int64_t delta = image.pe32_plus ? 0x7FF000000000 - 0x140000000 : 0x10000;
            uint8_t *moved = relocate_pages(&f, &image, delta);
            uint32_t at = section_named(&image, ".data")->virtual_address;
            uint64_t self = image.pe32_plus ? rd64(moved, at + 8) : rd32(moved, at + 4);
            assert_int_equal(self, image.image_base + (uint64_t)delta + at);
            free(moved);
        }
        free(same);
        free(original);
        free(f.data);
    }
}

static void test_relocate_fixed(void **state)
{
    (void)state;
    const char *names[] = { "app32_fixed.exe", "app64_fixed.exe" };
    for (unsigned k = 0; k < COUNT(names); k++) {
        struct file f = load(names[k]);
        struct pe_image image;
        assert_int_equal(pe_parse(f.data, f.size, f.size, &image), STATUS_SUCCESS);
        uint8_t *mem = lay_out(&f, &image), *original = lay_out(&f, &image);
        NTSTATUS status;
        struct pe_relocs relocs = index_relocations(f.data, f.size, &image, &status);
        assert_int_equal(status, STATUS_SUCCESS);
        assert_int_equal(relocs.count, 0); /* it cannot move: nothing to index */
        assert_int_equal(relocate_page(f.data, f.size, &image, &relocs, 0x1000, 0x10000, mem + 0x1000),
                         STATUS_CONFLICTING_ADDRESSES);
        assert_int_equal(relocate_page(f.data, f.size, &image, &relocs, 0x1000, 0, mem + 0x1000),
                         STATUS_SUCCESS);
        assert_memory_equal(mem, original, image.size_of_image);
        free(mem);
        free(original);
        free(f.data);
    }
}

/* The entries of the block at file offset at, rewritten. */
static void set_entry(uint8_t *d, size_t block, unsigned index, unsigned type, unsigned offset)
{
    wr16(d, block + 8 + 2 * index, type << 12 | offset);
}

/* Fixups moved to straddle the page edges: app32.exe's first block (page
   0x1000, five HIGHLOWs) gets a HIGHLOW at 0x1FFE, and a LOW, a HIGH, a
   DIR64 and a HIGHLOW patching the DIR64's upper half below it; its second
   (page 0x3000) a DIR64 at 0x3FFC. Page by page
   must still equal whole-image, and both pages of each straddling field
   must carry its new value. */
static void test_relocate_straddle(void **state)
{
    (void)state;
    struct file f = load("app32.exe");
    uint8_t *d = f.data;
    size_t first = file_offset(d, rd32(d, dir_at(d, 5)));
    assert_int_equal(rd32(d, first), 0x1000);
    assert_true(rd32(d, first + 4) >= 8 + 5 * 2);
    set_entry(d, first, 0, 3, 0xFFE);
    set_entry(d, first, 1, 2, 0xFE0);
    set_entry(d, first, 2, 1, 0xFE2);
    set_entry(d, first, 3, 10, 0xFE8);
    set_entry(d, first, 4, 3, 0xFEC); /* overlaps the DIR64: applied after it */
    size_t second = first + rd32(d, first + 4);
    assert_int_equal(rd32(d, second), 0x3000);
    set_entry(d, second, 0, 10, 0xFFC);
    struct pe_image image;
    assert_int_equal(pe_parse(d, f.size, f.size, &image), STATUS_SUCCESS);
    const int64_t delta = 0x0102030411223344; /* every byte changes something */
    uint8_t *original = lay_out(&f, &image);
    uint8_t *paged = relocate_pages(&f, &image, delta);
    check_relocation(&f, &image, delta);
    assert_int_equal(rd32(paged, 0x1FFE), (uint32_t)(rd32(original, 0x1FFE) + (uint64_t)delta));
    assert_int_equal(rd64(paged, 0x3FFC), rd64(original, 0x3FFC) + (uint64_t)delta);
    assert_int_equal(rd16(paged, 0x1FE0), (rd16(original, 0x1FE0) + 0x3344) & 0xFFFF);
    assert_int_equal(rd16(paged, 0x1FE2), (rd16(original, 0x1FE2) + 0x1122) & 0xFFFF);
    /* Each straddling field changed on both sides of its page edge. */
    assert_true(paged[0x1FFE] != original[0x1FFE] || paged[0x1FFF] != original[0x1FFF]);
    assert_true(paged[0x2000] != original[0x2000] || paged[0x2001] != original[0x2001]);
    assert_true(memcmp(paged + 0x3FFC, original + 0x3FFC, 4) != 0);
    assert_true(memcmp(paged + 0x4000, original + 0x4000, 4) != 0);
    free(original);
    free(paged);
    free(f.data);
}

/* ---- corrupted files ---- */

static void expect_invalid(const uint8_t *d, size_t size, const char *what, const char *file)
{
    struct pe_image image;
    memset(&image, 0xA5, sizeof image);
    NTSTATUS status = pe_parse(d, size, size, &image);
    if (status != STATUS_INVALID_IMAGE_FORMAT)
        fail_msg("%s, %s: pe_parse gave %#x", file, what, (unsigned)status);
    if (!all_zero(&image, sizeof image))
        fail_msg("%s, %s: the image is not zeroed", file, what);
}

static void test_truncated(void **state)
{
    (void)state;
    for (unsigned k = 0; k < COUNT(fixtures); k++) {
        struct file f = load(fixtures[k].name);
        char what[64];
        for (size_t n = 0; n < f.size; n = n <= 1024 ? n + 1 : n + 61) {
            uint8_t *d = copy_of(&f, n);
            snprintf(what, sizeof what, "truncated to %zu bytes", n);
            expect_invalid(d, n, what, fixtures[k].name);
            free(d);
        }
        uint8_t *d = copy_of(&f, f.size - 1);
        expect_invalid(d, f.size - 1, "one byte short", fixtures[k].name);
        free(d);
        d = copy_of(&f, f.size);
        struct pe_image image;
        assert_int_equal(pe_parse(d, f.size, f.size, &image), STATUS_SUCCESS);
        free(d);
        free(f.data);
    }
}

/* One corruption of a parsed-valid file's headers, in place. */
struct corruption {
    const char *what;
    void (*apply)(uint8_t *d, size_t size);
};

static uint32_t size_of_image(const uint8_t *d) { return rd32(d, opt_at(d) + 56); }
static size_t last_section(const uint8_t *d) { return sec_at(d, nsections(d) - 1); }

static void bad_mz(uint8_t *d, size_t size) { (void)size; d[1] = 'Y'; }
static void lfanew_past_eof(uint8_t *d, size_t size) { wr32(d, 0x3C, (uint32_t)size); }
static void lfanew_huge(uint8_t *d, size_t size) { (void)size; wr32(d, 0x3C, 0xFFFFFFFC); }
static void lfanew_at_end(uint8_t *d, size_t size) { wr32(d, 0x3C, (uint32_t)size - 4); d[size - 4] = 'P'; d[size - 3] = 'E'; d[size - 2] = 0; d[size - 1] = 0; }
static void bad_signature(uint8_t *d, size_t size) { (void)size; d[nt_at(d) + 3] = 1; }
static void bad_magic(uint8_t *d, size_t size) { (void)size; wr16(d, opt_at(d), 0x10C); }
static void other_magic(uint8_t *d, size_t size) { (void)size; wr16(d, opt_at(d), plus(d) ? 0x10B : 0x20B); }
static void machine_arm(uint8_t *d, size_t size) { (void)size; wr16(d, nt_at(d) + 4, 0x1C0); }
static void other_machine(uint8_t *d, size_t size) { (void)size; wr16(d, nt_at(d) + 4, plus(d) ? 0x14C : 0x8664); }
static void optional_too_small(uint8_t *d, size_t size) { (void)size; wr16(d, nt_at(d) + 20, plus(d) ? 104 : 88); }
static void optional_huge(uint8_t *d, size_t size) { (void)size; wr16(d, nt_at(d) + 20, 0xFFFF); }
static void no_sections(uint8_t *d, size_t size) { (void)size; wr16(d, nt_at(d) + 6, 0); }
static void sections_97(uint8_t *d, size_t size) { (void)size; wr16(d, nt_at(d) + 6, 97); }
static void one_more_section(uint8_t *d, size_t size) { (void)size; wr16(d, nt_at(d) + 6, nsections(d) + 1); }
static void section_alignment_3000(uint8_t *d, size_t size) { (void)size; wr32(d, opt_at(d) + 32, 0x3000); }
static void section_alignment_0(uint8_t *d, size_t size) { (void)size; wr32(d, opt_at(d) + 32, 0); }
static void low_alignment(uint8_t *d, size_t size) { (void)size; wr32(d, opt_at(d) + 32, 0x200); }
static void file_alignment_256(uint8_t *d, size_t size) { (void)size; wr32(d, opt_at(d) + 36, 0x100); }
static void file_alignment_128k(uint8_t *d, size_t size) { (void)size; wr32(d, opt_at(d) + 36, 0x20000); }
static void file_alignment_300(uint8_t *d, size_t size) { (void)size; wr32(d, opt_at(d) + 36, 0x300); }
static void file_above_section(uint8_t *d, size_t size) { (void)size; wr32(d, opt_at(d) + 36, 0x2000); }
static void image_page_short(uint8_t *d, size_t size) { (void)size; wr32(d, opt_at(d) + 56, size_of_image(d) - 0x1000); }
static void image_unaligned(uint8_t *d, size_t size) { (void)size; wr32(d, opt_at(d) + 56, size_of_image(d) + 0x10); }
static void image_zero(uint8_t *d, size_t size) { (void)size; wr32(d, opt_at(d) + 56, 0); }
static void base_unaligned(uint8_t *d, size_t size)
{
    (void)size;
    if (plus(d))
        wr64(d, opt_at(d) + 24, rd64(d, opt_at(d) + 24) + 0x1000);
    else
        wr32(d, opt_at(d) + 28, rd32(d, opt_at(d) + 28) + 0x1000);
}
/* The highest 64K-aligned base, with an image larger than the 64K left. */
static void base_wraps(uint8_t *d, size_t size)
{
    (void)size;
    if (plus(d))
        wr64(d, opt_at(d) + 24, 0xFFFFFFFFFFFF0000u);
    else
        wr32(d, opt_at(d) + 28, 0xFFFF0000u);
    wr32(d, opt_at(d) + 56, 0x11000);
}
static void entry_past_image(uint8_t *d, size_t size) { (void)size; wr32(d, opt_at(d) + 16, size_of_image(d)); }
static void headers_past_section(uint8_t *d, size_t size) { (void)size; wr32(d, opt_at(d) + 60, 0x1200); }
static void headers_past_eof(uint8_t *d, size_t size) { wr32(d, opt_at(d) + 60, (uint32_t)size + 0x200); }
static void headers_short(uint8_t *d, size_t size) { (void)size; wr32(d, opt_at(d) + 60, 0x100); }
static void raw_past_eof(uint8_t *d, size_t size) { (void)size; wr32(d, last_section(d) + 16, rd32(d, last_section(d) + 16) + 0x200); }
static void raw_offset_past_eof(uint8_t *d, size_t size) { wr32(d, last_section(d) + 20, (uint32_t)size); }
static void sections_overlap(uint8_t *d, size_t size) { (void)size; wr32(d, sec_at(d, 1) + 12, rd32(d, sec_at(d, 0) + 12)); }
static void sections_swapped(uint8_t *d, size_t size)
{
    (void)size;
    uint32_t a = rd32(d, sec_at(d, 1) + 12), b = rd32(d, sec_at(d, 2) + 12);
    wr32(d, sec_at(d, 1) + 12, b);
    wr32(d, sec_at(d, 2) + 12, a);
}
static void section_runs_on(uint8_t *d, size_t size) { (void)size; wr32(d, sec_at(d, 0) + 8, 0x1001); }
static void section_unaligned(uint8_t *d, size_t size) { (void)size; wr32(d, sec_at(d, 1) + 12, rd32(d, sec_at(d, 1) + 12) + 0x200); }
static void last_past_image(uint8_t *d, size_t size) { (void)size; wr32(d, last_section(d) + 8, 0x1001); }
static void section_in_headers(uint8_t *d, size_t size) { (void)size; wr32(d, sec_at(d, 0) + 12, 0); }
static void section_empty(uint8_t *d, size_t size) { (void)size; wr32(d, sec_at(d, 0) + 8, 0); wr32(d, sec_at(d, 0) + 16, 0); }
static void import_past_image(uint8_t *d, size_t size) { (void)size; wr32(d, dir_at(d, 1), size_of_image(d)); wr32(d, dir_at(d, 1) + 4, 20); }
static void reloc_size_wraps(uint8_t *d, size_t size) { (void)size; wr32(d, dir_at(d, 5) + 4, 0xFFFFFFFF); }
static void certificate_past_eof(uint8_t *d, size_t size) { wr32(d, dir_at(d, 4), (uint32_t)size - 4); wr32(d, dir_at(d, 4) + 4, 8); }

/* Moves everything from the NT headers to the end of the section table by
   shift bytes (the headers have room) and points e_lfanew at it. */
static void shift_headers(uint8_t *d, unsigned shift)
{
    size_t nt = nt_at(d), end = sec_at(d, nsections(d));
    memmove(d + nt + shift, d + nt, end - nt);
    wr32(d, 0x3C, (uint32_t)(nt + shift));
}
static void lfanew_misaligned(uint8_t *d, size_t size) { (void)size; shift_headers(d, 2); }

/* Drops the sixteenth data directory from SizeOfOptionalHeader while
   NumberOfRvaAndSizes still says 16: the directories overrun the header.
   The first section's name, now where the sixteenth entry was, is cleared,
   so reading that entry finds an empty directory, not a bad one. */
static void directories_overrun(uint8_t *d, size_t size)
{
    (void)size;
    size_t table = sec_at(d, 0), end = sec_at(d, nsections(d));
    memmove(d + table - 8, d + table, end - table);
    wr16(d, nt_at(d) + 20, rd16(d, nt_at(d) + 20) - 8);
    memset(d + sec_at(d, 0), 0, 8);
}

static const struct corruption corruptions[] = {
    { "bad MZ", bad_mz },
    { "e_lfanew past the end", lfanew_past_eof },
    { "e_lfanew 0xFFFFFFFC", lfanew_huge },
    { "e_lfanew at the last 4 bytes", lfanew_at_end },
    { "e_lfanew not 4-aligned", lfanew_misaligned },
    { "bad PE signature", bad_signature },
    { "optional header magic 0x10C", bad_magic },
    { "the other optional header magic", other_magic },
    { "machine ARM", machine_arm },
    { "the other machine", other_machine },
    { "SizeOfOptionalHeader below its fixed part", optional_too_small },
    { "SizeOfOptionalHeader 0xFFFF", optional_huge },
    { "directories overrun SizeOfOptionalHeader", directories_overrun },
    { "NumberOfSections 0", no_sections },
    { "NumberOfSections 97", sections_97 },
    { "NumberOfSections one too many", one_more_section },
    { "SectionAlignment 0x3000", section_alignment_3000 },
    { "SectionAlignment 0", section_alignment_0 },
    { "low alignment (SectionAlignment == FileAlignment == 512)", low_alignment },
    { "FileAlignment 256", file_alignment_256 },
    { "FileAlignment 128K", file_alignment_128k },
    { "FileAlignment 0x300", file_alignment_300 },
    { "FileAlignment above SectionAlignment", file_above_section },
    { "SizeOfImage a page short", image_page_short },
    { "SizeOfImage not a multiple of SectionAlignment", image_unaligned },
    { "SizeOfImage 0", image_zero },
    { "ImageBase not 64K-aligned", base_unaligned },
    { "ImageBase + SizeOfImage wraps", base_wraps },
    { "entry point past SizeOfImage", entry_past_image },
    { "SizeOfHeaders past the first section", headers_past_section },
    { "SizeOfHeaders past the end of the file", headers_past_eof },
    { "SizeOfHeaders short of the section table", headers_short },
    { "section raw data past the end of the file", raw_past_eof },
    { "section PointerToRawData past the end", raw_offset_past_eof },
    { "overlapping sections", sections_overlap },
    { "sections out of order", sections_swapped },
    { "section VirtualSize runs into the next", section_runs_on },
    { "section VirtualAddress not aligned", section_unaligned },
    { "last section past SizeOfImage", last_past_image },
    { "section inside the headers", section_in_headers },
    { "section with no size", section_empty },
    { "import directory past SizeOfImage", import_past_image },
    { "relocation directory size wraps", reloc_size_wraps },
    { "certificate directory past the end", certificate_past_eof },
};

static void test_corrupt_headers(void **state)
{
    (void)state;
    for (unsigned k = 0; k < COUNT(fixtures); k++) {
        struct file f = load(fixtures[k].name);
        for (unsigned i = 0; i < COUNT(corruptions); i++) {
            uint8_t *d = copy_of(&f, f.size);
            corruptions[i].apply(d, f.size);
            expect_invalid(d, f.size, corruptions[i].what, fixtures[k].name);
            free(d);
        }
        free(f.data);
    }
}

/* The near misses of the corruptions above are valid: each check refuses
   exactly what it should. */
static void test_valid_variants(void **state)
{
    (void)state;
    for (unsigned k = 0; k < COUNT(fixtures); k++) {
        struct file f = load(fixtures[k].name);
        struct pe_image original, image;
        assert_int_equal(pe_parse(f.data, f.size, f.size, &original), STATUS_SUCCESS);
        uint8_t *d = copy_of(&f, f.size);
        shift_headers(d, 4); /* 4-aligned e_lfanew elsewhere */
        assert_int_equal(pe_parse(d, f.size, f.size, &image), STATUS_SUCCESS);
        assert_memory_equal(&image, &original, sizeof image);
        free(d);
        d = copy_of(&f, f.size);
        directories_overrun(d, f.size);
        wr32(d, opt_at(d) + (plus(d) ? 108 : 92), 15); /* NumberOfRvaAndSizes now fits */
        assert_int_equal(pe_parse(d, f.size, f.size, &image), STATUS_SUCCESS);
        assert_string_equal(image.sections[0].name, "");
        memcpy(image.sections[0].name, original.sections[0].name, sizeof image.sections[0].name);
        assert_memory_equal(&image, &original, sizeof image);
        free(d);
        d = copy_of(&f, f.size);
        wr32(d, opt_at(d) + (plus(d) ? 108 : 92), 0x100); /* entries past 16 are ignored */
        wr32(d, dir_at(d, 4), (uint32_t)f.size - 8);      /* a certificate ending at EOF */
        wr32(d, dir_at(d, 4) + 4, 8);
        wr32(d, opt_at(d) + 60, 0x600);                   /* headers reaching into .text's data */
        assert_int_equal(pe_parse(d, f.size, f.size, &image), STATUS_SUCCESS);
        free(d);
        d = copy_of(&f, f.size);
        base_wraps(d, f.size);
        wr32(d, opt_at(d) + 56, 0x10000); /* the highest base, the largest image it fits */
        assert_int_equal(pe_parse(d, f.size, f.size, &image), STATUS_SUCCESS);
        assert_int_equal(image.image_base + image.size_of_image - 1, plus(d) ? UINT64_MAX : UINT32_MAX);
        free(d);
        free(f.data);
    }
}

/* ---- corrupted directories: pe_parse accepts, the reader refuses ---- */

static size_t first_block(const uint8_t *d) { return file_offset(d, rd32(d, dir_at(d, 5))); }

static void block_huge(uint8_t *d) { wr32(d, first_block(d) + 4, 0x7FFFFFF0); }
static void block_zero(uint8_t *d) { wr32(d, first_block(d) + 4, 0); }
static void block_four(uint8_t *d) { wr32(d, first_block(d) + 4, 4); }
/* The last block one byte longer, and the directory with it: nothing but
   the odd size is wrong. */
static size_t last_block(const uint8_t *d)
{
    size_t at = first_block(d), end = at + rd32(d, dir_at(d, 5) + 4);
    while (at + rd32(d, at + 4) < end)
        at += rd32(d, at + 4);
    return at;
}
static void block_odd(uint8_t *d)
{
    wr32(d, last_block(d) + 4, rd32(d, last_block(d) + 4) + 1);
    wr32(d, dir_at(d, 5) + 4, rd32(d, dir_at(d, 5) + 4) + 1);
}
/* A bad type in the last block, after good fixups in the earlier ones. */
static void type_5_last(uint8_t *d) { set_entry(d, last_block(d), 0, 5, 0x10); }
static void directory_short(uint8_t *d) { wr32(d, dir_at(d, 5) + 4, 4); }
static void directory_past_raw(uint8_t *d) { wr32(d, dir_at(d, 5) + 4, 0x800); }
static void type_highadj(uint8_t *d) { set_entry(d, first_block(d), 0, 4, 0x10); }
static void type_5(uint8_t *d) { set_entry(d, first_block(d), 0, 5, 0x10); }
static void type_15(uint8_t *d) { set_entry(d, first_block(d), 0, 15, 0x10); }
static void target_past_image(uint8_t *d) { wr32(d, first_block(d), size_of_image(d)); }
static void target_straddles_end(uint8_t *d)
{
    wr32(d, first_block(d), size_of_image(d) - 0x1000);
    set_entry(d, first_block(d), 0, 3, 0xFFE);
}

static const struct {
    const char *what;
    void (*apply)(uint8_t *d);
} bad_relocations[] = {
    { "a block with a huge SizeOfBlock", block_huge },
    { "a block with SizeOfBlock 0", block_zero },
    { "a block with SizeOfBlock 4", block_four },
    { "a block with an odd SizeOfBlock", block_odd },
    { "a directory shorter than a block header", directory_short },
    { "a directory past its section's raw data", directory_past_raw },
    { "type HIGHADJ", type_highadj },
    { "type 5", type_5 },
    { "type 15", type_15 },
    { "type 5 in the last block", type_5_last },
    { "a fixup past SizeOfImage", target_past_image },
    { "a fixup ending past SizeOfImage", target_straddles_end },
};

static void test_corrupt_relocations(void **state)
{
    (void)state;
    for (unsigned k = 0; k < COUNT(fixtures); k++) {
        if (!fixtures[k].relocs)
            continue;
        struct file f = load(fixtures[k].name);
        for (unsigned i = 0; i < COUNT(bad_relocations); i++) {
            struct file bad = { copy_of(&f, f.size), f.size };
            bad_relocations[i].apply(bad.data);
            struct pe_image image;
            assert_int_equal(pe_parse(bad.data, bad.size, bad.size, &image), STATUS_SUCCESS);
            NTSTATUS status;
            struct pe_relocs relocs = index_relocations(bad.data, bad.size, &image, &status);
            if (status != STATUS_INVALID_IMAGE_FORMAT)
                fail_msg("%s, %s: %#x", fixtures[k].name, bad_relocations[i].what,
                         (unsigned)status);
            assert_null(relocs.blocks);
            free(bad.data);
        }
        free(f.data);
    }
}

static void never_called(const char *dll, void *context)
{
    (void)context;
    fail_msg("visit called with %s for a malformed import directory", dll);
}

/* The file offset of the first import descriptor's Name. */
static size_t first_import_name(const uint8_t *d) { return file_offset(d, rd32(d, dir_at(d, 1))) + 12; }

static void test_corrupt_imports(void **state)
{
    (void)state;
    for (unsigned k = 0; k < COUNT(fixtures); k++) {
        if (fixtures[k].import == NULL)
            continue;
        struct file f = load(fixtures[k].name);
        struct pe_image image;
        assert_int_equal(pe_parse(f.data, f.size, f.size, &image), STATUS_SUCCESS);
        const struct pe_section *text = section_named(&image, ".text");
        const struct pe_section *rdata = section_named(&image, ".rdata");
        size_t name = first_import_name(f.data);
        /* Names written into .text's raw data past its code (0x200 bytes). */
        assert_true(text->virtual_size <= 0x40 && text->raw_size == 0x200);
        const struct {
            const char *what;
            uint32_t rva;    /* the Name RVA written */
            unsigned fill;   /* 'A's written there, in .text's raw data */
            bool nul;        /* and a NUL after them */
        } cases[] = {
            { "name past SizeOfImage", image.size_of_image + 0x1000, 0, false },
            { "name at 0xFFFFFFFF", 0xFFFFFFFF, 0, false },
            { "name past its section's raw data", rdata->virtual_address + 0x800, 0, false },
            { "empty name", 0x3E, 0, false }, /* e_lfanew's high bytes, in the headers: 0 */
            { "name of 256 characters", text->virtual_address + 0x40, 256, true },
            { "name running off the raw data", text->virtual_address + 0x1F0, 16, false },
        };
        for (unsigned i = 0; i < COUNT(cases); i++) {
            uint8_t *d = copy_of(&f, f.size);
            wr32(d, name, cases[i].rva);
            if (cases[i].fill != 0) {
                size_t at = text->raw_offset + (cases[i].rva - text->virtual_address);
                memset(d + at, 'A', cases[i].fill);
                if (cases[i].nul)
                    d[at + cases[i].fill] = 0;
            }
            NTSTATUS status = imports(d, f.size, &image, never_called, NULL);
            if (status != STATUS_INVALID_IMAGE_FORMAT)
                fail_msg("%s, %s: %#x", fixtures[k].name, cases[i].what, (unsigned)status);
            free(d);
        }
        /* The longest name accepted: 255 characters. */
        uint8_t *d = copy_of(&f, f.size);
        wr32(d, name, text->virtual_address + 0x40);
        memset(d + text->raw_offset + 0x40, 'A', 255);
        d[text->raw_offset + 0x40 + 255] = 0;
        struct names names = { 0 };
        assert_int_equal(imports(d, f.size, &image, collect, &names), STATUS_SUCCESS);
        assert_int_equal(names.count, 1);
        assert_int_equal(strlen(names.name[0]), 31); /* collect keeps 31 of them */
        free(d);
        /* A good first descriptor, then one whose name is out of range
           where the terminator was: the walk fails after visiting the
           first (the caller drops what it was given). */
        d = copy_of(&f, f.size);
        wr32(d, name + 20, image.size_of_image + 0x1000);
        wr32(d, name + 24, 0x1000); /* FirstThunk */
        names.count = 0;
        assert_int_equal(imports(d, f.size, &image, collect, &names), STATUS_INVALID_IMAGE_FORMAT);
        assert_int_equal(names.count, 1);
        free(d);
        /* A descriptor array running off its section's data. */
        d = copy_of(&f, f.size);
        struct pe_image moved = image;
        moved.import_rva = rdata->virtual_address + rdata->raw_size - 8;
        assert_int_equal(imports(d, f.size, &moved, never_called, NULL), STATUS_INVALID_IMAGE_FORMAT);
        free(d);
        free(f.data);
    }
}

/* ---- random damage ---- */

static uint64_t rng = 0x9E3779B97F4A7C15u;

static uint64_t next_random(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static void count_name(const char *dll, void *context)
{
    size_t n = strlen(dll);
    assert_in_range(n, 1, PE_MAX_IMPORT_NAME);
    ++*(unsigned *)context;
}

/* What pe.h promises of any image pe_parse accepts. */
static void check_invariants(const struct pe_image *image, size_t file_size)
{
    assert_true(image->machine == 0x14C ? !image->pe32_plus : image->machine == 0x8664 && image->pe32_plus);
    uint32_t sa = image->section_alignment;
    assert_true(sa >= 4096 && (sa & (sa - 1)) == 0);
    assert_int_equal(image->size_of_image % sa, 0);
    assert_int_equal(image->image_base % 0x10000, 0);
    assert_in_range(image->section_count, 1, 96);
    assert_true(image->size_of_headers <= file_size);
    uint64_t next = ((uint64_t)image->size_of_headers + sa - 1) & ~(uint64_t)(sa - 1);
    for (unsigned i = 0; i < image->section_count; i++) {
        const struct pe_section *s = &image->sections[i];
        assert_int_equal(s->virtual_address % sa, 0);
        assert_true(s->virtual_address >= next);
        next = (uint64_t)s->virtual_address + pe_section_span(image, s);
        assert_true(next <= image->size_of_image);
        assert_true(s->raw_size == 0 || (uint64_t)s->raw_offset + s->raw_size <= file_size);
    }
}

/* Random bytes overwritten, mostly in the headers and the directories: the
   reader must refuse or accept, never read outside the buffer (ASan), and
   what it accepts must keep pe.h's invariants. */
static void test_random_damage(void **state)
{
    (void)state;
    unsigned accepted = 0, refused = 0;
    for (unsigned k = 0; k < COUNT(fixtures); k++) {
        struct file f = load(fixtures[k].name);
        for (unsigned round = 0; round < 2000; round++) {
            uint8_t *d = copy_of(&f, f.size);
            unsigned hits = 1 + next_random() % 4;
            for (unsigned h = 0; h < hits; h++) {
                uint64_t r = next_random();
                size_t at = (r & 1) ? (r >> 8) % 1024 : (r >> 8) % f.size;
                d[at] = (r >> 40) & 1 ? (uint8_t)(r >> 48) : d[at] ^ (uint8_t)(1u << ((r >> 48) % 8));
            }
            struct pe_image image;
            if (pe_parse(d, f.size, f.size, &image) != STATUS_SUCCESS) {
                assert_true(all_zero(&image, sizeof image));
                refused++;
                free(d);
                continue;
            }
            accepted++;
            check_invariants(&image, f.size);
            uint8_t page[4096];
            NTSTATUS status;
            struct pe_relocs relocs = index_relocations(d, f.size, &image, &status);
            assert_true(status == STATUS_SUCCESS || status == STATUS_INVALID_IMAGE_FORMAT);
            for (uint32_t rva = 0; rva < image.size_of_image && rva < 16 * 4096; rva += 4096) {
                read_page(d, f.size, &image, rva, page);
                status = relocate_page(d, f.size, &image, &relocs, rva, -0x10000, page);
                assert_true(status == STATUS_SUCCESS || status == STATUS_CONFLICTING_ADDRESSES);
            }
            free(relocs.blocks);
            unsigned count = 0;
            status = imports(d, f.size, &image, count_name, &count);
            assert_true(status == STATUS_SUCCESS || status == STATUS_INVALID_IMAGE_FORMAT);
            free(d);
        }
        free(f.data);
    }
    /* The damage both broke files and left some readable. */
    assert_true(accepted > 100);
    assert_true(refused > 100);
}

/* ---- images built here, for the bounds the fixtures cannot reach ---- */

struct synthetic {
    unsigned sections;
    uint32_t section_alignment, file_alignment;
    uint32_t first_va, stride; /* section i at first_va + i * stride */
    uint32_t vsize;            /* every section's VirtualSize */
    uint32_t raw_size;         /* section 0's raw data (0xAB bytes); the others have none */
};

/* A PE32 image for I386 with the given section layout, e_lfanew 0x40, no
   data directories, SizeOfImage the last section's end rounded up to
   SectionAlignment. */
static uint8_t *build(const struct synthetic *p, size_t *size)
{
    size_t headers = 0x40 + 24 + 224 + 40 * (size_t)p->sections;
    size_t size_of_headers = (headers + 0x1FF) & ~(size_t)0x1FF;
    *size = size_of_headers + p->raw_size;
    uint8_t *d = calloc(1, *size);
    assert_non_null(d);
    d[0] = 'M';
    d[1] = 'Z';
    wr32(d, 0x3C, 0x40);
    memcpy(d + 0x40, "PE\0\0", 4);
    wr16(d, 0x44, 0x14C);
    wr16(d, 0x46, p->sections);
    wr16(d, 0x54, 224);
    wr16(d, 0x56, 0x0102);
    size_t o = 0x58;
    wr16(d, o, 0x10B);
    wr32(d, o + 28, 0x400000);
    wr32(d, o + 32, p->section_alignment);
    wr32(d, o + 36, p->file_alignment);
    uint32_t sa = p->section_alignment, end = p->first_va + (p->sections - 1) * p->stride + p->vsize;
    wr32(d, o + 56, (end + sa - 1) / sa * sa);
    wr32(d, o + 60, (uint32_t)size_of_headers);
    wr16(d, o + 68, 3);
    wr32(d, o + 92, 16);
    for (unsigned i = 0; i < p->sections; i++) {
        size_t at = o + 224 + 40 * i;
        char name[16];
        snprintf(name, sizeof name, ".s%u", i % 100u);
        memcpy(d + at, name, strlen(name));
        wr32(d, at + 8, p->vsize);
        wr32(d, at + 12, p->first_va + i * p->stride);
        wr32(d, at + 36, 0x40000040); /* initialised data, read */
    }
    if (p->raw_size != 0) {
        wr32(d, o + 224 + 16, p->raw_size);
        wr32(d, o + 224 + 20, (uint32_t)size_of_headers);
        memset(d + size_of_headers, 0xAB, p->raw_size);
    }
    return d;
}

static NTSTATUS parse_built(const struct synthetic *p, struct pe_image *image)
{
    size_t size;
    uint8_t *d = build(p, &size);
    NTSTATUS status = pe_parse(d, size, size, image);
    free(d);
    return status;
}

static void test_synthetic_bounds(void **state)
{
    (void)state;
    struct pe_image image;
    /* 96 sections are mapped, 97 are not (the headers fit either way). */
    struct synthetic many = { 96, 0x1000, 0x200, 0x2000, 0x1000, 0x1000, 0 };
    assert_int_equal(parse_built(&many, &image), STATUS_SUCCESS);
    assert_int_equal(image.section_count, 96);
    assert_string_equal(image.sections[95].name, ".s95");
    many.sections = 97;
    assert_int_equal(parse_built(&many, &image), STATUS_INVALID_IMAGE_FORMAT);
    /* SectionAlignment: a power of two; 0x3000 with every RVA a multiple of it is not. */
    struct synthetic align = { 2, 0x4000, 0x200, 0x4000, 0x4000, 0x4000, 0 };
    assert_int_equal(parse_built(&align, &image), STATUS_SUCCESS);
    align.section_alignment = align.first_va = align.stride = 0x3000;
    align.vsize = 0x1000;
    assert_int_equal(parse_built(&align, &image), STATUS_INVALID_IMAGE_FORMAT);
    /* FileAlignment at most 64K, even below a larger SectionAlignment. */
    struct synthetic file = { 1, 0x40000, 0x10000, 0x40000, 0x40000, 0x1000, 0 };
    assert_int_equal(parse_built(&file, &image), STATUS_SUCCESS);
    file.file_alignment = 0x20000;
    assert_int_equal(parse_built(&file, &image), STATUS_INVALID_IMAGE_FORMAT);
    /* Low alignment (SectionAlignment == FileAlignment < 4096) is refused. */
    struct synthetic low = { 2, 0x200, 0x200, 0x400, 0x200, 0x200, 0 };
    assert_int_equal(parse_built(&low, &image), STATUS_INVALID_IMAGE_FORMAT);
    /* A gap between sections is allowed; a section off the alignment is not. */
    struct synthetic gap = { 2, 0x1000, 0x200, 0x1000, 0x2000, 0x1000, 0 };
    assert_int_equal(parse_built(&gap, &image), STATUS_SUCCESS);
    gap.stride = 0x1800;
    assert_int_equal(parse_built(&gap, &image), STATUS_INVALID_IMAGE_FORMAT);
}

/* Raw data longer than the section's span is cut at the span: the page
   after it (a gap) reads as zeros. */
static void test_synthetic_layout(void **state)
{
    (void)state;
    struct synthetic p = { 2, 0x1000, 0x200, 0x1000, 0x2000, 0x1000, 0x1200 };
    struct file f;
    f.data = build(&p, &f.size);
    struct pe_image image;
    assert_int_equal(pe_parse(f.data, f.size, f.size, &image), STATUS_SUCCESS);
    uint8_t page[4096], ab[4096];
    memset(ab, 0xAB, sizeof ab);
    read_page(f.data, f.size, &image, 0x1000, page);
    assert_memory_equal(page, ab, sizeof page);
    read_page(f.data, f.size, &image, 0x2000, page);
    assert_true(all_zero(page, sizeof page));
    read_page(f.data, f.size, &image, 0x3000, page); /* raw size 0: zeros */
    assert_true(all_zero(page, sizeof page));
    uint32_t at;
    assert_true(pe_rva_to_file_offset(&image, f.size, 0x1FFF, 1, &at));
    assert_int_equal(at, 0x200 + 0xFFF);
    assert_false(pe_rva_to_file_offset(&image, f.size, 0x1FFF, 2, &at)); /* past the span */
    assert_false(pe_rva_to_file_offset(&image, f.size, 0x3000, 1, &at)); /* no raw data */
    free(f.data);
}

/* RVAs to file offsets on a real image: headers, raw data, and every edge. */
static void test_rva_to_file_offset(void **state)
{
    (void)state;
    struct file f = load("app32.exe");
    struct pe_image image;
    assert_int_equal(pe_parse(f.data, f.size, f.size, &image), STATUS_SUCCESS);
    const struct pe_section *text = section_named(&image, ".text");
    uint32_t at = 0;
    assert_true(pe_rva_to_file_offset(&image, f.size, 0, 1024, &at));
    assert_int_equal(at, 0);
    assert_true(pe_rva_to_file_offset(&image, f.size, 0x3FF, 1, &at));
    assert_int_equal(at, 0x3FF);
    assert_false(pe_rva_to_file_offset(&image, f.size, 0x3FF, 2, &at));  /* past SizeOfHeaders */
    assert_false(pe_rva_to_file_offset(&image, f.size, 0x400, 1, &at));
    assert_true(pe_rva_to_file_offset(&image, f.size, text->virtual_address + 0x1FF, 1, &at));
    assert_int_equal(at, text->raw_offset + 0x1FF);
    assert_false(pe_rva_to_file_offset(&image, f.size, text->virtual_address + 0x1FF, 2, &at));
    assert_false(pe_rva_to_file_offset(&image, f.size, text->virtual_address - 1, 2, &at));
    assert_false(pe_rva_to_file_offset(&image, f.size, image.size_of_image, 1, &at));
    assert_false(pe_rva_to_file_offset(&image, f.size, 0xFFFFFFFF, 2, &at));
    /* A buffer shorter than the image says: nothing past its end. */
    assert_false(pe_rva_to_file_offset(&image, text->raw_offset + 0x100, text->virtual_address + 0x100, 1, &at));
    free(f.data);
}

/* ---- generated images: costs (issue 9 (2)) ---- */

struct import_count {
    unsigned visits;
    unsigned distinct_seen; /* visits whose name differs from the last one */
    char last[32];
};

static void count_import(const char *dll, void *context)
{
    struct import_count *c = context;
    if (c->visits == 0 || strcmp(c->last, dll) != 0)
        c->distinct_seen++;
    snprintf(c->last, sizeof c->last, "%s", dll);
    c->visits++;
}

/* synth_import_file's DLL, parsed. */
static uint8_t *import_image(uint32_t descriptors, uint32_t distinct, size_t *size,
                             struct pe_image *image)
{
    uint8_t *d = synth_import_file(descriptors, distinct, "dll32.dll", size);
    assert_non_null(d);
    assert_int_equal(pe_parse(d, *size, *size, image), STATUS_SUCCESS);
    return d;
}

/* 200,000 descriptors: one walk visits each once, in order, whether they
   share one name or each has its own; a directory that runs off its
   section after them all is refused. */
static void test_many_imports(void **state)
{
    (void)state;
    const uint32_t n = 200000;
    size_t size;
    struct pe_image image;
    uint8_t *d = import_image(n, 0, &size, &image);
    struct import_count c = { 0 };
    assert_int_equal(imports(d, size, &image, count_import, &c), STATUS_SUCCESS);
    assert_int_equal(c.visits, n);
    assert_int_equal(c.distinct_seen, 1);
    assert_string_equal(c.last, "dll32.dll");
    /* the terminator made a descriptor whose name lies past the image: the
       walk visits the 200,000, then fails */
    const struct pe_section *idata = section_named(&image, ".idata");
    wr32(d, idata->raw_offset + 20 * n + 12, image.size_of_image);
    wr32(d, idata->raw_offset + 20 * n + 16, idata->virtual_address);
    c.visits = 0;
    assert_int_equal(imports(d, size, &image, count_import, &c), STATUS_INVALID_IMAGE_FORMAT);
    assert_int_equal(c.visits, n);
    free(d);
    d = import_image(n, n, &size, &image);
    c = (struct import_count){ 0 };
    assert_int_equal(imports(d, size, &image, count_import, &c), STATUS_SUCCESS);
    assert_int_equal(c.visits, n);
    assert_int_equal(c.distinct_seen, n);
    assert_string_equal(c.last, "m199999.dll");
    free(d);
}

/* A relocation directory written here, block by block. */
struct reloc_writer {
    uint8_t bytes[0x1000];
    uint32_t used;
};

static void add_block(struct reloc_writer *w, uint32_t page_rva, const uint16_t *entries,
                      unsigned count)
{
    assert_true(w->used + 8 + 2 * count + 2 <= sizeof w->bytes);
    synth_reloc_block(w->bytes, &w->used, page_rva, entries, count);
}

/* Four pages of .data and the directory w (synth_reloc_file), parsed. */
static struct file reloc_image(const struct reloc_writer *w, struct pe_image *image)
{
    struct file f;
    f.data = synth_reloc_file(4, w->bytes, w->used, &f.size);
    assert_non_null(f.data);
    assert_int_equal(pe_parse(f.data, f.size, f.size, image), STATUS_SUCCESS);
    return f;
}

#define HL(offset) (uint16_t)(0x3000 | (offset))

/* The index: several blocks for one page, blocks out of order, a block
   whose PageRVA is off a page boundary (its fixups in two pages) and a
   field straddling two pages; page-by-page relocation still equals the
   whole-image one, and each page lists exactly the blocks that touch it. */
static void test_relocation_index(void **state)
{
    (void)state;
    struct reloc_writer w = { { 0 }, 0 };
    static const uint16_t third[] = { HL(0x10), HL(0x20), HL(0xFFE) }; /* 0xFFE straddles */
    static const uint16_t first_a[] = { HL(0x00), HL(0x04) };
    static const uint16_t first_b[] = { HL(0x08) };
    static const uint16_t off_page[] = { HL(0x000), HL(0xC00) }; /* at 0x1800 and 0x2400 */
    static const uint16_t first_c[] = { HL(0x0C), HL(0x100) };
    add_block(&w, 0x3000, third, 3);    /* out of order: page 0x3000 first */
    add_block(&w, 0x1000, first_a, 2);
    add_block(&w, 0x1000, first_b, 1);
    add_block(&w, 0x1800, off_page, 2);
    add_block(&w, 0x1000, first_c, 2); /* page 0x1000 again, after another page */
    struct pe_image image;
    struct file f = reloc_image(&w, &image);
    NTSTATUS status;
    struct pe_relocs relocs = index_relocations(f.data, f.size, &image, &status);
    assert_int_equal(status, STATUS_SUCCESS);
    /* 0x1000: first_a, first_b, off_page, first_c; 0x2000: off_page;
       0x3000 and 0x4000: third */
    static const uint32_t pages[] = { 0x1000, 0x1000, 0x1000, 0x1000, 0x2000, 0x3000, 0x4000 };
    assert_int_equal(relocs.count, COUNT(pages));
    for (unsigned i = 0; i < COUNT(pages); i++)
        assert_int_equal(relocs.blocks[i].page_rva, pages[i]);
    assert_true(relocs.blocks[0].entries < relocs.blocks[1].entries); /* directory order */
    assert_int_equal(relocs.blocks[2].block_rva, 0x1800);
    free(relocs.blocks);
    check_relocation(&f, &image, 0x10000);
    check_relocation(&f, &image, -0x0FFF0000);
    uint8_t *paged = relocate_pages(&f, &image, 0x10000);
    assert_int_equal(rd32(paged, 0x1800), 0x10011800u); /* its own address + delta */
    assert_int_equal(rd32(paged, 0x2400), 0x10012400u);
    assert_int_equal(rd32(paged, 0x1010), 0x10001010u); /* no fixup there */
    free(paged);
    free(f.data);
    /* a block for a page past SizeOfImage: refused when the image is checked */
    static const uint16_t one[] = { HL(0x10) };
    add_block(&w, 0x9000, one, 1);
    f = reloc_image(&w, &image);
    relocs = index_relocations(f.data, f.size, &image, &status);
    assert_int_equal(status, STATUS_INVALID_IMAGE_FORMAT);
    free(f.data);
}

/* One case per fixture, named after it. */
#define FIXTURE_TEST(i, file) { "test_fixture " file, test_fixture, NULL, NULL, (void *)&fixtures[i] }

int main(void)
{
    const struct CMUnitTest tests[] = {
        FIXTURE_TEST(0, "dll32.dll"),
        FIXTURE_TEST(1, "app32.exe"),
        FIXTURE_TEST(2, "app32_noaslr.exe"),
        FIXTURE_TEST(3, "app32_fixed.exe"),
        FIXTURE_TEST(4, "dll64.dll"),
        FIXTURE_TEST(5, "app64.exe"),
        FIXTURE_TEST(6, "app64_noaslr.exe"),
        FIXTURE_TEST(7, "app64_fixed.exe"),
        FIXTURE_TEST(8, "dll32_zero.dll"),
        FIXTURE_TEST(9, "app32_zero.exe"),
        FIXTURE_TEST(10, "app32_zero_fixed.exe"),
        FIXTURE_TEST(11, "dll64_zero.dll"),
        FIXTURE_TEST(12, "app64_zero.exe"),
        FIXTURE_TEST(13, "app64_zero_fixed.exe"),
        cmocka_unit_test(test_section_protection),
        cmocka_unit_test(test_read_page),
        cmocka_unit_test(test_relocate),
        cmocka_unit_test(test_relocate_fixed),
        cmocka_unit_test(test_relocate_straddle),
        cmocka_unit_test(test_truncated),
        cmocka_unit_test(test_corrupt_headers),
        cmocka_unit_test(test_valid_variants),
        cmocka_unit_test(test_corrupt_relocations),
        cmocka_unit_test(test_corrupt_imports),
        cmocka_unit_test(test_random_damage),
        cmocka_unit_test(test_synthetic_bounds),
        cmocka_unit_test(test_synthetic_layout),
        cmocka_unit_test(test_rva_to_file_offset),
        cmocka_unit_test(test_many_imports),
        cmocka_unit_test(test_relocation_index),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
