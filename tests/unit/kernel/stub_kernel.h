/* Forced-included (-include) into kernel/mm sources built for host tests: stands in for the two
 * kernel headers that only make sense at ring 0. Defining their include guards first makes the real
 * headers empty; the definitions below replace them. */
#ifndef TESTS_UNIT_KERNEL_STUB_KERNEL_H
#define TESTS_UNIT_KERNEL_STUB_KERNEL_H

#include <stdbool.h>

/* kernel/arch/x86_64/cpu.h: interrupts do not exist on the host */
#define KERNEL_ARCH_X86_64_CPU_H
static inline bool irq_save(void) { return false; }
static inline void irq_restore(bool on) { (void)on; }

/* kernel/printk.h: panic jumps back into the test (tests/unit/kernel/test_pmm.c) */
#define KERNEL_PRINTK_H
_Noreturn void panic(const char *format, ...);
int printk(const char *format, ...);

#endif
