/* bench/sysbench/osdep.h — the few operations of the system benchmark (sysbench.c) that differ
 * between a Linux guest and walos. Everything else in sysbench.c is plain POSIX that wasi-libc maps
 * onto WASI preview1 (write -> fd_write, pread -> fd_pread, clock_gettime -> clock_time_get,
 * fcntl(F_GETFL) -> fd_fdstat_get), so the same loop measures the same call on both systems.
 *
 * Two implementations, one per system, picked by the build (bench/rules.mk), never by #ifdef:
 *   osdep_linux.c  Linux syscalls through glibc (built with gcc -O2 -static for the Linux guest)
 *   osdep_walos.c  walos_proc imports (sdk/walos.h), built with clang --target=wasm32-wasi
 * Errors: each function returns 0 on success, else a positive errno of its own system. */
#ifndef BENCH_SYSBENCH_OSDEP_H
#define BENCH_SYSBENCH_OSDEP_H

/* what os_cheap_call() calls, for the output line ("getppid", "walos_proc.getpid") */
extern const char os_cheap_call_name[];

/* The cheapest call into the kernel that returns a value of the calling process: Linux getppid()
 * (a real syscall: glibc does not cache it), walos walos_proc_getpid() (a host function that reads
 * the caller's pid: no argument to check, no guest memory touched). Returns the id it got. */
int os_cheap_call(void);

/* Creates a pipe: fds[0] the read end, fds[1] the write end. */
int os_pipe(int fds[2]);

/* Starts program path with argv (NULL-terminated, argv[0] first) and stdin in_fd, stdout out_fd,
 * stderr inherited. Does not wait; *pid_out gets the child's id. */
int os_spawn(const char *path, const char *const *argv, int in_fd, int out_fd, long *pid_out);

/* Waits for child pid to end and reaps it; *status_out gets its exit status. */
int os_wait(long pid, int *status_out);

#endif
