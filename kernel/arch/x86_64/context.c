/* kernel/arch/x86_64/context.c — context creation and switching (contract in context.h). The
 * register part is context_swap in context.S; the FPU part is here, around it. */
#include "kernel/arch/x86_64/context.h"

#include <stddef.h>

/* context.S: pushes callee-saved registers, stores rsp in *from_rsp, loads to_rsp, pops, returns */
void context_swap(uint64_t *from_rsp, uint64_t to_rsp);
/* context.S: first code a new context runs; calls fn(arg) from r12/r13 */
void context_trampoline(void);

static uint8_t *align64(uint8_t *p)
{
    return (uint8_t *)(((uintptr_t)p + 63) & ~(uintptr_t)63);
}

void context_init_current(struct context *c)
{
    c->fpu = align64(c->fpu_area);
    fpu_area_init(c->fpu);
    c->rsp = 0;
}

void context_init(struct context *c, uint64_t stack_top, void (*fn)(void *arg), void *arg)
{
    context_init_current(c);
    uint64_t *sp = (uint64_t *)(stack_top & ~15ULL);
    /* the frame context_swap pops: r15 r14 r13 r12 rbx rbp, then the return address; after that
     * ret, rsp is 16-aligned, so the trampoline's call enters fn with rsp % 16 == 8 as the ABI wants */
    *--sp = (uint64_t)context_trampoline; /* ret target */
    *--sp = 0;                            /* rbp: backtraces end here */
    *--sp = 0;                            /* rbx */
    *--sp = (uint64_t)fn;                 /* r12 */
    *--sp = (uint64_t)arg;                /* r13 */
    *--sp = 0;                            /* r14 */
    *--sp = 0;                            /* r15 */
    c->rsp = (uint64_t)sp;
}

void context_switch(struct context *from, struct context *to)
{
    fpu_save(from->fpu);
    context_swap(&from->rsp, to->rsp);
    /* back in `from`: some context switched to us */
    fpu_restore(from->fpu);
}
