/* Prints argv and the whole environment; exits with the status named by argv[1] (or 0). */
#include <stdio.h>
#include <stdlib.h>

extern char **environ;

int main(int argc, char **argv)
{
    printf("argc=%d\n", argc);
    for (int i = 1; i < argc; i++)
        printf("argv[%d]=%s\n", i, argv[i]);
    for (char **e = environ; *e; e++)
        printf("env %s\n", *e);
    fflush(stdout);
    return argc > 1 ? atoi(argv[1]) : 0;
}
