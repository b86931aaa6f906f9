/* engine/validate_code.c — validation of function bodies: the operand-type stack and control stack
 * algorithm of the spec's appendix "Validation Algorithm" (WebAssembly 2.0), streaming over the
 * body's bytes once. validate.c (module level) calls validate_function for each defined function.
 *
 * Stacks: `vals` holds operand types (VALIDATE_UNKNOWN for the bottom type produced by popping an
 * unreachable frame's empty stack), `ctrls` the open blocks; both live in the validate_ctx and are
 * reused across functions. Errors are sticky: the first one is recorded in the ctx and the loop stops
 * after the current instruction, so helpers simply return after recording it.
 *
 * Malformed body bytes (bad opcode, LEB128, reserved bytes) are reported as WASM_ERR_MALFORMED, type
 * errors as WASM_ERR_INVALID, both at the offset of the instruction's opcode (LEB128 errors at the
 * offending byte). */
#include "engine/validate_priv.h"
#include "walos/platform.h"

enum { I32 = WASM_I32, I64 = WASM_I64, F32 = WASM_F32, F64 = WASM_F64, V128 = WASM_V128,
       FUNCREF = WASM_FUNCREF, EXTERNREF = WASM_EXTERNREF, UNKNOWN = VALIDATE_UNKNOWN };

/* Operand types of the numeric opcodes 0x45..0xc4: {first operand, second operand (0: unary),
 * result}. Order is the opcode order of spec 5.4.7. */
static const uint8_t numeric_sig[0xc5 - 0x45][3] = {
    /* 0x45 i32.eqz */
    {I32, 0, I32},
    /* 0x46 i32.eq .. i32.ge_u */
    {I32, I32, I32}, {I32, I32, I32}, {I32, I32, I32}, {I32, I32, I32}, {I32, I32, I32}, {I32, I32, I32},
    {I32, I32, I32}, {I32, I32, I32}, {I32, I32, I32}, {I32, I32, I32},
    /* 0x50 i64.eqz */
    {I64, 0, I32},
    /* 0x51 i64.eq .. i64.ge_u */
    {I64, I64, I32}, {I64, I64, I32}, {I64, I64, I32}, {I64, I64, I32}, {I64, I64, I32}, {I64, I64, I32},
    {I64, I64, I32}, {I64, I64, I32}, {I64, I64, I32}, {I64, I64, I32},
    /* 0x5b f32.eq .. f32.ge */
    {F32, F32, I32}, {F32, F32, I32}, {F32, F32, I32}, {F32, F32, I32}, {F32, F32, I32}, {F32, F32, I32},
    /* 0x61 f64.eq .. f64.ge */
    {F64, F64, I32}, {F64, F64, I32}, {F64, F64, I32}, {F64, F64, I32}, {F64, F64, I32}, {F64, F64, I32},
    /* 0x67 i32.clz ctz popcnt */
    {I32, 0, I32}, {I32, 0, I32}, {I32, 0, I32},
    /* 0x6a i32.add .. i32.rotr */
    {I32, I32, I32}, {I32, I32, I32}, {I32, I32, I32}, {I32, I32, I32}, {I32, I32, I32}, {I32, I32, I32},
    {I32, I32, I32}, {I32, I32, I32}, {I32, I32, I32}, {I32, I32, I32}, {I32, I32, I32}, {I32, I32, I32},
    {I32, I32, I32}, {I32, I32, I32}, {I32, I32, I32},
    /* 0x79 i64.clz ctz popcnt */
    {I64, 0, I64}, {I64, 0, I64}, {I64, 0, I64},
    /* 0x7c i64.add .. i64.rotr */
    {I64, I64, I64}, {I64, I64, I64}, {I64, I64, I64}, {I64, I64, I64}, {I64, I64, I64}, {I64, I64, I64},
    {I64, I64, I64}, {I64, I64, I64}, {I64, I64, I64}, {I64, I64, I64}, {I64, I64, I64}, {I64, I64, I64},
    {I64, I64, I64}, {I64, I64, I64}, {I64, I64, I64},
    /* 0x8b f32.abs .. f32.sqrt */
    {F32, 0, F32}, {F32, 0, F32}, {F32, 0, F32}, {F32, 0, F32}, {F32, 0, F32}, {F32, 0, F32},
    {F32, 0, F32},
    /* 0x92 f32.add .. f32.copysign */
    {F32, F32, F32}, {F32, F32, F32}, {F32, F32, F32}, {F32, F32, F32}, {F32, F32, F32}, {F32, F32, F32},
    {F32, F32, F32},
    /* 0x99 f64.abs .. f64.sqrt */
    {F64, 0, F64}, {F64, 0, F64}, {F64, 0, F64}, {F64, 0, F64}, {F64, 0, F64}, {F64, 0, F64},
    {F64, 0, F64},
    /* 0xa0 f64.add .. f64.copysign */
    {F64, F64, F64}, {F64, F64, F64}, {F64, F64, F64}, {F64, F64, F64}, {F64, F64, F64}, {F64, F64, F64},
    {F64, F64, F64},
    /* 0xa7 i32.wrap_i64 */
    {I64, 0, I32},
    /* 0xa8 i32.trunc_f32_s/u */
    {F32, 0, I32}, {F32, 0, I32},
    /* 0xaa i32.trunc_f64_s/u */
    {F64, 0, I32}, {F64, 0, I32},
    /* 0xac i64.extend_i32_s/u */
    {I32, 0, I64}, {I32, 0, I64},
    /* 0xae i64.trunc_f32_s/u */
    {F32, 0, I64}, {F32, 0, I64},
    /* 0xb0 i64.trunc_f64_s/u */
    {F64, 0, I64}, {F64, 0, I64},
    /* 0xb2 f32.convert_i32_s/u */
    {I32, 0, F32}, {I32, 0, F32},
    /* 0xb4 f32.convert_i64_s/u */
    {I64, 0, F32}, {I64, 0, F32},
    /* 0xb6 f32.demote_f64 */
    {F64, 0, F32},
    /* 0xb7 f64.convert_i32_s/u */
    {I32, 0, F64}, {I32, 0, F64},
    /* 0xb9 f64.convert_i64_s/u */
    {I64, 0, F64}, {I64, 0, F64},
    /* 0xbb f64.promote_f32 */
    {F32, 0, F64},
    /* 0xbc i32.reinterpret_f32 */
    {F32, 0, I32},
    /* 0xbd i64.reinterpret_f64 */
    {F64, 0, I64},
    /* 0xbe f32.reinterpret_i32 */
    {I32, 0, F32},
    /* 0xbf f64.reinterpret_i64 */
    {I64, 0, F64},
    /* 0xc0 i32.extend8_s extend16_s */
    {I32, 0, I32}, {I32, 0, I32},
    /* 0xc2 i64.extend8_s 16_s 32_s */
    {I64, 0, I64}, {I64, 0, I64}, {I64, 0, I64},
};

/* Loads and stores 0x28..0x3e: {natural alignment (log2 bytes), value type, is_store}. */
static const uint8_t memory_op[0x3f - 0x28][3] = {
    {2, I32, 0}, {3, I64, 0}, {2, F32, 0}, {3, F64, 0},     /* 0x28 i32/i64/f32/f64.load */
    {0, I32, 0}, {0, I32, 0}, {1, I32, 0}, {1, I32, 0},     /* 0x2c i32.load8_s/u, load16_s/u */
    {0, I64, 0}, {0, I64, 0}, {1, I64, 0}, {1, I64, 0},     /* 0x30 i64.load8_s/u, load16_s/u */
    {2, I64, 0}, {2, I64, 0},                               /* 0x34 i64.load32_s/u */
    {2, I32, 1}, {3, I64, 1}, {2, F32, 1}, {3, F64, 1},     /* 0x36 i32/i64/f32/f64.store */
    {0, I32, 1}, {1, I32, 1},                               /* 0x3a i32.store8/16 */
    {0, I64, 1}, {1, I64, 1}, {2, I64, 1},                  /* 0x3c i64.store8/16/32 */
};

/* 0xfc 0..7, the non-trapping float-to-int conversions: {operand, result}. */
static const uint8_t trunc_sat_sig[8][2] = {
    {F32, I32}, {F32, I32}, {F64, I32}, {F64, I32}, {F32, I64}, {F32, I64}, {F64, I64}, {F64, I64},
};

/* ---- the operand stack ---------------------------------------------------------------------- */

struct body {
    struct validate_ctx *v;
    struct reader r;
    uint32_t op_off;        /* offset of the current instruction's opcode */
};

static bool type_mismatch(struct body *b)
{
    return validate_fail(b->v, WASM_ERR_INVALID, b->op_off, "type mismatch");
}

static bool grow(void **array, uint32_t *cap, uint32_t need, size_t elem_size)
{
    if (need <= *cap)
        return true;
    uint32_t n = *cap ? *cap : 64;
    while (n < need)
        n *= 2;
    void *p = plat_realloc(*array, (size_t)n * elem_size);
    if (!p)
        return false;
    *array = p;
    *cap = n;
    return true;
}

static void push(struct body *b, uint8_t type)
{
    struct validate_ctx *v = b->v;
    if (v->val_count == v->val_cap &&
        !grow((void **)&v->vals, &v->val_cap, v->val_count + 1, sizeof(*v->vals))) {
        validate_fail(v, WASM_ERR_NOMEM, b->op_off, "out of memory");
        return;
    }
    v->vals[v->val_count++] = type;
}

static uint8_t pop(struct body *b)
{
    struct validate_ctx *v = b->v;
    struct validate_ctrl *c = &v->ctrls[v->ctrl_count - 1];
    if (v->val_count == c->height) {
        if (!c->unreachable)
            type_mismatch(b);
        return UNKNOWN;
    }
    return v->vals[--v->val_count];
}

static uint8_t pop_expect(struct body *b, uint8_t want)
{
    uint8_t got = pop(b);
    if (got != want && got != UNKNOWN && want != UNKNOWN)
        type_mismatch(b);
    return got == UNKNOWN ? want : got;
}

static void pop_types(struct body *b, const uint8_t *types, uint32_t count)
{
    for (uint32_t i = count; i-- > 0;)
        pop_expect(b, types[i]);
}

static void push_types(struct body *b, const uint8_t *types, uint32_t count)
{
    for (uint32_t i = 0; i < count; i++)
        push(b, types[i]);
}

/* Checks that the top of the stack matches `types` without changing it (push_vals(pop_vals(..))
 * of the spec: values below the frame's height count as unknown when it is unreachable). */
static void peek_types(struct body *b, const uint8_t *types, uint32_t count)
{
    struct validate_ctx *v = b->v;
    struct validate_ctrl *c = &v->ctrls[v->ctrl_count - 1];
    for (uint32_t i = 0; i < count; i++) {
        uint32_t depth = count - i;             /* 1 = top */
        if (v->val_count < c->height + depth) {
            if (!c->unreachable)
                type_mismatch(b);
            continue;
        }
        uint8_t got = v->vals[v->val_count - depth];
        if (got != types[i] && got != UNKNOWN)
            type_mismatch(b);
    }
}

static void set_unreachable(struct body *b)
{
    struct validate_ctx *v = b->v;
    struct validate_ctrl *c = &v->ctrls[v->ctrl_count - 1];
    v->val_count = c->height;
    c->unreachable = true;
}

/* ---- the control stack ---------------------------------------------------------------------- */

static const uint8_t *ctrl_results(const struct validate_ctrl *c)
{
    return c->results ? c->results : &c->single;
}

/* label_types: a loop's label takes its params, any other block's its results. */
static const uint8_t *label_types(const struct validate_ctrl *c, uint32_t *count_out)
{
    if (c->opcode == 0x03) {
        *count_out = c->param_count;
        return c->params;
    }
    *count_out = c->result_count;
    return ctrl_results(c);
}

/* Pushes a frame whose params are already on the operand stack (checked by the caller). */
static void push_ctrl(struct body *b, const struct validate_ctrl *frame)
{
    struct validate_ctx *v = b->v;
    if (v->ctrl_count == v->ctrl_cap &&
        !grow((void **)&v->ctrls, &v->ctrl_cap, v->ctrl_count + 1, sizeof(*v->ctrls))) {
        validate_fail(v, WASM_ERR_NOMEM, b->op_off, "out of memory");
        return;
    }
    struct validate_ctrl *c = &v->ctrls[v->ctrl_count++];
    *c = *frame;
    c->height = v->val_count;
    c->unreachable = false;
    push_types(b, frame->params, frame->param_count);
}

/* Pops the innermost frame after checking that exactly its results are on the stack; returns a
 * copy. */
static struct validate_ctrl pop_ctrl(struct body *b)
{
    struct validate_ctx *v = b->v;
    struct validate_ctrl c = v->ctrls[v->ctrl_count - 1];
    const uint8_t *results = c.results ? c.results : &v->ctrls[v->ctrl_count - 1].single;
    pop_types(b, results, c.result_count);
    if (v->val_count != c.height)
        type_mismatch(b);
    v->val_count = c.height;
    v->ctrl_count--;
    return c;
}

/* ---- immediates ----------------------------------------------------------------------------- */

static bool malformed(struct body *b, const char *rule)
{
    return validate_fail(b->v, WASM_ERR_MALFORMED, b->op_off, rule);
}

static uint32_t read_u32(struct body *b) { return reader_u32(&b->r); }

/* A value type byte; v128 is refused for now. */
static uint8_t read_valtype(struct body *b)
{
    uint8_t t = reader_u8(&b->r);
    if (b->r.error)
        return UNKNOWN;
    if (t == V128) {
        validate_fail(b->v, WASM_ERR_INVALID, b->op_off, "SIMD (v128) not supported");
        return UNKNOWN;
    }
    if (!validate_is_valtype(t)) {
        malformed(b, "malformed value type");
        return UNKNOWN;
    }
    return t;
}

static void read_zero_byte(struct body *b)
{
    uint8_t z = reader_u8(&b->r);
    if (!b->r.error && z != 0)
        malformed(b, "zero byte expected");
}

/* Block type (spec 5.4.1): 0x40 empty, a value type, or an s33 type index. Fills frame's types. */
static void read_blocktype(struct body *b, struct validate_ctrl *frame)
{
    const struct wasm_module *m = b->v->m;
    frame->params = NULL;
    frame->results = NULL;
    frame->param_count = 0;
    frame->result_count = 0;
    frame->single = 0;
    if (b->r.p < b->r.end && *b->r.p == 0x40) {
        b->r.p++;
        return;
    }
    if (b->r.p < b->r.end && (*b->r.p & 0xc0) == 0x40) {     /* a one-byte negative s33 */
        frame->single = read_valtype(b);
        frame->result_count = 1;
        return;
    }
    int64_t index = reader_sleb(&b->r, 33);
    if (b->r.error)
        return;
    if (index < 0) {
        malformed(b, "malformed value type");
        return;
    }
    if ((uint64_t)index >= m->type_count) {
        validate_fail_index(b->v, WASM_ERR_INVALID, b->op_off, "unknown type", (uint32_t)index);
        return;
    }
    const struct module_type *t = &m->types[index];
    frame->params = t->params;
    frame->param_count = t->param_count;
    frame->results = t->results;
    frame->result_count = t->result_count;
    if (t->result_count == 1) {     /* keep the single-result convention of ctrl_results() */
        frame->single = t->results[0];
        frame->results = NULL;
    }
}

/* memarg: alignment exponent then offset; `natural` is log2 of the access size. */
static void read_memarg(struct body *b, uint32_t natural)
{
    uint32_t align = read_u32(b);
    reader_u32(&b->r);
    if (b->r.error)
        return;
    if (b->v->m->memory_count == 0) {
        validate_fail_index(b->v, WASM_ERR_INVALID, b->op_off, "unknown memory", 0);
        return;
    }
    if (align > natural)
        validate_fail(b->v, WASM_ERR_INVALID, b->op_off, "alignment must not be larger than natural");
}

static bool need_memory(struct body *b)
{
    if (b->v->m->memory_count > 0)
        return true;
    return validate_fail_index(b->v, WASM_ERR_INVALID, b->op_off, "unknown memory", 0);
}

static const struct module_table_type *read_table(struct body *b)
{
    uint32_t x = read_u32(b);
    if (b->r.error)
        return NULL;
    if (x >= b->v->m->table_count) {
        validate_fail_index(b->v, WASM_ERR_INVALID, b->op_off, "unknown table", x);
        return NULL;
    }
    return &b->v->m->tables[x];
}

/* Without a data count section, memory.init and data.drop are malformed (spec 5.5.16) unless the
 * index is out of range anyway, which wabt and the spec tests report as invalid. */
static void check_data_index(struct body *b, uint32_t x)
{
    const struct wasm_module *m = b->v->m;
    uint32_t count = m->has_data_count ? m->data_count : m->data_seg_count;
    if (!m->has_data_count && x < count)
        malformed(b, "data count section required");
    else if (x >= count)
        validate_fail_index(b->v, WASM_ERR_INVALID, b->op_off, "unknown data segment", x);
}

/* Reads a label index and returns its frame, or NULL after an error. */
static const struct validate_ctrl *read_label(struct body *b)
{
    uint32_t l = read_u32(b);
    if (b->r.error)
        return NULL;
    if (l >= b->v->ctrl_count) {
        validate_fail_index(b->v, WASM_ERR_INVALID, b->op_off, "unknown label", l);
        return NULL;
    }
    return &b->v->ctrls[b->v->ctrl_count - 1 - l];
}

static void call_type(struct body *b, const struct module_type *t)
{
    pop_types(b, t->params, t->param_count);
    push_types(b, t->results, t->result_count);
}

/* ---- instructions --------------------------------------------------------------------------- */

static void op_block(struct body *b, uint8_t opcode)
{
    struct validate_ctrl frame;
    read_blocktype(b, &frame);
    if (b->r.error || b->v->code)
        return;
    frame.opcode = opcode;
    if (opcode == 0x04)
        pop_expect(b, I32);
    pop_types(b, frame.params, frame.param_count);
    push_ctrl(b, &frame);
}

static void op_else(struct body *b)
{
    struct validate_ctx *v = b->v;
    if (v->ctrls[v->ctrl_count - 1].opcode != 0x04) {
        malformed(b, "else without matching if");
        return;
    }
    struct validate_ctrl frame = pop_ctrl(b);
    frame.opcode = 0x05;
    push_ctrl(b, &frame);
}

static void op_end(struct body *b)
{
    struct validate_ctx *v = b->v;
    struct validate_ctrl frame = pop_ctrl(b);
    const uint8_t *results = frame.results ? frame.results : &frame.single;
    /* an if without else has an implicit empty else, which must turn the params into the results */
    if (frame.opcode == 0x04) {
        bool same = frame.param_count == frame.result_count;
        for (uint32_t i = 0; same && i < frame.param_count; i++)
            same = frame.params[i] == results[i];
        if (!same)
            type_mismatch(b);
    }
    if (v->ctrl_count > 0)
        push_types(b, results, frame.result_count);
}

static void op_br_table(struct body *b)
{
    struct validate_ctx *v = b->v;
    uint32_t n = read_u32(b);
    pop_expect(b, I32);
    /* the default label comes last: check every label's arity against the first one, then the
     * default's; all must agree */
    uint32_t arity = 0;
    for (uint32_t i = 0; i <= n && !b->r.error && !v->code; i++) {
        const struct validate_ctrl *c = read_label(b);
        if (!c)
            return;
        uint32_t count;
        const uint8_t *types = label_types(c, &count);
        if (i == 0)
            arity = count;
        else if (count != arity) {
            type_mismatch(b);
            return;
        }
        if (i < n) {
            peek_types(b, types, count);
        } else {
            pop_types(b, types, count);
        }
    }
    set_unreachable(b);
}

static void op_select(struct body *b, bool typed)
{
    uint8_t want = UNKNOWN;
    if (typed) {
        uint32_t n = read_u32(b);
        if (b->r.error)
            return;
        if (n != 1) {
            validate_fail(b->v, WASM_ERR_INVALID, b->op_off, "invalid result arity");
            return;
        }
        want = read_valtype(b);
        if (b->r.error || b->v->code)
            return;
    }
    pop_expect(b, I32);
    uint8_t t1 = pop_expect(b, want);
    uint8_t t2 = pop_expect(b, want);
    if (!typed) {
        bool num1 = t1 == UNKNOWN || t1 == I32 || t1 == I64 || t1 == F32 || t1 == F64;
        bool num2 = t2 == UNKNOWN || t2 == I32 || t2 == I64 || t2 == F32 || t2 == F64;
        if (!num1 || !num2 || (t1 != t2 && t1 != UNKNOWN && t2 != UNKNOWN)) {
            type_mismatch(b);
            return;
        }
        want = t1 == UNKNOWN ? t2 : t1;
    }
    push(b, want);
}

static uint8_t local_type(struct body *b, uint32_t x)
{
    if (x >= b->v->local_count) {
        validate_fail_index(b->v, WASM_ERR_INVALID, b->op_off, "unknown local", x);
        return UNKNOWN;
    }
    return b->v->locals[x];
}

static const struct module_global *read_global(struct body *b)
{
    uint32_t x = read_u32(b);
    if (b->r.error)
        return NULL;
    if (x >= b->v->m->global_count) {
        validate_fail_index(b->v, WASM_ERR_INVALID, b->op_off, "unknown global", x);
        return NULL;
    }
    return &b->v->m->globals[x];
}

/* Reads a function index; NO_FUNC after an error (including a type index out of range, which the
 * malformed-only re-scan may meet). */
#define NO_FUNC 0xffffffffu
static uint32_t read_func(struct body *b)
{
    const struct wasm_module *m = b->v->m;
    uint32_t x = read_u32(b);
    if (b->r.error)
        return NO_FUNC;
    if (x >= m->func_count) {
        validate_fail_index(b->v, WASM_ERR_INVALID, b->op_off, "unknown function", x);
        return NO_FUNC;
    }
    return m->funcs[x].type < m->type_count ? x : NO_FUNC;
}

static void op_call_indirect(struct body *b)
{
    const struct wasm_module *m = b->v->m;
    uint32_t type = read_u32(b);
    const struct module_table_type *table = read_table(b);
    if (!table)
        return;
    if (type >= m->type_count) {
        validate_fail_index(b->v, WASM_ERR_INVALID, b->op_off, "unknown type", type);
        return;
    }
    if (table->elem_type != FUNCREF) {
        type_mismatch(b);
        return;
    }
    pop_expect(b, I32);
    call_type(b, &m->types[type]);
}

/* 0xfc prefix: saturating truncation, bulk memory and table instructions. */
static void op_prefix_fc(struct body *b)
{
    const struct wasm_module *m = b->v->m;
    uint32_t sub = read_u32(b);
    if (b->r.error)
        return;
    if (sub < 8) {
        pop_expect(b, trunc_sat_sig[sub][0]);
        push(b, trunc_sat_sig[sub][1]);
        return;
    }
    const struct module_table_type *t1, *t2;
    uint32_t x;
    switch (sub) {
    case 8:     /* memory.init dataidx 0x00 */
        x = read_u32(b);
        read_zero_byte(b);
        if (b->r.error)
            return;
        if (!m->has_data_count && x < m->data_seg_count) {
            malformed(b, "data count section required");
            return;
        }
        if (!need_memory(b))
            return;
        check_data_index(b, x);
        if (b->v->code)
            return;
        pop_expect(b, I32);
        pop_expect(b, I32);
        pop_expect(b, I32);
        return;
    case 9:     /* data.drop dataidx */
        x = read_u32(b);
        if (!b->r.error)
            check_data_index(b, x);
        return;
    case 10:    /* memory.copy 0x00 0x00 */
        read_zero_byte(b);
        read_zero_byte(b);
        if (b->r.error || !need_memory(b))
            return;
        pop_expect(b, I32);
        pop_expect(b, I32);
        pop_expect(b, I32);
        return;
    case 11:    /* memory.fill 0x00 */
        read_zero_byte(b);
        if (b->r.error || !need_memory(b))
            return;
        pop_expect(b, I32);
        pop_expect(b, I32);
        pop_expect(b, I32);
        return;
    case 12:    /* table.init elemidx tableidx */
        x = read_u32(b);
        t1 = read_table(b);
        if (!t1)
            return;
        if (x >= m->elem_count) {
            validate_fail_index(b->v, WASM_ERR_INVALID, b->op_off, "unknown elem segment", x);
            return;
        }
        if (m->elems[x].elem_type != t1->elem_type) {
            type_mismatch(b);
            return;
        }
        pop_expect(b, I32);
        pop_expect(b, I32);
        pop_expect(b, I32);
        return;
    case 13:    /* elem.drop elemidx */
        x = read_u32(b);
        if (!b->r.error && x >= m->elem_count)
            validate_fail_index(b->v, WASM_ERR_INVALID, b->op_off, "unknown elem segment", x);
        return;
    case 14:    /* table.copy dst src */
        t1 = read_table(b);
        t2 = t1 ? read_table(b) : NULL;
        if (!t2)
            return;
        if (t1->elem_type != t2->elem_type) {
            type_mismatch(b);
            return;
        }
        pop_expect(b, I32);
        pop_expect(b, I32);
        pop_expect(b, I32);
        return;
    case 15:    /* table.grow: [t i32] -> [i32] */
        t1 = read_table(b);
        if (!t1)
            return;
        pop_expect(b, I32);
        pop_expect(b, t1->elem_type);
        push(b, I32);
        return;
    case 16:    /* table.size */
        if (read_table(b))
            push(b, I32);
        return;
    case 17:    /* table.fill: [i32 t i32] -> [] */
        t1 = read_table(b);
        if (!t1)
            return;
        pop_expect(b, I32);
        pop_expect(b, t1->elem_type);
        pop_expect(b, I32);
        return;
    default:
        malformed(b, "illegal opcode");
        return;
    }
}

/* Validates one instruction whose opcode byte has been read. */
static void validate_instruction(struct body *b, uint8_t op)
{
    struct validate_ctx *v = b->v;
    const struct wasm_module *m = v->m;
    const struct validate_ctrl *label;
    const struct module_global *g;
    const uint8_t *types;
    uint32_t count, x;
    uint8_t t;

    if (op >= 0x45 && op <= 0xc4) {
        const uint8_t *sig = numeric_sig[op - 0x45];
        if (sig[1])
            pop_expect(b, sig[1]);
        pop_expect(b, sig[0]);
        push(b, sig[2]);
        return;
    }
    if (op >= 0x28 && op <= 0x3e) {
        const uint8_t *mo = memory_op[op - 0x28];
        read_memarg(b, mo[0]);
        if (b->r.error || v->code)
            return;
        if (mo[2]) {
            pop_expect(b, mo[1]);
            pop_expect(b, I32);
        } else {
            pop_expect(b, I32);
            push(b, mo[1]);
        }
        return;
    }
    switch (op) {
    case 0x00:  /* unreachable */
        set_unreachable(b);
        return;
    case 0x01:  /* nop */
        return;
    case 0x02:  /* block */
    case 0x03:  /* loop */
    case 0x04:  /* if */
        op_block(b, op);
        return;
    case 0x05:
        op_else(b);
        return;
    case 0x0b:
        op_end(b);
        return;
    case 0x0c:  /* br l */
        if (!(label = read_label(b)))
            return;
        types = label_types(label, &count);
        pop_types(b, types, count);
        set_unreachable(b);
        return;
    case 0x0d:  /* br_if l */
        if (!(label = read_label(b)))
            return;
        pop_expect(b, I32);
        types = label_types(label, &count);
        pop_types(b, types, count);
        push_types(b, types, count);
        return;
    case 0x0e:
        op_br_table(b);
        return;
    case 0x0f:  /* return */
        types = label_types(&v->ctrls[0], &count);
        pop_types(b, types, count);
        set_unreachable(b);
        return;
    case 0x10:  /* call f */
        x = read_func(b);
        if (x != NO_FUNC)
            call_type(b, module_func_type(m, x));
        return;
    case 0x11:
        op_call_indirect(b);
        return;
    case 0x1a:  /* drop */
        pop(b);
        return;
    case 0x1b:
    case 0x1c:
        op_select(b, op == 0x1c);
        return;
    case 0x20:  /* local.get */
        x = read_u32(b);
        if (b->r.error || (t = local_type(b, x)) == UNKNOWN)
            return;
        push(b, t);
        return;
    case 0x21:  /* local.set */
        x = read_u32(b);
        if (b->r.error || (t = local_type(b, x)) == UNKNOWN)
            return;
        pop_expect(b, t);
        return;
    case 0x22:  /* local.tee */
        x = read_u32(b);
        if (!b->r.error && (t = local_type(b, x)) != UNKNOWN) {
            pop_expect(b, t);
            push(b, t);
        }
        return;
    case 0x23:  /* global.get */
        if ((g = read_global(b)))
            push(b, g->type.type);
        return;
    case 0x24:  /* global.set */
        if (!(g = read_global(b)))
            return;
        if (!g->type.mutable_) {
            validate_fail(v, WASM_ERR_INVALID, b->op_off, "global is immutable");
            return;
        }
        pop_expect(b, g->type.type);
        return;
    case 0x25: {    /* table.get */
        const struct module_table_type *tt = read_table(b);
        if (!tt)
            return;
        pop_expect(b, I32);
        push(b, tt->elem_type);
        return;
    }
    case 0x26: {    /* table.set */
        const struct module_table_type *tt = read_table(b);
        if (!tt)
            return;
        pop_expect(b, tt->elem_type);
        pop_expect(b, I32);
        return;
    }
    case 0x3f:  /* memory.size 0x00 */
        read_zero_byte(b);
        if (!b->r.error && need_memory(b))
            push(b, I32);
        return;
    case 0x40:  /* memory.grow 0x00 */
        read_zero_byte(b);
        if (!b->r.error && need_memory(b)) {
            pop_expect(b, I32);
            push(b, I32);
        }
        return;
    case 0x41:
        reader_s32(&b->r);
        push(b, I32);
        return;
    case 0x42:
        reader_s64(&b->r);
        push(b, I64);
        return;
    case 0x43:
        reader_skip(&b->r, 4);
        push(b, F32);
        return;
    case 0x44:
        reader_skip(&b->r, 8);
        push(b, F64);
        return;
    case 0xd0:  /* ref.null t */
        t = reader_u8(&b->r);
        if (b->r.error)
            return;
        if (t != FUNCREF && t != EXTERNREF) {
            malformed(b, "malformed reference type");
            return;
        }
        push(b, t);
        return;
    case 0xd1:  /* ref.is_null */
        t = pop(b);
        if (t != UNKNOWN && t != FUNCREF && t != EXTERNREF) {
            type_mismatch(b);
            return;
        }
        push(b, I32);
        return;
    case 0xd2:  /* ref.func x */
        x = read_func(b);
        if (x == NO_FUNC)
            return;
        if (!validate_ref_declared(v, x)) {
            validate_fail(v, WASM_ERR_INVALID, b->op_off, "undeclared function reference");
            return;
        }
        push(b, FUNCREF);
        return;
    case 0xfc:
        op_prefix_fc(b);
        return;
    case 0xfd:
        validate_fail(v, WASM_ERR_INVALID, b->op_off, "SIMD (v128) not supported");
        return;
    default:
        malformed(b, "illegal opcode");
        return;
    }
}

/* Fills v->locals with the function's params and declared locals. */
static bool load_locals(struct validate_ctx *v, const struct module_func *f, const struct module_type *t)
{
    uint64_t total = (uint64_t)t->param_count + f->local_count;
    if (total > MODULE_MAX_LOCALS)
        return validate_fail(v, WASM_ERR_MALFORMED, f->body_off, "too many locals");
    if (!grow((void **)&v->locals, &v->local_cap, (uint32_t)total + 1, 1))
        return validate_fail(v, WASM_ERR_NOMEM, f->body_off, "out of memory");
    uint32_t n = 0;
    for (uint32_t i = 0; i < t->param_count; i++)
        v->locals[n++] = t->params[i];
    for (uint32_t r = 0; r < f->local_run_count; r++) {
        const struct module_local_run *run = &f->local_runs[r];
        if (run->type == V128)
            return validate_fail(v, WASM_ERR_INVALID, f->body_off, "SIMD (v128) not supported");
        if (!validate_is_valtype(run->type))
            return validate_fail(v, WASM_ERR_MALFORMED, f->body_off, "malformed value type");
        if (run->count > total - n)
            return validate_fail(v, WASM_ERR_MALFORMED, f->body_off, "too many locals");
        memset(v->locals + n, run->type, run->count);
        n += run->count;
    }
    v->local_count = n;
    return true;
}

bool validate_function(struct validate_ctx *v, uint32_t func_index)
{
    const struct wasm_module *m = v->m;
    static const struct module_type no_type;    /* for the re-scan of a module with a bad index */
    const struct module_func *f = &m->funcs[func_index];
    const struct module_type *t = f->type < m->type_count ? &m->types[f->type] : &no_type;
    if (!load_locals(v, f, t))
        return false;
    struct body b = {.v = v};
    b.r.base = m->bytes;
    b.r.p = m->bytes + f->code_off;
    b.r.end = m->bytes + f->body_off + f->body_len;
    b.op_off = f->code_off;
    v->val_count = 0;
    v->ctrl_count = 0;
    struct validate_ctrl frame = {.opcode = 0x00, .results = t->results, .result_count = t->result_count};
    if (t->result_count == 1) {
        frame.results = NULL;
        frame.single = t->results[0];
    }
    push_ctrl(&b, &frame);
    while (v->ctrl_count > 0 && !v->code) {
        if (b.r.p >= b.r.end)
            return validate_fail(v, WASM_ERR_MALFORMED, reader_offset(&b.r), "END opcode expected");
        b.op_off = reader_offset(&b.r);
        uint8_t op = *b.r.p++;
        validate_instruction(&b, op);
        if (b.r.error && !v->code) {
            const char *rule = b.r.error;
            if (!strcmp(rule, "unexpected end"))
                rule = "unexpected end of section or function";
            return validate_fail(v, WASM_ERR_MALFORMED, b.r.error_off, rule);
        }
    }
    if (v->code)
        return false;
    if (b.r.p != b.r.end)
        return validate_fail(v, WASM_ERR_MALFORMED, reader_offset(&b.r), "section size mismatch");
    return true;
}
