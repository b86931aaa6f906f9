/* kernel/power.h — ending a boot: QEMU's isa-debug-exit, ACPI power-off, reboot.
 * All may be called from any context, panics included; power_off and power_reboot do not return. */
#ifndef KERNEL_POWER_H
#define KERNEL_POWER_H

#include <stdint.h>

#define POWER_DEBUG_EXIT_PORT 0xf4 /* QEMU -device isa-debug-exit,iobase=0xf4,iosize=0x04 */

/* writes `code` to isa-debug-exit: QEMU exits with status 2*code+1. Returns if the device is
 * absent (on real hardware the write goes nowhere). */
void power_debug_exit(uint32_t code);
/* ACPI S5 through the FADT's PM1a/PM1b control registers with \_S5's SLP_TYP (acpi.h); falls back to
 * QEMU's debug exit and then halts */
_Noreturn void power_off(void);
/* ACPI reset register, then the keyboard controller's reset line, then a triple fault */
_Noreturn void power_reboot(void);

#endif
