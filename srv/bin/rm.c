/* rm [-r] PATH... — removes files (and with -r, directories with what they hold). */
#include <dirent.h>
#include <sys/stat.h>
#include "prog.h"

static int remove_tree(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        return prog_fail("rm", path);
    if (!S_ISDIR(st.st_mode))
        return unlink(path) == 0 ? 0 : prog_fail("rm", path);
    DIR *d = opendir(path);
    if (!d)
        return prog_fail("rm", path);
    int status = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        char child[1024];
        snprintf(child, sizeof child, "%s/%s", path, e->d_name);
        status |= remove_tree(child);
    }
    closedir(d);
    if (rmdir(path) != 0)
        status = prog_fail("rm", path);
    return status;
}

int main(int argc, char **argv)
{
    prog_init();
    int i = 1, recursive = 0, status = 0;
    if (i < argc && strcmp(argv[i], "-r") == 0) {
        recursive = 1;
        i++;
    }
    if (i == argc) {
        fprintf(stderr, "usage: rm [-r] PATH...\n");
        return 2;
    }
    for (; i < argc; i++) {
        if (recursive)
            status |= remove_tree(argv[i]);
        else if (unlink(argv[i]) != 0)
            status = prog_fail("rm", argv[i]);
    }
    return status;
}
