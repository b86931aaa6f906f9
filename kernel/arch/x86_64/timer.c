/* kernel/arch/x86_64/timer.c — tick and monotonic clock (contract in timer.h). */
#include "kernel/arch/x86_64/timer.h"

#include "kernel/arch/x86_64/apic.h"
#include "kernel/arch/x86_64/cpu.h"
#include "kernel/arch/x86_64/trap.h"
#include "kernel/printk.h"

static struct {
    uint64_t tsc_hz, lapic_hz;
    uint64_t tsc0;
    volatile uint64_t ticks;
    int64_t realtime_base_ns; /* wall-clock ns at monotonic time realtime_mono_ns */
    uint64_t realtime_mono_ns;
    volatile timer_tick_hook hook;
} tm;

static void tick(struct trap_frame *f)
{
    (void)f;
    uint64_t n = ++tm.ticks;
    timer_tick_hook hook = tm.hook;
    if (hook)
        hook(n);
    apic_eoi();
}

timer_tick_hook timer_set_tick_hook(timer_tick_hook hook)
{
    bool on = irq_save();
    timer_tick_hook old = tm.hook;
    tm.hook = hook;
    irq_restore(on);
    return old;
}

static volatile uint64_t hook_calls, hook_last;

static void count_hook(uint64_t ticks)
{
    hook_calls++;
    hook_last = ticks;
}

int timer_hook_selftest(void)
{
    timer_tick_hook old = timer_set_tick_hook(count_hook);
    uint64_t ticks0 = timer_ticks();
    timer_delay_ns(50 * 1000000ULL);
    uint64_t ticks1 = timer_ticks();
    timer_set_tick_hook(old);
    int failed = 0;
    if (!(hook_calls > 0 && ticks1 > ticks0 && hook_last > ticks0 && hook_last <= ticks1)) {
        printk("selftest: timer_hook: FAIL hook ran %lu times, ticks %lu -> %lu (last seen %lu)\n",
               hook_calls, ticks0, ticks1, hook_last);
        failed++;
    } else {
        printk("selftest: timer_hook: hook ran %lu times over %lu ticks\n", hook_calls,
               ticks1 - ticks0);
    }
    return failed;
}

int timer_init(void)
{
    tm.lapic_hz = apic_timer_calibrate(&tm.tsc_hz);
    if (!tm.lapic_hz || !tm.tsc_hz)
        return -1;
    tm.tsc0 = rdtsc();
    trap_set_handler(VEC_LAPIC_TIMER, tick);
    apic_timer_start(TIMER_HZ);
    return 0;
}

uint64_t timer_tsc_to_ns(uint64_t cycles)
{
    if (!tm.tsc_hz)
        return 0;
    /* split to stay in 64 bits (no 128-bit division in a freestanding build); exact for TSCs < 18 GHz */
    return cycles / tm.tsc_hz * 1000000000u + cycles % tm.tsc_hz * 1000000000u / tm.tsc_hz;
}

uint64_t timer_ns(void)
{
    return timer_tsc_to_ns(rdtsc() - tm.tsc0);
}

uint64_t timer_ticks(void) { return tm.ticks; }
uint64_t timer_tsc_hz(void) { return tm.tsc_hz; }
uint64_t timer_lapic_hz(void) { return tm.lapic_hz; }

void timer_delay_ns(uint64_t ns)
{
    uint64_t end = timer_ns() + ns;
    while (timer_ns() < end)
        cpu_pause();
}

void timer_set_realtime(int64_t unix_seconds)
{
    tm.realtime_mono_ns = timer_ns();
    tm.realtime_base_ns = unix_seconds * 1000000000LL;
}

int64_t timer_realtime_ns(void)
{
    if (!tm.realtime_base_ns)
        return 0;
    return tm.realtime_base_ns + (int64_t)(timer_ns() - tm.realtime_mono_ns);
}
