/* engine/validate_priv.h — internals shared by validate.c (module level, constant expressions) and
 * validate_code.c (function bodies). Not for other engine files: they use engine/validate.h. */
#ifndef ENGINE_VALIDATE_PRIV_H
#define ENGINE_VALIDATE_PRIV_H

#include "engine/module.h"
#include "engine/reader.h"

#define VALIDATE_UNKNOWN 0      /* the operand type of a polymorphic (unreachable) stack */

/* One entry of the control stack (spec appendix: ctrl_frame). A single-result block type keeps its
 * type in `single` so that no module storage is needed; use validate_ctrl_results(). */
struct validate_ctrl {
    uint8_t opcode;             /* 0x02 block, 0x03 loop, 0x04 if, 0x05 else, 0x00 function body */
    bool unreachable;
    uint8_t single;
    uint32_t height;            /* operand stack height at entry (after the params) */
    const uint8_t *params;
    const uint8_t *results;     /* NULL when the results are `single` (result_count 1) */
    uint32_t param_count;
    uint32_t result_count;
};

struct validate_ctx {
    const struct wasm_module *m;
    struct wasm_error *err;
    uint8_t *refs;              /* C.refs: bit i set when function i may be used by ref.func */

    /* scratch reused across functions (grown, never shrunk) */
    uint8_t *vals;              /* operand types; VALIDATE_UNKNOWN for unknown */
    uint32_t val_count, val_cap;
    struct validate_ctrl *ctrls;
    uint32_t ctrl_count, ctrl_cap;
    uint8_t *locals;            /* types of the current function's params then locals */
    uint32_t local_count, local_cap;

    /* the first error; later ones are ignored */
    int code;                   /* WASM_OK until an error */
    bool malformed_only;        /* re-scan after an invalid module: record MALFORMED errors only */
};

/* Records an error (the first one wins) and returns false. `rule` is the spec's wording; with
 * validate_fail_index it is followed by " <index>" ("unknown local 3"). */
bool validate_fail(struct validate_ctx *v, int code, uint32_t off, const char *rule);
bool validate_fail_index(struct validate_ctx *v, int code, uint32_t off, const char *rule,
                         uint32_t index);

/* Validates function `func_index` (a defined function). Returns false after recording an error. */
bool validate_function(struct validate_ctx *v, uint32_t func_index);

/* Reads a value type byte (0x7f i32 .. 0x6f externref); false with MALFORMED "malformed value type"
 * or INVALID for v128. */
bool validate_is_valtype(uint8_t t);

static inline bool validate_ref_declared(const struct validate_ctx *v, uint32_t func)
{
    return (v->refs[func >> 3] >> (func & 7)) & 1;
}

#endif
