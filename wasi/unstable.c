/* wasi/unstable.c — `wasi_unstable` (WASI snapshot 0), for binaries built before preview1.
 *
 * Snapshot 0 has the same functions, constants and rights as preview1 (minus sock_accept), except:
 *   - whence: cur = 0, end = 1, set = 2 (preview1: set, cur, end);
 *   - filestat: nlink is a u32 at 20; size @24, atim @32, mtim @40, ctim @48; 56 bytes;
 *   - subscription: clock subscriptions carry an `identifier` u64 @16, then id u32 @24, timeout
 *     @32, precision @40, flags u16 @48; fd subscriptions keep the fd @16; 56 bytes.
 * (phases/old/snapshot_0/witx/typenames.witx.) These four calls convert and reuse the preview1
 * code; wasi/table.c registers everything else under both module names. */
#include "wasi/wasi_priv.h"

#define UNSTABLE_FILESTAT_SIZE 56
#define UNSTABLE_SUBSCRIPTION_SIZE 56

/* fd_seek(fd, offset, whence) -> (errno, filesize): same call with the whence renumbered */
int wasi_unstable_fd_seek(struct wasm_host_call *call, uint64_t *slots, uint8_t *mem,
                          uint64_t mem_size)
{
    static const uint8_t to_preview1[3] = {WASI_WHENCE_CUR, WASI_WHENCE_END, WASI_WHENCE_SET};
    uint32_t whence = (uint32_t)slots[2];
    slots[2] = whence < 3 ? to_preview1[whence] : whence;
    return wasi_fd_seek(call, slots, mem, mem_size);
}

static void put_filestat(uint8_t *p, const struct plat_filestat *st)
{
    memset(p, 0, UNSTABLE_FILESTAT_SIZE);
    wasi_st64(p + 0, st->dev);
    wasi_st64(p + 8, st->ino);
    wasi_st8(p + 16, st->filetype);
    wasi_st32(p + 20, st->nlink > 0xffffffffu ? 0xffffffffu : (uint32_t)st->nlink);
    wasi_st64(p + 24, st->size);
    wasi_st64(p + 32, st->atim);
    wasi_st64(p + 40, st->mtim);
    wasi_st64(p + 48, st->ctim);
}

int wasi_unstable_fd_filestat_get(struct wasm_host_call *call, uint64_t *slots, uint8_t *mem,
                                  uint64_t mem_size)
{
    struct plat_filestat st;
    int err = wasi_fd_stat(call, (uint32_t)slots[0], &st);
    if (err)
        return wasi_return(slots, err);
    uint8_t *out = wasi_guest(mem, mem_size, (uint32_t)slots[1], UNSTABLE_FILESTAT_SIZE);
    if (!out)
        return wasi_return(slots, WASI_EFAULT);
    put_filestat(out, &st);
    return wasi_return(slots, WASI_ESUCCESS);
}

int wasi_unstable_path_filestat_get(struct wasm_host_call *call, uint64_t *slots, uint8_t *mem,
                                    uint64_t mem_size)
{
    uint8_t *out = wasi_guest(mem, mem_size, (uint32_t)slots[4], UNSTABLE_FILESTAT_SIZE);
    struct plat_filestat st;
    int err = wasi_path_stat(call, slots, mem, mem_size, &st);
    if (err == WASI_ESUCCESS && !out)
        err = WASI_EFAULT;
    if (err == WASI_ESUCCESS)
        put_filestat(out, &st);
    return wasi_return(slots, err);
}

/* poll_oneoff(in, out, nsubscriptions) -> (errno, size): subscriptions converted to preview1's
 * layout in a host buffer; events have the same layout in both. */
int wasi_unstable_poll_oneoff(struct wasm_host_call *call, uint64_t *slots, uint8_t *mem,
                              uint64_t mem_size)
{
    uint32_t n = (uint32_t)slots[2];
    const uint8_t *in = wasi_guest(mem, mem_size, (uint32_t)slots[0],
                                   (uint64_t)n * UNSTABLE_SUBSCRIPTION_SIZE);
    uint8_t *out = wasi_guest(mem, mem_size, (uint32_t)slots[1], (uint64_t)n * WASI_EVENT_SIZE);
    uint8_t *nevents = wasi_guest(mem, mem_size, (uint32_t)slots[3], 4);
    if (!in || !out || !nevents)
        return wasi_return(slots, WASI_EFAULT);
    uint8_t *subs = plat_calloc(n ? n : 1, WASI_SUBSCRIPTION_SIZE);
    if (!subs)
        return wasi_return(slots, WASI_ENOMEM);
    for (uint32_t i = 0; i < n; i++) {
        const uint8_t *u = in + (size_t)i * UNSTABLE_SUBSCRIPTION_SIZE;
        uint8_t *p = subs + (size_t)i * WASI_SUBSCRIPTION_SIZE;
        memcpy(p, u, 16);                       /* userdata, tag */
        if (u[8] == WASI_EVENT_CLOCK) {
            memcpy(p + 16, u + 24, 4);          /* id */
            memcpy(p + 24, u + 32, 8);          /* timeout */
            memcpy(p + 32, u + 40, 8);          /* precision */
            memcpy(p + 40, u + 48, 2);          /* flags */
        } else {
            memcpy(p + 16, u + 16, 4);          /* fd */
        }
    }
    int err = wasi_poll(call->host_data, subs, n, out, nevents);
    plat_free(subs);
    return wasi_return(slots, err);
}
