/* engine/ops.h — the internal code's opcode list: the single source of truth (grep ORDER OPS).
 *
 * Internal code of one function is an array of 32-bit words. An instruction is the handler's address
 * (2 words, little-endian) followed by its operand words, listed below per op:
 *
 *     +-----------+-----------+--------+--------+-----
 *     | handler lo| handler hi|  op 0  |  op 1  | ...
 *     +-----------+-----------+--------+--------+-----
 *       ip[0]       ip[1]       ip[2]    ip[3]
 *
 * Operand kinds: d, a, b, c, n = frame slot indices (fp[d] is a uint64_t slot: i32 zero-extended, f32
 * bits in the low half, references as pointers); i = 32-bit immediate (sign-extended for i64 ops);
 * lo, hi = the halves of a 64-bit immediate; off = a branch target relative to the word holding it
 * (target = &off + (int32_t)off); k = index immediates (function, global, table, segment...).
 * Handlers (exec_op_<name>, in exec_ops_*.c, each written once with the OP() macro of exec_impl.h)
 * read every operand before writing d, so d may equal a or b.
 *
 * X(name, words): words = operand count (br_table is variable: 2 + n + 1). */
#ifndef ENGINE_OPS_H
#define ENGINE_OPS_H

#define EXEC_OPS_CONTROL(X) \
    X(exit, 0)            /* return WASM_OK to the C entry (bottom frame's return address) */ \
    X(enter, 1)           /* frame_slots: stack check, safepoint (function entry) */ \
    X(zero, 2)            /* d, n: fp[d..d+n) = 0 (declared locals; few locals use const32 0) */ \
    X(unreachable, 0)     /* trap "unreachable" */ \
    X(br, 1)              /* off: jump; backward = loop back-edge = safepoint */ \
    X(br_if, 2)           /* a, off: jump if fp[a] as i32 != 0 */ \
    X(br_unless, 2)       /* a, off: jump if fp[a] as i32 == 0 */ \
    X(br_table, 2)        /* a, n, off[0..n]: jump to off[min(fp[a], n)] */ \
    X(ret, 0)             /* results already in fp[0..): pop the frame record */ \
    X(call, 2)            /* k, base: call function k with the callee frame at fp + base */ \
    X(call_indirect, 4)   /* k(type), table, a(elem index), base */ \
    X(copy, 2)            /* d, a: fp[d] = fp[a] (also every reinterpret) */ \
    X(const32, 2)         /* d, i: fp[d] = (uint32_t)i */ \
    X(const64, 3)         /* d, lo, hi */ \
    X(select, 4)          /* d, a, b, c: fp[d] = fp[c] as i32 ? fp[a] : fp[b] */ \
    X(br_i32_eq, 3)       /* a, b, off: fused compare + branch, slot/slot */ \
    X(br_i32_ne, 3) X(br_i32_lt_s, 3) X(br_i32_lt_u, 3) X(br_i32_gt_s, 3) X(br_i32_gt_u, 3) \
    X(br_i32_le_s, 3) X(br_i32_le_u, 3) X(br_i32_ge_s, 3) X(br_i32_ge_u, 3) \
    X(br_i32_eq_imm, 3)   /* a, i, off: fused compare + branch, slot/immediate */ \
    X(br_i32_ne_imm, 3) X(br_i32_lt_s_imm, 3) X(br_i32_lt_u_imm, 3) X(br_i32_gt_s_imm, 3) \
    X(br_i32_gt_u_imm, 3) X(br_i32_le_s_imm, 3) X(br_i32_le_u_imm, 3) X(br_i32_ge_s_imm, 3) \
    X(br_i32_ge_u_imm, 3)

/* d, a, k(offset): loads; addr = (uint32_t)fp[a] + k, k up to 2^32-1 (ORDER MEMOPS) */
#define EXEC_OPS_MEMORY(X) \
    X(i32_load, 3) X(i64_load, 3) X(i32_load8_s, 3) X(i32_load8_u, 3) X(i32_load16_s, 3) \
    X(i32_load16_u, 3) X(i64_load8_s, 3) X(i64_load8_u, 3) X(i64_load16_s, 3) X(i64_load16_u, 3) \
    X(i64_load32_s, 3) X(i64_load32_u, 3) \
    /* a(addr), b(value), k(offset): stores */ \
    X(i32_store, 3) X(i64_store, 3) X(i32_store8, 3) X(i32_store16, 3) \
    X(memory_size, 1)     /* d */ \
    X(memory_grow, 2)     /* d, a(delta) */ \
    X(memory_fill, 3)     /* a(dst), b(value), c(n) */ \
    X(memory_copy, 3)     /* a(dst), b(src), c(n) */ \
    X(memory_init, 4)     /* k(segment), a(dst), b(src), c(n) */ \
    X(data_drop, 1)       /* k(segment) */ \
    X(global_get, 2)      /* d, k */ \
    X(global_set, 2)      /* k, a */ \
    X(table_get, 3)       /* d, k(table), a(index) */ \
    X(table_set, 3)       /* k(table), a(index), b(value) */ \
    X(table_size, 2)      /* d, k(table) */ \
    X(table_grow, 4)      /* d, k(table), a(init), b(delta) */ \
    X(table_fill, 4)      /* k(table), a(index), b(value), c(n) */ \
    X(table_copy, 5)      /* k(dst table), k(src table), a(dst), b(src), c(n) */ \
    X(table_init, 5)      /* k(table), k(segment), a(dst), b(src), c(n) */ \
    X(elem_drop, 1)       /* k(segment) */ \
    X(ref_func, 2)        /* d, k(function) */ \
    X(ref_is_null, 2)     /* d, a */

/* The same loads and stores without the bounds check, for modules whose memory 0 is a guard-page
 * reservation (engine/wasm.h "Guard-page mode"): an access past the memory faults, and the
 * embedder's fault handler makes it a trap. Same operands; same order as the checked ones above
 * (grep ORDER MEMOPS: OPC_GUARD_OF maps one onto the other). */
#define EXEC_OPS_MEMORY_GUARD(X) \
    X(i32_load_g, 3) X(i64_load_g, 3) X(i32_load8_s_g, 3) X(i32_load8_u_g, 3) \
    X(i32_load16_s_g, 3) X(i32_load16_u_g, 3) X(i64_load8_s_g, 3) X(i64_load8_u_g, 3) \
    X(i64_load16_s_g, 3) X(i64_load16_u_g, 3) X(i64_load32_s_g, 3) X(i64_load32_u_g, 3) \
    X(i32_store_g, 3) X(i64_store_g, 3) X(i32_store8_g, 3) X(i32_store16_g, 3)

/* d, a, b (binary) or d, a (unary), in wasm opcode order. */
#define EXEC_OPS_INT(X) \
    X(i32_eqz, 2) X(i32_eq, 3) X(i32_ne, 3) X(i32_lt_s, 3) X(i32_lt_u, 3) X(i32_gt_s, 3) \
    X(i32_gt_u, 3) X(i32_le_s, 3) X(i32_le_u, 3) X(i32_ge_s, 3) X(i32_ge_u, 3) \
    X(i64_eqz, 2) X(i64_eq, 3) X(i64_ne, 3) X(i64_lt_s, 3) X(i64_lt_u, 3) X(i64_gt_s, 3) \
    X(i64_gt_u, 3) X(i64_le_s, 3) X(i64_le_u, 3) X(i64_ge_s, 3) X(i64_ge_u, 3) \
    X(i32_clz, 2) X(i32_ctz, 2) X(i32_popcnt, 2) X(i32_add, 3) X(i32_sub, 3) X(i32_mul, 3) \
    X(i32_div_s, 3) X(i32_div_u, 3) X(i32_rem_s, 3) X(i32_rem_u, 3) X(i32_and, 3) X(i32_or, 3) \
    X(i32_xor, 3) X(i32_shl, 3) X(i32_shr_s, 3) X(i32_shr_u, 3) X(i32_rotl, 3) X(i32_rotr, 3) \
    X(i64_clz, 2) X(i64_ctz, 2) X(i64_popcnt, 2) X(i64_add, 3) X(i64_sub, 3) X(i64_mul, 3) \
    X(i64_div_s, 3) X(i64_div_u, 3) X(i64_rem_s, 3) X(i64_rem_u, 3) X(i64_and, 3) X(i64_or, 3) \
    X(i64_xor, 3) X(i64_shl, 3) X(i64_shr_s, 3) X(i64_shr_u, 3) X(i64_rotl, 3) X(i64_rotr, 3) \
    X(i32_wrap_i64, 2) X(i64_extend_i32_s, 2) X(i64_extend_i32_u, 2) \
    X(i32_extend8_s, 2) X(i32_extend16_s, 2) X(i64_extend8_s, 2) X(i64_extend16_s, 2) \
    X(i64_extend32_s, 2) \
    /* d, a, i: binary op with an immediate right operand (i64: sign-extended i) */ \
    X(i32_add_imm, 3) X(i32_sub_imm, 3) X(i32_mul_imm, 3) X(i32_and_imm, 3) X(i32_or_imm, 3) \
    X(i32_xor_imm, 3) X(i32_shl_imm, 3) X(i32_shr_s_imm, 3) X(i32_shr_u_imm, 3) \
    X(i32_rotl_imm, 3) X(i32_rotr_imm, 3) \
    X(i32_eq_imm, 3) X(i32_ne_imm, 3) X(i32_lt_s_imm, 3) X(i32_lt_u_imm, 3) X(i32_gt_s_imm, 3) \
    X(i32_gt_u_imm, 3) X(i32_le_s_imm, 3) X(i32_le_u_imm, 3) X(i32_ge_s_imm, 3) \
    X(i32_ge_u_imm, 3) \
    X(i64_add_imm, 3) X(i64_sub_imm, 3) X(i64_mul_imm, 3) X(i64_and_imm, 3) X(i64_or_imm, 3) \
    X(i64_xor_imm, 3) X(i64_shl_imm, 3) X(i64_shr_s_imm, 3) X(i64_shr_u_imm, 3) \
    X(i64_rotl_imm, 3) X(i64_rotr_imm, 3) \
    X(i64_eq_imm, 3) X(i64_ne_imm, 3) X(i64_lt_s_imm, 3) X(i64_lt_u_imm, 3) X(i64_gt_s_imm, 3) \
    X(i64_gt_u_imm, 3) X(i64_le_s_imm, 3) X(i64_le_u_imm, 3) X(i64_ge_s_imm, 3) \
    X(i64_ge_u_imm, 3)

/* d, a, b (binary) or d, a (unary), in wasm opcode order. */
#define EXEC_OPS_FLOAT(X) \
    X(f32_eq, 3) X(f32_ne, 3) X(f32_lt, 3) X(f32_gt, 3) X(f32_le, 3) X(f32_ge, 3) \
    X(f64_eq, 3) X(f64_ne, 3) X(f64_lt, 3) X(f64_gt, 3) X(f64_le, 3) X(f64_ge, 3) \
    X(f32_abs, 2) X(f32_neg, 2) X(f32_ceil, 2) X(f32_floor, 2) X(f32_trunc, 2) X(f32_nearest, 2) \
    X(f32_sqrt, 2) X(f32_add, 3) X(f32_sub, 3) X(f32_mul, 3) X(f32_div, 3) X(f32_min, 3) \
    X(f32_max, 3) X(f32_copysign, 3) \
    X(f64_abs, 2) X(f64_neg, 2) X(f64_ceil, 2) X(f64_floor, 2) X(f64_trunc, 2) X(f64_nearest, 2) \
    X(f64_sqrt, 2) X(f64_add, 3) X(f64_sub, 3) X(f64_mul, 3) X(f64_div, 3) X(f64_min, 3) \
    X(f64_max, 3) X(f64_copysign, 3) \
    X(i32_trunc_f32_s, 2) X(i32_trunc_f32_u, 2) X(i32_trunc_f64_s, 2) X(i32_trunc_f64_u, 2) \
    X(i64_trunc_f32_s, 2) X(i64_trunc_f32_u, 2) X(i64_trunc_f64_s, 2) X(i64_trunc_f64_u, 2) \
    X(f32_convert_i32_s, 2) X(f32_convert_i32_u, 2) X(f32_convert_i64_s, 2) \
    X(f32_convert_i64_u, 2) X(f32_demote_f64, 2) \
    X(f64_convert_i32_s, 2) X(f64_convert_i32_u, 2) X(f64_convert_i64_s, 2) \
    X(f64_convert_i64_u, 2) X(f64_promote_f32, 2) \
    X(i32_trunc_sat_f32_s, 2) X(i32_trunc_sat_f32_u, 2) X(i32_trunc_sat_f64_s, 2) \
    X(i32_trunc_sat_f64_u, 2) X(i64_trunc_sat_f32_s, 2) X(i64_trunc_sat_f32_u, 2) \
    X(i64_trunc_sat_f64_s, 2) X(i64_trunc_sat_f64_u, 2)

#define EXEC_OPS(X) \
    EXEC_OPS_CONTROL(X) EXEC_OPS_MEMORY(X) EXEC_OPS_MEMORY_GUARD(X) EXEC_OPS_INT(X) EXEC_OPS_FLOAT(X)

enum exec_opcode {
#define EXEC_OP_ENUM(name, words) OPC_##name,
    EXEC_OPS(EXEC_OP_ENUM)
#undef EXEC_OP_ENUM
    OPC_COUNT
};

/* the unchecked twin of a checked load or store (OPC_i32_load .. OPC_i32_store16; ORDER MEMOPS) */
#define OPC_GUARD_OF(op) ((enum exec_opcode)((op) - OPC_i32_load + OPC_i32_load_g))

#endif
