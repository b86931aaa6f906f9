/* kernel/arch/x86_64/trap.c — IDT set-up, exception reports, dispatch (contract in trap.h).
 * Reference: Intel SDM vol. 3A, 6.14 (64-bit IDT gates), table 6-1 (exception vectors). */
#include "kernel/arch/x86_64/trap.h"

#include "kernel/arch/x86_64/cpu.h"
#include "kernel/arch/x86_64/entry.h"
#include "kernel/arch/x86_64/gdt.h"
#include "kernel/ksyms.h"
#include "kernel/printk.h"

#define ISR_STUB_SIZE 16 /* isr.S */
#define GATE_INTERRUPT 0x8e /* present, DPL 0, 64-bit interrupt gate (IF cleared on entry) */
#define BACKTRACE_MAX 24

struct __attribute__((packed)) idt_gate {
    uint16_t offset_low;
    uint16_t selector;
    uint8_t ist;
    uint8_t type;
    uint16_t offset_mid;
    uint32_t offset_high;
    uint32_t reserved;
};

static struct {
    struct idt_gate idt[256] __attribute__((aligned(16)));
    trap_handler handlers[256];
    unsigned long counts[32];
    int reporting; /* nested exception while printing a report */
} t;

static const char *const exception_names[32] = {
    "#DE divide error", "#DB debug", "NMI", "#BP breakpoint", "#OF overflow", "#BR bound range",
    "#UD invalid opcode", "#NM device not available", "#DF double fault", "coprocessor overrun",
    "#TS invalid TSS", "#NP segment not present", "#SS stack fault", "#GP general protection",
    "#PF page fault", "reserved", "#MF x87 error", "#AC alignment check", "#MC machine check",
    "#XM SIMD exception", "#VE virtualization", "#CP control protection",
};

static void set_gate(int v, uint64_t addr, uint8_t ist)
{
    t.idt[v] = (struct idt_gate){
        .offset_low = addr & 0xffff,
        .selector = GDT_KERNEL_CODE,
        .ist = ist,
        .type = GATE_INTERRUPT,
        .offset_mid = (addr >> 16) & 0xffff,
        .offset_high = addr >> 32,
    };
}

void trap_init(void)
{
    for (int v = 0; v < 256; v++)
        set_gate(v, (uint64_t)isr_stubs + (uint64_t)v * ISR_STUB_SIZE, 0);
    t.idt[VEC_DOUBLE_FAULT].ist = IST_DOUBLE_FAULT;
    t.idt[VEC_NMI].ist = IST_NMI;
    t.idt[VEC_MACHINE_CHECK].ist = IST_MACHINE_CHECK;
    struct desc_ptr p = { sizeof t.idt - 1, (uint64_t)t.idt };
    lidt(&p);
}

void trap_set_handler(uint8_t vector, trap_handler handler)
{
    t.handlers[vector] = handler;
}

unsigned long trap_count(uint8_t vector)
{
    return vector < 32 ? t.counts[vector] : 0;
}

static void print_addr(uint64_t addr)
{
    uint64_t off;
    const char *name = ksyms_lookup(addr, &off);
    if (name)
        printk("0x%016lx %s+0x%lx", addr, name, off);
    else
        printk("0x%016lx ?", addr);
}

/* a frame pointer is plausible when it is 8-aligned and in the kernel half */
static bool plausible_frame(uint64_t rbp)
{
    return rbp >= 0xffff800000000000ULL && (rbp & 7) == 0 && rbp < 0xfffffffffffff000ULL;
}

void trap_backtrace(uint64_t rbp)
{
    printk("backtrace:\n");
    for (int depth = 0; depth < BACKTRACE_MAX && plausible_frame(rbp); depth++) {
        const uint64_t *frame = (const uint64_t *)rbp;
        uint64_t ret = frame[1];
        if (ret == 0)
            break;
        printk("  #%d ", depth);
        print_addr(ret);
        printk("\n");
        rbp = frame[0];
    }
}

_Noreturn void trap_report_and_halt(const struct trap_frame *f, const char *why)
{
    cli();
    if (t.reporting++) {
        printk("\nnested exception %lu at 0x%lx while reporting; halted\n", f->vector, f->rip);
        for (;;)
            hlt();
    }
    const char *name = f->vector < 32 && exception_names[f->vector] ? exception_names[f->vector] : "interrupt";
    printk("\nEXCEPTION %lu (%s) %s\n", f->vector, name, why ? why : "");
    printk("error=0x%lx  RIP=", f->error);
    print_addr(f->rip);
    printk("\nCS=0x%lx RFLAGS=0x%lx RSP=0x%016lx SS=0x%lx\n", f->cs, f->rflags, f->rsp, f->ss);
    printk("RAX=%016lx RBX=%016lx RCX=%016lx RDX=%016lx\n", f->rax, f->rbx, f->rcx, f->rdx);
    printk("RSI=%016lx RDI=%016lx RBP=%016lx R8 =%016lx\n", f->rsi, f->rdi, f->rbp, f->r8);
    printk("R9 =%016lx R10=%016lx R11=%016lx R12=%016lx\n", f->r9, f->r10, f->r11, f->r12);
    printk("R13=%016lx R14=%016lx R15=%016lx\n", f->r13, f->r14, f->r15);
    printk("CR0=%016lx CR2=%016lx CR3=%016lx CR4=%016lx\n", read_cr0(), read_cr2(), read_cr3(), read_cr4());
    if (f->vector == VEC_PAGE_FAULT)
        printk("page fault: %s %s of %s page%s\n", (f->error & 4) ? "user" : "kernel",
               (f->error & 16) ? "instruction fetch" : (f->error & 2) ? "write" : "read",
               (f->error & 1) ? "a protected" : "a not-present", (f->error & 8) ? " (reserved bit)" : "");
    /* the faulting function itself, then its callers */
    printk("backtrace:\n  #0 ");
    print_addr(f->rip);
    printk("\n");
    uint64_t rbp = f->rbp;
    for (int depth = 1; depth < BACKTRACE_MAX && plausible_frame(rbp); depth++) {
        const uint64_t *frame = (const uint64_t *)rbp;
        if (frame[1] == 0)
            break;
        printk("  #%d ", depth);
        print_addr(frame[1]);
        printk("\n");
        rbp = frame[0];
    }
    printk("kernel halted after exception %lu\n", f->vector);
    panic_halt();
}

/* System V: rdi = c. Saves the callee-saved registers, the caller's stack pointer (after our
 * return), our return address and RFLAGS; returns 0. */
__attribute__((naked, returns_twice)) int trap_catch_arm(struct trap_catch *c)
{
    __asm__ volatile("movq %rbx, 0(%rdi)\n\t"
                     "movq %rbp, 8(%rdi)\n\t"
                     "movq %r12, 16(%rdi)\n\t"
                     "movq %r13, 24(%rdi)\n\t"
                     "movq %r14, 32(%rdi)\n\t"
                     "movq %r15, 40(%rdi)\n\t"
                     "leaq 8(%rsp), %rax\n\t"
                     "movq %rax, 48(%rdi)\n\t"
                     "movq (%rsp), %rax\n\t"
                     "movq %rax, 56(%rdi)\n\t"
                     "pushfq\n\t"
                     "popq %rax\n\t"
                     "movq %rax, 64(%rdi)\n\t"
                     "xorl %eax, %eax\n\t"
                     "ret");
}

/* the iretq of isr.S restores the frame's registers: make them the armed ones, with rax = 1 */
void trap_catch_resume(struct trap_frame *f, const struct trap_catch *c)
{
    f->rbx = c->rbx;
    f->rbp = c->rbp;
    f->r12 = c->r12;
    f->r13 = c->r13;
    f->r14 = c->r14;
    f->r15 = c->r15;
    f->rsp = c->rsp;
    f->rip = c->rip;
    f->rflags = c->rflags;
    f->rax = 1;
}

void trap_dispatch(struct trap_frame *f)
{
    uint64_t v = f->vector & 0xff;
    if (v < 32)
        t.counts[v]++;
    if (t.handlers[v]) {
        t.handlers[v](f);
        return;
    }
    if (v < 32)
        trap_report_and_halt(f, "in kernel");
    if (v == VEC_SPURIOUS)
        return; /* spurious LAPIC interrupts need no EOI */
    printk("trap: unexpected interrupt vector %lu\n", v);
}
