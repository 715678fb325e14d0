/*
 * evaluate.c — WinDbg's ? (Evaluate Expression) and .formats (Show Number
 * Formats): a MASM expression (expr.c) evaluated and printed, by ? as
 * "Evaluate expression: 4096 = 00001000", by .formats in hexadecimal,
 * decimal, octal, binary, characters, time and floating point.
 *
 * (1) A value is the target's width: on x86 and PAE a value whose high 32
 *     bits only extend its low ones (ffffffff, or 0 - 1) is a 32-bit value
 *     and prints as one (8 hex digits, "-1"); any other value, and every
 *     value on x64, prints as 64 bits (00000000`00001000). Decimals are
 *     signed, as WinDbg's are.
 * (2) .formats' Time is the value as a C run-time time_t (seconds since
 *     1970) when it fits 32 bits, else as a FILETIME (100 ns since 1601,
 *     with milliseconds); both in UTC, so the output is the same on every
 *     host. A negative one is "***** Invalid" ("***** Invalid FILETIME").
 * (3) Float and Double print as the Microsoft C run-time WinDbg is built
 *     with prints %g: at least three exponent digits (6.36908e-022), 1.#INF,
 *     1.#QNAN, 1.#SNAN and -1.#IND for the special values.
 * (4) ? with no expression prints the command list, as WinDbg's ? alone
 *     prints its command summary.
 */
#include <stdio.h>
#include <string.h>

#include "tools/tool_internal.h"

/* Rule (1): true when value prints as 64 bits on this target. */
static bool is_wide(const struct tool_context *context, uint64_t value)
{
    uint64_t high = value >> 32;
    return tool_is_x64(context) ||
           !(high == 0 || (high == 0xffffffffu && (value & 0x80000000u)));
}

NTSTATUS tool_evaluate(struct tool_context *context, const char *name, const char *args,
                       struct tool_output *out)
{
    if (!*args)
        return tool_help(context, name, args, out);
    uint64_t value;
    if (!tool_eval(context, name, args, &value, out))
        return STATUS_INVALID_PARAMETER;
    if (is_wide(context, value))
        tool_printf(out, "Evaluate expression: %lld = %s\n", (long long)value,
                    tool_qword_text(value).text);
    else
        tool_printf(out, "Evaluate expression: %d = %08x\n", (int)(int32_t)(uint32_t)value,
                    (unsigned)(uint32_t)value);
    return STATUS_SUCCESS;
}

/* Rule (3): %g with the Microsoft run-time's exponent and special values.
 * bits is the number's encoding, exponent_bits and mantissa_bits its
 * format's (8 and 23 for float, 11 and 52 for double). */
static void real_text(double d, uint64_t bits, unsigned exponent_bits, unsigned mantissa_bits,
                      char *text, size_t size)
{
    bool negative = (bits >> (exponent_bits + mantissa_bits)) & 1;
    uint64_t exponent = (bits >> mantissa_bits) & ((1ull << exponent_bits) - 1);
    uint64_t mantissa = bits & ((1ull << mantissa_bits) - 1);
    uint64_t quiet = 1ull << (mantissa_bits - 1);
    if (exponent == (1ull << exponent_bits) - 1) {
        const char *kind = !mantissa                               ? "1.#INF"
                           : !(mantissa & quiet)                    ? "1.#SNAN"
                           : negative && mantissa == quiet          ? "1.#IND"
                                                                    : "1.#QNAN";
        snprintf(text, size, "%s%s", negative ? "-" : "", kind);
        return;
    }
    char plain[40];
    snprintf(plain, sizeof plain, "%g", d);
    char *e = strchr(plain, 'e');
    if (!e) {
        snprintf(text, size, "%s", plain);
        return;
    }
    const char *digits = e + 2; /* after the 'e' and its sign */
    size_t n = strlen(digits);
    snprintf(text, size, "%.*s%s%s", (int)(digits - plain), plain,
             n == 1 ? "00" : n == 2 ? "0" : "", digits);
}

static void float_text(uint32_t bits, char *text, size_t size)
{
    float f;
    memcpy(&f, &bits, sizeof f);
    real_text(f, bits, 8, 23, text, size);
}

static void double_text(uint64_t bits, char *text, size_t size)
{
    double d;
    memcpy(&d, &bits, sizeof d);
    real_text(d, bits, 11, 52, text, size);
}

/* The proleptic Gregorian date of a day number (0: 1 January 1970). */
static void civil_date(int64_t days, int64_t *year, unsigned *month, unsigned *day)
{
    int64_t z = days + 719468; /* days since 1 March of year 0 */
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;                                 /* [0, 146096] */
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365; /* [0, 399] */
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);          /* [0, 365] */
    int64_t mp = (5 * doy + 2) / 153;                               /* March = 0 */
    *day = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
    *month = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
    *year = yoe + era * 400 + (*month <= 2);
}

/* "Mon Jan 07 23:31:46 1985" for seconds since 1970 (UTC); with
 * milliseconds (a FILETIME) "Mon Jan 07 23:31:46.000 1985 (UTC + 0:00)". */
static void time_text(int64_t seconds, int milliseconds, char *text, size_t size)
{
    static const char *const weekdays[7] = { "Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed" };
    static const char *const months[12] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
    int64_t days = seconds >= 0 ? seconds / 86400 : -((-seconds + 86399) / 86400);
    int64_t second_of_day = seconds - days * 86400;
    int64_t year;
    unsigned month, day;
    civil_date(days, &year, &month, &day);
    int64_t weekday = days % 7;
    if (weekday < 0)
        weekday += 7;
    char fraction[16] = "";
    if (milliseconds >= 0)
        snprintf(fraction, sizeof fraction, ".%03d", milliseconds);
    snprintf(text, size, "%s %s %02u %02u:%02u:%02u%s %lld%s", weekdays[weekday],
             months[month - 1], day, (unsigned)(second_of_day / 3600),
             (unsigned)(second_of_day / 60 % 60), (unsigned)(second_of_day % 60), fraction,
             (long long)year, milliseconds >= 0 ? " (UTC + 0:00)" : "");
}

/* Rule (2). */
static void formats_time(uint64_t value, char *text, size_t size)
{
    if (value >> 32 == 0) {
        if ((int32_t)(uint32_t)value < 0)
            snprintf(text, size, "***** Invalid");
        else
            time_text((int64_t)value, -1, text, size);
        return;
    }
    if ((int64_t)value < 0) {
        snprintf(text, size, "***** Invalid FILETIME");
        return;
    }
    const int64_t seconds_1601_to_1970 = 11644473600;
    int64_t ticks = (int64_t)value;
    time_text(ticks / 10000000 - seconds_1601_to_1970, (int)(ticks / 10000 % 1000), text, size);
}

NTSTATUS tool_formats(struct tool_context *context, const char *name, const char *args,
                      struct tool_output *out)
{
    if (!*args)
        return tool_fail(out, STATUS_INVALID_PARAMETER, "%s: usage: .formats expression", name);
    uint64_t value;
    if (!tool_eval(context, name, args, &value, out))
        return STATUS_INVALID_PARAMETER;
    bool wide = is_wide(context, value);
    if (!wide)
        value &= 0xffffffffu;
    unsigned bytes = wide ? 8 : 4;
    char binary[80] = "", chars[9] = "", when[64], low[96], high[96], real[96];
    for (unsigned i = 0; i < bytes; i++) {
        unsigned byte = (unsigned)(value >> (8 * (bytes - 1 - i))) & 0xff;
        char *b = binary + strlen(binary);
        for (unsigned bit = 8; bit-- > 0;)
            *b++ = (char)('0' + ((byte >> bit) & 1));
        if (i + 1 < bytes)
            *b++ = ' ';
        *b = 0;
        chars[i] = byte >= 0x20 && byte < 0x7f ? (char)byte : '.';
    }
    chars[bytes] = 0;
    formats_time(value, when, sizeof when);
    float_text((uint32_t)value, low, sizeof low);
    float_text((uint32_t)(value >> 32), high, sizeof high);
    double_text(value, real, sizeof real);
    tool_printf(out, "Evaluate expression:\n");
    if (wide)
        tool_printf(out, "  Hex:     %s\n  Decimal: %lld\n  Octal:   %022llo\n",
                    tool_qword_text(value).text, (long long)value, (unsigned long long)value);
    else
        tool_printf(out, "  Hex:     %08x\n  Decimal: %d\n  Octal:   %011o\n", (unsigned)value,
                    (int)(int32_t)(uint32_t)value, (unsigned)value);
    tool_printf(out, "  Binary:  %s\n  Chars:   %s\n  Time:    %s\n", binary, chars, when);
    tool_printf(out, "  Float:   low %s high %s\n  Double:  %s\n", low, high, real);
    return STATUS_SUCCESS;
}
