/* tests/unit/wasi/test_sock_ext.c — the WasmEdge socket extension handlers (wasi/sock_ext.c) called
 * directly with hostile arguments: pointers at and past the end of guest memory, odd address sizes,
 * a looping addrinfo chain, tiny sa_data buffers, and random arguments to the handlers that cannot
 * reach beyond the host (no connect, send_to or listen with random addresses, no name lookups of
 * random names). Nothing may crash, every answer must be an errno, and the chain and buffer limits hold. */
#include "fixture.h"

static void allow(void) { wasi_ctx_allow_net(ctx, true); }

/* A guest `address` {buf, size} pointing at bytes put in memory. */
static uint32_t address(const void *bytes, uint32_t len, uint32_t size)
{
    uint32_t buf = put(bytes, len);
    uint32_t a = alloc_mem(8);
    wasi_st32(mem + a, buf);
    wasi_st32(mem + a + 4, size);
    return a;
}

static uint32_t open_sock(uint32_t af, uint32_t type)
{
    uint32_t out = alloc_mem(4);
    CHECK_EQ(call(wasi_sock_open, 3, A(af), A(type), A(out)), WASI_ESUCCESS);
    return wasi_ld32(mem + out);
}

static void test_denied_by_default(void)
{
    fixture_setup();
    uint32_t out = alloc_mem(4);
    CHECK_EQ(call(wasi_sock_open, 3, A(1), A(2), A(out)), WASI_EACCES);
    CHECK_EQ(call(wasi_sock_getaddrinfo, 8, A(0), A(0), A(0), A(0), A(0), A(0), A(1), A(out)),
             WASI_EACCES);
}

static void test_addresses_checked(void)
{
    fixture_setup();
    allow();
    uint32_t fd = open_sock(1, 2);
    static const uint8_t lo[4] = {127, 0, 0, 1};
    CHECK_EQ(call(wasi_sock_bind, 3, A(fd), A(MEM_SIZE - 4), A(0)), WASI_EFAULT);
    CHECK_EQ(call(wasi_sock_bind, 3, A(fd), A(address(lo, 4, 0xffffffffu)), A(0)), WASI_EFAULT);
    CHECK_EQ(call(wasi_sock_bind, 3, A(fd), A(address(lo, 4, 5)), A(0)), WASI_EINVAL);
    CHECK_EQ(call(wasi_sock_bind, 3, A(fd), A(address(lo, 4, 4)), A(70000)), WASI_EINVAL);
    uint8_t prefixed[18] = {9, 0};
    CHECK_EQ(call(wasi_sock_bind, 3, A(fd), A(address(prefixed, 18, 18)), A(0)),
             WASI_EAFNOSUPPORT);
    prefixed[0] = 1;
    memcpy(prefixed + 2, lo, 4);
    CHECK_EQ(call(wasi_sock_bind, 3, A(fd), A(address(prefixed, 18, 18)), A(0)), WASI_ESUCCESS);
    /* getlocaladdr: a raw buffer too small for the address, outputs past the end */
    uint32_t small = address(lo, 4, 3), kind = alloc_mem(4), port = alloc_mem(4);
    CHECK_EQ(call(wasi_sock_getlocaladdr, 4, A(fd), A(small), A(kind), A(port)), WASI_EINVAL);
    CHECK_EQ(call(wasi_sock_getlocaladdr, 4, A(fd), A(address(lo, 4, 4)), A(MEM_SIZE - 2),
                  A(port)), WASI_EFAULT);
    CHECK_EQ(call(wasi_sock_getpeeraddr, 4, A(fd), A(address(lo, 4, 4)), A(kind), A(port)),
             WASI_ENOTCONN);
    CHECK_EQ(call(wasi_sock_listen, 2, A(ROOT_FD), A(1)), WASI_ENOTSOCK);
    CHECK_EQ(call(wasi_sock_listen, 2, A(77), A(1)), WASI_EBADF);
}

static void test_options(void)
{
    fixture_setup();
    allow();
    uint32_t fd = open_sock(2, 1);
    uint32_t v = alloc_mem(4), size = alloc_mem(4);
    wasi_st32(mem + v, 1);
    CHECK_EQ(call(wasi_sock_setsockopt, 5, A(fd), A(0), A(4), A(v), A(4)), WASI_ESUCCESS);
    CHECK_EQ(call(wasi_sock_setsockopt, 5, A(fd), A(0), A(4), A(v), A(8)), WASI_EINVAL);
    CHECK_EQ(call(wasi_sock_setsockopt, 5, A(fd), A(1), A(4), A(v), A(4)), WASI_ENOPROTOOPT);
    CHECK_EQ(call(wasi_sock_setsockopt, 5, A(fd), A(0), A(1), A(v), A(4)), WASI_EINVAL);
    CHECK_EQ(call(wasi_sock_setsockopt, 5, A(fd), A(0), A(4), A(MEM_SIZE - 3), A(4)), WASI_EFAULT);
    wasi_st32(mem + size, 4);
    CHECK_EQ(call(wasi_sock_getsockopt, 5, A(fd), A(0), A(1), A(v), A(size)), WASI_ESUCCESS);
    CHECK_EQ(wasi_ld32(mem + v), 1);   /* SO_TYPE: datagram, WasmEdge's number */
    wasi_st32(mem + size, 2);
    CHECK_EQ(call(wasi_sock_getsockopt, 5, A(fd), A(0), A(1), A(v), A(size)), WASI_EINVAL);
    CHECK_EQ(call(wasi_sock_listen, 2, A(fd), A(1)), WASI_ENOTSUP);
}

/* sock_getaddrinfo of a numeric host: the guest's chain loops back to itself and its sa_data
 * buffer is 3 bytes: one entry written, 3 bytes, no hang. */
static void test_getaddrinfo_chain_limits(void)
{
    fixture_setup();
    allow();
    uint32_t node = put_str("127.0.0.1"), service = put_str("8080");
    uint32_t hints = alloc_mem(28), ai = alloc_mem(28), sa = alloc_mem(12), data = alloc_mem(32);
    uint32_t res = alloc_mem(4), n = alloc_mem(4);
    memset(mem + data, 0xee, 32);
    wasi_st8(mem + hints + 3, 2);     /* stream */
    wasi_st32(mem + ai + 12, sa);
    wasi_st32(mem + ai + 24, ai);     /* next: itself */
    wasi_st32(mem + sa + 4, 3);
    wasi_st32(mem + sa + 8, data);
    wasi_st32(mem + res, ai);
    CHECK_EQ(call(wasi_sock_getaddrinfo, 8, A(node), A(9), A(service), A(4), A(hints), A(res),
                  A(5), A(n)), WASI_ESUCCESS);
    CHECK(wasi_ld32(mem + n) >= 1 && wasi_ld32(mem + n) <= 5);
    CHECK_EQ(mem[ai + 2], 1);         /* IPv4 */
    CHECK_EQ(wasi_ld32(mem + sa + 4), 3);
    CHECK_EQ(mem[data], 8080 >> 8);
    CHECK_EQ(mem[data + 1], 8080 & 0xff);
    CHECK_EQ(mem[data + 2], 127);
    CHECK_EQ(mem[data + 3], 0xee);    /* nothing past the 3 bytes */
    /* the result array pointing past memory, and the name crossing the end */
    wasi_st32(mem + res, MEM_SIZE - 8);
    CHECK_EQ(call(wasi_sock_getaddrinfo, 8, A(node), A(9), A(service), A(4), A(hints), A(res),
                  A(5), A(n)), WASI_EFAULT);
    CHECK_EQ(call(wasi_sock_getaddrinfo, 8, A(MEM_SIZE - 4), A(9), A(service), A(4), A(hints),
                  A(res), A(5), A(n)), WASI_EFAULT);
    uint32_t nul = put("1\0" "2", 3);
    CHECK_EQ(call(wasi_sock_getaddrinfo, 8, A(nul), A(3), A(service), A(4), A(hints), A(res),
                  A(5), A(n)), WASI_EINVAL);
    wasi_st8(mem + hints + 2, 9);
    CHECK_EQ(call(wasi_sock_getaddrinfo, 8, A(node), A(9), A(service), A(4), A(hints), A(res),
                  A(5), A(n)), WASI_EAI_FAMILY);
}

static uint64_t rng = 0x2545f4914f6cdd1dull;
static uint64_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}
static uint64_t arg(void)
{
    switch (next() % 5) {
    case 0: return next() % 8;
    case 1: return next() % 4096;
    case 2: return MEM_SIZE - next() % 64;
    case 3: return next() % 40;
    default: return (uint32_t)next();
    }
}

/* Random arguments to the handlers that stay on this host. Sockets are made non-blocking first so
 * that recv_from never waits; sock_listen is left out, so that a random bind (perhaps to 0.0.0.0)
 * never becomes a listener reachable from outside. */
static void test_random_calls_never_crash(void)
{
    fixture_setup();
    allow();
    static const wasm_host_fn fns[] = {
        wasi_sock_open, wasi_sock_bind, wasi_sock_getlocaladdr,
        wasi_sock_getpeeraddr, wasi_sock_setsockopt, wasi_sock_getsockopt, wasi_sock_recv_from,
    };
    int bad = 0;
    for (int i = 0; i < 20000 && !bad; i++) {
        if (i % 500 == 0) {
            for (uint32_t fd = 4; fd < 40; fd++)
                call(wasi_fd_close, 1, A(fd));
            for (uint32_t k = 0; k < 4; k++) {
                uint32_t fd = open_sock(1 + k % 2, 1 + k / 2 % 2);
                call(wasi_fd_fdstat_set_flags, 2, A(fd), A(WASI_FDFLAG_NONBLOCK));
            }
        }
        wasm_host_fn fn = fns[next() % (sizeof fns / sizeof fns[0])];
        uint64_t slots[9];
        for (int k = 0; k < 9; k++)
            slots[k] = arg();
        if (fn == wasi_sock_open)
            slots[2] = arg();
        if (fn == wasi_sock_recv_from)
            slots[0] = 4 + next() % 4;   /* only our non-blocking sockets */
        last_status = fn(&host_call, slots, mem, MEM_SIZE);
        if (last_status != WASM_OK || slots[0] > WASI_EAI_SYSTEM)
            bad = 1;
    }
    CHECK(!bad);
    for (uint32_t fd = 4; fd < 40; fd++)
        call(wasi_fd_close, 1, A(fd));
}

int main(int argc, char **argv)
{
    static const struct test_case tests[] = {
        {"denied_by_default", test_denied_by_default},
        {"addresses_checked", test_addresses_checked},
        {"options", test_options},
        {"getaddrinfo_chain_limits", test_getaddrinfo_chain_limits},
        {"random_calls_never_crash", test_random_calls_never_crash},
        {NULL, NULL},
    };
    int rc = test_main(tests, argc, argv);
    fixture_teardown();
    return rc;
}
