/* kernel/arch/x86_64/isr.S — the 256 interrupt entry stubs and the common save/restore path.
 *
 * Stub v lives at isr_stubs + v * ISR_STUB_SIZE (idt.c computes gate addresses that way). Each
 * pushes a zero error code when the CPU does not push one, then the vector, and jumps to
 * isr_common, which pushes the general registers to form a struct trap_frame (trap.h), calls
 * trap_dispatch(frame) with the interrupted x87/SSE state saved below the frame (FXSAVE), and
 * returns with iretq. The CPU aligns RSP to 16 before pushing its frame; 5 + 2 + 15 quadwords and
 * the 512-byte save area keep it aligned for fxsave and the call. */
#define ISR_STUB_SIZE 16
#define FXSAVE_SIZE 512

    .section .text
    .globl isr_stubs
    .balign ISR_STUB_SIZE
isr_stubs:
    .set vec, 0
    .rept 256
    .balign ISR_STUB_SIZE
    /* vectors with a CPU error code: 8 10 11 12 13 14 17 21 29 30 */
    .if (vec == 8) || ((vec >= 10) && (vec <= 14)) || (vec == 17) || (vec == 21) || (vec == 29) || (vec == 30)
    .else
    pushq $0
    .endif
    pushq $vec
    jmp isr_common
    .set vec, vec + 1
    .endr

    .globl isr_common
    .type isr_common, @function
isr_common:
    pushq %rax
    pushq %rbx
    pushq %rcx
    pushq %rdx
    pushq %rsi
    pushq %rdi
    pushq %rbp
    pushq %r8
    pushq %r9
    pushq %r10
    pushq %r11
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    cld
    /* handlers are compiled C and may use SSE registers: keep the interrupted code's x87/SSE state
     * (kernel code is built without AVX, and legacy SSE leaves the upper YMM halves alone) */
    movq %rsp, %rbx
    subq $FXSAVE_SIZE, %rsp
    fxsave64 (%rsp)
    movq %rbx, %rdi
    call trap_dispatch
    fxrstor64 (%rsp)
    movq %rbx, %rsp
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %r11
    popq %r10
    popq %r9
    popq %r8
    popq %rbp
    popq %rdi
    popq %rsi
    popq %rdx
    popq %rcx
    popq %rbx
    popq %rax
    addq $16, %rsp          /* vector and error code */
    iretq
    .size isr_common, . - isr_common
