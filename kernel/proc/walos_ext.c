/* kernel/proc/walos_ext.c — the walos_proc import module (contract in kernel/proc/walos_ext.h).
 *
 * Below: kernel/proc/proc.h (spawn, wait, kill, the table), kernel/proc/handle.h (pipes).
 * One table of (name, signature, handler), as wasi/table.c. */
#include "kernel/proc/walos_ext.h"

#include "kernel/proc/proc.h"

static int ext_getpid(struct wasm_host_call *call, uint64_t *slots, uint8_t *mem, uint64_t mem_size)
{
    (void)mem, (void)mem_size;
    struct proc *p = call->host_data;
    slots[0] = (uint32_t)p->pid;
    return WASM_OK;
}

struct ext_import {
    const char *name;
    const char *signature;
    wasm_host_fn handler;
};

static const struct ext_import imports[] = {
    {"getpid", "()i", ext_getpid},
};

int walos_ext_link(struct proc *p, wasm_linker *l)
{
    for (size_t i = 0; i < sizeof imports / sizeof imports[0]; i++) {
        int rc = wasm_linker_define_func(l, "walos_proc", imports[i].name, imports[i].signature,
                                         imports[i].handler, p);
        if (rc != WASM_OK)
            return rc;
    }
    return WASM_OK;
}
