/* oob: touches its linear memory (growing it by argv[1] MiB, default 4, and writing every page), then
 * stores past its end: the process ends with the trap "out of bounds memory access" (status 134),
 * found by a guard-page fault or by an explicit check depending on proc.bounds. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    size_t mib = argc > 1 ? (size_t)atoi(argv[1]) : 4;
    volatile char *buf = malloc(mib << 20);
    for (size_t i = 0; buf && i < mib << 20; i += 4096)
        buf[i] = 0x5a;                  /* touches every page (volatile: not optimised away) */
    size_t end = __builtin_wasm_memory_size(0) * 65536;
    printf("oob: %zu MiB touched, memory %zu KiB, storing past the end\n", buf ? mib : 0, end >> 10);
    fflush(stdout);
    volatile uint32_t *past = (volatile uint32_t *)(uintptr_t)(end + 4096);
    *past = 1;
    printf("oob: FAIL the store past the end did not trap\n");
    return 1;
}
