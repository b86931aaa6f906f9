/* kernel/arch/x86_64/context.S — the register half of context_switch (context.c).
 *
 * void context_swap(uint64_t *from_rsp, uint64_t to_rsp)
 *   pushes the System V callee-saved registers (rbp rbx r12 r13 r14 r15) on the current stack,
 *   stores rsp in *from_rsp, switches to to_rsp, pops the same registers and returns there.
 * context_trampoline: where a new context (context_init) starts: calls r12(r13), then traps if fn
 *   ever returns. */
    .section .text
    .globl context_swap
    .type context_swap, @function
context_swap:
    pushq %rbp
    pushq %rbx
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    movq %rsp, (%rdi)
    movq %rsi, %rsp
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbx
    popq %rbp
    ret
    .size context_swap, . - context_swap

    .globl context_trampoline
    .type context_trampoline, @function
context_trampoline:
    movq %r13, %rdi
    call *%r12
    ud2
    .size context_trampoline, . - context_trampoline
