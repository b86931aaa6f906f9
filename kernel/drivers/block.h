/* kernel/drivers/block.h — the block-device interface: sectors in, sectors out.
 *
 * Every disk controller (virtio-blk now, AHCI and NVMe later) and every partition of a disk is a
 * struct block_device. The layers above (kernel/fs/bcache.c, kernel/fs/gpt.c) talk only to this
 * interface. The interface is asynchronous at its core: a caller fills a struct block_request and
 * submits it; the driver calls req->done when the request has finished, possibly from interrupt
 * context and possibly before submit returns (a polled or host backend). Drivers may queue as many
 * requests as they like and complete them in any order; only FLUSH orders them (see below).
 *
 * Ordering: a driver may reorder READ and WRITE requests. A FLUSH completes only after every WRITE that
 * completed before the FLUSH was submitted is on stable storage. So "A before B on disk" is: submit A,
 * wait for it, submit FLUSH, wait for it, submit B. kernel/fs/bcache.c builds its write ordering on
 * exactly this rule.
 *
 * The synchronous helpers at the end (block_read, block_write, block_flush) submit one request and
 * sleep in dev->ops->wait until it completes; they may block and are never called from IRQ context. */
#ifndef KERNEL_DRIVERS_BLOCK_H
#define KERNEL_DRIVERS_BLOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Errors of the block layer. 0 = OK. */
enum block_err {
    BLOCK_OK = 0,
    BLOCK_EIO = 1,      /* the device reported an error, or the transfer failed */
    BLOCK_ERANGE = 2,   /* lba + count runs past the end of the device */
    BLOCK_EROFS = 3,    /* WRITE or FLUSH on a read-only device */
    BLOCK_EINVAL = 4,   /* bad request: count 0, unaligned buffer the driver cannot use, bad op */
    BLOCK_EBUSY = 5,    /* the driver's queue is full: submit again after a completion */
};

enum block_op {
    BLOCK_READ = 1,     /* read count sectors at lba into buf */
    BLOCK_WRITE = 2,    /* write count sectors from buf to lba */
    BLOCK_FLUSH = 3,    /* make completed writes durable; lba, count and buf are ignored */
};

struct block_request;
/* Completion callback: status is an enum block_err. May run in IRQ context, so it must not block;
 * after it returns the driver no longer touches req. */
typedef void (*block_done_fn)(struct block_request *req, int status);

/* One I/O request. The submitter owns it and its buffer; both must stay valid and untouched until
 * done has been called. Drivers may change lba (a partition adds its start) and use `next` to queue
 * requests; they touch no other field. */
struct block_request {
    enum block_op op;
    uint64_t lba;            /* first sector, in the device's sector size */
    uint32_t count;          /* number of sectors (READ/WRITE), >= 1 */
    void *buf;               /* count * sector_size bytes */
    block_done_fn done;      /* called once, with the final status */
    void *ctx;               /* free for the submitter */
    /* driver-private */
    struct block_request *next;
    /* written by the sync helpers' completion */
    volatile int status;
    volatile bool finished;
};

struct block_device;

/* Driver entry points. submit returns BLOCK_OK when the request was accepted (done will be called
 * later, or already was), or an error when it was refused (done is then never called). wait blocks
 * until req->finished is set; a driver that completes every request inside submit may leave it
 * NULL. Neither is called from IRQ context. */
struct block_ops {
    int (*submit)(struct block_device *dev, struct block_request *req);
    void (*wait)(struct block_device *dev, struct block_request *req);
};

/* A disk or a partition. The driver fills every field before handing it out and keeps it alive
 * while any filesystem is mounted on it. */
struct block_device {
    const char *name;             /* "vda", "vda1", ... (static storage) */
    uint32_t sector_size;         /* bytes per sector: 512 or 4096 */
    uint64_t sector_count;        /* size of the device in sectors */
    bool read_only;               /* WRITE and FLUSH fail with BLOCK_EROFS */
    const struct block_ops *ops;
    void *priv;                   /* driver state */
};

/* ---- synchronous helpers (may block; never from IRQ context) ---------------------------------- */

static inline void block_sync_done(struct block_request *req, int status)
{
    req->status = status;
    req->finished = true;
}

/* Submits one request and waits for it. Returns an enum block_err. */
static inline int block_do(struct block_device *dev, enum block_op op, uint64_t lba, uint32_t count,
                           void *buf)
{
    struct block_request req = {0};
    if (op != BLOCK_FLUSH) {
        if (count == 0)
            return BLOCK_EINVAL;
        if (lba >= dev->sector_count || count > dev->sector_count - lba)
            return BLOCK_ERANGE;
    }
    if (op != BLOCK_READ && dev->read_only)
        return BLOCK_EROFS;
    req.op = op;
    req.lba = lba;
    req.count = count;
    req.buf = buf;
    req.done = block_sync_done;
    int err = dev->ops->submit(dev, &req);
    if (err != BLOCK_OK)
        return err;
    if (!req.finished && dev->ops->wait)
        dev->ops->wait(dev, &req);
    return req.finished ? req.status : BLOCK_EIO;
}

/* Reads count sectors at lba into buf (count * sector_size bytes). */
static inline int block_read(struct block_device *dev, uint64_t lba, uint32_t count, void *buf)
{
    return block_do(dev, BLOCK_READ, lba, count, buf);
}

/* Writes count sectors from buf to lba. Durable only after a later block_flush. */
static inline int block_write(struct block_device *dev, uint64_t lba, uint32_t count, const void *buf)
{
    return block_do(dev, BLOCK_WRITE, lba, count, (void *)buf);
}

/* Makes every completed write durable. */
static inline int block_flush(struct block_device *dev)
{
    return block_do(dev, BLOCK_FLUSH, 0, 0, NULL);
}

#endif
