/* kernel/proc/svcpolicy.h — the service manager's decisions, without its mechanisms: in which order to
 * start services, and what to do when one ends (restart now, later, or not at all).
 *
 * Portable and pure: no allocation, no clock (times are passed in, in ns), no I/O. The kernel half of
 * the service manager (kernel/proc) feeds events to one struct svcpolicy per service and carries out
 * the actions it returns (spawn, kill); host tests drive it with a fake clock
 * (tests/unit/proc/test_svcpolicy.c).
 *
 * State machine (event -> new state [action]):
 *   STOPPED/EXITED/FAILED --START--> STARTING [SPAWN]       (back-off reset)
 *   STARTING --SPAWNED--> RUNNING           STARTING --SPAWN_FAILED--> as EXITED with status 127
 *   RUNNING --EXITED(status)--> BACKOFF (restart per policy) or EXITED (status 0) or FAILED (other)
 *   BACKOFF --TICK at/after retry_at--> STARTING [SPAWN]
 *   RUNNING/STARTING --STOP--> STOPPING [KILL]    BACKOFF --STOP--> STOPPED
 *   STOPPING --EXITED--> STOPPED (never restarted: the user asked for it)
 * Other pairs change nothing and return SVCPOLICY_NONE (e.g. START while RUNNING).
 * Back-off: the first restart waits backoff_min, each next one twice as long, up to backoff_max; a run
 * that lasted stable_ns or more resets it to backoff_min. */
#ifndef KERNEL_PROC_SVCPOLICY_H
#define KERNEL_PROC_SVCPOLICY_H

#include <stdbool.h>
#include <stdint.h>

#include "kernel/proc/unit.h"

enum svcpolicy_state {
    SVC_STOPPED,     /* not started, or stopped by the user */
    SVC_STARTING,    /* spawn asked for */
    SVC_RUNNING,
    SVC_STOPPING,    /* kill asked for, waiting for the exit */
    SVC_BACKOFF,     /* ended, will restart at retry_at_ns */
    SVC_EXITED,      /* ended with status 0, not restarted */
    SVC_FAILED,      /* ended with a non-zero status, not restarted */
};

enum svcpolicy_event {
    SVC_EV_START,         /* boot or `svc start` */
    SVC_EV_STOP,          /* `svc stop` */
    SVC_EV_SPAWNED,       /* the process exists */
    SVC_EV_SPAWN_FAILED,  /* spawn returned an error */
    SVC_EV_EXITED,        /* the process ended; status given */
    SVC_EV_TICK,          /* time passed (call at svcpolicy_deadline) */
};

enum svcpolicy_action {
    SVCPOLICY_NONE,
    SVCPOLICY_SPAWN,      /* start the process, then report SPAWNED or SPAWN_FAILED */
    SVCPOLICY_KILL,       /* end the process, then report EXITED */
};

struct svcpolicy_tuning {
    uint64_t backoff_min_ns;   /* first restart delay */
    uint64_t backoff_max_ns;   /* the cap */
    uint64_t stable_ns;        /* a run this long resets the back-off */
};

/* The defaults: 500 ms, doubling to 30 s, reset after 10 s of running. */
extern const struct svcpolicy_tuning svcpolicy_default_tuning;

struct svcpolicy {
    enum unit_restart restart;
    struct svcpolicy_tuning tuning;
    enum svcpolicy_state state;
    uint64_t started_ns;       /* when the current/last run began */
    uint64_t retry_at_ns;      /* BACKOFF: when to spawn again */
    uint64_t backoff_ns;       /* the next delay */
    uint32_t restarts;         /* automatic restarts since the last START */
    int32_t last_status;       /* exit status of the last run */
};

/* Starts a policy for a service with the given restart rule, in state STOPPED. */
void svcpolicy_init(struct svcpolicy *p, enum unit_restart restart, const struct svcpolicy_tuning *t);

/* Applies event ev at time now_ns (status: the exit status, for SVC_EV_EXITED only); returns what the
 * caller must do. Never blocks. */
enum svcpolicy_action svcpolicy_event(struct svcpolicy *p, enum svcpolicy_event ev, uint64_t now_ns,
                                      int32_t status);

/* When the policy next wants a SVC_EV_TICK (BACKOFF: retry_at_ns); UINT64_MAX: never. */
uint64_t svcpolicy_deadline(const struct svcpolicy *p);

/* "stopped", "starting", "running", "stopping", "backoff", "exited", "failed". */
const char *svcpolicy_state_name(enum svcpolicy_state s);

/* Orders units[0..n) for starting: every unit comes after the units it names in after= (names that
 * match no unit are ignored), ties kept in array order. Writes indexes to order_out (n entries
 * room) and returns how many were placed. Units on a dependency cycle, or after one, are not placed:
 * blocked_out[i] (n entries) is true for them, so the caller logs and skips them; the rest still
 * start. O(n^2 * UNIT_MAX_AFTER) for the handful of services a system has. */
int svcpolicy_order(const struct unit *units, int n, int *order_out, bool *blocked_out);

#endif /* KERNEL_PROC_SVCPOLICY_H */
