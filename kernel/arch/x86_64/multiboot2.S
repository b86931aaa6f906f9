/* kernel/arch/x86_64/multiboot2.S — the Multiboot2 header and the 32-bit entry GRUB jumps to.
 *
 * GRUB loads kernel.elf's PT_LOADs at their physical addresses (kernel.ld: va - KERNEL_VBASE) and
 * enters mb2_entry32 (entry-address tag) in 32-bit protected mode, paging off, EAX = magic,
 * EBX = physical address of the Multiboot2 information. This code runs at physical addresses, so
 * every symbol is used as (symbol - KERNEL_VBASE). It builds the same page tables the UEFI loader
 * guarantees (include/walos/bootinfo.h): first 4 GiB identity-mapped and the kernel's 1 GiB at
 * KERNEL_VBASE, both with 2 MiB pages; enables long mode; then, in 64-bit mode at the high address,
 * calls mb2_to_bootinfo(magic, info) (mb2info.c) and enters kernel_entry with its result.
 * Reference: Multiboot2 specification 1.0, sections 3.1 (header) and 3.2 (machine state). */
#define KERNEL_VBASE 0xffffffff80000000
#define PHYS(x) ((x) - KERNEL_VBASE)

#define MB2_MAGIC 0xe85250d6
#define MB2_ARCH_I386 0
#define MB2_TAG_END 0
#define MB2_TAG_INFO_REQUEST 1
#define MB2_TAG_ENTRY 3
#define MB2_TAG_FRAMEBUFFER 5
#define MB2_TAG_OPTIONAL 1

#define PTE_P 0x1
#define PTE_W 0x2
#define PTE_PS 0x80
#define CR4_PAE 0x20
#define EFER 0xc0000080
#define EFER_LME 0x100
#define CR0_PE 0x1
#define CR0_WP 0x10000
#define CR0_PG 0x80000000
#define SEL_CODE64 0x08
#define SEL_DATA 0x10
#define COM1 0x3f8

    .section .multiboot2, "a"
    .balign 8
mb2_header:
    .long MB2_MAGIC
    .long MB2_ARCH_I386
    .long mb2_header_end - mb2_header
    .long -(MB2_MAGIC + MB2_ARCH_I386 + (mb2_header_end - mb2_header))

    .balign 8
    .short MB2_TAG_INFO_REQUEST, MB2_TAG_OPTIONAL
    .long 4 * 6 + 8
    .long 1, 6, 8, 14, 15, 4 /* cmdline, mmap, framebuffer, ACPI old, ACPI new, basic meminfo */

    .balign 8
    .short MB2_TAG_ENTRY, 0
    .long 12
    .long PHYS(mb2_entry32)

    .balign 8
    .short MB2_TAG_FRAMEBUFFER, MB2_TAG_OPTIONAL
    .long 20
    .long 1024, 768, 32

    .balign 8
    .short MB2_TAG_END, 0
    .long 8
mb2_header_end:

    .section .text.boot32, "ax"
    .code32
    .globl mb2_entry32
mb2_entry32:
    cli
    cld
    movl %eax, %edi                 /* magic; survives into long mode as the low half of RDI */
    movl %ebx, %esi                 /* info */
    movl $PHYS(mb2_stack_top), %esp

    /* long mode available? (CPUID 0x80000001 EDX bit 29) */
    movl $0x80000000, %eax
    cpuid
    cmpl $0x80000001, %eax
    jb no_long_mode
    movl $0x80000001, %eax
    cpuid
    btl $29, %edx
    jnc no_long_mode

    /* PD: 2048 entries of 2 MiB = 4 GiB, entry i maps physical i * 2 MiB */
    movl $PHYS(mb2_pd), %ebx
    xorl %ecx, %ecx
1:  movl %ecx, %eax
    shll $21, %eax
    orl $(PTE_P | PTE_W | PTE_PS), %eax
    movl %eax, (%ebx, %ecx, 8)
    movl $0, 4(%ebx, %ecx, 8)
    incl %ecx
    cmpl $2048, %ecx
    jne 1b
    /* low PDPT: 4 entries -> the 4 PD pages (identity 0..4 GiB) */
    movl $PHYS(mb2_pdpt_low), %ebx
    xorl %ecx, %ecx
2:  movl %ecx, %eax
    shll $12, %eax
    addl $(PHYS(mb2_pd) + PTE_P + PTE_W), %eax
    movl %eax, (%ebx, %ecx, 8)
    movl $0, 4(%ebx, %ecx, 8)
    incl %ecx
    cmpl $4, %ecx
    jne 2b
    /* high PDPT entry 510 -> first PD page: physical 0..1 GiB at KERNEL_VBASE */
    movl $(PHYS(mb2_pd) + PTE_P + PTE_W), PHYS(mb2_pdpt_high) + 510 * 8
    movl $(PHYS(mb2_pdpt_low) + PTE_P + PTE_W), PHYS(mb2_pml4)
    movl $(PHYS(mb2_pdpt_high) + PTE_P + PTE_W), PHYS(mb2_pml4) + 511 * 8

    /* PAE, CR3, EFER.LME, then paging: long mode (compatibility sub-mode until the far jump) */
    movl $PHYS(mb2_pml4), %eax
    movl %eax, %cr3
    movl %cr4, %eax
    orl $CR4_PAE, %eax
    movl %eax, %cr4
    movl $EFER, %ecx
    rdmsr
    orl $EFER_LME, %eax
    wrmsr
    movl %cr0, %eax
    orl $(CR0_PG | CR0_PE | CR0_WP), %eax
    movl %eax, %cr0
    lgdt PHYS(mb2_gdt_ptr)
    ljmp $SEL_CODE64, $PHYS(mb2_entry64)

no_long_mode:
    movl $PHYS(msg_no_long_mode), %esi
    movw $COM1, %dx
3:  lodsb
    testb %al, %al
    jz 4f
    outb %al, %dx
    jmp 3b
4:  cli
    hlt
    jmp 4b

    .code64
mb2_entry64:
    movabsq $mb2_high, %rax         /* leave the identity map for the kernel's link address */
    jmpq *%rax
mb2_high:
    movw $SEL_DATA, %ax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %ss
    xorl %eax, %eax
    movw %ax, %fs
    movw %ax, %gs
    leaq boot_stack_top(%rip), %rsp
    xorl %ebp, %ebp
    movl %edi, %edi                 /* zero-extend magic and info pointer */
    movl %esi, %esi
    call mb2_to_bootinfo            /* returns struct bootinfo * */
    movq %rax, %rdi
    jmp kernel_entry

    .balign 8
mb2_gdt:
    .quad 0
    .quad 0x00af9a000000ffff        /* SEL_CODE64: present, ring 0, code, long mode */
    .quad 0x00cf92000000ffff        /* SEL_DATA: present, ring 0, data, writable */
mb2_gdt_end:
mb2_gdt_ptr:
    .short mb2_gdt_end - mb2_gdt - 1
    .long PHYS(mb2_gdt)
msg_no_long_mode:
    .asciz "walos: this CPU has no long mode (x86-64); halted\r\n"

    .section .bss
    .balign 4096
mb2_pml4:
    .skip 4096
mb2_pdpt_low:
    .skip 4096
mb2_pdpt_high:
    .skip 4096
mb2_pd:
    .skip 4 * 4096
mb2_stack:
    .skip 4096
mb2_stack_top:
