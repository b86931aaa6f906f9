/* Files and directories through wasi-libc, inside the preopen "/work": create, write, read back,
 * seek, stat, rename, readdir, unlink, rmdir, truncate. Prints "files ok" or the failing step. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define STEP(cond) do { if (!(cond)) { printf("failed: %s (errno %d)\n", #cond, errno); return 1; } } while (0)

int main(void)
{
    STEP(mkdir("/work/d", 0755) == 0);
    FILE *f = fopen("/work/d/a.txt", "w");
    STEP(f != NULL);
    STEP(fputs("hello, files\n", f) >= 0);
    STEP(fclose(f) == 0);
    char buf[64] = {0};
    f = fopen("/work/d/a.txt", "r");
    STEP(f && fgets(buf, sizeof buf, f));
    STEP(strcmp(buf, "hello, files\n") == 0);
    STEP(fseek(f, 7, SEEK_SET) == 0 && fgetc(f) == 'f');
    fclose(f);
    struct stat st;
    STEP(stat("/work/d/a.txt", &st) == 0 && st.st_size == 13 && S_ISREG(st.st_mode));
    STEP(rename("/work/d/a.txt", "/work/d/b.txt") == 0);
    STEP(access("/work/d/a.txt", F_OK) != 0 && errno == ENOENT);
    int fd = open("/work/d/b.txt", O_RDWR);
    STEP(fd >= 0 && ftruncate(fd, 5) == 0 && pwrite(fd, "J", 1, 0) == 1);
    STEP(pread(fd, buf, sizeof buf, 0) == 5 && memcmp(buf, "Jello", 5) == 0);
    close(fd);
    DIR *d = opendir("/work/d");
    STEP(d != NULL);
    int seen = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        seen += strcmp(e->d_name, "b.txt") == 0;
    closedir(d);
    STEP(seen == 1);
    STEP(rmdir("/work/d") != 0 && errno == ENOTEMPTY);
    STEP(unlink("/work/d/b.txt") == 0);
    STEP(rmdir("/work/d") == 0);
    STEP(open("/work/../etc/passwd", O_RDONLY) < 0);
    STEP(open("/etc/passwd", O_RDONLY) < 0);
    printf("files ok\n");
    return 0;
}
