/* srv/shell/shell.c — walos's shell: reads command lines (lineedit.c), parses them (parse.c), runs
 * builtins itself and programs through exec.c (walos_proc.spawn; exec_none.c in the shell-host build).
 *
 *   shell [-i] [-c LINE | SCRIPT]
 * -i: interactive even when stdin is not a terminal (prompt, echo and editing); -c: runs LINE and
 * exits with its status; SCRIPT: reads the lines of that file instead of stdin. Otherwise it reads
 * lines from stdin until end of input or `exit`.
 * Builtins: cd [DIR], pwd, exit [N], help, time CMD... . Other commands run /bin/NAME.wasm (or NAME
 * itself when it holds a '/'). The working directory is the shell's own (wasi-libc emulates one) and
 * reaches children as PWD in their environment (srv/bin/prog.h). The exit status of the last command is
 * the shell's exit status at end of input. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "exec.h"
#include "lineedit.h"
#include "parse.h"

#define SHELL_PATH_MAX 512

extern char **environ;

static struct {
    char cwd[SHELL_PATH_MAX];
    int status;        /* last command's exit status */
    int done;          /* `exit` was run */
} sh;

static const char help_text[] =
    "walos shell. Builtins:\n"
    "  cd [DIR]      change directory (default /)\n"
    "  pwd           print the current directory\n"
    "  exit [N]      leave the shell with status N\n"
    "  help          this text\n"
    "  time CMD      run CMD and print the time it took\n"
    "  wait          wait for the background jobs (CMD &) to end\n"
    "Other commands run /bin/NAME.wasm: ls cat echo cp mv rm mkdir rmdir touch date ps kill svc\n"
    "free uptime reboot poweroff time. Syntax: 'quotes' \"quotes\", CMD < IN, CMD > OUT, CMD >> OUT,\n"
    "CMD | CMD, CMD &.\n";

/* Joins cwd and path into out (absolute, with . and .. resolved). Returns 0 or -1 (too long). */
static int path_absolute(const char *path, char *out, size_t cap)
{
    char tmp[SHELL_PATH_MAX * 2];
    int n = snprintf(tmp, sizeof tmp, "%s/%s", path[0] == '/' ? "" : sh.cwd, path);
    if (n < 0 || (size_t)n >= sizeof tmp)
        return -1;
    size_t len = 0;
    char *save = NULL;
    for (char *part = strtok_r(tmp, "/", &save); part; part = strtok_r(NULL, "/", &save)) {
        if (strcmp(part, ".") == 0)
            continue;
        if (strcmp(part, "..") == 0) {
            while (len > 0 && out[len - 1] != '/')
                len--;
            if (len > 0)
                len--;
            continue;
        }
        size_t plen = strlen(part);
        if (len + 1 + plen + 1 > cap)
            return -1;
        out[len++] = '/';
        memcpy(out + len, part, plen);
        len += plen;
    }
    if (len == 0)
        out[len++] = '/';
    out[len] = '\0';
    return 0;
}

/* Writes text to the command's '>' file (or stdout); reports a bad redirection. Returns 0 or 1. */
static int builtin_output(const struct parse_cmd *cmd, const char *text)
{
    if (cmd->in) {
        int fd = open(cmd->in, O_RDONLY);
        if (fd < 0) {
            fprintf(stderr, "shell: %s: %s\n", cmd->in, strerror(errno));
            return 1;
        }
        close(fd);
    }
    if (!cmd->out) {
        fputs(text, stdout);
        fflush(stdout);
        return 0;
    }
    FILE *f = fopen(cmd->out, cmd->append ? "a" : "w");
    if (!f) {
        fprintf(stderr, "shell: %s: %s\n", cmd->out, strerror(errno));
        return 1;
    }
    fputs(text, f);
    return fclose(f) == 0 ? 0 : 1;
}

static int builtin_cd(const struct parse_cmd *cmd)
{
    char target[SHELL_PATH_MAX];
    const char *arg = cmd->argc > 1 ? cmd->argv[1] : "/";
    struct stat st;
    if (path_absolute(arg, target, sizeof target) != 0) {
        fprintf(stderr, "shell: cd: %s: path too long\n", arg);
        return 1;
    }
    if (stat(target, &st) != 0) {
        fprintf(stderr, "shell: cd: %s: %s\n", arg, strerror(errno));
        return 1;
    }
    if (!S_ISDIR(st.st_mode)) {
        fprintf(stderr, "shell: cd: %s: Not a directory\n", arg);
        return 1;
    }
    if (chdir(target) != 0) {
        fprintf(stderr, "shell: cd: %s: %s\n", arg, strerror(errno));
        return 1;
    }
    snprintf(sh.cwd, sizeof sh.cwd, "%s", target);
    setenv("PWD", sh.cwd, 1);
    return 0;
}

/* Runs cmd as a builtin when it is one; returns -1 when it is not. */
static int run_builtin(const struct parse_cmd *cmd)
{
    const char *name = cmd->argv[0];
    if (strcmp(name, "cd") == 0)
        return builtin_cd(cmd);
    if (strcmp(name, "pwd") == 0) {
        char line[SHELL_PATH_MAX + 2];
        snprintf(line, sizeof line, "%s\n", sh.cwd);
        return builtin_output(cmd, line);
    }
    if (strcmp(name, "help") == 0)
        return builtin_output(cmd, help_text);
    if (strcmp(name, "wait") == 0)
        return exec_wait_background();
    if (strcmp(name, "exit") == 0) {
        sh.done = 1;
        return cmd->argc > 1 ? atoi(cmd->argv[1]) : sh.status;
    }
    return -1;
}

/* Packs environ, with PWD set to the cwd, as NUL-separated strings; returns the length. */
static size_t pack_env(char *buf, size_t cap)
{
    size_t len = 0;
    for (char **e = environ; *e; e++) {
        size_t n = strlen(*e) + 1;
        if (strncmp(*e, "PWD=", 4) == 0 || len + n > cap)
            continue;
        memcpy(buf + len, *e, n);
        len += n;
    }
    int n = snprintf(buf + len, cap - len, "PWD=%s", sh.cwd);
    if (n > 0 && len + (size_t)n + 1 <= cap)
        len += (size_t)n + 1;
    return len;
}

static int run_programs(const struct parse_line *line)
{
    static char paths[PARSE_MAX_CMDS][SHELL_PATH_MAX];
    char *path_ptrs[PARSE_MAX_CMDS];
    for (int i = 0; i < line->ncmds; i++) {
        const char *name = line->cmds[i].argv[0];
        char rel[SHELL_PATH_MAX];
        struct stat st;
        if (strchr(name, '/'))
            snprintf(rel, sizeof rel, "%s", name);
        else
            snprintf(rel, sizeof rel, "/bin/%s.wasm", name);
        if (path_absolute(rel, paths[i], sizeof paths[i]) != 0 || stat(paths[i], &st) != 0 ||
            S_ISDIR(st.st_mode)) {
            fprintf(stderr, "shell: %s: command not found\n", name);
            return EXEC_STATUS_NOT_FOUND;
        }
        path_ptrs[i] = paths[i];
    }
    static char env[8192];
    size_t env_len = pack_env(env, sizeof env);
    return exec_pipeline(line, path_ptrs, env, env_len);
}

static double seconds_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int run_line(const char *text)
{
    static struct parse_line line;
    char err[128];
    if (parse_line(text, &line, err, sizeof err) != 0) {
        fprintf(stderr, "shell: %s\n", err);
        return 2;
    }
    if (line.ncmds == 0)
        return sh.status;
    int timed = 0;
    struct parse_cmd *first = &line.cmds[0];
    if (strcmp(first->argv[0], "time") == 0 && first->argc > 1) {
        timed = 1;
        memmove(first->argv, first->argv + 1, sizeof first->argv - sizeof first->argv[0]);
        first->argc--;
    }
    double t0 = seconds_now();
    int status = -1;
    if (line.ncmds == 1 && !line.background)
        status = run_builtin(first);
    if (status < 0) {
        status = run_programs(&line);
        if (status > 128 && !line.background)    /* walos: 128+n after a trap, 137 after kill */
            fprintf(stderr, "shell: %s: ended with status %d (trap or kill)\n",
                    line.cmds[line.ncmds - 1].argv[0], status);
    }
    if (timed)
        fprintf(stderr, "real %.3fs\n", seconds_now() - t0);
    return status;
}

int main(int argc, char **argv)
{
    int interactive = isatty(0);
    const char *command = NULL, *script = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-i") == 0) {
            interactive = 1;
        } else if (strcmp(argv[i], "-c") == 0 && i + 1 < argc) {
            command = argv[++i];
        } else if (argv[i][0] != '-' && !script) {
            script = argv[i];
        } else {
            fprintf(stderr, "usage: shell [-i] [-c LINE | SCRIPT]\n");
            return 2;
        }
    }
    const char *pwd = getenv("PWD");
    if (!pwd || pwd[0] != '/' || chdir(pwd) != 0)
        pwd = "/";
    snprintf(sh.cwd, sizeof sh.cwd, "%s", pwd);
    setenv("PWD", sh.cwd, 1);
    if (command)
        return run_line(command);
    if (script) {
        int fd = open(script, O_RDONLY);
        if (fd < 0) {
            fprintf(stderr, "shell: %s: %s\n", script, strerror(errno));
            return EXEC_STATUS_NOT_FOUND;
        }
        /* the script becomes fd 0 for the line reader; children get the console as stdin */
        lineedit_set_input(fd);
        interactive = 0;
    }
    char text[PARSE_MAX_LINE];
    while (!sh.done) {
        exec_reap();
        char prompt[SHELL_PATH_MAX + 16];
        snprintf(prompt, sizeof prompt, "walos:%s$ ", sh.cwd);
        fflush(stdout);
        if (lineedit_read(prompt, interactive, text, sizeof text) < 0)
            break;
        lineedit_history_add(text);
        sh.status = run_line(text);
        fflush(stdout);
    }
    return sh.status;
}
