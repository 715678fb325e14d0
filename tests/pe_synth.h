/*
 * pe_synth.h — PE32 (I386) DLLs built in memory, for the bounds the linked
 * fixtures cannot reach: import directories of hundreds of thousands of
 * descriptors, relocation directories written block by block, sections
 * whose raw data is hundreds of megabytes of holes. Used by tests/test_pe.c,
 * tests/test_images.c and bench/bench_image.c; written from Microsoft's PE
 * Format, never from the code under test.
 *
 * Layout: headers in the first 0x400 bytes (e_lfanew 0x40, 16 data
 * directories), SectionAlignment 0x1000, FileAlignment 0x200; section i at
 * synth_va(sections, i), its raw data at synth_raw(sections, i), one after
 * the other; ImageBase SYNTH_BASE, no DYNAMIC_BASE.
 */
#ifndef NTMM_TESTS_PE_SYNTH_H
#define NTMM_TESTS_PE_SYNTH_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SYNTH_BASE 0x10000000u
#define SYNTH_HEADERS 0x400u
#define SYNTH_DATA 0xC0000040u /* IMAGE_SCN_CNT_INITIALIZED_DATA | MEM_READ | MEM_WRITE */
#define SYNTH_RDATA 0x40000040u /* ... | MEM_READ */

struct synth_section {
    char name[8];
    uint32_t virtual_size;    /* bytes in memory */
    uint32_t raw_size;        /* bytes of raw data in the file (a multiple of 0x200) */
    uint32_t characteristics;
};

struct synth_directories {
    uint32_t import_rva, import_size;
    uint32_t reloc_rva, reloc_size;
};

static inline void synth_put16(uint8_t *d, size_t o, uint32_t v)
{
    d[o] = (uint8_t)v;
    d[o + 1] = (uint8_t)(v >> 8);
}

static inline void synth_put32(uint8_t *d, size_t o, uint32_t v)
{
    synth_put16(d, o, v & 0xFFFF);
    synth_put16(d, o + 2, v >> 16);
}

static inline uint32_t synth_round(uint32_t x, uint32_t a)
{
    return (x + a - 1) / a * a;
}

/* The RVA of section i. */
static inline uint32_t synth_va(const struct synth_section *s, unsigned i)
{
    uint32_t va = 0x1000;
    for (unsigned k = 0; k < i; k++)
        va += synth_round(s[k].virtual_size, 0x1000);
    return va;
}

/* The file offset of section i's raw data. */
static inline uint64_t synth_raw(const struct synth_section *s, unsigned i)
{
    uint64_t at = SYNTH_HEADERS;
    for (unsigned k = 0; k < i; k++)
        at += s[k].raw_size;
    return at;
}

/* The file's size: the headers and every section's raw data. */
static inline uint64_t synth_file_size(const struct synth_section *s, unsigned n)
{
    return synth_raw(s, n);
}

/* Writes the SYNTH_HEADERS bytes of headers of n sections (at most 8). */
static inline void synth_headers(const struct synth_section *s, unsigned n,
                                 const struct synth_directories *dirs, uint8_t *d)
{
    memset(d, 0, SYNTH_HEADERS);
    d[0] = 'M';
    d[1] = 'Z';
    synth_put32(d, 0x3C, 0x40);
    memcpy(d + 0x40, "PE\0\0", 4);
    synth_put16(d, 0x44, 0x14C);         /* I386 */
    synth_put16(d, 0x46, n);
    synth_put16(d, 0x54, 224);            /* SizeOfOptionalHeader */
    synth_put16(d, 0x56, 0x2102);         /* EXECUTABLE_IMAGE | 32BIT_MACHINE | DLL */
    size_t o = 0x58;
    synth_put16(d, o, 0x10B);
    synth_put32(d, o + 28, SYNTH_BASE);
    synth_put32(d, o + 32, 0x1000);
    synth_put32(d, o + 36, 0x200);
    synth_put32(d, o + 56, synth_va(s, n)); /* SizeOfImage */
    synth_put32(d, o + 60, SYNTH_HEADERS);
    synth_put16(d, o + 68, 2);            /* WINDOWS_GUI */
    synth_put16(d, o + 70, 0x0100);       /* NX_COMPAT */
    synth_put32(d, o + 92, 16);
    synth_put32(d, o + 96 + 8 * 1, dirs->import_rva);
    synth_put32(d, o + 96 + 8 * 1 + 4, dirs->import_size);
    synth_put32(d, o + 96 + 8 * 5, dirs->reloc_rva);
    synth_put32(d, o + 96 + 8 * 5 + 4, dirs->reloc_size);
    for (unsigned i = 0; i < n; i++) {
        size_t at = o + 224 + 40 * i;
        memcpy(d + at, s[i].name, strnlen(s[i].name, 8));
        synth_put32(d, at + 8, s[i].virtual_size);
        synth_put32(d, at + 12, synth_va(s, i));
        synth_put32(d, at + 16, s[i].raw_size);
        synth_put32(d, at + 20, s[i].raw_size ? (uint32_t)synth_raw(s, i) : 0);
        synth_put32(d, at + 36, s[i].characteristics);
    }
}

/* An import section at RVA va: descriptors import descriptors and the
 * terminator, then the names. With distinct 0 every descriptor names
 * `name`; else descriptor i names "m<i % distinct>.dll". *size gets its
 * bytes (a multiple of 0x200), *directory_size the descriptors' bytes. */
static inline uint8_t *synth_imports(uint32_t va, uint32_t descriptors, uint32_t distinct,
                                     const char *name, uint32_t *size, uint32_t *directory_size)
{
    uint32_t names_at = (descriptors + 1) * 20, slot = 16;
    uint32_t names = distinct ? distinct : 1;
    *size = synth_round(names_at + names * slot, 0x200);
    *directory_size = names_at;
    uint8_t *d = calloc(1, *size);
    if (!d)
        return NULL;
    for (uint32_t i = 0; i < names; i++) {
        char *n = (char *)d + names_at + i * slot;
        if (distinct)
            snprintf(n, slot, "m%u.dll", i);
        else
            snprintf(n, slot, "%s", name);
    }
    for (uint32_t i = 0; i < descriptors; i++) {
        synth_put32(d, 20 * i + 12, va + names_at + (distinct ? i % distinct : 0) * slot);
        synth_put32(d, 20 * i + 16, va); /* FirstThunk: not 0, not read */
    }
    return d;
}

/* The whole file in a buffer of exactly its size: headers, then each
 * section's raw data, data[i] (NULL: zeros). */
static inline uint8_t *synth_file(const struct synth_section *s, unsigned n,
                                  const struct synth_directories *dirs,
                                  const uint8_t *const *data, size_t *size)
{
    *size = (size_t)synth_file_size(s, n);
    uint8_t *d = calloc(1, *size);
    if (!d)
        return NULL;
    synth_headers(s, n, dirs, d);
    for (unsigned i = 0; i < n; i++)
        if (data[i])
            memcpy(d + synth_raw(s, i), data[i], s[i].raw_size);
    return d;
}

/* A DLL with a .text page and an .idata section of synth_imports(descriptors,
 * distinct, name); NULL when the host has no memory. */
static inline uint8_t *synth_import_file(uint32_t descriptors, uint32_t distinct,
                                         const char *name, size_t *size)
{
    struct synth_section s[2] = { { ".text", 0x1000, 0x200, 0x60000020 },
                                  { ".idata", 0, 0, SYNTH_DATA } };
    uint32_t va = synth_va(s, 1), bytes, directory;
    uint8_t *idata = synth_imports(va, descriptors, distinct, name, &bytes, &directory);
    if (!idata)
        return NULL;
    s[1].virtual_size = s[1].raw_size = bytes;
    struct synth_directories dirs = { va, directory, 0, 0 };
    const uint8_t *data[2] = { NULL, idata };
    uint8_t *file = synth_file(s, 2, &dirs, data, size);
    free(idata);
    return file;
}

/* Appends to the relocation directory dir (*used bytes so far) a block for
 * page_rva with count entries, padded with an ABSOLUTE entry to a 32-bit
 * boundary. */
static inline void synth_reloc_block(uint8_t *dir, uint32_t *used, uint32_t page_rva,
                                     const uint16_t *entries, unsigned count)
{
    uint32_t size = 8 + 2 * count + (count & 1) * 2;
    synth_put32(dir, *used, page_rva);
    synth_put32(dir, *used + 4, size);
    for (unsigned i = 0; i < count; i++)
        synth_put16(dir, *used + 8 + 2 * i, entries[i]);
    if (count & 1)
        synth_put16(dir, *used + 8 + 2 * count, 0);
    *used += size;
}

/* A DLL of `pages` pages of .data at RVA 0x1000, each DWORD holding its
 * own address at SYNTH_BASE (what a HIGHLOW fixup of it expects), and a
 * .reloc section holding the directory dir of dir_size bytes; NULL when
 * the host has no memory. */
static inline uint8_t *synth_reloc_file(uint32_t pages, const uint8_t *dir, uint32_t dir_size,
                                        size_t *size)
{
    uint32_t data_bytes = pages * 0x1000, reloc_bytes = synth_round(dir_size ? dir_size : 1, 0x200);
    struct synth_section s[2] = { { ".data", data_bytes, data_bytes, SYNTH_DATA },
                                  { ".reloc", reloc_bytes, reloc_bytes, SYNTH_RDATA } };
    uint8_t *data = malloc(data_bytes), *relocs = calloc(1, reloc_bytes);
    uint8_t *file = NULL;
    if (data && relocs) {
        for (uint32_t i = 0; i < data_bytes; i += 4)
            synth_put32(data, i, SYNTH_BASE + synth_va(s, 0) + i);
        memcpy(relocs, dir, dir_size);
        struct synth_directories dirs = { 0, 0, synth_va(s, 1), dir_size };
        const uint8_t *contents[2] = { data, relocs };
        file = synth_file(s, 2, &dirs, contents, size);
    }
    free(data);
    free(relocs);
    return file;
}

#endif
