/* Host tests of kernel/proc/svcmsg.c (walos_svc endpoints): ownership, bounded queues, EMSGSIZE
 * keeping the message, endpoints freed when their owner ends, events for parked receivers, no leak.
 * The kernel pieces it calls (kmalloc, proc_get, proc_event) are stubbed here. */
#include <stdlib.h>

#include "harness.h"
#include "kernel/mm/heap.h"
#include "kernel/proc/proc.h"
#include "kernel/proc/svcmsg.h"

/* ---- stubs -------------------------------------------------------------------------------------- */
static long live_allocs;
static int events;
static struct proc procs[4]; /* pids 1..3 */

void *kmalloc(size_t size)
{
    live_allocs++;
    return malloc(size);
}

void kfree(void *ptr)
{
    if (ptr)
        live_allocs--;
    free(ptr);
}

struct proc *proc_get(int pid)
{
    return pid >= 1 && pid <= 3 && procs[pid].state != PROC_FREE ? &procs[pid] : NULL;
}

void proc_event(void) { events++; }

static void reset(void)
{
    for (int i = 1; i <= 3; i++) {
        procs[i].pid = i;
        procs[i].state = PROC_READY;
    }
}

#define EP(s) s, (uint32_t)(sizeof s - 1)

/* ---- tests -------------------------------------------------------------------------------------- */
static void test_listen_owner(void)
{
    reset();
    CHECK_EQ(svcmsg_send(EP("a"), "x", 1), WASI_ENOENT);
    CHECK_EQ(svcmsg_listen(1, EP("a")), WASI_ESUCCESS);
    CHECK_EQ(svcmsg_listen(1, EP("a")), WASI_ESUCCESS);
    CHECK_EQ(svcmsg_listen(2, EP("a")), WASI_EADDRINUSE);
    CHECK_EQ(svcmsg_listen(2, "", 0), WASI_EINVAL);
    char buf[8];
    uint32_t n;
    CHECK_EQ(svcmsg_recv(2, EP("a"), buf, sizeof buf, &n), WASI_ENOENT);
    procs[1].state = PROC_ZOMBIE; /* the owner ends: the name is free again */
    CHECK_EQ(svcmsg_send(EP("a"), "x", 1), WASI_ENOENT);
    CHECK_EQ(svcmsg_listen(2, EP("a")), WASI_ESUCCESS);
    procs[2].state = PROC_ZOMBIE;
    CHECK_EQ(svcmsg_listen(3, EP("a")), WASI_ESUCCESS);
    procs[3].state = PROC_ZOMBIE;
    CHECK_EQ(svcmsg_send(EP("a"), "x", 1), WASI_ENOENT);
    CHECK_EQ(live_allocs, 0);
}

static void test_queue(void)
{
    reset();
    CHECK_EQ(svcmsg_listen(1, EP("q")), WASI_ESUCCESS);
    int before = events;
    char msg[4] = "m0";
    for (int i = 0; i < SVCMSG_QUEUE; i++) {
        msg[1] = (char)('a' + i);
        CHECK_EQ(svcmsg_send(EP("q"), msg, 2), WASI_ESUCCESS);
    }
    CHECK_EQ(events - before, SVCMSG_QUEUE);
    CHECK_EQ(svcmsg_send(EP("q"), "z", 1), WASI_EAGAIN);
    char buf[8];
    uint32_t n = 0;
    CHECK_EQ(svcmsg_recv(1, EP("q"), buf, 1, &n), WASI_EMSGSIZE);
    CHECK_EQ(n, 2u);
    for (int i = 0; i < SVCMSG_QUEUE; i++) {
        CHECK_EQ(svcmsg_recv(1, EP("q"), buf, sizeof buf, &n), WASI_ESUCCESS);
        CHECK(n == 2 && buf[1] == 'a' + i); /* in order, the too-long one kept first */
    }
    CHECK_EQ(svcmsg_recv(1, EP("q"), buf, sizeof buf, &n), WASI_EAGAIN);
    procs[1].state = PROC_ZOMBIE;
    CHECK_EQ(svcmsg_send(EP("q"), "x", 1), WASI_ENOENT);
    CHECK_EQ(live_allocs, 0);
}

static void test_sizes_and_drop(void)
{
    reset();
    CHECK_EQ(svcmsg_listen(2, EP("s")), WASI_ESUCCESS);
    static char big[SVCMSG_MSG_MAX + 1];
    CHECK_EQ(svcmsg_send(EP("s"), big, SVCMSG_MSG_MAX + 1), WASI_EMSGSIZE);
    CHECK_EQ(svcmsg_send(EP("s"), big, SVCMSG_MSG_MAX), WASI_ESUCCESS);
    CHECK_EQ(svcmsg_send(EP("s"), big, 0), WASI_ESUCCESS);
    CHECK_EQ(live_allocs, 2);
    procs[2].state = PROC_ZOMBIE; /* queued messages are dropped with the endpoint */
    CHECK_EQ(svcmsg_send(EP("s"), "x", 1), WASI_ENOENT);
    CHECK_EQ(live_allocs, 0);
}

static void test_table_full(void)
{
    reset();
    char name[8];
    for (int i = 0; i < SVCMSG_ENDPOINTS; i++) {
        snprintf(name, sizeof name, "e%d", i);
        CHECK_EQ(svcmsg_listen(1, name, (uint32_t)strlen(name)), WASI_ESUCCESS);
    }
    CHECK_EQ(svcmsg_listen(1, EP("one-more")), WASI_ENOSPC);
    procs[1].state = PROC_ZOMBIE; /* every endpoint is reusable once the owner is gone */
    CHECK_EQ(svcmsg_listen(2, EP("one-more")), WASI_ESUCCESS);
    procs[2].state = PROC_ZOMBIE;
}

int main(int argc, char **argv)
{
    static const struct test_case tests[] = {
        {"svcmsg_listen_owner", test_listen_owner},
        {"svcmsg_queue", test_queue},
        {"svcmsg_sizes_and_drop", test_sizes_and_drop},
        {"svcmsg_table_full", test_table_full},
        {NULL, NULL},
    };
    return test_main(tests, argc, argv);
}
