/* kernel/printk.c — printk and panic (contract in printk.h). Formatting is kernel/lib/fmt.c; the
 * sinks are COM1 (kernel/drivers/serial.c) and the framebuffer console (kernel/gfx/console.c). */
#include "kernel/printk.h"

#include "kernel/arch/x86_64/cpu.h"
#include "kernel/arch/x86_64/trap.h"
#include "kernel/drivers/serial.h"
#include "kernel/lib/fmt.h"

static struct {
    void (*console)(const char *s, unsigned long n);
    int panicking;
    void (*halt_hook)(void);
} pk;

void panic_set_halt_hook(void (*hook)(void))
{
    pk.halt_hook = hook;
}

_Noreturn void panic_halt(void)
{
    cli();
    void (*hook)(void) = pk.halt_hook;
    pk.halt_hook = 0; /* once */
    if (hook)
        hook();
    for (;;)
        hlt();
}

void printk_set_console(void (*write)(const char *s, unsigned long n))
{
    pk.console = write;
}

static void sink(void *ctx, const char *s, size_t n)
{
    (void)ctx;
    serial_write(s, n);
    if (pk.console)
        pk.console(s, n);
}

int vprintk(const char *format, va_list ap)
{
    bool on = irq_save();
    int n = fmt_format(sink, 0, format, ap);
    irq_restore(on);
    return n;
}

int printk(const char *format, ...)
{
    va_list ap;
    va_start(ap, format);
    int n = vprintk(format, ap);
    va_end(ap);
    return n;
}

_Noreturn void panic(const char *format, ...)
{
    cli();
    if (pk.panicking++) { /* a panic while panicking: say nothing more */
        for (;;)
            hlt();
    }
    va_list ap;
    va_start(ap, format);
    printk("PANIC: ");
    vprintk(format, ap);
    va_end(ap);
    printk("\n");
    trap_backtrace(read_rbp());
    printk("halted.\n");
    panic_halt();
}
