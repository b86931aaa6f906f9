/* Writes lines to stdout until a write fails; exits 9 with EPIPE (the reader went away), so
 * walos-run must not die of SIGPIPE. Gives up with 1 after 10 million lines. */
#include <errno.h>
#include <unistd.h>

int main(void)
{
    for (int i = 0; i < 10000000; i++)
        if (write(1, "a line of output\n", 17) < 0)
            return errno == EPIPE ? 9 : 2;
    return 1;
}
