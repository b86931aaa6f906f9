/* kernel/arch/x86_64/entry.S — the common 64-bit entry, reached from the UEFI loader (e_entry) and
 * from the Multiboot2 path (multiboot2.S) alike.
 *
 * In: RDI = struct bootinfo * (include/walos/bootinfo.h guarantees: long mode, paging with the first
 * 4 GiB identity-mapped and the kernel at its link addresses, interrupts off). We switch to the boot
 * stack in .bss, enable SSE (C code uses it), clear the frame pointer (backtraces end there), and call kmain(bootinfo), which
 * never returns. */
    .section .text
    .globl kernel_entry
    .type kernel_entry, @function
kernel_entry:
    cli
    cld
    leaq boot_stack_top(%rip), %rsp
    /* compiled C uses SSE: enable it before the first C call (fpu.c finishes the job, XSAVE) */
    movq %cr0, %rax
    andq $~0x4, %rax        /* CR0.EM off */
    orq $0x22, %rax         /* CR0.MP, CR0.NE */
    movq %rax, %cr0
    movq %cr4, %rax
    orq $0x600, %rax        /* CR4.OSFXSR, CR4.OSXMMEXCPT */
    movq %rax, %cr4
    fninit
    xorl %ebp, %ebp
    pushq $0                /* fake return address: the backtrace stops here */
    pushq $0
    movq %rsp, %rbp
    rdtsc                   /* kernel entry TSC for the boot-time report */
    shlq $32, %rdx
    orq %rdx, %rax
    movq %rax, kernel_entry_tsc(%rip)
    call kmain
1:  cli
    hlt
    jmp 1b
    .size kernel_entry, . - kernel_entry

    .section .bss
    .balign 16
    .globl kernel_entry_tsc
kernel_entry_tsc:
    .quad 0
    .balign 4096
    .globl boot_stack_bottom
boot_stack_bottom:
    .skip 32768
    .globl boot_stack_top
boot_stack_top:

/* void stack_switch_call(uint64_t top, void (*fn)(void *), void *arg) — continues on the stack
 * whose top is `top` by calling fn(arg); fn must not return. A zero frame ends backtraces there. */
    .section .text
    .globl stack_switch_call
    .type stack_switch_call, @function
stack_switch_call:
    movq %rdi, %rsp
    pushq $0
    pushq $0
    movq %rsp, %rbp
    movq %rdx, %rdi
    call *%rsi
    ud2
    .size stack_switch_call, . - stack_switch_call
