/*
 * A small printf onto the platform console, or into a buffer: enough for one
 * status line per step and the names of the devices found.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "port.h"

/* Where the characters go: the console when buf is NULL, else buf (always terminated). */
struct sink {
    char *buf;
    size_t cap;
    size_t len; /* characters produced, also those that did not fit */
};

static void put(struct sink *out, char c)
{
    if (out->buf == NULL) {
        /* A terminal in raw mode (QEMU -nographic) needs the carriage return. */
        if (c == '\n')
            plat_putc('\r');
        plat_putc(c);
    } else if (out->len + 1 < out->cap) {
        out->buf[out->len] = c;
        out->buf[out->len + 1] = '\0';
    }
    out->len++;
}

static void put_uint(struct sink *out, unsigned long long v, unsigned base, unsigned width,
                     char pad)
{
    char digits[24];
    unsigned n = 0;
    do {
        unsigned d = (unsigned)(v % base);
        digits[n++] = (char)(d < 10 ? '0' + d : 'a' + d - 10);
        v /= base;
    } while (v != 0);
    for (unsigned i = n; i < width; i++)
        put(out, pad);
    while (n > 0)
        put(out, digits[--n]);
}

/* Reads one argument of the given length modifier (0: int, 1: long, 2: long long, 3: size_t). */
static unsigned long long arg_unsigned(va_list *ap, int len)
{
    switch (len) {
    case 1:
        return va_arg(*ap, unsigned long);
    case 2:
        return va_arg(*ap, unsigned long long);
    case 3:
        return va_arg(*ap, size_t);
    default:
        return va_arg(*ap, unsigned int);
    }
}

static long long arg_signed(va_list *ap, int len)
{
    switch (len) {
    case 1:
        return va_arg(*ap, long);
    case 2:
        return va_arg(*ap, long long);
    case 3:
        return (long long)va_arg(*ap, size_t);
    default:
        return va_arg(*ap, int);
    }
}

static void vprint(struct sink *out, const char *fmt, va_list *ap)
{
    for (const char *p = fmt; *p; p++) {
        if (*p != '%') {
            put(out, *p);
            continue;
        }
        p++;
        char pad = ' ';
        if (*p == '0') {
            pad = '0';
            p++;
        }
        unsigned width = 0;
        while (*p >= '0' && *p <= '9')
            width = width * 10 + (unsigned)(*p++ - '0');
        int len = 0;
        if (*p == 'z') {
            len = 3;
            p++;
        }
        while (*p == 'l' && len < 2) {
            len++;
            p++;
        }
        switch (*p) {
        case 'd': {
            long long v = arg_signed(ap, len);
            unsigned long long mag = v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;
            if (v < 0) {
                put(out, '-');
                width = width ? width - 1 : 0;
            }
            put_uint(out, mag, 10, width, pad);
            break;
        }
        case 'u':
            put_uint(out, arg_unsigned(ap, len), 10, width, pad);
            break;
        case 'x':
            put_uint(out, arg_unsigned(ap, len), 16, width, pad);
            break;
        case 'p':
            put(out, '0');
            put(out, 'x');
            put_uint(out, (uintptr_t)va_arg(*ap, void *), 16, width, pad);
            break;
        case 'c':
            put(out, (char)va_arg(*ap, int));
            break;
        case 's': {
            const char *s = va_arg(*ap, const char *);
            for (s = s ? s : "(null)"; *s; s++)
                put(out, *s);
            break;
        }
        case '%':
            put(out, '%');
            break;
        default:
            /* an unknown conversion is shown, not silently dropped */
            put(out, '%');
            if (*p == '\0')
                return;
            put(out, *p);
            break;
        }
    }
}

void con_vprintf(const char *fmt, va_list ap)
{
    struct sink out = {NULL, 0, 0};
    va_list copy;
    va_copy(copy, ap);
    vprint(&out, fmt, &copy);
    va_end(copy);
}

void con_printf(const char *fmt, ...)
{
    struct sink out = {NULL, 0, 0};
    va_list ap;
    va_start(ap, fmt);
    vprint(&out, fmt, &ap);
    va_end(ap);
}

size_t con_snprintf(char *buf, size_t cap, const char *fmt, ...)
{
    struct sink out = {buf, cap, 0};
    if (cap > 0)
        buf[0] = '\0';
    va_list ap;
    va_start(ap, fmt);
    vprint(&out, fmt, &ap);
    va_end(ap);
    return out.len;
}
