/* tests/spec/spec_runner.c — runs one wast2json script (the official core spec tests) against the
 * engine, through engine/wasm.h only.
 *
 * Usage: spec_runner [-v] [--bounds=guard|check] DIR/NAME.json   (module files are read from DIR)
 * --bounds=guard runs every store in guard-page mode (engine/wasm.h "linear memories"): memories are
 * 8 GiB reservations, loads and stores are unchecked, and a fault in a guard region becomes the trap
 * (host/guard_posix.h); every assert_trap must trap the same way as with explicit checks.
 * Every command but `register` counts once, like wabt's spectest-interp: module, action and each
 * assert_*. Text-format modules (module_type "text", which a binary-only engine cannot read) and
 * commands with v128 values (SIMD is not supported yet) are skipped, never passed. Output: the first
 * MAX_SHOWN failures as "  line N: why", then one line "ok NAME  P passed" or "FAIL NAME  P passed,
 * F failed", then the machine-readable "spec-counts: P F S V" (passed, failed, skipped, of which
 * skipped for v128) that tests/spec/run-spec adds up. Exit status 0 when nothing failed.
 *
 * The `spectest` host module (UPSTREAM-README.md of the test suite) is defined in every store:
 * print functions that do nothing, globals global_i32/i64 = 666, global_f32/f64 = 666.6, a funcref
 * table of 10..20 and a memory of 1..2 pages. Each call gets FUEL_PER_CALL fuel so that an engine bug
 * cannot loop forever; the driver adds a wall-clock timeout per file. */
#include <errno.h>
#include <stdarg.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/wasm.h"
#include "host/guard_posix.h"
#include "tests/spec/json.h"

#define MAX_SHOWN 6
#define MAX_NAMED 256
#define MAX_VALUES 64
#define FUEL_PER_CALL 4000000000ull
#define MAX_YIELDS 1000000

struct named {
    char *name;
    wasm_instance *inst;
};

struct runner {
    const char *dir;            /* folder of the .json (module files are relative to it) */
    const char *file;           /* short name for messages */
    bool verbose;
    wasm_store *store;
    wasm_linker *linker;
    wasm_exec *exec;
    wasm_instance *current;     /* last module instantiated, NULL when it failed */
    struct named named[MAX_NAMED];
    uint32_t named_count;
    /* modules and their bytes live until the store is freed (instances, even of failed
     * instantiations, may be referenced from shared tables) */
    wasm_module **modules;
    uint8_t **buffers;
    size_t module_count, module_cap;
    unsigned passed, failed, skipped, skipped_v128, shown, text_mismatches;
    int line;
};

/* ---- reporting ------------------------------------------------------------------------------ */

static void pass(struct runner *r) { r->passed++; }

static void failf(struct runner *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void failf(struct runner *r, const char *fmt, ...)
{
    r->failed++;
    if (r->shown++ >= MAX_SHOWN && !r->verbose)
        return;
    va_list ap;
    va_start(ap, fmt);
    printf("  line %d: ", r->line);
    vprintf(fmt, ap);
    printf("\n");
    va_end(ap);
}

static void skip(struct runner *r, const char *why)
{
    r->skipped++;
    if (r->verbose)
        printf("  line %d: skipped (%s)\n", r->line, why);
}

/* Error texts of assert_invalid/assert_malformed/assert_unlinkable are compared loosely: a different
 * wording is counted and shown with -v, but the error code decides pass or fail. */
static void check_text(struct runner *r, const char *expected, const char *got)
{
    if (!expected || strstr(got, expected))
        return;
    r->text_mismatches++;
    if (r->verbose)
        printf("  line %d: note: error text \"%s\", expected \"%s\"\n", r->line, got, expected);
}

/* ---- the spectest host module --------------------------------------------------------------- */

static int spectest_print(struct wasm_host_call *call, uint64_t *slots, uint8_t *mem, uint64_t size)
{
    (void)call; (void)slots; (void)mem; (void)size;
    return WASM_OK;
}

static int define_spectest(wasm_linker *l)
{
    static const struct { const char *name, *sig; } funcs[] = {
        {"print", "()"}, {"print_i32", "(i)"}, {"print_i64", "(I)"}, {"print_f32", "(f)"},
        {"print_f64", "(F)"}, {"print_i32_f32", "(if)"}, {"print_f64_f64", "(FF)"},
    };
    int rc = 0;
    for (size_t i = 0; i < sizeof(funcs) / sizeof(funcs[0]); i++)
        rc |= wasm_linker_define_func(l, "spectest", funcs[i].name, funcs[i].sig, spectest_print, NULL);
    float f32 = 666.6f;
    double f64 = 666.6;
    uint32_t f32_bits;
    uint64_t f64_bits;
    memcpy(&f32_bits, &f32, 4);
    memcpy(&f64_bits, &f64, 8);
    rc |= wasm_linker_define_global(l, "spectest", "global_i32", WASM_I32, false, 666);
    rc |= wasm_linker_define_global(l, "spectest", "global_i64", WASM_I64, false, 666);
    rc |= wasm_linker_define_global(l, "spectest", "global_f32", WASM_F32, false, f32_bits);
    rc |= wasm_linker_define_global(l, "spectest", "global_f64", WASM_F64, false, f64_bits);
    rc |= wasm_linker_define_table(l, "spectest", "table", WASM_FUNCREF, 10, 20);
    rc |= wasm_linker_define_memory(l, "spectest", "memory", 1, 2);
    return rc;
}

/* ---- values --------------------------------------------------------------------------------- */

enum nan_kind { NAN_NONE, NAN_CANONICAL, NAN_ARITHMETIC };

struct value {
    uint8_t type;           /* enum wasm_valtype */
    uint64_t bits;
    enum nan_kind nan;
    bool any_ref;           /* a reference result given without value: any non-null reference */
};

/* Parses {"type": T, "value": V}. Returns 0, 1 (v128: unsupported) or -1 (malformed). Externrefs
 * cross the API as n + 1 so that ref.extern 0 is not the null reference. */
static int parse_value(const struct json_value *j, struct value *out)
{
    const char *type = json_get_string(j, "type");
    const struct json_value *val = json_get(j, "value");
    const char *text = val && val->kind == JSON_STRING ? val->text : NULL;
    memset(out, 0, sizeof(*out));
    if (!type)
        return -1;
    if (!strcmp(type, "v128"))
        return 1;
    static const struct { const char *name; uint8_t type; } types[] = {
        {"i32", WASM_I32}, {"i64", WASM_I64}, {"f32", WASM_F32}, {"f64", WASM_F64},
        {"funcref", WASM_FUNCREF}, {"externref", WASM_EXTERNREF},
    };
    size_t i;
    for (i = 0; i < sizeof(types) / sizeof(types[0]); i++)
        if (!strcmp(type, types[i].name))
            break;
    if (i == sizeof(types) / sizeof(types[0]))
        return -1;
    out->type = types[i].type;
    if (out->type == WASM_FUNCREF || out->type == WASM_EXTERNREF) {
        if (!text) {
            out->any_ref = true;
            return 0;
        }
        if (!strcmp(text, "null"))
            return 0;
        out->bits = strtoull(text, NULL, 10) + (out->type == WASM_EXTERNREF);
        return 0;
    }
    if (!text)
        return -1;
    if (!strcmp(text, "nan:canonical")) {
        out->nan = NAN_CANONICAL;
        return 0;
    }
    if (!strcmp(text, "nan:arithmetic")) {
        out->nan = NAN_ARITHMETIC;
        return 0;
    }
    errno = 0;
    char *end;
    out->bits = strtoull(text, &end, 10);
    if (errno || *end)
        return -1;
    if (out->type == WASM_I32 || out->type == WASM_F32)
        out->bits &= 0xffffffffu;
    return 0;
}

static bool value_matches(const struct value *want, uint64_t got)
{
    switch (want->type) {
    case WASM_I32:
        return (uint32_t)got == want->bits;
    case WASM_F32:
        got &= 0xffffffffu;
        if (want->nan == NAN_CANONICAL)
            return (got & 0x7fffffffu) == 0x7fc00000u;
        if (want->nan == NAN_ARITHMETIC)
            return (got & 0x7fc00000u) == 0x7fc00000u;
        return got == want->bits;
    case WASM_F64:
        if (want->nan == NAN_CANONICAL)
            return (got & 0x7fffffffffffffffull) == 0x7ff8000000000000ull;
        if (want->nan == NAN_ARITHMETIC)
            return (got & 0x7ff8000000000000ull) == 0x7ff8000000000000ull;
        return got == want->bits;
    case WASM_FUNCREF:
    case WASM_EXTERNREF:
        if (want->any_ref)
            return got != 0;
        if (want->type == WASM_FUNCREF && want->bits != 0)
            return got != 0;     /* funcref values are engine addresses: only null-ness is known */
        return got == want->bits;
    default:
        return got == want->bits;
    }
}

static void format_value(char *buf, size_t size, const struct value *v)
{
    const char *t = v->type == WASM_I32 ? "i32" : v->type == WASM_I64 ? "i64" : v->type == WASM_F32 ? "f32"
                  : v->type == WASM_F64 ? "f64" : v->type == WASM_FUNCREF ? "funcref" : "externref";
    if (v->nan)
        snprintf(buf, size, "%s:%s", t, v->nan == NAN_CANONICAL ? "nan:canonical" : "nan:arithmetic");
    else if (v->any_ref)
        snprintf(buf, size, "%s:non-null", t);
    else
        snprintf(buf, size, "%s:0x%" PRIx64, t, v->bits);
}

/* ---- modules -------------------------------------------------------------------------------- */

static uint8_t *read_file(const char *path, size_t *len_out)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    uint8_t *buf = NULL;
    size_t len = 0, cap = 0;
    for (;;) {
        if (len == cap) {
            cap = cap ? cap * 2 : 65536;
            uint8_t *nb = realloc(buf, cap);
            if (!nb) {
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = nb;
        }
        size_t n = fread(buf + len, 1, cap - len, f);
        len += n;
        if (n == 0)
            break;
    }
    fclose(f);
    *len_out = len;
    return buf ? buf : malloc(1);
}

static bool keep_module(struct runner *r, wasm_module *m, uint8_t *bytes)
{
    if (r->module_count == r->module_cap) {
        size_t cap = r->module_cap ? r->module_cap * 2 : 64;
        wasm_module **nm = realloc(r->modules, cap * sizeof(*nm));
        if (nm)
            r->modules = nm;
        uint8_t **nb = realloc(r->buffers, cap * sizeof(*nb));
        if (nb)
            r->buffers = nb;
        if (!nm || !nb)
            return false;
        r->module_cap = cap;
    }
    r->modules[r->module_count] = m;
    r->buffers[r->module_count++] = bytes;
    return true;
}

/* Loads DIR/filename. Returns the load status; on WASM_OK *m_out is kept by the runner (freed after
 * the store) unless `keep` is false, in which case the caller frees it and *bytes_out. */
static int load_module(struct runner *r, const char *filename, wasm_module **m_out,
                       struct wasm_error *err)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/%s", r->dir, filename);
    size_t len;
    uint8_t *bytes = read_file(path, &len);
    *m_out = NULL;
    if (!bytes) {
        snprintf(err->message, sizeof(err->message), "cannot read %s", path);
        return -1;
    }
    memset(err, 0, sizeof(*err));
    int rc = wasm_module_load(bytes, len, NULL, m_out, err);
    if (rc != WASM_OK) {
        free(bytes);
        *m_out = NULL;
        return rc;
    }
    if (!keep_module(r, *m_out, bytes)) {
        wasm_module_free(*m_out);
        free(bytes);
        snprintf(err->message, sizeof(err->message), "out of memory");
        return -1;
    }
    return WASM_OK;
}

/* Runs f(args) to completion (resuming after yields). Returns WASM_OK, WASM_TRAP, WASM_EXIT or
 * WASM_BLOCK; *results points at the results after WASM_OK. */
static int run_call(struct runner *r, wasm_func *f, const uint64_t *args, const uint64_t **results)
{
    wasm_exec_set_fuel(r->exec, FUEL_PER_CALL);
    int rc = guard_exec_call(r->exec, f, args);
    for (int n = 0; rc == WASM_YIELD && n < MAX_YIELDS; n++)
        rc = guard_exec_resume(r->exec);
    if (rc == WASM_OK) {
        *results = wasm_exec_results(r->exec);
    } else if (rc != WASM_TRAP) {
        wasm_exec_reset(r->exec);
    }
    return rc;
}

/* Instantiates a loaded module and runs its start function. Returns WASM_OK, the instantiate error
 * code, or WASM_TRAP (start trapped; message in err). */
static int instantiate(struct runner *r, wasm_module *m, wasm_instance **out, struct wasm_error *err)
{
    memset(err, 0, sizeof(*err));
    int rc = wasm_linker_instantiate(r->linker, m, out, err);
    if (rc != WASM_OK)
        return rc;
    wasm_func *start = wasm_instance_start_func(*out);
    if (!start)
        return WASM_OK;
    const uint64_t *results;
    rc = run_call(r, start, NULL, &results);
    if (rc == WASM_OK)
        return WASM_OK;
    snprintf(err->message, sizeof(err->message), "%s",
             rc == WASM_TRAP ? wasm_exec_trap_message(r->exec) : "start function did not return");
    return WASM_TRAP;
}

static wasm_instance *find_instance(struct runner *r, const char *name)
{
    if (!name)
        return r->current;
    for (uint32_t i = r->named_count; i-- > 0;)
        if (!strcmp(r->named[i].name, name))
            return r->named[i].inst;
    return NULL;
}

/* ---- actions -------------------------------------------------------------------------------- */

enum action_result { ACT_OK, ACT_TRAP, ACT_SKIP, ACT_ERROR };

/* Performs an invoke or get. On ACT_OK fills got[0..*count); on ACT_TRAP *trap_msg is set; on
 * ACT_ERROR a failure was already reported; on ACT_SKIP a skip was. */
static enum action_result do_action(struct runner *r, const struct json_value *action, uint64_t *got,
                                    uint32_t *count, const char **trap_msg)
{
    const char *type = json_get_string(action, "type");
    const char *field = json_get_string(action, "field");
    wasm_instance *inst = find_instance(r, json_get_string(action, "module"));
    if (!type || !field) {
        failf(r, "malformed action");
        return ACT_ERROR;
    }
    if (!inst) {
        failf(r, "%s \"%s\": no module instance (an earlier module failed)", type, field);
        return ACT_ERROR;
    }
    struct wasm_extern ext;
    const struct json_value *field_value = json_get(action, "field");
    if (wasm_instance_export_n(inst, field, field_value->text_len, &ext) != WASM_OK) {
        failf(r, "%s \"%s\": no such export", type, field);
        return ACT_ERROR;
    }
    if (!strcmp(type, "get")) {
        if (ext.kind != WASM_EXTERN_GLOBAL) {
            failf(r, "get \"%s\": not a global", field);
            return ACT_ERROR;
        }
        got[0] = wasm_global_get(ext.of.global);
        *count = 1;
        return ACT_OK;
    }
    if (strcmp(type, "invoke") || ext.kind != WASM_EXTERN_FUNC) {
        failf(r, "%s \"%s\": not an invocable function", type, field);
        return ACT_ERROR;
    }
    const struct json_value *args = json_get(action, "args");
    uint64_t argv[MAX_VALUES];
    size_t argc = args && args->kind == JSON_ARRAY ? args->count : 0;
    struct wasm_functype ft;
    wasm_func_type(ext.of.func, &ft);
    if (argc > MAX_VALUES || argc != ft.param_count) {
        failf(r, "invoke \"%s\": %zu arguments for %u parameters", field, argc, ft.param_count);
        return ACT_ERROR;
    }
    for (size_t i = 0; i < argc; i++) {
        struct value v;
        int rc = parse_value(args->items[i], &v);
        if (rc == 1) {
            r->skipped_v128++;
            skip(r, "v128");
            return ACT_SKIP;
        }
        if (rc < 0) {
            failf(r, "invoke \"%s\": malformed argument %zu", field, i);
            return ACT_ERROR;
        }
        argv[i] = v.bits;
    }
    const uint64_t *results;
    int rc = run_call(r, ext.of.func, argv, &results);
    if (rc == WASM_TRAP) {
        *trap_msg = wasm_exec_trap_message(r->exec);
        return ACT_TRAP;
    }
    if (rc != WASM_OK) {
        failf(r, "invoke \"%s\": call returned status %d", field, rc);
        return ACT_ERROR;
    }
    *count = ft.result_count < MAX_VALUES ? ft.result_count : MAX_VALUES;
    memcpy(got, results, *count * sizeof(*got));
    return ACT_OK;
}

/* ---- commands ------------------------------------------------------------------------------- */

static void cmd_module(struct runner *r, const struct json_value *c)
{
    const char *filename = json_get_string(c, "filename");
    const char *name = json_get_string(c, "name");
    struct wasm_error err;
    wasm_module *m;
    r->current = NULL;
    if (!filename) {
        failf(r, "module: no filename");
        return;
    }
    int rc = load_module(r, filename, &m, &err);
    if (rc != WASM_OK) {
        failf(r, "module %s: load failed (%d): %s", filename, rc, err.message);
        return;
    }
    wasm_instance *inst;
    rc = instantiate(r, m, &inst, &err);
    if (rc != WASM_OK) {
        failf(r, "module %s: instantiation failed (%d): %s", filename, rc, err.message);
        return;
    }
    r->current = inst;
    if (name && r->named_count < MAX_NAMED) {
        r->named[r->named_count].name = strdup(name);
        r->named[r->named_count++].inst = inst;
    }
    pass(r);
}

static void cmd_register(struct runner *r, const struct json_value *c)
{
    const char *as = json_get_string(c, "as");
    wasm_instance *inst = find_instance(r, json_get_string(c, "name"));
    if (!as || !inst) {
        failf(r, "register: no instance to register");
        return;
    }
    if (wasm_linker_define_instance(r->linker, as, inst) != WASM_OK)
        failf(r, "register \"%s\" failed", as);
}

static void cmd_action(struct runner *r, const struct json_value *c)
{
    uint64_t got[MAX_VALUES];
    uint32_t count;
    const char *trap;
    enum action_result ar = do_action(r, json_get(c, "action"), got, &count, &trap);
    if (ar == ACT_OK)
        pass(r);
    else if (ar == ACT_TRAP)
        failf(r, "action \"%s\": trapped: %s", json_get_string(json_get(c, "action"), "field"), trap);
}

static void cmd_assert_return(struct runner *r, const struct json_value *c)
{
    const struct json_value *action = json_get(c, "action");
    const struct json_value *expected = json_get(c, "expected");
    const char *field = json_get_string(action, "field");
    struct value want[MAX_VALUES];
    size_t n = expected && expected->kind == JSON_ARRAY ? expected->count : 0;
    if (n > MAX_VALUES) {
        failf(r, "assert_return \"%s\": too many results", field);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        int rc = parse_value(expected->items[i], &want[i]);
        if (rc == 1) {
            r->skipped_v128++;
            skip(r, "v128");
            return;
        }
        if (rc < 0) {
            failf(r, "assert_return \"%s\": malformed expected value", field);
            return;
        }
    }
    uint64_t got[MAX_VALUES];
    uint32_t count;
    const char *trap;
    enum action_result ar = do_action(r, action, got, &count, &trap);
    if (ar == ACT_TRAP) {
        failf(r, "assert_return \"%s\": trapped: %s", field, trap);
        return;
    }
    if (ar != ACT_OK)
        return;
    if (count != n) {
        failf(r, "assert_return \"%s\": %u results, expected %zu", field, count, n);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        if (!value_matches(&want[i], got[i])) {
            char wb[64], gb[64];
            struct value g = want[i];
            g.bits = got[i];
            g.nan = NAN_NONE;
            g.any_ref = false;
            format_value(wb, sizeof(wb), &want[i]);
            format_value(gb, sizeof(gb), &g);
            failf(r, "assert_return \"%s\": result %zu is %s, expected %s", field, i, gb, wb);
            return;
        }
    }
    pass(r);
}

/* assert_trap and assert_exhaustion on an action; assert_trap on a module is assert_uninstantiable
 * in wast2json's output, but handle the module form anyway. */
static void cmd_assert_trap(struct runner *r, const struct json_value *c, const char *kind)
{
    const char *text = json_get_string(c, "text");
    const struct json_value *action = json_get(c, "action");
    const char *field = json_get_string(action, "field");
    uint64_t got[MAX_VALUES];
    uint32_t count;
    const char *trap;
    enum action_result ar = do_action(r, action, got, &count, &trap);
    if (ar == ACT_OK) {
        failf(r, "%s \"%s\": returned, expected trap \"%s\"", kind, field, text ? text : "");
        return;
    }
    if (ar != ACT_TRAP)
        return;
    if (text && strncmp(trap, text, strlen(text)) != 0) {
        failf(r, "%s \"%s\": trapped with \"%s\", expected \"%s\"", kind, field, trap, text);
        return;
    }
    pass(r);
}

static const char *status_name(int rc)
{
    switch (rc) {
    case WASM_OK: return "ok";
    case WASM_TRAP: return "trap";
    case WASM_ERR_MALFORMED: return "malformed";
    case WASM_ERR_INVALID: return "invalid";
    case WASM_ERR_UNLINKABLE: return "unlinkable";
    case WASM_ERR_UNINSTANTIABLE: return "uninstantiable";
    case WASM_ERR_NOMEM: return "out of memory";
    default: return "error";
    }
}

/* assert_invalid / assert_malformed: loading must fail with `want`. */
static void cmd_assert_load_error(struct runner *r, const struct json_value *c, const char *kind,
                                  int want)
{
    const char *module_type = json_get_string(c, "module_type");
    const char *filename = json_get_string(c, "filename");
    const char *text = json_get_string(c, "text");
    if (module_type && strcmp(module_type, "binary")) {
        skip(r, "text module");
        return;
    }
    if (!filename) {
        failf(r, "%s: no filename", kind);
        return;
    }
    char path[4096];
    snprintf(path, sizeof(path), "%s/%s", r->dir, filename);
    size_t len;
    uint8_t *bytes = read_file(path, &len);
    if (!bytes) {
        failf(r, "%s: cannot read %s", kind, path);
        return;
    }
    struct wasm_error err;
    memset(&err, 0, sizeof(err));
    wasm_module *m = NULL;
    int rc = wasm_module_load(bytes, len, NULL, &m, &err);
    if (rc == WASM_OK) {
        wasm_module_free(m);
        failf(r, "%s %s: loaded, expected %s \"%s\"", kind, filename, status_name(want), text);
    } else if (rc != want) {
        failf(r, "%s %s: %s \"%s\", expected %s \"%s\"", kind, filename, status_name(rc),
              err.message, status_name(want), text);
    } else {
        check_text(r, text, err.message);
        pass(r);
    }
    free(bytes);
}

/* assert_unlinkable / assert_uninstantiable: loads, then instantiation must fail with `want`
 * (a trap in the start function counts as uninstantiable). */
static void cmd_assert_link_error(struct runner *r, const struct json_value *c, const char *kind,
                                  int want)
{
    const char *filename = json_get_string(c, "filename");
    const char *text = json_get_string(c, "text");
    const char *module_type = json_get_string(c, "module_type");
    if (module_type && strcmp(module_type, "binary")) {
        skip(r, "text module");
        return;
    }
    if (!filename) {
        failf(r, "%s: no filename", kind);
        return;
    }
    struct wasm_error err;
    wasm_module *m;
    int rc = load_module(r, filename, &m, &err);
    if (rc != WASM_OK) {
        failf(r, "%s %s: load failed (%s): %s", kind, filename, status_name(rc), err.message);
        return;
    }
    wasm_instance *inst;
    rc = instantiate(r, m, &inst, &err);
    if (rc == WASM_TRAP && want == WASM_ERR_UNINSTANTIABLE)
        rc = WASM_ERR_UNINSTANTIABLE;
    if (rc == WASM_OK) {
        failf(r, "%s %s: instantiated, expected %s \"%s\"", kind, filename, status_name(want), text);
    } else if (rc != want) {
        failf(r, "%s %s: %s \"%s\", expected %s \"%s\"", kind, filename, status_name(rc),
              err.message, status_name(want), text);
    } else {
        check_text(r, text, err.message);
        pass(r);
    }
}

static void run_command(struct runner *r, const struct json_value *c)
{
    const char *type = json_get_string(c, "type");
    const struct json_value *line = json_get(c, "line");
    r->line = line && line->kind == JSON_NUMBER ? atoi(line->text) : 0;
    if (!type)
        failf(r, "command without type");
    else if (!strcmp(type, "module"))
        cmd_module(r, c);
    else if (!strcmp(type, "register"))
        cmd_register(r, c);
    else if (!strcmp(type, "action"))
        cmd_action(r, c);
    else if (!strcmp(type, "assert_return"))
        cmd_assert_return(r, c);
    else if (!strcmp(type, "assert_trap"))
        cmd_assert_trap(r, c, "assert_trap");
    else if (!strcmp(type, "assert_exhaustion"))
        cmd_assert_trap(r, c, "assert_exhaustion");
    else if (!strcmp(type, "assert_invalid"))
        cmd_assert_load_error(r, c, type, WASM_ERR_INVALID);
    else if (!strcmp(type, "assert_malformed"))
        cmd_assert_load_error(r, c, type, WASM_ERR_MALFORMED);
    else if (!strcmp(type, "assert_unlinkable"))
        cmd_assert_link_error(r, c, type, WASM_ERR_UNLINKABLE);
    else if (!strcmp(type, "assert_uninstantiable"))
        cmd_assert_link_error(r, c, type, WASM_ERR_UNINSTANTIABLE);
    else
        failf(r, "unknown command type \"%s\"", type);
    fflush(stdout);
}

int main(int argc, char **argv)
{
    struct runner r;
    memset(&r, 0, sizeof(r));
    int argi = 1;
    bool guard = false;
    for (; argi < argc - 1; argi++) {
        if (!strcmp(argv[argi], "-v"))
            r.verbose = true;
        else if (!strcmp(argv[argi], "--bounds=guard"))
            guard = true;
        else if (strcmp(argv[argi], "--bounds=check") != 0)
            break;
    }
    if (argi != argc - 1) {
        fprintf(stderr, "usage: spec_runner [-v] [--bounds=guard|check] DIR/NAME.json\n");
        return 2;
    }
    const char *json_path = argv[argi];
    char *dir = strdup(json_path);
    char *slash = strrchr(dir, '/');
    if (slash)
        *slash = 0;
    else
        strcpy(dir, ".");
    r.dir = dir;
    const char *base = strrchr(json_path, '/');
    char *file = strdup(base ? base + 1 : json_path);
    char *dot = strstr(file, ".json");
    if (dot)
        *dot = 0;
    r.file = file;

    size_t len;
    char *text = (char *)read_file(json_path, &len);
    if (!text) {
        printf("FAIL %s  cannot read %s\nspec-counts: 0 1 0 0\n", file, json_path);
        return 1;
    }
    char err[256];
    struct json_doc *doc = json_parse(text, len, err, sizeof(err));
    free(text);
    const struct json_value *commands = doc ? json_get(json_root(doc), "commands") : NULL;
    if (!commands || commands->kind != JSON_ARRAY) {
        printf("FAIL %s  bad JSON: %s\nspec-counts: 0 1 0 0\n", file, doc ? "no commands" : err);
        return 1;
    }

    struct wasm_limits limits = {.max_memory_pages = 65536, .fuel = FUEL_PER_CALL,
                                 .guard_pages = guard};
    r.store = wasm_store_new(&limits);
    r.linker = r.store ? wasm_linker_new(r.store) : NULL;
    r.exec = r.store ? wasm_exec_new(r.store) : NULL;
    if (!r.linker || !r.exec || define_spectest(r.linker) != WASM_OK) {
        printf("FAIL %s  cannot create the store or the spectest module\nspec-counts: 0 1 0 0\n", file);
        return 1;
    }
    for (size_t i = 0; i < commands->count; i++)
        run_command(&r, commands->items[i]);

    if (r.shown > MAX_SHOWN && !r.verbose)
        printf("  ... %u more failures (run with -v to see all)\n", r.shown - MAX_SHOWN);
    char extra[128] = "";
    if (r.skipped)
        snprintf(extra, sizeof(extra), ", %u skipped%s", r.skipped,
                 r.skipped_v128 ? " (some need v128)" : "");
    if (r.text_mismatches)
        snprintf(extra + strlen(extra), sizeof(extra) - strlen(extra), " (%u error texts differ)",
                 r.text_mismatches);
    if (guard)
        snprintf(extra + strlen(extra), sizeof(extra) - strlen(extra), " (guard pages: %lu faults trapped)",
                 guard_fault_count());
    if (r.failed)
        printf("FAIL %s  %u passed, %u failed%s\n", file, r.passed, r.failed, extra);
    else
        printf("ok %s  %u passed%s\n", file, r.passed, extra);
    printf("spec-counts: %u %u %u %u\n", r.passed, r.failed, r.skipped, r.skipped_v128);

    wasm_store_free(r.store);
    for (size_t i = 0; i < r.module_count; i++) {
        wasm_module_free(r.modules[i]);
        free(r.buffers[i]);
    }
    for (uint32_t i = 0; i < r.named_count; i++)
        free(r.named[i].name);
    free(r.modules);
    free(r.buffers);
    json_free(doc);
    free(dir);
    free(file);
    return r.failed ? 1 : 0;
}
