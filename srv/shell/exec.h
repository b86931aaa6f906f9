/* srv/shell/exec.h — running external programs for the shell: one pipeline at a time, in the
 * foreground or in the background. Two implementations with this one contract: exec.c through
 * walos_proc (the real shell, /bin/shell.wasm) and exec_none.c, which runs nothing (the shell-host
 * build that walos-run can load, used to test the builtins and the parser on the host). */
#ifndef SRV_SHELL_EXEC_H
#define SRV_SHELL_EXEC_H

#include "parse.h"

#define EXEC_STATUS_NOT_FOUND 127
#define EXEC_STATUS_CANNOT_RUN 126

/* Runs line's commands, cmds[i].argv[0] already resolved to absolute .wasm paths in paths[i], each
 * with its environment env (NUL-separated "K=V" strings, env_len bytes) and the shell's preopened
 * directories as fds 3... Pipes connect the commands; '<'/'>'/'>>' files are opened by the shell,
 * relative to its cwd. Foreground: blocks until every command ended and returns the last one's exit
 * status. Background: returns 0 at once after printing "[PID]". Errors print "shell: ..." on stderr
 * and return EXEC_STATUS_CANNOT_RUN (or 1 for a redirection file that cannot be opened). */
int exec_pipeline(const struct parse_line *line, char *const *paths, const char *env, size_t env_len);

/* Reaps finished background processes without blocking, printing "[PID] done STATUS" for each. */
void exec_reap(void);

/* The wait builtin: blocks until every background process ended, printing "[PID] done STATUS" for
 * each; returns the last one's status (0 with none). ^C stops waiting and returns 130. */
int exec_wait_background(void);

#endif /* SRV_SHELL_EXEC_H */
