/* engine/exec_ops_num.c — numeric handlers (integer and float ops of ops.h: EXEC_OPS_INT,
 * EXEC_OPS_FLOAT). Each line defines one handler exec_op_<name>; the family macros below only fix the
 * operand reading (binary d,a,b / with immediate d,a,i / unary d,a) and the write-back. Semantics are
 * spec 4.3.2 (integers) and 4.3.3 (floats, via fmath.h). Traps go through exec_trap. */
#include "engine/exec_impl.h"
#include "engine/fmath.h"

/* i32 binary/unary, result zero-extended into the slot */
#define BIN_I32(name, expr) \
    OP(name) { uint32_t a = (uint32_t)S(1), b = (uint32_t)S(2); S(0) = (uint32_t)(expr); NEXT(3); }
#define IMM_I32(name, expr) \
    OP(name) { uint32_t a = (uint32_t)S(1), b = U(2); S(0) = (uint32_t)(expr); NEXT(3); }
/* shift/rotate: the count (already in rcx for the shift) goes on as r (exec_impl.h) */
#define SH_I32(name, b_expr, expr) \
    OP(name) { uint32_t a = (uint32_t)S(1), b = (b_expr); S(0) = (uint32_t)(expr); r = b; NEXT(3); }
#define SH_I64(name, b_expr, expr) \
    OP(name) { uint64_t a = S(1), b = (b_expr); S(0) = (uint64_t)(expr); r = b; NEXT(3); }
#define UN_I32(name, expr) \
    OP(name) { uint32_t a = (uint32_t)S(1); S(0) = (uint32_t)(expr); NEXT(2); }
#define BIN_I64(name, expr) \
    OP(name) { uint64_t a = S(1), b = S(2); S(0) = (uint64_t)(expr); NEXT(3); }
#define IMM_I64(name, expr) \
    OP(name) { uint64_t a = S(1), b = (uint64_t)(int64_t)(int32_t)U(2); S(0) = (uint64_t)(expr); NEXT(3); }
#define UN_I64(name, expr) \
    OP(name) { uint64_t a = S(1); S(0) = (uint64_t)(expr); NEXT(2); }

#define SI32(v) ((int32_t)(v))
#define SI64(v) ((int64_t)(v))

static inline uint32_t rotl32(uint32_t a, uint32_t b) { b &= 31; return b ? (a << b) | (a >> (32 - b)) : a; }
static inline uint32_t rotr32(uint32_t a, uint32_t b) { b &= 31; return b ? (a >> b) | (a << (32 - b)) : a; }
static inline uint64_t rotl64(uint64_t a, uint64_t b) { b &= 63; return b ? (a << b) | (a >> (64 - b)) : a; }
static inline uint64_t rotr64(uint64_t a, uint64_t b) { b &= 63; return b ? (a >> b) | (a << (64 - b)) : a; }

UN_I32(i32_eqz, a == 0)
BIN_I32(i32_eq, a == b)
BIN_I32(i32_ne, a != b)
BIN_I32(i32_lt_s, SI32(a) < SI32(b))
BIN_I32(i32_lt_u, a < b)
BIN_I32(i32_gt_s, SI32(a) > SI32(b))
BIN_I32(i32_gt_u, a > b)
BIN_I32(i32_le_s, SI32(a) <= SI32(b))
BIN_I32(i32_le_u, a <= b)
BIN_I32(i32_ge_s, SI32(a) >= SI32(b))
BIN_I32(i32_ge_u, a >= b)
UN_I64(i64_eqz, a == 0)
BIN_I64(i64_eq, a == b)
BIN_I64(i64_ne, a != b)
BIN_I64(i64_lt_s, SI64(a) < SI64(b))
BIN_I64(i64_lt_u, a < b)
BIN_I64(i64_gt_s, SI64(a) > SI64(b))
BIN_I64(i64_gt_u, a > b)
BIN_I64(i64_le_s, SI64(a) <= SI64(b))
BIN_I64(i64_le_u, a <= b)
BIN_I64(i64_ge_s, SI64(a) >= SI64(b))
BIN_I64(i64_ge_u, a >= b)

UN_I32(i32_clz, a ? __builtin_clz(a) : 32)
UN_I32(i32_ctz, a ? __builtin_ctz(a) : 32)
UN_I32(i32_popcnt, __builtin_popcount(a))
BIN_I32(i32_add, a + b)
BIN_I32(i32_sub, a - b)
BIN_I32(i32_mul, a * b)
BIN_I32(i32_and, a & b)
BIN_I32(i32_or, a | b)
BIN_I32(i32_xor, a ^ b)
SH_I32(i32_shl, (uint32_t)S(2), a << (b & 31))
SH_I32(i32_shr_s, (uint32_t)S(2), SI32(a) >> (b & 31))
SH_I32(i32_shr_u, (uint32_t)S(2), a >> (b & 31))
SH_I32(i32_rotl, (uint32_t)S(2), rotl32(a, b))
SH_I32(i32_rotr, (uint32_t)S(2), rotr32(a, b))

OP(i32_div_s)
{
    int32_t a = (int32_t)S(1), b = (int32_t)S(2);
    if (b == 0)
        return exec_trap(ip, fp, x, WASM_TRAP_INTEGER_DIVIDE_BY_ZERO);
    if (a == INT32_MIN && b == -1)
        return exec_trap(ip, fp, x, WASM_TRAP_INTEGER_OVERFLOW);
    S(0) = (uint32_t)(a / b);
    NEXT(3);
}

OP(i32_div_u)
{
    uint32_t a = (uint32_t)S(1), b = (uint32_t)S(2);
    if (b == 0)
        return exec_trap(ip, fp, x, WASM_TRAP_INTEGER_DIVIDE_BY_ZERO);
    S(0) = a / b;
    NEXT(3);
}

OP(i32_rem_s)
{
    int32_t a = (int32_t)S(1), b = (int32_t)S(2);
    if (b == 0)
        return exec_trap(ip, fp, x, WASM_TRAP_INTEGER_DIVIDE_BY_ZERO);
    S(0) = (b == -1) ? 0 : (uint32_t)(a % b);
    NEXT(3);
}

OP(i32_rem_u)
{
    uint32_t a = (uint32_t)S(1), b = (uint32_t)S(2);
    if (b == 0)
        return exec_trap(ip, fp, x, WASM_TRAP_INTEGER_DIVIDE_BY_ZERO);
    S(0) = a % b;
    NEXT(3);
}

UN_I64(i64_clz, a ? __builtin_clzll(a) : 64)
UN_I64(i64_ctz, a ? __builtin_ctzll(a) : 64)
UN_I64(i64_popcnt, __builtin_popcountll(a))
BIN_I64(i64_add, a + b)
BIN_I64(i64_sub, a - b)
BIN_I64(i64_mul, a * b)
BIN_I64(i64_and, a & b)
BIN_I64(i64_or, a | b)
BIN_I64(i64_xor, a ^ b)
SH_I64(i64_shl, (uint64_t)S(2), a << (b & 63))
SH_I64(i64_shr_s, (uint64_t)S(2), SI64(a) >> (b & 63))
SH_I64(i64_shr_u, (uint64_t)S(2), a >> (b & 63))
SH_I64(i64_rotl, (uint64_t)S(2), rotl64(a, b))
SH_I64(i64_rotr, (uint64_t)S(2), rotr64(a, b))

OP(i64_div_s)
{
    int64_t a = (int64_t)S(1), b = (int64_t)S(2);
    if (b == 0)
        return exec_trap(ip, fp, x, WASM_TRAP_INTEGER_DIVIDE_BY_ZERO);
    if (a == INT64_MIN && b == -1)
        return exec_trap(ip, fp, x, WASM_TRAP_INTEGER_OVERFLOW);
    S(0) = (uint64_t)(a / b);
    NEXT(3);
}

OP(i64_div_u)
{
    uint64_t a = S(1), b = S(2);
    if (b == 0)
        return exec_trap(ip, fp, x, WASM_TRAP_INTEGER_DIVIDE_BY_ZERO);
    S(0) = a / b;
    NEXT(3);
}

OP(i64_rem_s)
{
    int64_t a = (int64_t)S(1), b = (int64_t)S(2);
    if (b == 0)
        return exec_trap(ip, fp, x, WASM_TRAP_INTEGER_DIVIDE_BY_ZERO);
    S(0) = (b == -1) ? 0 : (uint64_t)(a % b);
    NEXT(3);
}

OP(i64_rem_u)
{
    uint64_t a = S(1), b = S(2);
    if (b == 0)
        return exec_trap(ip, fp, x, WASM_TRAP_INTEGER_DIVIDE_BY_ZERO);
    S(0) = a % b;
    NEXT(3);
}

UN_I64(i32_wrap_i64, (uint32_t)a)
UN_I64(i64_extend_i32_s, (int64_t)(int32_t)a)
UN_I64(i64_extend_i32_u, (uint32_t)a)
UN_I32(i32_extend8_s, (int32_t)(int8_t)a)
UN_I32(i32_extend16_s, (int32_t)(int16_t)a)
UN_I64(i64_extend8_s, (int64_t)(int8_t)a)
UN_I64(i64_extend16_s, (int64_t)(int16_t)a)
UN_I64(i64_extend32_s, (int64_t)(int32_t)a)

IMM_I32(i32_add_imm, a + b)
IMM_I32(i32_sub_imm, a - b)
IMM_I32(i32_mul_imm, a * b)
IMM_I32(i32_and_imm, a & b)
IMM_I32(i32_or_imm, a | b)
IMM_I32(i32_xor_imm, a ^ b)
SH_I32(i32_shl_imm, U(2), a << (b & 31))
SH_I32(i32_shr_s_imm, U(2), SI32(a) >> (b & 31))
SH_I32(i32_shr_u_imm, U(2), a >> (b & 31))
SH_I32(i32_rotl_imm, U(2), rotl32(a, b))
SH_I32(i32_rotr_imm, U(2), rotr32(a, b))
IMM_I32(i32_eq_imm, a == b)
IMM_I32(i32_ne_imm, a != b)
IMM_I32(i32_lt_s_imm, SI32(a) < SI32(b))
IMM_I32(i32_lt_u_imm, a < b)
IMM_I32(i32_gt_s_imm, SI32(a) > SI32(b))
IMM_I32(i32_gt_u_imm, a > b)
IMM_I32(i32_le_s_imm, SI32(a) <= SI32(b))
IMM_I32(i32_le_u_imm, a <= b)
IMM_I32(i32_ge_s_imm, SI32(a) >= SI32(b))
IMM_I32(i32_ge_u_imm, a >= b)
IMM_I64(i64_add_imm, a + b)
IMM_I64(i64_sub_imm, a - b)
IMM_I64(i64_mul_imm, a * b)
IMM_I64(i64_and_imm, a & b)
IMM_I64(i64_or_imm, a | b)
IMM_I64(i64_xor_imm, a ^ b)
SH_I64(i64_shl_imm, (uint64_t)(int64_t)(int32_t)U(2), a << (b & 63))
SH_I64(i64_shr_s_imm, (uint64_t)(int64_t)(int32_t)U(2), SI64(a) >> (b & 63))
SH_I64(i64_shr_u_imm, (uint64_t)(int64_t)(int32_t)U(2), a >> (b & 63))
SH_I64(i64_rotl_imm, (uint64_t)(int64_t)(int32_t)U(2), rotl64(a, b))
SH_I64(i64_rotr_imm, (uint64_t)(int64_t)(int32_t)U(2), rotr64(a, b))
IMM_I64(i64_eq_imm, a == b)
IMM_I64(i64_ne_imm, a != b)
IMM_I64(i64_lt_s_imm, SI64(a) < SI64(b))
IMM_I64(i64_lt_u_imm, a < b)
IMM_I64(i64_gt_s_imm, SI64(a) > SI64(b))
IMM_I64(i64_gt_u_imm, a > b)
IMM_I64(i64_le_s_imm, SI64(a) <= SI64(b))
IMM_I64(i64_le_u_imm, a <= b)
IMM_I64(i64_ge_s_imm, SI64(a) >= SI64(b))
IMM_I64(i64_ge_u_imm, a >= b)

/* ---- floats ----------------------------------------------------------------------------------- */

#define CMP_F32(name, expr) \
    OP(name) { float a = f32_of(S(1)), b = f32_of(S(2)); S(0) = (uint32_t)(expr); NEXT(3); }
#define CMP_F64(name, expr) \
    OP(name) { double a = f64_of(S(1)), b = f64_of(S(2)); S(0) = (uint32_t)(expr); NEXT(3); }
#define BIN_F32(name, expr) \
    OP(name) { float a = f32_of(S(1)), b = f32_of(S(2)); S(0) = bits_f32(expr); NEXT(3); }
#define BIN_F64(name, expr) \
    OP(name) { double a = f64_of(S(1)), b = f64_of(S(2)); S(0) = bits_f64(expr); NEXT(3); }
#define UN_F32(name, expr) OP(name) { float a = f32_of(S(1)); S(0) = bits_f32(expr); NEXT(2); }
#define UN_F64(name, expr) OP(name) { double a = f64_of(S(1)); S(0) = bits_f64(expr); NEXT(2); }
/* sign-bit ops work on bits: no NaN canonicalisation (spec: abs/neg/copysign are bitwise) */
#define BITS_F32(name, expr) OP(name) { uint32_t a = (uint32_t)S(1), b = (uint32_t)S(2); (void)b; S(0) = (uint32_t)(expr); NEXT(3); }
#define BITS1_F32(name, expr) OP(name) { uint32_t a = (uint32_t)S(1); S(0) = (uint32_t)(expr); NEXT(2); }
#define BITS_F64(name, expr) OP(name) { uint64_t a = S(1), b = S(2); S(0) = (expr); NEXT(3); }
#define BITS1_F64(name, expr) OP(name) { uint64_t a = S(1); S(0) = (expr); NEXT(2); }

CMP_F32(f32_eq, a == b)
CMP_F32(f32_ne, a != b)
CMP_F32(f32_lt, a < b)
CMP_F32(f32_gt, a > b)
CMP_F32(f32_le, a <= b)
CMP_F32(f32_ge, a >= b)
CMP_F64(f64_eq, a == b)
CMP_F64(f64_ne, a != b)
CMP_F64(f64_lt, a < b)
CMP_F64(f64_gt, a > b)
CMP_F64(f64_le, a <= b)
CMP_F64(f64_ge, a >= b)

#define SIGN32 0x80000000u
#define SIGN64 0x8000000000000000ull
BITS1_F32(f32_abs, a & ~SIGN32)
BITS1_F32(f32_neg, a ^ SIGN32)
UN_F32(f32_ceil, fm_ceil32(a))
UN_F32(f32_floor, fm_floor32(a))
UN_F32(f32_trunc, fm_trunc32(a))
UN_F32(f32_nearest, fm_nearest32(a))
UN_F32(f32_sqrt, fm_sqrt32(a))
BIN_F32(f32_add, a + b)
BIN_F32(f32_sub, a - b)
BIN_F32(f32_mul, a * b)
BIN_F32(f32_div, a / b)
BIN_F32(f32_min, fm_min32(a, b))
BIN_F32(f32_max, fm_max32(a, b))
BITS_F32(f32_copysign, (a & ~SIGN32) | (b & SIGN32))
BITS1_F64(f64_abs, a & ~SIGN64)
BITS1_F64(f64_neg, a ^ SIGN64)
UN_F64(f64_ceil, fm_ceil64(a))
UN_F64(f64_floor, fm_floor64(a))
UN_F64(f64_trunc, fm_trunc64(a))
UN_F64(f64_nearest, fm_nearest64(a))
UN_F64(f64_sqrt, fm_sqrt64(a))
BIN_F64(f64_add, a + b)
BIN_F64(f64_sub, a - b)
BIN_F64(f64_mul, a * b)
BIN_F64(f64_div, a / b)
BIN_F64(f64_min, fm_min64(a, b))
BIN_F64(f64_max, fm_max64(a, b))
BITS_F64(f64_copysign, (a & ~SIGN64) | (b & SIGN64))

/* trapping float -> int: NaN is "invalid conversion to integer", out of range "integer overflow" */
#define TRUNC(name, from, check, conv)                                           \
    OP(name)                                                                     \
    {                                                                            \
        double v = (double)from(S(1));                                           \
        if (v != v)                                                              \
            return exec_trap(ip, fp, x, WASM_TRAP_INVALID_CONVERSION);           \
        if (!check(v))                                                           \
            return exec_trap(ip, fp, x, WASM_TRAP_INTEGER_OVERFLOW);             \
        S(0) = (uint64_t)(conv(v));                                              \
        NEXT(2);                                                                 \
    }

#define TO_U32(v) (uint32_t)(int64_t)(v)
#define TO_I64(v) (uint64_t)(int64_t)(v)
#define TO_U64(v) (uint64_t)(v)
TRUNC(i32_trunc_f32_s, f32_of, fm_fits_i32, TO_U32)
TRUNC(i32_trunc_f32_u, f32_of, fm_fits_u32, TO_U32)
TRUNC(i32_trunc_f64_s, f64_of, fm_fits_i32, TO_U32)
TRUNC(i32_trunc_f64_u, f64_of, fm_fits_u32, TO_U32)
TRUNC(i64_trunc_f32_s, f32_of, fm_fits_i64, TO_I64)
TRUNC(i64_trunc_f32_u, f32_of, fm_fits_u64, TO_U64)
TRUNC(i64_trunc_f64_s, f64_of, fm_fits_i64, TO_I64)
TRUNC(i64_trunc_f64_u, f64_of, fm_fits_u64, TO_U64)

/* (uint32_t)(double) of a negative in-range value is UB in C: go through int64 for the s forms */
OP(i32_trunc_sat_f32_s) { S(0) = (uint32_t)fm_sat_i32(f32_of(S(1))); NEXT(2); }
OP(i32_trunc_sat_f32_u) { S(0) = fm_sat_u32(f32_of(S(1))); NEXT(2); }
OP(i32_trunc_sat_f64_s) { S(0) = (uint32_t)fm_sat_i32(f64_of(S(1))); NEXT(2); }
OP(i32_trunc_sat_f64_u) { S(0) = fm_sat_u32(f64_of(S(1))); NEXT(2); }
OP(i64_trunc_sat_f32_s) { S(0) = (uint64_t)fm_sat_i64(f32_of(S(1))); NEXT(2); }
OP(i64_trunc_sat_f32_u) { S(0) = fm_sat_u64(f32_of(S(1))); NEXT(2); }
OP(i64_trunc_sat_f64_s) { S(0) = (uint64_t)fm_sat_i64(f64_of(S(1))); NEXT(2); }
OP(i64_trunc_sat_f64_u) { S(0) = fm_sat_u64(f64_of(S(1))); NEXT(2); }

OP(f32_convert_i32_s) { S(0) = bits_f32((float)(int32_t)S(1)); NEXT(2); }
OP(f32_convert_i32_u) { S(0) = bits_f32((float)(uint32_t)S(1)); NEXT(2); }
OP(f32_convert_i64_s) { S(0) = bits_f32((float)(int64_t)S(1)); NEXT(2); }
OP(f32_convert_i64_u) { S(0) = bits_f32((float)S(1)); NEXT(2); }
OP(f32_demote_f64) { S(0) = bits_f32((float)f64_of(S(1))); NEXT(2); }
OP(f64_convert_i32_s) { S(0) = bits_f64((double)(int32_t)S(1)); NEXT(2); }
OP(f64_convert_i32_u) { S(0) = bits_f64((double)(uint32_t)S(1)); NEXT(2); }
OP(f64_convert_i64_s) { S(0) = bits_f64((double)(int64_t)S(1)); NEXT(2); }
OP(f64_convert_i64_u) { S(0) = bits_f64((double)S(1)); NEXT(2); }
OP(f64_promote_f32) { S(0) = bits_f64((double)f32_of(S(1))); NEXT(2); }
