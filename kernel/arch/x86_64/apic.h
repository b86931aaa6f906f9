/* kernel/arch/x86_64/apic.h — the boot CPU's local APIC (xAPIC, MMIO) and its timer.
 *
 * apic_init maps the LAPIC uncached, enables it (spurious vector VEC_SPURIOUS, task priority 0) and
 * masks the LVT entries it does not use. apic_timer_calibrate measures the LAPIC timer and the TSC
 * against the PIT (pit.h) over a fixed window; apic_timer_start runs the timer periodically at `hz`
 * on VEC_LAPIC_TIMER. apic_eoi acknowledges the interrupt being serviced; IRQ handlers call it.
 * Boot CPU only (no SMP yet); init functions with interrupts off, apic_eoi in any IRQ context. */
#ifndef KERNEL_ARCH_X86_64_APIC_H
#define KERNEL_ARCH_X86_64_APIC_H

#include <stdint.h>

/* returns 0, or -1 when there is no APIC (CPUID) */
int apic_init(uint64_t lapic_phys);
uint32_t apic_id(void);
void apic_eoi(void);
/* measures; returns the LAPIC timer frequency in Hz (divide-by-16 input), sets *tsc_hz_out */
uint64_t apic_timer_calibrate(uint64_t *tsc_hz_out);
/* periodic interrupts at hz on VEC_LAPIC_TIMER (apic_timer_calibrate first) */
void apic_timer_start(uint32_t hz);

#endif
