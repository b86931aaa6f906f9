/* kernel/main.c — kmain: brings the kernel up in order, prints the banner, runs what the command
 * line asks (kernel/cmdline.h), then idles with `sti; hlt`.
 *
 * Entered from kernel/arch/x86_64/entry.S with the struct bootinfo either entry built (UEFI loader
 * or multiboot2.S + mb2info.c). Order matters: serial first (every later step may print), then
 * descriptor tables (so a fault is reported), then memory — after vmm_init the boot identity map is
 * gone, so everything needed from boot memory is copied first — then interrupts, timers, console. */
#include <walos/bootinfo.h>

#include "kernel/arch/x86_64/apic.h"
#include "kernel/arch/x86_64/cpu.h"
#include "kernel/arch/x86_64/entry.h"
#include "kernel/arch/x86_64/fpu.h"
#include "kernel/arch/x86_64/gdt.h"
#include "kernel/arch/x86_64/ioapic.h"
#include "kernel/arch/x86_64/timer.h"
#include "kernel/arch/x86_64/trap.h"
#include "kernel/cmdline.h"
#include "kernel/drivers/acpi.h"
#include "kernel/drivers/ps2.h"
#include "kernel/drivers/rtc.h"
#include "kernel/drivers/serial.h"
#include "kernel/gfx/console.h"
#include "kernel/ksyms.h"
#include "kernel/lib/string.h"
#include "kernel/mm/heap.h"
#include "kernel/mm/memlayout.h"
#include "kernel/mm/pmm.h"
#include "kernel/mm/vmm.h"
#include "kernel/power.h"
#include "kernel/printk.h"
#include "kernel/proc/proc.h"
#include "kernel/selftest.h"
#include "kernel/storage.h"
#include "kernel/net/netif_kernel.h"

#define KMAIN_STACK_PAGES 16
#define IST_STACK_PAGES 4
#define BOOT_MMAP_MAX 256

void kmain(struct bootinfo *bi_in);

static struct {
    struct bootinfo info; /* our copy: the original lives in reclaimable loader memory */
    struct bootinfo_mmap_entry mmap[BOOT_MMAP_MAX];
    uint32_t mmap_count;
    int failures;         /* self-test failures, for the exit code */
    uint64_t banner_tsc;  /* TSC when the banner was printed */
} boot;

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

/* with the `exit` switch, a panic or fatal exception ends QEMU with the failure code */
static void exit_on_panic(void)
{
    if (cmdline_has("exit"))
        power_debug_exit(CMDLINE_EXIT_FAIL);
}

static void copy_bootinfo(const struct bootinfo *bi)
{
    memcpy(&boot.info, bi, bi->size < sizeof boot.info ? bi->size : sizeof boot.info);
    boot.info.cmdline[BOOTINFO_CMDLINE_MAX - 1] = 0;
    const struct bootinfo_mmap_entry *m = (const void *)bi->mmap_addr; /* identity-mapped */
    boot.mmap_count = bi->mmap_count < BOOT_MMAP_MAX ? bi->mmap_count : BOOT_MMAP_MAX;
    memcpy(boot.mmap, m, boot.mmap_count * sizeof *m);
}

static uint64_t direct_map_top(void)
{
    uint64_t top = pmm_max_phys();
    const struct bootinfo_framebuffer *fb = &boot.info.fb;
    if (fb->format != BOOTINFO_FB_NONE && fb->addr + fb->size > top)
        top = fb->addr + fb->size;
    return top;
}

static void kmain_late(void *arg);

void kmain(struct bootinfo *bi_in)
{
    serial_init();
    gdt_init(); /* before touching boot memory: a bad pointer there is then reported, not a reset */
    trap_init();
    if (!bi_in || bi_in->magic != BOOTINFO_MAGIC || bi_in->version < 1 || bi_in->version > BOOTINFO_VERSION) {
        printk("walos %s (x86_64): unknown boot information (magic %lx, version %u); halted\n",
               WALOS_VERSION, bi_in ? bi_in->magic : 0, bi_in ? bi_in->version : 0);
        halt_forever();
    }
    copy_bootinfo(bi_in);
    boot.banner_tsc = rdtsc();
    printk("walos %s (x86_64) booted via %s\n", WALOS_VERSION, protocol_name(boot.info.protocol));
    fpu_init();
    cmdline_init(boot.info.cmdline);
    panic_set_halt_hook(exit_on_panic);
    printk("cmdline: %s\n", cmdline_get());

    if (pmm_init(boot.mmap, boot.mmap_count, boot.info.kernel_phys_base, boot.info.kernel_phys_size))
        panic("kmain: no usable memory for the page bitmap");
    if (vmm_init(boot.info.kernel_phys_base, direct_map_top()))
        panic("kmain: out of memory building page tables");
    /* bi_in is unreachable from here on: the identity map is gone */
    gdt_set_ist(IST_DOUBLE_FAULT, vmm_stack_alloc(IST_STACK_PAGES));
    gdt_set_ist(IST_NMI, vmm_stack_alloc(IST_STACK_PAGES));
    gdt_set_ist(IST_MACHINE_CHECK, vmm_stack_alloc(IST_STACK_PAGES));
    uint64_t stack = vmm_stack_alloc(KMAIN_STACK_PAGES);
    if (!stack)
        panic("kmain: out of memory for the kernel stack");
    stack_switch_call(stack, kmain_late, NULL);
}

/* deliberate stack overflow for test=stackoverflow: the guard page turns it into a fault */
static volatile int recurse_limit = 1 << 30;
static int __attribute__((noinline)) recurse_deep(int depth)
{
    volatile char pad[512];
    pad[0] = (char)depth;
    if (depth >= recurse_limit)
        return pad[0];
    return recurse_deep(depth + 1) + pad[0];
}

static void __attribute__((noinline)) run_tests(void)
{
    if (cmdline_is("test", "fault")) {
        printk("test: deliberate page fault\n");
        *(volatile uint64_t *)0xdead0000000ULL = 1;
    }
    if (cmdline_is("test", "stackoverflow")) {
        printk("test: deliberate kernel stack overflow\n");
        recurse_deep(0);
    }
    if (cmdline_is("test", "panic"))
        panic("test: deliberate panic");
    if (cmdline_is("test", "selftest"))
        boot.failures += selftest_run(NULL);
}

static void com1_irq(struct trap_frame *f)
{
    (void)f;
    serial_irq();
    apic_eoi();
}

/* set by the SCI; the power-off itself (disk sync first) runs outside interrupt context */
static volatile bool power_button_pressed;

/* ends the boot in order: disks synced first (a panic calls power_off directly instead) */
static _Noreturn void orderly_power(bool reboot)
{
    if (storage_sync())
        printk("power: disk sync failed\n");
    if (reboot)
        power_reboot();
    power_off();
}

/* the ACPI SCI: the power button (QEMU: window closed, or `system_powerdown`) powers off cleanly */
static void sci_irq(struct trap_frame *f)
{
    (void)f;
    bool button = acpi_sci();
    apic_eoi();
    if (button) {
        printk("acpi: power button pressed\n");
        power_button_pressed = true;
    }
}

/* the scheduler's poll hook and the idle loop's: network timers, a pending power-button press */
static bool main_poll(void)
{
    netif_poll();
    if (power_button_pressed)
        orderly_power(false);
    return false;
}

static void interrupts_init(void)
{
    const struct acpi_info *a = acpi_get();
    if (apic_init(a->lapic_addr))
        panic("kmain: no local APIC");
    int n = ioapic_init();
    if (timer_init())
        panic("kmain: timer calibration failed");
    printk("timer: LAPIC timer %lu kHz, TSC %lu.%03lu MHz (calibrated against the PIT), tick %u Hz\n",
           timer_lapic_hz() / 1000, timer_tsc_hz() / 1000000, timer_tsc_hz() / 1000 % 1000, TIMER_HZ);
    if (n > 0 && ioapic_route_isa(SERIAL_COM1_IRQ, com1_irq) >= 0)
        serial_enable_rx_irq();
    int kbd = n > 0 ? ps2_init() : -1;
    if (n > 0 && acpi_enable_power_button() == 0)
        ioapic_route_isa((uint8_t)a->sci_irq, sci_irq);
    printk("irq: %d IOAPIC(s), 8259 PICs masked, COM1 input on IRQ %d, PS/2 keyboard %s\n", n,
           SERIAL_COM1_IRQ, kbd == 0 ? "on IRQ 1" : "absent");
    sti();
}

static void print_facts(void)
{
    const struct bootinfo_framebuffer *fb = &boot.info.fb;
    if (fb->format != BOOTINFO_FB_NONE)
        printk("framebuffer: %ux%u, %u bpp, pitch %u, %s at 0x%lx, console %ux%u\n", fb->width, fb->height,
               fb->bpp, fb->pitch, fb->format == BOOTINFO_FB_BGRX ? "BGRX" : fb->format == BOOTINFO_FB_RGBX ? "RGBX" : "bitmask",
               fb->addr, console_cols(), console_rows());
    else
        printk("framebuffer: none (serial console only)\n");
    struct rtc_time t;
    if (rtc_read(&t) == 0) {
        timer_set_realtime(rtc_to_unix(&t));
        printk("rtc: %04u-%02u-%02u %02u:%02u:%02u UTC (unix %ld)\n", t.year, t.month, t.day, t.hour,
               t.minute, t.second, (long)rtc_to_unix(&t));
    }
    uint32_t a, b, c, d;
    cpuid(1, 0, &a, &b, &c, &d);
    printk("fpu: %s, %u-byte state area, XCR0 0x%lx\n", fpu_uses_xsave() ? "XSAVE" : "FXSAVE",
           fpu_area_size(), fpu_xcr0());
}

/* the idle loop: halts until an interrupt, and echoes what arrives on COM1 or the PS/2 keyboard
 * (there is no shell yet; this shows both input paths work). Interrupts are off while the rings are
 * checked, and `sti; hlt` re-enables them atomically, so no wake-up is lost. */
static _Noreturn void idle(void)
{
    printk("idle: input on COM1 and the keyboard is echoed\n");
    for (;;) {
        cli();
        int c = serial_getc();
        if (c < 0)
            c = ps2_getc();
        if (c < 0) {
            sti_hlt();
            main_poll();
            continue;
        }
        sti();
        printk("%c", c == '\r' ? '\n' : c);
    }
}

/* kmain continued on a guarded stack, with the kernel's own page tables */
static void kmain_late(void *arg)
{
    (void)arg;
    uint64_t reclaimed = pmm_reclaim(boot.mmap, boot.mmap_count, BOOTINFO_MEM_LOADER);
    heap_init();
    if (console_init(&boot.info.fb))
        printk_set_console(console_write);
    printk("memory: %lu MiB usable, %lu MiB free (%lu KiB of loader memory reclaimed), direct map %lu MiB\n",
           pmm_total_pages() * PAGE_SIZE >> 20, pmm_free_pages() * PAGE_SIZE >> 20,
           reclaimed * PAGE_SIZE >> 10, vmm_direct_size() >> 20);
    printk("kernel: phys 0x%lx size %lu KiB, %lu symbols\n", boot.info.kernel_phys_base,
           boot.info.kernel_phys_size >> 10, ksyms_size());
    if (acpi_init(boot.info.acpi_rsdp) == 0) {
        const struct acpi_info *a = acpi_get();
        printk("acpi: %s rev %u, %u CPU(s), %u IOAPIC(s), %u overrides, LAPIC 0x%lx, S5 %s, reset %s%s\n",
               a->oem, a->revision, a->cpu_count, a->ioapic_count, a->iso_count, a->lapic_addr,
               a->has_s5 ? "yes" : "no", a->reset_supported ? "yes" : "no", a->hpet_addr ? ", HPET" : "");
    } else {
        printk("acpi: no valid RSDP (0x%lx)\n", boot.info.acpi_rsdp);
    }
    interrupts_init();
    print_facts();

    uint64_t idle_tsc = rdtsc();
    printk("boot: firmware start -> kernel banner %lu ms (TSC since reset), kernel entry -> idle %lu ms\n",
           timer_tsc_to_ns(boot.banner_tsc) / 1000000, timer_tsc_to_ns(idle_tsc - kernel_entry_tsc) / 1000000);
    boot.failures += storage_init(&boot.info); /* disks, root mount, test=storage-* */
    boot.failures += netif_init(); /* NICs, stack, DHCP, test=net-echo */
    run_tests();
    proc_add_poll_hook(main_poll);
    boot.failures += proc_boot(); /* run= switches: programs from the root filesystem */
    if (cmdline_has("exit"))
        power_debug_exit(boot.failures ? CMDLINE_EXIT_FAIL : CMDLINE_EXIT_PASS);
    if (cmdline_has("poweroff"))
        orderly_power(false);
    if (cmdline_has("reboot"))
        orderly_power(true);
    idle();
}
