/* kernel/proc/svcpolicy.c — service start order and restart decisions (contract and state machine in
 * svcpolicy.h). Pure functions of their inputs: the kernel's service manager owns the clock, the
 * processes and the logs. */
#include "kernel/proc/svcpolicy.h"

#include "walos/platform.h"

#define MS 1000000ull

const struct svcpolicy_tuning svcpolicy_default_tuning = {
    .backoff_min_ns = 500 * MS,
    .backoff_max_ns = 30000 * MS,
    .stable_ns = 10000 * MS,
};

void svcpolicy_init(struct svcpolicy *p, enum unit_restart restart, const struct svcpolicy_tuning *t)
{
    memset(p, 0, sizeof *p);
    p->restart = restart;
    p->tuning = t ? *t : svcpolicy_default_tuning;
    p->state = SVC_STOPPED;
    p->backoff_ns = p->tuning.backoff_min_ns;
}

static bool wants_restart(const struct svcpolicy *p, int32_t status)
{
    return p->restart == UNIT_RESTART_ALWAYS || (p->restart == UNIT_RESTART_ON_FAILURE && status != 0);
}

/* The process ended on its own (or never started): restart later, or rest. */
static enum svcpolicy_action ended(struct svcpolicy *p, uint64_t now_ns, int32_t status)
{
    p->last_status = status;
    if (now_ns - p->started_ns >= p->tuning.stable_ns)
        p->backoff_ns = p->tuning.backoff_min_ns;
    if (!wants_restart(p, status)) {
        p->state = status == 0 ? SVC_EXITED : SVC_FAILED;
        return SVCPOLICY_NONE;
    }
    p->state = SVC_BACKOFF;
    p->retry_at_ns = now_ns + p->backoff_ns;
    p->backoff_ns = p->backoff_ns > p->tuning.backoff_max_ns / 2 ? p->tuning.backoff_max_ns
                                                                 : p->backoff_ns * 2;
    return SVCPOLICY_NONE;
}

enum svcpolicy_action svcpolicy_event(struct svcpolicy *p, enum svcpolicy_event ev, uint64_t now_ns,
                                      int32_t status)
{
    switch (ev) {
    case SVC_EV_START:
        if (p->state != SVC_STOPPED && p->state != SVC_EXITED && p->state != SVC_FAILED &&
            p->state != SVC_BACKOFF)
            return SVCPOLICY_NONE;
        p->backoff_ns = p->tuning.backoff_min_ns;
        p->restarts = 0;
        p->state = SVC_STARTING;
        p->started_ns = now_ns;
        return SVCPOLICY_SPAWN;
    case SVC_EV_STOP:
        if (p->state == SVC_RUNNING || p->state == SVC_STARTING) {
            p->state = SVC_STOPPING;
            return SVCPOLICY_KILL;
        }
        if (p->state == SVC_BACKOFF)
            p->state = SVC_STOPPED;
        return SVCPOLICY_NONE;
    case SVC_EV_SPAWNED:
        if (p->state == SVC_STARTING) {
            p->state = SVC_RUNNING;
            p->started_ns = now_ns;
        }
        return SVCPOLICY_NONE;
    case SVC_EV_SPAWN_FAILED:
        if (p->state == SVC_STOPPING) {
            p->state = SVC_STOPPED;
            return SVCPOLICY_NONE;
        }
        if (p->state != SVC_STARTING)
            return SVCPOLICY_NONE;
        p->started_ns = now_ns;
        return ended(p, now_ns, 127);
    case SVC_EV_EXITED:
        if (p->state == SVC_STOPPING) {
            p->last_status = status;
            p->state = SVC_STOPPED;
            return SVCPOLICY_NONE;
        }
        if (p->state != SVC_RUNNING && p->state != SVC_STARTING)
            return SVCPOLICY_NONE;
        return ended(p, now_ns, status);
    case SVC_EV_TICK:
        if (p->state != SVC_BACKOFF || now_ns < p->retry_at_ns)
            return SVCPOLICY_NONE;
        p->state = SVC_STARTING;
        p->started_ns = now_ns;
        p->restarts++;
        return SVCPOLICY_SPAWN;
    }
    return SVCPOLICY_NONE;
}

uint64_t svcpolicy_deadline(const struct svcpolicy *p)
{
    return p->state == SVC_BACKOFF ? p->retry_at_ns : UINT64_MAX;
}

const char *svcpolicy_state_name(enum svcpolicy_state s)
{
    static const char *const names[] = {
        [SVC_STOPPED] = "stopped", [SVC_STARTING] = "starting", [SVC_RUNNING] = "running",
        [SVC_STOPPING] = "stopping", [SVC_BACKOFF] = "backoff", [SVC_EXITED] = "exited",
        [SVC_FAILED] = "failed",
    };
    return (unsigned)s < sizeof names / sizeof names[0] ? names[s] : "?";
}

static int find_unit(const struct unit *units, int n, const char *name)
{
    for (int i = 0; i < n; i++)
        if (strcmp(units[i].name, name) == 0)
            return i;
    return -1;
}

int svcpolicy_order(const struct unit *units, int n, int *order_out, bool *blocked_out)
{
    int placed = 0;
    for (int i = 0; i < n; i++)
        blocked_out[i] = true;    /* "not placed yet"; what remains at the end is blocked */
    /* Kahn's algorithm in passes: each pass places, in array order, every unit whose known
     * dependencies are all placed; a pass that places nothing leaves only cycles and their dependents. */
    bool progress = true;
    while (progress) {
        progress = false;
        for (int i = 0; i < n; i++) {
            if (!blocked_out[i])
                continue;
            bool ready = true;
            for (int a = 0; a < units[i].nafter && ready; a++) {
                int dep = find_unit(units, n, units[i].after[a]);
                if (dep >= 0 && dep != i && blocked_out[dep])
                    ready = false;
                if (dep == i)
                    ready = false;    /* after= itself: a cycle of one */
            }
            if (!ready)
                continue;
            blocked_out[i] = false;
            order_out[placed++] = i;
            progress = true;
        }
    }
    return placed;
}
