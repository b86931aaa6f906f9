/* kernel/proc/svcmsg.c — named message endpoints (contract in kernel/proc/svcmsg.h).
 * State: `eps`, a fixed table of endpoints, each a ring of kmalloc'ed message copies. */
#include "kernel/proc/svcmsg.h"

#include "kernel/lib/string.h"
#include "kernel/mm/heap.h"
#include "kernel/proc/proc.h"

struct message {
    uint32_t len;
    uint8_t data[];
};

struct endpoint {
    char name[SVCMSG_NAME_MAX];
    int owner;                          /* pid; 0: free */
    struct message *queue[SVCMSG_QUEUE];
    uint32_t head, count;
};

static struct endpoint eps[SVCMSG_ENDPOINTS];

static bool owner_alive(const struct endpoint *e)
{
    struct proc *p = e->owner ? proc_get(e->owner) : NULL;
    return p && p->state != PROC_ZOMBIE;
}

static void drop(struct endpoint *e)
{
    for (uint32_t i = 0; i < e->count; i++)
        kfree(e->queue[(e->head + i) % SVCMSG_QUEUE]);
    memset(e, 0, sizeof *e);
}

static struct endpoint *find(const char *name, uint32_t len)
{
    for (int i = 0; i < SVCMSG_ENDPOINTS; i++) {
        struct endpoint *e = &eps[i];
        if (!e->owner || strlen(e->name) != len || strncmp(e->name, name, len))
            continue;
        if (owner_alive(e))
            return e;
        drop(e); /* its owner has ended */
    }
    return NULL;
}

int svcmsg_listen(int pid, const char *name, uint32_t len)
{
    if (!len || len >= SVCMSG_NAME_MAX || memchr(name, 0, len))
        return WASI_EINVAL;
    struct endpoint *e = find(name, len);
    if (e)
        return e->owner == pid ? WASI_ESUCCESS : WASI_EADDRINUSE;
    for (int i = 0; i < SVCMSG_ENDPOINTS; i++) {
        if (eps[i].owner && !owner_alive(&eps[i]))
            drop(&eps[i]);
        if (!eps[i].owner) {
            memcpy(eps[i].name, name, len);
            eps[i].name[len] = 0;
            eps[i].owner = pid;
            return WASI_ESUCCESS;
        }
    }
    return WASI_ENOSPC;
}

int svcmsg_send(const char *name, uint32_t len, const void *msg, uint32_t msg_len)
{
    if (msg_len > SVCMSG_MSG_MAX)
        return WASI_EMSGSIZE;
    struct endpoint *e = find(name, len);
    if (!e)
        return WASI_ENOENT;
    if (e->count == SVCMSG_QUEUE)
        return WASI_EAGAIN;
    struct message *m = kmalloc(sizeof *m + msg_len);
    if (!m)
        return WASI_ENOMEM;
    m->len = msg_len;
    memcpy(m->data, msg, msg_len);
    e->queue[(e->head + e->count++) % SVCMSG_QUEUE] = m;
    proc_event(); /* a receiver may be parked */
    return WASI_ESUCCESS;
}

int svcmsg_recv(int pid, const char *name, uint32_t len, void *buf, uint32_t cap, uint32_t *n_out)
{
    *n_out = 0;
    struct endpoint *e = find(name, len);
    if (!e || e->owner != pid)
        return WASI_ENOENT;
    if (!e->count)
        return WASI_EAGAIN;
    struct message *m = e->queue[e->head];
    *n_out = m->len;
    if (m->len > cap)
        return WASI_EMSGSIZE;
    memcpy(buf, m->data, m->len);
    kfree(m);
    e->head = (e->head + 1) % SVCMSG_QUEUE;
    e->count--;
    return WASI_ESUCCESS;
}
