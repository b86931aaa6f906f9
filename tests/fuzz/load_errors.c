/* tests/fuzz/load_errors.c — checked load errors: malformed and invalid byte arrays must fail with
 * the right code and a message "offset 0x<hex>: <rule>" naming the exact byte and the spec's rule.
 * Part of the fuzz suite (tests/fuzz/run-fuzz); uses the unit-test harness. */
#include <stdio.h>
#include <string.h>

#include "engine/wasm.h"
#include "tests/unit/harness.h"

/* A module with one function of type () -> [result] (result 0: none), an optional memory of one
 * page, and the given body instructions (no locals). *code_off is the offset of the first
 * instruction. */
static size_t build(uint8_t *out, uint8_t result, bool memory, const uint8_t *body, size_t body_len,
                    uint32_t *code_off)
{
    size_t n = 0;
    static const uint8_t header[] = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00};
    memcpy(out, header, sizeof(header));
    n = sizeof(header);
    if (result) {
        const uint8_t type[] = {0x01, 0x05, 0x01, 0x60, 0x00, 0x01, result};
        memcpy(out + n, type, sizeof(type));
        n += sizeof(type);
    } else {
        const uint8_t type[] = {0x01, 0x04, 0x01, 0x60, 0x00, 0x00};
        memcpy(out + n, type, sizeof(type));
        n += sizeof(type);
    }
    const uint8_t func[] = {0x03, 0x02, 0x01, 0x00};
    memcpy(out + n, func, sizeof(func));
    n += sizeof(func);
    if (memory) {
        const uint8_t mem[] = {0x05, 0x03, 0x01, 0x00, 0x01};
        memcpy(out + n, mem, sizeof(mem));
        n += sizeof(mem);
    }
    out[n++] = 0x0a;                        /* code section */
    out[n++] = (uint8_t)(body_len + 3);     /* size: count, body size, locals, body */
    out[n++] = 0x01;
    out[n++] = (uint8_t)(body_len + 1);
    out[n++] = 0x00;                        /* no locals */
    *code_off = (uint32_t)n;
    memcpy(out + n, body, body_len);
    return n + body_len;
}

/* Loads the module and checks the code and the exact message. */
static void expect(const uint8_t *bytes, size_t len, int code, uint32_t off, const char *rule)
{
    wasm_module *m = NULL;
    struct wasm_error err;
    memset(&err, 0, sizeof(err));
    int rc = wasm_module_load(bytes, len, NULL, &m, &err);
    if (rc == WASM_OK)
        wasm_module_free(m);
    char want[256];
    snprintf(want, sizeof(want), "offset 0x%x: %s", off, rule);
    CHECK_EQ(rc, code);
    CHECK_EQ(err.code, code);
    if (strcmp(err.message, want) != 0) {
        printf("  message \"%s\", expected \"%s\"\n", err.message, want);
        CHECK(0);
    }
}

static void expect_body(uint8_t result, bool memory, const uint8_t *body, size_t body_len, int code,
                        uint32_t rel_off, const char *rule)
{
    uint8_t buf[256];
    uint32_t code_off;
    size_t len = build(buf, result, memory, body, body_len, &code_off);
    expect(buf, len, code, code_off + rel_off, rule);
}

static void test_valid_module_loads(void)
{
    const uint8_t body[] = {0x41, 0x2a, 0x0b};     /* i32.const 42 end */
    uint8_t buf[256];
    uint32_t code_off;
    size_t len = build(buf, WASM_I32, false, body, sizeof(body), &code_off);
    wasm_module *m = NULL;
    struct wasm_error err;
    CHECK_EQ(wasm_module_load(buf, len, NULL, &m, &err), WASM_OK);
    wasm_module_free(m);
}

static void test_type_mismatch(void)
{
    const uint8_t body[] = {0x0b};                 /* end: no i32 result on the stack */
    expect_body(WASM_I32, false, body, sizeof(body), WASM_ERR_INVALID, 0, "type mismatch");
    const uint8_t body2[] = {0x42, 0x00, 0x0b};    /* i64.const 0 for an i32 result */
    expect_body(WASM_I32, false, body2, sizeof(body2), WASM_ERR_INVALID, 2, "type mismatch");
}

static void test_unknown_local(void)
{
    const uint8_t body[] = {0x20, 0x05, 0x1a, 0x0b};  /* local.get 5 drop end */
    expect_body(0, false, body, sizeof(body), WASM_ERR_INVALID, 0, "unknown local 5");
}

static void test_unknown_function(void)
{
    const uint8_t body[] = {0x10, 0x07, 0x0b};        /* call 7 end */
    expect_body(0, false, body, sizeof(body), WASM_ERR_INVALID, 0, "unknown function 7");
}

static void test_alignment(void)
{
    const uint8_t body[] = {0x41, 0x00, 0x28, 0x03, 0x00, 0x1a, 0x0b}; /* i32.load align=8 */
    expect_body(0, true, body, sizeof(body), WASM_ERR_INVALID, 2,
                "alignment must not be larger than natural");
}

static void test_unknown_memory(void)
{
    const uint8_t body[] = {0x41, 0x00, 0x28, 0x02, 0x00, 0x1a, 0x0b}; /* i32.load, no memory */
    expect_body(0, false, body, sizeof(body), WASM_ERR_INVALID, 2, "unknown memory 0");
}

static void test_illegal_opcode(void)
{
    const uint8_t body[] = {0x01, 0xff, 0x0b};        /* nop, 0xff */
    expect_body(0, false, body, sizeof(body), WASM_ERR_MALFORMED, 1, "illegal opcode");
}

static void test_zero_byte(void)
{
    const uint8_t body[] = {0x3f, 0x01, 0x1a, 0x0b};  /* memory.size with reserved byte 1 */
    expect_body(0, true, body, sizeof(body), WASM_ERR_MALFORMED, 0, "zero byte expected");
}

static void test_leb_too_long(void)
{
    /* i32.const with a 6-byte LEB128: the 5th byte still has its continuation bit */
    const uint8_t body[] = {0x41, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00, 0x1a, 0x0b};
    expect_body(0, false, body, sizeof(body), WASM_ERR_MALFORMED, 5,
                "integer representation too long");
}

static void test_leb_too_large(void)
{
    /* i32.const whose 5th byte has bits beyond 32 that are not the sign extension */
    const uint8_t body[] = {0x41, 0xff, 0xff, 0xff, 0xff, 0x4f, 0x1a, 0x0b};
    expect_body(0, false, body, sizeof(body), WASM_ERR_MALFORMED, 5, "integer too large");
}

static void test_missing_end(void)
{
    const uint8_t body[] = {0x41, 0x01, 0x1a};        /* i32.const 1 drop, no end */
    expect_body(0, false, body, sizeof(body), WASM_ERR_MALFORMED, 3, "END opcode expected");
}

static void test_malformed_wins_over_invalid(void)
{
    /* local.get 9 is invalid, but the later bad opcode makes the module malformed */
    const uint8_t body[] = {0x20, 0x09, 0x1a, 0xff, 0x0b};
    expect_body(0, false, body, sizeof(body), WASM_ERR_MALFORMED, 3, "illegal opcode");
}

static void test_bad_magic(void)
{
    const uint8_t bytes[] = {0x00, 0x61, 0x73, 0x6e, 0x01, 0x00, 0x00, 0x00};
    wasm_module *m = NULL;
    struct wasm_error err;
    memset(&err, 0, sizeof(err));
    CHECK_EQ(wasm_module_load(bytes, sizeof(bytes), NULL, &m, &err), WASM_ERR_MALFORMED);
    CHECK(strncmp(err.message, "offset 0x0: ", 12) == 0);
}

static void test_truncated(void)
{
    uint8_t buf[256];
    uint32_t code_off;
    const uint8_t body[] = {0x41, 0x2a, 0x0b};
    size_t len = build(buf, WASM_I32, false, body, sizeof(body), &code_off);
    /* every cut inside the code section (the last one) leaves it truncated */
    for (size_t cut = code_off - 4; cut < len; cut++) {
        wasm_module *m = NULL;
        struct wasm_error err;
        memset(&err, 0, sizeof(err));
        int rc = wasm_module_load(buf, cut, NULL, &m, &err);
        CHECK_EQ(rc, WASM_ERR_MALFORMED);
        CHECK(strncmp(err.message, "offset 0x", 9) == 0);
        if (rc == WASM_OK)
            wasm_module_free(m);
    }
}

int main(int argc, char **argv)
{
    static const struct test_case tests[] = {
        {"load_errors_valid_module_loads", test_valid_module_loads},
        {"load_errors_type_mismatch", test_type_mismatch},
        {"load_errors_unknown_local", test_unknown_local},
        {"load_errors_unknown_function", test_unknown_function},
        {"load_errors_alignment", test_alignment},
        {"load_errors_unknown_memory", test_unknown_memory},
        {"load_errors_illegal_opcode", test_illegal_opcode},
        {"load_errors_zero_byte", test_zero_byte},
        {"load_errors_leb_too_long", test_leb_too_long},
        {"load_errors_leb_too_large", test_leb_too_large},
        {"load_errors_missing_end", test_missing_end},
        {"load_errors_malformed_wins_over_invalid", test_malformed_wins_over_invalid},
        {"load_errors_bad_magic", test_bad_magic},
        {"load_errors_truncated", test_truncated},
        {NULL, NULL},
    };
    return test_main(tests, argc, argv);
}
