/* engine/translate.c — one validated function body -> register-form internal code (ops.h).
 *
 * One pass over the body with a virtual operand stack (ENGINE-NOTES §10.2):
 *   - every operand-stack position p owns a "home" slot, local_slots + p, in the frame;
 *   - an entry of the virtual stack is either a slot (its home, or a local's slot after local.get)
 *     or a constant: local.get and *.const emit nothing;
 *   - a producer writes its home slot; a local.set right after it rewrites the producer's destination
 *     to the local instead (fold) — unless another entry still aliases that local, in which case the
 *     aliases are first copied to their homes (copy-on-alias rule, as in wasm3/WAMR);
 *   - at block/loop/if entry every entry is moved to its home ("materialize"), so that all paths
 *     agree where values are at labels; branches move their values to the target's homes;
 *   - br_if / if right after an i32 compare become one fused compare+branch op;
 *   - binary ops with a constant right operand use the _imm form.
 * Branch targets are relative offsets patched when the label is bound: forward branches to a block
 * are kept in a list threaded through the offset words themselves (each holds the previous entry).
 * The function's frame: params, locals, then the operand stack (frame_slots in all). */
#include <walos/platform.h>

#include "engine/exec_impl.h"
#include "engine/reader.h"
#include "engine/translate.h"

enum { VK_SLOT, VK_CONST };

struct vval {
    uint8_t kind;
    uint32_t slot;      /* VK_SLOT */
    uint64_t k;         /* VK_CONST: the bits */
};

enum { CTL_FUNC, CTL_BLOCK, CTL_LOOP, CTL_IF, CTL_ELSE };

struct ctl {
    uint8_t kind;
    bool unreachable;
    uint32_t height;    /* operand stack height below the block's params */
    uint32_t nparams, nresults;
    uint32_t loop_pc;   /* CTL_LOOP: word index of the loop head */
    uint32_t patches;   /* forward branches to the end: threaded list of word index + 1 */
    uint32_t else_patch;/* CTL_IF: the branch to the else part (word index + 1), 0 once bound */
    uint32_t shadow;    /* CTL_IF with params: first slot of the saved params */
};

struct tr {
    struct wasm_module *m;
    struct reader r;
    uint32_t *code;
    uint32_t n, cap;
    struct vval *stack;
    uint32_t sp, stack_cap, max_sp;
    struct ctl *ctls;
    uint32_t nctl, ctl_cap;
    uint32_t local_slots;
    uint32_t nresults;  /* of the function */
    int64_t fold_word;  /* dst operand of the last instruction when it is a foldable producer */
    uint32_t fold_start;
    uint16_t fold_op;
    struct translate_pos *pos;
    uint32_t npos, pos_cap;
    bool nomem;
    const char *error;
};

static uint16_t op_words[OPC_COUNT] = {
#define EXEC_OP_WORDS(name, words) [OPC_##name] = words,
    EXEC_OPS(EXEC_OP_WORDS)
#undef EXEC_OP_WORDS
};

/* ---- emission ------------------------------------------------------------------------------- */

static void emit(struct tr *t, uint32_t w)
{
    if (t->nomem)
        return;
    if (t->n == t->cap) {
        uint32_t cap = t->cap ? t->cap * 2 : 256;
        uint32_t *c = plat_realloc(t->code, cap * sizeof *c);
        if (!c) {
            t->nomem = true;
            return;
        }
        t->code = c;
        t->cap = cap;
    }
    t->code[t->n++] = w;
}

static uint32_t emit_op(struct tr *t, enum exec_opcode op)
{
    uint32_t start = t->n;
    exec_op h = exec_handlers[op];
    uint32_t w[2];
    memcpy(w, &h, sizeof h);
    emit(t, w[0]);
    emit(t, w[1]);
    t->fold_word = -1;
    return start;
}

/* Marks the instruction at `start` (destination operand first) as foldable. */
static void set_fold(struct tr *t, uint32_t start, enum exec_opcode op)
{
    t->fold_word = start + 2;
    t->fold_start = start;
    t->fold_op = (uint16_t)op;
}

/* Offset words: relative to the word itself. */
static void patch_to(struct tr *t, uint32_t word, uint32_t target)
{
    if (word < t->n)
        t->code[word] = (uint32_t)((int32_t)target - (int32_t)word);
}

/* Emits an offset word for a forward branch to ctl c's end. */
static void emit_fwd(struct tr *t, struct ctl *c)
{
    uint32_t w = t->n;
    emit(t, c->patches);
    c->patches = w + 1;
}

static void bind_list(struct tr *t, uint32_t list)
{
    while (list && !t->nomem) {
        uint32_t w = list - 1;
        uint32_t next = t->code[w];
        patch_to(t, w, t->n);
        list = next;
    }
    t->fold_word = -1;
}

/* ---- the virtual stack ---------------------------------------------------------------------- */

static uint32_t home(struct tr *t, uint32_t pos) { return t->local_slots + pos; }

static void push(struct tr *t, struct vval v)
{
    if (t->sp == t->stack_cap) {
        uint32_t cap = t->stack_cap ? t->stack_cap * 2 : 64;
        struct vval *s = plat_realloc(t->stack, cap * sizeof *s);
        if (!s) {
            t->nomem = true;
            return;
        }
        t->stack = s;
        t->stack_cap = cap;
    }
    t->stack[t->sp++] = v;
    if (t->sp > t->max_sp)
        t->max_sp = t->sp;
}

static uint32_t push_home(struct tr *t)
{
    uint32_t s = home(t, t->sp);
    push(t, (struct vval){ VK_SLOT, s, 0 });
    return s;
}

static void push_const(struct tr *t, uint64_t k) { push(t, (struct vval){ VK_CONST, 0, k }); }

static struct vval pop(struct tr *t)
{
    struct ctl *c = &t->ctls[t->nctl - 1];
    if (t->sp <= c->height) {   /* only in unreachable code (or an invalid body) */
        if (!c->unreachable)
            t->error = "operand stack underflow";
        return (struct vval){ VK_SLOT, home(t, t->sp), 0 };
    }
    return t->stack[--t->sp];
}

static void emit_const_to(struct tr *t, uint32_t slot, uint64_t k)
{
    if (k >> 32) {
        emit_op(t, OPC_const64);
        emit(t, slot);
        emit(t, (uint32_t)k);
        emit(t, (uint32_t)(k >> 32));
    } else {
        emit_op(t, OPC_const32);
        emit(t, slot);
        emit(t, (uint32_t)k);
    }
}

static void emit_copy(struct tr *t, uint32_t dst, uint32_t src)
{
    emit_op(t, OPC_copy);
    emit(t, dst);
    emit(t, src);
}

/* The slot holding v, an entry just popped from position pos: constants go to their home. */
static uint32_t need_slot(struct tr *t, struct vval v, uint32_t pos)
{
    if (v.kind == VK_SLOT)
        return v.slot;
    uint32_t s = home(t, pos);
    emit_const_to(t, s, v.k);
    if (pos + 1 > t->max_sp)
        t->max_sp = pos + 1;
    return s;
}

/* Moves every entry to its home slot. */
static void materialize_all(struct tr *t)
{
    for (uint32_t i = 0; i < t->sp; i++) {
        struct vval *v = &t->stack[i];
        uint32_t h = home(t, i);
        if (v->kind == VK_CONST)
            emit_const_to(t, h, v->k);
        else if (v->slot != h)
            emit_copy(t, h, v->slot);
        v->kind = VK_SLOT;
        v->slot = h;
    }
}

/* Copy-on-alias: before local `slot` changes, entries still reading it get their own copy. */
static bool aliased(struct tr *t, uint32_t slot)
{
    for (uint32_t i = 0; i < t->sp; i++)
        if (t->stack[i].kind == VK_SLOT && t->stack[i].slot == slot)
            return true;
    return false;
}

static void preserve_local(struct tr *t, uint32_t slot)
{
    for (uint32_t i = 0; i < t->sp; i++) {
        struct vval *v = &t->stack[i];
        if (v->kind == VK_SLOT && v->slot == slot) {
            emit_copy(t, home(t, i), slot);
            v->slot = home(t, i);
        }
    }
}

/* Moves the top `count` entries to slots dst..dst+count-1 (a branch to a label or a return), without
 * changing the virtual stack (other paths still see it). Sources are homes at positions >= their
 * destination's, locals, or constants; locals inside the destination range are saved first, so an
 * ascending copy order never overwrites a source still to be read. */
static bool moves_needed(struct tr *t, uint32_t count, uint32_t dst)
{
    for (uint32_t i = 0; i < count; i++) {
        struct vval v = t->stack[t->sp - count + i];
        if (v.kind != VK_SLOT || v.slot != dst + i)
            return true;
    }
    return false;
}

static void emit_moves(struct tr *t, uint32_t count, uint32_t dst)
{
    if (count > t->sp)
        count = t->sp;  /* unreachable code */
    uint32_t base = t->sp - count;
    for (uint32_t i = 0; i < count; i++) {
        struct vval v = t->stack[base + i];
        if (v.kind == VK_SLOT && v.slot < t->local_slots && v.slot >= dst && v.slot < dst + count &&
            v.slot != dst + i)
            emit_copy(t, home(t, base + i), v.slot);
    }
    for (uint32_t i = 0; i < count; i++) {
        struct vval v = t->stack[base + i];
        if (v.kind == VK_SLOT && v.slot < t->local_slots && v.slot >= dst && v.slot < dst + count &&
            v.slot != dst + i)
            v.slot = home(t, base + i);
        if (v.kind == VK_CONST)
            emit_const_to(t, dst + i, v.k);
        else if (v.slot != dst + i)
            emit_copy(t, dst + i, v.slot);
    }
}

static void set_unreachable(struct tr *t)
{
    struct ctl *c = &t->ctls[t->nctl - 1];
    t->sp = c->height;
    c->unreachable = true;
}

/* ---- branches -------------------------------------------------------------------------------- */

/* A popped branch condition: a slot, or a just-emitted i32 compare that can be fused. */
struct cond {
    bool fused;
    uint16_t cmp;       /* OPC_i32_eqz, OPC_i32_eq.. or the _imm forms */
    uint32_t a, b;
    uint32_t slot;
};

static int cmp_index(uint16_t op)
{
    if (op >= OPC_i32_eq && op <= OPC_i32_ge_u)
        return op - OPC_i32_eq;
    if (op >= OPC_i32_eq_imm && op <= OPC_i32_ge_u_imm)
        return 10 + (op - OPC_i32_eq_imm);
    return -1;
}

static void take_cond(struct tr *t, struct cond *c, bool allow_fuse)
{
    struct vval v = pop(t);
    c->fused = false;
    if (allow_fuse && t->fold_word >= 0 && v.kind == VK_SLOT && v.slot == t->code[t->fold_word] &&
        (t->fold_op == OPC_i32_eqz || cmp_index(t->fold_op) >= 0)) {
        c->fused = true;
        c->cmp = t->fold_op;
        c->a = t->code[t->fold_start + 3];
        c->b = t->fold_op == OPC_i32_eqz ? 0 : t->code[t->fold_start + 4];
        t->n = t->fold_start;
        t->fold_word = -1;
        return;
    }
    c->slot = need_slot(t, v, t->sp);
}

/* Emits "jump if the condition is `when`": returns the word index of the offset word (to patch). */
static uint32_t emit_cond_branch(struct tr *t, const struct cond *c, bool when)
{
    static const uint8_t inverse[10] = { 1, 0, 8, 9, 6, 7, 4, 5, 2, 3 };
    if (!c->fused) {
        emit_op(t, when ? OPC_br_if : OPC_br_unless);
        emit(t, c->slot);
    } else if (c->cmp == OPC_i32_eqz) {
        emit_op(t, when ? OPC_br_unless : OPC_br_if);
        emit(t, c->a);
    } else {
        int i = cmp_index(c->cmp);
        bool imm = i >= 10;
        int k = imm ? i - 10 : i;
        if (!when)
            k = inverse[k];
        emit_op(t, (enum exec_opcode)((imm ? OPC_br_i32_eq_imm : OPC_br_i32_eq) + k));
        emit(t, c->a);
        emit(t, c->b);
    }
    uint32_t w = t->n;
    emit(t, 0);
    return w;
}

static void emit_return(struct tr *t)
{
    emit_moves(t, t->nresults, 0);
    emit_op(t, OPC_ret);
}

/* Unconditional branch to label depth (values already checked by the validator). */
static void emit_br_to(struct tr *t, uint32_t depth)
{
    struct ctl *c = &t->ctls[t->nctl - 1 - depth];
    if (c->kind == CTL_FUNC) {
        emit_return(t);
        return;
    }
    bool loop = c->kind == CTL_LOOP;
    emit_moves(t, loop ? c->nparams : c->nresults, home(t, c->height));
    emit_op(t, OPC_br);
    if (loop) {
        uint32_t w = t->n;
        emit(t, 0);
        patch_to(t, w, c->loop_pc);
    } else {
        emit_fwd(t, c);
    }
}

/* Does a branch to depth need code beyond a jump (moves, or a return)? */
static bool br_is_simple(struct tr *t, uint32_t depth)
{
    struct ctl *c = &t->ctls[t->nctl - 1 - depth];
    if (c->kind == CTL_FUNC)
        return false;
    uint32_t arity = c->kind == CTL_LOOP ? c->nparams : c->nresults;
    if (arity > t->sp)
        return false;
    return !moves_needed(t, arity, home(t, c->height));
}

/* Points the offset word w at label depth (a simple branch). */
static void target_word(struct tr *t, uint32_t w, uint32_t depth)
{
    struct ctl *c = &t->ctls[t->nctl - 1 - depth];
    if (c->kind == CTL_LOOP) {
        patch_to(t, w, c->loop_pc);
    } else if (w < t->n) {
        t->code[w] = c->patches;
        c->patches = w + 1;
    }
}

/* ---- blocks ---------------------------------------------------------------------------------- */

static bool read_blocktype(struct tr *t, uint32_t *np, uint32_t *nr)
{
    struct reader *r = &t->r;
    if (r->p >= r->end)
        return reader_fail(r, "unexpected end");
    uint8_t b = *r->p;
    if (b == 0x40) {
        r->p++;
        *np = *nr = 0;
        return true;
    }
    if (b == WASM_I32 || b == WASM_I64 || b == WASM_F32 || b == WASM_F64 || b == WASM_FUNCREF ||
        b == WASM_EXTERNREF) {
        r->p++;
        *np = 0;
        *nr = 1;
        return true;
    }
    int64_t idx = reader_sleb(r, 33);
    if (r->error)
        return false;
    if (idx < 0 || (uint64_t)idx >= t->m->type_count)
        return reader_fail(r, "unknown type");
    *np = t->m->types[idx].param_slots;
    *nr = t->m->types[idx].result_slots;
    return true;
}

static struct ctl *push_ctl(struct tr *t, uint8_t kind, uint32_t np, uint32_t nr)
{
    if (t->nctl == t->ctl_cap) {
        uint32_t cap = t->ctl_cap ? t->ctl_cap * 2 : 16;
        struct ctl *c = plat_realloc(t->ctls, cap * sizeof *c);
        if (!c) {
            t->nomem = true;
            return NULL;
        }
        t->ctls = c;
        t->ctl_cap = cap;
    }
    struct ctl *c = &t->ctls[t->nctl++];
    memset(c, 0, sizeof *c);
    c->kind = kind;
    c->nparams = np;
    c->nresults = nr;
    c->height = t->sp >= np ? t->sp - np : 0;
    return c;
}

static void op_end(struct tr *t)
{
    struct ctl *c = &t->ctls[t->nctl - 1];
    if (c->kind == CTL_FUNC) {
        if (!c->unreachable)
            emit_return(t);
        t->nctl--;
        return;
    }
    if (!c->unreachable)
        emit_moves(t, c->nresults, home(t, c->height));
    if (c->else_patch)
        bind_list(t, c->else_patch);
    bind_list(t, c->patches);
    t->sp = c->height;
    uint32_t nr = c->nresults;
    t->nctl--;
    for (uint32_t i = 0; i < nr; i++)
        push_home(t);
}

static void op_else(struct tr *t)
{
    struct ctl *c = &t->ctls[t->nctl - 1];
    if (!c->unreachable) {
        emit_moves(t, c->nresults, home(t, c->height));
        emit_op(t, OPC_br);
        emit_fwd(t, c);
    }
    bind_list(t, c->else_patch);
    c->else_patch = 0;
    c->kind = CTL_ELSE;
    c->unreachable = false;
    t->sp = c->height;
    for (uint32_t i = 0; i < c->nparams; i++) {
        uint32_t h = push_home(t);
        emit_copy(t, h, c->shadow + i);
    }
}

static void op_if(struct tr *t, uint32_t np, uint32_t nr)
{
    struct cond c;
    take_cond(t, &c, np == 0);
    materialize_all(t);
    uint32_t shadow = home(t, t->sp + 1);     /* above the condition's slot (home(sp)) */
    for (uint32_t i = 0; i < np; i++) {
        emit_copy(t, shadow + i, home(t, t->sp - np + i));
        if (t->sp + i + 2 > t->max_sp)
            t->max_sp = t->sp + i + 2;
    }
    uint32_t w = emit_cond_branch(t, &c, false);
    struct ctl *ctl = push_ctl(t, CTL_IF, np, nr);
    if (!ctl)
        return;
    ctl->shadow = shadow;
    if (w < t->n) {
        t->code[w] = 0;
        ctl->else_patch = w + 1;
    }
}

/* ---- operators ------------------------------------------------------------------------------- */

/* wasm numeric opcodes 0x45..0xc4 -> internal op (OPC_copy: a reinterpretation, no code) */
static const uint16_t numeric_ops[0xc5] = {
    [0x45] = OPC_i32_eqz, [0x46] = OPC_i32_eq, [0x47] = OPC_i32_ne, [0x48] = OPC_i32_lt_s,
    [0x49] = OPC_i32_lt_u, [0x4a] = OPC_i32_gt_s, [0x4b] = OPC_i32_gt_u, [0x4c] = OPC_i32_le_s,
    [0x4d] = OPC_i32_le_u, [0x4e] = OPC_i32_ge_s, [0x4f] = OPC_i32_ge_u,
    [0x50] = OPC_i64_eqz, [0x51] = OPC_i64_eq, [0x52] = OPC_i64_ne, [0x53] = OPC_i64_lt_s,
    [0x54] = OPC_i64_lt_u, [0x55] = OPC_i64_gt_s, [0x56] = OPC_i64_gt_u, [0x57] = OPC_i64_le_s,
    [0x58] = OPC_i64_le_u, [0x59] = OPC_i64_ge_s, [0x5a] = OPC_i64_ge_u,
    [0x5b] = OPC_f32_eq, [0x5c] = OPC_f32_ne, [0x5d] = OPC_f32_lt, [0x5e] = OPC_f32_gt,
    [0x5f] = OPC_f32_le, [0x60] = OPC_f32_ge,
    [0x61] = OPC_f64_eq, [0x62] = OPC_f64_ne, [0x63] = OPC_f64_lt, [0x64] = OPC_f64_gt,
    [0x65] = OPC_f64_le, [0x66] = OPC_f64_ge,
    [0x67] = OPC_i32_clz, [0x68] = OPC_i32_ctz, [0x69] = OPC_i32_popcnt, [0x6a] = OPC_i32_add,
    [0x6b] = OPC_i32_sub, [0x6c] = OPC_i32_mul, [0x6d] = OPC_i32_div_s, [0x6e] = OPC_i32_div_u,
    [0x6f] = OPC_i32_rem_s, [0x70] = OPC_i32_rem_u, [0x71] = OPC_i32_and, [0x72] = OPC_i32_or,
    [0x73] = OPC_i32_xor, [0x74] = OPC_i32_shl, [0x75] = OPC_i32_shr_s, [0x76] = OPC_i32_shr_u,
    [0x77] = OPC_i32_rotl, [0x78] = OPC_i32_rotr,
    [0x79] = OPC_i64_clz, [0x7a] = OPC_i64_ctz, [0x7b] = OPC_i64_popcnt, [0x7c] = OPC_i64_add,
    [0x7d] = OPC_i64_sub, [0x7e] = OPC_i64_mul, [0x7f] = OPC_i64_div_s, [0x80] = OPC_i64_div_u,
    [0x81] = OPC_i64_rem_s, [0x82] = OPC_i64_rem_u, [0x83] = OPC_i64_and, [0x84] = OPC_i64_or,
    [0x85] = OPC_i64_xor, [0x86] = OPC_i64_shl, [0x87] = OPC_i64_shr_s, [0x88] = OPC_i64_shr_u,
    [0x89] = OPC_i64_rotl, [0x8a] = OPC_i64_rotr,
    [0x8b] = OPC_f32_abs, [0x8c] = OPC_f32_neg, [0x8d] = OPC_f32_ceil, [0x8e] = OPC_f32_floor,
    [0x8f] = OPC_f32_trunc, [0x90] = OPC_f32_nearest, [0x91] = OPC_f32_sqrt, [0x92] = OPC_f32_add,
    [0x93] = OPC_f32_sub, [0x94] = OPC_f32_mul, [0x95] = OPC_f32_div, [0x96] = OPC_f32_min,
    [0x97] = OPC_f32_max, [0x98] = OPC_f32_copysign,
    [0x99] = OPC_f64_abs, [0x9a] = OPC_f64_neg, [0x9b] = OPC_f64_ceil, [0x9c] = OPC_f64_floor,
    [0x9d] = OPC_f64_trunc, [0x9e] = OPC_f64_nearest, [0x9f] = OPC_f64_sqrt, [0xa0] = OPC_f64_add,
    [0xa1] = OPC_f64_sub, [0xa2] = OPC_f64_mul, [0xa3] = OPC_f64_div, [0xa4] = OPC_f64_min,
    [0xa5] = OPC_f64_max, [0xa6] = OPC_f64_copysign,
    [0xa7] = OPC_i32_wrap_i64, [0xa8] = OPC_i32_trunc_f32_s, [0xa9] = OPC_i32_trunc_f32_u,
    [0xaa] = OPC_i32_trunc_f64_s, [0xab] = OPC_i32_trunc_f64_u, [0xac] = OPC_i64_extend_i32_s,
    [0xad] = OPC_i64_extend_i32_u, [0xae] = OPC_i64_trunc_f32_s, [0xaf] = OPC_i64_trunc_f32_u,
    [0xb0] = OPC_i64_trunc_f64_s, [0xb1] = OPC_i64_trunc_f64_u, [0xb2] = OPC_f32_convert_i32_s,
    [0xb3] = OPC_f32_convert_i32_u, [0xb4] = OPC_f32_convert_i64_s, [0xb5] = OPC_f32_convert_i64_u,
    [0xb6] = OPC_f32_demote_f64, [0xb7] = OPC_f64_convert_i32_s, [0xb8] = OPC_f64_convert_i32_u,
    [0xb9] = OPC_f64_convert_i64_s, [0xba] = OPC_f64_convert_i64_u, [0xbb] = OPC_f64_promote_f32,
    [0xbc] = OPC_copy, [0xbd] = OPC_copy, [0xbe] = OPC_copy, [0xbf] = OPC_copy,
    [0xc0] = OPC_i32_extend8_s, [0xc1] = OPC_i32_extend16_s, [0xc2] = OPC_i64_extend8_s,
    [0xc3] = OPC_i64_extend16_s, [0xc4] = OPC_i64_extend32_s,
};

/* The _imm form of a binary op, or 0. */
static uint16_t imm_form(uint16_t op)
{
    switch (op) {
    case OPC_i32_add: return OPC_i32_add_imm;
    case OPC_i32_sub: return OPC_i32_sub_imm;
    case OPC_i32_mul: return OPC_i32_mul_imm;
    case OPC_i32_and: return OPC_i32_and_imm;
    case OPC_i32_or: return OPC_i32_or_imm;
    case OPC_i32_xor: return OPC_i32_xor_imm;
    case OPC_i32_shl: return OPC_i32_shl_imm;
    case OPC_i32_shr_s: return OPC_i32_shr_s_imm;
    case OPC_i32_shr_u: return OPC_i32_shr_u_imm;
    case OPC_i32_rotl: return OPC_i32_rotl_imm;
    case OPC_i32_rotr: return OPC_i32_rotr_imm;
    case OPC_i64_add: return OPC_i64_add_imm;
    case OPC_i64_sub: return OPC_i64_sub_imm;
    case OPC_i64_mul: return OPC_i64_mul_imm;
    case OPC_i64_and: return OPC_i64_and_imm;
    case OPC_i64_or: return OPC_i64_or_imm;
    case OPC_i64_xor: return OPC_i64_xor_imm;
    case OPC_i64_shl: return OPC_i64_shl_imm;
    case OPC_i64_shr_s: return OPC_i64_shr_s_imm;
    case OPC_i64_shr_u: return OPC_i64_shr_u_imm;
    case OPC_i64_rotl: return OPC_i64_rotl_imm;
    case OPC_i64_rotr: return OPC_i64_rotr_imm;
    default: break;
    }
    if (op >= OPC_i32_eq && op <= OPC_i32_ge_u)
        return (uint16_t)(OPC_i32_eq_imm + (op - OPC_i32_eq));
    if (op >= OPC_i64_eq && op <= OPC_i64_ge_u)
        return (uint16_t)(OPC_i64_eq_imm + (op - OPC_i64_eq));
    return 0;
}

static bool is_i64_op(uint16_t op)
{
    return (op >= OPC_i64_add_imm && op <= OPC_i64_ge_u_imm);
}

/* For a binary op whose left operand is the constant: the op with operands swapped, or 0. */
static uint16_t swapped_form(uint16_t op)
{
    switch (op) {
    case OPC_i32_add: case OPC_i32_mul: case OPC_i32_and: case OPC_i32_or: case OPC_i32_xor:
    case OPC_i32_eq: case OPC_i32_ne:
    case OPC_i64_add: case OPC_i64_mul: case OPC_i64_and: case OPC_i64_or: case OPC_i64_xor:
    case OPC_i64_eq: case OPC_i64_ne:
        return op;
    case OPC_i32_lt_s: return OPC_i32_gt_s;
    case OPC_i32_lt_u: return OPC_i32_gt_u;
    case OPC_i32_gt_s: return OPC_i32_lt_s;
    case OPC_i32_gt_u: return OPC_i32_lt_u;
    case OPC_i32_le_s: return OPC_i32_ge_s;
    case OPC_i32_le_u: return OPC_i32_ge_u;
    case OPC_i32_ge_s: return OPC_i32_le_s;
    case OPC_i32_ge_u: return OPC_i32_le_u;
    case OPC_i64_lt_s: return OPC_i64_gt_s;
    case OPC_i64_lt_u: return OPC_i64_gt_u;
    case OPC_i64_gt_s: return OPC_i64_lt_s;
    case OPC_i64_gt_u: return OPC_i64_lt_u;
    case OPC_i64_le_s: return OPC_i64_ge_s;
    case OPC_i64_le_u: return OPC_i64_ge_u;
    case OPC_i64_ge_s: return OPC_i64_le_s;
    case OPC_i64_ge_u: return OPC_i64_le_u;
    default: return 0;
    }
}

static void op_numeric(struct tr *t, uint16_t op)
{
    if (op == OPC_copy)
        return;     /* reinterpret: same bits, same slot */
    if (op_words[op] == 2) {
        struct vval a = pop(t);
        uint32_t as = need_slot(t, a, t->sp);
        uint32_t start = emit_op(t, op);
        emit(t, home(t, t->sp));
        emit(t, as);
        push_home(t);
        set_fold(t, start, op);
        return;
    }
    struct vval b = pop(t);
    struct vval a = pop(t);
    if (a.kind == VK_CONST && b.kind != VK_CONST && swapped_form(op)) {
        struct vval tmp = a;
        a = b;
        b = tmp;
        op = swapped_form(op);
    }
    uint16_t imm = imm_form(op);
    if (imm && b.kind == VK_CONST &&
        (!is_i64_op(imm) || (int64_t)b.k == (int64_t)(int32_t)b.k)) {
        uint32_t as = need_slot(t, a, t->sp);
        uint32_t start = emit_op(t, imm);
        emit(t, home(t, t->sp));
        emit(t, as);
        emit(t, (uint32_t)b.k);
        push_home(t);
        set_fold(t, start, imm);
        return;
    }
    uint32_t bs = need_slot(t, b, t->sp + 1);
    uint32_t as = need_slot(t, a, t->sp);
    uint32_t start = emit_op(t, op);
    emit(t, home(t, t->sp));
    emit(t, as);
    emit(t, bs);
    push_home(t);
    set_fold(t, start, op);
}

static void op_local_set(struct tr *t, uint32_t slot, bool tee)
{
    struct vval v = pop(t);
    if (v.kind == VK_SLOT && v.slot == slot) {
        /* no change */
    } else if (t->fold_word >= 0 && v.kind == VK_SLOT && v.slot == home(t, t->sp) &&
               t->code[t->fold_word] == v.slot && !aliased(t, slot)) {
        t->code[t->fold_word] = slot;
        t->fold_word = -1;
    } else {
        preserve_local(t, slot);
        if (v.kind == VK_CONST)
            emit_const_to(t, slot, v.k);
        else
            emit_copy(t, slot, v.slot);
    }
    if (tee)
        push(t, (struct vval){ VK_SLOT, slot, 0 });
}

/* Pops `count` values into their homes (call arguments). Returns the home of the first. */
static uint32_t pop_args(struct tr *t, uint32_t count)
{
    if (count > t->sp)
        count = t->sp;
    uint32_t base = t->sp - count;
    for (uint32_t i = base; i < t->sp; i++) {
        struct vval *v = &t->stack[i];
        if (v->kind == VK_CONST)
            emit_const_to(t, home(t, i), v->k);
        else if (v->slot != home(t, i))
            emit_copy(t, home(t, i), v->slot);
    }
    t->sp = base;
    return home(t, base);
}

static void op_call(struct tr *t, uint32_t func)
{
    if (func >= t->m->func_count) {
        t->error = "unknown function";
        return;
    }
    const struct module_type *ty = module_func_type(t->m, func);
    uint32_t base = pop_args(t, ty->param_slots);
    emit_op(t, OPC_call);
    emit(t, func);
    emit(t, base);
    for (uint32_t i = 0; i < ty->result_slots; i++)
        push_home(t);
}

static void op_call_indirect(struct tr *t, uint32_t type, uint32_t table)
{
    if (type >= t->m->type_count) {
        t->error = "unknown type";
        return;
    }
    const struct module_type *ty = &t->m->types[type];
    struct vval e = pop(t);
    uint32_t es = need_slot(t, e, t->sp);
    uint32_t base = pop_args(t, ty->param_slots);
    emit_op(t, OPC_call_indirect);
    emit(t, type);
    emit(t, table);
    emit(t, es);
    emit(t, base);
    for (uint32_t i = 0; i < ty->result_slots; i++)
        push_home(t);
}

static void op_br_table(struct tr *t)
{
    struct reader *r = &t->r;
    uint32_t n = reader_u32(r);
    if (r->error || n > (uint32_t)(r->end - r->p))
        return (void)reader_fail(r, "unexpected end");
    uint32_t *depths = plat_alloc(((size_t)n + 1) * sizeof *depths);
    if (!depths) {
        t->nomem = true;
        return;
    }
    for (uint32_t i = 0; i <= n; i++) {
        depths[i] = reader_u32(r);
        if (!r->error && depths[i] >= t->nctl)
            reader_fail(r, "unknown label");
    }
    if (r->error) {
        plat_free(depths);
        return;
    }
    struct vval v = pop(t);
    uint32_t vs = need_slot(t, v, t->sp);
    emit_op(t, OPC_br_table);
    emit(t, vs);
    emit(t, n);
    uint32_t table = t->n;
    for (uint32_t i = 0; i <= n; i++)
        emit(t, 0);
    for (uint32_t i = 0; i <= n && !t->nomem; i++) {
        if (br_is_simple(t, depths[i])) {
            target_word(t, table + i, depths[i]);
        } else {
            patch_to(t, table + i, t->n);   /* a stub: moves, then the branch */
            emit_br_to(t, depths[i]);
        }
    }
    plat_free(depths);
    set_unreachable(t);
}

static void op_load(struct tr *t, enum exec_opcode op)
{
    reader_u32(&t->r);  /* alignment hint */
    uint32_t offset = reader_u32(&t->r);
    struct vval a = pop(t);
    uint32_t as = need_slot(t, a, t->sp);
    uint32_t start = emit_op(t, t->m->mem_mode == MODULE_MEM_GUARD ? OPC_GUARD_OF(op) : op);
    emit(t, home(t, t->sp));
    emit(t, as);
    emit(t, offset);
    push_home(t);
    set_fold(t, start, op);
}

static void op_store(struct tr *t, enum exec_opcode op)
{
    reader_u32(&t->r);
    uint32_t offset = reader_u32(&t->r);
    struct vval v = pop(t);
    struct vval a = pop(t);
    uint32_t vs = need_slot(t, v, t->sp + 1);
    uint32_t as = need_slot(t, a, t->sp);
    emit_op(t, t->m->mem_mode == MODULE_MEM_GUARD ? OPC_GUARD_OF(op) : op);
    emit(t, as);
    emit(t, vs);
    emit(t, offset);
}

/* Generic "pop k operands into slots, emit op with leading immediates, maybe push a result". */
static void op_generic(struct tr *t, enum exec_opcode op, uint32_t nimm, const uint32_t *imms,
                       uint32_t nin, bool result)
{
    uint32_t slots[4];
    struct vval vals[4];
    for (uint32_t i = nin; i-- > 0;)
        vals[i] = pop(t);
    for (uint32_t i = nin; i-- > 0;)
        slots[i] = need_slot(t, vals[i], t->sp + i);
    uint32_t start = emit_op(t, op);
    if (result)
        emit(t, home(t, t->sp));
    for (uint32_t i = 0; i < nimm; i++)
        emit(t, imms[i]);
    for (uint32_t i = 0; i < nin; i++)
        emit(t, slots[i]);
    if (result) {
        push_home(t);
        set_fold(t, start, op);
    }
}

static const uint16_t sat_ops[8] = {
    OPC_i32_trunc_sat_f32_s, OPC_i32_trunc_sat_f32_u, OPC_i32_trunc_sat_f64_s,
    OPC_i32_trunc_sat_f64_u, OPC_i64_trunc_sat_f32_s, OPC_i64_trunc_sat_f32_u,
    OPC_i64_trunc_sat_f64_s, OPC_i64_trunc_sat_f64_u,
};

static void op_prefix_fc(struct tr *t)
{
    struct reader *r = &t->r;
    uint32_t sub = reader_u32(r);
    uint32_t k[2] = { 0, 0 };
    if (r->error)
        return;
    if (sub < 8) {
        op_numeric(t, sat_ops[sub]);
        return;
    }
    switch (sub) {
    case 8:     /* memory.init seg 0 */
        k[0] = reader_u32(r);
        reader_u8(r);
        op_generic(t, OPC_memory_init, 1, k, 3, false);
        break;
    case 9: k[0] = reader_u32(r); op_generic(t, OPC_data_drop, 1, k, 0, false); break;
    case 10: reader_u8(r); reader_u8(r); op_generic(t, OPC_memory_copy, 0, k, 3, false); break;
    case 11: reader_u8(r); op_generic(t, OPC_memory_fill, 0, k, 3, false); break;
    case 12:    /* table.init seg table */
        k[1] = reader_u32(r);
        k[0] = reader_u32(r);
        op_generic(t, OPC_table_init, 2, k, 3, false);
        break;
    case 13: k[0] = reader_u32(r); op_generic(t, OPC_elem_drop, 1, k, 0, false); break;
    case 14:    /* table.copy dst src */
        k[0] = reader_u32(r);
        k[1] = reader_u32(r);
        op_generic(t, OPC_table_copy, 2, k, 3, false);
        break;
    case 15: k[0] = reader_u32(r); op_generic(t, OPC_table_grow, 1, k, 2, true); break;
    case 16: k[0] = reader_u32(r); op_generic(t, OPC_table_size, 1, k, 0, true); break;
    case 17: k[0] = reader_u32(r); op_generic(t, OPC_table_fill, 1, k, 3, false); break;
    default: reader_fail(r, "illegal opcode"); break;
    }
}

/* Records that the code emitted from here on comes from the instruction at the reader. */
static void note_position(struct tr *t)
{
    uint32_t off = reader_offset(&t->r);
    while (t->npos && t->pos[t->npos - 1].word > t->n)
        t->npos--;      /* code truncated by a fused branch */
    if (t->npos && t->pos[t->npos - 1].word == t->n) {
        t->pos[t->npos - 1].offset = off;
        return;
    }
    if (t->npos == t->pos_cap) {
        uint32_t cap = t->pos_cap ? t->pos_cap * 2 : 64;
        struct translate_pos *p = plat_realloc(t->pos, cap * sizeof *p);
        if (!p) {
            t->nomem = true;
            return;
        }
        t->pos = p;
        t->pos_cap = cap;
    }
    t->pos[t->npos++] = (struct translate_pos){ t->n, off };
}

uint32_t translate_offset_of(const struct translate_code *code, uint32_t word)
{
    uint32_t lo = 0, hi = code->position_count;
    while (lo < hi) {   /* first position with .word > word */
        uint32_t mid = lo + (hi - lo) / 2;
        if (code->positions[mid].word <= word)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo ? code->positions[lo - 1].offset : 0;
}

/* One instruction. Returns false at the function's final end or on error. */
static bool translate_op(struct tr *t)
{
    struct reader *r = &t->r;
    note_position(t);
    uint8_t op = reader_u8(r);
    uint32_t k[2];
    uint32_t np, nr;
    if (r->error)
        return false;
    switch (op) {
    case 0x00: emit_op(t, OPC_unreachable); set_unreachable(t); break;
    case 0x01: break;   /* nop */
    case 0x02:
        if (read_blocktype(t, &np, &nr)) {
            materialize_all(t);
            push_ctl(t, CTL_BLOCK, np, nr);
        }
        break;
    case 0x03:
        if (read_blocktype(t, &np, &nr)) {
            materialize_all(t);
            struct ctl *c = push_ctl(t, CTL_LOOP, np, nr);
            if (c)
                c->loop_pc = t->n;
            t->fold_word = -1;
        }
        break;
    case 0x04:
        if (read_blocktype(t, &np, &nr))
            op_if(t, np, nr);
        break;
    case 0x05: op_else(t); break;
    case 0x0b:
        op_end(t);
        return t->nctl > 0;
    case 0x0c: {
        uint32_t depth = reader_u32(r);
        if (r->error || depth >= t->nctl)
            return reader_fail(r, "unknown label");
        emit_br_to(t, depth);
        set_unreachable(t);
        break;
    }
    case 0x0d: {
        uint32_t depth = reader_u32(r);
        if (r->error || depth >= t->nctl)
            return reader_fail(r, "unknown label");
        struct cond c;
        take_cond(t, &c, true);
        if (br_is_simple(t, depth)) {
            uint32_t w = emit_cond_branch(t, &c, true);
            target_word(t, w, depth);
        } else {
            uint32_t w = emit_cond_branch(t, &c, false);
            emit_br_to(t, depth);
            patch_to(t, w, t->n);
            t->fold_word = -1;
        }
        break;
    }
    case 0x0e: op_br_table(t); break;
    case 0x0f: emit_return(t); set_unreachable(t); break;
    case 0x10: op_call(t, reader_u32(r)); break;
    case 0x11:
        k[0] = reader_u32(r);
        k[1] = reader_u32(r);
        op_call_indirect(t, k[0], k[1]);
        break;
    case 0x1a: pop(t); break;
    case 0x1c: {    /* select t*: the type vector */
        uint32_t n = reader_u32(r);
        if (!reader_skip(r, n))
            return false;
    }
        /* fall through */
    case 0x1b: {
        struct vval c = pop(t), b = pop(t), a = pop(t);
        uint32_t cs = need_slot(t, c, t->sp + 2);
        uint32_t bs = need_slot(t, b, t->sp + 1);
        uint32_t as = need_slot(t, a, t->sp);
        uint32_t start = emit_op(t, OPC_select);
        emit(t, home(t, t->sp));
        emit(t, as);
        emit(t, bs);
        emit(t, cs);
        push_home(t);
        set_fold(t, start, OPC_select);
        break;
    }
    case 0x20: {
        uint32_t idx = reader_u32(r);
        if (idx >= t->local_slots)
            return reader_fail(r, "unknown local");
        push(t, (struct vval){ VK_SLOT, idx, 0 });
        break;
    }
    case 0x21:
    case 0x22: {
        uint32_t idx = reader_u32(r);
        if (idx >= t->local_slots)
            return reader_fail(r, "unknown local");
        op_local_set(t, idx, op == 0x22);
        break;
    }
    case 0x23: k[0] = reader_u32(r); op_generic(t, OPC_global_get, 1, k, 0, true); break;
    case 0x24: k[0] = reader_u32(r); op_generic(t, OPC_global_set, 1, k, 1, false); break;
    case 0x25: k[0] = reader_u32(r); op_generic(t, OPC_table_get, 1, k, 1, true); break;
    case 0x26: k[0] = reader_u32(r); op_generic(t, OPC_table_set, 1, k, 2, false); break;
    case 0x28: op_load(t, OPC_i32_load); break;
    case 0x29: op_load(t, OPC_i64_load); break;
    case 0x2a: op_load(t, OPC_i32_load); break;     /* f32.load: same bits */
    case 0x2b: op_load(t, OPC_i64_load); break;     /* f64.load */
    case 0x2c: op_load(t, OPC_i32_load8_s); break;
    case 0x2d: op_load(t, OPC_i32_load8_u); break;
    case 0x2e: op_load(t, OPC_i32_load16_s); break;
    case 0x2f: op_load(t, OPC_i32_load16_u); break;
    case 0x30: op_load(t, OPC_i64_load8_s); break;
    case 0x31: op_load(t, OPC_i64_load8_u); break;
    case 0x32: op_load(t, OPC_i64_load16_s); break;
    case 0x33: op_load(t, OPC_i64_load16_u); break;
    case 0x34: op_load(t, OPC_i64_load32_s); break;
    case 0x35: op_load(t, OPC_i64_load32_u); break;
    case 0x36: op_store(t, OPC_i32_store); break;
    case 0x37: op_store(t, OPC_i64_store); break;
    case 0x38: op_store(t, OPC_i32_store); break;   /* f32.store */
    case 0x39: op_store(t, OPC_i64_store); break;   /* f64.store */
    case 0x3a: op_store(t, OPC_i32_store8); break;
    case 0x3b: op_store(t, OPC_i32_store16); break;
    case 0x3c: op_store(t, OPC_i32_store8); break;  /* i64.store8: low bits */
    case 0x3d: op_store(t, OPC_i32_store16); break;
    case 0x3e: op_store(t, OPC_i32_store); break;   /* i64.store32 */
    case 0x3f: reader_u8(r); op_generic(t, OPC_memory_size, 0, k, 0, true); break;
    case 0x40: reader_u8(r); op_generic(t, OPC_memory_grow, 0, k, 1, true); break;
    case 0x41: push_const(t, (uint32_t)reader_s32(r)); break;
    case 0x42: push_const(t, (uint64_t)reader_s64(r)); break;
    case 0x43: push_const(t, reader_fixed32(r)); break;
    case 0x44: push_const(t, reader_fixed64(r)); break;
    case 0xd0: reader_u8(r); push_const(t, 0); break;   /* ref.null t */
    case 0xd1: op_generic(t, OPC_ref_is_null, 0, k, 1, true); break;
    case 0xd2: k[0] = reader_u32(r); op_generic(t, OPC_ref_func, 1, k, 0, true); break;
    case 0xfc: op_prefix_fc(t); break;
    default:
        if (op >= 0x45 && op <= 0xc4) {
            op_numeric(t, numeric_ops[op]);
            break;
        }
        r->p--;
        return reader_fail(r, "illegal opcode");
    }
    return !r->error && !t->error && !t->nomem;
}

int translate_function(struct wasm_module *m, uint32_t func_index, struct wasm_error *err)
{
    struct module_func *f = &m->funcs[func_index];
    if (f->code)
        return WASM_OK;
    if (f->imported || f->type >= m->type_count)
        return module_error(err, WASM_ERR_INVALID, f->body_off, "not a defined function");
    const struct module_type *ty = &m->types[f->type];
    for (uint32_t i = 0; i < ty->param_count; i++)
        if (ty->params[i] == WASM_V128)
            return module_error(err, WASM_ERR_INVALID, f->body_off, "SIMD is not supported yet");
    for (uint32_t i = 0; i < f->local_run_count; i++)
        if (f->local_runs[i].type == WASM_V128)
            return module_error(err, WASM_ERR_INVALID, f->body_off, "SIMD is not supported yet");

    struct tr t;
    memset(&t, 0, sizeof t);
    t.m = m;
    t.r = (struct reader){ m->bytes, m->bytes + f->code_off, m->bytes + f->body_off + f->body_len,
                           NULL, 0 };
    t.local_slots = ty->param_slots + f->local_count;
    t.nresults = ty->result_slots;
    t.fold_word = -1;
    emit_op(&t, OPC_enter);
    emit(&t, 0);                    /* frame_slots, patched below */
    if (f->local_count > 4) {
        emit_op(&t, OPC_zero);
        emit(&t, ty->param_slots);
        emit(&t, f->local_count);
    } else {
        for (uint32_t i = 0; i < f->local_count; i++)
            emit_const_to(&t, ty->param_slots + i, 0);
    }
    push_ctl(&t, CTL_FUNC, 0, ty->result_slots);
    while (translate_op(&t))
        ;
    int status = WASM_OK;
    if (t.nomem) {
        status = module_error(err, WASM_ERR_NOMEM, f->body_off, "out of memory");
    } else if (t.r.error) {
        status = module_error(err, WASM_ERR_MALFORMED, t.r.error_off, t.r.error);
    } else if (t.error) {
        status = module_error(err, WASM_ERR_INVALID, reader_offset(&t.r), t.error);
    } else if (t.nctl != 0) {
        status = module_error(err, WASM_ERR_MALFORMED, reader_offset(&t.r), "END opcode expected");
    }
    if (status == WASM_OK) {
        struct translate_code *c = plat_calloc(1, sizeof *c);
        if (!c) {
            status = module_error(err, WASM_ERR_NOMEM, f->body_off, "out of memory");
        } else {
            t.code[2] = t.local_slots + t.max_sp + 1;
            c->words = t.code;
            c->word_count = t.n;
            c->frame_slots = t.code[2];
            c->param_slots = ty->param_slots;
            c->local_slots = t.local_slots;
            c->positions = t.pos;
            c->position_count = t.npos;
            t.pos = NULL;
            f->code = c;
            t.code = NULL;
        }
    }
    plat_free(t.code);
    plat_free(t.pos);
    plat_free(t.stack);
    plat_free(t.ctls);
    return status;
}

void translate_free(struct translate_code *code)
{
    if (!code)
        return;
    plat_free(code->words);
    plat_free(code->positions);
    plat_free(code);
}
