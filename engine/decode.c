/* engine/decode.c — binary format (spec chapter 5) to struct wasm_module (engine/module.h).
 *
 * One pass over the sections in their required order (grep ORDER SECTION). Only malformed-ness is
 * checked here; validity (index ranges, types, function bodies) is engine/validate.c's job, and the
 * split is written at the top of module.h. Function bodies are not decoded beyond their local
 * declarations: translate.c reads them lazily, on first call. Layer above: wasm_module_load in
 * runtime.c; below: reader.h. */
#include <walos/platform.h>

#include "engine/module.h"
#include "engine/reader.h"
#include "engine/translate.h"

int module_error(struct wasm_error *err, int code, uint32_t off, const char *msg)
{
    if (!err)
        return code;
    err->code = code;
    static const char hex[] = "0123456789abcdef";
    char *o = err->message;
    const char *prefix = "offset 0x";
    while (*prefix)
        *o++ = *prefix++;
    int digits = 1;
    while (digits < 8 && (off >> (4 * digits)))
        digits++;
    for (int i = digits - 1; i >= 0; i--)
        *o++ = hex[(off >> (4 * i)) & 15];
    *o++ = ':';
    *o++ = ' ';
    char *limit = err->message + sizeof err->message - 1;
    while (*msg && o < limit)
        *o++ = *msg++;
    *o = 0;
    return code;
}

/* ---- helpers ---------------------------------------------------------------------------------- */

static void *alloc_array(uint32_t count, size_t size)
{
    return plat_calloc(count ? count : 1, size);
}

static bool utf8_valid(const uint8_t *s, uint32_t len)
{
    uint32_t i = 0;
    while (i < len) {
        uint8_t c = s[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        uint32_t n, cp;
        if ((c & 0xe0) == 0xc0) { n = 1; cp = c & 0x1f; }
        else if ((c & 0xf0) == 0xe0) { n = 2; cp = c & 0x0f; }
        else if ((c & 0xf8) == 0xf0) { n = 3; cp = c & 0x07; }
        else return false;
        if (len - i <= n)
            return false;
        for (uint32_t k = 1; k <= n; k++) {
            if ((s[i + k] & 0xc0) != 0x80)
                return false;
            cp = cp << 6 | (s[i + k] & 0x3f);
        }
        if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000))
            return false;   /* overlong */
        if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            return false;
        i += n + 1;
    }
    return true;
}

/* Reads a name (vec(byte), UTF-8) into a new NUL-terminated string. */
static char *read_name(struct reader *r, uint32_t *len_out, bool *nomem)
{
    uint32_t n = reader_u32(r);
    if (r->error)
        return NULL;
    if ((size_t)(r->end - r->p) < n) {
        reader_fail(r, "length out of bounds");
        return NULL;
    }
    if (!utf8_valid(r->p, n)) {
        reader_fail(r, "malformed UTF-8 encoding");
        return NULL;
    }
    char *s = plat_alloc((size_t)n + 1);
    if (!s) {
        *nomem = true;
        reader_fail(r, "out of memory");
        return NULL;
    }
    memcpy(s, r->p, n);
    s[n] = 0;
    r->p += n;
    if (len_out)
        *len_out = n;
    return s;
}

static uint8_t read_reftype(struct reader *r)
{
    uint8_t t = reader_u8(r);
    if (!r->error && t != WASM_FUNCREF && t != WASM_EXTERNREF) {
        r->p--;
        reader_fail(r, "malformed reference type");
    }
    return t;
}

static bool is_valtype(uint8_t t)
{
    return t == WASM_I32 || t == WASM_I64 || t == WASM_F32 || t == WASM_F64 || t == WASM_V128 ||
           t == WASM_FUNCREF || t == WASM_EXTERNREF;
}

static uint8_t read_valtype(struct reader *r)
{
    uint8_t t = reader_u8(r);
    if (!r->error && !is_valtype(t)) {
        r->p--;
        reader_fail(r, "malformed value type");
    }
    return t;
}

static void read_limits(struct reader *r, struct module_limits *l)
{
    uint8_t flag = reader_u8(r);
    if (r->error)
        return;
    if (flag > 1) {
        r->p--;
        reader_fail(r, "integer too large");
        return;
    }
    l->min = reader_u32(r);
    l->max = flag ? reader_u32(r) : MODULE_NO_MAX;
}

static void read_global_type(struct reader *r, struct module_global_type *g)
{
    g->type = read_valtype(r);
    uint8_t m = reader_u8(r);
    if (!r->error && m > 1) {
        r->p--;
        reader_fail(r, "malformed mutability");
    }
    g->mutable_ = m == 1;
}

/* Is op the first byte of a WebAssembly 2.0 instruction? (Spec 5.4; SIMD's 0xfd included.) */
static bool opcode_known(uint8_t op)
{
    return op <= 0x05 || (op >= 0x0b && op <= 0x11) || (op >= 0x1a && op <= 0x1c) ||
           (op >= 0x20 && op <= 0x26) || (op >= 0x28 && op <= 0xc4) || (op >= 0xd0 && op <= 0xd2) ||
           op == 0xfc || op == 0xfd;
}

/* Skips one constant expression, recording its extent. Knows the constant opcodes and the plain
 * numeric ones (so that the validator can report them); anything else is not a constant
 * expression. Returns false with r->error or *not_const set. */
static bool read_const_expr(struct reader *r, struct wasm_const_expr *e, bool *not_const)
{
    const uint8_t *start = r->p;
    for (;;) {
        uint8_t op = reader_u8(r);
        if (r->error)
            return false;
        switch (op) {
        case 0x0b:  /* end */
            e->off = (uint32_t)(start - r->base);
            e->len = (uint32_t)(r->p - start);
            return true;
        case 0x41: reader_s32(r); break;                /* i32.const */
        case 0x42: reader_s64(r); break;                /* i64.const */
        case 0x43: reader_fixed32(r); break;            /* f32.const */
        case 0x44: reader_fixed64(r); break;            /* f64.const */
        case 0xd0: read_reftype(r); break;              /* ref.null t */
        case 0xd2: reader_u32(r); break;                /* ref.func x */
        case 0x23: reader_u32(r); break;                /* global.get x */
        case 0x20: reader_u32(r); break;                /* local.get x (invalid; validator says so) */
        default:
            if ((op >= 0x45 && op <= 0xc4) || op == 0x1a || op == 0x01 || op == 0x00)
                break;  /* numeric ops, drop, nop, unreachable: no immediates */
            r->p--;
            if (!opcode_known(op))
                return reader_fail(r, "illegal opcode");
            *not_const = true;
            r->error_off = reader_offset(r);
            return false;
        }
        if (r->error)
            return false;
    }
}

/* ---- sections ----------------------------------------------------------------------------- */

struct decoder {
    struct reader r;
    struct wasm_module *m;
    bool nomem;
    bool not_const;
    uint32_t func_decl_count;   /* from the function section */
    uint32_t *func_decl_types;
    bool keep_names;
};

#define FAIL(d, rule) reader_fail(&(d)->r, rule)

/* Reads a vector's length and allocates a zeroed array of that many elements. Every element takes
 * at least one byte, so a length beyond the bytes left is "unexpected end". Returns the array and
 * *n_out, or NULL with the reason recorded (reader error, the failure above, or d->nomem). */
static void *read_vec(struct decoder *d, size_t elem_size, uint32_t *n_out)
{
    struct reader *r = &d->r;
    uint32_t n = reader_u32(r);
    *n_out = 0;
    if (r->error)
        return NULL;
    if (n > (uint32_t)(r->end - r->p)) {
        reader_fail(r, "unexpected end of section or function");
        return NULL;
    }
    void *array = alloc_array(n, elem_size);
    if (!array)
        d->nomem = true;
    *n_out = n;
    return array;
}

static bool types_equal(const struct module_type *a, const struct module_type *b)
{
    return a->param_count == b->param_count && a->result_count == b->result_count &&
           memcmp(a->params, b->params, a->param_count) == 0 &&
           memcmp(a->results, b->results, a->result_count) == 0;
}

static uint32_t slots_of(const uint8_t *types, uint32_t count)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < count; i++)
        n += types[i] == WASM_V128 ? 2 : 1;
    return n;
}

static bool sec_type(struct decoder *d)
{
    struct reader *r = &d->r;
    struct wasm_module *m = d->m;
    uint32_t n;
    m->types = read_vec(d, sizeof *m->types, &n);
    if (!m->types)
        return false;
    for (uint32_t i = 0; i < n; i++) {
        struct module_type *t = &m->types[i];
        uint8_t form = reader_u8(r);
        if (r->error)
            return false;
        if (form != 0x60) {
            r->p--;
            return FAIL(d, "integer representation too long");
        }
        m->type_count = i + 1;
        for (int pass = 0; pass < 2; pass++) {
            uint32_t c = reader_u32(r);
            if (r->error)
                return false;
            if (c > (uint32_t)(r->end - r->p))
                return FAIL(d, "unexpected end");
            uint8_t *v = plat_alloc(c ? c : 1);
            if (!v)
                return d->nomem = true, false;
            if (pass == 0) { t->params = v; t->param_count = c; }
            else { t->results = v; t->result_count = c; }
            for (uint32_t k = 0; k < c; k++)
                v[k] = read_valtype(r);
            if (r->error)
                return false;
        }
        t->param_slots = slots_of(t->params, t->param_count);
        t->result_slots = slots_of(t->results, t->result_count);
        t->canon = i;
        for (uint32_t k = 0; k < i; k++) {
            if (types_equal(&m->types[k], t)) {
                t->canon = m->types[k].canon;
                break;
            }
        }
    }
    return true;
}

static bool sec_import(struct decoder *d)
{
    struct reader *r = &d->r;
    struct wasm_module *m = d->m;
    uint32_t n;
    m->imports = read_vec(d, sizeof *m->imports, &n);
    if (!m->imports)
        return false;
    for (uint32_t i = 0; i < n; i++) {
        struct module_import *im = &m->imports[i];
        im->offset = reader_offset(r);
        m->import_count = i + 1;
        im->module = read_name(r, &im->module_len, &d->nomem);
        if (!im->module)
            return false;
        im->name = read_name(r, &im->name_len, &d->nomem);
        if (!im->name)
            return false;
        im->kind = reader_u8(r);
        if (r->error)
            return false;
        switch (im->kind) {
        case WASM_EXTERN_FUNC:
            im->desc.func_type = reader_u32(r);
            m->func_import_count++;
            break;
        case WASM_EXTERN_TABLE:
            im->desc.table.elem_type = read_reftype(r);
            read_limits(r, &im->desc.table.limits);
            m->table_import_count++;
            break;
        case WASM_EXTERN_MEMORY:
            read_limits(r, &im->desc.memory);
            m->memory_import_count++;
            break;
        case WASM_EXTERN_GLOBAL:
            read_global_type(r, &im->desc.global);
            m->global_import_count++;
            break;
        default:
            r->p--;
            return FAIL(d, "malformed import kind");
        }
        if (r->error)
            return false;
    }
    return true;
}

static bool sec_function(struct decoder *d)
{
    struct reader *r = &d->r;
    uint32_t n;
    d->func_decl_types = read_vec(d, sizeof(uint32_t), &n);
    if (!d->func_decl_types)
        return false;
    d->func_decl_count = n;
    for (uint32_t i = 0; i < n; i++)
        d->func_decl_types[i] = reader_u32(r);
    return !r->error;
}

static bool sec_table(struct decoder *d, struct module_table_type **tables, uint32_t *count)
{
    struct reader *r = &d->r;
    uint32_t n;
    *tables = read_vec(d, sizeof **tables, &n);
    if (!*tables)
        return false;
    *count = n;
    for (uint32_t i = 0; i < n; i++) {
        (*tables)[i].elem_type = read_reftype(r);
        read_limits(r, &(*tables)[i].limits);
    }
    return !r->error;
}

static bool sec_memory(struct decoder *d, struct module_limits **mems, uint32_t *count)
{
    struct reader *r = &d->r;
    uint32_t n;
    *mems = read_vec(d, sizeof **mems, &n);
    if (!*mems)
        return false;
    *count = n;
    for (uint32_t i = 0; i < n; i++)
        read_limits(r, &(*mems)[i]);
    return !r->error;
}

static bool sec_global(struct decoder *d, struct module_global **globals, uint32_t *count)
{
    struct reader *r = &d->r;
    uint32_t n;
    *globals = read_vec(d, sizeof **globals, &n);
    if (!*globals)
        return false;
    *count = n;
    for (uint32_t i = 0; i < n; i++) {
        read_global_type(r, &(*globals)[i].type);
        if (r->error || !read_const_expr(r, &(*globals)[i].init, &d->not_const))
            return false;
    }
    return true;
}

static bool sec_export(struct decoder *d)
{
    struct reader *r = &d->r;
    struct wasm_module *m = d->m;
    uint32_t n;
    m->exports = read_vec(d, sizeof *m->exports, &n);
    if (!m->exports)
        return false;
    for (uint32_t i = 0; i < n; i++) {
        struct module_export *e = &m->exports[i];
        e->offset = reader_offset(r);
        m->export_count = i + 1;
        e->name = read_name(r, &e->name_len, &d->nomem);
        if (!e->name)
            return false;
        e->kind = reader_u8(r);
        if (!r->error && e->kind > WASM_EXTERN_GLOBAL) {
            r->p--;
            return FAIL(d, "malformed export kind");
        }
        e->index = reader_u32(r);
        if (r->error)
            return false;
    }
    return true;
}

static bool read_func_indices(struct decoder *d, struct module_elem *e)
{
    struct reader *r = &d->r;
    uint32_t n;
    e->func_indices = read_vec(d, sizeof(uint32_t), &n);
    if (!e->func_indices)
        return false;
    e->item_count = n;
    for (uint32_t i = 0; i < n; i++)
        e->func_indices[i] = reader_u32(r);
    return !r->error;
}

static bool read_elem_exprs(struct decoder *d, struct module_elem *e)
{
    struct reader *r = &d->r;
    uint32_t n;
    e->exprs = read_vec(d, sizeof *e->exprs, &n);
    if (!e->exprs)
        return false;
    e->item_count = n;
    for (uint32_t i = 0; i < n; i++)
        if (!read_const_expr(r, &e->exprs[i], &d->not_const))
            return false;
    return true;
}

/* Element segments, spec 5.5.12: a flags word (0..7) selects mode, explicit table, and whether
 * items are function indices or expressions. */
static bool sec_element(struct decoder *d)
{
    struct reader *r = &d->r;
    struct wasm_module *m = d->m;
    uint32_t n;
    m->elems = read_vec(d, sizeof *m->elems, &n);
    if (!m->elems)
        return false;
    for (uint32_t i = 0; i < n; i++) {
        struct module_elem *e = &m->elems[i];
        m->elem_count = i + 1;
        e->offset = reader_offset(r);
        uint32_t flags = reader_u32(r);
        if (r->error)
            return false;
        if (flags > 7) {
            r->error_off = e->offset;
            return FAIL(d, "malformed elements segment kind");
        }
        e->elem_type = WASM_FUNCREF;
        if (flags & 1)
            e->mode = (flags & 2) ? MODULE_SEG_DECLARATIVE : MODULE_SEG_PASSIVE;
        else
            e->mode = MODULE_SEG_ACTIVE;
        if (!(flags & 1)) {
            if (flags & 2)
                e->table = reader_u32(r);
            if (r->error || !read_const_expr(r, &e->offset_expr, &d->not_const))
                return false;
        }
        bool exprs = flags & 4;
        if (flags & 3) {    /* explicit elemkind / reftype */
            if (exprs) {
                e->elem_type = read_reftype(r);
            } else {
                uint8_t kind = reader_u8(r);
                if (!r->error && kind != 0) {
                    r->p--;
                    return FAIL(d, "malformed element kind");
                }
            }
            if (r->error)
                return false;
        }
        if (!(exprs ? read_elem_exprs(d, e) : read_func_indices(d, e)))
            return false;
    }
    return true;
}

static bool sec_code(struct decoder *d)
{
    struct reader *r = &d->r;
    struct wasm_module *m = d->m;
    uint32_t n = reader_u32(r);
    if (r->error)
        return false;
    if (n != d->func_decl_count)
        return FAIL(d, "function and code section have inconsistent lengths");
    for (uint32_t i = 0; i < n; i++) {
        struct module_func *f = &m->funcs[m->func_import_count + i];
        uint32_t size = reader_u32(r);
        if (r->error)
            return false;
        if (size > (uint32_t)(r->end - r->p))
            return FAIL(d, "unexpected end of section or function");
        f->body_off = reader_offset(r);
        f->body_len = size;
        struct reader body = { r->base, r->p, r->p + size, NULL, 0 };
        uint32_t runs = reader_u32(&body);
        if (!body.error && runs > size)
            reader_fail(&body, "unexpected end");
        if (body.error) {
            r->error = body.error;
            r->error_off = body.error_off;
            return false;
        }
        f->local_runs = alloc_array(runs, sizeof *f->local_runs);
        if (!f->local_runs)
            return d->nomem = true, false;
        f->local_run_count = runs;
        uint64_t total = 0;
        for (uint32_t k = 0; k < runs; k++) {
            f->local_runs[k].count = reader_u32(&body);
            f->local_runs[k].type = read_valtype(&body);
            total += f->local_runs[k].count;
            if (total > 0xffffffffu || (!body.error && total > MODULE_MAX_LOCALS)) {
                reader_fail(&body, "too many locals");
                break;
            }
        }
        if (body.error) {
            r->error = body.error;
            r->error_off = body.error_off;
            return false;
        }
        if (body.p >= body.end) {
            r->error = "unexpected end of section or function";
            r->error_off = reader_offset(&body);
            return false;
        }
        f->local_count = (uint32_t)total;
        f->code_off = reader_offset(&body);
        r->p += size;
    }
    return true;
}

static bool sec_data(struct decoder *d)
{
    struct reader *r = &d->r;
    struct wasm_module *m = d->m;
    uint32_t n = reader_u32(r);
    if (r->error)
        return false;
    if (m->has_data_count && n != m->data_count)
        return FAIL(d, "data count and data section have inconsistent lengths");
    if (n > (uint32_t)(r->end - r->p))
        return FAIL(d, "unexpected end of section or function");
    m->datas = alloc_array(n, sizeof *m->datas);
    if (!m->datas)
        return d->nomem = true, false;
    for (uint32_t i = 0; i < n; i++) {
        struct module_data *s = &m->datas[i];
        m->data_seg_count = i + 1;
        s->offset = reader_offset(r);
        uint32_t flags = reader_u32(r);
        if (r->error)
            return false;
        if (flags > 2) {
            r->error_off = s->offset;
            return FAIL(d, "malformed data segment kind");
        }
        s->mode = flags == 1 ? MODULE_SEG_PASSIVE : MODULE_SEG_ACTIVE;
        if (flags == 2)
            s->memory = reader_u32(r);
        if (flags != 1 && (r->error || !read_const_expr(r, &s->offset_expr, &d->not_const)))
            return false;
        uint32_t len = reader_u32(r);
        if (r->error)
            return false;
        if (len > (uint32_t)(r->end - r->p))
            return FAIL(d, "unexpected end of section or function");
        s->data_off = reader_offset(r);
        s->data_len = len;
        r->p += len;
    }
    return true;
}

/* The `name` custom section (appendix 7.4.1): only function names are kept. Errors are ignored. */
static void sec_names(struct decoder *d, const uint8_t *p, const uint8_t *end)
{
    struct wasm_module *m = d->m;
    struct reader r = { d->r.base, p, end, NULL, 0 };
    while (r.p < r.end && !r.error) {
        uint8_t id = reader_u8(&r);
        uint32_t size = reader_u32(&r);
        if (r.error || size > (uint32_t)(r.end - r.p))
            return;
        const uint8_t *next = r.p + size;
        if (id == 1 && !m->func_names && m->func_count) {
            m->func_names = plat_calloc(m->func_count, sizeof(char *));
            if (!m->func_names)
                return;
            struct reader s = { r.base, r.p, next, NULL, 0 };
            uint32_t n = reader_u32(&s);
            bool nomem = false;
            for (uint32_t i = 0; i < n && !s.error; i++) {
                uint32_t idx = reader_u32(&s);
                char *name = read_name(&s, NULL, &nomem);
                if (!name)
                    break;
                if (idx < m->func_count && !m->func_names[idx])
                    m->func_names[idx] = name;
                else
                    plat_free(name);
            }
        }
        r.p = next;
    }
}

static bool sec_custom(struct decoder *d)
{
    struct reader *r = &d->r;
    struct wasm_module *m = d->m;
    uint32_t name_len;
    char *name = read_name(r, &name_len, &d->nomem);
    if (!name)
        return false;
    struct module_custom *c = plat_realloc(m->customs, (m->custom_count + 1) * sizeof *c);
    if (!c) {
        plat_free(name);
        return d->nomem = true, false;
    }
    m->customs = c;
    c = &m->customs[m->custom_count++];
    c->name = name;
    c->off = reader_offset(r);
    c->len = (uint32_t)(r->end - r->p);
    if (d->keep_names && strcmp(name, "name") == 0 && name_len == 4)
        sec_names(d, r->p, r->end);
    r->p = r->end;
    return true;
}

/* Builds the function index space once imports and the function section are known. */
static bool make_funcs(struct decoder *d)
{
    struct wasm_module *m = d->m;
    m->func_count = m->func_import_count + d->func_decl_count;
    m->funcs = alloc_array(m->func_count, sizeof *m->funcs);
    if (!m->funcs)
        return d->nomem = true, false;
    uint32_t k = 0;
    for (uint32_t i = 0; i < m->import_count; i++) {
        if (m->imports[i].kind != WASM_EXTERN_FUNC)
            continue;
        m->funcs[k].imported = true;
        m->funcs[k].import = i;
        m->funcs[k].type = m->imports[i].desc.func_type;
        k++;
    }
    for (uint32_t i = 0; i < d->func_decl_count; i++)
        m->funcs[k + i].type = d->func_decl_types[i];
    return true;
}

/* Index spaces of tables, memories and globals: imports then definitions. */
static bool make_spaces(struct decoder *d, struct module_table_type *tables, uint32_t ntables,
                        struct module_limits *mems, uint32_t nmems,
                        struct module_global *globals, uint32_t nglobals)
{
    struct wasm_module *m = d->m;
    m->table_count = m->table_import_count + ntables;
    m->memory_count = m->memory_import_count + nmems;
    m->global_count = m->global_import_count + nglobals;
    m->tables = alloc_array(m->table_count, sizeof *m->tables);
    m->memories = alloc_array(m->memory_count, sizeof *m->memories);
    m->globals = alloc_array(m->global_count, sizeof *m->globals);
    if (!m->tables || !m->memories || !m->globals)
        return d->nomem = true, false;
    uint32_t t = 0, mm = 0, g = 0;
    for (uint32_t i = 0; i < m->import_count; i++) {
        struct module_import *im = &m->imports[i];
        if (im->kind == WASM_EXTERN_TABLE)
            m->tables[t++] = im->desc.table;
        else if (im->kind == WASM_EXTERN_MEMORY)
            m->memories[mm++] = im->desc.memory;
        else if (im->kind == WASM_EXTERN_GLOBAL) {
            m->globals[g].type = im->desc.global;
            m->globals[g].imported = true;
            m->globals[g].import = i;
            g++;
        }
    }
    if (ntables)
        memcpy(m->tables + t, tables, ntables * sizeof *tables);
    if (nmems)
        memcpy(m->memories + mm, mems, nmems * sizeof *mems);
    if (nglobals)
        memcpy(m->globals + g, globals, nglobals * sizeof *globals);
    return true;
}

/* ---- module ------------------------------------------------------------------------------- */

int module_decode(const uint8_t *bytes, size_t len, bool keep_names, struct wasm_module **out,
                  struct wasm_error *err)
{
    *out = NULL;
    if (len > 0xffffffffu)
        return module_error(err, WASM_ERR_MALFORMED, 0, "module too large");
    struct wasm_module *m = plat_calloc(1, sizeof *m);
    if (!m)
        return module_error(err, WASM_ERR_NOMEM, 0, "out of memory");
    m->bytes = bytes;
    m->len = len;
    m->start = MODULE_NO_START;
    struct decoder d = { .r = { bytes, bytes, bytes + len, NULL, 0 }, .m = m,
                         .keep_names = keep_names };
    struct reader *r = &d.r;
    struct module_table_type *tables = NULL;
    struct module_limits *mems = NULL;
    struct module_global *globals = NULL;
    uint32_t ntables = 0, nmems = 0, nglobals = 0;
    bool have_code = false, spaces = false;

    static const uint8_t magic[4] = { 0, 'a', 's', 'm' };
    if (len < 4 || memcmp(bytes, magic, 4) != 0) {
        reader_fail(r, "magic header not detected");
        goto fail;
    }
    r->p += 4;
    if (len < 8) {
        reader_fail(r, "unexpected end");
        goto fail;
    }
    if (reader_fixed32(r) != 1) {
        r->p -= 4;
        reader_fail(r, "unknown binary version");
        goto fail;
    }

    /* ORDER SECTION: type import function table memory global export start element datacount
     * code data; custom anywhere. `rank` maps an id to its position in that order. */
    static const uint8_t rank[13] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 10 };
    int last = 0;
    while (r->p < r->end) {
        uint32_t sec_off = reader_offset(r);
        uint8_t id = reader_u8(r);
        uint32_t size = reader_u32(r);
        if (r->error)
            goto fail;
        if (id > 12) {
            r->p = bytes + sec_off;
            reader_fail(r, "malformed section id");
            goto fail;
        }
        if (size > (uint32_t)(r->end - r->p)) {
            reader_fail(r, "unexpected end of section or function");
            goto fail;
        }
        const uint8_t *sec_end = r->p + size;
        const uint8_t *saved_end = r->end;
        r->end = sec_end;
        if (id != MODULE_SEC_CUSTOM) {
            if (rank[id] <= last) {
                r->p = bytes + sec_off;
                reader_fail(r, "unexpected content after last section");
                goto fail;
            }
            last = rank[id];
            if (!spaces && rank[id] > rank[MODULE_SEC_FUNCTION]) {
                if (!make_funcs(&d))
                    goto fail;
                spaces = true;
            }
        }
        bool ok = true;
        switch (id) {
        case MODULE_SEC_CUSTOM: ok = sec_custom(&d); break;
        case MODULE_SEC_TYPE: ok = sec_type(&d); break;
        case MODULE_SEC_IMPORT: ok = sec_import(&d); break;
        case MODULE_SEC_FUNCTION: ok = sec_function(&d); break;
        case MODULE_SEC_TABLE: ok = sec_table(&d, &tables, &ntables); break;
        case MODULE_SEC_MEMORY: ok = sec_memory(&d, &mems, &nmems); break;
        case MODULE_SEC_GLOBAL: ok = sec_global(&d, &globals, &nglobals); break;
        case MODULE_SEC_EXPORT: ok = sec_export(&d); break;
        case MODULE_SEC_START:
            m->start_offset = reader_offset(r);
            m->start = reader_u32(r);
            ok = !r->error;
            break;
        case MODULE_SEC_ELEMENT: ok = sec_element(&d); break;
        case MODULE_SEC_DATA_COUNT:
            m->data_count = reader_u32(r);
            m->has_data_count = true;
            ok = !r->error;
            break;
        case MODULE_SEC_CODE:
            m->code_section_off = reader_offset(r);
            have_code = true;
            ok = sec_code(&d);
            break;
        case MODULE_SEC_DATA: ok = sec_data(&d); break;
        }
        if (!ok)
            goto fail;
        if (r->p != sec_end) {
            reader_fail(r, "section size mismatch");
            goto fail;
        }
        r->end = saved_end;
    }
    if (!spaces && !make_funcs(&d))
        goto fail;
    if (!have_code && d.func_decl_count) {
        reader_fail(r, "function and code section have inconsistent lengths");
        goto fail;
    }
    if (m->has_data_count && m->data_count != m->data_seg_count) {
        reader_fail(r, "data count and data section have inconsistent lengths");
        goto fail;
    }
    if (!make_spaces(&d, tables, ntables, mems, nmems, globals, nglobals))
        goto fail;
    /* the name section came before the function count was known? decode it again now */
    if (keep_names && !m->func_names) {
        for (uint32_t i = 0; i < m->custom_count; i++)
            if (strcmp(m->customs[i].name, "name") == 0)
                sec_names(&d, bytes + m->customs[i].off,
                          bytes + m->customs[i].off + m->customs[i].len);
    }
    plat_free(tables);
    plat_free(mems);
    plat_free(globals);
    plat_free(d.func_decl_types);
    *out = m;
    return WASM_OK;

fail:
    plat_free(tables);
    plat_free(mems);
    plat_free(globals);
    plat_free(d.func_decl_types);
    module_free(m);
    if (d.nomem)
        return module_error(err, WASM_ERR_NOMEM, 0, "out of memory");
    if (d.not_const)
        return module_error(err, WASM_ERR_INVALID, r->error_off, "constant expression required");
    return module_error(err, WASM_ERR_MALFORMED, r->error_off, r->error ? r->error : "malformed");
}

void module_free(struct wasm_module *m)
{
    if (!m)
        return;
    for (uint32_t i = 0; i < m->type_count; i++) {
        plat_free(m->types[i].params);
        plat_free(m->types[i].results);
    }
    plat_free(m->types);
    for (uint32_t i = 0; i < m->import_count; i++) {
        plat_free(m->imports[i].module);
        plat_free(m->imports[i].name);
    }
    plat_free(m->imports);
    for (uint32_t i = 0; m->funcs && i < m->func_count; i++) {
        plat_free(m->funcs[i].local_runs);
        if (m->funcs[i].code)
            translate_free(m->funcs[i].code);
    }
    plat_free(m->funcs);
    plat_free(m->tables);
    plat_free(m->memories);
    plat_free(m->globals);
    for (uint32_t i = 0; i < m->export_count; i++)
        plat_free(m->exports[i].name);
    plat_free(m->exports);
    for (uint32_t i = 0; i < m->elem_count; i++) {
        plat_free(m->elems[i].func_indices);
        plat_free(m->elems[i].exprs);
    }
    plat_free(m->elems);
    plat_free(m->datas);
    for (uint32_t i = 0; i < m->custom_count; i++)
        plat_free(m->customs[i].name);
    plat_free(m->customs);
    if (m->func_names) {
        for (uint32_t i = 0; i < m->func_count; i++)
            plat_free(m->func_names[i]);
        plat_free(m->func_names);
    }
    plat_free(m->module_name);
    plat_free(m);
}
