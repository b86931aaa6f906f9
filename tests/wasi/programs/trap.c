/* Traps (unreachable) three calls deep: walos-run must print the reason and a backtrace naming
 * these functions, and exit with 134. */
#include <stdio.h>

__attribute__((noinline)) void crash_here(int x)
{
    if (x > 0)
        __builtin_trap();
}
__attribute__((noinline)) void middle(int x) { crash_here(x + 1); printf("not reached\n"); }

int main(int argc, char **argv)
{
    (void)argv;
    middle(argc);
    return 0;
}
