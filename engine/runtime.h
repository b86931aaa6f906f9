/* engine/runtime.h — runtime objects (store, instances, functions, tables, memories, globals, execs):
 * internals shared by runtime.c (store/linker/instantiate), exec.c and exec_ops*.c (the interpreter)
 * and translate.c. Not for embedders: they see the opaque types of engine/wasm.h.
 *
 * Ownership: the store owns every object below through its `objects` list (one allocation each,
 * freed by wasm_store_free). Instances point into their module (which must outlive them). */
#ifndef ENGINE_RUNTIME_H
#define ENGINE_RUNTIME_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#include "engine/wasm.h"
#include "engine/module.h"

/* Every runtime object starts with this header: the store frees them by walking the list. */
struct runtime_object {
    struct runtime_object *next;
    void (*destroy)(struct runtime_object *o);   /* frees what the object owns (not itself) */
};

/* A function type interned in the store: equal types have equal ids (call_indirect compares ids). */
struct runtime_type {
    uint32_t param_count, result_count;
    uint8_t *params, *results;
};

enum runtime_func_kind { RUNTIME_FUNC_WASM, RUNTIME_FUNC_HOST };

struct wasm_func {
    struct runtime_object obj;
    uint8_t kind;                   /* enum runtime_func_kind */
    uint32_t type_id;               /* store-wide interned type */
    const struct runtime_type *type;
    uint32_t param_slots, result_slots;
    /* wasm functions */
    struct wasm_instance *inst;     /* the defining instance */
    uint32_t index;                 /* index in the module's function space */
    struct module_func *mfunc;      /* the module's record (holds the lazily translated code) */
    const uint32_t *entry;          /* mfunc->code->words once translated and called; else NULL
                                       (host functions: always NULL) — the call fast path's test */
    /* host functions */
    wasm_host_fn host_fn;
    void *host_data;
};

struct wasm_table {
    struct runtime_object obj;
    uint8_t elem_type;
    uint32_t size;
    uint64_t max;                   /* MODULE_NO_MAX when none */
    wasm_ref *elems;
};

struct wasm_memory {
    struct runtime_object obj;
    uint8_t *data;                  /* NULL when size is 0 and nothing was reserved */
    uint64_t size;                  /* bytes: pages * 65536 */
    uint32_t pages;
    uint64_t max;                   /* pages; MODULE_NO_MAX when none */
    uint64_t reserved;              /* bytes reserved by plat_mem_reserve (0: plat_alloc'ed);
                                       [data, data + size) is committed, the rest faults */
    bool guard;                     /* a WASM_GUARD_RESERVE region: accesses go unchecked */
};

struct wasm_global {
    struct runtime_object obj;
    uint8_t type;
    bool mutable_;
    uint64_t value;
};

struct wasm_instance {
    struct runtime_object obj;
    struct wasm_store *store;
    struct wasm_module *module;
    struct wasm_func **funcs;       /* function index space (imports resolved) */
    struct wasm_table **tables;
    struct wasm_memory **memories;
    struct wasm_memory *mem0;       /* memories[0], or the store's empty memory */
    struct wasm_global **globals;
    uint32_t *type_ids;             /* module type index -> store type id */
    wasm_ref **elem_refs;           /* per element segment: its evaluated items */
    uint32_t *elem_len;             /* items left (0 once dropped, or for active/declarative ones) */
    bool *data_dropped;             /* per data segment (active ones are dropped after init) */
};

struct wasm_linker_entry {
    char *module;
    char *name;
    struct wasm_extern ext;
};

struct wasm_linker {
    struct runtime_object obj;
    struct wasm_store *store;
    uint32_t count, cap;
    struct wasm_linker_entry *entries;
};

struct wasm_store {
    struct wasm_limits limits;
    void *userdata;
    struct runtime_object *objects;
    uint32_t type_count, type_cap;
    struct runtime_type *types;
    struct wasm_memory empty_memory; /* mem0 of instances without memory: size 0 */
};

/* A frame record on the control stack (one per active wasm call). */
struct exec_frame {
    const uint32_t *ret_ip;         /* where the caller continues */
    uint64_t *fp;                   /* the caller's frame */
    struct wasm_instance *inst;     /* the caller's instance */
    struct wasm_func *func;         /* the callee (for backtraces) */
};

enum exec_state { EXEC_IDLE, EXEC_SUSPENDED, EXEC_DONE };

struct wasm_exec {
    struct runtime_object obj;
    struct wasm_store *store;
    volatile uint32_t interrupt;    /* set by wasm_exec_interrupt; checked at safepoints */
    int64_t fuel_left;              /* decremented at safepoints; < 0: out of fuel (or refill) */
    bool fuel_limited;
    uint64_t mem_size;              /* size of x->inst's memory 0, cached */
    struct wasm_instance *inst;     /* instance of the running function */
    uint64_t *stack, *stack_end;    /* value stack */
    struct exec_frame *frames, *frame_top, *frames_end; /* control stack */
    /* a call taking the slow path (exec.c call_slow_op) */
    struct wasm_func *pending_func;
    uint64_t *pending_args;
    const uint32_t *pending_ret;
    /* suspended state: where to continue */
    const uint32_t *ip;
    uint64_t *fp;
    uint8_t state;                  /* enum exec_state */
    uint32_t result_slots;
    /* outcome */
    enum wasm_trap trap;
    char trap_message[128];
    int32_t exit_status;
    const uint32_t *trap_ip;
};

/* store-internal */
void *runtime_object_new(struct wasm_store *s, size_t size, void (*destroy)(struct runtime_object *));
/* Interns a function type; returns its store id, or UINT32_MAX when out of memory. */
uint32_t runtime_type_intern(struct wasm_store *s, const uint8_t *params, uint32_t param_count,
                             const uint8_t *results, uint32_t result_count);
/* Grows a memory by delta pages: returns the old size in pages or -1. */
int64_t runtime_memory_grow(struct wasm_memory *mem, uint32_t delta, uint32_t limit_pages);
/* Grows a table by delta, new elements = init; returns the old size or -1. */
int64_t runtime_table_grow(struct wasm_table *t, uint32_t delta, wasm_ref init, uint32_t limit);

#endif
