/*
 * bench.h — shared helpers of the benchmarks under bench/: a monotonic clock,
 * best-of-N timing of a subject and its native reference in alternation, and
 * the one-line report format
 *
 *   BENCH name=ID value=V unit=U ref=REF_ID ratio=R
 *
 * Machines are shared and noisy, so every figure is the minimum over several
 * repetitions, and the reference is measured in the same run, interleaved
 * with the subject (subject, reference, subject, reference, ...), so that
 * both see the same conditions. Loops return a checksum that the caller adds
 * to a sink printed on stderr at the end, so that no loop can be removed.
 */
#ifndef NTMM_BENCH_H
#define NTMM_BENCH_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define BENCH_REPS 7

/* Keeps x in a register at this point: the compiler cannot fold, vectorise
 * or drop the computation that produced it. */
#define BENCH_KEEP(x) __asm__ volatile("" : "+r"(x))
/* Makes the compiler believe memory reachable from p is read and written. */
#define BENCH_ESCAPE(p) __asm__ volatile("" : : "r"(p) : "memory")

static inline uint64_t bench_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* One timed run: does ops operations on ctx, returns a checksum. */
typedef uint64_t (*bench_fn)(void *ctx);

/* Optional untimed work before each run of a function (e.g. refilling a list). */
typedef void (*bench_setup_fn)(void *ctx);

struct bench_side {
    bench_fn run;
    bench_setup_fn setup; /* may be NULL */
    void *ctx;
    uint64_t ops;         /* operations one run performs */
    double best_ns;       /* out: minimum ns per operation */
};

static uint64_t bench_sink;

static inline double bench_time_once(struct bench_side *s)
{
    if (s->setup)
        s->setup(s->ctx);
    uint64_t t0 = bench_now_ns();
    bench_sink += s->run(s->ctx);
    uint64_t t1 = bench_now_ns();
    return (double)(t1 - t0) / (double)s->ops;
}

/* Runs each side once untimed (warm-up), then reps times in alternation,
 * keeping the best ns per operation of each. b may be NULL. */
static inline void bench_pair(struct bench_side *a, struct bench_side *b, int reps)
{
    bench_time_once(a);
    if (b)
        bench_time_once(b);
    a->best_ns = 1e300;
    if (b)
        b->best_ns = 1e300;
    for (int r = 0; r < reps; r++) {
        double t = bench_time_once(a);
        if (t < a->best_ns)
            a->best_ns = t;
        if (b) {
            t = bench_time_once(b);
            if (t < b->best_ns)
                b->best_ns = t;
        }
    }
}

/* v with three significant digits in fixed notation (no exponent). */
static inline void bench_format(double v, char *out, size_t size)
{
    double a = v < 0 ? -v : v;
    int decimals = 2;
    if (a >= 100)
        decimals = 0;
    else if (a >= 10)
        decimals = 1;
    else if (a > 0)
        for (double t = a; t < 1 && decimals < 12; t *= 10)
            decimals++;
    snprintf(out, size, "%.*f", decimals, v);
}

static inline void bench_report(const char *name, double value, const char *unit,
                                const char *ref, double ratio)
{
    char v[48], r[48];
    if (value >= 1000 && value == (double)(uint64_t)value)
        snprintf(v, sizeof v, "%llu", (unsigned long long)value);
    else
        bench_format(value, v, sizeof v);
    bench_format(ratio, r, sizeof r);
    printf("BENCH name=%s value=%s unit=%s ref=%s ratio=%s\n", name, v, unit, ref, r);
    fflush(stdout);
}

/* A human-readable row: subject and reference side by side. */
static inline void bench_table_row(const char *name, double value, const char *ref,
                                   double ref_value, const char *unit)
{
    printf("  %-22s %10.3f %-5s  vs %-20s %10.3f %-5s  x%.2f\n", name, value, unit, ref,
           ref_value, unit, ref_value > 0 ? value / ref_value : 0.0);
}

static inline void bench_finish(const char *program)
{
    fprintf(stderr, "%s: checksum %llu\n", program, (unsigned long long)bench_sink);
}

static inline void bench_die(const char *what)
{
    fprintf(stderr, "bench: %s\n", what);
    exit(1);
}

#endif
