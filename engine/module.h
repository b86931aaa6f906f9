/* engine/module.h — the decoded module: internal structure shared by decode, validate, translate and
 * instantiate (an engine-internal header: not for embedders, who see only engine/wasm.h).
 *
 * Who checks what (the split between engine/decode.c and engine/validate.c)
 *   decode.c (module_decode) reads the binary format and rejects MALFORMED input (WASM_ERR_MALFORMED):
 *     magic/version, section ids/order/sizes ("unexpected end", "section size mismatch", "unexpected
 *     content after last section", "junk after last section" for size/content mismatches), LEB128 too
 *     long or out of range ("integer representation too long", "integer too large"), unknown section
 *     ids ("malformed section id"), names that are not UTF-8 ("malformed UTF-8 encoding"), type/elem/
 *     import kind bytes ("malformed import kind", "malformed reference type", "integer too large" for
 *     limits flags, "malformed mutability"), function/code count mismatch ("function and code section
 *     have inconsistent lengths"), data count mismatch ("data count and data section have inconsistent
 *     lengths"), "too many locals" (more than 2^32-1 in total, or more than MODULE_MAX_LOCALS), and the
 *     extent of each constant expression (see struct wasm_const_expr).
 *     It also interns function types (canonical ids) and copies names (import/export names, the
 *     `name` section) into NUL-terminated strings owned by the module.
 *   validate.c (validate_module, engine/validate.h) then checks everything else, on a module that
 *     decoded without error: every function body (operand types, control structure, immediates in
 *     range, alignment, "END opcode expected", memory.grow/size reserved byte, data count required for
 *     memory.init/data.drop, ...), every constant expression (allowed opcodes, types, global.get only
 *     of imported immutable globals, ref.func indices), and module-level rules: index spaces (type,
 *     function, table, memory, global, elem, data indices in range), limits (min <= max, memory at
 *     most 65536 pages, table limits), at most one memory, unique export names, start function type
 *     [] -> [], segment modes vs tables/memories, element types vs tables, the set of functions
 *     declared for ref.func (C.refs). Bodies with an error that the spec calls malformed (bad opcode,
 *     LEB128 in an immediate, zero byte expected) are reported as WASM_ERR_MALFORMED by the validator.
 *   Messages are "offset 0x..: <rule>" with the spec test suite's wording for <rule>.
 *
 * Memory: a wasm_module is one allocation tree made by module_decode and freed by module_free; every
 * array below is owned by the module. `bytes` is the caller's buffer (wasm_module_load), never copied:
 * all *_off fields are byte offsets into it. Everything is read-only after decode, except the per-
 * function lazy translation state (`code`), which the translator fills on first call. */
#ifndef ENGINE_MODULE_H
#define ENGINE_MODULE_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#include "engine/wasm.h"

#define MODULE_MAX_LOCALS 50000      /* params + locals of one function; more: "too many locals" */
#define MODULE_MAX_TYPE_ARITY 1000   /* params or results of one function type */
#define MODULE_PAGE_SIZE 65536u
#define MODULE_MAX_PAGES 65536u      /* 4 GiB of 32-bit memory */
#define MODULE_NO_MAX UINT64_MAX      /* limits.max when absent (max itself may be 2^32-1) */
#define MODULE_NO_START 0xffffffffu  /* start when absent */

/* Section ids (spec 5.5.2), in the order they must appear (data count sits between import/export
 * stuff and code: grep ORDER SECTION in decode.c). */
enum module_section {
    MODULE_SEC_CUSTOM = 0,
    MODULE_SEC_TYPE = 1,
    MODULE_SEC_IMPORT = 2,
    MODULE_SEC_FUNCTION = 3,
    MODULE_SEC_TABLE = 4,
    MODULE_SEC_MEMORY = 5,
    MODULE_SEC_GLOBAL = 6,
    MODULE_SEC_EXPORT = 7,
    MODULE_SEC_START = 8,
    MODULE_SEC_ELEMENT = 9,
    MODULE_SEC_CODE = 10,
    MODULE_SEC_DATA = 11,
    MODULE_SEC_DATA_COUNT = 12,
};

/* A function type. Types are interned per module: `canon` is the index of the first type in the
 * module's type section that is structurally equal (so two indices denote the same type iff their
 * canon is equal). The store maps canon ids to store-wide ids at instantiation, so call_indirect
 * compares one integer even across modules. */
struct module_type {
    uint32_t param_count;
    uint32_t result_count;
    uint8_t *params;        /* enum wasm_valtype each; owned by the module */
    uint8_t *results;
    uint32_t canon;         /* canonical type index within this module */
    uint32_t param_slots;   /* 8-byte slots taken by the params (v128 will take 2) */
    uint32_t result_slots;
};

struct module_limits {
    uint32_t min;
    uint64_t max;           /* MODULE_NO_MAX when absent */
};

struct module_table_type {
    uint8_t elem_type;      /* WASM_FUNCREF or WASM_EXTERNREF */
    struct module_limits limits;
};

struct module_global_type {
    uint8_t type;           /* enum wasm_valtype */
    bool mutable_;
};

/* A constant expression: the bytes [off, off + len) of the module, from the first instruction up to
 * and including the final `end` (0x0b). The decoder finds the end by skipping instructions it knows
 * the immediates of (the constant opcodes, plus the numeric ones without immediates so that the
 * validator can name them); any other opcode stops the decode with WASM_ERR_INVALID "constant
 * expression required". Whether the expression is valid (allowed opcodes, one value of the right
 * type, global indices) is the validator's job; instantiate evaluates it. */
struct wasm_const_expr {
    uint32_t off;
    uint32_t len;
};

/* One import. Imports come first in their index space (function imports are functions
 * 0..func_import_count-1, and so on). */
struct module_import {
    char *module;           /* NUL-terminated copies (names may contain NUL: then compare name_len) */
    char *name;
    uint32_t module_len;
    uint32_t name_len;
    uint8_t kind;           /* enum wasm_extern_kind */
    uint32_t offset;        /* byte offset of this import entry, for messages */
    union {
        uint32_t func_type;                 /* WASM_EXTERN_FUNC: type index (validator: in range) */
        struct module_table_type table;     /* WASM_EXTERN_TABLE */
        struct module_limits memory;        /* WASM_EXTERN_MEMORY */
        struct module_global_type global;   /* WASM_EXTERN_GLOBAL */
    } desc;
};

/* A run of local declarations in a body: `count` locals of `type`. */
struct module_local_run {
    uint32_t count;
    uint8_t type;
};

struct translate_code;      /* internal code of one function (engine/translate.h) */

/* A function of the function index space. For imported functions only `type` and `import` are set.
 * For defined ones, the body is bytes[body_off, body_off + body_len) (as in the code section, after
 * the size: starting with the local declarations), and the instructions start at code_off and end
 * with the function's final `end` at body_off + body_len - 1. */
struct module_func {
    uint32_t type;              /* type index (validator checks it is in range) */
    bool imported;
    uint32_t import;            /* index into imports[] when imported */
    uint32_t body_off;
    uint32_t body_len;
    uint32_t code_off;          /* first instruction */
    uint32_t local_count;       /* declared locals, not counting params */
    uint32_t local_run_count;
    struct module_local_run *local_runs;
    struct translate_code *code;/* lazy translation: NULL until first call (owned by the module) */
};

struct module_global {
    struct module_global_type type;
    bool imported;
    uint32_t import;            /* index into imports[] when imported */
    struct wasm_const_expr init;/* defined globals only */
};

struct module_export {
    char *name;                 /* NUL-terminated copy */
    uint32_t name_len;
    uint8_t kind;               /* enum wasm_extern_kind */
    uint32_t index;             /* in the kind's index space (validator: in range) */
    uint32_t offset;            /* byte offset of the entry, for messages */
};

enum module_segment_mode {
    MODULE_SEG_ACTIVE = 0,
    MODULE_SEG_PASSIVE = 1,
    MODULE_SEG_DECLARATIVE = 2, /* element segments only */
};

/* An element segment (spec 5.5.12, flags 0..7 decoded into one shape). Items are either function
 * indices (flags 0-3: `func_indices`, elem_type WASM_FUNCREF) or constant expressions (flags 4-7:
 * `exprs`); exactly one of the two arrays is non-NULL when item_count > 0. */
struct module_elem {
    uint8_t mode;               /* enum module_segment_mode */
    uint8_t elem_type;          /* WASM_FUNCREF or WASM_EXTERNREF */
    uint32_t table;             /* active only */
    struct wasm_const_expr offset_expr; /* active only */
    uint32_t item_count;
    uint32_t *func_indices;
    struct wasm_const_expr *exprs;
    uint32_t offset;            /* byte offset of the segment, for messages */
};

struct module_data {
    uint8_t mode;               /* MODULE_SEG_ACTIVE or MODULE_SEG_PASSIVE */
    uint32_t memory;            /* active only */
    struct wasm_const_expr offset_expr; /* active only */
    uint32_t data_off;          /* the bytes: bytes[data_off, data_off + data_len) */
    uint32_t data_len;
    uint32_t offset;            /* byte offset of the segment, for messages */
};

struct module_custom {
    char *name;                 /* NUL-terminated copy */
    uint32_t off;               /* contents after the name */
    uint32_t len;
};

struct wasm_module {
    const uint8_t *bytes;       /* the caller's buffer (see wasm_module_load) */
    size_t len;

    uint32_t type_count;
    struct module_type *types;

    uint32_t import_count;
    struct module_import *imports;

    /* index spaces: imports first, then definitions */
    uint32_t func_count;        /* imported + defined */
    uint32_t func_import_count;
    struct module_func *funcs;

    uint32_t table_count;
    uint32_t table_import_count;
    struct module_table_type *tables;

    uint32_t memory_count;
    uint32_t memory_import_count;
    struct module_limits *memories;

    uint32_t global_count;
    uint32_t global_import_count;
    struct module_global *globals;

    uint32_t export_count;
    struct module_export *exports;

    uint32_t start;             /* function index or MODULE_NO_START */
    uint32_t start_offset;      /* byte offset of the start section's index, for messages */

    uint32_t elem_count;
    struct module_elem *elems;

    bool has_data_count;        /* a data count section was present */
    uint32_t data_count;        /* its value (equals data_seg_count when present) */
    uint32_t data_seg_count;
    struct module_data *datas;

    uint32_t code_section_off;  /* byte offset of the code section's contents (0: none) */

    uint32_t custom_count;
    struct module_custom *customs;

    /* `name` section, function names subsection: func_names[i] is function i's name or NULL.
     * NULL array when absent or when names are not kept. Malformed name sections are ignored (the
     * spec says custom sections never make a module malformed). */
    char **func_names;
    char *module_name;

    /* How loads and stores are translated, fixed by the first instantiation whose memory 0 exists
     * (runtime.c): MODULE_MEM_GUARD when that memory is a guard-page reservation (unchecked
     * accesses, engine/wasm.h), MODULE_MEM_CHECKED otherwise. Later instances must agree. */
    uint8_t mem_mode;
};
enum { MODULE_MEM_UNSET = 0, MODULE_MEM_CHECKED = 1, MODULE_MEM_GUARD = 2 };

/* Decodes `bytes` into a new module (malformed checks only, see above). Returns WASM_OK and *out,
 * or WASM_ERR_MALFORMED / WASM_ERR_INVALID ("constant expression required") / WASM_ERR_NOMEM with
 * err filled ("offset 0x..: <rule>"); on error nothing is allocated. */
int module_decode(const uint8_t *bytes, size_t len, bool keep_names, struct wasm_module **out,
                  struct wasm_error *err);
/* Frees the module and everything it owns, including translated code. NULL is a no-op. */
void module_free(struct wasm_module *m);

/* Type of function `func_index` (which must be < m->func_count and have a valid type index). */
static inline const struct module_type *module_func_type(const struct wasm_module *m,
                                                          uint32_t func_index)
{
    return &m->types[m->funcs[func_index].type];
}

/* Fills err with "offset 0x<off>: <msg>" and code; returns code (for `return module_error(...)`). */
int module_error(struct wasm_error *err, int code, uint32_t off, const char *msg);

#endif
