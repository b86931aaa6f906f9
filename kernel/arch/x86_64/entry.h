/* kernel/arch/x86_64/entry.h — what entry.S exports to C. */
#ifndef KERNEL_ARCH_X86_64_ENTRY_H
#define KERNEL_ARCH_X86_64_ENTRY_H

#include <stdint.h>

/* the 256 interrupt entry stubs (isr.S), ISR_STUB_SIZE bytes apart */
extern char isr_stubs[];
/* TSC value read first thing in kernel_entry (boot-time report) */
extern uint64_t kernel_entry_tsc;
/* continues on the stack whose top is `top` by calling fn(arg); never returns */
_Noreturn void stack_switch_call(uint64_t top, void (*fn)(void *arg), void *arg);

#endif
