/* engine/reader.h — a bounds-checked cursor over module bytes: LEB128 and fixed-size reads.
 *
 * Shared by decode.c, translate.c (and usable by validate.c). Every read checks the end first; on
 * failure it sets r->error to the spec's rule text and r->error_off to the offending byte's offset
 * (relative to r->base), and returns 0; later reads keep failing, so a caller may check once after
 * a sequence. LEB128 rules (spec 5.2.2): at most ceil(N/7) bytes; unused bits of the last byte must
 * be 0 (unsigned) or the sign extension (signed): "integer representation too long" when the last
 * allowed byte still has its continuation bit, "integer too large" when its unused bits are wrong. */
#ifndef ENGINE_READER_H
#define ENGINE_READER_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

struct reader {
    const uint8_t *base;    /* start of the module (offsets are relative to it) */
    const uint8_t *p;       /* next byte */
    const uint8_t *end;     /* end of the current section/range */
    const char *error;      /* NULL, or the first rule broken */
    uint32_t error_off;
};

static inline uint32_t reader_offset(const struct reader *r) { return (uint32_t)(r->p - r->base); }

static inline bool reader_fail(struct reader *r, const char *rule)
{
    if (!r->error) {
        r->error = rule;
        r->error_off = reader_offset(r);
    }
    r->p = r->end;
    return false;
}

static inline uint8_t reader_u8(struct reader *r)
{
    if (r->p >= r->end) {
        reader_fail(r, "unexpected end");
        return 0;
    }
    return *r->p++;
}

/* Unsigned LEB128 of at most `bits` bits (32 or 64). */
static inline uint64_t reader_uleb(struct reader *r, unsigned bits)
{
    uint64_t result = 0;
    unsigned shift = 0;
    for (;;) {
        if (r->p >= r->end) {
            reader_fail(r, "unexpected end");
            return 0;
        }
        uint8_t b = *r->p++;
        if (shift + 7 >= bits) {       /* last allowed byte */
            if (b & 0x80) {
                r->p--;
                reader_fail(r, "integer representation too long");
                return 0;
            }
            unsigned used = bits - shift;
            if (used < 7 && (b >> used) != 0) {
                r->p--;
                reader_fail(r, "integer too large");
                return 0;
            }
            return result | ((uint64_t)b << shift);
        }
        result |= (uint64_t)(b & 0x7f) << shift;
        shift += 7;
        if (!(b & 0x80))
            return result;
    }
}

/* Signed LEB128 of at most `bits` bits (32 or 64), sign-extended to 64 bits. */
static inline int64_t reader_sleb(struct reader *r, unsigned bits)
{
    uint64_t result = 0;
    unsigned shift = 0;
    for (;;) {
        if (r->p >= r->end) {
            reader_fail(r, "unexpected end");
            return 0;
        }
        uint8_t b = *r->p++;
        if (shift + 7 >= bits) {       /* last allowed byte */
            if (b & 0x80) {
                r->p--;
                reader_fail(r, "integer representation too long");
                return 0;
            }
            unsigned used = bits - shift;   /* value bits in this byte, the rest is sign */
            int8_t sb = (int8_t)(b << 1) >> 1; /* sign-extend the 7-bit payload */
            int64_t top = (int64_t)sb >> (used - 1); /* must be 0 or -1 */
            if (used < 7 && top != 0 && top != -1) {
                r->p--;
                reader_fail(r, "integer too large");
                return 0;
            }
            result |= (uint64_t)(b & 0x7f) << shift;
            if (shift + 7 < 64 && (b & 0x40))
                result |= ~(uint64_t)0 << (shift + 7);
            return (int64_t)result;
        }
        result |= (uint64_t)(b & 0x7f) << shift;
        shift += 7;
        if (!(b & 0x80)) {
            if (b & 0x40)
                result |= ~(uint64_t)0 << shift;
            return (int64_t)result;
        }
    }
}

static inline uint32_t reader_u32(struct reader *r) { return (uint32_t)reader_uleb(r, 32); }
static inline int32_t reader_s32(struct reader *r) { return (int32_t)reader_sleb(r, 32); }
static inline int64_t reader_s64(struct reader *r) { return reader_sleb(r, 64); }

/* Little-endian fixed-size values (float immediates). */
static inline uint32_t reader_fixed32(struct reader *r)
{
    if (r->end - r->p < 4) {
        reader_fail(r, "unexpected end");
        return 0;
    }
    uint32_t v = (uint32_t)r->p[0] | (uint32_t)r->p[1] << 8 | (uint32_t)r->p[2] << 16 |
                 (uint32_t)r->p[3] << 24;
    r->p += 4;
    return v;
}

static inline uint64_t reader_fixed64(struct reader *r)
{
    uint64_t lo = reader_fixed32(r);
    uint64_t hi = reader_fixed32(r);
    return lo | hi << 32;
}

/* Skips n bytes. */
static inline bool reader_skip(struct reader *r, uint32_t n)
{
    if ((size_t)(r->end - r->p) < n)
        return reader_fail(r, "unexpected end");
    r->p += n;
    return true;
}

#endif
