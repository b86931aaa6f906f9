/* wasi/guest.c — the WASI boundary's view of guest memory.
 *
 * The one place where a guest (offset, length) becomes a host pointer (STYLE habit 11): every
 * handler goes through wasi_guest or wasi_iovecs before touching memory, so a bad pointer is
 * WASI_EFAULT and never a host fault. Checks are done in 64-bit arithmetic: a 32-bit offset plus a
 * 32-bit length cannot wrap. */
#include "wasi/wasi_priv.h"

void *wasi_guest(uint8_t *mem, uint64_t mem_size, uint64_t off, uint64_t len)
{
    if (off > mem_size || len > mem_size - off)
        return NULL;
    if (!mem)   /* no memory at all: only the empty range at 0 exists; hand out a dummy address */
        return (void *)"";
    return mem + off;
}

int wasi_iovecs(uint8_t *mem, uint64_t mem_size, uint32_t iovs, uint32_t count,
                struct plat_iovec *inline_buf, size_t inline_cap, struct plat_iovec **out)
{
    uint8_t *raw = wasi_guest(mem, mem_size, iovs, (uint64_t)count * WASI_IOVEC_SIZE);
    if (!raw)
        return WASI_EFAULT;
    struct plat_iovec *iov = inline_buf;
    if (count > inline_cap) {
        iov = plat_calloc(count, sizeof *iov);
        if (!iov)
            return WASI_ENOMEM;
    }
    for (uint32_t i = 0; i < count; i++) {
        uint32_t buf = wasi_ld32(raw + i * WASI_IOVEC_SIZE);
        uint32_t len = wasi_ld32(raw + i * WASI_IOVEC_SIZE + 4);
        iov[i].buf = wasi_guest(mem, mem_size, buf, len);
        iov[i].len = len;
        if (!iov[i].buf) {
            wasi_iovecs_free(iov, inline_buf);
            return WASI_EFAULT;
        }
    }
    *out = iov;
    return WASI_ESUCCESS;
}

void wasi_iovecs_free(struct plat_iovec *iov, struct plat_iovec *inline_buf)
{
    if (iov != inline_buf)
        plat_free(iov);
}

void wasi_put_filestat(uint8_t *p, const struct plat_filestat *st)
{
    memset(p, 0, WASI_FILESTAT_SIZE);
    wasi_st64(p + 0, st->dev);
    wasi_st64(p + 8, st->ino);
    wasi_st8(p + 16, st->filetype);
    wasi_st64(p + 24, st->nlink);
    wasi_st64(p + 32, st->size);
    wasi_st64(p + 40, st->atim);
    wasi_st64(p + 48, st->mtim);
    wasi_st64(p + 56, st->ctim);
}
