/* Copies stdin to stdout in upper case (stdio over fd_read/fd_write, EOF handling). */
#include <ctype.h>
#include <stdio.h>

int main(void)
{
    int c;
    while ((c = getchar()) != EOF)
        putchar(toupper(c));
    return 0;
}
