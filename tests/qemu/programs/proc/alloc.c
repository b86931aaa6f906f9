/* alloc: allocates (and touches) 1 MiB blocks until malloc fails, then reports how far it got and
 * exits 0; the process's memory limit stops it, not the kernel. */
#include <stdio.h>
#include <stdlib.h>

static char *volatile last; /* keeps the allocations observable (else the loop may be optimized away) */

int main(void)
{
    int mib = 0;
    for (;;) {
        volatile char *p = malloc(1 << 20);
        if (!p)
            break;
        for (int i = 0; i < (1 << 20); i += 4096)
            p[i] = (char)i; /* touch every page */
        last = (char *)p;
        mib++;
    }
    printf("alloc: limit reached after %d MiB\n", mib);
    return mib > 0 ? 0 : 1;
}
