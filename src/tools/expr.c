/*
 * expr.c — WinDbg's MASM expression evaluator, the part ntmm's commands
 * accept: numbers hexadecimal by default (390000, 0x390000,
 * fffff680`00001c80), 0n decimal, 0y binary, 0t octal; symbols with or
 * without "nt!" (a symbol's value is its address); poi(expr), the
 * pointer-sized value at an address; + - * / and parentheses; unary minus.
 *
 * (1) Evaluating never changes the machine: poi reads through tool_read.
 * (2) Errors read as WinDbg's: "Syntax error at '...'", "Couldn't resolve
 *     error at 'MmFoo'", "Memory access error at '...'",
 *     "Divide by zero error at '...'", naming the rest of the input.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "tools/tool_internal.h"

struct parser {
    struct tool_context *context;
    const char *start;
    const char *p;
    char *error;
    size_t error_size;
    bool failed;
};

static bool parse_sum(struct parser *ps, uint64_t *value);

static void skip_space(struct parser *ps)
{
    while (isspace((unsigned char)*ps->p))
        ps->p++;
}

static bool fail_at(struct parser *ps, const char *what, const char *at, size_t length)
{
    if (!ps->failed) {
        if (!length)
            length = strlen(at);
        snprintf(ps->error, ps->error_size, "%s error at '%.*s'", what, (int)length, at);
    }
    ps->failed = true;
    return false;
}

static bool is_word_char(char c)
{
    return isalnum((unsigned char)c) || c == '_' || c == '!' || c == '`';
}

static int digit_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = (char)tolower((unsigned char)c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : 99;
}

/* Digits of word (length n) in radix; backticks are separators. */
enum number { NOT_A_NUMBER, NUMBER, NUMBER_OVERFLOWS };

/* A number that does not fit 64 bits is WinDbg's "Numeric overflow", not a
 * value wrapped around. */
static enum number digits_value(const char *word, size_t n, unsigned radix, uint64_t *value)
{
    uint64_t v = 0;
    size_t digits = 0;
    bool overflow = false;
    for (size_t i = 0; i < n; i++) {
        if (word[i] == '`')
            continue;
        int d = digit_value(word[i]);
        if (d >= (int)radix)
            return NOT_A_NUMBER;
        overflow |= v > (UINT64_MAX - (unsigned)d) / radix;
        v = v * radix + (unsigned)d;
        digits++;
    }
    *value = v;
    return !digits ? NOT_A_NUMBER : overflow ? NUMBER_OVERFLOWS : NUMBER;
}

static enum number number_value(const char *word, size_t n, uint64_t *value)
{
    if (n > 2 && word[0] == '0') {
        char prefix = (char)tolower((unsigned char)word[1]);
        unsigned radix = prefix == 'x' ? 16 : prefix == 'n' ? 10 : prefix == 'y' ? 2
                                                               : prefix == 't' ? 8 : 0;
        if (radix)
            return digits_value(word + 2, n - 2, radix, value);
    }
    return digits_value(word, n, 16, value);
}

static bool symbol_value(struct parser *ps, const char *word, size_t n, uint64_t *value)
{
    char name[96];
    if (n >= sizeof name)
        return fail_at(ps, "Couldn't resolve", word, n);
    memcpy(name, word, n);
    name[n] = 0;
    struct ntmm_symbol symbol;
    if (ntmm_symbol_lookup(ps->context->machine, name, &symbol) != STATUS_SUCCESS)
        return fail_at(ps, "Couldn't resolve", word, n);
    *value = symbol.address;
    return true;
}

/* poi(expr): the pointer at expr, 4 bytes on x86 and PAE, 8 on x64. */
static bool parse_poi(struct parser *ps, uint64_t *value)
{
    uint64_t address;
    ps->p++; /* the '(' */
    if (!parse_sum(ps, &address))
        return false;
    skip_space(ps);
    if (*ps->p != ')')
        return fail_at(ps, "Syntax", ps->p, 0);
    if (!tool_read_value(ps->context, address, tool_pointer_size(ps->context), value))
        return fail_at(ps, "Memory access", ps->p, 0);
    ps->p++;
    return true;
}

static bool parse_word(struct parser *ps, uint64_t *value)
{
    const char *word = ps->p;
    size_t n = 0;
    while (is_word_char(word[n]))
        n++;
    if (!n)
        return fail_at(ps, "Syntax", word, 0);
    ps->p += n;
    if (n == 3 && strncmp(word, "poi", 3) == 0) {
        skip_space(ps);
        if (*ps->p == '(')
            return parse_poi(ps, value);
    }
    enum number kind = number_value(word, n, value);
    if (kind == NUMBER_OVERFLOWS)
        return fail_at(ps, "Numeric overflow", word, n);
    if (kind == NUMBER)
        return true;
    if (isdigit((unsigned char)word[0]))
        return fail_at(ps, "Syntax", word, 0);
    return symbol_value(ps, word, n, value);
}

static bool parse_unary(struct parser *ps, uint64_t *value)
{
    skip_space(ps);
    if (*ps->p == '-' || *ps->p == '+') {
        bool negate = *ps->p == '-';
        ps->p++;
        if (!parse_unary(ps, value))
            return false;
        if (negate)
            *value = 0 - *value;
        return true;
    }
    if (*ps->p == '(') {
        ps->p++;
        if (!parse_sum(ps, value))
            return false;
        skip_space(ps);
        if (*ps->p != ')')
            return fail_at(ps, "Syntax", ps->p, 0);
        ps->p++;
        return true;
    }
    return parse_word(ps, value);
}

static bool parse_product(struct parser *ps, uint64_t *value)
{
    if (!parse_unary(ps, value))
        return false;
    for (;;) {
        skip_space(ps);
        char op = *ps->p;
        if (op != '*' && op != '/')
            return true;
        const char *at = ps->p++;
        uint64_t right;
        if (!parse_unary(ps, &right))
            return false;
        if (op == '/' && right == 0)
            return fail_at(ps, "Divide by zero", at, 0);
        *value = op == '*' ? *value * right : *value / right;
    }
}

static bool parse_sum(struct parser *ps, uint64_t *value)
{
    if (!parse_product(ps, value))
        return false;
    for (;;) {
        skip_space(ps);
        char op = *ps->p;
        if (op != '+' && op != '-')
            return true;
        ps->p++;
        uint64_t right;
        if (!parse_product(ps, &right))
            return false;
        *value = op == '+' ? *value + right : *value - right;
    }
}

bool tools_evaluate(struct tool_context *context, const char *expression, uint64_t *value,
                    char *error, size_t error_size)
{
    char scratch[8];
    if (!error || !error_size) {
        error = scratch;
        error_size = sizeof scratch;
    }
    error[0] = 0;
    if (!context || !context->machine || !expression || !value) {
        snprintf(error, error_size, "Syntax error at ''");
        return false;
    }
    struct parser ps = { context, expression, expression, error, error_size, false };
    uint64_t v;
    if (!parse_sum(&ps, &v))
        return false;
    skip_space(&ps);
    if (*ps.p)
        return fail_at(&ps, "Syntax", ps.p, 0);
    *value = v;
    return true;
}
