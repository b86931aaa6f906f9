/* kernel/drivers/serial.h — COM1 (16550 UART at I/O port 0x3f8), 115200 8N1.
 *
 * Output is polled (serial_write never blocks for long: it spins on the transmit-holding bit).
 * Input arrives by interrupt once serial_enable_rx_irq ran (IOAPIC routes ISA IRQ 4): received
 * bytes go to a small ring that serial_getc drains; a full ring drops bytes. serial_write is safe in
 * IRQ context and from the exception handler. */
#ifndef KERNEL_DRIVERS_SERIAL_H
#define KERNEL_DRIVERS_SERIAL_H

#include <stddef.h>
#include <stdbool.h>

#define SERIAL_COM1_IRQ 4 /* ISA IRQ line */

void serial_init(void);
/* writes n bytes, turning "\n" into "\r\n" */
void serial_write(const char *s, size_t n);
/* unmasks the UART's receive interrupt; call after the IOAPIC routes SERIAL_COM1_IRQ */
void serial_enable_rx_irq(void);
/* the receive-interrupt handler (called by the IRQ dispatcher) */
void serial_irq(void);
/* returns the next received byte, or -1 when none is waiting; never blocks */
int serial_getc(void);
/* internal loopback (16550 MCR bit 4): what is sent comes back as received, IRQ included; used by
 * the self-test to exercise the receive interrupt. Output is not visible while it is on. */
void serial_set_loopback(bool on);
/* bytes received by interrupt since boot (for the self-test) */
unsigned long serial_rx_count(void);

#endif
