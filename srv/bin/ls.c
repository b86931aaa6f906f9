/* ls [-l] [PATH]... — lists directories (names sorted, one a line; -l adds type and size) or names
 * files. */
#include <dirent.h>
#include <sys/stat.h>
#include "prog.h"

static int long_format;

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void show(const char *dir, const char *name)
{
    if (!long_format) {
        printf("%s\n", name);
        return;
    }
    char path[1024];
    struct stat st;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    if (stat(path, &st) != 0) {
        printf("?          ? %s\n", name);
        return;
    }
    printf("%c %10lld %s\n", S_ISDIR(st.st_mode) ? 'd' : '-', (long long)st.st_size, name);
}

static int list(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return prog_fail("ls", path);
    if (!S_ISDIR(st.st_mode)) {
        if (long_format)
            printf("- %10lld %s\n", (long long)st.st_size, path);
        else
            printf("%s\n", path);
        return 0;
    }
    DIR *d = opendir(path);
    if (!d)
        return prog_fail("ls", path);
    char **names = NULL;
    size_t count = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        if (count == cap) {
            cap = cap ? cap * 2 : 64;
            char **grown = realloc(names, cap * sizeof *names);
            if (!grown)
                break;
            names = grown;
        }
        names[count] = strdup(e->d_name);
        if (names[count])
            count++;
    }
    closedir(d);
    qsort(names, count, sizeof *names, by_name);
    for (size_t i = 0; i < count; i++) {
        show(path, names[i]);
        free(names[i]);
    }
    free(names);
    return 0;
}

int main(int argc, char **argv)
{
    prog_init();
    int i = 1, status = 0;
    if (i < argc && strcmp(argv[i], "-l") == 0) {
        long_format = 1;
        i++;
    }
    if (i == argc)
        return list(".");
    int many = argc - i > 1;
    for (; i < argc; i++) {
        if (many)
            printf("%s:\n", argv[i]);
        status |= list(argv[i]);
    }
    return status;
}
