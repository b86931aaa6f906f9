/* kernel/lib/fmt.c — printf-style formatting into a sink (contract in fmt.h).
 *
 * One pass over the format: parse flags, width, precision and length, fetch the argument, turn it
 * into digits in a small buffer, then emit padding, sign/prefix, zeros, digits and right padding. */
#include "kernel/lib/fmt.h"

#include <stdint.h>
#include <stdbool.h>

#include "kernel/lib/string.h"

struct spec {
    bool left, plus, space, alt, zero;
    int width;     /* -1: none */
    int precision; /* -1: none */
    int length;    /* 'H' hh, 'h', 0, 'l', 'L' ll, 'z', 't', 'j' */
};

struct out {
    fmt_sink sink;
    void *ctx;
    int count;
};

static void emit(struct out *o, const char *s, size_t n)
{
    if (n) {
        o->sink(o->ctx, s, n);
        o->count += (int)n;
    }
}

static void emit_repeat(struct out *o, char c, int n)
{
    char buf[16];
    memset(buf, c, sizeof buf);
    while (n > 0) {
        int k = n < (int)sizeof buf ? n : (int)sizeof buf;
        emit(o, buf, (size_t)k);
        n -= k;
    }
}

/* digits of v in `base`, written backwards ending at end; returns the start */
static char *utoa(uint64_t v, unsigned base, bool upper, char *end)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char *p = end;
    do {
        *--p = digits[v % base];
        v /= base;
    } while (v);
    return p;
}

static void emit_number(struct out *o, const struct spec *sp, uint64_t mag, bool negative,
                        unsigned base, bool upper)
{
    char buf[24];
    char *end = buf + sizeof buf;
    char *digits = utoa(mag, base, upper, end);
    int ndigits = (int)(end - digits);
    if (sp->precision == 0 && mag == 0)
        ndigits = 0; /* "%.0d" of 0 prints nothing */
    const char *prefix = "";
    if (negative)
        prefix = "-";
    else if (sp->plus && base == 10)
        prefix = "+";
    else if (sp->space && base == 10)
        prefix = " ";
    else if (sp->alt && base == 16 && mag)
        prefix = upper ? "0X" : "0x";
    else if (sp->alt && base == 8 && (sp->precision <= ndigits))
        prefix = "0";
    int plen = (int)strlen(prefix);
    int zeros = sp->precision > ndigits ? sp->precision - ndigits : 0;
    if (base == 8 && sp->alt && plen && ndigits == 0)
        plen = 1;
    int body = plen + zeros + ndigits;
    int pad = sp->width > body ? sp->width - body : 0;
    if (sp->zero && !sp->left && sp->precision < 0) {
        zeros += pad;
        pad = 0;
    }
    if (!sp->left)
        emit_repeat(o, ' ', pad);
    emit(o, prefix, (size_t)plen);
    emit_repeat(o, '0', zeros);
    emit(o, end - ndigits, (size_t)ndigits);
    if (sp->left)
        emit_repeat(o, ' ', pad);
}

static void emit_string(struct out *o, const struct spec *sp, const char *s, size_t len)
{
    int pad = sp->width > (int)len ? sp->width - (int)len : 0;
    if (!sp->left)
        emit_repeat(o, ' ', pad);
    emit(o, s, len);
    if (sp->left)
        emit_repeat(o, ' ', pad);
}

static int parse_int(const char **f)
{
    int v = 0;
    while (**f >= '0' && **f <= '9')
        v = v * 10 + (*(*f)++ - '0');
    return v;
}

static int64_t fetch_signed(int length, va_list *ap)
{
    switch (length) {
    case 'H': return (signed char)va_arg(*ap, int);
    case 'h': return (short)va_arg(*ap, int);
    case 'l': return va_arg(*ap, long);
    case 'L': return va_arg(*ap, long long);
    case 'z': return (int64_t)va_arg(*ap, size_t);
    case 't': return va_arg(*ap, ptrdiff_t);
    case 'j': return va_arg(*ap, intmax_t);
    default: return va_arg(*ap, int);
    }
}

static uint64_t fetch_unsigned(int length, va_list *ap)
{
    switch (length) {
    case 'H': return (unsigned char)va_arg(*ap, unsigned);
    case 'h': return (unsigned short)va_arg(*ap, unsigned);
    case 'l': return va_arg(*ap, unsigned long);
    case 'L': return va_arg(*ap, unsigned long long);
    case 'z': return va_arg(*ap, size_t);
    case 't': return (uint64_t)va_arg(*ap, ptrdiff_t);
    case 'j': return va_arg(*ap, uintmax_t);
    default: return va_arg(*ap, unsigned);
    }
}

int fmt_format(fmt_sink sink, void *ctx, const char *f, va_list ap_in)
{
    struct out o = { sink, ctx, 0 };
    va_list ap;
    va_copy(ap, ap_in);
    while (*f) {
        const char *lit = f;
        while (*f && *f != '%')
            f++;
        emit(&o, lit, (size_t)(f - lit));
        if (!*f)
            break;
        f++; /* '%' */
        struct spec sp = { .width = -1, .precision = -1 };
        for (;; f++) {
            if (*f == '-') sp.left = true;
            else if (*f == '+') sp.plus = true;
            else if (*f == ' ') sp.space = true;
            else if (*f == '#') sp.alt = true;
            else if (*f == '0') sp.zero = true;
            else break;
        }
        if (*f == '*') {
            f++;
            sp.width = va_arg(ap, int);
            if (sp.width < 0) {
                sp.left = true;
                sp.width = -sp.width;
            }
        } else if (*f >= '0' && *f <= '9') {
            sp.width = parse_int(&f);
        }
        if (*f == '.') {
            f++;
            if (*f == '*') {
                f++;
                sp.precision = va_arg(ap, int);
                if (sp.precision < 0)
                    sp.precision = -1;
            } else {
                sp.precision = parse_int(&f);
            }
        }
        if (*f == 'h') {
            f++;
            sp.length = 'h';
            if (*f == 'h') { f++; sp.length = 'H'; }
        } else if (*f == 'l') {
            f++;
            sp.length = 'l';
            if (*f == 'l') { f++; sp.length = 'L'; }
        } else if (*f == 'z' || *f == 't' || *f == 'j') {
            sp.length = *f++;
        }
        char c = *f ? *f++ : 0;
        switch (c) {
        case 'd':
        case 'i': {
            int64_t v = fetch_signed(sp.length, &ap);
            uint64_t mag = v < 0 ? -(uint64_t)v : (uint64_t)v;
            emit_number(&o, &sp, mag, v < 0, 10, false);
            break;
        }
        case 'u': emit_number(&o, &sp, fetch_unsigned(sp.length, &ap), false, 10, false); break;
        case 'x': emit_number(&o, &sp, fetch_unsigned(sp.length, &ap), false, 16, false); break;
        case 'X': emit_number(&o, &sp, fetch_unsigned(sp.length, &ap), false, 16, true); break;
        case 'o': emit_number(&o, &sp, fetch_unsigned(sp.length, &ap), false, 8, false); break;
        case 'p': {
            char pbuf[18] = "0x";
            char *d = utoa((uintptr_t)va_arg(ap, void *), 16, false, pbuf + sizeof pbuf);
            while (d > pbuf + 2)
                *--d = '0';
            emit_string(&o, &sp, pbuf, sizeof pbuf);
            break;
        }
        case 'c': {
            char ch = (char)va_arg(ap, int);
            emit_string(&o, &sp, &ch, 1);
            break;
        }
        case 's': {
            const char *s = va_arg(ap, const char *);
            if (!s)
                s = "(null)";
            size_t len = sp.precision >= 0 ? strnlen(s, (size_t)sp.precision) : strlen(s);
            emit_string(&o, &sp, s, len);
            break;
        }
        case '%': emit(&o, "%", 1); break;
        case 0: break;
        default: /* unknown conversion: print it as written */
            emit(&o, "%", 1);
            emit(&o, &c, 1);
            break;
        }
    }
    va_end(ap);
    return o.count;
}

struct buf_ctx {
    char *buf;
    size_t size; /* capacity incl. the NUL */
    size_t used;
};

static void buf_sink(void *ctx, const char *s, size_t n)
{
    struct buf_ctx *b = ctx;
    if (b->used + 1 < b->size) {
        size_t room = b->size - 1 - b->used;
        size_t k = n < room ? n : room;
        memcpy(b->buf + b->used, s, k);
        b->used += k;
    }
}

int vsnprintf(char *restrict buf, size_t size, const char *restrict format, va_list ap)
{
    struct buf_ctx b = { buf, size, 0 };
    int n = fmt_format(buf_sink, &b, format, ap);
    if (size)
        buf[b.used] = 0;
    return n;
}

int snprintf(char *restrict buf, size_t size, const char *restrict format, ...)
{
    va_list ap;
    va_start(ap, format);
    int n = vsnprintf(buf, size, format, ap);
    va_end(ap);
    return n;
}
