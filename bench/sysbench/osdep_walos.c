/* bench/sysbench/osdep_walos.c — osdep.h for walos: the walos_proc import module (sdk/walos.h).
 * A spawn is walos_proc_spawn (read, validate and compile the module, create the process) and the
 * wait is walos_proc_wait, what the shell does for a foreground command. */
#include "osdep.h"

#include <stdint.h>
#include <string.h>

#include "sdk/walos.h"

const char os_cheap_call_name[] = "walos_proc.getpid";

int os_cheap_call(void)
{
    return walos_proc_getpid();
}

int os_pipe(int fds[2])
{
    uint32_t f[2];
    int32_t err = walos_proc_pipe(f);
    if (err)
        return err;
    fds[0] = (int)f[0];
    fds[1] = (int)f[1];
    return 0;
}

int os_spawn(const char *path, const char *const *argv, int in_fd, int out_fd, long *pid_out)
{
    char packed[512]; /* argv as walos_proc_spawn wants it: NUL-separated strings */
    uint32_t len = 0;
    for (int i = 0; argv[i]; i++) {
        size_t n = strlen(argv[i]) + 1;
        if (len + n > sizeof packed)
            return 7; /* E2BIG */
        memcpy(packed + len, argv[i], n);
        len += (uint32_t)n;
    }
    uint32_t fds[3] = {(uint32_t)in_fd, (uint32_t)out_fd, 2};
    uint32_t pid;
    int32_t err = walos_proc_spawn(path, (uint32_t)strlen(path), packed, len, "", 0, fds, 3,
                                   WALOS_SPAWN_FLAGS_NONE, &pid);
    if (err)
        return err;
    *pid_out = pid;
    return 0;
}

int os_wait(long pid, int *status_out)
{
    int32_t status;
    int32_t err = walos_proc_wait((uint32_t)pid, WALOS_WAIT_BLOCK, &status);
    if (err)
        return err;
    *status_out = status;
    return 0;
}
