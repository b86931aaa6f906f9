/* kernel/arch/x86_64/gdt.h — the kernel's GDT and TSS.
 *
 * Ring 0 only (processes are wasm, not ring-3 code): a 64-bit code segment, a data segment and one
 * TSS whose IST slots give the double-fault, NMI and machine-check handlers their own stacks, so a
 * kernel stack overflow (a hit on a guard page) still gets reported. Not thread-safe: boot CPU,
 * interrupts off. */
#ifndef KERNEL_ARCH_X86_64_GDT_H
#define KERNEL_ARCH_X86_64_GDT_H

#include <stdint.h>

#define GDT_KERNEL_CODE 0x08 /* selectors */
#define GDT_KERNEL_DATA 0x10
#define GDT_TSS 0x18

/* IST slots (1-based, as in IDT gates) */
#define IST_DOUBLE_FAULT 1
#define IST_NMI 2
#define IST_MACHINE_CHECK 3

/* loads the GDT, reloads the segment registers and the task register; IST stacks start as static
 * boot stacks until gdt_set_ist replaces them */
void gdt_init(void);
/* sets IST slot `ist` (1..7) to the stack whose top is `top` */
void gdt_set_ist(int ist, uint64_t top);
/* sets RSP0 (used on interrupts from ring 3; kept for completeness) */
void gdt_set_rsp0(uint64_t top);

#endif
