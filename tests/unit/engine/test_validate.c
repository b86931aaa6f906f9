/* tests/unit/engine/test_validate.c — validator corner cases (engine/validate.h) that the spec
 * suite covers thinly: the polymorphic stack after unreachable, br_table arities, block types with
 * params, if without else, C.refs, module-level rules, malformed-before-invalid, deep nesting and
 * scratch reuse across functions. Modules are built by hand: a type section, one section per
 * test, a code section. */
#include <stdio.h>
#include <string.h>

#include "engine/module.h"
#include "engine/validate.h"
#include "harness.h"

struct builder {
    uint8_t buf[1 << 16];
    size_t n;
};

static void put(struct builder *b, const uint8_t *bytes, size_t len)
{
    if (b->n + len <= sizeof(b->buf)) {
        memcpy(b->buf + b->n, bytes, len);
        b->n += len;
    }
}

static void put_uleb(struct builder *b, uint32_t v)
{
    do {
        uint8_t byte = v & 0x7f;
        v >>= 7;
        if (v)
            byte |= 0x80;
        put(b, &byte, 1);
    } while (v);
}

static void begin(struct builder *b)
{
    static const uint8_t header[] = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00};
    b->n = 0;
    put(b, header, sizeof(header));
}

static void section(struct builder *b, uint8_t id, const uint8_t *content, size_t len)
{
    put(b, &id, 1);
    put_uleb(b, (uint32_t)len);
    put(b, content, len);
}

/* Code section with `count` copies of one body (instructions only, no locals). */
static void code(struct builder *b, uint32_t count, const uint8_t *body, size_t len)
{
    struct builder c;
    c.n = 0;
    put_uleb(&c, count);
    for (uint32_t i = 0; i < count; i++) {
        put_uleb(&c, (uint32_t)len + 1);
        put(&c, (const uint8_t[]){0x00}, 1);
        put(&c, body, len);
    }
    section(b, 10, c.buf, c.n);
}

/* Types used by the tests: 0 () -> (), 1 () -> i32, 2 (i32) -> i32, 3 (i32) -> () */
static const uint8_t types[] = {0x04, 0x60, 0x00, 0x00, 0x60, 0x00, 0x01, 0x7f,
                                0x60, 0x01, 0x7f, 0x01, 0x7f, 0x60, 0x01, 0x7f, 0x00};

/* Decodes and validates; returns the code and leaves the message in msg. */
static int load(struct builder *b, char *msg)
{
    struct wasm_module *m = NULL;
    struct wasm_error err;
    memset(&err, 0, sizeof(err));
    int rc = module_decode(b->buf, b->n, false, &m, &err);
    if (rc == WASM_OK) {
        rc = validate_module(m, &err);
        module_free(m);
    }
    strcpy(msg, rc ? err.message : "");
    return rc;
}

/* One function of type `type` with `body`; checks the code and that the message contains `rule`. */
static void expect_func(uint8_t type, const uint8_t *body, size_t len, int want, const char *rule)
{
    struct builder b;
    char msg[256];
    begin(&b);
    section(&b, 1, types, sizeof(types));
    section(&b, 3, (const uint8_t[]){0x01, type}, 2);
    code(&b, 1, body, len);
    int rc = load(&b, msg);
    CHECK_EQ(rc, want);
    if (rule && !strstr(msg, rule)) {
        printf("  message \"%s\", expected \"%s\"\n", msg, rule);
        CHECK(0);
    }
}

#define VALID(type, ...) expect_func(type, (const uint8_t[]){__VA_ARGS__}, \
    sizeof((const uint8_t[]){__VA_ARGS__}), WASM_OK, NULL)
#define INVALID(type, rule, ...) expect_func(type, (const uint8_t[]){__VA_ARGS__}, \
    sizeof((const uint8_t[]){__VA_ARGS__}), WASM_ERR_INVALID, rule)
#define MALFORMED(type, rule, ...) expect_func(type, (const uint8_t[]){__VA_ARGS__}, \
    sizeof((const uint8_t[]){__VA_ARGS__}), WASM_ERR_MALFORMED, rule)

static void test_unreachable_is_polymorphic(void)
{
    VALID(1, 0x00, 0x6a, 0x0b);                     /* unreachable i32.add -> i32 */
    VALID(0, 0x00, 0x1b, 0x1a, 0x0b);               /* unreachable select drop */
    VALID(0, 0x00, 0xd1, 0x1a, 0x0b);               /* unreachable ref.is_null drop */
    VALID(1, 0x41, 0x01, 0x0f, 0x6a, 0x0b);         /* i32.add after return: polymorphic */
    INVALID(1, "type mismatch", 0x00, 0x42, 0x00, 0x6a, 0x0b); /* known i64 still checked */
    INVALID(0, "type mismatch", 0x00, 0x41, 0x00, 0x0b);       /* leftover value at end */
}

static void test_br_table_arity(void)
{
    /* block (result i32) block: br_table 0 1 with an i32 operand: labels of arity 0 and 1 */
    INVALID(0, "type mismatch", 0x02, 0x7f, 0x02, 0x40, 0x41, 0x00, 0x41, 0x00, 0x0e, 0x01,
            0x00, 0x01, 0x0b, 0x0b, 0x1a, 0x0b);
    /* same arity: block (result i32) block (result i32): br_table 0 1 */
    VALID(0, 0x02, 0x7f, 0x02, 0x7f, 0x41, 0x07, 0x41, 0x00, 0x0e, 0x01, 0x00, 0x01, 0x0b,
          0x0b, 0x1a, 0x0b);
    INVALID(0, "unknown label", 0x41, 0x00, 0x0e, 0x00, 0x03, 0x0b);
}

static void test_block_params(void)
{
    /* i32.const 1 block (type 2: i32 -> i32) i32.const 1 i32.add end drop */
    VALID(0, 0x41, 0x01, 0x02, 0x02, 0x41, 0x01, 0x6a, 0x0b, 0x1a, 0x0b);
    /* loop (type 3: i32 -> ()) with br 0: the label takes the param */
    VALID(0, 0x41, 0x01, 0x03, 0x03, 0x0c, 0x00, 0x0b, 0x0b);
    /* the param is missing */
    INVALID(0, "type mismatch", 0x02, 0x02, 0x0b, 0x1a, 0x0b);
    INVALID(0, "unknown type 9", 0x02, 0x09, 0x0b, 0x0b);
}

static void test_if_without_else(void)
{
    /* i32.const 0 if (result i32) i32.const 1 end drop: the implicit else yields nothing */
    INVALID(0, "type mismatch", 0x41, 0x00, 0x04, 0x7f, 0x41, 0x01, 0x0b, 0x1a, 0x0b);
    /* with type 2 (i32 -> i32) the implicit else passes the param through: valid */
    VALID(0, 0x41, 0x05, 0x41, 0x00, 0x04, 0x02, 0x41, 0x01, 0x6a, 0x0b, 0x1a, 0x0b);
    MALFORMED(0, "else", 0x05, 0x0b);              /* else outside an if */
}

static void test_select(void)
{
    VALID(1, 0x41, 0x01, 0x41, 0x02, 0x41, 0x00, 0x1b, 0x0b);
    INVALID(0, "type mismatch", 0xd0, 0x70, 0xd0, 0x70, 0x41, 0x00, 0x1b, 0x1a, 0x0b);
    VALID(0, 0xd0, 0x70, 0xd0, 0x70, 0x41, 0x00, 0x1c, 0x01, 0x70, 0x1a, 0x0b);
    INVALID(0, "invalid result arity", 0x41, 0x01, 0x41, 0x02, 0x41, 0x00, 0x1c, 0x02, 0x7f,
            0x7f, 0x1a, 0x0b);
}

static void test_locals_and_globals(void)
{
    VALID(2, 0x20, 0x00, 0x0b);                     /* local.get 0 of the param */
    INVALID(2, "unknown local 1", 0x20, 0x01, 0x0b);
    INVALID(0, "unknown global 0", 0x23, 0x00, 0x1a, 0x0b);
}

static void test_immutable_global(void)
{
    struct builder b;
    char msg[256];
    static const uint8_t body[] = {0x41, 0x01, 0x24, 0x00, 0x0b};     /* global.set 0 */
    begin(&b);
    section(&b, 1, types, sizeof(types));
    section(&b, 3, (const uint8_t[]){0x01, 0x00}, 2);
    section(&b, 6, (const uint8_t[]){0x01, 0x7f, 0x00, 0x41, 0x00, 0x0b}, 6);
    code(&b, 1, body, sizeof(body));
    CHECK_EQ(load(&b, msg), WASM_ERR_INVALID);
    CHECK(strstr(msg, "global is immutable") != NULL);
}

static void test_ref_func_declaration(void)
{
    struct builder b;
    char msg[256];
    static const uint8_t body[] = {0xd2, 0x00, 0x1a, 0x0b};           /* ref.func 0 drop */
    begin(&b);
    section(&b, 1, types, sizeof(types));
    section(&b, 3, (const uint8_t[]){0x01, 0x00}, 2);
    code(&b, 1, body, sizeof(body));
    CHECK_EQ(load(&b, msg), WASM_ERR_INVALID);
    CHECK(strstr(msg, "undeclared function reference") != NULL);
    /* exporting the function declares it */
    begin(&b);
    section(&b, 1, types, sizeof(types));
    section(&b, 3, (const uint8_t[]){0x01, 0x00}, 2);
    section(&b, 7, (const uint8_t[]){0x01, 0x01, 'f', 0x00, 0x00}, 5);
    code(&b, 1, body, sizeof(body));
    CHECK_EQ(load(&b, msg), WASM_OK);
}

static void test_module_rules(void)
{
    struct builder b;
    char msg[256];
    static const uint8_t body[] = {0x0b};
    /* duplicate export names */
    begin(&b);
    section(&b, 1, types, sizeof(types));
    section(&b, 3, (const uint8_t[]){0x01, 0x00}, 2);
    section(&b, 7, (const uint8_t[]){0x02, 0x01, 'f', 0x00, 0x00, 0x01, 'f', 0x00, 0x00}, 9);
    code(&b, 1, body, sizeof(body));
    CHECK_EQ(load(&b, msg), WASM_ERR_INVALID);
    CHECK(strstr(msg, "duplicate export name") != NULL);
    /* start function must be [] -> [] */
    begin(&b);
    section(&b, 1, types, sizeof(types));
    section(&b, 3, (const uint8_t[]){0x01, 0x03}, 2);
    section(&b, 8, (const uint8_t[]){0x00}, 1);
    code(&b, 1, (const uint8_t[]){0x0b}, 1);
    CHECK_EQ(load(&b, msg), WASM_ERR_INVALID);
    CHECK(strstr(msg, "start function") != NULL);
    /* two memories */
    begin(&b);
    section(&b, 5, (const uint8_t[]){0x02, 0x00, 0x01, 0x00, 0x01}, 5);
    CHECK_EQ(load(&b, msg), WASM_ERR_INVALID);
    CHECK(strstr(msg, "multiple memories") != NULL);
    /* memory of 65537 pages */
    begin(&b);
    section(&b, 5, (const uint8_t[]){0x01, 0x00, 0x81, 0x80, 0x04}, 5);
    CHECK_EQ(load(&b, msg), WASM_ERR_INVALID);
    CHECK(strstr(msg, "memory size must be at most 65536 pages") != NULL);
    /* min > max */
    begin(&b);
    section(&b, 5, (const uint8_t[]){0x01, 0x01, 0x02, 0x01}, 4);
    CHECK_EQ(load(&b, msg), WASM_ERR_INVALID);
    CHECK(strstr(msg, "size minimum must not be greater than maximum") != NULL);
}

static void test_data_count_required(void)
{
    struct builder b;
    char msg[256];
    static const uint8_t body[] = {0xfc, 0x09, 0x00, 0x0b};           /* data.drop 0 */
    begin(&b);
    section(&b, 1, types, sizeof(types));
    section(&b, 3, (const uint8_t[]){0x01, 0x00}, 2);
    section(&b, 5, (const uint8_t[]){0x01, 0x00, 0x01}, 3);
    code(&b, 1, body, sizeof(body));
    section(&b, 11, (const uint8_t[]){0x01, 0x01, 0x00}, 3);        /* one passive segment */
    CHECK_EQ(load(&b, msg), WASM_ERR_MALFORMED);
    CHECK(strstr(msg, "data count section required") != NULL);
}

static void test_malformed_wins(void)
{
    /* invalid local.get 9 in function 0, illegal opcode in function 1: malformed wins */
    struct builder b;
    char msg[256];
    begin(&b);
    section(&b, 1, types, sizeof(types));
    section(&b, 3, (const uint8_t[]){0x02, 0x00, 0x00}, 3);
    struct builder c;
    c.n = 0;
    put(&c, (const uint8_t[]){0x02, 0x04, 0x00, 0x20, 0x09, 0x0b, 0x03, 0x00, 0xff, 0x0b}, 10);
    section(&b, 10, c.buf, c.n);
    CHECK_EQ(load(&b, msg), WASM_ERR_MALFORMED);
    CHECK(strstr(msg, "illegal opcode") != NULL);
}

static void test_deep_nesting_and_reuse(void)
{
    /* 5000 nested blocks, in 3 functions (the scratch stacks are grown once and reused) */
    static uint8_t body[5000 * 2 + 5000 + 1];
    size_t n = 0;
    for (int i = 0; i < 5000; i++) {
        body[n++] = 0x02;
        body[n++] = 0x40;
    }
    for (int i = 0; i < 5000; i++)
        body[n++] = 0x0b;
    body[n++] = 0x0b;
    struct builder b;
    char msg[256];
    begin(&b);
    section(&b, 1, types, sizeof(types));
    section(&b, 3, (const uint8_t[]){0x03, 0x00, 0x00, 0x00}, 4);
    code(&b, 3, body, n);
    CHECK_EQ(load(&b, msg), WASM_OK);
    /* one end short: "END opcode expected" */
    begin(&b);
    section(&b, 1, types, sizeof(types));
    section(&b, 3, (const uint8_t[]){0x01, 0x00}, 2);
    code(&b, 1, body, n - 1);
    CHECK_EQ(load(&b, msg), WASM_ERR_MALFORMED);
    CHECK(strstr(msg, "END opcode expected") != NULL);
}

int main(int argc, char **argv)
{
    static const struct test_case tests[] = {
        {"validate_unreachable_is_polymorphic", test_unreachable_is_polymorphic},
        {"validate_br_table_arity", test_br_table_arity},
        {"validate_block_params", test_block_params},
        {"validate_if_without_else", test_if_without_else},
        {"validate_select", test_select},
        {"validate_locals_and_globals", test_locals_and_globals},
        {"validate_immutable_global", test_immutable_global},
        {"validate_ref_func_declaration", test_ref_func_declaration},
        {"validate_module_rules", test_module_rules},
        {"validate_data_count_required", test_data_count_required},
        {"validate_malformed_wins", test_malformed_wins},
        {"validate_deep_nesting_and_reuse", test_deep_nesting_and_reuse},
        {NULL, NULL},
    };
    return test_main(tests, argc, argv);
}
