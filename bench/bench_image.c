/*
 * bench_image.c — what loading and faulting an image costs as it grows
 * (issue 9 (2)): each figure is a per-unit cost on a big generated image
 * against the same cost on a small one, measured in the same run, so the
 * ratio is 1 when the cost is linear and grows with the size when it is not.
 * The images are tests/pe_synth.h's, on a default machine (x86 PAE, 512 MB).
 *
 * import_descriptor: ns per import descriptor for LoadLibrary + FreeLibrary
 *   of a DLL with 200,000 descriptors, all naming one DLL the drive does not
 *   have. Reference import_descriptor_small: the same with 20,000. The
 *   walk is linear; the loader's sort of the names to resolve each once is
 *   n log n, which leaves the ratio a little above 1 (log 200,000 /
 *   log 20,000 is 1.24 for that part).
 *
 * relocated_page_fault: ns per page for LoadLibrary, the first read of
 *   each page and FreeLibrary of a DLL loaded away from its base (the base
 *   reserved first), 512 pages of 1,024 HIGHLOW fixups each (a 1 MB
 *   relocation directory, checked and indexed at each load). Reference
 *   relocated_page_fault_small: the same over 16 pages (32 KB of
 *   relocations). Each fault reads, lays out and relocates its page with
 *   only the blocks that touch it, whatever the directory's size.
 */
#include "../tests/pe_synth.h"
#include "bench.h"
#include "bench_machine.h"
#include "ntmm/win32.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define BIG_IMPORTS 200000u
#define SMALL_IMPORTS 20000u
#define BIG_PAGES 512u
#define SMALL_PAGES 16u
#define FIXUPS 1024u /* per page: one every 4 bytes */

static struct ntmm_machine *machine;
static struct ntmm_process *process;
static char root[512];

static void write_file(const char *name, const uint8_t *data, size_t size)
{
    char path[600];
    snprintf(path, sizeof path, "%s/%s", root, name);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0 || write(fd, data, size) != (ssize_t)size || close(fd))
        bench_die("writing an image failed");
}

static void remove_file(const char *name)
{
    char path[600];
    snprintf(path, sizeof path, "%s/%s", root, name);
    unlink(path);
}

/* name: a DLL of `descriptors` imports of none.dll. */
static void write_imports(const char *name, uint32_t descriptors)
{
    size_t size;
    uint8_t *file = synth_import_file(descriptors, 0, "none.dll", &size);
    if (!file)
        bench_die("no memory for the image");
    write_file(name, file, size);
    free(file);
}

/* name: a DLL of `pages` pages of .data, each with FIXUPS HIGHLOW fixups. */
static void write_relocations(const char *name, uint32_t pages)
{
    uint32_t used = 0;
    uint8_t *dir = malloc(pages * (8 + 2 * FIXUPS));
    uint16_t entries[FIXUPS];
    if (!dir)
        bench_die("no memory for the relocations");
    for (uint32_t i = 0; i < FIXUPS; i++)
        entries[i] = (uint16_t)(0x3000 | (i * 4));
    for (uint32_t p = 0; p < pages; p++)
        synth_reloc_block(dir, &used, 0x1000 + p * 0x1000, entries, FIXUPS);
    size_t size;
    uint8_t *file = synth_reloc_file(pages, dir, used, &size);
    if (!file)
        bench_die("no memory for the image");
    write_file(name, file, size);
    free(file);
    free(dir);
}

struct load {
    const char *name;
    uint32_t pages; /* 0: only load and free */
};

static uint64_t run_load(void *ctx)
{
    const struct load *l = ctx;
    HMODULE h = LoadLibraryA(l->name);
    if (!h)
        bench_die("LoadLibrary failed");
    uint64_t base = (uint64_t)(uintptr_t)h, sum = base;
    for (uint32_t p = 0; p < l->pages; p++) {
        uint32_t v;
        if (ntmm_read(process, base + 0x1000 + p * 0x1000ull + 0xFFC, &v, sizeof v))
            bench_die("reading a relocated page failed");
        sum += v;
    }
    if (!FreeLibrary(h))
        bench_die("FreeLibrary failed");
    return sum;
}

int main(void)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(root, sizeof root, "%s/ntmm-bench-image-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(root))
        bench_die("mkdtemp failed");
    write_imports("big_imports.dll", BIG_IMPORTS);
    write_imports("small_imports.dll", SMALL_IMPORTS);
    write_relocations("big_relocs.dll", BIG_PAGES);
    write_relocations("small_relocs.dll", SMALL_PAGES);
    struct ntmm_config config;
    ntmm_config_init(&config); /* x86 PAE, 512 MB */
    config.root_directory = root;
    if (ntmm_machine_create(&config, &machine) != STATUS_SUCCESS ||
        ntmm_process_create(machine, NULL, &process) != STATUS_SUCCESS)
        bench_die("machine or process creation failed");
    ntmm_set_current_process(process);

    struct load big = { "big_imports.dll", 0 }, small = { "small_imports.dll", 0 };
    struct bench_side a = { run_load, NULL, &big, BIG_IMPORTS, 0 };
    struct bench_side b = { run_load, NULL, &small, SMALL_IMPORTS, 0 };
    bench_pair(&a, &b, BENCH_REPS);
    bench_report("import_descriptor", a.best_ns, "ns", "import_descriptor_small",
                 a.best_ns / b.best_ns);

    /* the base taken: every load is relocated, page by page */
    if (!VirtualAlloc((LPVOID)(uintptr_t)SYNTH_BASE, 0x10000, MEM_RESERVE, PAGE_READWRITE))
        bench_die("reserving the images' base failed");
    bench_warm_zeroed_list(machine, (BENCH_REPS + 2) * (BIG_PAGES + SMALL_PAGES));
    struct load big_r = { "big_relocs.dll", BIG_PAGES }, small_r = { "small_relocs.dll", SMALL_PAGES };
    struct bench_side c = { run_load, NULL, &big_r, BIG_PAGES, 0 };
    struct bench_side d = { run_load, NULL, &small_r, SMALL_PAGES, 0 };
    bench_pair(&c, &d, BENCH_REPS);
    bench_report("relocated_page_fault", c.best_ns, "ns", "relocated_page_fault_small",
                 c.best_ns / d.best_ns);

    ntmm_machine_destroy(machine);
    remove_file("big_imports.dll");
    remove_file("small_imports.dll");
    remove_file("big_relocs.dll");
    remove_file("small_relocs.dll");
    rmdir(root);
    bench_finish("bench_image");
    return 0;
}
