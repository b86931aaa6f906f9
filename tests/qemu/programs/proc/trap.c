/* trap: prints a line, then executes `unreachable`: the process ends with a trap (status 134). */
#include <stdio.h>

int main(void)
{
    printf("trap: about to trap\n");
    fflush(stdout);
    __builtin_trap();
}
