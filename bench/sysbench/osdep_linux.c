/* bench/sysbench/osdep_linux.c — osdep.h for the Linux guest: fork + exec, pipe, waitpid. The spawn
 * is what a shell does for a foreground command (fork, dup2 the stdio, execv), so its cost is the
 * one walos_proc spawn + wait is compared with. */
#include "osdep.h"

#include <errno.h>
#include <sys/wait.h>
#include <unistd.h>

const char os_cheap_call_name[] = "getppid";

int os_cheap_call(void)
{
    return (int)getppid();
}

int os_pipe(int fds[2])
{
    return pipe(fds) ? errno : 0;
}

int os_spawn(const char *path, const char *const *argv, int in_fd, int out_fd, long *pid_out)
{
    pid_t pid = fork();
    if (pid < 0)
        return errno;
    if (pid == 0) {
        if ((in_fd != 0 && dup2(in_fd, 0) < 0) || (out_fd != 1 && dup2(out_fd, 1) < 0))
            _exit(126);
        for (int fd = 3; fd < 256; fd++) /* like walos: the child gets stdio only */
            close(fd);
        execv(path, (char *const *)argv);
        _exit(127);
    }
    *pid_out = pid;
    return 0;
}

int os_wait(long pid, int *status_out)
{
    int st;
    if (waitpid((pid_t)pid, &st, 0) < 0)
        return errno;
    *status_out = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    return 0;
}
