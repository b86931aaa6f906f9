/* cat [FILE]... — copies each FILE (stdin when none, or for "-") to stdout. */
#include <fcntl.h>
#include "prog.h"

static int copy_fd(int fd)
{
    char buf[8192];
    for (;;) {
        ssize_t n = read(fd, buf, sizeof buf);
        if (n == 0)
            return 0;
        if (n < 0)
            return -1;
        for (ssize_t off = 0; off < n;) {
            ssize_t w = write(1, buf + off, (size_t)(n - off));
            if (w <= 0)
                return -1;
            off += w;
        }
    }
}

int main(int argc, char **argv)
{
    prog_init();
    if (argc < 2)
        return copy_fd(0) == 0 ? 0 : prog_fail("cat", "stdin");
    int status = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-") == 0) {
            if (copy_fd(0) != 0)
                status = prog_fail("cat", "stdin");
            continue;
        }
        int fd = open(argv[i], O_RDONLY);
        if (fd < 0) {
            status = prog_fail("cat", argv[i]);
            continue;
        }
        if (copy_fd(fd) != 0)
            status = prog_fail("cat", argv[i]);
        close(fd);
    }
    return status;
}
