/* srv/bin/prog.h — what every srv/bin program shares: start in the shell's directory, print errors.
 *
 * WASI has no per-process working directory: wasi-libc emulates one inside each program, starting at
 * "/". The shell passes its directory in the environment as PWD, so prog_init() changes to it and
 * relative paths in arguments mean what the user sees in the prompt. Programs print errors as
 * "NAME: WHAT: strerror" on stderr and exit 1 when any operation failed. */
#ifndef SRV_BIN_PROG_H
#define SRV_BIN_PROG_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Changes to $PWD when it is set (silently keeps "/" when that fails). */
static inline void prog_init(void)
{
    const char *pwd = getenv("PWD");
    if (pwd && pwd[0] == '/')
        (void)chdir(pwd);
}

/* Prints "prog: what: strerror(errno)" on stderr; returns 1 (the exit status to report). */
static inline int prog_fail(const char *prog, const char *what)
{
    fprintf(stderr, "%s: %s: %s\n", prog, what, strerror(errno));
    return 1;
}

/* Prints "prog: what: wasi errno N" for a walos_* call's error; returns 1. */
static inline int prog_fail_errno(const char *prog, const char *what, int err)
{
    errno = err;
    return prog_fail(prog, what);
}

#endif /* SRV_BIN_PROG_H */
