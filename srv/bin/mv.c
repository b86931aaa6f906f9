/* mv SRC DST — renames SRC to DST (into DST/basename(SRC) when DST is a directory). */
#include <stdio.h>
#include <sys/stat.h>
#include "prog.h"

int main(int argc, char **argv)
{
    prog_init();
    if (argc != 3) {
        fprintf(stderr, "usage: mv SRC DST\n");
        return 2;
    }
    char dst[1024];
    struct stat st;
    if (stat(argv[2], &st) == 0 && S_ISDIR(st.st_mode)) {
        const char *b = strrchr(argv[1], '/');
        snprintf(dst, sizeof dst, "%s/%s", argv[2], b ? b + 1 : argv[1]);
    } else {
        snprintf(dst, sizeof dst, "%s", argv[2]);
    }
    return rename(argv[1], dst) == 0 ? 0 : prog_fail("mv", argv[1]);
}
