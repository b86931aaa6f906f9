/* kernel/arch/x86_64/pit.h — the 8254 PIT, used only as a reference clock to calibrate the LAPIC
 * timer and the TSC: channel 2 in one-shot mode, polled through port 0x61 (no interrupt). Boot
 * only, interrupts off; not reentrant. */
#ifndef KERNEL_ARCH_X86_64_PIT_H
#define KERNEL_ARCH_X86_64_PIT_H

#include <stdint.h>

#define PIT_HZ 1193182

/* starts a one-shot countdown of `ms` milliseconds (at most 54) on channel 2 */
void pit_oneshot_start(uint32_t ms);
/* spins until that countdown reaches zero */
void pit_oneshot_wait(void);

#endif
