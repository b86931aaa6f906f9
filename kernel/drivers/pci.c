/* kernel/drivers/pci.c — PCI enumeration, config space, BARs, MSI-X and INTx (contract in pci.h).
 *
 * Below: ECAM windows (vmm_map_mmio, one 1 MiB window per bus, mapped when first touched) or the
 * legacy 0xCF8/0xCFC ports; the IDT (trap.h) and the IOAPIC (ioapic.h) for interrupts. Above: the
 * virtio transport (kernel/drivers/virtio.c) and any later PCI driver.
 * References: PCI Local Bus 3.0 §3.2.2.3.2 (0xCF8 address format), §6.2.5.1 (BAR sizing: write all
 * ones, read back the mask), §6.8.2 (MSI-X table: 16-byte entries, vector control bit 0 = mask);
 * Intel SDM vol. 3 §11.11.1-2 (MSI address 0xFEE00000 | APIC id << 12, data = vector, edge, fixed). */
#include "kernel/drivers/pci.h"

#include "kernel/arch/x86_64/apic.h"
#include "kernel/arch/x86_64/cpu.h"
#include "kernel/arch/x86_64/ioapic.h"
#include "kernel/arch/x86_64/trap.h"
#include "kernel/drivers/acpi.h"
#include "kernel/lib/string.h"
#include "kernel/mm/vmm.h"
#include "kernel/printk.h"

#define PCI_CONFIG_ADDRESS 0xcf8
#define PCI_CONFIG_DATA 0xcfc
#define PCI_ENABLE_BIT 0x80000000u
#define ECAM_BUS_SIZE (1u << 20)
#define MCFG_ENTRIES_OFFSET 44 /* 36-byte SDT header + 8 reserved bytes */
#define BAR_IO 0x1u
#define BAR_TYPE_MASK 0x6u
#define BAR_TYPE_64 0x4u
#define MSIX_CTRL_ENABLE (1u << 15)
#define MSIX_CTRL_FUNC_MASK (1u << 14)
#define MSIX_CTRL_SIZE_MASK 0x7ffu
#define MSIX_BIR_MASK 0x7u
#define MSIX_ENTRY_WORDS 4
#define MSIX_VECTOR_MASKED 1u
#define MSI_ADDRESS_BASE 0xfee00000u
#define MAX_CAPS 48 /* a capability list longer than this is looping */

struct mcfg_entry {
    uint64_t base;
    uint16_t segment;
    uint8_t start_bus, end_bus;
    uint32_t reserved;
} __attribute__((packed));

static struct {
    bool ready;               /* pci_init ran */
    bool ecam;
    uint64_t ecam_phys;
    uint8_t ecam_start, ecam_end;
    volatile uint8_t *bus_window[256];  /* ECAM window of each bus, mapped on first use */
    struct pci_device devices[PCI_MAX_DEVICES];
    uint32_t count;
    void *bar_virt[PCI_MAX_DEVICES][6];
    struct { pci_irq_fn fn; void *ctx; } irq[256];  /* per IDT vector */
    uint8_t next_vector;
} pci;

/* ---- configuration space ---- */

static volatile uint8_t *ecam_addr(uint8_t bus, uint8_t slot, uint8_t func, uint16_t off)
{
    if (bus < pci.ecam_start || bus > pci.ecam_end)
        return NULL;
    if (!pci.bus_window[bus]) {
        uint64_t phys = pci.ecam_phys + (uint64_t)(bus - pci.ecam_start) * ECAM_BUS_SIZE;
        pci.bus_window[bus] = vmm_map_mmio(phys, ECAM_BUS_SIZE);
        if (!pci.bus_window[bus])
            return NULL;
    }
    return pci.bus_window[bus] + ((uint32_t)slot << 15 | (uint32_t)func << 12 | off);
}

static uint32_t legacy_address(uint8_t bus, uint8_t slot, uint8_t func, uint16_t off)
{
    return PCI_ENABLE_BIT | (uint32_t)bus << 16 | (uint32_t)slot << 11 | (uint32_t)func << 8 | (off & 0xfc);
}

static uint32_t cfg_read32(uint8_t bus, uint8_t slot, uint8_t func, uint16_t off)
{
    if (pci.ecam) {
        volatile uint8_t *p = ecam_addr(bus, slot, func, off);
        return p ? *(volatile uint32_t *)p : 0xffffffffu;
    }
    if (off > 0xfc)
        return 0xffffffffu;
    outl(PCI_CONFIG_ADDRESS, legacy_address(bus, slot, func, off));
    return inl(PCI_CONFIG_DATA);
}

static void cfg_write32(uint8_t bus, uint8_t slot, uint8_t func, uint16_t off, uint32_t v)
{
    if (pci.ecam) {
        volatile uint8_t *p = ecam_addr(bus, slot, func, off);
        if (p)
            *(volatile uint32_t *)p = v;
        return;
    }
    if (off > 0xfc)
        return;
    outl(PCI_CONFIG_ADDRESS, legacy_address(bus, slot, func, off));
    outl(PCI_CONFIG_DATA, v);
}

uint32_t pci_read32(const struct pci_device *dev, uint16_t off)
{
    return cfg_read32(dev->bus, dev->slot, dev->func, off & ~3u);
}

uint16_t pci_read16(const struct pci_device *dev, uint16_t off)
{
    return (uint16_t)(pci_read32(dev, off) >> ((off & 2) * 8));
}

uint8_t pci_read8(const struct pci_device *dev, uint16_t off)
{
    return (uint8_t)(pci_read32(dev, off) >> ((off & 3) * 8));
}

void pci_write32(const struct pci_device *dev, uint16_t off, uint32_t value)
{
    cfg_write32(dev->bus, dev->slot, dev->func, off & ~3u, value);
}

/* read-modify-write of the containing dword; next to the command register sits the status register,
 * whose bits are write-1-to-clear, so that half is written as 0 */
void pci_write16(const struct pci_device *dev, uint16_t off, uint16_t value)
{
    uint32_t shift = (off & 2) * 8;
    uint32_t old = pci_read32(dev, off);
    if ((off & ~3u) == PCI_COMMAND)
        old &= 0x0000ffffu; /* never write 1s back into the RW1C status register */
    pci_write32(dev, off, (old & ~(0xffffu << shift)) | (uint32_t)value << shift);
}

bool pci_uses_ecam(void)
{
    return pci.ecam;
}

struct pci_device *pci_get(uint32_t index)
{
    return index < pci.count ? &pci.devices[index] : NULL;
}

/* ---- enumeration ---- */

static void size_bars(struct pci_device *d, int nbars)
{
    uint16_t cmd = pci_read16(d, PCI_COMMAND);
    /* decoding off while the BARs hold all-ones */
    pci_write16(d, PCI_COMMAND, cmd & ~(PCI_COMMAND_IO | PCI_COMMAND_MEMORY));
    for (int i = 0; i < nbars; i++) {
        uint16_t off = PCI_BAR0 + 4 * i;
        uint32_t lo = pci_read32(d, off);
        pci_write32(d, off, 0xffffffffu);
        uint32_t mask = pci_read32(d, off);
        pci_write32(d, off, lo);
        if (mask == 0 || mask == 0xffffffffu)
            continue;
        if (lo & BAR_IO) {
            d->bar_io[i] = true;
            d->bar_phys[i] = lo & ~3u;
            d->bar_size[i] = (uint16_t)(~(mask & ~3u) + 1);
            continue;
        }
        uint64_t phys = lo & ~0xfu, size_mask = 0xffffffff00000000ULL | (mask & ~0xfu);
        if ((lo & BAR_TYPE_MASK) == BAR_TYPE_64 && i + 1 < nbars) {
            uint32_t hi = pci_read32(d, off + 4);
            pci_write32(d, off + 4, 0xffffffffu);
            uint32_t mask_hi = pci_read32(d, off + 4);
            pci_write32(d, off + 4, hi);
            phys |= (uint64_t)hi << 32;
            size_mask = (uint64_t)mask_hi << 32 | (mask & ~0xfu);
            d->bar_phys[i] = phys;
            d->bar_size[i] = ~size_mask + 1;
            i++;
            continue;
        }
        d->bar_phys[i] = phys;
        d->bar_size[i] = ~size_mask + 1;
    }
    pci_write16(d, PCI_COMMAND, cmd);
}

static const char *class_name(uint8_t cls, uint8_t sub)
{
    switch (cls) {
    case 0x01: return sub == 0x06 ? "SATA" : sub == 0x08 ? "NVMe" : "storage";
    case 0x02: return "network";
    case 0x03: return "display";
    case 0x06: return sub == 0x04 ? "PCI bridge" : sub == 0x00 ? "host bridge" : sub == 0x01 ? "ISA bridge" : "bridge";
    case 0x0c: return sub == 0x05 ? "SMBus" : sub == 0x03 ? "USB" : "serial bus";
    default: return "device";
    }
}

static void scan_bus(uint8_t bus, int depth);

static void add_function(uint8_t bus, uint8_t slot, uint8_t func, int depth)
{
    uint32_t id = cfg_read32(bus, slot, func, PCI_VENDOR_ID);
    uint32_t cls = cfg_read32(bus, slot, func, PCI_REVISION);
    uint8_t header = (uint8_t)(cfg_read32(bus, slot, func, PCI_HEADER_TYPE & ~3u) >> 16) & 0x7f;
    if (header == 1) { /* PCI-to-PCI bridge: walk its secondary bus */
        uint8_t secondary = (uint8_t)(cfg_read32(bus, slot, func, 0x18) >> 8);
        if (secondary > bus && depth < 8)
            scan_bus(secondary, depth + 1);
    }
    if (pci.count >= PCI_MAX_DEVICES)
        return;
    struct pci_device *d = &pci.devices[pci.count++];
    memset(d, 0, sizeof *d);
    d->bus = bus, d->slot = slot, d->func = func;
    d->vendor = (uint16_t)id, d->device = (uint16_t)(id >> 16);
    d->revision = (uint8_t)cls, d->prog_if = (uint8_t)(cls >> 8);
    d->subclass = (uint8_t)(cls >> 16), d->class_code = (uint8_t)(cls >> 24);
    d->irq_line = pci_read8(d, PCI_INTERRUPT_LINE), d->irq_pin = pci_read8(d, PCI_INTERRUPT_PIN);
    if (header == 0) {
        d->subsystem = pci_read16(d, PCI_SUBSYSTEM_ID);
        size_bars(d, 6);
    }
    printk("pci: %02x:%02x.%u %04x:%04x %s\n", bus, slot, func, d->vendor, d->device,
           class_name(d->class_code, d->subclass));
}

static void scan_bus(uint8_t bus, int depth)
{
    for (uint8_t slot = 0; slot < 32; slot++) {
        uint32_t id = cfg_read32(bus, slot, 0, PCI_VENDOR_ID);
        if ((uint16_t)id == 0xffff)
            continue;
        bool multi = (cfg_read32(bus, slot, 0, PCI_HEADER_TYPE & ~3u) >> 16) & 0x80;
        for (uint8_t func = 0; func < (multi ? 8 : 1); func++) {
            if ((uint16_t)cfg_read32(bus, slot, func, PCI_VENDOR_ID) != 0xffff)
                add_function(bus, slot, func, depth);
        }
    }
}

static void find_ecam(void)
{
    uint32_t len = 0;
    const uint8_t *mcfg = acpi_find_table("MCFG", &len);
    for (uint32_t off = MCFG_ENTRIES_OFFSET; mcfg && off + sizeof(struct mcfg_entry) <= len;
         off += sizeof(struct mcfg_entry)) {
        struct mcfg_entry e;
        memcpy(&e, mcfg + off, sizeof e);
        if (e.segment != 0 || e.start_bus > e.end_bus || !e.base)
            continue;
        pci.ecam = true;
        pci.ecam_phys = e.base, pci.ecam_start = e.start_bus, pci.ecam_end = e.end_bus;
        return;
    }
}

int pci_init(void)
{
    if (pci.ready)
        return (int)pci.count; /* once: drivers hold pointers into the table and vectors */
    memset(&pci, 0, sizeof pci);
    pci.ready = true;
    pci.next_vector = PCI_VEC_FIRST;
    find_ecam();
    if (pci.ecam && (uint16_t)cfg_read32(0, 0, 0, PCI_VENDOR_ID) == 0xffff)
        pci.ecam = false; /* the MCFG window does not answer: fall back to the ports */
    if (!pci.ecam) {
        outl(PCI_CONFIG_ADDRESS, PCI_ENABLE_BIT);
        if (inl(PCI_CONFIG_ADDRESS) != PCI_ENABLE_BIT) {
            printk("pci: no configuration mechanism\n");
            return 0;
        }
    }
    if (pci.ecam)
        printk("pci: ECAM at 0x%lx, buses %u-%u (ACPI MCFG)\n", pci.ecam_phys, pci.ecam_start, pci.ecam_end);
    else
        printk("pci: legacy configuration ports 0xcf8/0xcfc\n");
    scan_bus(0, 0);
    return (int)pci.count;
}

/* ---- BARs and capabilities ---- */

void pci_enable(const struct pci_device *dev, bool bus_master)
{
    uint16_t cmd = pci_read16(dev, PCI_COMMAND) | PCI_COMMAND_MEMORY | PCI_COMMAND_IO;
    if (bus_master)
        cmd |= PCI_COMMAND_MASTER;
    pci_write16(dev, PCI_COMMAND, cmd);
}

uint8_t pci_find_cap(const struct pci_device *dev, uint8_t id, uint8_t after)
{
    if (!(pci_read16(dev, PCI_STATUS) & PCI_STATUS_CAP_LIST))
        return 0;
    uint8_t off = after ? pci_read8(dev, after + 1) : pci_read8(dev, PCI_CAP_PTR);
    for (int n = 0; n < MAX_CAPS && off >= 0x40; n++) {
        off &= 0xfc;
        if (pci_read8(dev, off) == id)
            return off;
        off = pci_read8(dev, off + 1);
    }
    return 0;
}

void *pci_map_bar(struct pci_device *dev, int bar)
{
    if (bar < 0 || bar > 5 || dev->bar_io[bar] || !dev->bar_phys[bar] || !dev->bar_size[bar])
        return NULL;
    uint32_t index = (uint32_t)(dev - pci.devices);
    if (index >= PCI_MAX_DEVICES)
        return NULL;
    if (!pci.bar_virt[index][bar])
        pci.bar_virt[index][bar] = vmm_map_mmio(dev->bar_phys[bar], dev->bar_size[bar]);
    return pci.bar_virt[index][bar];
}

/* ---- interrupts ---- */

static void pci_irq_entry(struct trap_frame *frame)
{
    uint8_t v = (uint8_t)frame->vector;
    if (pci.irq[v].fn)
        pci.irq[v].fn(pci.irq[v].ctx);
    apic_eoi();
}

static int alloc_vector(pci_irq_fn fn, void *ctx)
{
    if (pci.next_vector == 0 || pci.next_vector > PCI_VEC_LAST)
        return -1;
    uint8_t v = pci.next_vector++;
    pci.irq[v].fn = fn;
    pci.irq[v].ctx = ctx;
    trap_set_handler(v, pci_irq_entry);
    return v;
}

int pci_msix_init(struct pci_device *dev)
{
    uint8_t cap = pci_find_cap(dev, PCI_CAP_MSIX, 0);
    if (!cap)
        return -1;
    uint16_t ctrl = pci_read16(dev, cap + 2);
    uint32_t table = pci_read32(dev, cap + 4);
    uint16_t entries = (ctrl & MSIX_CTRL_SIZE_MASK) + 1;
    int bir = (int)(table & MSIX_BIR_MASK);
    uint8_t *base = pci_map_bar(dev, bir);
    if (!base || (table & ~MSIX_BIR_MASK) + entries * 16ULL > dev->bar_size[bir])
        return -1;
    dev->msix_cap = cap;
    dev->msix_entries = entries;
    dev->msix_table = (volatile uint32_t *)(base + (table & ~MSIX_BIR_MASK));
    pci_write16(dev, cap + 2, ctrl | MSIX_CTRL_ENABLE | MSIX_CTRL_FUNC_MASK);
    for (uint16_t i = 0; i < entries; i++)
        dev->msix_table[i * MSIX_ENTRY_WORDS + 3] |= MSIX_VECTOR_MASKED;
    pci_write16(dev, PCI_COMMAND, pci_read16(dev, PCI_COMMAND) | PCI_COMMAND_INTX_DISABLE);
    pci_write16(dev, cap + 2, (ctrl | MSIX_CTRL_ENABLE) & ~MSIX_CTRL_FUNC_MASK);
    return entries;
}

int pci_msix_route(struct pci_device *dev, uint16_t entry, pci_irq_fn fn, void *ctx)
{
    if (!dev->msix_table || entry >= dev->msix_entries)
        return -1;
    int v = alloc_vector(fn, ctx);
    if (v < 0)
        return -1;
    volatile uint32_t *e = dev->msix_table + entry * MSIX_ENTRY_WORDS;
    e[0] = MSI_ADDRESS_BASE | apic_id() << 12;
    e[1] = 0;
    e[2] = (uint32_t)v; /* edge, fixed delivery */
    e[3] &= ~MSIX_VECTOR_MASKED;
    return v;
}

/* INTx arrives through the IOAPIC at VEC_IRQ_BASE + line (ioapic.h); the handler table is indexed
 * by the vector the frame carries, so one entry function serves both kinds */
int pci_intx_route(struct pci_device *dev, pci_irq_fn fn, void *ctx)
{
    if (!dev->irq_pin || dev->irq_line == 0 || dev->irq_line == 0xff)
        return -1;
    uint32_t expected = VEC_IRQ_BASE + dev->irq_line;
    if (expected > 0xff)
        return -1;
    pci.irq[expected].fn = fn; /* before the line is unmasked */
    pci.irq[expected].ctx = ctx;
    int v = ioapic_route_gsi(dev->irq_line, true, true, pci_irq_entry);
    if (v < 0)
        return -1;
    pci.irq[v].fn = fn;
    pci.irq[v].ctx = ctx;
    pci_write16(dev, PCI_COMMAND, pci_read16(dev, PCI_COMMAND) & ~PCI_COMMAND_INTX_DISABLE);
    return v;
}
