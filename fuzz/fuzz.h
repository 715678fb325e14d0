/*
 * fuzz.h — what every harness in fuzz/ shares. A harness (fuzz_NAME.c) is a
 * libFuzzer entry point, LLVMFuzzerTestOneInput, that boots small machines
 * through the public headers, feeds them its input and checks the rules
 * below; `make fuzz` links it with libFuzzer, `make check` with driver.c,
 * which runs it over fuzz/corpus/NAME and fuzz/crashers/NAME.
 *
 * (1) Every input runs twice, each time on a fresh machine of the same
 *     configuration, and the two transcripts (every status, result and byte
 *     the input made the machine produce) are byte-identical: ntmm.h (1).
 * (2) After the input, ntmm_verify succeeds, unless the machine bug-checked
 *     or the input wrote kernel memory (an edit can corrupt a structure the
 *     memory manager has not read yet: the verifier must then say so, never
 *     follow it). Its verdict is part of the transcript either way.
 * NTMM_FUZZ_TRANSCRIPT set in the environment prints the first run's
 * transcript on stdout.
 *
 * (3) A broken rule aborts with one line on stderr; a crash, a leak or a
 *     sanitizer report is a finding as well. Nothing else aborts: the
 *     library's own errors are statuses, and they go into the transcript.
 */
#ifndef NTMM_FUZZ_H
#define NTMM_FUZZ_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ntmm/introspect.h"
#include "ntmm/ntmm.h"
#include "tools/tools.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* One run of an input: the machine it boots and what it says. */
struct fuzz_run {
    struct ntmm_machine *machine;
    struct tool_output transcript; /* rule (1): compared between the two runs */
    int edited;                    /* rule (2): kernel memory was written */
};

typedef void fuzz_body(struct fuzz_run *run, const uint8_t *data, size_t size);

static inline void fuzz_fail(const char *rule, const char *detail)
{
    fprintf(stderr, "fuzz: %s: %s\n", rule, detail);
    abort();
}

/* A machine with a fresh C: drive (removed with the machine) and one
 * pagefile of pagefile_bytes that cannot grow, or none for 0. */
static inline void fuzz_boot(struct fuzz_run *run, enum ntmm_arch arch, uint64_t ram_bytes,
                             uint64_t pagefile_bytes)
{
    struct ntmm_config config;
    ntmm_config_init(&config);
    config.arch = arch;
    config.ram_bytes = ram_bytes;
    config.pagefile_count = pagefile_bytes ? 1 : 0;
    config.pagefiles[0] = (struct ntmm_pagefile_config){ pagefile_bytes, pagefile_bytes };
    NTSTATUS st = ntmm_machine_create(&config, &run->machine);
    if (!NT_SUCCESS(st))
        fuzz_fail("boot", ntmm_status_name(st));
    tool_printf(&run->transcript, "boot arch %d pagefile %llu\n", (int)arch,
                (unsigned long long)pagefile_bytes);
}

/* FNV-1a: bytes read back go into the transcript as a hash. */
static inline uint64_t fuzz_hash(const void *bytes, size_t size)
{
    const uint8_t *p = bytes;
    uint64_t h = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < size; i++)
        h = (h ^ p[i]) * 0x100000001b3ull;
    return h;
}

/* Rule (2): the bug check and the verifier's verdict go into the transcript. */
static inline void fuzz_check(struct fuzz_run *run)
{
    struct ntmm_bug_check b;
    int stopped = ntmm_machine_bug_check(run->machine, &b);
    if (stopped)
        tool_printf(&run->transcript, "bug check %x (%llx, %llx, %llx, %llx)\n", b.code,
                    (unsigned long long)b.parameters[0], (unsigned long long)b.parameters[1],
                    (unsigned long long)b.parameters[2], (unsigned long long)b.parameters[3]);
    char message[512] = "";
    NTSTATUS st = ntmm_verify(run->machine, message, sizeof message);
    tool_printf(&run->transcript, "verify %08x %s\n", (unsigned)st, message);
    if (!NT_SUCCESS(st) && !stopped && !run->edited)
        fuzz_fail("verify", message);
}

/* The last check, then the machine goes. */
static inline void fuzz_finish(struct fuzz_run *run)
{
    fuzz_check(run);
    ntmm_set_current_process(NULL);
    ntmm_machine_destroy(run->machine);
    run->machine = NULL;
}

/* Rule (1): the first line where the transcripts part. */
static inline void fuzz_compare(const struct tool_output *a, const struct tool_output *b)
{
    const char *x = a->text ? a->text : "", *y = b->text ? b->text : "";
    if (a->length == b->length && !memcmp(x, y, a->length))
        return;
    size_t i = 0, line = 0;
    while (x[i] && x[i] == y[i])
        i++;
    while (line < i && i - line < 200 && x[i - line - 1] != '\n')
        line++;
    fprintf(stderr, "first run:  %.200s\nsecond run: %.200s\n", x + i - line, y + i - line);
    fuzz_fail("determinism", "the two runs differ");
}

/* One debugger command on process, as the shell's dbg() runs it; the
 * process .process switched to. A successful eb/ew/ed/eq is an edit. */
static inline struct ntmm_process *fuzz_tool(struct fuzz_run *run, struct ntmm_process *process,
                                             const char *line)
{
    struct tool_context context = { run->machine, process };
    struct tool_output out = { NULL, 0, 0 };
    NTSTATUS st = tools_run(&context, line, &out);
    tool_printf(&run->transcript, "kd> %s -> %08x\n%s", line, (unsigned)st,
                out.text ? out.text : "");
    tool_output_free(&out);
    const char *word = line + strspn(line, " \t\r\v\f");
    if (NT_SUCCESS(st) && word[0] == 'e' && word[1] && strchr("bwdq", word[1]) &&
        strchr(" \t\r\v\f", word[2]))
        run->edited = 1;
    return context.process;
}

/* Runs body on two fresh machines and checks rules (1) and (2). */
static inline int fuzz_twice(const uint8_t *data, size_t size, fuzz_body *body)
{
    struct fuzz_run runs[2];
    memset(runs, 0, sizeof runs);
    for (int i = 0; i < 2; i++) {
        body(&runs[i], data, size);
        fuzz_finish(&runs[i]);
    }
    fuzz_compare(&runs[0].transcript, &runs[1].transcript);
    if (getenv("NTMM_FUZZ_TRANSCRIPT") && runs[0].transcript.text)
        fputs(runs[0].transcript.text, stdout);
    tool_output_free(&runs[0].transcript);
    tool_output_free(&runs[1].transcript);
    return 0;
}

#endif
