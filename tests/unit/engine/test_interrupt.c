/* tests/unit/engine/test_interrupt.c — the interrupt/resume contract of engine/wasm.h.
 *
 * Runs small programs to completion once without interruption, then again with the interrupt flag
 * raised (before every resume, or every N resumes, or from a host call), and checks that the results
 * are unchanged and that WASM_YIELD was seen; also a host function that blocks (WASM_BLOCK) before
 * succeeding, fuel exhaustion, and call-stack exhaustion as a trap (never a host stack overflow).
 *
 * The module is interrupt.wat beside this file, as bytes (regenerate with:
 *   wat2wasm tests/unit/engine/interrupt.wat -o /tmp/t.wasm && xxd -i /tmp/t.wasm). */
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "harness.h"
#include "engine/wasm.h"

static const unsigned char module_bytes[] = {
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x0b, 0x02, 0x60,
  0x01, 0x7f, 0x01, 0x7f, 0x60, 0x01, 0x7f, 0x01, 0x7e, 0x02, 0x14, 0x01,
  0x04, 0x68, 0x6f, 0x73, 0x74, 0x0b, 0x6d, 0x61, 0x79, 0x62, 0x65, 0x5f,
  0x62, 0x6c, 0x6f, 0x63, 0x6b, 0x00, 0x00, 0x03, 0x05, 0x04, 0x01, 0x00,
  0x00, 0x00, 0x07, 0x24, 0x04, 0x03, 0x73, 0x75, 0x6d, 0x00, 0x01, 0x03,
  0x66, 0x69, 0x62, 0x00, 0x02, 0x09, 0x68, 0x6f, 0x73, 0x74, 0x5f, 0x6c,
  0x6f, 0x6f, 0x70, 0x00, 0x03, 0x08, 0x69, 0x6e, 0x66, 0x69, 0x6e, 0x69,
  0x74, 0x65, 0x00, 0x04, 0x0a, 0x5f, 0x04, 0x1a, 0x01, 0x01, 0x7e, 0x03,
  0x40, 0x20, 0x01, 0x20, 0x00, 0xad, 0x7c, 0x21, 0x01, 0x20, 0x00, 0x41,
  0x01, 0x6b, 0x22, 0x00, 0x0d, 0x00, 0x0b, 0x20, 0x01, 0x0b, 0x1c, 0x00,
  0x20, 0x00, 0x41, 0x02, 0x49, 0x04, 0x7f, 0x20, 0x00, 0x05, 0x20, 0x00,
  0x41, 0x01, 0x6b, 0x10, 0x02, 0x20, 0x00, 0x41, 0x02, 0x6b, 0x10, 0x02,
  0x6a, 0x0b, 0x0b, 0x1b, 0x01, 0x01, 0x7f, 0x03, 0x40, 0x20, 0x01, 0x20,
  0x00, 0x10, 0x00, 0x6a, 0x21, 0x01, 0x20, 0x00, 0x41, 0x01, 0x6b, 0x22,
  0x00, 0x0d, 0x00, 0x0b, 0x20, 0x01, 0x0b, 0x09, 0x00, 0x20, 0x00, 0x41,
  0x01, 0x6a, 0x10, 0x04, 0x0b
};

static int block_countdown;     /* host_loop's import blocks this many times before answering */
static unsigned interrupt_every; /* host_loop's import raises the interrupt flag every N calls */
static unsigned host_calls;

static int host_maybe_block(struct wasm_host_call *call, uint64_t *slots, uint8_t *mem,
                            uint64_t mem_size)
{
    (void)mem;
    (void)mem_size;
    if (block_countdown > 0) {
        block_countdown--;
        return WASM_BLOCK;
    }
    if (interrupt_every && ++host_calls % interrupt_every == 0)
        wasm_exec_interrupt(call->exec);
    slots[0] = (uint32_t)slots[0] * 3;
    return WASM_OK;
}

struct world {
    wasm_module *module;
    wasm_store *store;
    wasm_instance *inst;
    wasm_exec *exec;
};

static int world_open(struct world *w, const struct wasm_limits *limits)
{
    struct wasm_error err;
    if (wasm_module_load(module_bytes, sizeof module_bytes, NULL, &w->module, &err) != WASM_OK) {
        printf("load: %s\n", err.message);
        return -1;
    }
    w->store = wasm_store_new(limits);
    wasm_linker *l = wasm_linker_new(w->store);
    wasm_linker_define_func(l, "host", "maybe_block", "(i)i", host_maybe_block, NULL);
    if (wasm_linker_instantiate(l, w->module, &w->inst, &err) != WASM_OK) {
        printf("instantiate: %s\n", err.message);
        return -1;
    }
    w->exec = wasm_exec_new(w->store);
    return w->exec ? 0 : -1;
}

static void world_close(struct world *w)
{
    wasm_store_free(w->store);
    wasm_module_free(w->module);
}

/* A "timer": raises the exec's flag every period_us microseconds until stopped. */
struct ticker {
    pthread_t thread;
    volatile uint32_t *flag;
    long period_us;
    atomic_int stop;
};

static void *ticker_main(void *arg)
{
    struct ticker *t = arg;
    struct timespec ts = { 0, t->period_us * 1000 };
    while (!atomic_load(&t->stop)) {
        nanosleep(&ts, NULL);
        *t->flag = 1;
    }
    return NULL;
}

enum { NEVER, EVERY_SAFEPOINT, TIMER };

/* Calls name(arg), resuming after every yield or block. mode NEVER: no interrupt; EVERY_SAFEPOINT:
 * the flag is raised before the call and before every resume; TIMER: a thread raises it every
 * 20 us. Returns the final status; *result, *yields, *blocks filled. */
static int run(struct world *w, const char *name, uint64_t arg, int mode, uint64_t *result,
               unsigned *yields, unsigned *blocks)
{
    wasm_func *f = wasm_instance_func(w->inst, name);
    *yields = *blocks = 0;
    if (!f)
        return -1;
    struct ticker t = { .flag = wasm_exec_interrupt_flag(w->exec), .period_us = 20 };
    if (mode == TIMER && pthread_create(&t.thread, NULL, ticker_main, &t) != 0)
        return -1;
    if (mode == EVERY_SAFEPOINT)
        wasm_exec_interrupt(w->exec);
    int st = wasm_exec_call(w->exec, f, &arg);
    while (st == WASM_YIELD || st == WASM_BLOCK) {
        if (st == WASM_YIELD)
            (*yields)++;
        else
            (*blocks)++;
        if (mode == EVERY_SAFEPOINT)
            wasm_exec_interrupt(w->exec);
        st = wasm_exec_resume(w->exec);
    }
    if (mode == TIMER) {
        atomic_store(&t.stop, 1);
        pthread_join(t.thread, NULL);
        *wasm_exec_interrupt_flag(w->exec) = 0;
    }
    if (st == WASM_OK)
        *result = wasm_exec_results(w->exec)[0];
    return st;
}

static void test_loop_interrupted_every_back_edge(void)
{
    struct world w;
    CHECK(world_open(&w, NULL) == 0);
    uint64_t plain = 0, interrupted = 0;
    unsigned yields, blocks;
    CHECK_EQ(run(&w, "sum", 100000, NEVER, &plain, &yields, &blocks), WASM_OK);
    CHECK_EQ(yields, 0);
    CHECK_EQ(plain, 5000050000ull);
    CHECK_EQ(run(&w, "sum", 100000, EVERY_SAFEPOINT, &interrupted, &yields, &blocks), WASM_OK);
    CHECK_EQ(interrupted, plain);
    CHECK(yields >= 99999);     /* one per back-edge (and one at function entry) */
    world_close(&w);
}

/* The flag raised from inside the program every N back-edges (by the loop's host call). */
static void test_loop_interrupted_every_n(void)
{
    struct world w;
    CHECK(world_open(&w, NULL) == 0);
    for (unsigned every = 1; every <= 4096; every *= 8) {
        uint64_t plain = 0, interrupted = 0;
        unsigned yields, blocks;
        interrupt_every = 0;
        CHECK_EQ(run(&w, "host_loop", 20000, NEVER, &plain, &yields, &blocks), WASM_OK);
        CHECK_EQ(plain, 3ull * 20000 * 20001 / 2);
        interrupt_every = every;
        host_calls = 0;
        CHECK_EQ(run(&w, "host_loop", 20000, NEVER, &interrupted, &yields, &blocks), WASM_OK);
        CHECK_EQ(interrupted, plain);
        CHECK_EQ(yields, (20000 - 1) / every);  /* no back-edge after the last call */
        *wasm_exec_interrupt_flag(w.exec) = 0;
    }
    interrupt_every = 0;
    world_close(&w);
}

/* The flag raised asynchronously by a timer thread, as the kernel's scheduler does. */
static void test_loop_interrupted_by_timer(void)
{
    struct world w;
    CHECK(world_open(&w, NULL) == 0);
    uint64_t plain = 0, interrupted = 0;
    unsigned yields, blocks;
    CHECK_EQ(run(&w, "sum", 3000000, NEVER, &plain, &yields, &blocks), WASM_OK);
    unsigned total = 0;     /* a loaded machine may not run the ticker during one short call */
    for (int i = 0; i < 20 && total < 3; i++) {
        CHECK_EQ(run(&w, "sum", 3000000, TIMER, &interrupted, &yields, &blocks), WASM_OK);
        CHECK_EQ(interrupted, plain);
        total += yields;
    }
    CHECK(total > 0);
    total = 0;
    CHECK_EQ(run(&w, "fib", 25, NEVER, &plain, &yields, &blocks), WASM_OK);
    for (int i = 0; i < 50 && total < 3; i++) {
        CHECK_EQ(run(&w, "fib", 25, TIMER, &interrupted, &yields, &blocks), WASM_OK);
        CHECK_EQ(interrupted, plain);
        total += yields;
    }
    CHECK(total > 0);
    world_close(&w);
}

static void test_calls_interrupted(void)
{
    struct world w;
    CHECK(world_open(&w, NULL) == 0);
    uint64_t plain = 0, interrupted = 0;
    unsigned yields, blocks;
    CHECK_EQ(run(&w, "fib", 20, NEVER, &plain, &yields, &blocks), WASM_OK);
    CHECK_EQ(plain, 6765);
    CHECK_EQ(run(&w, "fib", 20, EVERY_SAFEPOINT, &interrupted, &yields, &blocks), WASM_OK);
    CHECK_EQ(interrupted, plain);
    CHECK_EQ(yields, 21891);    /* every call is a safepoint: fib(20) makes 21891 calls */
    world_close(&w);
}

static void test_host_block_then_resume(void)
{
    struct world w;
    CHECK(world_open(&w, NULL) == 0);
    uint64_t plain = 0, blocked = 0;
    unsigned yields, blocks;
    block_countdown = 0;
    CHECK_EQ(run(&w, "host_loop", 100, NEVER, &plain, &yields, &blocks), WASM_OK);
    CHECK_EQ(plain, 3 * 5050);
    block_countdown = 7;
    CHECK_EQ(run(&w, "host_loop", 100, EVERY_SAFEPOINT, &blocked, &yields, &blocks), WASM_OK);
    CHECK_EQ(blocked, plain);
    CHECK_EQ(blocks, 7);
    CHECK_EQ(yields, 100);      /* function entry + 99 back-edges */
    world_close(&w);
}

static void test_resume_misuse(void)
{
    struct world w;
    CHECK(world_open(&w, NULL) == 0);
    CHECK_EQ(wasm_exec_resume(w.exec), WASM_ERR_ARG);   /* nothing suspended */
    wasm_func *f = wasm_instance_func(w.inst, "sum");
    uint64_t arg = 10;
    wasm_exec_interrupt(w.exec);
    CHECK_EQ(wasm_exec_call(w.exec, f, &arg), WASM_YIELD);
    CHECK_EQ(wasm_exec_call(w.exec, f, &arg), WASM_ERR_ARG);    /* busy */
    wasm_exec_reset(w.exec);
    CHECK_EQ(wasm_exec_call(w.exec, f, &arg), WASM_OK);
    CHECK_EQ(wasm_exec_results(w.exec)[0], 55);
    world_close(&w);
}

static void test_fuel(void)
{
    struct world w;
    struct wasm_limits limits = { .fuel = 10000 };
    CHECK(world_open(&w, &limits) == 0);
    uint64_t r = 0;
    unsigned yields, blocks;
    CHECK_EQ(run(&w, "sum", 100, NEVER, &r, &yields, &blocks), WASM_OK);
    CHECK_EQ(r, 5050);
    CHECK_EQ(run(&w, "sum", 1000000, NEVER, &r, &yields, &blocks), WASM_TRAP);
    CHECK_EQ(wasm_exec_trap(w.exec), WASM_TRAP_OUT_OF_FUEL);
    CHECK(strcmp(wasm_exec_trap_message(w.exec), "all fuel consumed") == 0);
    world_close(&w);
}

static void test_stack_exhaustion_is_a_trap(void)
{
    struct world w;
    CHECK(world_open(&w, NULL) == 0);
    uint64_t r = 0;
    unsigned yields, blocks;
    CHECK_EQ(run(&w, "infinite", 0, NEVER, &r, &yields, &blocks), WASM_TRAP);
    CHECK_EQ(wasm_exec_trap(w.exec), WASM_TRAP_STACK_EXHAUSTED);
    struct wasm_frame_info frames[4];
    CHECK_EQ(wasm_exec_backtrace(w.exec, frames, 4), 4);
    CHECK_EQ(frames[0].func_index, 4);
    /* the exec is usable again after a trap */
    CHECK_EQ(run(&w, "fib", 10, NEVER, &r, &yields, &blocks), WASM_OK);
    CHECK_EQ(r, 55);
    world_close(&w);
}

int main(int argc, char **argv)
{
    static const struct test_case tests[] = {
        { "loop_interrupted_every_back_edge", test_loop_interrupted_every_back_edge },
        { "loop_interrupted_every_n", test_loop_interrupted_every_n },
        { "loop_interrupted_by_timer", test_loop_interrupted_by_timer },
        { "calls_interrupted", test_calls_interrupted },
        { "host_block_then_resume", test_host_block_then_resume },
        { "resume_misuse", test_resume_misuse },
        { "fuel", test_fuel },
        { "stack_exhaustion_is_a_trap", test_stack_exhaustion_is_a_trap },
        { NULL, NULL },
    };
    return test_main(tests, argc, argv);
}
