/* kernel/drivers/pci.h — PCI(e) enumeration, configuration space, BARs, capabilities, MSI-X, INTx.
 *
 * pci_init walks every bus reachable from bus 0 (through PCI-to-PCI bridges) once at boot and keeps a
 * table of the functions it found. Configuration space is reached through ECAM (PCIe memory-mapped
 * configuration, the ACPI MCFG table: q35) when the firmware describes it, else through the legacy
 * ports 0xCF8/0xCFC (first 256 bytes only). BARs are the firmware's assignment (OVMF and SeaBIOS assign
 * them all); pci_init sizes each one and pci_map_bar maps a memory BAR uncached.
 *
 * Interrupts: drivers get a plain callback `fn(ctx)` per interrupt; this module owns the IDT vectors
 * it hands out (PCI_VEC_FIRST .. PCI_VEC_LAST) and sends the EOI itself. MSI-X is preferred
 * (pci_msix_init, then pci_msix_route per table entry); pci_intx_route is the legacy fallback over
 * the IOAPIC (level-triggered, the line the firmware wrote into the Interrupt Line register).
 *
 * References: PCI Local Bus 3.0 §6.1-6.2 (header, command register, BARs), §6.7 (capabilities),
 * §6.8.2 (MSI-X); PCI Firmware 3.0 §4.1.2 (MCFG); Intel SDM vol. 3 §11.11 (MSI address/data format).
 *
 * Context: pci_init at boot with interrupts off or on (it takes no locks); every other call is
 * IRQ-safe except the routing calls, which are boot-time only. Nothing here blocks. */
#ifndef KERNEL_DRIVERS_PCI_H
#define KERNEL_DRIVERS_PCI_H

#include <stdbool.h>
#include <stdint.h>

#define PCI_MAX_DEVICES 64
#define PCI_VEC_FIRST 0x80 /* IDT vectors handed out for MSI-X and INTx */
#define PCI_VEC_LAST 0xdf

/* configuration-space offsets (type 0 header) */
#define PCI_VENDOR_ID 0x00
#define PCI_DEVICE_ID 0x02
#define PCI_COMMAND 0x04
#define PCI_STATUS 0x06
#define PCI_REVISION 0x08
#define PCI_HEADER_TYPE 0x0e
#define PCI_BAR0 0x10
#define PCI_SECONDARY_BUS 0x19 /* type 1 (bridge) header */
#define PCI_SUBSYSTEM_ID 0x2e
#define PCI_CAP_PTR 0x34
#define PCI_INTERRUPT_LINE 0x3c
#define PCI_INTERRUPT_PIN 0x3d

#define PCI_COMMAND_IO (1u << 0)
#define PCI_COMMAND_MEMORY (1u << 1)
#define PCI_COMMAND_MASTER (1u << 2)
#define PCI_COMMAND_INTX_DISABLE (1u << 10)
#define PCI_STATUS_CAP_LIST (1u << 4)

#define PCI_CAP_MSI 0x05
#define PCI_CAP_VENDOR 0x09
#define PCI_CAP_MSIX 0x11

struct pci_device {
    uint8_t bus, slot, func;
    uint16_t vendor, device;
    uint8_t class_code, subclass, prog_if, revision;
    uint16_t subsystem;          /* subsystem id (virtio transitional devices name their type here) */
    uint8_t irq_line, irq_pin;   /* Interrupt Line (firmware's) and Pin (0 none, 1 INTA ...) */
    uint64_t bar_phys[6];        /* 0 when unimplemented; a 64-bit BAR fills its first slot only */
    uint64_t bar_size[6];
    bool bar_io[6];              /* an I/O-port BAR */
    /* MSI-X state (pci_msix_init) */
    uint8_t msix_cap;            /* capability offset, 0 when none */
    uint16_t msix_entries;
    volatile uint32_t *msix_table;
};

/* Enumerates the buses (once: later calls return the same count). Returns the number of functions
 * found (0 when there is no PCI). Prints one line per function. */
int pci_init(void);
/* Whether configuration space goes through ECAM (else the legacy ports). */
bool pci_uses_ecam(void);
/* The index-th function found (NULL past the end). The table is static: pointers stay valid. */
struct pci_device *pci_get(uint32_t index);

/* ---- configuration space (off must be naturally aligned; past 255 needs ECAM: reads 0xff..) ---- */
uint8_t pci_read8(const struct pci_device *dev, uint16_t off);
uint16_t pci_read16(const struct pci_device *dev, uint16_t off);
uint32_t pci_read32(const struct pci_device *dev, uint16_t off);
void pci_write16(const struct pci_device *dev, uint16_t off, uint16_t value);
void pci_write32(const struct pci_device *dev, uint16_t off, uint32_t value);

/* Sets memory-space decoding, I/O decoding and (with bus_master) DMA in the command register. */
void pci_enable(const struct pci_device *dev, bool bus_master);
/* The offset of the first capability with this id at or after `after`'s successor (after = 0: from
 * the start of the list); 0 when there is none. Bounded: a looping list ends the walk. */
uint8_t pci_find_cap(const struct pci_device *dev, uint8_t id, uint8_t after);
/* Maps memory BAR `bar` uncached and returns its virtual address (the mapping is made once and
 * cached); NULL for an I/O or absent BAR or when out of memory. */
void *pci_map_bar(struct pci_device *dev, int bar);

/* ---- interrupts ---- */
typedef void (*pci_irq_fn)(void *ctx);

/* Enables MSI-X with every entry masked and INTx off. Returns the table size, or -1 when the device
 * has no MSI-X capability (or its table cannot be mapped). */
int pci_msix_init(struct pci_device *dev);
/* Points table entry `entry` at a fresh vector on the boot CPU whose interrupts call fn(ctx) (in IRQ
 * context, EOI sent by this module) and unmasks it. Returns the vector, or -1 (no vector left, entry
 * out of range, MSI-X not initialized). ctx must live as long as the route. */
int pci_msix_route(struct pci_device *dev, uint16_t entry, pci_irq_fn fn, void *ctx);
/* Routes the device's INTx line through the IOAPIC (level, active low) to fn(ctx) and enables INTx.
 * Returns the vector, or -1 (no pin, no line, no IOAPIC). fn must clear the device's interrupt
 * condition, or it fires again at once. */
int pci_intx_route(struct pci_device *dev, pci_irq_fn fn, void *ctx);

#endif
