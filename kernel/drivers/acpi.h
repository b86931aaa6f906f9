/* kernel/drivers/acpi.h — the ACPI tables the kernel needs: RSDP -> XSDT/RSDT -> MADT, FADT (and
 * the DSDT's \_S5 package for power-off). No AML interpreter: \_S5 is found by a byte pattern.
 *
 * acpi_init runs once at boot after vmm_init (tables are read through the direct map and stay in
 * ACPI-reclaimable memory, which the pmm keeps). The results are plain data, read-only afterwards.
 * acpi_power_off and acpi_reset may run in any context; they return only if they failed. */
#ifndef KERNEL_DRIVERS_ACPI_H
#define KERNEL_DRIVERS_ACPI_H

#include <stdint.h>
#include <stdbool.h>

#define ACPI_MAX_IOAPICS 8
#define ACPI_MAX_ISOS 24
#define ACPI_MAX_CPUS 64

struct acpi_ioapic {
    uint8_t id;
    uint64_t addr;     /* physical MMIO base */
    uint32_t gsi_base; /* first global system interrupt it serves */
};

/* an interrupt source override: ISA IRQ `source` arrives on GSI `gsi` */
struct acpi_iso {
    uint8_t source;
    uint32_t gsi;
    uint16_t flags; /* MPS INTI flags: polarity bits 0-1 (3 = active low), trigger bits 2-3 (3 = level) */
};

struct acpi_info {
    bool present;          /* an RSDP with a valid checksum was found */
    uint8_t revision;      /* RSDP revision: 0 = ACPI 1.0 (RSDT), 2 = 2.0+ (XSDT) */
    char oem[7];
    /* MADT */
    uint64_t lapic_addr;
    uint32_t cpu_count;    /* enabled processor-local APICs */
    uint8_t cpu_apic_ids[ACPI_MAX_CPUS];
    uint32_t ioapic_count;
    struct acpi_ioapic ioapics[ACPI_MAX_IOAPICS];
    uint32_t iso_count;
    struct acpi_iso isos[ACPI_MAX_ISOS];
    bool has_8259;         /* MADT flag PCAT_COMPAT */
    /* FADT */
    bool has_fadt;
    uint16_t sci_irq;
    uint32_t smi_cmd;
    uint8_t acpi_enable;
    uint32_t pm1a_cnt, pm1b_cnt; /* I/O ports, 0 if none */
    uint32_t pm1a_evt;     /* PM1a event block: status, then enable at + pm1_evt_len / 2 */
    uint8_t pm1_evt_len;
    uint32_t pm_tmr;
    bool reset_supported;
    uint8_t reset_space;   /* 0 memory, 1 I/O, 2 PCI config */
    uint64_t reset_addr;
    uint8_t reset_value;
    /* DSDT \_S5 */
    bool has_s5;
    uint8_t slp_typa, slp_typb;
    uint64_t hpet_addr;    /* HPET base, 0 if no HPET table */
};

/* parses the tables from the RSDP at physical rsdp (0: none); returns 0, -1 if absent or invalid */
int acpi_init(uint64_t rsdp_phys);
/* the table with signature sig (e.g. "MCFG"), header included and checksum verified, through the
 * direct map; *len_out = its length. NULL when absent or before acpi_init. */
const void *acpi_find_table(const char sig[4], uint32_t *len_out);
/* the parsed facts (zeroed when acpi_init failed) */
const struct acpi_info *acpi_get(void);
/* translates ISA IRQ `irq` through the MADT overrides: sets *gsi_out and *flags_out (0 = ISA
 * default: edge, active high) */
void acpi_isa_irq(uint8_t irq, uint32_t *gsi_out, uint16_t *flags_out);
/* switches the firmware to ACPI mode (SCI_EN) and enables the power-button event; the SCI (ISA IRQ
 * sci_irq) must then be routed to acpi_sci. Returns 0, -1 without a FADT event block. */
int acpi_enable_power_button(void);
/* the SCI handler body: returns true when the power button was pressed (its status is cleared) */
bool acpi_sci(void);
/* enters S5 via PM1a/PM1b_CNT; returns only on failure */
void acpi_power_off(void);
/* writes the FADT reset register; returns only on failure */
void acpi_reset(void);

#endif
