/*
 * pattern.c — a bound on Lua's pattern matcher. string.find, match, gmatch
 * and gsub backtrack without limit and call no hook, so neither Ctrl-C nor
 * --timeout (limits.c) can stop them: string.rep("a*", 20) .. "b" against
 * 40 "a"s would run for years. Each of the four is wrapped: before Lua's
 * own function runs (in the same frame, so its errors read as before), the
 * wrapper bounds the steps the match could take, and above PATTERN_BUDGET
 * raises "pattern too complex …" instead.
 *
 * The bound counts the matcher's work as if every attempt failed:
 * (1) an item (a character class, a capture, %f, $) is one step and goes on
 *     where it matched; x? tries the rest after x and without it; x*, x+
 *     and x- try the rest at every length of the run of x's characters at
 *     that place (plus the run itself); %bxy scans to its closing character
 *     and %1 compares up to the subject's end, each with one place to go on;
 * (2) an unanchored search adds the bound at every start; an anchored one
 *     (find, match and gsub with "^") at the first only.
 * (3) The exact bound is a pass over the subject per item (pattern_cost).
 *     Most patterns never need it: from the pattern alone, a quantifier whose
 *     characters cannot begin what follows it only adds to the cost; one
 *     that can multiplies it by the subject's length (2 for x?). A pattern
 *     whose degree is 2 or less (Lua's usual worst case, "(.-),") or whose
 *     bound from its degree (the subject's length to that power, without
 *     the pattern's length as a factor) is under the budget is not measured.
 * (4) A pattern this file cannot read (malformed) is left to Lua, which
 *     reports it as before. The plain find and patterns without special
 *     characters do not backtrack and are not read; nor is a pattern with
 *     at most one quantifier, %b or %1 (and no x?), or whose bound from
 *     their number alone is under the budget.
 */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>

#include "shell/shell.h"

static const double PATTERN_BUDGET = 1e8; /* steps: under a second of matching */

enum item_kind { ITEM_CLASS, ITEM_TRANSPARENT, ITEM_FRONTIER, ITEM_END, ITEM_BALANCE, ITEM_BACKREF };

struct item {
    enum item_kind kind;
    char quantifier;          /* '*', '+', '-', '?' or 0 (ITEM_CLASS only) */
    unsigned char open, close; /* %b's two characters */
    unsigned char set[32];    /* the characters the item can match (bit c) */
};

struct pattern {
    struct item *items;
    int count;
    bool anchored;            /* "^" at the start (find, match, gsub) */
};

static bool in_set(const unsigned char *set, unsigned c) { return set[c >> 3] & (1u << (c & 7)); }
static void add(unsigned char *set, unsigned c) { set[c >> 3] |= (unsigned char)(1u << (c & 7)); }

/* %a, %d … as Lua reads them (the C locale); another character stands for itself. */
static bool class_letter(int letter, int c)
{
    bool r;
    switch (tolower(letter)) {
    case 'a': r = isalpha(c); break;
    case 'c': r = iscntrl(c); break;
    case 'd': r = isdigit(c); break;
    case 'g': r = isgraph(c); break;
    case 'l': r = islower(c); break;
    case 'p': r = ispunct(c); break;
    case 's': r = isspace(c); break;
    case 'u': r = isupper(c); break;
    case 'w': r = isalnum(c); break;
    case 'x': r = isxdigit(c); break;
    default: return letter == c;
    }
    return isupper(letter) ? !r : r;
}

static unsigned char letter_sets[128][32]; /* %a … for each ASCII letter, made once */

/* The set %letter stands for. */
static void add_escape(unsigned char *set, unsigned char letter)
{
    if (letter < 128 && isalpha(letter)) {
        for (int b = 0; b < 32; b++)
            set[b] |= letter_sets[letter][b];
    } else {
        add(set, letter);
    }
}

/* The set [...] whose '[' is at p and ']' at close, as Lua reads it. */
static void add_brackets(unsigned char *set, const unsigned char *p, const unsigned char *close)
{
    bool complement = p[1] == '^';
    for (p += 1 + complement; p < close; p++) {
        if (*p == '%' && p + 1 < close) {
            add_escape(set, *++p);
        } else if (p[1] == '-' && p + 2 < close) {
            for (unsigned c = p[0]; c <= p[2]; c++)
                add(set, c);
            p += 2;
        } else {
            add(set, *p);
        }
    }
    for (int b = 0; complement && b < 32; b++)
        set[b] = (unsigned char)~set[b];
}

/* The single-character class at *p into set; *p moves past it. False if malformed. */
static bool read_class(const unsigned char **p, const unsigned char *end, unsigned char *set)
{
    const unsigned char *start = *p, *q = start;
    memset(set, 0, 32);
    if (*q == '%') {
        if (++q == end)
            return false;
        add_escape(set, *q);
    } else if (*q == '[') {
        if (*++q == '^')
            q++;
        do {
            if (q >= end)
                return false;
            if (*q++ == '%' && q < end)
                q++;
        } while (q >= end || *q != ']');
        add_brackets(set, start, q);
    } else if (*q == '.') {
        memset(set, 0xff, 32);
    } else {
        add(set, *q);
    }
    *p = q + 1;
    return true;
}

/* The item at *p; *p moves past it. */
static bool read_item(const unsigned char **p, const unsigned char *end, struct item *it)
{
    const unsigned char *q = *p;
    memset(it, 0, sizeof *it);
    if (*q == '(' || *q == ')') {
        it->kind = ITEM_TRANSPARENT;
        *p = q + 1;
        return true;
    }
    if (*q == '$' && q + 1 == end) {
        it->kind = ITEM_END;
        *p = q + 1;
        return true;
    }
    if (*q == '%' && q + 1 < end && (q[1] == 'b' || q[1] == 'f' || isdigit(q[1]))) {
        if (q[1] == 'b') {
            if (q + 3 >= end)
                return false;
            it->kind = ITEM_BALANCE;
            it->open = q[2];
            it->close = q[3];
            add(it->set, q[2]);
            *p = q + 4;
            return true;
        }
        if (q[1] == 'f') {
            *p = q + 2;
            it->kind = ITEM_FRONTIER;
            return *p < end && **p == '[' && read_class(p, end, it->set);
        }
        it->kind = ITEM_BACKREF;
        memset(it->set, 0xff, 32);
        *p = q + 2;
        return true;
    }
    it->kind = ITEM_CLASS;
    if (!read_class(p, end, it->set))
        return false;
    if (*p < end && **p && strchr("*+-?", **p))
        it->quantifier = (char)*(*p)++;
    return true;
}

/* Reads the pattern into items (room for length of them). */
static bool read_pattern(const char *text, size_t length, bool may_anchor, struct pattern *pat)
{
    const unsigned char *p = (const unsigned char *)text, *end = p + length;
    pat->anchored = may_anchor && p < end && *p == '^';
    p += pat->anchored;
    for (pat->count = 0; p < end; pat->count++)
        if (!read_item(&p, end, &pat->items[pat->count]))
            return false;
    return true;
}

/* x*, x- and x? may match nothing, whatever the subject holds. */
static bool may_be_empty(const struct item *it)
{
    return it->kind == ITEM_CLASS && it->quantifier && it->quantifier != '+';
}

/* Rule (3): the degree of the cost in the subject's length, and the count
 * of x? that double it. */
static void pattern_degree(const struct pattern *pat, int *degree, int *doublings)
{
    unsigned char first[32] = { 0 }; /* what can begin the rest */
    bool accepts = true;             /* the rest can match the empty string */
    *degree = 0;
    *doublings = 0;
    for (int i = pat->count - 1; i >= 0; i--) {
        const struct item *it = &pat->items[i];
        bool overlaps = false;
        for (int b = 0; b < 32 && !accepts; b++)
            overlaps |= (it->set[b] & first[b]) != 0;
        if (it->kind == ITEM_CLASS && it->quantifier == '?')
            *doublings += overlaps;
        else if (it->kind == ITEM_CLASS && it->quantifier)
            *degree = overlaps ? *degree + 1 : (*degree > 1 ? *degree : 1);
        else if (it->kind == ITEM_BALANCE || it->kind == ITEM_BACKREF)
            *degree = *degree > 1 ? *degree : 1;
        if (it->kind == ITEM_TRANSPARENT)
            continue;
        if (!may_be_empty(it) && it->kind != ITEM_FRONTIER && it->kind != ITEM_BACKREF)
            memset(first, 0, sizeof first);
        for (int b = 0; b < 32; b++)
            first[b] |= it->set[b];
        accepts &= may_be_empty(it);
    }
    *degree += !pat->anchored;
}

/* Where %bxy starting at each place ends (the index after the closing
 * character), or -1 where it never closes. */
static void balance_ends(const unsigned char *s, long n, unsigned char x, unsigned char y, long *ends)
{
    long depth = 0, *stack = ends + n + 1; /* the open places not yet closed */
    for (long i = 0; i <= n; i++)
        ends[i] = -1;
    if (x == y) {
        for (long i = n - 1, next = -1; i >= 0; i--) {
            if (s[i] == x && next >= 0)
                ends[i] = next + 1;
            if (s[i] == x)
                next = i;
        }
        return;
    }
    for (long i = 0; i < n; i++) {
        if (s[i] == y && depth > 0)
            ends[stack[--depth]] = i + 1;
        else if (s[i] == x)
            stack[depth++] = i;
    }
}

/* cur[pos] for one item from next (the rest's bound at each place) and
 * sums[pos] = next[pos] + … + next[n]. */
static void item_cost(const struct item *it, const unsigned char *s, long n, const double *next,
                      const double *sums, const long *ends, double *cur)
{
    double best = 0;
    long run = 0;
    for (long pos = n; pos >= 0; pos--) {
        bool here = pos < n && in_set(it->set, s[pos]);
        bool frontier = in_set(it->set, pos < n ? s[pos] : 0) && !in_set(it->set, pos > 0 ? s[pos - 1] : 0);
        run = here ? run + 1 : 0;
        best = next[pos] > best ? next[pos] : best;
        double c = 1;
        if (it->kind == ITEM_TRANSPARENT)
            c += next[pos];
        else if (it->kind == ITEM_FRONTIER)
            c += frontier ? next[pos] : 0;
        else if (it->kind == ITEM_BALANCE)
            c += !here ? 0 : ends[pos] < 0 ? (double)(n - pos) : (double)(ends[pos] - pos) + next[ends[pos]];
        else if (it->kind == ITEM_BACKREF)
            c += (double)(n - pos) + best;
        else if (it->quantifier == '*' || it->quantifier == '-')
            c += (double)run + sums[pos] - sums[pos + run + 1];
        else if (it->quantifier == '+')
            c += run ? (double)run + sums[pos + 1] - sums[pos + run + 1] : 0;
        else if (it->kind == ITEM_CLASS)
            c += (here ? next[pos + 1] : 0) + (it->quantifier == '?' ? next[pos] : 0);
        cur[pos] = c;
    }
}

/* Rule (3)'s exact bound from the first start; HUGE_VAL without host memory. */
static double pattern_cost(const struct pattern *pat, const unsigned char *s, long n, long first)
{
    double *next = malloc(3 * (size_t)(n + 2) * sizeof *next);
    long *ends = malloc(2 * (size_t)(n + 1) * sizeof *ends);
    if (!next || !ends) {
        free(next);
        free(ends);
        return HUGE_VAL;
    }
    double *cur = next + n + 2, *sums = cur + n + 2;
    for (long pos = 0; pos <= n; pos++)
        next[pos] = 1;
    for (int i = pat->count - 1; i >= 0; i--) {
        sums[n + 1] = 0;
        for (long pos = n; pos >= 0; pos--)
            sums[pos] = sums[pos + 1] + next[pos];
        if (pat->items[i].kind == ITEM_BALANCE)
            balance_ends(s, n, pat->items[i].open, pat->items[i].close, ends);
        item_cost(&pat->items[i], s, n, next, sums, ends, cur);
        double *t = next;
        next = cur;
        cur = t;
    }
    double total = 0;
    for (long pos = first; pos <= (pat->anchored ? first : n); pos++)
        total += next[pos];
    free(next < cur ? next : cur);
    free(ends);
    return total;
}

/* base to the power exp, saturating at HUGE_VAL (no libm in the shell's link). */
static double power(double base, int exp)
{
    double r = 1;
    while (exp-- > 0 && r < 1e300)
        r *= base;
    return r < 1e300 ? r : HUGE_VAL;
}

static int decimal_exponent(double x)
{
    int e = 0;
    for (; x >= 10 && e < 300; x /= 10)
        e++;
    return e;
}

/* Lua's init argument (index 3) as the index of the first start, or -1 past
 * the end; arguments 1 and 2 are checked first, as Lua checks them. */
static long first_start(lua_State *L)
{
    size_t n;
    luaL_checklstring(L, 1, &n);
    luaL_checkstring(L, 2);
    lua_Integer init = luaL_optinteger(L, 3, 1);
    if (init > 0)
        return (lua_Unsigned)init - 1 > n ? -1 : (long)init - 1;
    if (init == 0 || init <= -(lua_Integer)n)
        return 0;
    return (long)n + (long)init;
}

/* The quantifiers, %b and %1 … the pattern may hold (an upper bound: '?'
 * counted apart) and whether it has special characters at all. */
static int variable_items(const char *p, size_t length, int *questions, bool *special)
{
    int count = 0;
    *questions = 0;
    *special = false;
    for (size_t i = 0; i < length; i++) {
        switch (p[i]) {
        case '%':
            count += i + 1 < length && (p[i + 1] == 'b' || isdigit((unsigned char)p[i + 1]));
            break;
        case '*': case '+': case '-':
            count++;
            break;
        case '?':
            ++*questions;
            break;
        case '^': case '$': case '.': case '(': case '[':
            break;
        default:
            continue;
        }
        *special = true;
    }
    return count;
}

/* Raises the error if subject (argument 1) and pattern (2) could need more
 * than PATTERN_BUDGET steps from start first. */
static void pattern_check(lua_State *L, bool may_anchor, long first)
{
    size_t n, length;
    const char *s = luaL_checklstring(L, 1, &n);
    const char *p = luaL_checklstring(L, 2, &length);
    bool special;
    int questions, variable = variable_items(p, length, &questions, &special);
    bool anchored = may_anchor && length && p[0] == '^';
    double most = power((double)n + 1, variable + !anchored) * power(2, questions);
    if (first < 0 || !special || (variable <= 1 && !questions) || most <= PATTERN_BUDGET)
        return;
    struct item small[64]; /* most patterns; a longer one gets a userdata */
    bool big = length > sizeof small / sizeof small[0];
    struct pattern pat = { big ? lua_newuserdatauv(L, length * sizeof *pat.items, 0) : small, 0, false };
    int degree, doublings;
    double cost = 0;
    if (read_pattern(p, length, may_anchor, &pat)) {
        pattern_degree(&pat, &degree, &doublings);
        double rough = power((double)n + 1, degree) * power(2, doublings);
        if ((degree > 2 || doublings) && rough > PATTERN_BUDGET)
            cost = pattern_cost(&pat, (const unsigned char *)s, (long)n, first);
    }
    if (big)
        lua_pop(L, 1);
    if (cost > PATTERN_BUDGET)
        luaL_error(L, "pattern too complex for a subject of %I bytes (about 10^%d steps; "
                      "ntmm allows 10^8)", (lua_Integer)n, decimal_exponent(cost));
}

/* The wrappers; upvalue 1 is Lua's function (a light C function). */
static int call_lua(lua_State *L)
{
    return lua_tocfunction(L, lua_upvalueindex(1))(L);
}

static int pattern_find(lua_State *L)
{
    long first = first_start(L);
    if (!lua_toboolean(L, 4))
        pattern_check(L, true, first);
    return call_lua(L);
}

static int pattern_match(lua_State *L)
{
    pattern_check(L, true, first_start(L));
    return call_lua(L);
}

static int pattern_gmatch(lua_State *L)
{
    pattern_check(L, false, first_start(L));
    return call_lua(L);
}

static int pattern_gsub(lua_State *L)
{
    pattern_check(L, true, 0);
    return call_lua(L);
}

void pattern_open(lua_State *L)
{
    for (int letter = 'A'; letter <= 'z'; letter++)
        for (int c = 0; c < 256 && isalpha(letter); c++)
            if (class_letter(letter, c))
                add(letter_sets[letter], (unsigned)c);
    static const luaL_Reg wrappers[] = {
        { "find", pattern_find }, { "match", pattern_match },
        { "gmatch", pattern_gmatch }, { "gsub", pattern_gsub },
        { NULL, NULL },
    };
    lua_getglobal(L, "string");
    for (const luaL_Reg *w = wrappers; w->name; w++) {
        lua_getfield(L, -1, w->name);
        lua_pushcclosure(L, w->func, 1);
        lua_setfield(L, -2, w->name);
    }
    lua_pop(L, 1);
}
