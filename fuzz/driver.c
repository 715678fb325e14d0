/*
 * driver.c — a main() for the harnesses without libFuzzer: runs
 * LLVMFuzzerTestOneInput once on each file named on the command line, as
 * libFuzzer runs a crash input. `make check` links each harness with it
 * under ASan and UBSan and runs it over the checked-in corpus and crashers
 * (tests/test_fuzz_corpus.sh).
 *
 * Exit status: 0 when every input ran, 2 for a file that cannot be read. A
 * finding aborts (fuzz.h (3)) or is a sanitizer report.
 */
#include <stdio.h>
#include <stdlib.h>

#include "fuzz.h"

/* The whole file in a buffer of its exact size, so ASan sees reads past it. */
static uint8_t *read_input(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    uint8_t *data = NULL;
    long length = -1;
    if (fseek(f, 0, SEEK_END) == 0 && (length = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0)
        data = malloc(length ? (size_t)length : 1);
    if (data && fread(data, 1, (size_t)length, f) != (size_t)length) {
        free(data);
        data = NULL;
    }
    fclose(f);
    *size = (size_t)length;
    return data;
}

int main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        size_t size = 0;
        uint8_t *data = read_input(argv[i], &size);
        if (!data) {
            fprintf(stderr, "%s: cannot read %s\n", argv[0], argv[i]);
            return 2;
        }
        LLVMFuzzerTestOneInput(data, size);
        free(data);
    }
    return 0;
}
