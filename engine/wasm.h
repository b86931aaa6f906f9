/* engine/wasm.h — the walos WebAssembly engine: public contract.
 *
 * Portable C11, no OS dependency. The engine reaches the outside only through
 * include/walos/platform.h (allocation, memory reservation) and through what the embedder passes in
 * here (host functions, limits, the interrupt flag). Embedders: host/ (walos-run, tests), kernel/proc.
 *
 * Objects and lifetimes
 *   wasm_module    decoded and validated module. Keeps a pointer to the caller's bytes, which must
 *                  stay alive and unchanged until wasm_module_free (functions are translated lazily,
 *                  on first call, from those bytes).
 *   wasm_store     owns every runtime object: instances, functions, tables, memories, globals and
 *                  host functions created in it. wasm_store_free frees them all at once. Objects of
 *                  one store never reference another store's. A walos process is one store.
 *   wasm_linker    name space of definitions (module, name) -> extern, used to resolve imports:
 *                  host functions, host globals/tables/memories, and other instances' exports
 *                  (the spec's `register`). Lives in a store.
 *   wasm_exec      one thread of wasm execution: value stack + control stack + status. Resumable.
 *                  Wasm calls never recurse on the C stack: a host C stack use is constant.
 *
 * Values cross the API as uint64_t slots: i32 zero-extended, i64 as is, f32/f64 as their bit
 * patterns (low 32 bits for f32), references as wasm_ref (0 = null; a funcref is the address of the
 * wasm_func; an externref is whatever non-zero value the embedder chose).
 *
 * Errors: functions that can fail return 0 (WASM_OK) or a non-zero code and fill an optional
 * caller-provided `struct wasm_error` with a one-line message. Load errors name the byte offset and the
 * rule broken: "offset 0x1f: malformed: unexpected end of section". Trap messages are the spec's
 * wording, from one table (wasm_trap_message).
 *
 * Threading: an exec runs on one host thread at a time. wasm_exec_interrupt may be called from
 * anywhere (another thread, a signal or interrupt handler). A module's functions are translated
 * lazily by the first exec that calls them, without a lock: execs running instances of one module
 * must not run on several threads at once (one module per process, as walos does, is fine). */
#ifndef ENGINE_WASM_H
#define ENGINE_WASM_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

typedef struct wasm_module wasm_module;
typedef struct wasm_store wasm_store;
typedef struct wasm_linker wasm_linker;
typedef struct wasm_instance wasm_instance;
typedef struct wasm_exec wasm_exec;
typedef struct wasm_func wasm_func;
typedef struct wasm_table wasm_table;
typedef struct wasm_memory wasm_memory;
typedef struct wasm_global wasm_global;
typedef uint64_t wasm_ref;

/* ---- status and error codes ------------------------------------------------------------------ */

enum wasm_status {
    WASM_OK = 0,     /* success; for exec: the call returned, results are available */
    WASM_TRAP,       /* exec: the call trapped; wasm_exec_trap() says why. It cannot be resumed. */
    WASM_EXIT,       /* exec: a host function ended the instance with a status (proc_exit) */
    WASM_BLOCK,      /* exec: a host function could not complete yet; resume retries the call */
    WASM_YIELD,      /* exec: the interrupt flag was seen at a safepoint; resume continues */
    WASM_ERR_MALFORMED,  /* load: not a well-formed binary */
    WASM_ERR_INVALID,    /* load: well-formed but fails validation */
    WASM_ERR_UNLINKABLE, /* instantiate: an import is missing or of the wrong type */
    WASM_ERR_UNINSTANTIABLE, /* instantiate: a segment does not fit (trap during instantiation) */
    WASM_ERR_NOMEM,      /* allocation failed or a limit was hit */
    WASM_ERR_ARG,        /* API misuse: wrong argument (e.g. resume of an exec that is not suspended) */
};

struct wasm_error {
    int code;          /* enum wasm_status */
    char message[256]; /* one line, NUL-terminated */
};

/* ---- traps: one table, the spec's wording (grep ORDER TRAP) -------------------------------- */

enum wasm_trap {
    WASM_TRAP_NONE = 0,
    WASM_TRAP_UNREACHABLE,          /* "unreachable" */
    WASM_TRAP_MEMORY_OOB,           /* "out of bounds memory access" */
    WASM_TRAP_TABLE_OOB,            /* "out of bounds table access" */
    WASM_TRAP_UNDEFINED_ELEMENT,    /* "undefined element" */
    WASM_TRAP_UNINITIALIZED_ELEMENT,/* "uninitialized element" */
    WASM_TRAP_INDIRECT_CALL_TYPE,   /* "indirect call type mismatch" */
    WASM_TRAP_INTEGER_OVERFLOW,     /* "integer overflow" */
    WASM_TRAP_INTEGER_DIVIDE_BY_ZERO, /* "integer divide by zero" */
    WASM_TRAP_INVALID_CONVERSION,   /* "invalid conversion to integer" */
    WASM_TRAP_STACK_EXHAUSTED,      /* "call stack exhausted" */
    WASM_TRAP_NULL_REFERENCE,       /* "null reference" (reserved for later proposals) */
    WASM_TRAP_OUT_OF_FUEL,          /* "all fuel consumed" */
    WASM_TRAP_HOST,                 /* a host function trapped; the message is the host's */
    WASM_TRAP_COUNT
};

/* The spec's message for a trap code; never NULL. */
const char *wasm_trap_message(enum wasm_trap trap);

/* ---- value types ---------------------------------------------------------------------------- */

enum wasm_valtype {
    WASM_I32 = 0x7f,
    WASM_I64 = 0x7e,
    WASM_F32 = 0x7d,
    WASM_F64 = 0x7c,
    WASM_V128 = 0x7b,      /* not yet supported: modules using it are refused as invalid for now */
    WASM_FUNCREF = 0x70,
    WASM_EXTERNREF = 0x6f,
};

enum wasm_extern_kind {
    WASM_EXTERN_FUNC = 0,
    WASM_EXTERN_TABLE = 1,
    WASM_EXTERN_MEMORY = 2,
    WASM_EXTERN_GLOBAL = 3,
};

/* A function type as seen through the API. The arrays belong to the module or store it came from. */
struct wasm_functype {
    uint32_t param_count;
    uint32_t result_count;
    const uint8_t *params;  /* enum wasm_valtype each */
    const uint8_t *results;
};

struct wasm_extern {
    enum wasm_extern_kind kind;
    union {
        wasm_func *func;
        wasm_table *table;
        wasm_memory *memory;
        wasm_global *global;
    } of;
};

/* ---- modules -------------------------------------------------------------------------------- */

struct wasm_load_options {
    bool keep_names;     /* keep the `name` custom section for backtraces (default true if NULL) */
};

/* Decodes and validates a whole module (validation is eager; translation of function bodies to
 * internal code is lazy, on first call). `bytes` must outlive the module. Returns 0 and *out, or
 * WASM_ERR_MALFORMED / WASM_ERR_INVALID / WASM_ERR_NOMEM with err filled. Never crashes on any input. */
int wasm_module_load(const uint8_t *bytes, size_t len, const struct wasm_load_options *opts,
                     wasm_module **out, struct wasm_error *err);
void wasm_module_free(wasm_module *m);

/* Imports and exports of a module, for embedders that resolve them by hand or list them. */
struct wasm_import_info {
    const char *module;   /* NUL-terminated copies owned by the module */
    const char *name;
    enum wasm_extern_kind kind;
    struct wasm_functype functype; /* kind == FUNC */
};
uint32_t wasm_module_import_count(const wasm_module *m);
void wasm_module_import(const wasm_module *m, uint32_t index, struct wasm_import_info *out);
uint32_t wasm_module_export_count(const wasm_module *m);
/* Name and kind of export `index`; the name is owned by the module. */
const char *wasm_module_export(const wasm_module *m, uint32_t index, enum wasm_extern_kind *kind_out);

/* ---- stores and limits ---------------------------------------------------------------------- */

struct wasm_limits {
    uint32_t max_memory_pages; /* cap on any memory's size in 64 KiB pages (0: 65536) */
    uint32_t max_table_elems;  /* cap on any table's size (0: 10,000,000) */
    uint32_t value_stack_slots;/* value stack of each exec, in 8-byte slots (0: 1 Mi slots = 8 MiB) */
    uint32_t call_depth;       /* max nested wasm calls (0: 100,000); beyond: "call stack exhausted" */
    uint64_t fuel;             /* 0: unlimited. Otherwise about one unit per executed instruction,
                                  checked at safepoints; exhausted: trap "all fuel consumed" */
    bool guard_pages;          /* guard-page mode: see "Guard-page mode" below. The embedder must
                                  then turn faults into traps (wasm_exec_fault_*) */
};
/* Memory per exec (wasm_exec_new): value_stack_slots * 8 bytes + call_depth * 32 bytes, allocated
 * once with plat_alloc (defaults: 8 MiB + 3.2 MiB, touched only as deep as the program goes).
 * Fuel: charged 1 per function entry and (loop body size in code words / 4) per loop back-edge. */

/* NULL limits = defaults. Returns NULL when out of memory. */
wasm_store *wasm_store_new(const struct wasm_limits *limits);
void wasm_store_free(wasm_store *s);

/* Opaque embedder data attached to the store (a walos process, a WASI context). */
void wasm_store_set_userdata(wasm_store *s, void *data);
void *wasm_store_userdata(const wasm_store *s);

/* ---- host functions ------------------------------------------------------------------------- */

/* A host function. `slots` holds the arguments in order (slots[0..param_count)) and receives the
 * results in slots[0..result_count) (the same array: read arguments before writing results).
 * `mem`/`mem_size` are the caller instance's memory 0 (NULL/0 when it has none); guest pointers must
 * be checked against mem_size before use. Returns:
 *   WASM_OK                  results written;
 *   wasm_host_trap(...)      the call traps with the given message;
 *   wasm_host_exit(...)      the instance ends with a status (not a trap);
 *   WASM_BLOCK               the call cannot complete yet: nothing was done, the exec is suspended
 *                            before the call and a later wasm_exec_resume calls it again with the
 *                            same arguments (the embedder sleeps or parks the exec meanwhile). */
struct wasm_host_call {
    wasm_exec *exec;          /* the calling exec */
    wasm_instance *instance;  /* the calling instance */
    void *host_data;          /* as given to wasm_linker_define_func */
};
typedef int (*wasm_host_fn)(struct wasm_host_call *call, uint64_t *slots, uint8_t *mem,
                            uint64_t mem_size);

/* Called from inside a host function: record a trap / an exit and return the status to pass back. */
int wasm_host_trap(struct wasm_host_call *call, const char *message);
int wasm_host_exit(struct wasm_host_call *call, int32_t status);

/* ---- linker: definitions by (module, name) -------------------------------------------------- */

wasm_linker *wasm_linker_new(wasm_store *s);   /* owned by the store */

/* Defines a host function. `signature` lists params then results: "(iI)f" is (i32, i64) -> f32;
 * letters: i i32, I i64, f f32, F f64, r externref, R funcref. Strings are copied. Returns 0 or
 * WASM_ERR_ARG (bad signature) / WASM_ERR_NOMEM. A later definition of the same name replaces it. */
int wasm_linker_define_func(wasm_linker *l, const char *module, const char *name,
                            const char *signature, wasm_host_fn fn, void *host_data);
/* Host-created globals, tables and memories (the spec tests' `spectest` module uses them). */
int wasm_linker_define_global(wasm_linker *l, const char *module, const char *name,
                              enum wasm_valtype type, bool mutable_, uint64_t value);
int wasm_linker_define_table(wasm_linker *l, const char *module, const char *name,
                             enum wasm_valtype elem_type, uint32_t min, uint32_t max_or_ffffffff);
int wasm_linker_define_memory(wasm_linker *l, const char *module, const char *name,
                              uint32_t min_pages, uint32_t max_pages_or_ffffffff);
/* Defines every export of `inst` under module name `module` (the spec's `register`). */
int wasm_linker_define_instance(wasm_linker *l, const char *module, wasm_instance *inst);

/* Instantiates `m` in the linker's store: resolves every import by (module, name) and checks its type
 * (unknown import / incompatible import type -> WASM_ERR_UNLINKABLE naming module.name), allocates
 * memories/tables/globals, applies active element and data segments (out of bounds ->
 * WASM_ERR_UNINSTANTIABLE with the trap message). It does NOT run the start function: the embedder
 * calls wasm_instance_start_func() on an exec like any call (a trap there means the instance is
 * unusable, as the spec says). The module must outlive the instance. */
int wasm_linker_instantiate(wasm_linker *l, wasm_module *m, wasm_instance **out,
                            struct wasm_error *err);

/* ---- instances ------------------------------------------------------------------------------ */

/* Looks up an export by name. Returns 0 and *out, or WASM_ERR_ARG when there is none. */
int wasm_instance_export(wasm_instance *inst, const char *name, struct wasm_extern *out);
/* The same for a name given by length (export names may contain NUL bytes). */
int wasm_instance_export_n(wasm_instance *inst, const char *name, size_t name_len,
                           struct wasm_extern *out);
/* Convenience: the exported function `name`, or NULL. */
wasm_func *wasm_instance_func(wasm_instance *inst, const char *name);
/* The start function, or NULL when the module has none. */
wasm_func *wasm_instance_start_func(wasm_instance *inst);
/* Memory 0 of the instance, or NULL. */
wasm_memory *wasm_instance_memory(wasm_instance *inst);
wasm_store *wasm_instance_store(wasm_instance *inst);
const wasm_module *wasm_instance_module(wasm_instance *inst);

void wasm_func_type(const wasm_func *f, struct wasm_functype *out);

uint64_t wasm_global_get(const wasm_global *g);
void wasm_global_set(wasm_global *g, uint64_t value);   /* embedder use; no mutability check */
enum wasm_valtype wasm_global_type(const wasm_global *g);
bool wasm_global_mutable(const wasm_global *g);

/* Base and current size in bytes. The base stays valid until the next memory.grow, or for the
 * memory's life when it is reserved (see "linear memories" below: the base never moves). */
uint8_t *wasm_memory_data(wasm_memory *mem);
uint64_t wasm_memory_size(const wasm_memory *mem);
/* Grows by delta pages; returns the old size in pages or -1 (limit/max reached or no memory). */
int64_t wasm_memory_grow(wasm_memory *mem, uint32_t delta_pages);

uint32_t wasm_table_size(const wasm_table *t);
/* Returns 0, or WASM_ERR_ARG when index is out of range. */
int wasm_table_get(const wasm_table *t, uint32_t index, wasm_ref *out);

/* ---- execution ------------------------------------------------------------------------------ */

/* A new exec in `s`, with the store's limits. NULL when out of memory. Freed with the store or by
 * wasm_exec_free. */
wasm_exec *wasm_exec_new(wasm_store *s);
void wasm_exec_free(wasm_exec *e);

/* Starts a call of `f` with args[0..param_count). Runs until it returns, traps, exits, blocks or
 * yields; returns that status (WASM_OK, WASM_TRAP, WASM_EXIT, WASM_BLOCK, WASM_YIELD) or
 * WASM_ERR_ARG when the exec is already in a call (suspended). After WASM_OK the results are in
 * wasm_exec_results(). */
int wasm_exec_call(wasm_exec *e, wasm_func *f, const uint64_t *args);
/* Continues a call suspended by WASM_YIELD or WASM_BLOCK exactly where it stopped; same returns. */
int wasm_exec_resume(wasm_exec *e);
/* Abandons a suspended call (the process is being killed); the exec can start a new call. */
void wasm_exec_reset(wasm_exec *e);

/* Results of the last call that returned WASM_OK: result_count slots, valid until the next call. */
const uint64_t *wasm_exec_results(const wasm_exec *e);

/* Asks the exec to return WASM_YIELD at its next safepoint (loop back-edge or call). Async-safe.
 * The flag is cleared when the exec yields. */
void wasm_exec_interrupt(wasm_exec *e);
/* The flag itself, for embedders that set it from a timer interrupt without a call. */
volatile uint32_t *wasm_exec_interrupt_flag(wasm_exec *e);

/* Fuel left (when the store has a fuel limit), and refill. */
uint64_t wasm_exec_fuel(const wasm_exec *e);
void wasm_exec_set_fuel(wasm_exec *e, uint64_t fuel);

/* After WASM_TRAP: the reason, and the message (the spec's, or the host's for WASM_TRAP_HOST). */
enum wasm_trap wasm_exec_trap(const wasm_exec *e);
const char *wasm_exec_trap_message(const wasm_exec *e);
/* After WASM_EXIT: the status passed to wasm_host_exit. */
int32_t wasm_exec_exit_status(const wasm_exec *e);

/* Backtrace of the trapped (or suspended) call, innermost first: up to `max` frames. Function names
 * come from the name section ("" when absent); code_offset is the byte offset of the current
 * instruction in the module. Returns the number of frames written. */
struct wasm_frame_info {
    uint32_t func_index;
    uint32_t code_offset;
    const char *func_name;
};
uint32_t wasm_exec_backtrace(const wasm_exec *e, struct wasm_frame_info *frames, uint32_t max);

/* ---- linear memories: reservations and guard-page mode ------------------------------------------
 *
 * Reserved memories. When plat_mem_reserve succeeds, a memory reserves once the largest size it may
 * reach (its max, capped by limits.max_memory_pages) and memory.grow only commits pages
 * (plat_mem_commit): no copy, the base never moves. When it fails (or the platform has none), the
 * bytes come from plat_alloc and grow by plat_realloc (the base moves on grow). Both keep an explicit
 * bounds check on every load and store.
 *
 * Guard-page mode (limits.guard_pages). A memory reserves WASM_GUARD_RESERVE bytes instead: a
 * load/store address is (u32 base operand) + (u32 offset immediate) < 2^33 - 1, plus at most 8 bytes
 * of access, so 8 GiB + 64 KiB of reservation holds every address a load or store can form; only
 * [data, data + size) is committed, everything above faults. Loads and stores of a module whose
 * memory 0 is such a region are translated without the bounds check (ops.h EXEC_OPS_MEMORY_GUARD);
 * bulk operations (memory.fill/copy/init) and host functions keep checking against mem_size. When
 * the guard reservation fails, the memory falls back to a checked one (a module is bound to one
 * mode by its first instance: instantiating it later on a memory of the other kind fails with
 * WASM_ERR_NOMEM). Address space: 8 GiB per memory, nothing committed beyond its size.
 *
 * The embedder's fault handler (SIGSEGV/SIGBUS on POSIX, #PF in the kernel) turns a fault in the
 * guard region into a trap of that call only:
 *   1. wasm_exec_fault_in_guard(e, addr) for the exec running on this thread: true when addr lies in
 *      the reserved-but-uncommitted part of the running instance's guard memory;
 *   2. wasm_exec_fault_trap(e, ip_hint): records the trap "out of bounds memory access" (exec DONE,
 *      as an explicit check's trap would: wasm_exec_trap, backtrace) and returns WASM_TRAP;
 *   3. the embedder unwinds to where it called wasm_exec_call/resume (siglongjmp, or the kernel's
 *      trap_catch) and treats that call as having returned WASM_TRAP.
 * This is safe because a fault in the guard region can only come from a load/store handler, which
 * holds no lock, allocates nothing and leaves the exec consistent (frames, instance) between
 * instructions. ip_hint: the interpreter's instruction pointer if the embedder can read it from the
 * faulting context (x86-64: rdi, the handlers' first argument), else 0; it is used only when it
 * points into the running function's code (a precise backtrace), never trusted otherwise.
 *
 * Measured (2026-11-26, shared 2-core machine under load; min CPU seconds of 3 interleaved runs of
 * each mode): walos-run --bounds=guard / --bounds=check over the ten bench programs (../shared/bench
 * plus memops-bulk): geomean 0.97 (matmul 0.85, memops 0.87 then 1.01 in a second run, nbody
 * 0.95, fib 0.97, sha256 0.98, qsort 1.00, strmalloc 0.99, interp 1.02, memops-bulk 1.02, sieve
 * 1.06 and 1.05): a guard load handler is 10 instructions against 13, and on a native CPU the
 * check is a compare and a well-predicted branch, so the two are within the noise. In the kernel
 * under QEMU TCG (proc.bounds=alternate, one boot, a sieve + array-pass loop) the rounds took
 * 56.7/33.9/30.5 s checked and 46.2/40.7/35.7 s guarded: no difference the load lets us see.
 * Defaults: the kernel uses guard mode (the design's fast path, a few percent on native CPUs, and
 * its fault path is tested; proc.bounds=check switches), walos-run explicit checks (no signal
 * handler, no 8 GiB reservations in a host process; --bounds=guard switches). */
#define WASM_GUARD_RESERVE ((8ULL << 30) + 65536)

bool wasm_exec_fault_in_guard(const wasm_exec *e, uintptr_t addr);
int wasm_exec_fault_trap(wasm_exec *e, uintptr_t ip_hint);

#endif
