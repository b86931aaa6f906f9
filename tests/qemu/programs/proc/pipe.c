/* pipe: makes a pipe, spawns /bin/test/hello.wasm with its stdout on the pipe's write end, reads
 * what the child wrote from the read end until end of file, waits for it, and checks both. */
#include <stdio.h>
#include <string.h>
#include <stdint.h>
#include <unistd.h>

/* the three walos_proc imports used (declared here, as in sdk/walos.h, so the test has no build
 * dependency on the SDK) */
#define IMPORT(name) __attribute__((import_module("walos_proc"), import_name(name)))
IMPORT("pipe") int32_t walos_proc_pipe(uint32_t *fds_out);
IMPORT("spawn") int32_t walos_proc_spawn(const char *path, uint32_t path_len, const char *argv,
                                         uint32_t argv_len, const char *env, uint32_t env_len,
                                         const uint32_t *fds, uint32_t fds_count, uint32_t flags,
                                         uint32_t *pid_out);
IMPORT("wait") int32_t walos_proc_wait(uint32_t pid, uint32_t flags, int32_t *status_out);

int main(void)
{
    uint32_t fds[2];
    if (walos_proc_pipe(fds)) {
        printf("pipe: walos_proc_pipe failed\n");
        return 1;
    }
    uint32_t child_fds[3] = {0, fds[1], 2};
    static const char path[] = "/bin/test/hello.wasm";
    static const char argv[] = "hello.wasm\0piped";
    uint32_t pid;
    int err = walos_proc_spawn(path, sizeof path - 1, argv, sizeof argv, "", 0, child_fds, 3, 0, &pid);
    if (err) {
        printf("pipe: spawn failed (errno %d)\n", err);
        return 1;
    }
    close((int)fds[1]); /* the child holds the only write end now */
    char buf[256];
    size_t len = 0;
    ssize_t n;
    while ((n = read((int)fds[0], buf + len, sizeof buf - 1 - len)) > 0)
        len += (size_t)n;
    buf[len] = 0;
    int32_t status = -1;
    err = walos_proc_wait(pid, 0, &status);
    printf("pipe: read %zu bytes from pid %u, wait errno %d, status %d\n", len, pid, err, status);
    for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n"))
        printf("pipe got: %s\n", line);
    return err == 0 && status == 0 && strstr(buf, "hello from walos process") ? 0 : 1;
}
