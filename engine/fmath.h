/* engine/fmath.h — IEEE-754 helpers with WebAssembly semantics, without libm (the engine builds
 * freestanding). Spec 4.3.3 (floating-point operations).
 *
 * - Arithmetic (+ - * / sqrt) uses the C operators / __builtin_sqrt, which map to the SSE instructions:
 *   correctly rounded, and a NaN result is either the canonical NaN or a quieted input NaN, which is
 *   what the spec allows (nan:canonical / nan:arithmetic).
 * - min/max: NaN if either operand is NaN; -0 < +0.
 * - ceil/floor/trunc/nearest: bit manipulation, exact for every input; NaN inputs are quieted.
 * - Float->int conversions: the range checks of the trapping and saturating forms. */
#ifndef ENGINE_FMATH_H
#define ENGINE_FMATH_H

#include <stdint.h>
#include <stdbool.h>

static inline uint32_t fm_bits32(float f) { uint32_t b; __builtin_memcpy(&b, &f, 4); return b; }
static inline uint64_t fm_bits64(double d) { uint64_t b; __builtin_memcpy(&b, &d, 8); return b; }
static inline float fm_f32(uint32_t b) { float f; __builtin_memcpy(&f, &b, 4); return f; }
static inline double fm_f64(uint64_t b) { double d; __builtin_memcpy(&d, &b, 8); return d; }

static inline float fm_min32(float a, float b)
{
    if (a != a || b != b)
        return a + b;                       /* NaN, quieted */
    if (a == b)                             /* +0 vs -0: either sign set wins */
        return fm_f32(fm_bits32(a) | fm_bits32(b));
    return a < b ? a : b;
}

static inline float fm_max32(float a, float b)
{
    if (a != a || b != b)
        return a + b;
    if (a == b)
        return fm_f32(fm_bits32(a) & fm_bits32(b));
    return a > b ? a : b;
}

static inline double fm_min64(double a, double b)
{
    if (a != a || b != b)
        return a + b;
    if (a == b)
        return fm_f64(fm_bits64(a) | fm_bits64(b));
    return a < b ? a : b;
}

static inline double fm_max64(double a, double b)
{
    if (a != a || b != b)
        return a + b;
    if (a == b)
        return fm_f64(fm_bits64(a) & fm_bits64(b));
    return a > b ? a : b;
}

/* trunc: clear the fraction bits below the binary point. */
static inline float fm_trunc32(float x)
{
    uint32_t b = fm_bits32(x);
    int e = (int)((b >> 23) & 0xff) - 127;
    if (e >= 23)
        return x != x ? x + x : x;          /* integral, inf or NaN */
    if (e < 0)
        return fm_f32(b & 0x80000000u);     /* |x| < 1: +-0 */
    return fm_f32(b & ~((1u << (23 - e)) - 1));
}

static inline double fm_trunc64(double x)
{
    uint64_t b = fm_bits64(x);
    int e = (int)((b >> 52) & 0x7ff) - 1023;
    if (e >= 52)
        return x != x ? x + x : x;
    if (e < 0)
        return fm_f64(b & 0x8000000000000000ull);
    return fm_f64(b & ~((1ull << (52 - e)) - 1));
}

static inline float fm_floor32(float x)
{
    float t = fm_trunc32(x);
    return (x < 0 && t != x) ? t - 1.0f : t;
}

static inline float fm_ceil32(float x)
{
    float t = fm_trunc32(x);
    if (x > 0 && t != x)
        return t + 1.0f;
    return t;   /* ceil(-0.5) = -0: trunc kept the sign */
}

static inline double fm_floor64(double x)
{
    double t = fm_trunc64(x);
    return (x < 0 && t != x) ? t - 1.0 : t;
}

static inline double fm_ceil64(double x)
{
    double t = fm_trunc64(x);
    if (x > 0 && t != x)
        return t + 1.0;
    return t;
}

/* nearest, ties to even: adding and subtracting 2^23 (2^52) rounds in the current mode (nearest
 * even) once |x| is below it; the sign is put back so that -0.4 -> -0. */
static inline float fm_nearest32(float x)
{
    uint32_t b = fm_bits32(x);
    uint32_t mag = b & 0x7fffffffu;
    if (mag >= 0x4b000000u)                 /* >= 2^23, inf or NaN */
        return x != x ? x + x : x;
    volatile float big = 8388608.0f;        /* volatile: keep the rounding step */
    float a = fm_f32(mag);
    float r = (a + big) - big;
    return fm_f32(fm_bits32(r) | (b & 0x80000000u));
}

static inline double fm_nearest64(double x)
{
    uint64_t b = fm_bits64(x);
    uint64_t mag = b & 0x7fffffffffffffffull;
    if (mag >= 0x4330000000000000ull)       /* >= 2^52 */
        return x != x ? x + x : x;
    volatile double big = 4503599627370496.0;
    double a = fm_f64(mag);
    double r = (a + big) - big;
    return fm_f64(fm_bits64(r) | (b & 0x8000000000000000ull));
}

/* sqrt: the SSE instruction where there is one (__builtin_sqrt would call libm's sqrt for errno) */
#if defined(__x86_64__)
static inline float fm_sqrt32(float x) { float r; __asm__("sqrtss %1, %0" : "=x"(r) : "x"(x)); return r; }
static inline double fm_sqrt64(double x) { double r; __asm__("sqrtsd %1, %0" : "=x"(r) : "x"(x)); return r; }
#else
static inline float fm_sqrt32(float x) { return __builtin_sqrtf(x); }
static inline double fm_sqrt64(double x) { return __builtin_sqrt(x); }
#endif

/* Range checks for float -> int: true when trunc(x) fits (x is not NaN). */
static inline bool fm_fits_i32(double x) { return x > -2147483649.0 && x < 2147483648.0; }
static inline bool fm_fits_u32(double x) { return x > -1.0 && x < 4294967296.0; }
static inline bool fm_fits_i64(double x)
{
    return x >= -9223372036854775808.0 && x < 9223372036854775808.0;
}
static inline bool fm_fits_u64(double x) { return x > -1.0 && x < 18446744073709551616.0; }

/* Saturating conversions (spec: trunc_sat): NaN -> 0, out of range -> the nearest bound. */
static inline int32_t fm_sat_i32(double x)
{
    if (x != x) return 0;
    if (x <= -2147483649.0) return INT32_MIN;
    if (x >= 2147483648.0) return INT32_MAX;
    return (int32_t)x;
}
static inline uint32_t fm_sat_u32(double x)
{
    if (x != x || x <= -1.0) return 0;
    if (x >= 4294967296.0) return UINT32_MAX;
    return (uint32_t)x;
}
static inline int64_t fm_sat_i64(double x)
{
    if (x != x) return 0;
    if (x < -9223372036854775808.0) return INT64_MIN;
    if (x >= 9223372036854775808.0) return INT64_MAX;
    return (int64_t)x;
}
static inline uint64_t fm_sat_u64(double x)
{
    if (x != x || x <= -1.0) return 0;
    if (x >= 18446744073709551616.0) return UINT64_MAX;
    return (uint64_t)x;
}

#endif
