/* srv/shell/exec.c — runs pipelines through walos_proc (contract in exec.h; the ABI in sdk/walos.h).
 * The shell opens redirection files and creates pipes itself, hands each child its three stdio fds plus
 * every preopened directory of the shell (so a child sees the same filesystem, and nothing more), then
 * closes its own copies so that a reader sees end of file when its writer exits. */
#include "exec.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <wasi/api.h>

#include "sdk/walos.h"

#define MAX_PREOPENS 16
#define MAX_BACKGROUND 32

static struct {
    uint32_t background[MAX_BACKGROUND];   /* pids started with '&', 0 = free slot */
} jobs;

/* The shell's preopened directories, in fd order (fds 3.. until the first that is not one). */
static int preopens(uint32_t *fds, int cap)
{
    int n = 0;
    for (uint32_t fd = 3; n < cap; fd++) {
        __wasi_prestat_t ps;
        if (__wasi_fd_prestat_get(fd, &ps) != 0)
            break;
        fds[n++] = fd;
    }
    return n;
}

static int open_redirect(const char *path, int for_output, int append)
{
    int flags = for_output ? O_WRONLY | O_CREAT | (append ? O_APPEND : O_TRUNC) : O_RDONLY;
    int fd = open(path, flags, 0644);
    if (fd < 0)
        fprintf(stderr, "shell: %s: %s\n", path, strerror(errno));
    return fd;
}

static void close_unless_stdio(int fd)
{
    if (fd > 2)
        close(fd);
}

static void remember_background(uint32_t pid)
{
    for (int i = 0; i < MAX_BACKGROUND; i++) {
        if (jobs.background[i] == 0) {
            jobs.background[i] = pid;
            return;
        }
    }
}

void exec_reap(void)
{
    for (int i = 0; i < MAX_BACKGROUND; i++) {
        int32_t status;
        uint32_t pid = jobs.background[i];
        if (pid == 0)
            continue;
        int err = walos_proc_wait(pid, WALOS_WAIT_NOHANG, &status);
        if (err == __WASI_ERRNO_AGAIN)
            continue;
        if (err == 0)
            printf("[%u] done %d\n", pid, status);
        jobs.background[i] = 0;
    }
    fflush(stdout);
}

int exec_wait_background(void)
{
    int last = 0;
    for (int i = 0; i < MAX_BACKGROUND; i++) {
        int32_t status;
        uint32_t pid = jobs.background[i];
        if (pid == 0)
            continue;
        int err = walos_proc_wait(pid, WALOS_WAIT_BLOCK, &status);
        if (err == __WASI_ERRNO_INTR) {
            fflush(stdout);
            return 130;
        }
        if (err == 0) {
            printf("[%u] done %d\n", pid, status);
            last = status;
        }
        jobs.background[i] = 0;
    }
    fflush(stdout);
    return last;
}

/* Waits for the foreground job pid; a ^C since it started (EINTR: also one typed before this
 * wait began) kills it and waits again. */
static int wait_for(uint32_t pid)
{
    int32_t status = EXEC_STATUS_CANNOT_RUN;
    int err = walos_proc_wait(pid, WALOS_WAIT_BLOCK | WALOS_WAIT_FOREGROUND, &status);
    if (err == __WASI_ERRNO_INTR) {
        walos_proc_kill(pid);
        err = walos_proc_wait(pid, WALOS_WAIT_BLOCK, &status);
    }
    return err ? EXEC_STATUS_CANNOT_RUN : status;
}

int exec_pipeline(const struct parse_line *line, char *const *paths, const char *env, size_t env_len)
{
    uint32_t fds[3 + MAX_PREOPENS];
    int extra = preopens(fds + 3, MAX_PREOPENS);
    uint32_t pids[PARSE_MAX_CMDS];
    int started = 0, status = 0;
    int next_in = 0;    /* read end of the previous command's pipe, or 0 */
    fflush(stdout);
    for (int i = 0; i < line->ncmds; i++) {
        const struct parse_cmd *cmd = &line->cmds[i];
        int in = next_in, out = 1;
        next_in = 0;
        if (i + 1 < line->ncmds) {
            uint32_t p[2];
            int err = walos_proc_pipe(p);
            if (err) {
                fprintf(stderr, "shell: pipe: %s\n", strerror(err));
                close_unless_stdio(in);
                status = EXEC_STATUS_CANNOT_RUN;
                break;
            }
            out = (int)p[1];
            next_in = (int)p[0];
        }
        if (cmd->in) {
            close_unless_stdio(in);
            in = open_redirect(cmd->in, 0, 0);
        }
        if (cmd->out) {
            close_unless_stdio(out);
            out = open_redirect(cmd->out, 1, cmd->append);
        }
        if (in < 0 || out < 0) {
            close_unless_stdio(in);
            close_unless_stdio(out);
            status = 1;
            continue;
        }
        char argv[PARSE_MAX_LINE * 2];
        size_t argv_len = 0;
        for (int a = 0; a < cmd->argc; a++) {
            size_t n = strlen(cmd->argv[a]) + 1;
            memcpy(argv + argv_len, cmd->argv[a], n);
            argv_len += n;
        }
        fds[0] = (uint32_t)in;
        fds[1] = (uint32_t)out;
        fds[2] = 2;
        uint32_t pid;
        int err = walos_proc_spawn(paths[i], (uint32_t)strlen(paths[i]), argv, (uint32_t)argv_len, env,
                                   (uint32_t)env_len, fds, (uint32_t)(3 + extra), 0, &pid);
        close_unless_stdio(in);
        close_unless_stdio(out);
        if (err) {
            fprintf(stderr, "shell: %s: %s\n", cmd->argv[0], strerror(err));
            status = EXEC_STATUS_CANNOT_RUN;
            continue;
        }
        pids[started++] = pid;
    }
    close_unless_stdio(next_in);
    if (line->background) {
        for (int i = 0; i < started; i++) {
            printf("[%u]\n", pids[i]);
            remember_background(pids[i]);
        }
        return status;
    }
    for (int i = 0; i < started; i++) {
        int s = wait_for(pids[i]);
        if (i == started - 1 && status == 0)
            status = s;
    }
    return status;
}
