/* rmdir DIR... — removes empty directories. */
#include "prog.h"

int main(int argc, char **argv)
{
    prog_init();
    int status = 0;
    if (argc < 2) {
        fprintf(stderr, "usage: rmdir DIR...\n");
        return 2;
    }
    for (int i = 1; i < argc; i++)
        if (rmdir(argv[i]) != 0)
            status = prog_fail("rmdir", argv[i]);
    return status;
}
