/* hello: prints a line and its arguments, exits 0 (or with the status given as argv[1]). */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    printf("hello from walos process (argc %d)\n", argc);
    for (int i = 1; i < argc; i++)
        printf("arg %d: %s\n", i, argv[i]);
    return argc > 1 ? atoi(argv[1]) : 0;
}
