/* tests/unit/engine/test_memory.c — linear memories over the POSIX platform (host/platform_posix.c:
 * real reservations) in both bounds modes of engine/wasm.h ("linear memories"):
 *   - reserved memories grow in place (the base never moves) and new pages read as zero;
 *   - guard-page mode reserves WASM_GUARD_RESERVE, runs unchecked loads/stores, and a fault in the
 *     guard region becomes the trap "out of bounds memory access" through host/guard_posix.c, with
 *     the same message and backtrace as the explicit check, for a small and the largest offset;
 *   - after such a trap the exec runs the next call normally, and a grow makes the address valid;
 *   - memory.fill keeps its explicit check in guard mode (traps before writing);
 *   - a module is bound to the mode of its first instance: instantiating it on the other kind of
 *     memory fails (its translated code is shared), and a module without memory binds to none.
 * The module is memory.wat beside this file, as bytes (regenerate with:
 *   wat2wasm tests/unit/engine/memory.wat -o /tmp/t.wasm && xxd -i /tmp/t.wasm). */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "harness.h"
#include "engine/wasm.h"
#include "host/guard_posix.h"

static const unsigned char module_bytes[] = {
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x16, 0x04, 0x60,
  0x01, 0x7f, 0x01, 0x7f, 0x60, 0x01, 0x7f, 0x01, 0x7e, 0x60, 0x02, 0x7f,
  0x7f, 0x00, 0x60, 0x03, 0x7f, 0x7f, 0x7f, 0x00, 0x03, 0x06, 0x05, 0x00,
  0x01, 0x02, 0x00, 0x03, 0x05, 0x04, 0x01, 0x01, 0x01, 0x04, 0x07, 0x2f,
  0x06, 0x03, 0x6d, 0x65, 0x6d, 0x02, 0x00, 0x04, 0x6c, 0x6f, 0x61, 0x64,
  0x00, 0x00, 0x08, 0x6c, 0x6f, 0x61, 0x64, 0x5f, 0x66, 0x61, 0x72, 0x00,
  0x01, 0x05, 0x73, 0x74, 0x6f, 0x72, 0x65, 0x00, 0x02, 0x04, 0x67, 0x72,
  0x6f, 0x77, 0x00, 0x03, 0x04, 0x66, 0x69, 0x6c, 0x6c, 0x00, 0x04, 0x0a,
  0x32, 0x05, 0x07, 0x00, 0x20, 0x00, 0x28, 0x02, 0x00, 0x0b, 0x0b, 0x00,
  0x20, 0x00, 0x29, 0x03, 0xf8, 0xff, 0xff, 0xff, 0x0f, 0x0b, 0x09, 0x00,
  0x20, 0x00, 0x20, 0x01, 0x3a, 0x00, 0x00, 0x0b, 0x06, 0x00, 0x20, 0x00,
  0x40, 0x00, 0x0b, 0x0b, 0x00, 0x20, 0x00, 0x20, 0x01, 0x20, 0x02, 0xfc,
  0x0b, 0x00, 0x0b

};

struct world {
    wasm_module *module;
    wasm_store *store;
    wasm_instance *inst;
    wasm_exec *exec;
    wasm_memory *mem;
};

static bool world_new(struct world *w, bool guard)
{
    memset(w, 0, sizeof *w);
    struct wasm_limits limits = {.guard_pages = guard};
    if (wasm_module_load(module_bytes, sizeof module_bytes, NULL, &w->module, NULL) != WASM_OK)
        return false;
    w->store = wasm_store_new(&limits);
    wasm_linker *l = wasm_linker_new(w->store);
    if (wasm_linker_instantiate(l, w->module, &w->inst, NULL) != WASM_OK)
        return false;
    w->exec = wasm_exec_new(w->store);
    w->mem = wasm_instance_memory(w->inst);
    return w->exec && w->mem;
}

static void world_free(struct world *w)
{
    wasm_store_free(w->store);
    wasm_module_free(w->module);
}

/* calls export `name`; returns the status, result in *out (when OK) */
static int call(struct world *w, const char *name, const uint64_t *args, uint64_t *out)
{
    int rc = guard_exec_call(w->exec, wasm_instance_func(w->inst, name), args);
    if (rc == WASM_OK && out)
        *out = wasm_exec_results(w->exec)[0];
    return rc;
}

static uint32_t trap_offset(struct world *w)
{
    struct wasm_frame_info f[4];
    return wasm_exec_backtrace(w->exec, f, 4) ? f[0].code_offset : 0;
}

static void grow_in_place(bool guard)
{
    struct world w;
    CHECK(world_new(&w, guard));
    uint8_t *base = wasm_memory_data(w.mem);
    uint64_t one[2] = {65535, 0x77}, got = 0;
    CHECK_EQ(call(&w, "store", one, NULL), WASM_OK);
    uint64_t delta = 3;
    CHECK_EQ(call(&w, "grow", &delta, &got), WASM_OK);
    CHECK_EQ(got, 1);
    CHECK(wasm_memory_data(w.mem) == base);   /* reserved: no move */
    CHECK_EQ(wasm_memory_size(w.mem), 4 * 65536);
    CHECK_EQ(base[65535], 0x77);
    CHECK_EQ(base[3 * 65536 + 100], 0);       /* new pages are zero */
    CHECK_EQ(call(&w, "grow", &delta, &got), WASM_OK);
    CHECK_EQ((uint32_t)got, 0xffffffffu);     /* past max 4: -1 */
    world_free(&w);
}

static void test_checked_grows_in_place(void) { grow_in_place(false); }
static void test_guard_grows_in_place(void) { grow_in_place(true); }

/* the same out-of-bounds accesses trap the same way in both modes */
static void test_guard_traps_like_check(void)
{
    struct world c, g;
    CHECK(world_new(&c, false));
    CHECK(world_new(&g, true));
    unsigned long faults0 = guard_fault_count();
    const uint64_t addrs[] = {65536, 65533, 0xffffffffu, 1u << 31};
    for (size_t i = 0; i < sizeof addrs / sizeof addrs[0]; i++) {
        CHECK_EQ(call(&c, "load", &addrs[i], NULL), WASM_TRAP);
        CHECK_EQ(call(&g, "load", &addrs[i], NULL), WASM_TRAP);
        CHECK(!strcmp(wasm_exec_trap_message(g.exec), "out of bounds memory access"));
        CHECK_EQ(wasm_exec_trap(g.exec), WASM_TRAP_MEMORY_OOB);
        CHECK_EQ(trap_offset(&g), trap_offset(&c));
    }
    /* the largest address a load can form: 0xffffffff + 0xfffffff8, 8 bytes */
    uint64_t far = 0xffffffffu;
    CHECK_EQ(call(&c, "load_far", &far, NULL), WASM_TRAP);
    CHECK_EQ(call(&g, "load_far", &far, NULL), WASM_TRAP);
    CHECK_EQ(trap_offset(&g), trap_offset(&c));
    CHECK_EQ(guard_fault_count() - faults0, 5);
    /* a store past the end, then the exec goes on normally */
    uint64_t st[2] = {70000, 1}, got = 0;
    CHECK_EQ(call(&g, "store", st, NULL), WASM_TRAP);
    uint64_t in = 65532;
    CHECK_EQ(call(&g, "load", &in, &got), WASM_OK);
    uint64_t delta = 1;
    CHECK_EQ(call(&g, "grow", &delta, &got), WASM_OK);
    CHECK_EQ(call(&g, "store", st, NULL), WASM_OK);   /* now inside */
    CHECK_EQ(wasm_memory_data(g.mem)[70000], 1);
    /* memory.fill keeps its explicit check: traps without a fault and writes nothing */
    unsigned long faults1 = guard_fault_count();
    uint64_t fill[3] = {131000, 0xaa, 1000};
    CHECK_EQ(call(&g, "fill", fill, NULL), WASM_TRAP);
    CHECK_EQ(guard_fault_count(), faults1);
    CHECK_EQ(wasm_memory_data(g.mem)[131000], 0);
    world_free(&c);
    world_free(&g);
}

static void test_module_binds_one_mode(void)
{
    wasm_module *m;
    CHECK_EQ(wasm_module_load(module_bytes, sizeof module_bytes, NULL, &m, NULL), WASM_OK);
    struct wasm_limits guard = {.guard_pages = true}, check = {0};
    wasm_store *sg = wasm_store_new(&guard), *sc = wasm_store_new(&check);
    wasm_store *sg2 = wasm_store_new(&guard);
    wasm_instance *inst;
    struct wasm_error err = {0};
    CHECK_EQ(wasm_linker_instantiate(wasm_linker_new(sg), m, &inst, &err), WASM_OK);
    CHECK_EQ(wasm_linker_instantiate(wasm_linker_new(sc), m, &inst, &err), WASM_ERR_NOMEM);
    CHECK(strstr(err.message, "guard-page") != NULL);
    CHECK_EQ(wasm_linker_instantiate(wasm_linker_new(sg2), m, &inst, &err), WASM_OK);
    wasm_store_free(sg);
    wasm_store_free(sc);
    wasm_store_free(sg2);
    wasm_module_free(m);
}

static const struct test_case tests[] = {
    {"checked_grows_in_place", test_checked_grows_in_place},
    {"guard_grows_in_place", test_guard_grows_in_place},
    {"guard_traps_like_check", test_guard_traps_like_check},
    {"module_binds_one_mode", test_module_binds_one_mode},
    {NULL, NULL},
};

int main(int argc, char **argv) { return test_main(tests, argc, argv); }
