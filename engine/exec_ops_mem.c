/* engine/exec_ops_mem.c — handlers for memory, globals, tables and references (ops.h
 * EXEC_OPS_MEMORY). Loads and stores are little-endian (memcpy of the host's value: x86-64 and every
 * target we build for are little-endian). Bulk operations check their whole range first and trap
 * before writing anything (spec 4.4.7 and 4.4.6). */
#include "engine/exec_impl.h"

#define EA() ((uint64_t)(uint32_t)S(1) + U(2))

/* each load and store twice: checked, and the guard-page twin (name_g) without the check */
#define LOAD(name, ctype, conv)                          \
    OP(name)                                             \
    {                                                    \
        uint64_t ea = EA();                              \
        MEM_CHECK(ea, sizeof(ctype));                    \
        ctype v;                                         \
        __builtin_memcpy(&v, mem + ea, sizeof v);        \
        S(0) = (uint64_t)(conv)v;                        \
        NEXT(3);                                         \
    }                                                    \
    OP(name##_g)                                         \
    {                                                    \
        ctype v;                                         \
        __builtin_memcpy(&v, mem + EA(), sizeof v);      \
        S(0) = (uint64_t)(conv)v;                        \
        NEXT(3);                                         \
    }

LOAD(i32_load, uint32_t, uint32_t)
LOAD(i64_load, uint64_t, uint64_t)
LOAD(i32_load8_s, int8_t, uint32_t)
LOAD(i32_load8_u, uint8_t, uint32_t)
LOAD(i32_load16_s, int16_t, uint32_t)
LOAD(i32_load16_u, uint16_t, uint32_t)
LOAD(i64_load8_s, int8_t, int64_t)
LOAD(i64_load8_u, uint8_t, uint64_t)
LOAD(i64_load16_s, int16_t, int64_t)
LOAD(i64_load16_u, uint16_t, uint64_t)
LOAD(i64_load32_s, int32_t, int64_t)
LOAD(i64_load32_u, uint32_t, uint64_t)

#define STORE(name, ctype)                               \
    OP(name)                                             \
    {                                                    \
        uint64_t ea = (uint64_t)(uint32_t)S(0) + U(2);   \
        MEM_CHECK(ea, sizeof(ctype));                    \
        ctype v = (ctype)S(1);                           \
        __builtin_memcpy(mem + ea, &v, sizeof v);        \
        NEXT(3);                                         \
    }                                                    \
    OP(name##_g)                                         \
    {                                                    \
        ctype v = (ctype)S(1);                           \
        __builtin_memcpy(mem + (uint64_t)(uint32_t)S(0) + U(2), &v, sizeof v); \
        NEXT(3);                                         \
    }

STORE(i32_store, uint32_t)
STORE(i64_store, uint64_t)
STORE(i32_store8, uint8_t)
STORE(i32_store16, uint16_t)

OP(memory_size)
{
    S(0) = x->inst->mem0->pages;
    NEXT(1);
}

OP(memory_grow)
{
    uint32_t delta = (uint32_t)S(1);
    int64_t old = runtime_memory_grow(x->inst->mem0, delta, x->store->limits.max_memory_pages);
    S(0) = (uint32_t)(int32_t)old;
    RELOAD_MEM();
    NEXT(2);
}

OP(memory_fill)
{
    uint64_t d = (uint32_t)S(0), n = (uint32_t)S(2);
    if (d + n > x->mem_size)
        return exec_trap(ip, fp, x, WASM_TRAP_MEMORY_OOB);
    memset(mem + d, (int)(uint8_t)S(1), n);
    NEXT(3);
}

OP(memory_copy)
{
    uint64_t d = (uint32_t)S(0), s = (uint32_t)S(1), n = (uint32_t)S(2);
    if (d + n > x->mem_size || s + n > x->mem_size)
        return exec_trap(ip, fp, x, WASM_TRAP_MEMORY_OOB);
    memmove(mem + d, mem + s, n);
    NEXT(3);
}

OP(memory_init)
{
    const struct module_data *seg = &x->inst->module->datas[U(0)];
    uint64_t seg_len = x->inst->data_dropped[U(0)] ? 0 : seg->data_len;
    uint64_t d = (uint32_t)S(1), s = (uint32_t)S(2), n = (uint32_t)S(3);
    if (d + n > x->mem_size || s + n > seg_len)
        return exec_trap(ip, fp, x, WASM_TRAP_MEMORY_OOB);
    memcpy(mem + d, x->inst->module->bytes + seg->data_off + s, n);
    NEXT(4);
}

OP(data_drop)
{
    x->inst->data_dropped[U(0)] = true;
    NEXT(1);
}

OP(global_get)
{
    S(0) = x->inst->globals[U(1)]->value;
    NEXT(2);
}

OP(global_set)
{
    x->inst->globals[U(0)]->value = S(1);
    NEXT(2);
}

OP(table_get)
{
    struct wasm_table *t = x->inst->tables[U(1)];
    uint32_t i = (uint32_t)S(2);
    if (i >= t->size)
        return exec_trap(ip, fp, x, WASM_TRAP_TABLE_OOB);
    S(0) = t->elems[i];
    NEXT(3);
}

OP(table_set)
{
    struct wasm_table *t = x->inst->tables[U(0)];
    uint32_t i = (uint32_t)S(1);
    if (i >= t->size)
        return exec_trap(ip, fp, x, WASM_TRAP_TABLE_OOB);
    t->elems[i] = S(2);
    NEXT(3);
}

OP(table_size)
{
    S(0) = x->inst->tables[U(1)]->size;
    NEXT(2);
}

OP(table_grow)
{
    struct wasm_table *t = x->inst->tables[U(1)];
    int64_t old = runtime_table_grow(t, (uint32_t)S(3), S(2), x->store->limits.max_table_elems);
    S(0) = (uint32_t)(int32_t)old;
    NEXT(4);
}

OP(table_fill)
{
    struct wasm_table *t = x->inst->tables[U(0)];
    uint64_t i = (uint32_t)S(1), n = (uint32_t)S(3);
    wasm_ref v = S(2);
    if (i + n > t->size)
        return exec_trap(ip, fp, x, WASM_TRAP_TABLE_OOB);
    for (uint64_t k = 0; k < n; k++)
        t->elems[i + k] = v;
    NEXT(4);
}

OP(table_copy)
{
    struct wasm_table *dt = x->inst->tables[U(0)], *st = x->inst->tables[U(1)];
    uint64_t d = (uint32_t)S(2), s = (uint32_t)S(3), n = (uint32_t)S(4);
    if (d + n > dt->size || s + n > st->size)
        return exec_trap(ip, fp, x, WASM_TRAP_TABLE_OOB);
    memmove(dt->elems + d, st->elems + s, n * sizeof(wasm_ref));
    NEXT(5);
}

OP(table_init)
{
    struct wasm_table *t = x->inst->tables[U(0)];
    uint32_t seg = U(1);
    uint64_t d = (uint32_t)S(2), s = (uint32_t)S(3), n = (uint32_t)S(4);
    if (d + n > t->size || s + n > x->inst->elem_len[seg])
        return exec_trap(ip, fp, x, WASM_TRAP_TABLE_OOB);
    memcpy(t->elems + d, x->inst->elem_refs[seg] + s, n * sizeof(wasm_ref));
    NEXT(5);
}

OP(elem_drop)
{
    x->inst->elem_len[U(0)] = 0;
    NEXT(1);
}

OP(ref_func)
{
    S(0) = (wasm_ref)(uintptr_t)x->inst->funcs[U(1)];
    NEXT(2);
}

OP(ref_is_null)
{
    S(0) = S(1) == 0;
    NEXT(2);
}
