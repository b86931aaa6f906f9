/* bench/sysbench/hello.c — the hello-world whose spawn + wait sysbench times (built statically for
 * the Linux guest and to wasm32-wasi for walos). */
#include <stdio.h>

int main(void)
{
    printf("hello, world\n");
    return 0;
}
