/* engine/validate.h — validation of a decoded module (WebAssembly 2.0, spec chapter 3 "Validation",
 * with the algorithm of the appendix "Validation Algorithm" for function bodies).
 *
 * Runs after module_decode (engine/module.h says who checks what) and before anything is
 * instantiated or translated; engine-core's wasm_module_load calls it. It reads the module's bytes
 * (function bodies, constant expressions) in one streaming pass per function, with one operand-type
 * stack and one control stack reused across all functions: no allocation per instruction.
 *
 * SIMD (v128) is not supported yet: a module that uses v128 anywhere is refused as invalid with
 * "SIMD (v128) not supported". */
#ifndef ENGINE_VALIDATE_H
#define ENGINE_VALIDATE_H

#include "engine/module.h"

/* Validates `m` (which module_decode produced without error). Returns WASM_OK, or
 *   WASM_ERR_INVALID    a validation rule is broken ("type mismatch", "unknown local 3", ...),
 *   WASM_ERR_MALFORMED  a function body is not well formed (unknown opcode: "illegal opcode", bad
 *                       LEB128, "zero byte expected", "END opcode expected", "data count section
 *                       required"),
 *   WASM_ERR_NOMEM      the scratch stacks could not be allocated,
 * with err (optional) filled as "offset 0x<hex>: <rule>", the rule worded as in the spec test suite.
 * Reads m only; allocates scratch memory through plat_alloc and frees it before returning. Never
 * blocks; safe to call on different modules from different threads. */
int validate_module(const struct wasm_module *m, struct wasm_error *err);

#endif
