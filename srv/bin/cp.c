/* cp SRC DST — copies file SRC to DST (into DST/basename(SRC) when DST is a directory). */
#include <fcntl.h>
#include <sys/stat.h>
#include "prog.h"

static const char *base_name(const char *p)
{
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

int main(int argc, char **argv)
{
    prog_init();
    if (argc != 3) {
        fprintf(stderr, "usage: cp SRC DST\n");
        return 2;
    }
    char dst[1024];
    struct stat st;
    if (stat(argv[2], &st) == 0 && S_ISDIR(st.st_mode))
        snprintf(dst, sizeof dst, "%s/%s", argv[2], base_name(argv[1]));
    else
        snprintf(dst, sizeof dst, "%s", argv[2]);
    int in = open(argv[1], O_RDONLY);
    if (in < 0)
        return prog_fail("cp", argv[1]);
    int out = open(dst, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (out < 0)
        return prog_fail("cp", dst);
    char buf[8192];
    for (;;) {
        ssize_t n = read(in, buf, sizeof buf);
        if (n < 0)
            return prog_fail("cp", argv[1]);
        if (n == 0)
            break;
        for (ssize_t off = 0; off < n;) {
            ssize_t w = write(out, buf + off, (size_t)(n - off));
            if (w <= 0)
                return prog_fail("cp", dst);
            off += w;
        }
    }
    close(in);
    return close(out) == 0 ? 0 : prog_fail("cp", dst);
}
