/* kernel/arch/x86_64/context.h — saving and switching a thread of execution's CPU state.
 *
 * A context is what a switch must keep: the callee-saved registers, the stack pointer, where to
 * resume, and the FPU/SSE state (fpu.h; saved eagerly at every switch). There is no scheduler yet:
 * these are the primitives it will use. context_switch saves the caller into `from` and resumes `to`;
 * it returns when some later context_switch resumes `from`. context_init prepares a new context that
 * starts fn(arg) on the given stack; fn must never return (it switches away for the last time).
 * Call with interrupts as the caller needs them (the switch itself does not touch IF). */
#ifndef KERNEL_ARCH_X86_64_CONTEXT_H
#define KERNEL_ARCH_X86_64_CONTEXT_H

#include <stdint.h>
#include "kernel/arch/x86_64/fpu.h"

struct context {
    uint64_t rsp;                    /* saved stack pointer; the registers are on that stack */
    uint8_t *fpu;                    /* fpu_area_size() bytes, 64-aligned (points into fpu_area) */
    uint8_t fpu_area[FPU_AREA_MAX + 64];
};

/* a context that will run fn(arg) on the stack ending at stack_top */
void context_init(struct context *c, uint64_t stack_top, void (*fn)(void *arg), void *arg);
/* the context of the code running now (fills only the FPU area pointer; the rest on first switch) */
void context_init_current(struct context *c);
void context_switch(struct context *from, struct context *to);

#endif
