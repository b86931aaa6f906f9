/* engine/exec_impl.h — the handler DSL shared by exec.c and exec_ops_*.c (engine-internal).
 *
 * Every op of ops.h is one C function with the same signature, written once as
 *     OP(i32_add) { uint32_t r = (uint32_t)S(1) + (uint32_t)S(2); S(0) = r; NEXT(3); }
 * which defines exec_op_i32_add. NEXT(n) skips the handler words and n operand words and tail-calls
 * the next handler (clang's musttail: no loop, no stack growth, one indirect jump per op). A handler
 * ends its chain by returning a status (enum wasm_status): the C entry (exec.c run) gets it.
 *
 * VM registers (the arguments): ip (current instruction), fp (frame base in the value stack), mem
 * (memory 0 base of the running instance), r (scratch: no meaning; it only occupies rcx, the
 * variable shift count register, so shift/rotate handlers need not save x around it — they pass
 * their count on as r), x (the exec: everything else). Invariant kept by every
 * handler that can change memory 0 or the instance (calls, returns, memory.grow, host calls): after
 * it, mem and x->mem_size are reloaded from x->inst->mem0 (RELOAD_MEM).
 *
 * Slow paths are noinline helpers returning a status, so hot handlers keep no stack frame. */
#ifndef ENGINE_EXEC_IMPL_H
#define ENGINE_EXEC_IMPL_H

#include <walos/platform.h>

#include "engine/ops.h"
#include "engine/runtime.h"

typedef int (*exec_op)(const uint32_t *ip, uint64_t *fp, uint8_t *mem, uint64_t r, struct wasm_exec *x);

#define EXEC_OP_DECL(name, words) \
    int exec_op_##name(const uint32_t *ip, uint64_t *fp, uint8_t *mem, uint64_t r, struct wasm_exec *x);
EXEC_OPS(EXEC_OP_DECL)
#undef EXEC_OP_DECL

/* handler of opcode op (the table lives in exec.c) */
extern const exec_op exec_handlers[OPC_COUNT];

#define OP(name)                                                                                  \
    int exec_op_##name(const uint32_t *ip, uint64_t *fp, __attribute__((unused)) uint8_t *mem,   \
                       __attribute__((unused)) uint64_t r, struct wasm_exec *x)

#define U(i) (ip[2 + (i)])          /* operand word i */
#define S(i) (fp[ip[2 + (i)]])      /* the slot named by operand word i */
#define IMM64(i) ((uint64_t)U(i) | (uint64_t)U((i) + 1) << 32)

static inline exec_op exec_handler_at(const uint32_t *ip)
{
    exec_op h;
    __builtin_memcpy(&h, ip, sizeof h);  /* builtin: -ffreestanding would call memcpy */
    return h;
}

#define DISPATCH() __attribute__((musttail)) return exec_handler_at(ip)(ip, fp, mem, r, x)
#define NEXT(n)           \
    do {                  \
        ip += 2 + (n);    \
        DISPATCH();       \
    } while (0)

/* Jump to the target held by operand word i. Backward jumps (loop back-edges) are safepoints:
 * charge fuel, and yield when the interrupt flag is set (resuming at the target). */
#define JUMP(i)                                                                  \
    do {                                                                         \
        int32_t off_ = (int32_t)U(i);                                            \
        ip = &U(i) + off_;                                                       \
        if (off_ < 0) {                                                          \
            x->fuel_left += off_ >> 2;                                           \
            if (__builtin_expect(x->interrupt | (x->fuel_left < 0), 0))          \
                return exec_safepoint(ip, fp, x);                                \
        }                                                                        \
        DISPATCH();                                                              \
    } while (0)

#define RELOAD_MEM()                          \
    do {                                      \
        mem = x->inst->mem0->data;            \
        x->mem_size = x->inst->mem0->size;    \
    } while (0)

/* Bounds check of an access of n bytes at (uint32 addr) + (uint32 offset). The guard-page twins of
 * the loads and stores (ops.h EXEC_OPS_MEMORY_GUARD) leave it out: their memory is a reservation
 * in which every such address is either committed or faults (engine/wasm.h "Guard-page mode"). */
#define MEM_CHECK(ea, n)                                                          \
    do {                                                                          \
        if (__builtin_expect((ea) + (n) > x->mem_size, 0))                        \
            return exec_trap(ip, fp, x, WASM_TRAP_MEMORY_OOB);                    \
    } while (0)

/* slow paths (exec.c) */
int exec_trap(const uint32_t *ip, uint64_t *fp, struct wasm_exec *x, enum wasm_trap trap);
int exec_safepoint(const uint32_t *ip, uint64_t *fp, struct wasm_exec *x);

/* value <-> bits */
static inline float f32_of(uint64_t v) { float f; uint32_t b = (uint32_t)v; __builtin_memcpy(&f, &b, 4); return f; }
static inline double f64_of(uint64_t v) { double d; __builtin_memcpy(&d, &v, 8); return d; }
static inline uint64_t bits_f32(float f) { uint32_t b; __builtin_memcpy(&b, &f, 4); return b; }
static inline uint64_t bits_f64(double d) { uint64_t b; __builtin_memcpy(&b, &d, 8); return b; }

#endif
