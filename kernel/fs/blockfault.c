/* kernel/fs/blockfault.c — fault-injecting block device (contract in blockfault.h). Sits between a
 * filesystem and a real driver (kernel/drivers/block.h on both sides). */
#include "kernel/fs/blockfault.h"

static int bf_submit(struct block_device *dev, struct block_request *req)
{
    struct blockfault *bf = dev->priv;
    if (req->op == BLOCK_WRITE) {
        uint64_t n = bf->writes++;
        if (n >= bf->fail_after)
            return BLOCK_EIO;
        if (n >= bf->cut_after) {
            if (!bf->cut) {
                bf->cut = true;
                if (bf->on_cut)
                    bf->on_cut(bf->ctx);
            }
            req->done(req, BLOCK_OK); /* lost, as at a power cut */
            return BLOCK_OK;
        }
    }
    return bf->inner->ops->submit(bf->inner, req);
}

static void bf_wait(struct block_device *dev, struct block_request *req)
{
    struct blockfault *bf = dev->priv;
    if (bf->inner->ops->wait)
        bf->inner->ops->wait(bf->inner, req);
}

static const struct block_ops bf_ops = {.submit = bf_submit, .wait = bf_wait};

void blockfault_init(struct blockfault *bf, struct block_device *inner)
{
    bf->dev = *inner;
    bf->dev.ops = &bf_ops;
    bf->dev.priv = bf;
    bf->inner = inner;
    bf->writes = 0;
    bf->cut_after = UINT64_MAX;
    bf->fail_after = UINT64_MAX;
    bf->on_cut = NULL;
    bf->ctx = NULL;
    bf->cut = false;
}
