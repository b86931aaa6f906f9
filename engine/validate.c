/* engine/validate.c — module-level validation (spec 3.4 "Modules") and constant expressions
 * (spec 3.3.10), then every function body through validate_code.c.
 *
 * Order: types (v128 refused), imports, functions, tables, memories, globals (their init
 * expressions), C.refs (the functions that ref.func may name: those in element segments, global
 * initializers and exports), exports (unique names), start, element and data segments, then the
 * bodies. The decoder (engine/decode.c) has already checked the binary format; the comment at the
 * top of engine/module.h splits the work between the two. */
#include "engine/validate.h"
#include "engine/validate_priv.h"
#include "walos/platform.h"

/* ---- errors --------------------------------------------------------------------------------- */

bool validate_fail(struct validate_ctx *v, int code, uint32_t off, const char *rule)
{
    if (v->code || (v->malformed_only && code != WASM_ERR_MALFORMED))
        return false;
    v->code = code;
    if (v->err)
        module_error(v->err, code, off, rule);
    return false;
}

bool validate_fail_index(struct validate_ctx *v, int code, uint32_t off, const char *rule,
                         uint32_t index)
{
    char msg[96];
    size_t n = strlen(rule);
    if (n > sizeof(msg) - 12)
        n = sizeof(msg) - 12;
    memcpy(msg, rule, n);
    msg[n++] = ' ';
    char digits[10];
    int d = 0;
    do {
        digits[d++] = (char)('0' + index % 10);
        index /= 10;
    } while (index);
    while (d)
        msg[n++] = digits[--d];
    msg[n] = 0;
    return validate_fail(v, code, off, msg);
}

bool validate_is_valtype(uint8_t t)
{
    return t == WASM_I32 || t == WASM_I64 || t == WASM_F32 || t == WASM_F64 || t == WASM_V128 ||
           t == WASM_FUNCREF || t == WASM_EXTERNREF;
}

static bool check_valtype(struct validate_ctx *v, uint8_t t, uint32_t off)
{
    if (t == WASM_V128)
        return validate_fail(v, WASM_ERR_INVALID, off, "SIMD (v128) not supported");
    if (!validate_is_valtype(t))
        return validate_fail(v, WASM_ERR_MALFORMED, off, "malformed value type");
    return true;
}

/* ---- limits --------------------------------------------------------------------------------- */

static bool check_limits(struct validate_ctx *v, const struct module_limits *l, uint64_t bound,
                         const char *too_big, uint32_t off)
{
    if (l->min > bound || (l->max != MODULE_NO_MAX && l->max > bound))
        return validate_fail(v, WASM_ERR_INVALID, off, too_big);
    if (l->max != MODULE_NO_MAX && l->min > l->max)
        return validate_fail(v, WASM_ERR_INVALID, off,
                             "size minimum must not be greater than maximum");
    return true;
}

static bool check_memory(struct validate_ctx *v, const struct module_limits *l, uint32_t off)
{
    return check_limits(v, l, MODULE_MAX_PAGES, "memory size must be at most 65536 pages (4GiB)", off);
}

static bool check_table(struct validate_ctx *v, const struct module_table_type *t, uint32_t off)
{
    if (t->elem_type != WASM_FUNCREF && t->elem_type != WASM_EXTERNREF)
        return validate_fail(v, WASM_ERR_MALFORMED, off, "malformed reference type");
    return check_limits(v, &t->limits, 0xffffffffu, "table size must be at most 2^32-1", off);
}

/* ---- constant expressions ------------------------------------------------------------------- */

/* Validates a constant expression that must produce one value of `want` (spec 3.3.10, 2.0: only
 * t.const, ref.null, ref.func and global.get of an imported immutable global). With `collect`, the
 * ref.func indices are added to C.refs instead of being checked against it. */
static bool check_const_expr(struct validate_ctx *v, const struct wasm_const_expr *e, uint8_t want,
                             bool collect)
{
    const struct wasm_module *m = v->m;
    struct reader r = {.base = m->bytes, .p = m->bytes + e->off, .end = m->bytes + e->off + e->len};
    uint8_t stack_type = 0;
    uint32_t depth = 0;
    for (;;) {
        uint32_t off = reader_offset(&r);
        uint8_t op = reader_u8(&r);
        uint8_t t = 0;
        uint32_t x;
        if (r.error)
            return validate_fail(v, WASM_ERR_MALFORMED, r.error_off, "unexpected end");
        if (op == 0x0b) {
            if (depth != 1 || (stack_type != want))
                return validate_fail(v, WASM_ERR_INVALID, off, "type mismatch");
            return true;
        }
        switch (op) {
        case 0x41: reader_s32(&r); t = WASM_I32; break;
        case 0x42: reader_s64(&r); t = WASM_I64; break;
        case 0x43: reader_skip(&r, 4); t = WASM_F32; break;
        case 0x44: reader_skip(&r, 8); t = WASM_F64; break;
        case 0xd0:
            t = reader_u8(&r);
            if (!r.error && t != WASM_FUNCREF && t != WASM_EXTERNREF)
                return validate_fail(v, WASM_ERR_MALFORMED, off, "malformed reference type");
            break;
        case 0xd2:
            x = reader_u32(&r);
            if (r.error)
                break;
            if (x >= m->func_count)
                return validate_fail_index(v, WASM_ERR_INVALID, off, "unknown function", x);
            if (collect)
                v->refs[x >> 3] |= (uint8_t)(1u << (x & 7));
            else if (!validate_ref_declared(v, x))
                return validate_fail(v, WASM_ERR_INVALID, off, "undeclared function reference");
            t = WASM_FUNCREF;
            break;
        case 0x23:
            x = reader_u32(&r);
            if (r.error)
                break;
            if (x >= m->global_import_count)
                return validate_fail_index(v, WASM_ERR_INVALID, off, "unknown global", x);
            if (m->globals[x].type.mutable_)
                return validate_fail(v, WASM_ERR_INVALID, off, "constant expression required");
            t = m->globals[x].type.type;
            break;
        default:
            return validate_fail(v, WASM_ERR_INVALID, off, "constant expression required");
        }
        if (r.error)
            return validate_fail(v, WASM_ERR_MALFORMED, r.error_off, r.error);
        stack_type = t;
        depth++;
    }
}

/* ---- module sections ------------------------------------------------------------------------ */

static bool check_types(struct validate_ctx *v)
{
    const struct wasm_module *m = v->m;
    for (uint32_t i = 0; i < m->type_count; i++) {
        const struct module_type *t = &m->types[i];
        for (uint32_t k = 0; k < t->param_count; k++)
            if (!check_valtype(v, t->params[k], 0))
                return false;
        for (uint32_t k = 0; k < t->result_count; k++)
            if (!check_valtype(v, t->results[k], 0))
                return false;
    }
    return true;
}

static bool check_imports(struct validate_ctx *v)
{
    const struct wasm_module *m = v->m;
    for (uint32_t i = 0; i < m->import_count; i++) {
        const struct module_import *im = &m->imports[i];
        switch (im->kind) {
        case WASM_EXTERN_FUNC:
            if (im->desc.func_type >= m->type_count)
                return validate_fail_index(v, WASM_ERR_INVALID, im->offset, "unknown type",
                                           im->desc.func_type);
            break;
        case WASM_EXTERN_TABLE:
            if (!check_table(v, &im->desc.table, im->offset))
                return false;
            break;
        case WASM_EXTERN_MEMORY:
            if (!check_memory(v, &im->desc.memory, im->offset))
                return false;
            break;
        case WASM_EXTERN_GLOBAL:
            if (!check_valtype(v, im->desc.global.type, im->offset))
                return false;
            break;
        default:
            return validate_fail(v, WASM_ERR_MALFORMED, im->offset, "malformed import kind");
        }
    }
    return true;
}

static bool check_definitions(struct validate_ctx *v)
{
    const struct wasm_module *m = v->m;
    for (uint32_t i = 0; i < m->func_count; i++)
        if (m->funcs[i].type >= m->type_count)
            return validate_fail_index(v, WASM_ERR_INVALID,
                                       m->funcs[i].imported ? 0 : m->funcs[i].body_off,
                                       "unknown type", m->funcs[i].type);
    for (uint32_t i = m->table_import_count; i < m->table_count; i++)
        if (!check_table(v, &m->tables[i], 0))
            return false;
    if (m->memory_count > 1)
        return validate_fail(v, WASM_ERR_INVALID, 0, "multiple memories");
    for (uint32_t i = m->memory_import_count; i < m->memory_count; i++)
        if (!check_memory(v, &m->memories[i], 0))
            return false;
    return true;
}

/* C.refs (spec 3.4.10): function indices in element segments, global initializers and exports. */
static bool collect_refs(struct validate_ctx *v)
{
    const struct wasm_module *m = v->m;
    for (uint32_t i = 0; i < m->elem_count; i++) {
        const struct module_elem *e = &m->elems[i];
        for (uint32_t k = 0; k < e->item_count; k++) {
            if (e->func_indices) {
                uint32_t x = e->func_indices[k];
                if (x >= m->func_count)
                    return validate_fail_index(v, WASM_ERR_INVALID, e->offset, "unknown function", x);
                v->refs[x >> 3] |= (uint8_t)(1u << (x & 7));
            } else if (!check_const_expr(v, &e->exprs[k], e->elem_type, true)) {
                return false;
            }
        }
    }
    for (uint32_t i = m->global_import_count; i < m->global_count; i++) {
        const struct module_global *g = &m->globals[i];
        if (!check_valtype(v, g->type.type, g->init.off) ||
            !check_const_expr(v, &g->init, g->type.type, true))
            return false;
    }
    for (uint32_t i = 0; i < m->export_count; i++) {
        const struct module_export *ex = &m->exports[i];
        if (ex->kind == WASM_EXTERN_FUNC && ex->index < m->func_count)
            v->refs[ex->index >> 3] |= (uint8_t)(1u << (ex->index & 7));
    }
    return true;
}

static uint32_t hash_name(const char *s, uint32_t len)
{
    uint32_t h = 2166136261u;
    for (uint32_t i = 0; i < len; i++)
        h = (h ^ (uint8_t)s[i]) * 16777619u;
    return h;
}

/* Export indices in range, names unique (an open-addressing hash set of export indices). */
static bool check_exports(struct validate_ctx *v)
{
    const struct wasm_module *m = v->m;
    static const char *const unknown[] = {"unknown function", "unknown table", "unknown memory",
                                          "unknown global"};
    for (uint32_t i = 0; i < m->export_count; i++) {
        const struct module_export *ex = &m->exports[i];
        uint32_t limit = ex->kind == WASM_EXTERN_FUNC ? m->func_count
                       : ex->kind == WASM_EXTERN_TABLE ? m->table_count
                       : ex->kind == WASM_EXTERN_MEMORY ? m->memory_count
                       : ex->kind == WASM_EXTERN_GLOBAL ? m->global_count : 0;
        if (ex->kind > WASM_EXTERN_GLOBAL)
            return validate_fail(v, WASM_ERR_MALFORMED, ex->offset, "malformed export kind");
        if (ex->index >= limit)
            return validate_fail_index(v, WASM_ERR_INVALID, ex->offset, unknown[ex->kind], ex->index);
    }
    if (m->export_count < 2)
        return true;
    uint32_t size = 4;
    while (size < m->export_count * 2u)
        size *= 2;
    uint32_t *slots = plat_alloc(size * sizeof(*slots));
    if (!slots)
        return validate_fail(v, WASM_ERR_NOMEM, 0, "out of memory");
    memset(slots, 0xff, size * sizeof(*slots));
    bool ok = true;
    for (uint32_t i = 0; i < m->export_count && ok; i++) {
        const struct module_export *ex = &m->exports[i];
        uint32_t h = hash_name(ex->name, ex->name_len) & (size - 1);
        while (slots[h] != 0xffffffffu) {
            const struct module_export *other = &m->exports[slots[h]];
            if (other->name_len == ex->name_len && !memcmp(other->name, ex->name, ex->name_len)) {
                ok = validate_fail(v, WASM_ERR_INVALID, ex->offset, "duplicate export name");
                break;
            }
            h = (h + 1) & (size - 1);
        }
        slots[h] = i;
    }
    plat_free(slots);
    return ok;
}

static bool check_start(struct validate_ctx *v)
{
    const struct wasm_module *m = v->m;
    if (m->start == MODULE_NO_START)
        return true;
    if (m->start >= m->func_count)
        return validate_fail_index(v, WASM_ERR_INVALID, m->start_offset, "unknown function", m->start);
    const struct module_type *t = module_func_type(m, m->start);
    if (t->param_count || t->result_count)
        return validate_fail(v, WASM_ERR_INVALID, m->start_offset, "start function");
    return true;
}

static bool check_segments(struct validate_ctx *v)
{
    const struct wasm_module *m = v->m;
    for (uint32_t i = 0; i < m->elem_count; i++) {
        const struct module_elem *e = &m->elems[i];
        if (e->elem_type != WASM_FUNCREF && e->elem_type != WASM_EXTERNREF)
            return validate_fail(v, WASM_ERR_MALFORMED, e->offset, "malformed reference type");
        for (uint32_t k = 0; e->exprs && k < e->item_count; k++)
            if (!check_const_expr(v, &e->exprs[k], e->elem_type, false))
                return false;
        if (e->mode != MODULE_SEG_ACTIVE)
            continue;
        if (e->table >= m->table_count)
            return validate_fail_index(v, WASM_ERR_INVALID, e->offset, "unknown table", e->table);
        if (m->tables[e->table].elem_type != e->elem_type)
            return validate_fail(v, WASM_ERR_INVALID, e->offset, "type mismatch");
        if (!check_const_expr(v, &e->offset_expr, WASM_I32, false))
            return false;
    }
    for (uint32_t i = 0; i < m->data_seg_count; i++) {
        const struct module_data *d = &m->datas[i];
        if (d->mode != MODULE_SEG_ACTIVE)
            continue;
        if (d->memory >= m->memory_count)
            return validate_fail_index(v, WASM_ERR_INVALID, d->offset, "unknown memory", d->memory);
        if (!check_const_expr(v, &d->offset_expr, WASM_I32, false))
            return false;
    }
    return true;
}

int validate_module(const struct wasm_module *m, struct wasm_error *err)
{
    struct validate_ctx v = {.m = m, .err = err};
    v.refs = plat_calloc((size_t)m->func_count / 8 + 1, 1);
    if (!v.refs)
        return validate_fail(&v, WASM_ERR_NOMEM, 0, "out of memory"), WASM_ERR_NOMEM;
    if (check_types(&v) && check_imports(&v) && check_definitions(&v) && collect_refs(&v) &&
        check_exports(&v) && check_start(&v) && check_segments(&v)) {
        for (uint32_t i = m->func_import_count; i < m->func_count; i++)
            if (!validate_function(&v, i))
                break;
    }
    /* The spec decodes the whole module before it validates anything, so a malformed body anywhere
     * wins over an invalid construct found earlier: re-scan every body for binary-format errors
     * (validate_fail then ignores everything else; the type stacks run on, unchecked). */
    if (v.code == WASM_ERR_INVALID) {
        v.code = WASM_OK;
        v.malformed_only = true;
        for (uint32_t i = m->func_import_count; i < m->func_count && !v.code; i++)
            validate_function(&v, i);
        if (!v.code)
            v.code = WASM_ERR_INVALID;
    }
    plat_free(v.refs);
    plat_free(v.vals);
    plat_free(v.ctrls);
    plat_free(v.locals);
    return v.code;
}
