/* kernel/arch/x86_64/pit.c — PIT channel 2 one-shot for calibration (contract in pit.h).
 * Reference: Intel 8254 datasheet (mode 0), and the PC's port 0x61 (bit 0 gate 2, bit 5 out 2). */
#include "kernel/arch/x86_64/pit.h"

#include "kernel/arch/x86_64/cpu.h"

#define PIT_CHANNEL2 0x42
#define PIT_COMMAND 0x43
#define PIT_CMD_CH2_LOHI_MODE0 0xb0 /* channel 2, lobyte/hibyte, mode 0, binary */
#define PORT_61 0x61
#define P61_GATE2 0x01
#define P61_SPEAKER 0x02
#define P61_OUT2 0x20

void pit_oneshot_start(uint32_t ms)
{
    uint32_t count = PIT_HZ / 1000 * ms;
    if (count > 0xffff)
        count = 0xffff;
    uint8_t p = inb(PORT_61);
    outb(PORT_61, (uint8_t)((p & ~P61_SPEAKER) & ~P61_GATE2)); /* gate low while programming */
    outb(PIT_COMMAND, PIT_CMD_CH2_LOHI_MODE0);
    outb(PIT_CHANNEL2, (uint8_t)(count & 0xff));
    outb(PIT_CHANNEL2, (uint8_t)(count >> 8));
    outb(PORT_61, (uint8_t)((p & ~P61_SPEAKER) | P61_GATE2)); /* gate high: counting starts */
}

void pit_oneshot_wait(void)
{
    while (!(inb(PORT_61) & P61_OUT2))
        cpu_pause();
}
