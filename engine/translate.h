/* engine/translate.h — lazy translation of one function body to internal code (ops.h).
 *
 * Layer above: exec.c translates a function on its first call (and wasm_exec_call does for the entry
 * function). Below: module.h (the decoded module; bodies are read from the module's bytes). The body
 * must have passed validation (validate.c): the translator trusts types and indices, but still never
 * reads outside the body or the module's arrays, so an unvalidated body gives wrong code at worst. */
#ifndef ENGINE_TRANSLATE_H
#define ENGINE_TRANSLATE_H

#include <stdint.h>

#include "engine/module.h"

/* The internal code of one function; owned by its struct module_func (freed by translate_free). */
struct translate_code {
    uint32_t *words;        /* instructions (ops.h layout); words[0] is the `enter` op */
    uint32_t word_count;
    uint32_t frame_slots;   /* params + locals + the deepest operand stack, in slots */
    uint32_t param_slots;
    uint32_t local_slots;   /* params + declared locals */
    struct translate_pos *positions;    /* code word -> module byte offset, ascending */
    uint32_t position_count;
};

/* Where the instruction starting at code word `word` came from (for backtraces). */
struct translate_pos {
    uint32_t word;
    uint32_t offset;        /* byte offset of the wasm instruction in the module */
};

/* The module byte offset of the wasm instruction that emitted code word `word` (the nearest
 * position at or before it); 0 when unknown. */
uint32_t translate_offset_of(const struct translate_code *code, uint32_t word);

/* Translates function `func_index` (a defined function) of `m` and stores the result in
 * m->funcs[func_index].code. Returns WASM_OK (also when it was already translated), WASM_ERR_NOMEM,
 * or WASM_ERR_INVALID / WASM_ERR_MALFORMED with err filled when the body cannot be read. */
int translate_function(struct wasm_module *m, uint32_t func_index, struct wasm_error *err);

void translate_free(struct translate_code *code);

#endif
