/* kernel/arch/x86_64/trap.h — the IDT, exception reports and interrupt dispatch.
 *
 * Every vector enters through isr.S, which builds a struct trap_frame and calls trap_dispatch.
 * Exceptions (vectors 0-31) without a registered handler print a report — vector and name, error
 * code, all registers, CR2, CR3 and a symbolized backtrace (kernel/ksyms.h) — and halt (a kernel
 * fault is a kernel bug: DESIGN "a kernel bug panics with a backtrace"). Vectors 32-255 go to the
 * handler registered with trap_set_handler; a device-interrupt handler must send its own EOI
 * (apic_eoi). Handlers run with interrupts off, on the interrupted stack (or an IST stack for #DF,
 * NMI and #MC), and must not block. */
#ifndef KERNEL_ARCH_X86_64_TRAP_H
#define KERNEL_ARCH_X86_64_TRAP_H

#include <stdint.h>
#include <stdbool.h>

/* the stack layout isr.S builds; lowest address first */
struct trap_frame {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
    uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector, error;
    uint64_t rip, cs, rflags, rsp, ss; /* pushed by the CPU */
};

enum {
    VEC_DIVIDE = 0, VEC_DEBUG = 1, VEC_NMI = 2, VEC_BREAKPOINT = 3, VEC_INVALID_OPCODE = 6,
    VEC_DEVICE_NA = 7, VEC_DOUBLE_FAULT = 8, VEC_GP = 13, VEC_PAGE_FAULT = 14, VEC_X87 = 16,
    VEC_MACHINE_CHECK = 18, VEC_SIMD = 19,
    VEC_IRQ_BASE = 32,     /* IOAPIC-routed device IRQs: VEC_IRQ_BASE + ISA/GSI line */
    /* 0x80-0xdf: handed out by kernel/drivers/pci.c (MSI-X, INTx); 0xe0-0xef: the masked 8259s */
    VEC_SELFTEST = 0xf1,   /* the self-test's software interrupt */
    VEC_LAPIC_TIMER = 0xf0,
    VEC_LAPIC_ERROR = 0xfe,
    VEC_SPURIOUS = 0xff,
};

/* a handler returns nothing; for an exception vector it returns only if it fixed the cause
 * (otherwise it calls trap_report_and_halt itself) */
typedef void (*trap_handler)(struct trap_frame *frame);

/* builds and loads the IDT (gates for all 256 vectors; #DF, NMI, #MC on their IST stacks) */
void trap_init(void);
/* installs (or with NULL removes) the handler for `vector` */
void trap_set_handler(uint8_t vector, trap_handler handler);
/* the C entry from isr.S */
void trap_dispatch(struct trap_frame *frame);
/* prints the exception report for frame (with `why` as a headline) and halts */
_Noreturn void trap_report_and_halt(const struct trap_frame *frame, const char *why);
/* prints "backtrace:" and one line per frame-pointer frame starting at rbp (depth-limited, stops at
 * a null or implausible frame) */
void trap_backtrace(uint64_t rbp);
/* exceptions reported so far (the self-test counts a handled #BP) */
unsigned long trap_count(uint8_t vector);

/* ---- recovering from a fault: a jump buffer an exception handler can resume ----
 * trap_catch_arm records where it was called from (callee-saved registers, stack pointer, return
 * address, RFLAGS) and returns 0. Later, an exception handler that decides the fault must abandon
 * the code that raised it calls trap_catch_resume(frame, c): the exception's return (iretq) then
 * lands after that trap_catch_arm call, which "returns" 1 with the stack and the interrupt flag it
 * had then. Only valid while the function that armed it has not returned, on the same stack; the
 * abandoned code must hold no lock and own nothing that needs cleaning up (the wasm engine's
 * load/store handlers: kernel/proc/proc.c). Like setjmp: locals changed after arming and read
 * after the resume must be volatile. */
struct trap_catch {
    uint64_t rbx, rbp, r12, r13, r14, r15, rsp, rip, rflags;
};
__attribute__((returns_twice)) int trap_catch_arm(struct trap_catch *c);
void trap_catch_resume(struct trap_frame *frame, const struct trap_catch *c);

#endif
