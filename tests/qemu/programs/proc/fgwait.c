/* fgwait: a Ctrl-C typed on the console after a child was spawned, but before its parent started
 * waiting, interrupts a WALOS_WAIT_FOREGROUND wait (a shell's foreground job: the shell may be slow
 * to reach its wait, and a Ctrl-C typed meanwhile must not be lost); a child spawned after that Ctrl-C
 * is not interrupted by it; unknown wait flags are EINVAL.
 * The test (proc-fgwait.test) types Ctrl-C and then "go" once "fgwait: spawned" shows; this program
 * reads that line before it waits, so the Ctrl-C surely came first. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define IMPORT(name) __attribute__((import_module("walos_proc"), import_name(name)))
IMPORT("spawn") int32_t walos_proc_spawn(const char *path, uint32_t path_len, const char *argv,
                                         uint32_t argv_len, const char *env, uint32_t env_len,
                                         const uint32_t *fds, uint32_t fds_count, uint32_t flags,
                                         uint32_t *pid_out);
IMPORT("wait") int32_t walos_proc_wait(uint32_t pid, uint32_t flags, int32_t *status_out);
IMPORT("kill") int32_t walos_proc_kill(uint32_t pid);

#define WAIT_BLOCK 0
#define WAIT_FOREGROUND 2
#define ERRNO_INTR 27
#define ERRNO_INVAL 28

static int fail(const char *why, int err)
{
    printf("fgwait: FAIL %s (errno %d)\n", why, err);
    return 1;
}

static int spawn(const char *path, const char *argv, size_t argv_len, uint32_t *pid)
{
    static const uint32_t stdio[3] = {0, 1, 2};
    return walos_proc_spawn(path, (uint32_t)strlen(path), argv, (uint32_t)argv_len, "", 0, stdio, 3, 0, pid);
}

int main(void)
{
    uint32_t pid;
    int32_t status = -1;
    static const char spin_argv[] = "spin.wasm\0F\0" "20";
    int err = spawn("/bin/test/spin.wasm", spin_argv, sizeof spin_argv, &pid);
    if (err)
        return fail("spawn spin", err);
    if ((err = walos_proc_wait(pid, 4, &status)) != ERRNO_INVAL)
        return fail("wait with unknown flags 4 is not EINVAL", err);
    printf("fgwait: spawned %u\n", pid);
    fflush(stdout);
    char line[64];
    if (!fgets(line, sizeof line, stdin))
        return fail("no line on stdin", 0);
    err = walos_proc_wait(pid, WAIT_BLOCK | WAIT_FOREGROUND, &status);
    if (err != ERRNO_INTR)
        return fail("the Ctrl-C typed before the wait was lost: wait", err);
    printf("fgwait: wait interrupted by the earlier Ctrl-C\n");
    walos_proc_kill(pid);
    if ((err = walos_proc_wait(pid, WAIT_BLOCK, &status)) != 0 || status != 128 + 9)
        return fail("killed child's status", err ? err : status);
    static const char hello_argv[] = "hello.wasm\0after";
    if ((err = spawn("/bin/test/hello.wasm", hello_argv, sizeof hello_argv, &pid)))
        return fail("spawn hello", err);
    if ((err = walos_proc_wait(pid, WAIT_BLOCK | WAIT_FOREGROUND, &status)) != 0 || status != 0)
        return fail("a child spawned after the Ctrl-C was interrupted by it", err ? err : status);
    printf("fgwait: ok\n");
    return 0;
}
