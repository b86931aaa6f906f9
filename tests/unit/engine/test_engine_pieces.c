/* tests/unit/engine/test_engine_pieces.c — unit tests of the engine's pieces: LEB128 (reader.h),
 * float helpers (fmath.h), decode errors with their offsets (decode.c), the internal code shape
 * (translate.c: folding, fused branches), and a few whole-engine behaviours (traps, imports). */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "harness.h"
#include "engine/fmath.h"
#include "engine/module.h"
#include "engine/reader.h"
#include "engine/translate.h"
#include "engine/wasm.h"

/* ---- LEB128 ---------------------------------------------------------------------------------- */

static uint64_t leb_u(const uint8_t *b, size_t n, unsigned bits, const char **error)
{
    struct reader r = { b, b, b + n, NULL, 0 };
    uint64_t v = reader_uleb(&r, bits);
    *error = r.error;
    return v;
}

static int64_t leb_s(const uint8_t *b, size_t n, unsigned bits, const char **error)
{
    struct reader r = { b, b, b + n, NULL, 0 };
    int64_t v = reader_sleb(&r, bits);
    *error = r.error;
    return v;
}

static void test_leb128(void)
{
    const char *e;
    CHECK_EQ(leb_u((const uint8_t[]){ 0xe5, 0x8e, 0x26 }, 3, 32, &e), 624485);
    CHECK(e == NULL);
    CHECK_EQ(leb_u((const uint8_t[]){ 0xff, 0xff, 0xff, 0xff, 0x0f }, 5, 32, &e), 0xffffffffu);
    CHECK(e == NULL);
    leb_u((const uint8_t[]){ 0xff, 0xff, 0xff, 0xff, 0x1f }, 5, 32, &e);
    CHECK(e && strcmp(e, "integer too large") == 0);
    leb_u((const uint8_t[]){ 0x80, 0x80, 0x80, 0x80, 0x80, 0x00 }, 6, 32, &e);
    CHECK(e && strcmp(e, "integer representation too long") == 0);
    CHECK_EQ(leb_u((const uint8_t[]){ 0x80, 0x80, 0x80, 0x80, 0x00 }, 5, 32, &e), 0);
    CHECK(e == NULL);   /* padded zero is fine within 5 bytes */
    leb_u((const uint8_t[]){ 0x80 }, 1, 32, &e);
    CHECK(e && strcmp(e, "unexpected end") == 0);
    CHECK_EQ(leb_s((const uint8_t[]){ 0x7f }, 1, 32, &e), -1);
    CHECK_EQ(leb_s((const uint8_t[]){ 0xc0, 0xbb, 0x78 }, 3, 32, &e), -123456);
    CHECK_EQ(leb_s((const uint8_t[]){ 0xff, 0xff, 0xff, 0xff, 0x7f }, 5, 32, &e), -1);
    CHECK(e == NULL);
    leb_s((const uint8_t[]){ 0xff, 0xff, 0xff, 0xff, 0x4f }, 5, 32, &e);
    CHECK(e && strcmp(e, "integer too large") == 0);
    leb_s((const uint8_t[]){ 0x80, 0x80, 0x80, 0x80, 0x70 }, 5, 32, &e);
    CHECK(e && strcmp(e, "integer too large") == 0);
    CHECK_EQ(leb_s((const uint8_t[]){ 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7f },
                   10, 64, &e), INT64_MIN);
    CHECK(e == NULL);
    leb_s((const uint8_t[]){ 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01 }, 10, 64,
          &e);
    CHECK(e && strcmp(e, "integer too large") == 0);
}

/* ---- floats -------------------------------------------------------------------------------- */

static int same_f32(float a, float b) { return fm_bits32(a) == fm_bits32(b); }
static int same_f64(double a, double b) { return fm_bits64(a) == fm_bits64(b); }

static void test_float_rounding(void)
{
    CHECK(same_f64(fm_nearest64(2.5), 2.0));
    CHECK(same_f64(fm_nearest64(3.5), 4.0));
    CHECK(same_f64(fm_nearest64(-0.4), -0.0));
    CHECK(same_f64(fm_nearest64(-2.5), -2.0));
    CHECK(same_f64(fm_nearest64(4503599627370497.0), 4503599627370497.0));
    CHECK(same_f32(fm_nearest32(0.5f), 0.0f));
    CHECK(same_f32(fm_nearest32(-1.5f), -2.0f));
    CHECK(same_f32(fm_nearest32(8388609.0f), 8388609.0f));
    CHECK(same_f64(fm_trunc64(-0.7), -0.0));
    CHECK(same_f64(fm_trunc64(-1.7), -1.0));
    CHECK(same_f64(fm_ceil64(-0.5), -0.0));
    CHECK(same_f64(fm_ceil64(1.2), 2.0));
    CHECK(same_f64(fm_floor64(-0.0), -0.0));
    CHECK(same_f64(fm_floor64(-1.2), -2.0));
    CHECK(same_f32(fm_floor32(0.9f), 0.0f));
    CHECK(same_f32(fm_ceil32(-0.9f), -0.0f));
    CHECK(same_f32(fm_trunc32(1e30f), 1e30f));
    CHECK(isnan(fm_trunc64(NAN)) && isnan(fm_nearest32(NAN)));
    CHECK(isinf(fm_floor64(-INFINITY)) && fm_floor64(-INFINITY) < 0);
    CHECK(same_f64(fm_sqrt64(2.0), sqrt(2.0)));
    CHECK(same_f32(fm_sqrt32(2.0f), sqrtf(2.0f)));
}

static void test_float_min_max(void)
{
    CHECK(same_f64(fm_min64(0.0, -0.0), -0.0));
    CHECK(same_f64(fm_min64(-0.0, 0.0), -0.0));
    CHECK(same_f64(fm_max64(-0.0, 0.0), 0.0));
    CHECK(same_f32(fm_max32(0.0f, -0.0f), 0.0f));
    CHECK(isnan(fm_min64(NAN, 1.0)) && isnan(fm_max32(1.0f, NAN)));
    CHECK(same_f64(fm_min64(-1.0, 2.0), -1.0));
    CHECK(same_f32(fm_max32(-INFINITY, 3.0f), 3.0f));
}

static void test_float_to_int_ranges(void)
{
    CHECK(fm_fits_i32(2147483647.9));
    CHECK(!fm_fits_i32(2147483648.0));
    CHECK(fm_fits_i32(-2147483648.9));
    CHECK(!fm_fits_i32(-2147483649.0));
    CHECK(fm_fits_u32(-0.9));
    CHECK(!fm_fits_u32(-1.0));
    CHECK(!fm_fits_u32(4294967296.0));
    CHECK(fm_fits_i64(-9223372036854775808.0));
    CHECK(!fm_fits_i64(9223372036854775808.0));
    CHECK(!fm_fits_u64(18446744073709551616.0));
    CHECK_EQ(fm_sat_i32(1e10), INT32_MAX);
    CHECK_EQ(fm_sat_i32(-1e10), INT32_MIN);
    CHECK_EQ(fm_sat_i32(NAN), 0);
    CHECK(fm_sat_u32(-5.0) == 0 && fm_sat_u32(1e20) == UINT32_MAX);
    CHECK(fm_sat_u64(1e30) == UINT64_MAX && fm_sat_u64(-1.0) == 0);
    CHECK(fm_sat_i64(-1e30) == INT64_MIN && fm_sat_i64(1e30) == INT64_MAX);
}

/* ---- decode errors ------------------------------------------------------------------------- */

static int load(const uint8_t *b, size_t n, char *msg)
{
    wasm_module *m = NULL;
    struct wasm_error err = { 0, "" };
    int st = wasm_module_load(b, n, NULL, &m, &err);
    if (msg)
        strcpy(msg, st ? err.message : "");
    wasm_module_free(m);
    return st;
}

#define HDR 0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00
#define LOAD_BYTES(msg, ...) \
    load((const uint8_t[]){ __VA_ARGS__ }, sizeof((const uint8_t[]){ __VA_ARGS__ }), msg)

static void test_decode_errors(void)
{
    char msg[256];
    CHECK_EQ(LOAD_BYTES(msg, HDR), WASM_OK);
    CHECK_EQ(LOAD_BYTES(msg, 0, 'a', 's', 'n', 1, 0, 0, 0), WASM_ERR_MALFORMED);
    CHECK(strcmp(msg, "offset 0x0: magic header not detected") == 0);
    CHECK_EQ(LOAD_BYTES(msg, 0, 'a', 's', 'm', 2, 0, 0, 0), WASM_ERR_MALFORMED);
    CHECK(strcmp(msg, "offset 0x4: unknown binary version") == 0);
    /* section id 13 */
    CHECK_EQ(LOAD_BYTES(msg, HDR, 13, 0), WASM_ERR_MALFORMED);
    CHECK(strcmp(msg, "offset 0x8: malformed section id") == 0);
    /* type section claims 5 bytes, has 1 */
    CHECK_EQ(LOAD_BYTES(msg, HDR, 1, 5, 0), WASM_ERR_MALFORMED);
    CHECK(strstr(msg, "offset 0xa: unexpected end") == msg);
    /* type section of size 2 holding an empty vector and one junk byte */
    CHECK_EQ(LOAD_BYTES(msg, HDR, 1, 2, 0, 0), WASM_ERR_MALFORMED);
    CHECK(strcmp(msg, "offset 0xb: section size mismatch") == 0);
    /* function section without code section */
    CHECK_EQ(LOAD_BYTES(msg, HDR, 1, 4, 1, 0x60, 0, 0, 3, 2, 1, 0),
             WASM_ERR_MALFORMED);
    CHECK(strstr(msg, "function and code section have inconsistent lengths") != NULL);
    /* sections out of order: memory then type */
    CHECK_EQ(LOAD_BYTES(msg, HDR, 5, 1, 0, 1, 1, 0), WASM_ERR_MALFORMED);
    CHECK(strcmp(msg, "offset 0xb: unexpected content after last section") == 0);
    /* import name with a bad UTF-8 byte */
    CHECK_EQ(LOAD_BYTES(msg, HDR, 2, 7, 1, 1, 'm', 1, 0xff, 3, 0),
             WASM_ERR_MALFORMED);
    CHECK(strstr(msg, "malformed UTF-8 encoding") != NULL);
    /* too many locals: two runs of 2^31 */
    CHECK_EQ(LOAD_BYTES(msg, HDR, 1, 4, 1, 0x60, 0, 0, 3, 2, 1, 0, 10, 14, 1, 12, 2,
                                     0x80, 0x80, 0x80, 0x80, 0x08, 0x7f,
                                     0x80, 0x80, 0x80, 0x80, 0x08, 0x7f, 0x0b), WASM_ERR_MALFORMED);
    CHECK(strstr(msg, "too many locals") != NULL);
    /* a custom section is kept, anywhere */
    CHECK_EQ(LOAD_BYTES(msg, HDR, 0, 3, 2, 'h', 'i'), WASM_OK);
}

/* ---- translation --------------------------------------------------------------------------- */

/* (func (param i32) (result i32) (local i32)
 *   (loop (local.set 1 (i32.add (local.get 1) (local.get 0)))
 *         (br_if 0 (i32.lt_u (local.get 1) (i32.const 100))))
 *   (local.get 1)) */
static const uint8_t loop_module[] = {
    HDR, 1, 6, 1, 0x60, 1, 0x7f, 1, 0x7f, 3, 2, 1, 0, 7, 5, 1, 1, 'f', 0, 0,
    10, 26, 1, 24, 1, 1, 0x7f,
    0x03, 0x40, 0x20, 1, 0x20, 0, 0x6a, 0x21, 1, 0x20, 1, 0x41, 0xe4, 0x00, 0x49, 0x0d, 0,
    0x0b, 0x20, 1, 0x0b,
};

static void test_translation_shape(void)
{
    struct wasm_module *m;
    struct wasm_error err;
    CHECK_EQ(module_decode(loop_module, sizeof loop_module, false, &m, &err), WASM_OK);
    if (!m)
        return;
    CHECK_EQ(translate_function(m, 0, &err), WASM_OK);
    struct translate_code *c = m->funcs[0].code;
    CHECK(c != NULL);
    if (c) {
        /* enter(3) + zero local 1 (const32: 4) + add folded into local 1 (5) + fused
         * br_i32_lt_u_imm (5) + copy result (4) + ret (2): no local.get, no const, no compare */
        CHECK_EQ(c->word_count, 3 + 4 + 5 + 5 + 4 + 2);
        CHECK_EQ(c->local_slots, 2);
    }
    module_free(m);

    wasm_module *wm;
    CHECK_EQ(wasm_module_load(loop_module, sizeof loop_module, NULL, &wm, &err), WASM_OK);
    wasm_store *s = wasm_store_new(NULL);
    wasm_linker *l = wasm_linker_new(s);
    wasm_instance *inst;
    CHECK_EQ(wasm_linker_instantiate(l, wm, &inst, &err), WASM_OK);
    wasm_exec *x = wasm_exec_new(s);
    uint64_t arg = 7;
    CHECK_EQ(wasm_exec_call(x, wasm_instance_func(inst, "f"), &arg), WASM_OK);
    CHECK_EQ(wasm_exec_results(x)[0], 105);
    wasm_store_free(s);
    wasm_module_free(wm);
}

/* ---- traps and imports --------------------------------------------------------------------- */

/* (import "env" "h" (func (param i32) (result i32)))
 * (func (export "div") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
 * (func (export "callh") (param i32) (result i32) (call 0 (local.get 0))) */
static const uint8_t trap_module[] = {
    HDR, 1, 12, 2, 0x60, 1, 0x7f, 1, 0x7f, 0x60, 2, 0x7f, 0x7f, 1, 0x7f,
    2, 9, 1, 3, 'e', 'n', 'v', 1, 'h', 0, 0,
    3, 3, 2, 1, 0,
    7, 15, 2, 3, 'd', 'i', 'v', 0, 1, 5, 'c', 'a', 'l', 'l', 'h', 0, 2,
    10, 16, 2, 7, 0, 0x20, 0, 0x20, 1, 0x6d, 0x0b, 6, 0, 0x20, 0, 0x10, 0, 0x0b,
};

static int host_h(struct wasm_host_call *call, uint64_t *slots, uint8_t *mem, uint64_t mem_size)
{
    (void)mem;
    (void)mem_size;
    if (slots[0] == 13)
        return wasm_host_trap(call, "unlucky");
    if (slots[0] == 99)
        return wasm_host_exit(call, 42);
    slots[0] = slots[0] + 1;
    return WASM_OK;
}

static void test_traps_and_imports(void)
{
    wasm_module *m;
    struct wasm_error err;
    CHECK_EQ(wasm_module_load(trap_module, sizeof trap_module, NULL, &m, &err), WASM_OK);
    if (!m) {
        printf("%s\n", err.message);
        return;
    }
    wasm_store *s = wasm_store_new(NULL);
    wasm_linker *l = wasm_linker_new(s);
    wasm_instance *inst;
    CHECK_EQ(wasm_linker_instantiate(l, m, &inst, &err), WASM_ERR_UNLINKABLE);
    CHECK(strcmp(err.message, "unknown import: env.h") == 0);
    CHECK_EQ(wasm_linker_define_func(l, "env", "h", "(I)i", host_h, NULL), WASM_OK);
    CHECK_EQ(wasm_linker_instantiate(l, m, &inst, &err), WASM_ERR_UNLINKABLE);
    CHECK(strcmp(err.message, "incompatible import type: env.h") == 0);
    CHECK_EQ(wasm_linker_define_func(l, "env", "h", "(i)i", host_h, NULL), WASM_OK);
    CHECK_EQ(wasm_linker_instantiate(l, m, &inst, &err), WASM_OK);
    wasm_exec *x = wasm_exec_new(s);
    uint64_t args[2] = { 7, 0 };
    CHECK_EQ(wasm_exec_call(x, wasm_instance_func(inst, "div"), args), WASM_TRAP);
    CHECK_EQ(wasm_exec_trap(x), WASM_TRAP_INTEGER_DIVIDE_BY_ZERO);
    CHECK(strcmp(wasm_exec_trap_message(x), "integer divide by zero") == 0);
    struct wasm_frame_info frame;
    CHECK_EQ(wasm_exec_backtrace(x, &frame, 1), 1);
    CHECK_EQ(frame.func_index, 1);
    CHECK_EQ(frame.code_offset, 0x40);      /* the i32.div_s byte */
    args[0] = 0x80000000u;
    args[1] = 0xffffffffu;
    CHECK_EQ(wasm_exec_call(x, wasm_instance_func(inst, "div"), args), WASM_TRAP);
    CHECK_EQ(wasm_exec_trap(x), WASM_TRAP_INTEGER_OVERFLOW);
    args[0] = 41;
    CHECK_EQ(wasm_exec_call(x, wasm_instance_func(inst, "callh"), args), WASM_OK);
    CHECK_EQ(wasm_exec_results(x)[0], 42);
    args[0] = 13;
    CHECK_EQ(wasm_exec_call(x, wasm_instance_func(inst, "callh"), args), WASM_TRAP);
    CHECK_EQ(wasm_exec_trap(x), WASM_TRAP_HOST);
    CHECK(strcmp(wasm_exec_trap_message(x), "unlucky") == 0);
    args[0] = 99;
    CHECK_EQ(wasm_exec_call(x, wasm_instance_func(inst, "callh"), args), WASM_EXIT);
    CHECK_EQ(wasm_exec_exit_status(x), 42);
    wasm_store_free(s);
    wasm_module_free(m);
}

int main(int argc, char **argv)
{
    static const struct test_case tests[] = {
        { "leb128", test_leb128 },
        { "float_rounding", test_float_rounding },
        { "float_min_max", test_float_min_max },
        { "float_to_int_ranges", test_float_to_int_ranges },
        { "decode_errors", test_decode_errors },
        { "translation_shape", test_translation_shape },
        { "traps_and_imports", test_traps_and_imports },
        { NULL, NULL },
    };
    return test_main(tests, argc, argv);
}
