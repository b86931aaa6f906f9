/* kernel/arch/x86_64/timer.h — time: a periodic tick and a monotonic clock in nanoseconds.
 *
 * timer_init calibrates the LAPIC timer and the TSC against the PIT (apic.h), then starts the LAPIC
 * timer at TIMER_HZ. timer_ns is the monotonic clock: TSC-based, nanoseconds since timer_init,
 * never goes backwards on this CPU, callable anywhere (IRQ context too). timer_ticks counts tick
 * interrupts (a cheap "is the timer alive" check) and keeps counting whoever else uses the tick:
 * the scheduler hooks in with timer_set_tick_hook instead of taking the vector. Boot CPU only. */
#ifndef KERNEL_ARCH_X86_64_TIMER_H
#define KERNEL_ARCH_X86_64_TIMER_H

#include <stdint.h>

#define TIMER_HZ 100

/* needs apic_init; returns 0, -1 when calibration measured nothing */
int timer_init(void);
uint64_t timer_ns(void);
uint64_t timer_ticks(void);
uint64_t timer_tsc_hz(void);
uint64_t timer_lapic_hz(void);
/* TSC cycles -> nanoseconds with the calibrated frequency */
uint64_t timer_tsc_to_ns(uint64_t cycles);
/* the wall clock: kmain sets the base once from the CMOS RTC (UTC seconds since 1970 at the moment
 * of the call); timer_realtime_ns is that base advanced by the monotonic clock (0 before it is set) */
void timer_set_realtime(int64_t unix_seconds);
int64_t timer_realtime_ns(void);
/* hook(ticks) runs on every tick, in IRQ context (interrupts off, must not block), after the tick
 * count is bumped and before the EOI; NULL removes it. One hook: a new one replaces the old, which is
 * returned (so a caller can chain or restore it). */
typedef void (*timer_tick_hook)(uint64_t ticks);
timer_tick_hook timer_set_tick_hook(timer_tick_hook hook);
/* self-test: the hook runs and timer_ticks keeps counting while it is set */
int timer_hook_selftest(void);
/* spins (interrupts as they are) for at least ns nanoseconds */
void timer_delay_ns(uint64_t ns);

#endif
