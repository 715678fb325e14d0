/*
 * testing.h — what every ntmm test program includes: cmocka, and helpers that
 * boot a machine and run the invariant checker (mm/verify.c) after an
 * operation, so each test states its expectations and the verifier states
 * everything else.
 */
#ifndef NTMM_TESTING_H
#define NTMM_TESTING_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "ntmm/introspect.h"
#include "ntmm/ntmm.h"

static inline struct ntmm_machine *test_boot(enum ntmm_arch arch, uint64_t ram_bytes)
{
    struct ntmm_config config;
    struct ntmm_machine *machine = NULL;
    ntmm_config_init(&config);
    config.arch = arch;
    config.ram_bytes = ram_bytes;
    assert_int_equal(ntmm_machine_create(&config, &machine), STATUS_SUCCESS);
    assert_non_null(machine);
    return machine;
}

/* Fails the test with the verifier's message if an invariant is broken. */
static inline void test_verify(struct ntmm_machine *machine)
{
    char message[512];
    NTSTATUS status = ntmm_verify(machine, message, sizeof message);
    if (!NT_SUCCESS(status))
        fail_msg("verifier: %s", message);
}

#endif
