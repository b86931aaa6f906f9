/* kernel/drivers/serial.c — COM1 16550 UART driver (contract in serial.h). Register names follow the
 * 16550 datasheet; every access goes through reg_read/reg_write. */
#include "kernel/drivers/serial.h"

#include <stdint.h>
#include "kernel/arch/x86_64/cpu.h"

#define COM1_PORT 0x3f8
enum { /* register offsets from the base port */
    REG_DATA = 0,  /* RBR/THR, or divisor low with DLAB */
    REG_IER = 1,   /* interrupt enable, or divisor high with DLAB */
    REG_FCR = 2,   /* FIFO control (write) */
    REG_LCR = 3,   /* line control */
    REG_MCR = 4,   /* modem control */
    REG_LSR = 5,   /* line status */
};
#define LCR_8N1 0x03
#define LCR_DLAB 0x80
#define FCR_ENABLE_CLEAR 0xc7 /* enable, clear both FIFOs, 14-byte threshold */
#define MCR_DTR_RTS_OUT2 0x0b /* OUT2 gates the IRQ line on PCs */
#define MCR_LOOPBACK 0x10
#define IER_RX_AVAILABLE 0x01
#define LSR_DATA_READY 0x01
#define LSR_THR_EMPTY 0x20
#define DIVISOR_115200 1

static struct {
    char ring[256];
    unsigned head, tail; /* head: next write (IRQ), tail: next read */
    unsigned long received;
} serial;

static uint8_t reg_read(int reg) { return inb((uint16_t)(COM1_PORT + reg)); }
static void reg_write(int reg, uint8_t v) { outb((uint16_t)(COM1_PORT + reg), v); }

void serial_init(void)
{
    reg_write(REG_IER, 0);
    reg_write(REG_LCR, LCR_DLAB);
    reg_write(REG_DATA, DIVISOR_115200 & 0xff);
    reg_write(REG_IER, DIVISOR_115200 >> 8);
    reg_write(REG_LCR, LCR_8N1);
    reg_write(REG_FCR, FCR_ENABLE_CLEAR);
    reg_write(REG_MCR, MCR_DTR_RTS_OUT2);
}

static void put_raw(char c)
{
    for (int spins = 0; spins < 100000 && !(reg_read(REG_LSR) & LSR_THR_EMPTY); spins++)
        cpu_pause();
    reg_write(REG_DATA, (uint8_t)c);
}

void serial_write(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\n')
            put_raw('\r');
        put_raw(s[i]);
    }
}

void serial_enable_rx_irq(void)
{
    reg_write(REG_IER, IER_RX_AVAILABLE);
}

void serial_irq(void)
{
    while (reg_read(REG_LSR) & LSR_DATA_READY) {
        char c = (char)reg_read(REG_DATA);
        serial.received++;
        unsigned next = (serial.head + 1) % sizeof serial.ring;
        if (next != serial.tail) {
            serial.ring[serial.head] = c;
            serial.head = next;
        }
    }
}

int serial_getc(void)
{
    bool on = irq_save();
    int c = -1;
    if (serial.tail != serial.head) {
        c = (unsigned char)serial.ring[serial.tail];
        serial.tail = (serial.tail + 1) % sizeof serial.ring;
    }
    irq_restore(on);
    return c;
}

unsigned long serial_rx_count(void)
{
    return serial.received;
}

void serial_set_loopback(bool on)
{
    reg_write(REG_MCR, (uint8_t)(MCR_DTR_RTS_OUT2 | (on ? MCR_LOOPBACK : 0)));
}
