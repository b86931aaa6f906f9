/* kernel/printk.h — kernel messages, panics and assertions.
 *
 * printk formats like printf (kernel/lib/fmt.h: %d %u %x %lx %p %s %c %llu, widths, zero pad) and
 * writes to COM1 and, once console_init ran, to the framebuffer console. It never allocates or
 * blocks (interrupts are off while a message is written, so lines do not interleave) and is safe
 * in IRQ and exception context.
 *
 * panic prints "PANIC: <message>", the caller's backtrace, and halts forever with interrupts off.
 * kassert(cond) guards kernel invariants only (never input validation) and panics with
 * file:line:function and the condition text. */
#ifndef KERNEL_PRINTK_H
#define KERNEL_PRINTK_H

#include <stdarg.h>

int printk(const char *format, ...) __attribute__((format(printf, 1, 2)));
int vprintk(const char *format, va_list ap);
/* where printk output goes besides COM1 (the framebuffer console); NULL to stop. Output printed
 * before a console was set (up to 8 KiB) is replayed onto it first, so the screen starts with the
 * banner too. */
void printk_set_console(void (*write)(const char *s, unsigned long n));

/* the kernel log: everything printk wrote since boot is also kept in a PRINTK_LOG_SIZE ring (the
 * oldest bytes are dropped first). Copies up to size bytes of the most recent log into buf (not
 * NUL-terminated) and returns how many; `total_out` (if not NULL) gets the bytes ever logged. */
#define PRINTK_LOG_SIZE (64 * 1024)
unsigned long printk_log_copy(char *buf, unsigned long size, unsigned long *total_out);

_Noreturn void panic(const char *format, ...) __attribute__((format(printf, 1, 2)));
/* the end of every panic and fatal exception report: runs the halt hook (main.c's: with the `exit`
 * switch, tell QEMU through isa-debug-exit) and halts forever with interrupts off */
_Noreturn void panic_halt(void);
void panic_set_halt_hook(void (*hook)(void));

#define kassert(cond)                                                                  \
    do {                                                                               \
        if (!(cond))                                                                   \
            panic("assertion failed: %s at %s:%d:%s", #cond, __FILE__, __LINE__, __func__); \
    } while (0)

#endif
