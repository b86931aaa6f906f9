/* srv/shell/exec_none.c — exec.h for the shell-host build: no walos_proc, so no program can run. Used
 * only under walos-run, which offers WASI alone, to test the shell's builtins and grammar. */
#include "exec.h"

#include <stdio.h>

int exec_pipeline(const struct parse_line *line, char *const *paths, const char *env, size_t env_len)
{
    (void)paths;
    (void)env;
    (void)env_len;
    fprintf(stderr, "shell: %s: cannot run programs (this shell was built without walos_proc)\n",
            line->cmds[0].argv[0]);
    return EXEC_STATUS_CANNOT_RUN;
}

void exec_reap(void)
{
}

int exec_wait_background(void)
{
    return 0;
}
