/* kernel/arch/x86_64/ioapic.c — IOAPIC redirection and 8259 masking (contract in ioapic.h).
 * Reference: Intel 82093AA IOAPIC datasheet (IOREGSEL/IOWIN, redirection table at 0x10 + 2n);
 * 8259A datasheet (ICW1-4). */
#include "kernel/arch/x86_64/ioapic.h"

#include "kernel/arch/x86_64/apic.h"
#include "kernel/arch/x86_64/cpu.h"
#include "kernel/drivers/acpi.h"
#include "kernel/mm/vmm.h"

#define PIC1_CMD 0x20
#define PIC1_DATA 0x21
#define PIC2_CMD 0xa0
#define PIC2_DATA 0xa1
#define PIC_ICW1_INIT_ICW4 0x11
#define PIC_ICW4_8086 0x01
#define PIC_REMAP_BASE 0xe0 /* spurious 8259 IRQs land at 0xe0-0xef, away from everything else */

#define IOREGSEL 0x00
#define IOWIN 0x10
#define IOAPIC_REG_VER 0x01
#define IOAPIC_REDTBL(n) (0x10 + 2 * (n))
#define RED_MASKED (1u << 16)
#define RED_LEVEL (1u << 15)
#define RED_ACTIVE_LOW (1u << 13)
#define MPS_POLARITY_MASK 0x3
#define MPS_POLARITY_LOW 0x3
#define MPS_TRIGGER_MASK 0xc
#define MPS_TRIGGER_LEVEL 0xc

static struct {
    int count;
    struct {
        volatile uint32_t *regs;
        uint32_t gsi_base, inputs;
    } chips[ACPI_MAX_IOAPICS];
} io;

static uint32_t chip_read(int c, uint32_t reg)
{
    io.chips[c].regs[IOREGSEL / 4] = reg;
    return io.chips[c].regs[IOWIN / 4];
}

static void chip_write(int c, uint32_t reg, uint32_t v)
{
    io.chips[c].regs[IOREGSEL / 4] = reg;
    io.chips[c].regs[IOWIN / 4] = v;
}

static void pic_disable(void)
{
    outb(PIC1_CMD, PIC_ICW1_INIT_ICW4);
    io_wait();
    outb(PIC2_CMD, PIC_ICW1_INIT_ICW4);
    io_wait();
    outb(PIC1_DATA, PIC_REMAP_BASE);
    io_wait();
    outb(PIC2_DATA, PIC_REMAP_BASE + 8);
    io_wait();
    outb(PIC1_DATA, 4); /* slave on IRQ2 */
    io_wait();
    outb(PIC2_DATA, 2);
    io_wait();
    outb(PIC1_DATA, PIC_ICW4_8086);
    io_wait();
    outb(PIC2_DATA, PIC_ICW4_8086);
    io_wait();
    outb(PIC1_DATA, 0xff);
    outb(PIC2_DATA, 0xff);
}

int ioapic_init(void)
{
    pic_disable();
    const struct acpi_info *a = acpi_get();
    io.count = 0;
    for (uint32_t i = 0; i < a->ioapic_count; i++) {
        volatile uint32_t *regs = vmm_map_mmio(a->ioapics[i].addr, 4096);
        if (!regs)
            continue;
        int c = io.count++;
        io.chips[c].regs = regs;
        io.chips[c].gsi_base = a->ioapics[i].gsi_base;
        io.chips[c].inputs = ((chip_read(c, IOAPIC_REG_VER) >> 16) & 0xff) + 1;
        for (uint32_t n = 0; n < io.chips[c].inputs; n++) {
            chip_write(c, IOAPIC_REDTBL(n), RED_MASKED);
            chip_write(c, IOAPIC_REDTBL(n) + 1, 0);
        }
    }
    return io.count;
}

static int chip_of(uint32_t gsi)
{
    for (int c = 0; c < io.count; c++)
        if (gsi >= io.chips[c].gsi_base && gsi < io.chips[c].gsi_base + io.chips[c].inputs)
            return c;
    return -1;
}

int ioapic_route_gsi(uint32_t gsi, bool level, bool active_low, trap_handler handler)
{
    int c = chip_of(gsi);
    if (c < 0 || VEC_IRQ_BASE + gsi >= PIC_REMAP_BASE)
        return -1;
    uint8_t vector = (uint8_t)(VEC_IRQ_BASE + gsi);
    trap_set_handler(vector, handler);
    uint32_t n = gsi - io.chips[c].gsi_base;
    uint32_t low = vector | (level ? RED_LEVEL : 0) | (active_low ? RED_ACTIVE_LOW : 0);
    bool on = irq_save();
    chip_write(c, IOAPIC_REDTBL(n) + 1, apic_id() << 24);
    chip_write(c, IOAPIC_REDTBL(n), low);
    irq_restore(on);
    return vector;
}

int ioapic_route_isa(uint8_t irq, trap_handler handler)
{
    uint32_t gsi;
    uint16_t flags;
    acpi_isa_irq(irq, &gsi, &flags);
    bool level = (flags & MPS_TRIGGER_MASK) == MPS_TRIGGER_LEVEL;
    bool low = (flags & MPS_POLARITY_MASK) == MPS_POLARITY_LOW;
    return ioapic_route_gsi(gsi, level, low, handler);
}

void ioapic_mask(uint32_t gsi, bool masked)
{
    int c = chip_of(gsi);
    if (c < 0)
        return;
    bool on = irq_save();
    uint32_t n = gsi - io.chips[c].gsi_base;
    uint32_t low = chip_read(c, IOAPIC_REDTBL(n));
    chip_write(c, IOAPIC_REDTBL(n), masked ? (low | RED_MASKED) : (low & ~RED_MASKED));
    irq_restore(on);
}
