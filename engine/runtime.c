/* engine/runtime.c — modules, stores, the linker and instantiation (wasm.h), plus the runtime
 * objects' accessors (functions, globals, memories, tables).
 *
 * Instantiation follows spec 4.5.4: resolve and type-check imports (unlinkable), allocate functions,
 * tables, memories and globals (global initialisers see imported globals and every function), then
 * apply active element segments and active data segments in order; the first out-of-bounds one
 * stops instantiation ("uninstantiable", with the trap message), keeping the writes already done to
 * imported tables and memories, as the spec says. Active and declarative element segments and
 * active data segments are dropped afterwards. The start function is left to the embedder.
 * Layers: decode.c and validate.c below wasm_module_load; exec.c runs what this file builds. */
#include <walos/platform.h>

#include "engine/runtime.h"
#include "engine/validate.h"
#include "engine/reader.h"
#include "engine/translate.h"

/* ---- modules ----------------------------------------------------------------------------------- */

int wasm_module_load(const uint8_t *bytes, size_t len, const struct wasm_load_options *opts,
                     wasm_module **out, struct wasm_error *err)
{
    *out = NULL;
    struct wasm_module *m;
    int st = module_decode(bytes, len, opts ? opts->keep_names : true, &m, err);
    if (st != WASM_OK)
        return st;
    st = validate_module(m, err);
    if (st != WASM_OK) {
        module_free(m);
        return st;
    }
    *out = m;
    return WASM_OK;
}

void wasm_module_free(wasm_module *m)
{
    module_free(m);
}

uint32_t wasm_module_import_count(const wasm_module *m)
{
    return m->import_count;
}

static void functype_of(const struct module_type *t, struct wasm_functype *out)
{
    out->param_count = t->param_count;
    out->result_count = t->result_count;
    out->params = t->params;
    out->results = t->results;
}

void wasm_module_import(const wasm_module *m, uint32_t index, struct wasm_import_info *out)
{
    memset(out, 0, sizeof *out);
    if (index >= m->import_count)
        return;
    const struct module_import *im = &m->imports[index];
    out->module = im->module;
    out->name = im->name;
    out->kind = (enum wasm_extern_kind)im->kind;
    if (im->kind == WASM_EXTERN_FUNC && im->desc.func_type < m->type_count)
        functype_of(&m->types[im->desc.func_type], &out->functype);
}

uint32_t wasm_module_export_count(const wasm_module *m)
{
    return m->export_count;
}

const char *wasm_module_export(const wasm_module *m, uint32_t index, enum wasm_extern_kind *kind_out)
{
    if (index >= m->export_count)
        return NULL;
    if (kind_out)
        *kind_out = (enum wasm_extern_kind)m->exports[index].kind;
    return m->exports[index].name;
}

/* ---- stores ------------------------------------------------------------------------------------ */

wasm_store *wasm_store_new(const struct wasm_limits *limits)
{
    struct wasm_store *s = plat_calloc(1, sizeof *s);
    if (!s)
        return NULL;
    if (limits)
        s->limits = *limits;
    if (!s->limits.max_memory_pages || s->limits.max_memory_pages > MODULE_MAX_PAGES)
        s->limits.max_memory_pages = MODULE_MAX_PAGES;
    if (!s->limits.max_table_elems)
        s->limits.max_table_elems = 10000000;
    s->empty_memory.max = 0;
    return s;
}

void wasm_store_free(wasm_store *s)
{
    if (!s)
        return;
    struct runtime_object *o = s->objects;
    while (o) {
        struct runtime_object *next = o->next;
        if (o->destroy)
            o->destroy(o);
        plat_free(o);
        o = next;
    }
    for (uint32_t i = 0; i < s->type_count; i++) {
        plat_free(s->types[i].params);
        plat_free(s->types[i].results);
    }
    plat_free(s->types);
    plat_free(s);
}

void wasm_store_set_userdata(wasm_store *s, void *data) { s->userdata = data; }
void *wasm_store_userdata(const wasm_store *s) { return s->userdata; }

void *runtime_object_new(struct wasm_store *s, size_t size, void (*destroy)(struct runtime_object *))
{
    struct runtime_object *o = plat_calloc(1, size);
    if (!o)
        return NULL;
    o->destroy = destroy;
    o->next = s->objects;
    s->objects = o;
    return o;
}

uint32_t runtime_type_intern(struct wasm_store *s, const uint8_t *params, uint32_t param_count,
                             const uint8_t *results, uint32_t result_count)
{
    for (uint32_t i = 0; i < s->type_count; i++) {
        struct runtime_type *t = &s->types[i];
        if (t->param_count == param_count && t->result_count == result_count &&
            memcmp(t->params, params, param_count) == 0 &&
            memcmp(t->results, results, result_count) == 0)
            return i;
    }
    if (s->type_count == s->type_cap) {
        uint32_t cap = s->type_cap ? s->type_cap * 2 : 16;
        struct runtime_type *n = plat_realloc(s->types, cap * sizeof *n);
        if (!n)
            return UINT32_MAX;
        s->types = n;
        s->type_cap = cap;
    }
    struct runtime_type *t = &s->types[s->type_count];
    t->params = plat_alloc(param_count ? param_count : 1);
    t->results = plat_alloc(result_count ? result_count : 1);
    if (!t->params || !t->results) {
        plat_free(t->params);
        plat_free(t->results);
        return UINT32_MAX;
    }
    memcpy(t->params, params, param_count);
    memcpy(t->results, results, result_count);
    t->param_count = param_count;
    t->result_count = result_count;
    return s->type_count++;
}

/* ---- memories, tables, globals ----------------------------------------------------------------- */

static void memory_destroy(struct runtime_object *o)
{
    struct wasm_memory *mem = (struct wasm_memory *)o;
    if (mem->reserved)
        plat_mem_release(mem->data, mem->reserved);
    else
        plat_free(mem->data);
}

/* A memory of min pages that may grow to max (MODULE_NO_MAX: none) within the store's limit.
 * Reserved when the platform can: a guard-page region (WASM_GUARD_RESERVE) in a guard store,
 * otherwise the largest size it may reach; memory.grow then commits in place. Without a
 * reservation the bytes come from plat_alloc and grow by plat_realloc (the base moves). */
static struct wasm_memory *memory_new(struct wasm_store *s, uint32_t min, uint64_t max)
{
    struct wasm_memory *mem = runtime_object_new(s, sizeof *mem, memory_destroy);
    if (!mem)
        return NULL;
    mem->max = max;
    if (min > s->limits.max_memory_pages)
        return NULL;
    uint64_t cap = max != MODULE_NO_MAX && max < s->limits.max_memory_pages
                       ? max : s->limits.max_memory_pages;
    uint64_t commit = (uint64_t)min * MODULE_PAGE_SIZE;
    if (s->limits.guard_pages && (mem->data = plat_mem_reserve(WASM_GUARD_RESERVE, commit))) {
        mem->reserved = WASM_GUARD_RESERVE;
        mem->guard = true;
    } else if (cap && (mem->data = plat_mem_reserve(cap * MODULE_PAGE_SIZE, commit))) {
        mem->reserved = cap * MODULE_PAGE_SIZE;
    } else if (min) {
        mem->data = plat_calloc(min, MODULE_PAGE_SIZE);
        if (!mem->data)
            return NULL;
    }
    mem->pages = min;
    mem->size = commit;
    return mem;
}

int64_t runtime_memory_grow(struct wasm_memory *mem, uint32_t delta, uint32_t limit_pages)
{
    uint32_t old = mem->pages;
    if (delta == 0)
        return old;
    uint64_t want = (uint64_t)old + delta;
    uint64_t cap = mem->max != MODULE_NO_MAX && mem->max < limit_pages ? mem->max : limit_pages;
    if (want > cap)
        return -1;
    uint64_t bytes = want * MODULE_PAGE_SIZE;
    if (mem->reserved) {            /* in place: the base never moves */
        uint64_t room = mem->guard ? (uint64_t)MODULE_MAX_PAGES * MODULE_PAGE_SIZE : mem->reserved;
        if (bytes > room || !plat_mem_commit(mem->data, mem->size, bytes))
            return -1;
    } else {
        uint8_t *d = plat_realloc(mem->data, (size_t)bytes);
        if (!d)
            return -1;
        memset(d + mem->size, 0, (size_t)((uint64_t)delta * MODULE_PAGE_SIZE));
        mem->data = d;
    }
    mem->pages = (uint32_t)want;
    mem->size = bytes;
    return old;
}

static void table_destroy(struct runtime_object *o)
{
    plat_free(((struct wasm_table *)o)->elems);
}

static struct wasm_table *table_new(struct wasm_store *s, uint8_t elem_type, uint32_t min,
                                    uint64_t max)
{
    struct wasm_table *t = runtime_object_new(s, sizeof *t, table_destroy);
    if (!t || min > s->limits.max_table_elems)
        return NULL;
    t->elem_type = elem_type;
    t->max = max;
    t->size = min;
    t->elems = plat_calloc(min ? min : 1, sizeof(wasm_ref));
    return t->elems ? t : NULL;
}

int64_t runtime_table_grow(struct wasm_table *t, uint32_t delta, wasm_ref init, uint32_t limit)
{
    uint32_t old = t->size;
    uint64_t want = (uint64_t)old + delta;
    uint64_t cap = t->max != MODULE_NO_MAX && t->max < limit ? t->max : limit;
    if (want > cap)
        return -1;
    if (delta == 0)
        return old;
    wasm_ref *e = plat_realloc(t->elems, (size_t)want * sizeof(wasm_ref));
    if (!e)
        return -1;
    for (uint64_t i = old; i < want; i++)
        e[i] = init;
    t->elems = e;
    t->size = (uint32_t)want;
    return old;
}

static struct wasm_global *global_new(struct wasm_store *s, uint8_t type, bool mutable_,
                                      uint64_t value)
{
    struct wasm_global *g = runtime_object_new(s, sizeof *g, NULL);
    if (!g)
        return NULL;
    g->type = type;
    g->mutable_ = mutable_;
    g->value = value;
    return g;
}

uint64_t wasm_global_get(const wasm_global *g) { return g->value; }
void wasm_global_set(wasm_global *g, uint64_t value) { g->value = value; }
enum wasm_valtype wasm_global_type(const wasm_global *g) { return (enum wasm_valtype)g->type; }
bool wasm_global_mutable(const wasm_global *g) { return g->mutable_; }

uint8_t *wasm_memory_data(wasm_memory *mem) { return mem->data; }
uint64_t wasm_memory_size(const wasm_memory *mem) { return mem->size; }

int64_t wasm_memory_grow(wasm_memory *mem, uint32_t delta_pages)
{
    return runtime_memory_grow(mem, delta_pages, MODULE_MAX_PAGES);
}

uint32_t wasm_table_size(const wasm_table *t) { return t->size; }

int wasm_table_get(const wasm_table *t, uint32_t index, wasm_ref *out)
{
    if (index >= t->size)
        return WASM_ERR_ARG;
    *out = t->elems[index];
    return WASM_OK;
}

void wasm_func_type(const wasm_func *f, struct wasm_functype *out)
{
    out->param_count = f->type->param_count;
    out->result_count = f->type->result_count;
    out->params = f->type->params;
    out->results = f->type->results;
}

/* ---- linker ------------------------------------------------------------------------------------ */

static void linker_destroy(struct runtime_object *o)
{
    struct wasm_linker *l = (struct wasm_linker *)o;
    for (uint32_t i = 0; i < l->count; i++) {
        plat_free(l->entries[i].module);
        plat_free(l->entries[i].name);
    }
    plat_free(l->entries);
}

wasm_linker *wasm_linker_new(wasm_store *s)
{
    struct wasm_linker *l = runtime_object_new(s, sizeof *l, linker_destroy);
    if (l)
        l->store = s;
    return l;
}

static char *str_dup(const char *s)
{
    size_t n = strlen(s);
    char *d = plat_alloc(n + 1);
    if (d)
        memcpy(d, s, n + 1);
    return d;
}

static const struct wasm_extern *linker_find(const struct wasm_linker *l, const char *module,
                                             const char *name)
{
    for (uint32_t i = 0; i < l->count; i++)
        if (strcmp(l->entries[i].module, module) == 0 && strcmp(l->entries[i].name, name) == 0)
            return &l->entries[i].ext;
    return NULL;
}

static int linker_add(struct wasm_linker *l, const char *module, const char *name,
                      struct wasm_extern ext)
{
    for (uint32_t i = 0; i < l->count; i++) {
        if (strcmp(l->entries[i].module, module) == 0 && strcmp(l->entries[i].name, name) == 0) {
            l->entries[i].ext = ext;
            return WASM_OK;
        }
    }
    if (l->count == l->cap) {
        uint32_t cap = l->cap ? l->cap * 2 : 32;
        struct wasm_linker_entry *e = plat_realloc(l->entries, cap * sizeof *e);
        if (!e)
            return WASM_ERR_NOMEM;
        l->entries = e;
        l->cap = cap;
    }
    struct wasm_linker_entry *e = &l->entries[l->count];
    e->module = str_dup(module);
    e->name = str_dup(name);
    if (!e->module || !e->name) {
        plat_free(e->module);
        plat_free(e->name);
        return WASM_ERR_NOMEM;
    }
    e->ext = ext;
    l->count++;
    return WASM_OK;
}

static int sig_type(char c)
{
    switch (c) {
    case 'i': return WASM_I32;
    case 'I': return WASM_I64;
    case 'f': return WASM_F32;
    case 'F': return WASM_F64;
    case 'r': return WASM_EXTERNREF;
    case 'R': return WASM_FUNCREF;
    default: return -1;
    }
}

int wasm_linker_define_func(wasm_linker *l, const char *module, const char *name,
                            const char *signature, wasm_host_fn fn, void *host_data)
{
    uint8_t params[64], results[64];
    uint32_t np = 0, nr = 0;
    const char *p = signature;
    if (!fn || *p++ != '(')
        return WASM_ERR_ARG;
    for (; *p && *p != ')'; p++) {
        int t = sig_type(*p);
        if (t < 0 || np == sizeof params)
            return WASM_ERR_ARG;
        params[np++] = (uint8_t)t;
    }
    if (*p++ != ')')
        return WASM_ERR_ARG;
    for (; *p; p++) {
        int t = sig_type(*p);
        if (t < 0 || nr == sizeof results)
            return WASM_ERR_ARG;
        results[nr++] = (uint8_t)t;
    }
    struct wasm_store *s = l->store;
    uint32_t id = runtime_type_intern(s, params, np, results, nr);
    if (id == UINT32_MAX)
        return WASM_ERR_NOMEM;
    struct wasm_func *f = runtime_object_new(s, sizeof *f, NULL);
    if (!f)
        return WASM_ERR_NOMEM;
    f->kind = RUNTIME_FUNC_HOST;
    f->type_id = id;
    f->type = &s->types[id];
    f->param_slots = np;
    f->result_slots = nr;
    f->host_fn = fn;
    f->host_data = host_data;
    f->index = UINT32_MAX;
    return linker_add(l, module, name, (struct wasm_extern){ WASM_EXTERN_FUNC, { .func = f } });
}

int wasm_linker_define_global(wasm_linker *l, const char *module, const char *name,
                              enum wasm_valtype type, bool mutable_, uint64_t value)
{
    struct wasm_global *g = global_new(l->store, (uint8_t)type, mutable_, value);
    if (!g)
        return WASM_ERR_NOMEM;
    struct wasm_extern e = { WASM_EXTERN_GLOBAL, { .global = g } };
    return linker_add(l, module, name, e);
}

int wasm_linker_define_table(wasm_linker *l, const char *module, const char *name,
                             enum wasm_valtype elem_type, uint32_t min, uint32_t max_or_ffffffff)
{
    uint64_t max = max_or_ffffffff == 0xffffffffu ? MODULE_NO_MAX : max_or_ffffffff;
    struct wasm_table *t = table_new(l->store, (uint8_t)elem_type, min, max);
    if (!t)
        return WASM_ERR_NOMEM;
    struct wasm_extern e = { WASM_EXTERN_TABLE, { .table = t } };
    return linker_add(l, module, name, e);
}

int wasm_linker_define_memory(wasm_linker *l, const char *module, const char *name,
                              uint32_t min_pages, uint32_t max_pages_or_ffffffff)
{
    uint64_t max = max_pages_or_ffffffff == 0xffffffffu ? MODULE_NO_MAX : max_pages_or_ffffffff;
    struct wasm_memory *m = memory_new(l->store, min_pages, max);
    if (!m)
        return WASM_ERR_NOMEM;
    struct wasm_extern e = { WASM_EXTERN_MEMORY, { .memory = m } };
    return linker_add(l, module, name, e);
}

int wasm_linker_define_instance(wasm_linker *l, const char *module, wasm_instance *inst)
{
    const struct wasm_module *m = inst->module;
    for (uint32_t i = 0; i < m->export_count; i++) {
        struct wasm_extern e;
        if (wasm_instance_export(inst, m->exports[i].name, &e) != WASM_OK)
            continue;
        int st = linker_add(l, module, m->exports[i].name, e);
        if (st != WASM_OK)
            return st;
    }
    return WASM_OK;
}

/* ---- instantiation ----------------------------------------------------------------------------- */

static void instance_destroy(struct runtime_object *o)
{
    struct wasm_instance *inst = (struct wasm_instance *)o;
    if (inst->elem_refs)
        for (uint32_t i = 0; i < inst->module->elem_count; i++)
            plat_free(inst->elem_refs[i]);
    plat_free(inst->elem_refs);
    plat_free(inst->elem_len);
    plat_free(inst->data_dropped);
    plat_free(inst->funcs);
    plat_free(inst->tables);
    plat_free(inst->memories);
    plat_free(inst->globals);
    plat_free(inst->type_ids);
}

/* Evaluates a constant expression (validated: a small stack machine suffices). */
static uint64_t eval_const(const struct wasm_instance *inst, struct wasm_const_expr e)
{
    const struct wasm_module *m = inst->module;
    struct reader r = { m->bytes, m->bytes + e.off, m->bytes + e.off + e.len, NULL, 0 };
    uint64_t stack[16];
    uint32_t sp = 0;
    while (r.p < r.end && !r.error) {
        uint8_t op = reader_u8(&r);
        uint64_t v = 0, a, b;
        switch (op) {
        case 0x0b: return sp ? stack[sp - 1] : 0;
        case 0x41: v = (uint32_t)reader_s32(&r); break;
        case 0x42: v = (uint64_t)reader_s64(&r); break;
        case 0x43: v = reader_fixed32(&r); break;
        case 0x44: v = reader_fixed64(&r); break;
        case 0xd0: reader_u8(&r); v = 0; break;
        case 0xd2: {
            uint32_t idx = reader_u32(&r);
            v = idx < m->func_count ? (uint64_t)(uintptr_t)inst->funcs[idx] : 0;
            break;
        }
        case 0x23: {
            uint32_t idx = reader_u32(&r);
            v = idx < m->global_count && inst->globals[idx] ? inst->globals[idx]->value : 0;
            break;
        }
        case 0x6a: case 0x6b: case 0x6c: case 0x7c: case 0x7d: case 0x7e:   /* extended-const */
            if (sp < 2)
                return 0;
            b = stack[--sp];
            a = stack[--sp];
            if (op == 0x6a) v = (uint32_t)(a + b);
            else if (op == 0x6b) v = (uint32_t)(a - b);
            else if (op == 0x6c) v = (uint32_t)(a * b);
            else if (op == 0x7c) v = a + b;
            else if (op == 0x7d) v = a - b;
            else v = a * b;
            break;
        default:
            return 0;
        }
        if (sp < 16)
            stack[sp++] = v;
    }
    return sp ? stack[sp - 1] : 0;
}

static int fail_import(struct wasm_error *err, const struct module_import *im, const char *what)
{
    if (err) {
        err->code = WASM_ERR_UNLINKABLE;
        char *o = err->message;
        char *end = err->message + sizeof err->message - 1;
        const char *parts[5] = { what, ": ", im->module, ".", im->name };
        for (int i = 0; i < 5; i++)
            for (const char *p = parts[i]; *p && o < end; p++)
                *o++ = *p;
        *o = 0;
    }
    return WASM_ERR_UNLINKABLE;
}

static bool limits_match(uint64_t actual_min, uint64_t actual_max, const struct module_limits *want)
{
    if (actual_min < want->min)
        return false;
    if (want->max == MODULE_NO_MAX)
        return true;
    return actual_max != MODULE_NO_MAX && actual_max <= want->max;
}

static int set_error(struct wasm_error *err, int code, const char *msg)
{
    if (err) {
        err->code = code;
        size_t n = strlen(msg);
        if (n >= sizeof err->message)
            n = sizeof err->message - 1;
        memcpy(err->message, msg, n);
        err->message[n] = 0;
    }
    return code;
}

static int resolve_imports(struct wasm_linker *l, struct wasm_instance *inst,
                           struct wasm_error *err)
{
    const struct wasm_module *m = inst->module;
    uint32_t nf = 0, nt = 0, nm = 0, ng = 0;
    for (uint32_t i = 0; i < m->import_count; i++) {
        const struct module_import *im = &m->imports[i];
        const struct wasm_extern *e = linker_find(l, im->module, im->name);
        if (!e)
            return fail_import(err, im, "unknown import");
        if (e->kind != im->kind)
            return fail_import(err, im, "incompatible import type");
        switch (im->kind) {
        case WASM_EXTERN_FUNC:
            if (e->of.func->type_id != inst->type_ids[im->desc.func_type])
                return fail_import(err, im, "incompatible import type");
            inst->funcs[nf++] = e->of.func;
            break;
        case WASM_EXTERN_TABLE: {
            struct wasm_table *t = e->of.table;
            if (t->elem_type != im->desc.table.elem_type ||
                !limits_match(t->size, t->max, &im->desc.table.limits))
                return fail_import(err, im, "incompatible import type");
            inst->tables[nt++] = t;
            break;
        }
        case WASM_EXTERN_MEMORY: {
            struct wasm_memory *mem = e->of.memory;
            if (!limits_match(mem->pages, mem->max, &im->desc.memory))
                return fail_import(err, im, "incompatible import type");
            inst->memories[nm++] = mem;
            break;
        }
        case WASM_EXTERN_GLOBAL: {
            struct wasm_global *g = e->of.global;
            if (g->type != im->desc.global.type || g->mutable_ != im->desc.global.mutable_)
                return fail_import(err, im, "incompatible import type");
            inst->globals[ng++] = g;
            break;
        }
        }
    }
    return WASM_OK;
}

static int alloc_definitions(struct wasm_store *s, struct wasm_instance *inst)
{
    struct wasm_module *m = inst->module;
    for (uint32_t i = m->func_import_count; i < m->func_count; i++) {
        struct wasm_func *f = runtime_object_new(s, sizeof *f, NULL);
        if (!f)
            return WASM_ERR_NOMEM;
        const struct module_type *t = module_func_type(m, i);
        f->kind = RUNTIME_FUNC_WASM;
        f->type_id = inst->type_ids[m->funcs[i].type];
        f->type = &s->types[f->type_id];
        f->param_slots = t->param_slots;
        f->result_slots = t->result_slots;
        f->inst = inst;
        f->index = i;
        f->mfunc = &m->funcs[i];
        inst->funcs[i] = f;
    }
    for (uint32_t i = m->table_import_count; i < m->table_count; i++) {
        const struct module_table_type *tt = &m->tables[i];
        inst->tables[i] = table_new(s, tt->elem_type, tt->limits.min, tt->limits.max);
        if (!inst->tables[i])
            return WASM_ERR_NOMEM;
    }
    for (uint32_t i = m->memory_import_count; i < m->memory_count; i++) {
        inst->memories[i] = memory_new(s, m->memories[i].min, m->memories[i].max);
        if (!inst->memories[i])
            return WASM_ERR_NOMEM;
    }
    for (uint32_t i = m->global_import_count; i < m->global_count; i++) {
        const struct module_global *g = &m->globals[i];
        inst->globals[i] = global_new(s, g->type.type, g->type.mutable_, eval_const(inst, g->init));
        if (!inst->globals[i])
            return WASM_ERR_NOMEM;
    }
    inst->mem0 = m->memory_count ? inst->memories[0] : &s->empty_memory;
    return WASM_OK;
}

/* Fixes how m's loads and stores are translated (module.h mem_mode) from the first instance with a
 * memory 0; a later instance must agree, since the translated code is shared. */
static int bind_mem_mode(struct wasm_module *m, const struct wasm_instance *inst,
                         struct wasm_error *err)
{
    if (!m->memory_count)
        return WASM_OK;
    uint8_t mode = inst->mem0->guard ? MODULE_MEM_GUARD : MODULE_MEM_CHECKED;
    if (m->mem_mode == MODULE_MEM_UNSET)
        m->mem_mode = mode;
    if (m->mem_mode != mode)
        return set_error(err, WASM_ERR_NOMEM, mode == MODULE_MEM_GUARD
                         ? "module already runs on explicitly checked memories"
                         : "module already runs on guard-page memories (no reservation now)");
    return WASM_OK;
}

static int eval_elems(struct wasm_instance *inst)
{
    const struct wasm_module *m = inst->module;
    for (uint32_t i = 0; i < m->elem_count; i++) {
        const struct module_elem *e = &m->elems[i];
        wasm_ref *refs = plat_calloc(e->item_count ? e->item_count : 1, sizeof *refs);
        if (!refs)
            return WASM_ERR_NOMEM;
        for (uint32_t k = 0; k < e->item_count; k++) {
            if (e->func_indices)
                refs[k] = e->func_indices[k] < m->func_count
                              ? (wasm_ref)(uintptr_t)inst->funcs[e->func_indices[k]] : 0;
            else
                refs[k] = eval_const(inst, e->exprs[k]);
        }
        inst->elem_refs[i] = refs;
        inst->elem_len[i] = e->mode == MODULE_SEG_PASSIVE ? e->item_count : 0;
    }
    return WASM_OK;
}

/* Active segments: table.init / memory.init then drop (spec 4.5.4 steps 13-14). */
static int apply_segments(struct wasm_instance *inst, struct wasm_error *err)
{
    const struct wasm_module *m = inst->module;
    for (uint32_t i = 0; i < m->elem_count; i++) {
        const struct module_elem *e = &m->elems[i];
        if (e->mode != MODULE_SEG_ACTIVE)
            continue;
        uint64_t off = (uint32_t)eval_const(inst, e->offset_expr);
        struct wasm_table *t = e->table < m->table_count ? inst->tables[e->table] : NULL;
        if (!t || off + e->item_count > t->size)
            return set_error(err, WASM_ERR_UNINSTANTIABLE, "out of bounds table access");
        memcpy(t->elems + off, inst->elem_refs[i], e->item_count * sizeof(wasm_ref));
    }
    for (uint32_t i = 0; i < m->data_seg_count; i++) {
        const struct module_data *d = &m->datas[i];
        if (d->mode != MODULE_SEG_ACTIVE)
            continue;
        uint64_t off = (uint32_t)eval_const(inst, d->offset_expr);
        struct wasm_memory *mem = d->memory < m->memory_count ? inst->memories[d->memory] : NULL;
        if (!mem || off + d->data_len > mem->size)
            return set_error(err, WASM_ERR_UNINSTANTIABLE, "out of bounds memory access");
        if (d->data_len)
            memcpy(mem->data + off, m->bytes + d->data_off, d->data_len);
        inst->data_dropped[i] = true;
    }
    return WASM_OK;
}

int wasm_linker_instantiate(wasm_linker *l, wasm_module *m, wasm_instance **out,
                            struct wasm_error *err)
{
    *out = NULL;
    struct wasm_store *s = l->store;
    struct wasm_instance *inst = runtime_object_new(s, sizeof *inst, instance_destroy);
    if (!inst)
        return set_error(err, WASM_ERR_NOMEM, "out of memory");
    inst->store = s;
    inst->module = m;
    inst->funcs = plat_calloc(m->func_count + 1, sizeof *inst->funcs);
    inst->tables = plat_calloc(m->table_count + 1, sizeof *inst->tables);
    inst->memories = plat_calloc(m->memory_count + 1, sizeof *inst->memories);
    inst->globals = plat_calloc(m->global_count + 1, sizeof *inst->globals);
    inst->type_ids = plat_calloc(m->type_count + 1, sizeof *inst->type_ids);
    inst->elem_refs = plat_calloc(m->elem_count + 1, sizeof *inst->elem_refs);
    inst->elem_len = plat_calloc(m->elem_count + 1, sizeof *inst->elem_len);
    inst->data_dropped = plat_calloc(m->data_seg_count + 1, sizeof *inst->data_dropped);
    if (!inst->funcs || !inst->tables || !inst->memories || !inst->globals || !inst->type_ids ||
        !inst->elem_refs || !inst->elem_len || !inst->data_dropped)
        return set_error(err, WASM_ERR_NOMEM, "out of memory");
    for (uint32_t i = 0; i < m->type_count; i++) {
        const struct module_type *t = &m->types[i];
        inst->type_ids[i] = runtime_type_intern(s, t->params, t->param_count, t->results,
                                                t->result_count);
        if (inst->type_ids[i] == UINT32_MAX)
            return set_error(err, WASM_ERR_NOMEM, "out of memory");
    }
    int st = resolve_imports(l, inst, err);
    if (st != WASM_OK)
        return st;
    st = alloc_definitions(s, inst);
    if (st == WASM_OK)
        st = eval_elems(inst);
    if (st != WASM_OK)
        return set_error(err, st, "out of memory (or a limit reached)");
    st = bind_mem_mode(m, inst, err);
    if (st != WASM_OK)
        return st;
    st = apply_segments(inst, err);
    if (st != WASM_OK)
        return st;
    *out = inst;
    return WASM_OK;
}

/* ---- instances --------------------------------------------------------------------------------- */

int wasm_instance_export(wasm_instance *inst, const char *name, struct wasm_extern *out)
{
    return wasm_instance_export_n(inst, name, strlen(name), out);
}

int wasm_instance_export_n(wasm_instance *inst, const char *name, size_t name_len,
                           struct wasm_extern *out)
{
    const struct wasm_module *m = inst->module;
    for (uint32_t i = 0; i < m->export_count; i++) {
        const struct module_export *e = &m->exports[i];
        if (e->name_len != name_len || memcmp(e->name, name, name_len) != 0)
            continue;
        out->kind = (enum wasm_extern_kind)e->kind;
        switch (e->kind) {
        case WASM_EXTERN_FUNC: out->of.func = inst->funcs[e->index]; break;
        case WASM_EXTERN_TABLE: out->of.table = inst->tables[e->index]; break;
        case WASM_EXTERN_MEMORY: out->of.memory = inst->memories[e->index]; break;
        case WASM_EXTERN_GLOBAL: out->of.global = inst->globals[e->index]; break;
        default: return WASM_ERR_ARG;
        }
        return WASM_OK;
    }
    return WASM_ERR_ARG;
}

wasm_func *wasm_instance_func(wasm_instance *inst, const char *name)
{
    struct wasm_extern e;
    if (wasm_instance_export(inst, name, &e) != WASM_OK || e.kind != WASM_EXTERN_FUNC)
        return NULL;
    return e.of.func;
}

wasm_func *wasm_instance_start_func(wasm_instance *inst)
{
    uint32_t s = inst->module->start;
    return s < inst->module->func_count ? inst->funcs[s] : NULL;
}

wasm_memory *wasm_instance_memory(wasm_instance *inst)
{
    return inst->module->memory_count ? inst->memories[0] : NULL;
}

wasm_store *wasm_instance_store(wasm_instance *inst) { return inst->store; }
const wasm_module *wasm_instance_module(wasm_instance *inst) { return inst->module; }
