/*
 * options.c — the ntmm command line: options, -e chunks, the script and its
 * arguments, and the usage text. The Windows counterpart is the boot options
 * (boot.ini's /PAE, /3GB /USERVA) a machine starts with.
 *
 * (1) A bad option or value prints one line "ntmm: <what is wrong>" on stderr
 *     and gives OPTIONS_EXIT_USAGE (exit status 2); nothing is booted.
 * (2) The first argument that is not an option is the script; every argument
 *     after it belongs to the script (Lua's arg table), as with lua(1).
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "shell/shell.h"

enum { LUA_MEMORY_MIN = 1 << 20 }; /* the libraries and bindings need about 200 KB */

static const char usage_text[] =
    "usage: ntmm [options] [script.lua [args]]\n"
    "The Windows NT memory manager on a simulated machine, driven from Lua\n"
    "with Win32 names and WinDbg-style commands.\n"
    "\n"
    "  -e CODE             run the Lua chunk CODE (may be repeated)\n"
    "  -i                  enter the REPL after -e or the script\n"
    "  --arch x86|pae|x64  paging mode of the machine (default pae)\n"
    "  --ram SIZE          physical memory: 512M, 4G, 16384K or bytes (default 512M)\n"
    "  --pagefile SIZE[:MAX]\n"
    "                      a pagefile of SIZE that may grow to MAX (default SIZE):\n"
    "                      C:\\pagefile.sys, then pagefile2.sys … for each one more\n"
    "                      (up to 16); 0: none (default 1.5 x RAM : 3 x RAM)\n"
    "  --seed N            seed of the machine's generator (default 1)\n"
    "  --increaseuserva MB the 32-bit increaseuserva boot option (2048-3072)\n"
    "  --user128tb         64-bit processes get 128 TB of user space (else 8 TB)\n"
    "  --root DIR          host directory that is the C: drive (default: a fresh\n"
    "                      temporary directory, removed at exit)\n"
    "  --lua-memory SIZE   bytes the Lua state may hold, as --ram takes them, at\n"
    "                      least 1M (default a quarter of the host's RAM, at most 4G)\n"
    "  --timeout SECONDS   stop a chunk (-e, the script, a REPL line) that runs\n"
    "                      longer: error \"timeout after SECONDS s\" (default none)\n"
    "  --unsafe            open Lua's io, os, require, debug … (no sandbox)\n"
    "  --help              print this text and exit\n"
    "  --help-markdown     print the shell's manual (docs/shell.md) and exit\n"
    "  --help-man          print it as the man page ntmm.1 and exit\n"
    "  --version           print the version and exit\n"
    "\n"
    "With no script and no -e, ntmm starts the REPL (prompt kd>): a line whose\n"
    "first word is a debugger command (!vad, !pte, dd, dt …) runs as one,\n"
    "anything else is Lua. q, quit or end of input leave. Ctrl-C stops the\n"
    "running chunk (error \"interrupted\") and returns to the prompt.\n";

static enum options_result bad(const char *format, ...) __attribute__((format(printf, 1, 2)));

/* Rule (1): one line on stderr. */
static enum options_result bad(const char *format, ...)
{
    va_list ap;
    va_start(ap, format);
    fputs("ntmm: ", stderr);
    vfprintf(stderr, format, ap);
    fputc('\n', stderr);
    va_end(ap);
    return OPTIONS_EXIT_USAGE;
}

/* A decimal number, or hexadecimal after 0x; *end at the first other character. */
static bool parse_number(const char *text, uint64_t *value, const char **end)
{
    int base = (text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) ? 16 : 10;
    const char *digits = base == 16 ? text + 2 : text;
    if (!*digits || *digits == '-' || *digits == '+' || *digits == ' ')
        return false;
    char *stop;
    errno = 0;
    unsigned long long v = strtoull(digits, &stop, base);
    if (errno || stop == digits)
        return false;
    *value = v;
    *end = stop;
    return true;
}

/* SIZE: a number with an optional K, M, G or T suffix (and an optional B). */
static bool parse_size(const char *text, uint64_t *bytes)
{
    uint64_t v;
    const char *suffix;
    if (!parse_number(text, &v, &suffix))
        return false;
    static const char units[] = "KMGT";
    unsigned shift = 0;
    const char *unit = *suffix ? strchr(units, (*suffix & ~0x20)) : NULL;
    if (*suffix && (!unit || !*unit))
        return false;
    if (unit) {
        shift = 10u * (unsigned)(unit - units + 1);
        suffix++;
        if (*suffix == 'B' || *suffix == 'b')
            suffix++;
    }
    if (*suffix || (shift && v > (UINT64_MAX >> shift)))
        return false;
    *bytes = v << shift;
    return true;
}

/* --pagefile SIZE[:MAX]: the first replaces the default, each adds one,
 * 0 removes those given so far. */
static enum options_result parse_pagefile(const char *value, struct shell_options *o)
{
    char initial[64];
    const char *colon = strchr(value, ':');
    size_t len = colon ? (size_t)(colon - value) : strlen(value);
    uint64_t size, maximum;
    if (len >= sizeof initial)
        return bad("--pagefile: '%s' is not SIZE or SIZE:MAX", value);
    memcpy(initial, value, len);
    initial[len] = '\0';
    if (!parse_size(initial, &size) || (colon && !parse_size(colon + 1, &maximum)))
        return bad("--pagefile: '%s' is not SIZE or SIZE:MAX (sizes as 512M, 4G, 16384K or "
                   "bytes)", value);
    if (!o->pagefile_given || (size == 0 && !colon))
        o->config.pagefile_count = 0;
    o->pagefile_given = true;
    if (size == 0 && !colon)
        return OPTIONS_RUN;
    if (o->config.pagefile_count == NTMM_MAXIMUM_PAGING_FILES)
        return bad("--pagefile: at most %u pagefiles", NTMM_MAXIMUM_PAGING_FILES);
    o->config.pagefiles[o->config.pagefile_count++] =
        (struct ntmm_pagefile_config){ size, colon ? maximum : size };
    return OPTIONS_RUN;
}

static enum options_result parse_arch(const char *value, struct ntmm_config *config)
{
    if (!strcasecmp(value, "x86"))
        config->arch = NTMM_ARCH_X86;
    else if (!strcasecmp(value, "pae"))
        config->arch = NTMM_ARCH_X86_PAE;
    else if (!strcasecmp(value, "x64") || !strcasecmp(value, "amd64"))
        config->arch = NTMM_ARCH_X64;
    else
        return bad("--arch: '%s' is not x86, pae or x64", value);
    return OPTIONS_RUN;
}

/* One option that takes a value. */
static enum options_result parse_valued(const char *name, const char *value,
                                        struct shell_options *o)
{
    uint64_t n;
    const char *end;
    if (!strcmp(name, "--arch"))
        return parse_arch(value, &o->config);
    if (!strcmp(name, "--ram")) {
        if (!parse_size(value, &n))
            return bad("--ram: '%s' is not a size (use e.g. 512M, 4G, 16384K or bytes)", value);
        o->config.ram_bytes = n;
        return OPTIONS_RUN;
    }
    if (!strcmp(name, "--pagefile"))
        return parse_pagefile(value, o);
    if (!strcmp(name, "--lua-memory")) {
        if (!parse_size(value, &n) || n < LUA_MEMORY_MIN)
            return bad("--lua-memory: '%s' is not a size of at least 1M", value);
        o->lua_memory = n;
        return OPTIONS_RUN;
    }
    if (!strcmp(name, "--timeout")) {
        if (!parse_number(value, &n, &end) || *end || n == 0 || n > INT_MAX)
            return bad("--timeout: '%s' is not a number of seconds (1 or more)", value);
        o->timeout = (unsigned)n;
        return OPTIONS_RUN;
    }
    if (!strcmp(name, "--root")) {
        o->config.root_directory = value;
        return OPTIONS_RUN;
    }
    if (!strcmp(name, "--seed")) {
        if (!parse_number(value, &n, &end) || *end)
            return bad("--seed: '%s' is not a number", value);
        o->config.seed = n;
        return OPTIONS_RUN;
    }
    /* --increaseuserva */
    if (!parse_number(value, &n, &end) || *end || n > UINT32_MAX)
        return bad("--increaseuserva: '%s' is not a number of MB", value);
    o->config.increase_user_va = (uint32_t)n;
    return OPTIONS_RUN;
}

static bool takes_value(const char *name)
{
    static const char *const names[] = { "--arch", "--ram", "--pagefile", "--seed",
                                         "--increaseuserva", "--root", "--lua-memory",
                                         "--timeout" };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (!strcmp(name, names[i]))
            return true;
    return false;
}

/* A "--name" or "--name=value" option; *i moves past a separate value. */
static enum options_result parse_long(int argc, char **argv, int *i, struct shell_options *o)
{
    char name[32];
    const char *arg = argv[*i];
    const char *eq = strchr(arg, '=');
    size_t len = eq ? (size_t)(eq - arg) : strlen(arg);
    if (len >= sizeof name)
        return bad("unknown option '%s' (see ntmm --help)", arg);
    memcpy(name, arg, len);
    name[len] = '\0';
    if (takes_value(name)) {
        if (eq)
            return parse_valued(name, eq + 1, o);
        if (*i + 1 >= argc)
            return bad("%s needs a value", name);
        return parse_valued(name, argv[++*i], o);
    }
    if (eq)
        return bad("%s takes no value", name);
    if (!strcmp(name, "--help")) {
        fputs(usage_text, stdout);
        return OPTIONS_EXIT_OK;
    }
    if (!strcmp(name, "--help-markdown")) {
        help_write_markdown(stdout);
        return OPTIONS_EXIT_OK;
    }
    if (!strcmp(name, "--help-man")) {
        help_write_man(stdout);
        return OPTIONS_EXIT_OK;
    }
    if (!strcmp(name, "--version")) {
        printf("ntmm %s\n", NTMM_VERSION);
        return OPTIONS_EXIT_OK;
    }
    if (!strcmp(name, "--unsafe"))
        o->unsafe = true;
    else if (!strcmp(name, "--user128tb"))
        o->config.user_space_128tb = true;
    else
        return bad("unknown option '%s' (see ntmm --help)", arg);
    return OPTIONS_RUN;
}

/* A short option: -e CODE, -eCODE or -i. */
static enum options_result parse_short(int argc, char **argv, int *i, struct shell_options *o)
{
    const char *arg = argv[*i];
    if (!strcmp(arg, "-i")) {
        o->interactive = true;
        return OPTIONS_RUN;
    }
    if (strncmp(arg, "-e", 2))
        return bad("unknown option '%s' (see ntmm --help)", arg);
    const char *code = arg[2] ? arg + 2 : NULL;
    if (!code && *i + 1 >= argc)
        return bad("-e needs a chunk of Lua code");
    if (!code)
        code = argv[++*i];
    if (o->chunk_count == SHELL_MAX_CHUNKS)
        return bad("too many -e options");
    o->chunks[o->chunk_count++] = code;
    return OPTIONS_RUN;
}

static void options_defaults(int argc, char **argv, struct shell_options *o)
{
    memset(o, 0, sizeof *o);
    ntmm_config_init(&o->config);
    o->argc = argc;
    o->argv = argv;
    o->lua_memory = limits_default_lua_memory();
}

enum options_result options_parse(int argc, char **argv, struct shell_options *o)
{
    options_defaults(argc, argv, o);
    int i = 1;
    for (; i < argc; i++) {
        const char *arg = argv[i];
        if (!strcmp(arg, "--")) {
            i++;
            break;
        }
        if (arg[0] != '-' || !arg[1])
            break;
        enum options_result r = arg[1] == '-' ? parse_long(argc, argv, &i, o)
                                              : parse_short(argc, argv, &i, o);
        if (r != OPTIONS_RUN)
            return r;
    }
    o->script_index = i < argc ? i : 0;
    if (!o->pagefile_given)
        ntmm_config_default_pagefile(&o->config);
    return OPTIONS_RUN;
}
