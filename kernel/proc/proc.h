/* kernel/proc/proc.h — processes and the scheduler.
 *
 * A process is a wasm instance plus its WASI context (wasi/wasi.h) and a handle table (the
 * plat_handle values its WASI fds map to; kernel/proc/handle.h). The engine is resumable (wasm calls
 * do not recurse on the C stack, engine/wasm.h), so a process needs no kernel stack of its own while
 * it is not running: its whole state lives in its wasm_exec. The scheduler (proc_run) is a loop on
 * the boot stack that resumes one process at a time, round robin:
 *   - preemption: the LAPIC timer tick sets the running exec's interrupt flag, the engine returns
 *     WASM_YIELD at its next safepoint, the process goes to the back of the queue;
 *   - blocking: a platform call that cannot complete says what it waits for (proc_block_until) and
 *     returns PLAT_WOULD_BLOCK; wasi/ returns WASM_BLOCK; the process is parked until its deadline
 *     passes or an event arrives (console input, pipe data or close, a child's exit), then retried;
 *   - idle: nothing ready, the CPU halts (`sti; hlt`) until the next interrupt.
 * A trap or a limit hit ends that process only (status 134, the reason on the console and in the log);
 * kill ends one with status 137.
 *
 * Single CPU; everything here runs in kernel thread context (never in IRQ context) except the tick.
 * Kernel command line (kernel/cmdline.h): `run=/bin/x.wasm[,arg...]` (repeatable) spawns each
 * program at boot with stdio on the console and "/" preopened, runs them until all have ended and
 * prints "proc: N passed, N failed" (a program passes when it exits 0, or with `expect=S` status S);
 * `proc.mem=MIB` sets their linear-memory limit (default PROC_DEFAULT_MEMORY_PAGES). */
#ifndef KERNEL_PROC_PROC_H
#define KERNEL_PROC_PROC_H

#include <stdbool.h>
#include <stdint.h>

#include "engine/wasm.h"
#include "wasi/wasi.h"

#define PROC_MAX 64            /* processes alive at once (zombies included) */
#define PROC_HANDLES 1024      /* handles per process (a server holds one per connection) */
#define PROC_NAME_MAX 32
#define PROC_STATUS_TRAP 134   /* 128 + SIGABRT, as walos-run */
#define PROC_STATUS_KILLED 137 /* 128 + SIGKILL */
#define PROC_NO_DEADLINE UINT64_MAX

enum proc_state { PROC_RUNNING = 0, PROC_READY = 1, PROC_BLOCKED = 2, PROC_ZOMBIE = 3, PROC_FREE = 4 };

struct kobj;
struct vfs_node;

struct proc {
    int pid, ppid;
    enum proc_state state;
    char name[PROC_NAME_MAX];
    struct wasi_ctx *wasi;
    uint8_t *image;            /* the module's bytes (the module keeps pointers into them) */
    wasm_module *module;
    wasm_store *store;
    wasm_instance *instance;
    wasm_exec *exec;
    wasm_func *start, *entry;  /* the start function (may be NULL), then _start */
    int phase;                 /* 0: nothing called yet, 1: in start, 2: in _start */
    int32_t status;            /* exit status once a zombie */
    char reason[64];           /* zombie after a trap: the trap message ("" otherwise) */
    uint64_t cpu_ns;           /* time spent running */
    uint64_t deadline;         /* blocked: wake at this monotonic ns (PROC_NO_DEADLINE: none) */
    uint64_t block_events;     /* blocked: the event count when it blocked */
    uint64_t wakes;            /* bumped by proc_wake (this process only) */
    uint64_t block_wakes;      /* blocked: wakes when it blocked */
    uint64_t unparks;          /* times it went from blocked to ready (proc.unparks=on prints it) */
    uint64_t unparks_wake;     /* of those, by proc_wake alone (not an event, not the deadline) */
    bool waiting;              /* parked in walos_proc wait (the call is retried) */
    bool kill_pending;         /* killed while running (from its own host call): ends at the yield */
    int32_t kill_status;
    unsigned long wait_interrupts; /* console Ctrl-C count when that wait began */
    unsigned long spawn_interrupts; /* console Ctrl-C count when it was spawned (WALOS_WAIT_FOREGROUND) */
    struct kobj *handles[PROC_HANDLES];
};

/* Options of a spawn. Strings are copied; the handles are the parent's (or the kernel's) and are
 * duplicated into the child (the parent keeps its own). */
struct proc_spawn_args {
    const char *path;          /* path of the .wasm in the VFS: absolute, or relative to dir */
    struct vfs_node *dir;      /* where a relative path starts (held by the caller); NULL: "/" */
    int argc;
    const char *const *argv;   /* argv[0] first */
    int envc;
    const char *const *env;
    struct proc *parent;       /* NULL: the kernel (ppid 0) */
    int stdio[3];              /* parent's handles for fds 0..2 (-1: the console, -2: none) */
    bool preopen_root;         /* preopen "/" (kernel spawns only) */
    bool allow_net;            /* may use the network (sockets, name lookups): a capability; a child
                                  never gets it unless its parent has it (walos_ext.h) */
    uint32_t max_memory_pages; /* 0: PROC_DEFAULT_MEMORY_PAGES */
    uint64_t fuel;             /* engine fuel for the whole run; 0: unlimited */
};
#define PROC_DEFAULT_MEMORY_PAGES 2048 /* 128 MiB */

/* Loads, validates and instantiates path; the new process is READY. Returns its pid, or a negative
 * WASI errno (-WASI_ENOENT, -WASI_ENOEXEC for a bad module, -WASI_EAGAIN when the table is full,
 * -WASI_ENOMEM); the reason is printed. Does not block (reads the file synchronously). */
int proc_spawn(const struct proc_spawn_args *a);
/* The process running now, or NULL outside any (kernel context). */
struct proc *proc_current(void);
struct proc *proc_get(int pid);
/* The highest pid handed out so far (pids are never reused: 1 .. proc_max_pid()). */
int proc_max_pid(void);
/* Ends a live process with status; it becomes a zombie until reaped (proc_reap). The running
 * process (a host call of its own, e.g. `svc stop` of its own service) ends at its next safepoint. */
void proc_kill(struct proc *p, int32_t status);
/* Frees a zombie's slot. */
void proc_reap(struct proc *p);

/* Called by platform code before returning PLAT_WOULD_BLOCK on behalf of the current process: it
 * wakes at the monotonic deadline (PROC_NO_DEADLINE: none) or at the next event. No current process:
 * does nothing (the caller gets PLAT_WOULD_BLOCK anyway). */
void proc_block_until(uint64_t deadline_ns);
/* Something a blocked process may wait for happened (input, pipe, exit): retry the blocked ones. */
void proc_event(void);
/* Something p waits for happened (its socket, its DNS answer): retry p only, if it is blocked or
 * about to block (a wake between its proc_block_until and its parking is not lost). Interrupts-off
 * context is fine (the network's receive path); p NULL does nothing. */
void proc_wake(struct proc *p);

/* Adds a function the scheduler calls on every pass, in the order added (the service manager's
 * supervision, the network's timers); it returns true while it still has work, which keeps proc_run
 * going with no process alive. Adding the same hook twice keeps one. Returns 0, or -1 when all
 * PROC_POLL_HOOKS places are taken. Not for interrupt context. */
#define PROC_POLL_HOOKS 4
int proc_add_poll_hook(bool (*hook)(void));

/* Runs the scheduler until no process is alive and the poll hook has no work (zombies stay for
 * their reaper), or until the monotonic time `until_ns` (UINT64_MAX: no limit). */
void proc_run(uint64_t until_ns);
/* Runs the scheduler until process pid has ended; returns its exit status and reaps it (-1: no
 * such process). */
int proc_run_until_exit(int pid);

/* The boot hook (one call in kmain, after storage): runs the `run=` switches. Returns the number of
 * failed programs (0 when no switch is given). */
int proc_boot(void);

#endif
