/* kernel/printk.c — printk and panic (contract in printk.h). Formatting is kernel/lib/fmt.c; the
 * sinks are COM1 (kernel/drivers/serial.c) and the framebuffer console (kernel/gfx/console.c). */
#include "kernel/printk.h"

#include "kernel/arch/x86_64/cpu.h"
#include "kernel/arch/x86_64/trap.h"
#include "kernel/drivers/serial.h"
#include "kernel/lib/fmt.h"
#include "kernel/lib/string.h"

#define EARLY_LOG_SIZE 8192

static struct {
    void (*console)(const char *s, unsigned long n);
    char early[EARLY_LOG_SIZE]; /* output before the console existed, replayed onto it */
    unsigned long early_len;
    char log[PRINTK_LOG_SIZE];  /* ring: byte i of the log is at log[i % PRINTK_LOG_SIZE] */
    unsigned long log_total;
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
    bool on = irq_save();
    pk.console = write;
    if (write && pk.early_len) {
        write(pk.early, pk.early_len);
        pk.early_len = 0;
    }
    irq_restore(on);
}

static void sink(void *ctx, const char *s, size_t n)
{
    (void)ctx;
    serial_write(s, n);
    for (size_t i = 0; i < n; i++)
        pk.log[(pk.log_total + i) % PRINTK_LOG_SIZE] = s[i];
    pk.log_total += n;
    if (pk.console) {
        pk.console(s, n);
    } else if (pk.early_len < EARLY_LOG_SIZE) {
        size_t k = n < EARLY_LOG_SIZE - pk.early_len ? n : EARLY_LOG_SIZE - pk.early_len;
        memcpy(pk.early + pk.early_len, s, k);
        pk.early_len += k;
    }
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

unsigned long printk_log_copy(char *buf, unsigned long size, unsigned long *total_out)
{
    bool on = irq_save();
    unsigned long have = pk.log_total < PRINTK_LOG_SIZE ? pk.log_total : PRINTK_LOG_SIZE;
    unsigned long n = size < have ? size : have;
    unsigned long start = pk.log_total - n;
    for (unsigned long i = 0; i < n; i++)
        buf[i] = pk.log[(start + i) % PRINTK_LOG_SIZE];
    if (total_out)
        *total_out = pk.log_total;
    irq_restore(on);
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
