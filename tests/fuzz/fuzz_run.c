/* tests/fuzz/fuzz_run.c — libFuzzer target: load, instantiate with stub imports, run the start
 * function and every exported function (arguments zero) under small limits: fuel, memory pages,
 * call depth, value stack. Any outcome is fine (ok, trap, error) except a crash, leak or hang.
 *
 * Stub imports: every function import gets a host function of its own signature that returns zeros;
 * the `spectest` module (globals, table, memory) is defined as the spec tests expect, so the seed
 * corpus (the spec tests' modules) instantiates; other non-function imports stay unresolved. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "engine/wasm.h"

#define FUEL 20000
#define MAX_EXPORT_CALLS 32

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int stub(struct wasm_host_call *call, uint64_t *slots, uint8_t *mem, uint64_t mem_size)
{
    (void)mem; (void)mem_size;
    uint32_t results = (uint32_t)(uintptr_t)call->host_data;
    memset(slots, 0, results * sizeof(*slots));
    return WASM_OK;
}

static char type_letter(uint8_t t)
{
    switch (t) {
    case WASM_I32: return 'i';
    case WASM_I64: return 'I';
    case WASM_F32: return 'f';
    case WASM_F64: return 'F';
    case WASM_EXTERNREF: return 'r';
    case WASM_FUNCREF: return 'R';
    default: return '?';
    }
}

/* "(params)results" in wasm_linker_define_func's notation; false when it does not fit. */
static bool signature(const struct wasm_functype *ft, char *buf, size_t size)
{
    size_t n = 0;
    if (ft->param_count + ft->result_count + 3 > size)
        return false;
    buf[n++] = '(';
    for (uint32_t i = 0; i < ft->param_count; i++)
        buf[n++] = type_letter(ft->params[i]);
    buf[n++] = ')';
    for (uint32_t i = 0; i < ft->result_count; i++)
        buf[n++] = type_letter(ft->results[i]);
    buf[n] = 0;
    return true;
}

static void define_imports(wasm_linker *l, const wasm_module *m)
{
    wasm_linker_define_global(l, "spectest", "global_i32", WASM_I32, false, 666);
    wasm_linker_define_global(l, "spectest", "global_i64", WASM_I64, false, 666);
    wasm_linker_define_global(l, "spectest", "global_f32", WASM_F32, false, 0x4426a666);
    wasm_linker_define_global(l, "spectest", "global_f64", WASM_F64, false, 0x4084d4cccccccccdull);
    wasm_linker_define_table(l, "spectest", "table", WASM_FUNCREF, 10, 20);
    wasm_linker_define_memory(l, "spectest", "memory", 1, 2);
    uint32_t n = wasm_module_import_count(m);
    for (uint32_t i = 0; i < n; i++) {
        struct wasm_import_info info;
        char sig[256];
        wasm_module_import(m, i, &info);
        if (info.kind != WASM_EXTERN_FUNC || !signature(&info.functype, sig, sizeof(sig)))
            continue;
        wasm_linker_define_func(l, info.module, info.name, sig, stub,
                                (void *)(uintptr_t)info.functype.result_count);
    }
}

/* Calls f with zero arguments; returns its final status. */
static int run(wasm_exec *e, wasm_func *f)
{
    static const uint64_t zeros[1024];
    struct wasm_functype ft;
    wasm_func_type(f, &ft);
    if (ft.param_count > 1024)
        return WASM_ERR_ARG;
    wasm_exec_set_fuel(e, FUEL);
    int rc = wasm_exec_call(e, f, zeros);
    for (int i = 0; rc == WASM_YIELD && i < 100; i++)
        rc = wasm_exec_resume(e);
    if (rc != WASM_OK && rc != WASM_TRAP)
        wasm_exec_reset(e);
    return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t *bytes = malloc(size ? size : 1);
    if (!bytes)
        return 0;
    memcpy(bytes, data, size);
    wasm_module *m = NULL;
    if (wasm_module_load(bytes, size, NULL, &m, NULL) != WASM_OK) {
        free(bytes);
        return 0;
    }
    struct wasm_limits limits = {
        .max_memory_pages = 16, .max_table_elems = 10000, .value_stack_slots = 1 << 16,
        .call_depth = 200, .fuel = FUEL,
    };
    wasm_store *s = wasm_store_new(&limits);
    wasm_linker *l = s ? wasm_linker_new(s) : NULL;
    wasm_exec *e = s ? wasm_exec_new(s) : NULL;
    wasm_instance *inst = NULL;
    if (l && e) {
        define_imports(l, m);
        if (wasm_linker_instantiate(l, m, &inst, NULL) == WASM_OK) {
            /* a start function that does not return leaves the instance unusable (spec) */
            wasm_func *start = wasm_instance_start_func(inst);
            uint32_t n = start && run(e, start) != WASM_OK ? 0 : wasm_module_export_count(m);
            uint32_t calls = 0;
            for (uint32_t i = 0; i < n && calls < MAX_EXPORT_CALLS; i++) {
                enum wasm_extern_kind kind;
                const char *name = wasm_module_export(m, i, &kind);
                wasm_func *f = kind == WASM_EXTERN_FUNC ? wasm_instance_func(inst, name) : NULL;
                if (f) {
                    run(e, f);
                    calls++;
                }
            }
        }
    }
    if (s)
        wasm_store_free(s);
    wasm_module_free(m);
    free(bytes);
    return 0;
}
