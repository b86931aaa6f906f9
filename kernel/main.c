/* kernel/main.c — kmain: brings the kernel up in order, prints the banner, runs what the command
 * line asks (kernel/cmdline.h), then idles with `sti; hlt`.
 *
 * Entered from kernel/arch/x86_64/entry.S with the struct bootinfo either entry built (UEFI loader
 * or multiboot2.S + mb2info.c). Order matters: serial first (every later step may print), then
 * descriptor tables (so a fault is reported), then memory, interrupts, timers, console. */
#include <walos/bootinfo.h>

#include "kernel/arch/x86_64/cpu.h"
#include "kernel/arch/x86_64/gdt.h"
#include "kernel/arch/x86_64/trap.h"
#include "kernel/cmdline.h"
#include "kernel/drivers/serial.h"
#include "kernel/ksyms.h"
#include "kernel/lib/string.h"
#include "kernel/printk.h"

void kmain(struct bootinfo *bi_in);

static struct bootinfo boot; /* our copy: the original lives in reclaimable loader memory */

static const char *protocol_name(uint32_t p)
{
    return p == BOOTINFO_PROTO_UEFI ? "UEFI" : p == BOOTINFO_PROTO_MULTIBOOT2 ? "Multiboot2" : "unknown";
}

static _Noreturn void halt_forever(void)
{
    for (;;) {
        cli();
        hlt();
    }
}

void kmain(struct bootinfo *bi_in)
{
    serial_init();
    if (!bi_in || bi_in->magic != BOOTINFO_MAGIC || bi_in->version < 1) {
        printk("walos %s (x86_64): bad boot information (magic %lx); halted\n", WALOS_VERSION,
               bi_in ? bi_in->magic : 0);
        halt_forever();
    }
    memcpy(&boot, bi_in, bi_in->size < sizeof boot ? bi_in->size : sizeof boot);
    boot.cmdline[BOOTINFO_CMDLINE_MAX - 1] = 0;
    printk("walos %s (x86_64) booted via %s\n", WALOS_VERSION, protocol_name(boot.protocol));
    gdt_init();
    trap_init();
    cmdline_init(boot.cmdline);
    printk("cmdline: %s\n", cmdline_get());
    printk("kernel: phys 0x%lx size %lu KiB, %lu symbols\n", boot.kernel_phys_base,
           boot.kernel_phys_size / 1024, ksyms_size());
    if (cmdline_is("test", "fault")) {
        printk("test: deliberate page fault\n");
        *(volatile uint64_t *)0xdead0000000ULL = 1;
    }
    printk("idle\n");
    for (;;)
        sti_hlt();
}
