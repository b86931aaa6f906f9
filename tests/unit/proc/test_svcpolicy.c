/* tests/unit/proc/test_svcpolicy.c — kernel/proc/svcpolicy.c with a fake clock: the state machine,
 * restart rules, exponential back-off with its cap and reset, and start ordering with cycles. */
#include <string.h>

#include "kernel/proc/svcpolicy.h"
#include "tests/unit/harness.h"

#define MS 1000000ull
#define S (1000 * MS)

static const struct svcpolicy_tuning tuning = { 100 * MS, 1 * S, 5 * S };

static void test_start_stop(void)
{
    struct svcpolicy p;
    svcpolicy_init(&p, UNIT_RESTART_NO, &tuning);
    CHECK_EQ(p.state, SVC_STOPPED);
    CHECK(strcmp(svcpolicy_state_name(p.state), "stopped") == 0);
    CHECK_EQ(svcpolicy_event(&p, SVC_EV_START, 0, 0), SVCPOLICY_SPAWN);
    CHECK_EQ(p.state, SVC_STARTING);
    CHECK_EQ(svcpolicy_event(&p, SVC_EV_START, 1, 0), SVCPOLICY_NONE);
    CHECK_EQ(svcpolicy_event(&p, SVC_EV_SPAWNED, 2, 0), SVCPOLICY_NONE);
    CHECK_EQ(p.state, SVC_RUNNING);
    CHECK_EQ(svcpolicy_event(&p, SVC_EV_START, 3, 0), SVCPOLICY_NONE);
    CHECK_EQ(svcpolicy_event(&p, SVC_EV_STOP, 4, 0), SVCPOLICY_KILL);
    CHECK_EQ(p.state, SVC_STOPPING);
    CHECK_EQ(svcpolicy_event(&p, SVC_EV_EXITED, 5, 137), SVCPOLICY_NONE);
    CHECK_EQ(p.state, SVC_STOPPED);
    CHECK_EQ(p.last_status, 137);
    CHECK_EQ(svcpolicy_event(&p, SVC_EV_STOP, 6, 0), SVCPOLICY_NONE);
    CHECK_EQ(svcpolicy_deadline(&p), UINT64_MAX);
}

static void test_restart_rules(void)
{
    struct svcpolicy p;
    /* no: exits rest, status decides exited or failed */
    svcpolicy_init(&p, UNIT_RESTART_NO, &tuning);
    svcpolicy_event(&p, SVC_EV_START, 0, 0);
    svcpolicy_event(&p, SVC_EV_SPAWNED, 0, 0);
    svcpolicy_event(&p, SVC_EV_EXITED, 10, 3);
    CHECK_EQ(p.state, SVC_FAILED);
    CHECK_EQ(svcpolicy_event(&p, SVC_EV_TICK, 100 * S, 0), SVCPOLICY_NONE);
    CHECK_EQ(svcpolicy_event(&p, SVC_EV_START, 100 * S, 0), SVCPOLICY_SPAWN);
    svcpolicy_event(&p, SVC_EV_SPAWNED, 100 * S, 0);
    svcpolicy_event(&p, SVC_EV_EXITED, 101 * S, 0);
    CHECK_EQ(p.state, SVC_EXITED);
    /* on-failure: a clean exit rests, a trap (128+n) restarts */
    svcpolicy_init(&p, UNIT_RESTART_ON_FAILURE, &tuning);
    svcpolicy_event(&p, SVC_EV_START, 0, 0);
    svcpolicy_event(&p, SVC_EV_SPAWNED, 0, 0);
    svcpolicy_event(&p, SVC_EV_EXITED, 10, 0);
    CHECK_EQ(p.state, SVC_EXITED);
    svcpolicy_event(&p, SVC_EV_START, 20, 0);
    svcpolicy_event(&p, SVC_EV_SPAWNED, 20, 0);
    svcpolicy_event(&p, SVC_EV_EXITED, 30, 128 + 4);
    CHECK_EQ(p.state, SVC_BACKOFF);
    /* always: a clean exit restarts too */
    svcpolicy_init(&p, UNIT_RESTART_ALWAYS, &tuning);
    svcpolicy_event(&p, SVC_EV_START, 0, 0);
    svcpolicy_event(&p, SVC_EV_SPAWNED, 0, 0);
    svcpolicy_event(&p, SVC_EV_EXITED, 10, 0);
    CHECK_EQ(p.state, SVC_BACKOFF);
    /* a user stop is never restarted, even with always */
    svcpolicy_init(&p, UNIT_RESTART_ALWAYS, &tuning);
    svcpolicy_event(&p, SVC_EV_START, 0, 0);
    svcpolicy_event(&p, SVC_EV_SPAWNED, 0, 0);
    svcpolicy_event(&p, SVC_EV_STOP, 5, 0);
    svcpolicy_event(&p, SVC_EV_EXITED, 6, 137);
    CHECK_EQ(p.state, SVC_STOPPED);
    CHECK_EQ(svcpolicy_event(&p, SVC_EV_TICK, 100 * S, 0), SVCPOLICY_NONE);
}

/* A crash loop: delays 100, 200, 400, 800 ms, then capped at 1 s; a stable run resets to 100 ms. */
static void test_backoff(void)
{
    struct svcpolicy p;
    svcpolicy_init(&p, UNIT_RESTART_ALWAYS, &tuning);
    uint64_t now = 0;
    svcpolicy_event(&p, SVC_EV_START, now, 0);
    svcpolicy_event(&p, SVC_EV_SPAWNED, now, 0);
    const uint64_t delays[] = { 100 * MS, 200 * MS, 400 * MS, 800 * MS, 1 * S, 1 * S, 1 * S };
    for (unsigned i = 0; i < sizeof delays / sizeof delays[0]; i++) {
        now += 10 * MS;
        CHECK_EQ(svcpolicy_event(&p, SVC_EV_EXITED, now, 128 + 1), SVCPOLICY_NONE);
        CHECK_EQ(p.state, SVC_BACKOFF);
        CHECK_EQ(svcpolicy_deadline(&p), now + delays[i]);
        CHECK_EQ(svcpolicy_event(&p, SVC_EV_TICK, now + delays[i] - 1, 0), SVCPOLICY_NONE);
        now += delays[i];
        CHECK_EQ(svcpolicy_event(&p, SVC_EV_TICK, now, 0), SVCPOLICY_SPAWN);
        CHECK_EQ(p.restarts, i + 1);
        svcpolicy_event(&p, SVC_EV_SPAWNED, now, 0);
    }
    /* runs 6 s (stable): the next delay is back to 100 ms */
    now += 6 * S;
    svcpolicy_event(&p, SVC_EV_EXITED, now, 1);
    CHECK_EQ(svcpolicy_deadline(&p), now + 100 * MS);
    /* stop during back-off: no spawn ever */
    CHECK_EQ(svcpolicy_event(&p, SVC_EV_STOP, now, 0), SVCPOLICY_NONE);
    CHECK_EQ(p.state, SVC_STOPPED);
    CHECK_EQ(svcpolicy_event(&p, SVC_EV_TICK, now + S, 0), SVCPOLICY_NONE);
    /* a manual start resets the counters */
    CHECK_EQ(svcpolicy_event(&p, SVC_EV_START, now + S, 0), SVCPOLICY_SPAWN);
    CHECK_EQ(p.restarts, 0);
}

static void test_spawn_failed(void)
{
    struct svcpolicy p;
    svcpolicy_init(&p, UNIT_RESTART_ON_FAILURE, &tuning);
    svcpolicy_event(&p, SVC_EV_START, 0, 0);
    CHECK_EQ(svcpolicy_event(&p, SVC_EV_SPAWN_FAILED, 1, 0), SVCPOLICY_NONE);
    CHECK_EQ(p.state, SVC_BACKOFF);
    CHECK_EQ(p.last_status, 127);
    svcpolicy_init(&p, UNIT_RESTART_NO, NULL);
    CHECK_EQ(p.tuning.backoff_max_ns, svcpolicy_default_tuning.backoff_max_ns);
    svcpolicy_event(&p, SVC_EV_START, 0, 0);
    svcpolicy_event(&p, SVC_EV_SPAWN_FAILED, 1, 0);
    CHECK_EQ(p.state, SVC_FAILED);
}

static struct unit units[6];

static void make(int i, const char *name, const char *a, const char *b)
{
    memset(&units[i], 0, sizeof units[i]);
    strcpy(units[i].name, name);
    if (a)
        strcpy(units[i].after[units[i].nafter++], a);
    if (b)
        strcpy(units[i].after[units[i].nafter++], b);
}

static void test_order(void)
{
    int order[6];
    bool blocked[6];
    /* web after net and log, log after fs, shell alone, net after "missing" (ignored) */
    make(0, "web", "net", "log");
    make(1, "shell", NULL, NULL);
    make(2, "log", "fs", NULL);
    make(3, "fs", NULL, NULL);
    make(4, "net", "missing", NULL);
    CHECK_EQ(svcpolicy_order(units, 5, order, blocked), 5);
    int pos[5];
    for (int i = 0; i < 5; i++)
        pos[order[i]] = i;
    CHECK(pos[0] > pos[4] && pos[0] > pos[2] && pos[2] > pos[3]);
    CHECK_EQ(order[0], 1);    /* ties in array order: shell, fs, net first */
    CHECK_EQ(order[1], 3);
    CHECK_EQ(order[2], 4);
    for (int i = 0; i < 5; i++)
        CHECK(!blocked[i]);
}

static void test_cycles(void)
{
    int order[6];
    bool blocked[6];
    /* a <-> b cycle, c after a (blocked behind it), d free, e after itself */
    make(0, "a", "b", NULL);
    make(1, "b", "a", NULL);
    make(2, "c", "a", NULL);
    make(3, "d", NULL, NULL);
    make(4, "e", "e", NULL);
    CHECK_EQ(svcpolicy_order(units, 5, order, blocked), 1);
    CHECK_EQ(order[0], 3);
    CHECK(blocked[0] && blocked[1] && blocked[2] && !blocked[3] && blocked[4]);
    CHECK_EQ(svcpolicy_order(units, 0, order, blocked), 0);
}

int main(int argc, char **argv)
{
    static const struct test_case tests[] = {
        { "svcpolicy_start_stop", test_start_stop },
        { "svcpolicy_restart_rules", test_restart_rules },
        { "svcpolicy_backoff", test_backoff },
        { "svcpolicy_spawn_failed", test_spawn_failed },
        { "svcpolicy_order", test_order },
        { "svcpolicy_cycles", test_cycles },
        { NULL, NULL },
    };
    return test_main(tests, argc, argv);
}
