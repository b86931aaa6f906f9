/* kernel/power.c — power-off and reboot (contract in power.h). */
#include "kernel/power.h"

#include "kernel/arch/x86_64/cpu.h"
#include "kernel/drivers/acpi.h"
#include "kernel/printk.h"

#define KBC_STATUS_PORT 0x64
#define KBC_STATUS_INPUT_FULL 0x02
#define KBC_CMD_RESET 0xfe

void power_debug_exit(uint32_t code)
{
    outl(POWER_DEBUG_EXIT_PORT, code);
}

_Noreturn void power_off(void)
{
    printk("power: off\n");
    cli();
    acpi_power_off(); /* returns only when it could not */
    printk("power: ACPI power-off failed; halting\n");
    for (;;)
        hlt();
}

_Noreturn void power_reboot(void)
{
    printk("power: reboot\n");
    cli();
    acpi_reset();
    /* keyboard controller: pulse the CPU reset line */
    for (int i = 0; i < 100000 && (inb(KBC_STATUS_PORT) & KBC_STATUS_INPUT_FULL); i++)
        cpu_pause();
    outb(KBC_STATUS_PORT, KBC_CMD_RESET);
    for (volatile int i = 0; i < 1000000; i++)
        ;
    /* triple fault: an empty IDT and an exception */
    struct desc_ptr empty = { 0, 0 };
    lidt(&empty);
    __asm__ volatile("int3");
    for (;;)
        hlt();
}
