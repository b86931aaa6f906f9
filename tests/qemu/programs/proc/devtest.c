/* devtest: checks /dev (storage-devfs.test) or the periodic flush (storage-periodic-flush.test).
 *
 * No argument: writes to /dev/null and reads nothing back, reads 4096 zero bytes from /dev/zero,
 * reads /dev/random twice (not all zero, the reads differ), writes a marker line to /dev/console,
 * lists /dev; prints "devtest: FAIL what" for each failed check and exits 0 only when all held.
 * `flush PATH`: creates PATH with a line and no fd_sync, prints "devtest: written", then sleeps 8 s
 * (poll_oneoff), prints "devtest: slept" and sleeps on (the test cuts the power there): the kernel's
 * periodic flush must have put the file on disk by then. */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int failures;

static void check(int ok, const char *what)
{
    if (!ok) {
        printf("devtest: FAIL %s\n", what);
        failures++;
    }
}

static int all_zero(const unsigned char *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (b[i])
            return 0;
    return 1;
}

static void test_null_zero(void)
{
    int fd = open("/dev/null", O_RDWR);
    check(fd >= 0, "open /dev/null");
    if (fd >= 0) {
        check(write(fd, "gone", 4) == 4, "write /dev/null");
        char c;
        check(read(fd, &c, 1) == 0, "read /dev/null gives nothing");
        close(fd);
    }
    static unsigned char buf[4096];
    memset(buf, 0xa5, sizeof buf);
    fd = open("/dev/zero", O_RDONLY);
    check(fd >= 0, "open /dev/zero");
    if (fd >= 0) {
        check(read(fd, buf, sizeof buf) == (ssize_t)sizeof buf, "read 4096 bytes of /dev/zero");
        check(all_zero(buf, sizeof buf), "/dev/zero is zeros");
        close(fd);
    }
}

static void test_random(const char *path)
{
    unsigned char a[64], b[64];
    memset(a, 0, sizeof a);
    memset(b, 0, sizeof b);
    int fd = open(path, O_RDONLY);
    check(fd >= 0, path);
    if (fd < 0)
        return;
    check(read(fd, a, sizeof a) == (ssize_t)sizeof a, "read random 1");
    check(read(fd, b, sizeof b) == (ssize_t)sizeof b, "read random 2");
    check(!all_zero(a, sizeof a) && !all_zero(b, sizeof b), "random not all zero");
    check(memcmp(a, b, sizeof a) != 0, "random reads differ");
    close(fd);
}

static void test_console(void)
{
    int fd = open("/dev/console", O_WRONLY);
    check(fd >= 0, "open /dev/console");
    if (fd < 0)
        return;
    const char *line = "devtest: console marker 7d1f\n";
    check(write(fd, line, strlen(line)) == (ssize_t)strlen(line), "write /dev/console");
    close(fd);
}

static void test_list(void)
{
    const char *want[] = {"null", "zero", "random", "urandom", "console"};
    int seen[5] = {0};
    DIR *d = opendir("/dev");
    check(d != NULL, "opendir /dev");
    if (!d)
        return;
    printf("devtest: /dev:");
    struct dirent *e;
    while ((e = readdir(d))) {
        printf(" %s", e->d_name);
        for (int i = 0; i < 5; i++)
            if (strcmp(e->d_name, want[i]) == 0) {
                seen[i]++;
                check(e->d_type == DT_CHR, "device entries are character devices");
            }
    }
    printf("\n");
    closedir(d);
    for (int i = 0; i < 5; i++)
        check(seen[i] == 1, want[i]);
}

static int flush_test(const char *path)
{
    FILE *f = fopen(path, "w");
    if (!f || fputs("periodic flush\n", f) < 0 || fclose(f) != 0) {
        printf("devtest: FAIL create %s\n", path);
        return 1;
    }
    printf("devtest: written\n");
    fflush(stdout);
    struct timespec t = {8, 0};
    nanosleep(&t, NULL);
    printf("devtest: slept\n");
    fflush(stdout);
    t.tv_sec = 600; /* stay alive: the test cuts the machine now, before any exit path could sync */
    nanosleep(&t, NULL);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "flush") == 0)
        return flush_test(argv[2]);
    test_null_zero();
    test_random("/dev/random");
    test_random("/dev/urandom");
    test_console();
    test_list();
    printf("devtest: %s\n", failures ? "failed" : "all passed");
    return failures ? 1 : 0;
}
