/* kernel/drivers/ps2.h — the i8042 PS/2 controller and its keyboard (ISA IRQ 1).
 *
 * ps2_init sets the controller up (first port on, its interrupt on, scancode translation to set 1)
 * and routes IRQ 1 through the IOAPIC; the IRQ handler turns make codes into characters (US layout,
 * Shift; Ctrl with a letter gives its control code, so Ctrl-C is 0x03; arrows, Home, End and Delete
 * give a terminal's ESC [ A/B/C/D/H/F/3~) and queues them in a small ring that ps2_getc drains (a
 * full ring drops keys).
 * ps2_inject asks the controller to deliver a byte as if the keyboard had sent it (i8042 command
 * 0xd2), which lets the self-test exercise the whole IRQ path without a human. */
#ifndef KERNEL_DRIVERS_PS2_H
#define KERNEL_DRIVERS_PS2_H

#include <stdint.h>
#include <stdbool.h>

#define PS2_KEYBOARD_IRQ 1

/* returns 0, -1 when no controller answers */
int ps2_init(void);
/* the next character typed, or -1; never blocks */
int ps2_getc(void);
/* scancode bytes received by interrupt since boot */
unsigned long ps2_irq_count(void);
/* makes the controller deliver `scancode` on the keyboard port (raises IRQ 1) */
void ps2_inject(uint8_t scancode);

#endif
