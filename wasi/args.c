/* wasi/args.c — the process-level calls: args_*, environ_*, clock_*, random_get, sched_yield,
 * proc_exit, proc_raise. The data comes from the wasi_ctx (wasi/ctx.c); clocks and randomness from
 * the platform. */
#include "wasi/wasi_priv.h"

/* Writes `count` pointers at guest `ptrs` and the NUL-terminated strings back to back at `buf`. */
static int put_strings(uint8_t *mem, uint64_t mem_size, char **v, uint32_t count, uint32_t bytes,
                       uint32_t ptrs, uint32_t buf)
{
    uint8_t *p = wasi_guest(mem, mem_size, ptrs, (uint64_t)count * 4);
    uint8_t *b = wasi_guest(mem, mem_size, buf, bytes);
    if (!p || !b)
        return WASI_EFAULT;
    uint32_t off = 0;
    for (uint32_t i = 0; i < count; i++) {
        size_t n = strlen(v[i]) + 1;
        memcpy(b + off, v[i], n);
        wasi_st32(p + i * 4, buf + off);
        off += (uint32_t)n;
    }
    return WASI_ESUCCESS;
}

static int put_sizes(uint8_t *mem, uint64_t mem_size, uint32_t count, uint32_t bytes,
                     uint32_t count_ptr, uint32_t bytes_ptr)
{
    uint8_t *c = wasi_guest(mem, mem_size, count_ptr, 4);
    uint8_t *b = wasi_guest(mem, mem_size, bytes_ptr, 4);
    if (!c || !b)
        return WASI_EFAULT;
    wasi_st32(c, count);
    wasi_st32(b, bytes);
    return WASI_ESUCCESS;
}

/* args_get(argv: ptr<ptr<u8>>, argv_buf: ptr<u8>) -> errno */
int wasi_args_get(struct wasm_host_call *call, uint64_t *slots, uint8_t *mem, uint64_t mem_size)
{
    struct wasi_ctx *ctx = call->host_data;
    return wasi_return(slots, put_strings(mem, mem_size, ctx->argv, ctx->argc, ctx->argv_bytes,
                                          (uint32_t)slots[0], (uint32_t)slots[1]));
}

/* args_sizes_get() -> (errno, argc: size, argv_buf_size: size) */
int wasi_args_sizes_get(struct wasm_host_call *call, uint64_t *slots, uint8_t *mem,
                        uint64_t mem_size)
{
    struct wasi_ctx *ctx = call->host_data;
    return wasi_return(slots, put_sizes(mem, mem_size, ctx->argc, ctx->argv_bytes,
                                        (uint32_t)slots[0], (uint32_t)slots[1]));
}

int wasi_environ_get(struct wasm_host_call *call, uint64_t *slots, uint8_t *mem, uint64_t mem_size)
{
    struct wasi_ctx *ctx = call->host_data;
    return wasi_return(slots, put_strings(mem, mem_size, ctx->env, ctx->envc, ctx->env_bytes,
                                          (uint32_t)slots[0], (uint32_t)slots[1]));
}

int wasi_environ_sizes_get(struct wasm_host_call *call, uint64_t *slots, uint8_t *mem,
                           uint64_t mem_size)
{
    struct wasi_ctx *ctx = call->host_data;
    return wasi_return(slots, put_sizes(mem, mem_size, ctx->envc, ctx->env_bytes,
                                        (uint32_t)slots[0], (uint32_t)slots[1]));
}

/* clock_res_get(id: clockid) -> (errno, timestamp) */
int wasi_clock_res_get(struct wasm_host_call *call, uint64_t *slots, uint8_t *mem,
                       uint64_t mem_size)
{
    (void)call;
    uint8_t *out = wasi_guest(mem, mem_size, (uint32_t)slots[1], 8);
    if (!out)
        return wasi_return(slots, WASI_EFAULT);
    uint64_t res;
    int err = plat_clock_res((uint32_t)slots[0], &res);
    if (err == WASI_ESUCCESS)
        wasi_st64(out, res);
    return wasi_return(slots, err);
}

/* clock_time_get(id: clockid, precision: timestamp) -> (errno, timestamp) */
int wasi_clock_time_get(struct wasm_host_call *call, uint64_t *slots, uint8_t *mem,
                        uint64_t mem_size)
{
    (void)call;
    uint8_t *out = wasi_guest(mem, mem_size, (uint32_t)slots[2], 8);
    if (!out)
        return wasi_return(slots, WASI_EFAULT);
    uint64_t t;
    int err = plat_clock_time((uint32_t)slots[0], &t);
    if (err == WASI_ESUCCESS)
        wasi_st64(out, t);
    return wasi_return(slots, err);
}

/* random_get(buf: ptr<u8>, buf_len: size) -> errno */
int wasi_random_get(struct wasm_host_call *call, uint64_t *slots, uint8_t *mem, uint64_t mem_size)
{
    (void)call;
    uint32_t len = (uint32_t)slots[1];
    uint8_t *buf = wasi_guest(mem, mem_size, (uint32_t)slots[0], len);
    if (!buf)
        return wasi_return(slots, WASI_EFAULT);
    return wasi_return(slots, len ? plat_random(buf, len) : WASI_ESUCCESS);
}

int wasi_sched_yield(struct wasm_host_call *call, uint64_t *slots, uint8_t *mem, uint64_t mem_size)
{
    (void)call, (void)mem, (void)mem_size;
    return wasi_return(slots, plat_yield());
}

/* proc_exit(rval: exitcode): ends the instance; the embedder reads the status from the exec. */
int wasi_proc_exit(struct wasm_host_call *call, uint64_t *slots, uint8_t *mem, uint64_t mem_size)
{
    (void)mem, (void)mem_size;
    return wasm_host_exit(call, (int32_t)(uint32_t)slots[0]);
}

/* proc_raise(sig: signal) -> errno. Signals are not part of walos's process model: ENOSYS, as
 * wasmtime answers too. */
int wasi_proc_raise(struct wasm_host_call *call, uint64_t *slots, uint8_t *mem, uint64_t mem_size)
{
    (void)call, (void)mem, (void)mem_size;
    return wasi_return(slots, WASI_ENOSYS);
}
