/* time CMD [ARG]... — runs /bin/CMD.wasm (or CMD when it holds a '/') with stdio inherited, waits,
 * then prints "real N.NNNs" on stderr and exits with the command's status. */
#include <time.h>
#include "prog.h"
#include "sdk/walos.h"

int main(int argc, char **argv)
{
    prog_init();
    if (argc < 2) {
        fprintf(stderr, "usage: time CMD [ARG]...\n");
        return 2;
    }
    char path[512];
    if (strchr(argv[1], '/'))
        snprintf(path, sizeof path, "%s", argv[1]);
    else
        snprintf(path, sizeof path, "/bin/%s.wasm", argv[1]);
    static char args[8192];
    size_t len = 0;
    for (int i = 1; i < argc; i++) {
        size_t n = strlen(argv[i]) + 1;
        if (len + n > sizeof args)
            return prog_fail_errno("time", "arguments", E2BIG);
        memcpy(args + len, argv[i], n);
        len += n;
    }
    const char *pwd = getenv("PWD");
    char env[600];
    int env_len = snprintf(env, sizeof env, "PWD=%s", pwd ? pwd : "/") + 1;
    uint32_t fds[3] = { 0, 1, 2 };
    uint32_t pid;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int err = walos_proc_spawn(path, (uint32_t)strlen(path), args, (uint32_t)len, env,
                               (uint32_t)env_len, fds, 3, 0, &pid);
    if (err)
        return prog_fail_errno("time", argv[1], err);
    int32_t status = 0;
    err = walos_proc_wait(pid, WALOS_WAIT_BLOCK, &status);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (err)
        return prog_fail_errno("time", "wait", err);
    long long ms = (t1.tv_sec - t0.tv_sec) * 1000LL + (t1.tv_nsec - t0.tv_nsec) / 1000000;
    fprintf(stderr, "real %lld.%03llds\n", ms / 1000, ms % 1000);
    return status;
}
