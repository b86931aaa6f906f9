/* kernel/selftest.c — the table of in-kernel tests (contract in selftest.h). Each test lives next to
 * the code it checks when it needs that module's insides (heap_selftest); the rest are here. */
#include "kernel/selftest.h"

#include <stdint.h>
#include "kernel/arch/x86_64/context.h"
#include "kernel/arch/x86_64/cpu.h"
#include "kernel/arch/x86_64/timer.h"
#include "kernel/arch/x86_64/trap.h"
#include "kernel/drivers/acpi.h"
#include "kernel/drivers/ps2.h"
#include "kernel/drivers/rtc.h"
#include "kernel/drivers/serial.h"
#include "kernel/lib/fmt.h"
#include "kernel/lib/string.h"
#include "kernel/mm/heap.h"
#include "kernel/mm/memlayout.h"
#include "kernel/mm/pmm.h"
#include "kernel/mm/vmm.h"
#include "kernel/printk.h"

#define ST_CHECK(cond)                                                        \
    do {                                                                      \
        if (!(cond)) {                                                        \
            printk("selftest: %s: FAIL %s (line %d)\n", __func__, #cond, __LINE__); \
            failed++;                                                         \
        }                                                                     \
    } while (0)

static int test_pmm(void)
{
    int failed = 0;
    uint64_t free0 = pmm_free_pages();
    uint64_t a = pmm_alloc(1), b = pmm_alloc(16);
    ST_CHECK(a && b && a != b && (a & 0xfff) == 0 && (b & 0xfff) == 0);
    ST_CHECK(pmm_free_pages() == free0 - 17);
    memset(phys_to_virt(b), 0x42, 16 * PAGE_SIZE); /* the direct map reaches the frames */
    pmm_free(a, 1);
    pmm_free(b, 16);
    ST_CHECK(pmm_free_pages() == free0);
    ST_CHECK(pmm_alloc(pmm_total_pages() + 1) == 0);
    return failed;
}

static int test_vmm(void)
{
    int failed = 0;
    unsigned f;
    /* W^X per kernel section, NX direct map (without NX in the CPU, everything is executable) */
    unsigned nx = vmm_has_nx() ? VMM_EXEC : 0;
    if (!nx)
        printk("selftest: vmm: this CPU has no NX: checking write protection only\n");
    ST_CHECK(vmm_query((uint64_t)__kernel_start, &f) && (f & VMM_EXEC) && !(f & VMM_WRITE));
    ST_CHECK(vmm_query((uint64_t)__text_end, &f) && !(f & nx) && !(f & VMM_WRITE));
    ST_CHECK(vmm_query((uint64_t)__rodata_end, &f) && !(f & nx) && (f & VMM_WRITE));
    ST_CHECK(vmm_query((uint64_t)__data_end, &f) && !(f & nx) && !(f & VMM_WRITE));
    ST_CHECK(vmm_query(DIRECT_MAP_BASE + 0x100000, &f) && !(f & nx) && (f & VMM_WRITE));
    ST_CHECK(!vmm_query(0x1000, &f)); /* the boot identity map is gone */
    /* a stack has a guard page below it */
    uint64_t top = vmm_stack_alloc(4);
    ST_CHECK(top != 0);
    ST_CHECK(vmm_query(top - 1, &f) && (f & VMM_WRITE));
    ST_CHECK(vmm_query(top - 4 * PAGE_SIZE, &f));
    /* an ACPI table by signature (the FADT is always there when ACPI is) */
    uint32_t len = 0;
    const uint8_t *facp = acpi_find_table("FACP", &len);
    ST_CHECK(!acpi_get()->present || (facp && len >= 116 && memcmp(facp, "FACP", 4) == 0));
    ST_CHECK(acpi_find_table("ZZZZ", &len) == NULL);
    ST_CHECK(!vmm_query(top - 4 * PAGE_SIZE - 1, &f));
    /* a reservation: 8 GiB of address space, 64 KiB committed, nothing else mapped; released */
    uint64_t free0 = pmm_free_pages();
    uint64_t r = vmm_reserve(8ULL << 30);
    ST_CHECK(r >= RESERVE_REGION_BASE && r < RESERVE_REGION_END);
    ST_CHECK(vmm_commit(r, 64 * 1024) == 0);
    ST_CHECK(vmm_query(r, &f) && (f & VMM_WRITE) && !(f & VMM_EXEC && vmm_has_nx()));
    ST_CHECK(((volatile uint8_t *)r)[65535] == 0);
    ((volatile uint8_t *)r)[65535] = 7;
    ST_CHECK(!vmm_query(r + 64 * 1024, &f));
    ST_CHECK(!vmm_query(r + (8ULL << 30) - 1, &f));
    ST_CHECK(vmm_commit(r + 60 * 1024, 8 * 1024) == 0); /* overlapping: the old page keeps its data */
    ST_CHECK(((volatile uint8_t *)r)[65535] == 7);
    vmm_release(r, 8ULL << 30);
    ST_CHECK(!vmm_query(r, &f));
    ST_CHECK(pmm_free_pages() + 8 >= free0); /* frames back (a few page-table pages stay) */
    ST_CHECK(vmm_reserve(4ULL << 30) == r);  /* the address space is reused */
    vmm_release(r, 4ULL << 30);
    /* translation round trip */
    ST_CHECK(virt_to_phys(phys_to_virt(0x123456)) == 0x123456);
    ST_CHECK(vmm_translate((uint64_t)__kernel_start) == virt_to_phys(__kernel_start));
    return failed;
}

static int test_timer(void)
{
    int failed = 0;
    ST_CHECK(timer_tsc_hz() > 1000000 && timer_lapic_hz() > 1000);
    uint64_t t0 = timer_ns(), ticks0 = timer_ticks();
    timer_delay_ns(50 * 1000000ULL); /* 50 ms: at least a few ticks at TIMER_HZ */
    uint64_t t1 = timer_ns(), ticks1 = timer_ticks();
    ST_CHECK(t1 - t0 >= 50 * 1000000ULL);
    ST_CHECK(ticks1 > ticks0);
    uint64_t prev = timer_ns();
    for (int i = 0; i < 1000; i++) { /* monotonic */
        uint64_t now = timer_ns();
        ST_CHECK(now >= prev);
        prev = now;
    }
    printk("selftest: timer: 50 ms delay = %lu ticks, tsc %lu MHz, lapic %lu kHz\n", ticks1 - ticks0,
           timer_tsc_hz() / 1000000, timer_lapic_hz() / 1000);
    return failed;
}

static int test_rtc(void)
{
    int failed = 0;
    struct rtc_time t;
    ST_CHECK(rtc_read(&t) == 0);
    ST_CHECK(t.year >= 2020 && t.year < 2200 && t.month >= 1 && t.month <= 12 && t.day >= 1 && t.day <= 31);
    ST_CHECK(t.hour < 24 && t.minute < 60 && t.second < 61);
    struct rtc_time epoch = { 1970, 1, 1, 0, 0, 0 }, y2k = { 2000, 3, 1, 12, 0, 0 };
    ST_CHECK(rtc_to_unix(&epoch) == 0);
    ST_CHECK(rtc_to_unix(&y2k) == 951912000);
    /* the wall clock runs from the RTC at boot; both agree to within a few seconds */
    int64_t wall = timer_realtime_ns() / 1000000000LL;
    ST_CHECK(rtc_read(&t) == 0);
    int64_t rtc = rtc_to_unix(&t);
    ST_CHECK(wall > rtc - 3 && wall < rtc + 3);
    return failed;
}

/* COM1's receive interrupt, end to end: UART loopback -> IOAPIC -> IDT -> serial_irq -> ring */
static int test_irq_serial(void)
{
    int failed = 0;
    while (serial_getc() >= 0) /* drain */
        ;
    unsigned long before = serial_rx_count();
    serial_set_loopback(true);
    serial_write("wl", 2);
    uint64_t end = timer_ns() + 200 * 1000000ULL;
    while (serial_rx_count() < before + 2 && timer_ns() < end)
        sti_hlt();
    serial_set_loopback(false);
    ST_CHECK(serial_rx_count() >= before + 2);
    ST_CHECK(serial_getc() == 'w');
    ST_CHECK(serial_getc() == 'l');
    return failed;
}

/* PS/2 keyboard IRQ 1 end to end: the controller delivers injected scancodes ("h", "i") */
static int test_irq_ps2(void)
{
    int failed = 0;
    while (ps2_getc() >= 0)
        ;
    unsigned long before = ps2_irq_count();
    static const uint8_t codes[] = { 0x23, 0xa3, 0x17, 0x97 }; /* h down/up, i down/up (set 1) */
    for (size_t i = 0; i < sizeof codes; i++) {
        ps2_inject(codes[i]);
        uint64_t end = timer_ns() + 100 * 1000000ULL;
        while (ps2_irq_count() < before + i + 1 && timer_ns() < end)
            sti_hlt();
    }
    ST_CHECK(ps2_irq_count() == before + sizeof codes);
    ST_CHECK(ps2_getc() == 'h');
    ST_CHECK(ps2_getc() == 'i');
    ST_CHECK(ps2_getc() == -1);
    return failed;
}

/* two contexts interleave, each with its own SSE register and MXCSR state */
static struct context ctx_main, ctx_other;
static volatile int other_steps;

static inline void xmm7_set(uint64_t v) { __asm__ volatile("movq %0, %%xmm7" : : "r"(v) : "xmm7"); }
static inline uint64_t xmm7_get(void)
{
    uint64_t v;
    __asm__ volatile("movq %%xmm7, %0" : "=r"(v));
    return v;
}
static inline uint32_t mxcsr_get(void)
{
    uint32_t v;
    __asm__ volatile("stmxcsr %0" : "=m"(v));
    return v;
}

static void other_main(void *arg)
{
    volatile int *bad = arg;
    xmm7_set(0x2222222222222222ULL);
    ldmxcsr(0x1f80 | (3u << 13)); /* round toward zero: a visible MXCSR difference */
    for (;;) {
        other_steps++;
        context_switch(&ctx_other, &ctx_main);
        if (xmm7_get() != 0x2222222222222222ULL || (mxcsr_get() >> 13 & 3) != 3)
            (*bad)++;
    }
}

static int test_fpu_context(void)
{
    int failed = 0;
    static volatile int bad;
    uint64_t top = vmm_stack_alloc(4);
    ST_CHECK(top != 0);
    if (!top)
        return failed;
    context_init_current(&ctx_main);
    context_init(&ctx_other, top, other_main, (void *)&bad);
    uint32_t mx = mxcsr_get();
    for (int i = 0; i < 5; i++) {
        xmm7_set(0x1111111111111111ULL + (uint64_t)i);
        context_switch(&ctx_main, &ctx_other);
        ST_CHECK(xmm7_get() == 0x1111111111111111ULL + (uint64_t)i);
    }
    ST_CHECK(mxcsr_get() == mx);
    ST_CHECK(other_steps == 5);
    ST_CHECK(bad == 0);
    /* floating point still computes right on this side */
    volatile double x = 1.5, y = 2.25;
    ST_CHECK(x * y == 3.375);
    return failed;
}

/* an interrupt handler that uses SSE must not disturb the interrupted code's registers */
static void clobber_xmm7(struct trap_frame *f)
{
    (void)f;
    __asm__ volatile("pxor %%xmm7, %%xmm7" ::: "xmm7");
}

static int test_irq_fpu(void)
{
    int failed = 0;
    trap_set_handler(VEC_SELFTEST, clobber_xmm7);
    xmm7_set(0x5555aaaa5555aaaaULL);
    __asm__ volatile("int %0" : : "i"(VEC_SELFTEST) : "memory");
    ST_CHECK(xmm7_get() == 0x5555aaaa5555aaaaULL);
    trap_set_handler(VEC_SELFTEST, NULL);
    return failed;
}

static int test_fmt(void)
{
    int failed = 0;
    /* printk's log ring holds the banner (first line) and what was just printed */
    static char logbuf[256];
    unsigned long total;
    printk("selftest: log marker 4711\n");
    unsigned long n = printk_log_copy(logbuf, sizeof logbuf - 1, &total);
    logbuf[n] = 0;
    ST_CHECK(n == sizeof logbuf - 1 && total > n && strstr(logbuf, "log marker 4711\n") != NULL);
    if (total <= PRINTK_LOG_SIZE) {
        static char head[6];
        static char all[PRINTK_LOG_SIZE];
        printk_log_copy(all, sizeof all, NULL);
        memcpy(head, all, 5);
        ST_CHECK(strcmp(head, "walos") == 0);
    }
    char buf[64];
    snprintf(buf, sizeof buf, "%d %u %x %lx %p %s %c %llu %05d", -1, 2u, 255u, 0xffUL, (void *)16, "s", 'c',
             123ULL, 42);
    ST_CHECK(strcmp(buf, "-1 2 ff ff 0x0000000000000010 s c 123 00042") == 0);
    return failed;
}

struct selftest {
    const char *name;
    int (*fn)(void);
};

static const struct selftest tests[] = {
    { "pmm", test_pmm },
    { "vmm", test_vmm },
    { "heap", heap_selftest },
    { "fmt", test_fmt },
    { "timer", test_timer },
    { "timer_hook", timer_hook_selftest },
    { "rtc", test_rtc },
    { "irq_serial", test_irq_serial },
    { "irq_ps2", test_irq_ps2 },
    { "fpu_context", test_fpu_context },
    { "irq_fpu", test_irq_fpu },
};

int selftest_run(const char *filter)
{
    int passed = 0, failed = 0;
    for (size_t i = 0; i < sizeof tests / sizeof tests[0]; i++) {
        if (filter && !strstr(tests[i].name, filter))
            continue;
        int f = tests[i].fn();
        printk("selftest: %s %s\n", tests[i].name, f ? "FAIL" : "ok");
        if (f)
            failed++;
        else
            passed++;
    }
    printk("selftest: %d passed, %d failed\n", passed, failed);
    return failed;
}
