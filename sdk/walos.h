/* sdk/walos.h — walos's own import modules for wasm programs: walos_proc (processes) and walos_svc
 * (services and message passing), as C declarations for clang --target=wasm32-wasi.
 *
 * The ABI is agreed with the kernel (kernel/proc/, the "proc" half of issue 6). Every function but
 * walos_proc_getpid returns a WASI errno (0 = success; the values of <wasi/api.h>, __WASI_ERRNO_*).
 * Pointers and lengths are offsets in the caller's linear memory; the kernel checks each one and returns
 * EFAULT (21) for a range outside memory. Strings are (pointer, length) pairs, never NUL-terminated,
 * except the packed argv/env lists of spawn. No call keeps a pointer after it returns: buffers belong to
 * the caller before and after. A program that imports these modules does not run under walos-run (the
 * host runner knows WASI only); it runs inside walos. */
#ifndef WALOS_SDK_WALOS_H
#define WALOS_SDK_WALOS_H

#include <stdint.h>

#define WALOS_PROC_IMPORT(name) __attribute__((import_module("walos_proc"), import_name(name)))
#define WALOS_SVC_IMPORT(name) __attribute__((import_module("walos_svc"), import_name(name)))

/* ---- walos_proc: processes ------------------------------------------------------------------- */

/* One process as walos_proc_list reports it (64 bytes, little-endian, no padding). */
struct walos_proc_info {
    uint32_t pid;
    uint32_t ppid;             /* 0 for the first process */
    uint32_t state;            /* WALOS_PROC_RUNNING .. WALOS_PROC_ZOMBIE */
    uint32_t reserved;         /* 0 */
    uint64_t cpu_ns;           /* CPU time used so far */
    uint64_t mem_bytes;        /* linear memory + kernel-side state */
    char name[32];             /* program name (argv[0]'s last component), NUL-padded */
};
_Static_assert(sizeof(struct walos_proc_info) == 64, "walos_proc_info is 64 bytes");

#define WALOS_PROC_RUNNING 0
#define WALOS_PROC_READY 1
#define WALOS_PROC_BLOCKED 2
#define WALOS_PROC_ZOMBIE 3

/* The system as walos_proc_sysinfo reports it (32 bytes). */
struct walos_sysinfo {
    uint64_t mem_total;        /* bytes of RAM the kernel manages */
    uint64_t mem_free;         /* bytes not allocated */
    uint64_t uptime_ns;        /* since the kernel started */
    uint32_t nprocs;           /* live processes (zombies included) */
    uint32_t ncpus;            /* CPUs online */
};
_Static_assert(sizeof(struct walos_sysinfo) == 32, "walos_sysinfo is 32 bytes");

#define WALOS_SPAWN_FLAGS_NONE 0   /* the only value today: others are reserved (EINVAL) */
#define WALOS_WAIT_BLOCK 0
#define WALOS_WAIT_NOHANG 1
#define WALOS_WAIT_FOREGROUND 2  /* or-ed in: a Ctrl-C since the child started interrupts the wait */
#define WALOS_POWER_OFF 0
#define WALOS_POWER_REBOOT 1
/* A process ended by a trap exits with 128 + n; by walos_proc_kill with WALOS_STATUS_KILLED. */
#define WALOS_STATUS_KILLED (128 + 9)

/* Starts a new process running the WASI command module at path (an absolute guest path, resolved
 * through the caller's preopens: the caller must be able to open it for reading). argv and env are
 * NUL-separated strings packed in one buffer each (argv[0] first; env entries "K=V"; a final NUL is
 * allowed; argv_len 0 makes argv = { path }). fds is an array of fds_count u32 fds of the CALLER:
 * fds[0..2] become the child's stdin, stdout and stderr, fds[3..] the child's fds 3.. in order
 * (preopened directories keep their preopen name, listening sockets stay sockets); fds_count must be at
 * least 3. The child shares the open file descriptions (offsets) and gets no capability the caller does
 * not hold. Does not block on the child: it returns once the child is created, with its pid in
 * *pid_out (u32). Errors: ENOENT/EACCES/ENOTDIR (path), ENOEXEC (not a valid module, or imports
 * something walos does not provide), EBADF (an fd not open), EINVAL (flags, fds_count < 3), ENOMEM,
 * EAGAIN (process table full), EFAULT. */
WALOS_PROC_IMPORT("spawn")
int32_t walos_proc_spawn(const char *path, uint32_t path_len, const char *argv, uint32_t argv_len,
                         const char *env, uint32_t env_len, const uint32_t *fds, uint32_t fds_count,
                         uint32_t flags, uint32_t *pid_out);

/* Waits for the child pid to end and reaps it: *status_out (i32) is its exit code, 128 + n after a
 * trap, WALOS_STATUS_KILLED after walos_proc_kill. flags WALOS_WAIT_BLOCK sleeps until then;
 * WALOS_WAIT_NOHANG returns EAGAIN at once while the child runs. ECHILD: pid is not a child of the
 * caller (or was already reaped). EINTR: the wait was interrupted (Ctrl-C on the console): one typed
 * while it waits, or, with WALOS_WAIT_FOREGROUND or-ed into flags, one typed at any time since the
 * child was spawned (a shell's foreground job: a Ctrl-C that comes before the shell gets to its wait
 * still stops the job). */
WALOS_PROC_IMPORT("wait")
int32_t walos_proc_wait(uint32_t pid, uint32_t flags, int32_t *status_out);

/* Ends process pid at once (its exit status becomes WALOS_STATUS_KILLED; its parent reaps it). Does not
 * block. ESRCH: no such process; EPERM: pid 1 (the service manager) cannot be killed. */
WALOS_PROC_IMPORT("kill")
int32_t walos_proc_kill(uint32_t pid);

/* Fills buf (buf_len bytes) with as many struct walos_proc_info as fit, in pid order, and sets
 * *count_out (u32) to the number of processes, which may exceed what was written (no ENOBUFS: the
 * caller compares *count_out with buf_len / 64 and retries bigger). Never blocks. */
WALOS_PROC_IMPORT("list")
int32_t walos_proc_list(struct walos_proc_info *buf, uint32_t buf_len, uint32_t *count_out);

/* Creates a pipe: fds_out[0] (u32) its read end, fds_out[1] its write end, both new fds of the caller.
 * Reads block while it is empty and a writer exists, and return 0 bytes (end of file) once every write
 * end is closed; writes block while it is full and fail with EPIPE once every read end is closed.
 * Errors: EMFILE (fd table full), ENOMEM, EFAULT. */
WALOS_PROC_IMPORT("pipe")
int32_t walos_proc_pipe(uint32_t *fds_out);

/* Names the caller's open directory fd as a preopened directory called name (name_len bytes, e.g. "/"):
 * fd_prestat_get then reports it, and walos_proc_spawn hands it to a child as a preopen of that name
 * (with the fd's own rights), the way walos-run's --dir HOST::GUEST maps a directory. The caller gains
 * no access it did not have: the directory was already open. A name given before is replaced.
 * Errors: EBADF (fd not open), ENOTDIR (not a directory), EINVAL (name empty, over 1023 bytes or
 * holding a NUL), ENOMEM, EFAULT. Never blocks. */
WALOS_PROC_IMPORT("preopen")
int32_t walos_proc_preopen(uint32_t fd, const char *name, uint32_t name_len);

/* Fills *out with the system's memory, uptime and process counts. Never blocks. */
WALOS_PROC_IMPORT("sysinfo")
int32_t walos_proc_sysinfo(struct walos_sysinfo *out);

/* cmd WALOS_POWER_OFF powers the machine off, WALOS_POWER_REBOOT reboots it, both after syncing the
 * disks. Does not return on success; EINVAL for another cmd, EPERM when the caller may not. */
WALOS_PROC_IMPORT("power")
int32_t walos_proc_power(uint32_t cmd);

/* The caller's pid (a plain value, not an errno). */
WALOS_PROC_IMPORT("getpid")
int32_t walos_proc_getpid(void);

/* ---- walos_svc: services and message passing -------------------------------------------------- */

#define WALOS_SVC_LIST 0      /* name ignored (len 0): one line per service */
#define WALOS_SVC_STATUS 1    /* one line for service name */
#define WALOS_SVC_START 2
#define WALOS_SVC_STOP 3
#define WALOS_SVC_RESTART 4
#define WALOS_SVC_LOGS 5      /* the tail of the service's log that fits in out */
#define WALOS_SVC_RECV_BLOCK 0
#define WALOS_SVC_RECV_NONBLOCK 1
#define WALOS_SVC_MSG_MAX (64 * 1024)

/* Asks the service manager to act on service name (the NAME of /etc/services/NAME.conf). Writes
 * human-readable text into out (out_len bytes; cut at out_len) and the byte count into *n_out (u32):
 * for LIST and STATUS one line per service ("NAME STATE pid=N restarts=N"), for START/STOP/RESTART a
 * one-line result, for LOGS the log's tail. START/STOP/RESTART return once the state change is made
 * (a stop waits for the process to end). Errors: ENOENT unknown service, EINVAL bad cmd, EFAULT. */
WALOS_SVC_IMPORT("control")
int32_t walos_svc_control(uint32_t cmd, const char *name, uint32_t name_len, char *out,
                          uint32_t out_len, uint32_t *n_out);

/* Queues a copy of msg (msg_len bytes) on the named endpoint; never blocks. Errors: ENOENT (no process
 * listens on ep), EAGAIN (its bounded queue is full: retry later), EMSGSIZE (msg_len over
 * WALOS_SVC_MSG_MAX), EFAULT. */
WALOS_SVC_IMPORT("send")
int32_t walos_svc_send(const char *ep, uint32_t ep_len, const void *msg, uint32_t msg_len);

/* Makes the caller the owner of endpoint ep (until it exits). EADDRINUSE: another process owns it. */
WALOS_SVC_IMPORT("listen")
int32_t walos_svc_listen(const char *ep, uint32_t ep_len);

/* Takes the oldest message of the caller's endpoint ep into buf, its length in *n_out (u32). flags
 * WALOS_SVC_RECV_BLOCK sleeps until one arrives; WALOS_SVC_RECV_NONBLOCK returns EAGAIN when the queue
 * is empty. EMSGSIZE: the message is longer than buf_len; it stays queued and *n_out tells its length.
 * ENOENT: the caller does not own ep. */
WALOS_SVC_IMPORT("recv")
int32_t walos_svc_recv(const char *ep, uint32_t ep_len, void *buf, uint32_t buf_len, uint32_t flags,
                       uint32_t *n_out);

#endif /* WALOS_SDK_WALOS_H */
