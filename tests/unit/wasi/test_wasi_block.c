/* tests/unit/wasi/test_wasi_block.c — the blocking contract: a platform call that answers
 * PLAT_WOULD_BLOCK makes the handler return WASM_BLOCK with nothing written to the guest, and the
 * retry (the engine's resume) completes the call; poll_oneoff's relative timeouts keep counting from
 * the first attempt. The POSIX platform never blocks that way, so plat_fd_read and plat_poll are
 * wrapped here (linker --wrap, see wasi/rules.mk) to behave like the kernel backend. */
#include <time.h>

#include "fixture.h"

static int reads_to_block, polls_to_block;
static long poll_park_ms;   /* how long a blocked poll "sleeps" in the scheduler */

int __real_plat_fd_read(plat_handle h, const struct plat_iovec *iov, size_t count, size_t *n_out);
int __wrap_plat_fd_read(plat_handle h, const struct plat_iovec *iov, size_t count, size_t *n_out)
{
    if (reads_to_block > 0) {
        reads_to_block--;
        return PLAT_WOULD_BLOCK;
    }
    return __real_plat_fd_read(h, iov, count, n_out);
}

int __real_plat_poll(struct plat_pollfd *fds, size_t count, int64_t timeout_ns, size_t *ready_out);
int __wrap_plat_poll(struct plat_pollfd *fds, size_t count, int64_t timeout_ns, size_t *ready_out)
{
    if (polls_to_block > 0 && timeout_ns != 0) {
        polls_to_block--;
        struct timespec d = {0, poll_park_ms * 1000000};
        nanosleep(&d, NULL);
        return PLAT_WOULD_BLOCK;
    }
    return __real_plat_poll(fds, count, timeout_ns, ready_out);
}

static uint64_t mono_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

static void test_read_blocks_then_completes(void)
{
    fixture_setup();
    uint32_t fd;
    CHECK_EQ(open_path(ROOT_FD, 0, "file", 0, WASI_RIGHT_FD_READ, 0, &fd), WASI_ESUCCESS);
    uint32_t buf = alloc_mem(8), iov = alloc_mem(8), n = alloc_mem(4);
    wasi_st32(mem + iov, buf);
    wasi_st32(mem + iov + 4, 8);
    wasi_st32(mem + n, 0xdeadbeef);
    reads_to_block = 2;
    uint64_t slots[4] = {fd, iov, 1, n};
    CHECK_EQ(wasi_fd_read(&host_call, slots, mem, MEM_SIZE), WASM_BLOCK);
    CHECK_EQ(wasi_ld32(mem + n), 0xdeadbeef);       /* nothing written */
    CHECK_EQ(slots[0], fd);                         /* arguments intact for the retry */
    CHECK_EQ(wasi_fd_read(&host_call, slots, mem, MEM_SIZE), WASM_BLOCK);
    CHECK_EQ(wasi_fd_read(&host_call, slots, mem, MEM_SIZE), WASM_OK);
    CHECK_EQ(slots[0], WASI_ESUCCESS);
    CHECK_EQ(wasi_ld32(mem + n), 5);
    CHECK(memcmp(mem + buf, "hello", 5) == 0);
}

static void test_poll_timeout_survives_retries(void)
{
    fixture_setup();
    uint32_t sub = alloc_mem(WASI_SUBSCRIPTION_SIZE), ev = alloc_mem(WASI_EVENT_SIZE);
    uint32_t n = alloc_mem(4);
    wasi_st64(mem + sub, 9);
    mem[sub + 8] = WASI_EVENT_CLOCK;
    wasi_st32(mem + sub + 16, WASI_CLOCK_MONOTONIC);
    wasi_st64(mem + sub + 24, 50000000);   /* 50 ms, relative */
    polls_to_block = 5;
    poll_park_ms = 30;
    uint64_t t0 = mono_ns();
    int blocked = 0, rc;
    for (;;) {
        uint64_t slots[4] = {sub, ev, 1, n};
        rc = wasi_poll_oneoff(&host_call, slots, mem, MEM_SIZE);
        if (rc != WASM_BLOCK) {
            CHECK_EQ(slots[0], WASI_ESUCCESS);
            break;
        }
        blocked++;
        CHECK(blocked < 5);
        if (blocked >= 5)
            break;
    }
    uint64_t elapsed = mono_ns() - t0;
    CHECK_EQ(rc, WASM_OK);
    CHECK_EQ(blocked, 2);                   /* 30 + 30 ms parked >= 50 ms: due on the third try */
    CHECK(elapsed >= 50000000);
    CHECK(elapsed < 150000000);             /* a restarted timeout would need 110 ms or more */
    CHECK_EQ(wasi_ld32(mem + n), 1);
    CHECK_EQ(wasi_ld64(mem + ev), 9);
    /* the next poll starts afresh */
    polls_to_block = 0;
    wasi_st64(mem + sub + 24, 20000000);
    t0 = mono_ns();
    uint64_t slots[4] = {sub, ev, 1, n};
    CHECK_EQ(wasi_poll_oneoff(&host_call, slots, mem, MEM_SIZE), WASM_OK);
    CHECK(mono_ns() - t0 >= 20000000);
}

int main(int argc, char **argv)
{
    static const struct test_case tests[] = {
        {"read_blocks_then_completes", test_read_blocks_then_completes},
        {"poll_timeout_survives_retries", test_poll_timeout_survives_retries},
        {NULL, NULL},
    };
    int rc = test_main(tests, argc, argv);
    fixture_teardown();
    return rc;
}
