/* tests/unit/net/net_host.c — kmalloc/kfree for the host tests, over malloc, counting live blocks so
 * that a test can assert that a stack's teardown returned everything (lwIP-style leak check). */
#include <stdlib.h>
#include "kernel/net/net_alloc.h"
#include "net_host.h"

static long live_blocks;
static long fail_countdown = -1;

void *kmalloc(size_t size)
{
    if (fail_countdown == 0)
        return NULL;
    if (fail_countdown > 0)
        fail_countdown--;
    void *p = malloc(size ? size : 1);
    if (p)
        live_blocks++;
    return p;
}

void kfree(void *ptr)
{
    if (!ptr)
        return;
    live_blocks--;
    free(ptr);
}

long net_host_live_blocks(void)
{
    return live_blocks;
}

void net_host_fail_after(long n)
{
    fail_countdown = n;
}
