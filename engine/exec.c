/* engine/exec.c — the interpreter's entry, control-flow and call handlers, and the exec API
 * (wasm_exec_* of wasm.h).
 *
 * Execution model (ENGINE-NOTES §10): handlers are chained by musttail calls (exec_impl.h); the only
 * native frame is run(), the single C entry. A handler that stops execution returns a status:
 *   WASM_OK     the bottom frame returned (op exit): results are in stack[0..result_slots)
 *   WASM_TRAP   exec_trap recorded the reason (x->trap) and where (x->trap_ip)
 *   WASM_YIELD  exec_safepoint saw the interrupt flag: x->ip/x->fp say where to resume
 *   WASM_BLOCK  a host function blocked: x->ip is the call instruction, re-run on resume
 *   WASM_EXIT   a host function ended the instance (x->exit_status)
 * Wasm calls push a struct exec_frame on the control stack (x->frames) and move fp up to the
 * arguments, which the caller left in place: the callee's params are its first slots. A full control
 * stack or value stack is the trap "call stack exhausted", never a host stack overflow.
 *
 * Value stack of one call (slots of 8 bytes):
 *
 *   fp -> | params | locals | operand stack ... | callee params | callee locals | ...
 *                                              ^ fp + base (call operand)
 */
#include "engine/exec_impl.h"
#include "engine/translate.h"

#define EXEC_CONTINUE (-1)  /* internal: a slow path finished, continue at x->ip / x->fp */

const exec_op exec_handlers[OPC_COUNT] = {
#define EXEC_OP_ENTRY(name, words) [OPC_##name] = exec_op_##name,
    EXEC_OPS(EXEC_OP_ENTRY)
#undef EXEC_OP_ENTRY
};

/* The return address of the bottom frame: one `exit` instruction (filled by exec_init_code). */
static uint32_t exit_code[2];

static const char *const trap_messages[WASM_TRAP_COUNT] = {   /* ORDER TRAP (wasm.h) */
    [WASM_TRAP_NONE] = "no trap",
    [WASM_TRAP_UNREACHABLE] = "unreachable",
    [WASM_TRAP_MEMORY_OOB] = "out of bounds memory access",
    [WASM_TRAP_TABLE_OOB] = "out of bounds table access",
    [WASM_TRAP_UNDEFINED_ELEMENT] = "undefined element",
    [WASM_TRAP_UNINITIALIZED_ELEMENT] = "uninitialized element",
    [WASM_TRAP_INDIRECT_CALL_TYPE] = "indirect call type mismatch",
    [WASM_TRAP_INTEGER_OVERFLOW] = "integer overflow",
    [WASM_TRAP_INTEGER_DIVIDE_BY_ZERO] = "integer divide by zero",
    [WASM_TRAP_INVALID_CONVERSION] = "invalid conversion to integer",
    [WASM_TRAP_STACK_EXHAUSTED] = "call stack exhausted",
    [WASM_TRAP_NULL_REFERENCE] = "null reference",
    [WASM_TRAP_OUT_OF_FUEL] = "all fuel consumed",
    [WASM_TRAP_HOST] = "host trap",
};

const char *wasm_trap_message(enum wasm_trap trap)
{
    if ((unsigned)trap >= WASM_TRAP_COUNT)
        return "unknown trap";
    return trap_messages[trap];
}

static void copy_message(char *dst, size_t cap, const char *src)
{
    size_t n = strlen(src);
    if (n >= cap)
        n = cap - 1;
    memcpy(dst, src, n);
    dst[n] = 0;
}

/* ---- slow paths ------------------------------------------------------------------------------ */

__attribute__((noinline)) int exec_trap(const uint32_t *ip, uint64_t *fp, struct wasm_exec *x,
                                        enum wasm_trap trap)
{
    x->trap = trap;
    x->trap_ip = ip;
    x->ip = ip;
    x->fp = fp;
    if (trap != WASM_TRAP_HOST)
        copy_message(x->trap_message, sizeof x->trap_message, wasm_trap_message(trap));
    x->state = EXEC_DONE;
    return WASM_TRAP;
}

/* At a safepoint with the interrupt flag set or the fuel spent: yield (resuming at ip) or trap. */
__attribute__((noinline)) int exec_safepoint(const uint32_t *ip, uint64_t *fp, struct wasm_exec *x)
{
    if (x->fuel_left < 0) {
        if (x->fuel_limited)
            return exec_trap(ip, fp, x, WASM_TRAP_OUT_OF_FUEL);
        x->fuel_left = INT64_MAX / 2;
    }
    if (!x->interrupt)
        return exec_handler_at(ip)(ip, fp, x->inst->mem0->data, 0, x);
    x->interrupt = 0;
    x->ip = ip;
    x->fp = fp;
    x->state = EXEC_SUSPENDED;
    return WASM_YIELD;
}

static int call_host(const uint32_t *ip, uint64_t *fp, struct wasm_exec *x, struct wasm_func *f,
                     uint64_t *args, const uint32_t *ret_ip)
{
    struct wasm_host_call call = { x, x->inst, f->host_data };
    struct wasm_memory *m = x->inst->mem0;
    int st = f->host_fn(&call, args, m->data, m->size);
    switch (st) {
    case WASM_OK:
        x->ip = ret_ip;
        x->fp = fp;
        return EXEC_CONTINUE;
    case WASM_BLOCK:
        x->ip = ip;
        x->fp = fp;
        x->state = EXEC_SUSPENDED;
        return WASM_BLOCK;
    case WASM_EXIT:
        x->ip = ip;
        x->fp = fp;
        x->state = EXEC_DONE;
        return WASM_EXIT;
    case WASM_TRAP:
        return exec_trap(ip, fp, x, WASM_TRAP_HOST);
    default:
        copy_message(x->trap_message, sizeof x->trap_message, "host function returned a bad status");
        return exec_trap(ip, fp, x, WASM_TRAP_HOST);
    }
}

/* Call of f with its arguments at args, returning to ret_ip: host functions, first calls (translate)
 * and full control stacks. On EXEC_CONTINUE, x->ip/x->fp/x->inst say where to go on. */
__attribute__((noinline)) static int call_slow(const uint32_t *ip, uint64_t *fp,
                                               struct wasm_exec *x, struct wasm_func *f,
                                               uint64_t *args, const uint32_t *ret_ip)
{
    if (f->kind == RUNTIME_FUNC_HOST)
        return call_host(ip, fp, x, f, args, ret_ip);
    if (!f->mfunc->code) {
        struct wasm_error err;
        if (translate_function(f->inst->module, f->index, &err) != WASM_OK) {
            copy_message(x->trap_message, sizeof x->trap_message, err.message);
            return exec_trap(ip, fp, x, WASM_TRAP_HOST);
        }
    }
    f->entry = f->mfunc->code->words;
    if (x->frame_top == x->frames_end)
        return exec_trap(ip, fp, x, WASM_TRAP_STACK_EXHAUSTED);
    struct exec_frame *rec = x->frame_top++;
    rec->ret_ip = ret_ip;
    rec->fp = fp;
    rec->inst = x->inst;
    rec->func = f;
    x->inst = f->inst;
    x->ip = f->mfunc->code->words;
    x->fp = args;
    return EXEC_CONTINUE;
}

/* The slow path of the call ops, with a handler's signature so that the call handlers reach it by
 * a tail call and keep no stack frame: the callee and its arguments wait in x->pending_*. */
__attribute__((noinline)) static int call_slow_op(const uint32_t *ip, uint64_t *fp, uint8_t *mem,
                                                  uint64_t r, struct wasm_exec *x)
{
    int st = call_slow(ip, fp, x, x->pending_func, x->pending_args, x->pending_ret);
    if (st != EXEC_CONTINUE)
        return st;
    ip = x->ip;
    fp = x->fp;
    RELOAD_MEM();
    DISPATCH();
}

/* The fast path of a call: a translated wasm function and room on the control stack. */
#define CALL(f, args, ret_ip)                                                        \
    do {                                                                             \
        if (__builtin_expect(!f->entry || x->frame_top == x->frames_end, 0)) {       \
            x->pending_func = f;                                                     \
            x->pending_args = args;                                                  \
            x->pending_ret = ret_ip;                                                 \
            __attribute__((musttail)) return call_slow_op(ip, fp, mem, r, x);           \
        }                                                                            \
        struct exec_frame *rec_ = x->frame_top++;                                    \
        rec_->ret_ip = ret_ip;                                                       \
        rec_->fp = fp;                                                               \
        rec_->inst = x->inst;                                                        \
        rec_->func = f;                                                              \
        fp = args;                                                                   \
        if (f->inst != x->inst) {                                                    \
            x->inst = f->inst;                                                       \
            RELOAD_MEM();                                                            \
        }                                                                            \
        ip = f->entry;                                                               \
        DISPATCH();                                                                  \
    } while (0)

/* "uninitialized element 2": the reference interpreter's message names the index */
__attribute__((noinline)) static int trap_element(const uint32_t *ip, uint64_t *fp,
                                                  struct wasm_exec *x, uint32_t index)
{
    int st = exec_trap(ip, fp, x, WASM_TRAP_UNINITIALIZED_ELEMENT);
    char digits[12];
    int n = 0;
    do {
        digits[n++] = (char)('0' + index % 10);
        index /= 10;
    } while (index);
    size_t len = strlen(x->trap_message);
    if (len + 1 + (size_t)n < sizeof x->trap_message) {
        x->trap_message[len++] = ' ';
        while (n)
            x->trap_message[len++] = digits[--n];
        x->trap_message[len] = 0;
    }
    return st;
}

/* ---- control handlers -------------------------------------------------------------------------- */

OP(exit)
{
    (void)ip;
    (void)fp;
    x->state = EXEC_DONE;
    return WASM_OK;
}

OP(enter)
{
    if (__builtin_expect(fp + U(0) > x->stack_end, 0))
        return exec_trap(ip, fp, x, WASM_TRAP_STACK_EXHAUSTED);
    x->fuel_left -= 1;
    if (__builtin_expect(x->interrupt | (x->fuel_left < 0), 0))
        return exec_safepoint(ip + 3, fp, x);
    NEXT(1);
}

OP(zero)
{
    memset(fp + U(0), 0, (size_t)U(1) * sizeof *fp);
    NEXT(2);
}

OP(unreachable)
{
    return exec_trap(ip, fp, x, WASM_TRAP_UNREACHABLE);
}

OP(br)
{
    JUMP(0);
}

OP(br_if)
{
    if ((uint32_t)S(0))
        JUMP(1);
    NEXT(2);
}

OP(br_unless)
{
    if (!(uint32_t)S(0))
        JUMP(1);
    NEXT(2);
}

OP(br_table)
{
    uint32_t i = (uint32_t)S(0), n = U(1);
    if (i > n)
        i = n;
    JUMP(2 + i);
}

OP(ret)
{
    struct exec_frame *rec = --x->frame_top;
    ip = rec->ret_ip;
    fp = rec->fp;
    x->inst = rec->inst;
    RELOAD_MEM();
    DISPATCH();
}

OP(call)
{
    struct wasm_func *f = x->inst->funcs[U(0)];
    uint64_t *args = fp + U(1);
    const uint32_t *ret_ip = ip + 4;
    CALL(f, args, ret_ip);
}

OP(call_indirect)
{
    struct wasm_table *t = x->inst->tables[U(1)];
    uint32_t i = (uint32_t)S(2);
    if (i >= t->size)
        return exec_trap(ip, fp, x, WASM_TRAP_UNDEFINED_ELEMENT);
    struct wasm_func *f = (struct wasm_func *)(uintptr_t)t->elems[i];
    if (!f)
        return trap_element(ip, fp, x, i);
    if (f->type_id != x->inst->type_ids[U(0)])
        return exec_trap(ip, fp, x, WASM_TRAP_INDIRECT_CALL_TYPE);
    uint64_t *args = fp + U(3);
    const uint32_t *ret_ip = ip + 6;
    CALL(f, args, ret_ip);
}

OP(copy)
{
    S(0) = S(1);
    NEXT(2);
}

OP(const32)
{
    S(0) = U(1);
    NEXT(2);
}

OP(const64)
{
    S(0) = IMM64(1);
    NEXT(3);
}

OP(select)
{
    uint64_t a = S(1), b = S(2);
    S(0) = (uint32_t)S(3) ? a : b;
    NEXT(4);
}

#define BR_CMP(name, cond) \
    OP(name) { uint32_t a = (uint32_t)S(0), b = (uint32_t)S(1); if (cond) JUMP(2); NEXT(3); }
#define BR_CMP_IMM(name, cond) \
    OP(name) { uint32_t a = (uint32_t)S(0), b = U(1); if (cond) JUMP(2); NEXT(3); }

BR_CMP(br_i32_eq, a == b)
BR_CMP(br_i32_ne, a != b)
BR_CMP(br_i32_lt_s, (int32_t)a < (int32_t)b)
BR_CMP(br_i32_lt_u, a < b)
BR_CMP(br_i32_gt_s, (int32_t)a > (int32_t)b)
BR_CMP(br_i32_gt_u, a > b)
BR_CMP(br_i32_le_s, (int32_t)a <= (int32_t)b)
BR_CMP(br_i32_le_u, a <= b)
BR_CMP(br_i32_ge_s, (int32_t)a >= (int32_t)b)
BR_CMP(br_i32_ge_u, a >= b)
BR_CMP_IMM(br_i32_eq_imm, a == b)
BR_CMP_IMM(br_i32_ne_imm, a != b)
BR_CMP_IMM(br_i32_lt_s_imm, (int32_t)a < (int32_t)b)
BR_CMP_IMM(br_i32_lt_u_imm, a < b)
BR_CMP_IMM(br_i32_gt_s_imm, (int32_t)a > (int32_t)b)
BR_CMP_IMM(br_i32_gt_u_imm, a > b)
BR_CMP_IMM(br_i32_le_s_imm, (int32_t)a <= (int32_t)b)
BR_CMP_IMM(br_i32_le_u_imm, a <= b)
BR_CMP_IMM(br_i32_ge_s_imm, (int32_t)a >= (int32_t)b)
BR_CMP_IMM(br_i32_ge_u_imm, a >= b)

/* ---- the exec API ------------------------------------------------------------------------------ */

static void exec_destroy(struct runtime_object *o)
{
    struct wasm_exec *x = (struct wasm_exec *)o;
    plat_free(x->stack);
    plat_free(x->frames);
}

wasm_exec *wasm_exec_new(wasm_store *s)
{
    if (!exit_code[0]) {
        exec_op h = exec_handlers[OPC_exit];
        memcpy(exit_code, &h, sizeof h);
    }
    struct wasm_exec *x = runtime_object_new(s, sizeof *x, exec_destroy);
    if (!x)
        return NULL;
    x->store = s;
    uint32_t slots = s->limits.value_stack_slots ? s->limits.value_stack_slots : 1u << 20;
    uint32_t depth = s->limits.call_depth ? s->limits.call_depth : 100000;
    x->stack = plat_alloc((size_t)slots * sizeof(uint64_t));
    x->frames = plat_alloc((size_t)depth * sizeof(struct exec_frame));
    if (!x->stack || !x->frames)
        return NULL;    /* freed with the store */
    x->stack_end = x->stack + slots;
    x->frames_end = x->frames + depth;
    x->frame_top = x->frames;
    x->fuel_limited = s->limits.fuel != 0;
    x->fuel_left = x->fuel_limited ? (int64_t)(s->limits.fuel & (UINT64_MAX >> 2)) : INT64_MAX / 2;
    return x;
}

void wasm_exec_free(wasm_exec *e)
{
    (void)e;    /* freed with its store (objects are not unlinked one by one) */
}

static int run(struct wasm_exec *x, const uint32_t *ip, uint64_t *fp)
{
    x->state = EXEC_SUSPENDED;  /* running; set to DONE or SUSPENDED by whoever stops */
    x->mem_size = x->inst->mem0->size;
    return exec_handler_at(ip)(ip, fp, x->inst->mem0->data, 0, x);
}

/* A call of f at the bottom of the stacks: args are in stack[0..). */
static int start_call(struct wasm_exec *x, struct wasm_func *f)
{
    x->frame_top = x->frames;
    x->result_slots = f->result_slots;
    x->trap = WASM_TRAP_NONE;
    if (f->kind == RUNTIME_FUNC_HOST) {
        struct wasm_host_call call = { x, NULL, f->host_data };
        x->inst = NULL;
        x->ip = NULL;
        x->fp = (uint64_t *)f;  /* remembered for resume after BLOCK */
        int st = f->host_fn(&call, x->stack, NULL, 0);
        x->state = st == WASM_BLOCK ? EXEC_SUSPENDED : EXEC_DONE;
        if (st == WASM_TRAP)
            x->trap = WASM_TRAP_HOST;
        return st;
    }
    x->inst = f->inst;
    int st = call_slow(exit_code, x->stack, x, f, x->stack, exit_code);
    if (st != EXEC_CONTINUE)
        return st;
    return run(x, x->ip, x->fp);
}

int wasm_exec_call(wasm_exec *e, wasm_func *f, const uint64_t *args)
{
    if (e->state == EXEC_SUSPENDED || !f)
        return WASM_ERR_ARG;
    uint32_t n = f->param_slots > f->result_slots ? f->param_slots : f->result_slots;
    if (n > (uint64_t)(e->stack_end - e->stack))
        return WASM_ERR_ARG;
    for (uint32_t i = 0; i < f->param_slots; i++)
        e->stack[i] = args[i];
    return start_call(e, f);
}

int wasm_exec_resume(wasm_exec *e)
{
    if (e->state != EXEC_SUSPENDED)
        return WASM_ERR_ARG;
    if (!e->ip)     /* a blocked top-level host call */
        return start_call(e, (struct wasm_func *)e->fp);
    return run(e, e->ip, e->fp);
}

void wasm_exec_reset(wasm_exec *e)
{
    e->state = EXEC_IDLE;
    e->frame_top = e->frames;
    e->interrupt = 0;
}

const uint64_t *wasm_exec_results(const wasm_exec *e)
{
    return e->stack;
}

void wasm_exec_interrupt(wasm_exec *e)
{
    e->interrupt = 1;
}

volatile uint32_t *wasm_exec_interrupt_flag(wasm_exec *e)
{
    return &e->interrupt;
}

uint64_t wasm_exec_fuel(const wasm_exec *e)
{
    return e->fuel_limited && e->fuel_left > 0 ? (uint64_t)e->fuel_left : 0;
}

void wasm_exec_set_fuel(wasm_exec *e, uint64_t fuel)
{
    e->fuel_limited = fuel != 0;
    e->fuel_left = fuel ? (int64_t)(fuel & (UINT64_MAX >> 2)) : INT64_MAX / 2;
}

enum wasm_trap wasm_exec_trap(const wasm_exec *e)
{
    return e->trap;
}

const char *wasm_exec_trap_message(const wasm_exec *e)
{
    return e->trap == WASM_TRAP_NONE ? "" : e->trap_message;
}

int32_t wasm_exec_exit_status(const wasm_exec *e)
{
    return e->exit_status;
}

int wasm_host_trap(struct wasm_host_call *call, const char *message)
{
    copy_message(call->exec->trap_message, sizeof call->exec->trap_message,
                 message ? message : "host trap");
    call->exec->trap = WASM_TRAP_HOST;
    return WASM_TRAP;
}

int wasm_host_exit(struct wasm_host_call *call, int32_t status)
{
    call->exec->exit_status = status;
    return WASM_EXIT;
}

/* The module offset of position ip in f's code (ip inside or just past an instruction). */
static uint32_t code_offset(const struct wasm_func *f, const uint32_t *ip)
{
    const struct translate_code *c = f->mfunc ? f->mfunc->code : NULL;
    if (!c || !ip || ip < c->words || ip > c->words + c->word_count)
        return f->mfunc ? f->mfunc->code_off : 0;
    return translate_offset_of(c, (uint32_t)(ip - c->words));
}

uint32_t wasm_exec_backtrace(const wasm_exec *e, struct wasm_frame_info *frames, uint32_t max)
{
    uint32_t n = 0;
    const uint32_t *ip = e->ip;     /* innermost: where it trapped or stopped */
    for (const struct exec_frame *rec = e->frame_top; rec > e->frames && n < max; n++) {
        rec--;
        const struct wasm_func *f = rec->func;
        frames[n].func_index = f->index;
        frames[n].code_offset = code_offset(f, ip);
        ip = rec->ret_ip - 1;       /* the caller: inside its call instruction */
        const char **names = f->inst ? (const char **)f->inst->module->func_names : NULL;
        frames[n].func_name = names && names[f->index] ? names[f->index] : "";
    }
    return n;
}

bool wasm_exec_fault_in_guard(const wasm_exec *e, uintptr_t addr)
{
    if (!e || e->state != EXEC_SUSPENDED || !e->inst)   /* running: state is SUSPENDED (run) */
        return false;
    const struct wasm_memory *m = e->inst->mem0;
    if (!m->guard)
        return false;
    uintptr_t base = (uintptr_t)m->data;
    return addr >= base + m->size && addr - base < m->reserved;
}

int wasm_exec_fault_trap(wasm_exec *e, uintptr_t ip_hint)
{
    const uint32_t *ip = NULL;
    if (e->frame_top > e->frames) {
        const struct translate_code *c = e->frame_top[-1].func->mfunc
                                             ? e->frame_top[-1].func->mfunc->code : NULL;
        const uint32_t *hint = (const uint32_t *)ip_hint;
        if (c && hint >= c->words && hint < c->words + c->word_count)
            ip = hint;
    }
    return exec_trap(ip, e->fp, e, WASM_TRAP_MEMORY_OOB);
}
