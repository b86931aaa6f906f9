/* kernel/drivers/acpi.c — ACPI table parsing, S5 power-off, reset register (contract in acpi.h).
 * Reference: ACPI 6.4, 5.2.5 (RSDP), 5.2.7/5.2.8 (RSDT/XSDT), 5.2.9 (FADT), 5.2.12 (MADT),
 * 7.4.2 (\_S5 package), 4.8.3.2 (PM1 control: SLP_TYP bits 10-12, SLP_EN bit 13), 20.2.3 (AML
 * package encoding). */
#include "kernel/drivers/acpi.h"

#include "kernel/arch/x86_64/cpu.h"
#include "kernel/lib/string.h"
#include "kernel/mm/memlayout.h"
#include "kernel/printk.h"

struct __attribute__((packed)) rsdp {
    char signature[8]; /* "RSD PTR " */
    uint8_t checksum;
    char oem[6];
    uint8_t revision;
    uint32_t rsdt;
    uint32_t length;   /* 2.0+ */
    uint64_t xsdt;
    uint8_t ext_checksum;
    uint8_t reserved[3];
};

struct __attribute__((packed)) sdt_header {
    char signature[4];
    uint32_t length;
    uint8_t revision, checksum;
    char oem[6], oem_table[8];
    uint32_t oem_revision, creator, creator_revision;
};

struct __attribute__((packed)) gas { /* generic address structure */
    uint8_t space, bit_width, bit_offset, access_size;
    uint64_t address;
};

/* FADT field offsets (from the table start) */
enum {
    FADT_DSDT = 40, FADT_SCI_INT = 46, FADT_SMI_CMD = 48, FADT_ACPI_ENABLE = 52,
    FADT_PM1A_EVT = 56, FADT_PM1_EVT_LEN = 88, FADT_PM1A_CNT = 64, FADT_PM1B_CNT = 68, FADT_PM_TMR = 76, FADT_FLAGS = 112,
    FADT_RESET_REG = 116, FADT_RESET_VALUE = 128, FADT_X_DSDT = 140,
};
#define FADT_FLAG_RESET_REG_SUP (1u << 10)
#define PM1_SCI_EN 0x1
#define PM1_SLP_EN (1u << 13)
#define PM1_SLP_TYP_SHIFT 10
#define PM1_PWRBTN (1u << 8) /* in the PM1 status and enable registers */

/* MADT entry types and flags */
enum { MADT_LAPIC = 0, MADT_IOAPIC = 1, MADT_ISO = 2, MADT_LAPIC_ADDR = 5 };
#define MADT_PCAT_COMPAT 0x1
#define MADT_LAPIC_ENABLED 0x1

/* AML opcodes used to read \_S5 */
enum { AML_ZERO = 0x00, AML_ONE = 0x01, AML_NAME = 0x08, AML_BYTE = 0x0a, AML_PACKAGE = 0x12 };

static struct acpi_info acpi;
static uint64_t root_phys;   /* XSDT or RSDT, for acpi_find_table */
static uint32_t root_entry;  /* 8 (XSDT) or 4 (RSDT) */

static bool checksum_ok(const void *p, uint32_t len)
{
    uint8_t sum = 0;
    for (uint32_t i = 0; i < len; i++)
        sum += ((const uint8_t *)p)[i];
    return sum == 0;
}

static const struct sdt_header *table_at(uint64_t phys)
{
    const struct sdt_header *h = phys_to_virt(phys);
    if (!phys || h->length < sizeof *h || h->length > (16u << 20) || !checksum_ok(h, h->length))
        return NULL;
    return h;
}

static uint32_t rd32(const void *base, uint32_t off)
{
    uint32_t v;
    memcpy(&v, (const uint8_t *)base + off, 4);
    return v;
}

static void parse_madt(const struct sdt_header *h)
{
    const uint8_t *p = (const uint8_t *)h + sizeof *h;
    acpi.lapic_addr = rd32(p, 0);
    acpi.has_8259 = rd32(p, 4) & MADT_PCAT_COMPAT;
    const uint8_t *e = p + 8, *end = (const uint8_t *)h + h->length;
    while (e + 2 <= end && e[1] >= 2 && e + e[1] <= end) {
        switch (e[0]) {
        case MADT_LAPIC:
            if ((rd32(e, 4) & MADT_LAPIC_ENABLED) && acpi.cpu_count < ACPI_MAX_CPUS)
                acpi.cpu_apic_ids[acpi.cpu_count++] = e[3];
            break;
        case MADT_IOAPIC:
            if (acpi.ioapic_count < ACPI_MAX_IOAPICS)
                acpi.ioapics[acpi.ioapic_count++] =
                    (struct acpi_ioapic){ .id = e[2], .addr = rd32(e, 4), .gsi_base = rd32(e, 8) };
            break;
        case MADT_ISO:
            if (acpi.iso_count < ACPI_MAX_ISOS) {
                uint16_t flags;
                memcpy(&flags, e + 8, 2);
                acpi.isos[acpi.iso_count++] = (struct acpi_iso){ .source = e[3], .gsi = rd32(e, 4), .flags = flags };
            }
            break;
        case MADT_LAPIC_ADDR: {
            uint64_t a;
            memcpy(&a, e + 4, 8);
            acpi.lapic_addr = a;
            break;
        }
        }
        e += e[1];
    }
}

/* reads one AML integer element of a package; returns bytes consumed, 0 if not an integer */
static int aml_int(const uint8_t *p, uint8_t *out)
{
    if (p[0] == AML_ZERO) { *out = 0; return 1; }
    if (p[0] == AML_ONE) { *out = 1; return 1; }
    if (p[0] == AML_BYTE) { *out = p[1]; return 2; }
    if (p[0] < 0x10) { *out = p[0]; return 1; } /* a few firmwares write small values raw */
    return 0;
}

static void find_s5(const struct sdt_header *dsdt)
{
    const uint8_t *p = (const uint8_t *)dsdt + sizeof *dsdt, *end = (const uint8_t *)dsdt + dsdt->length;
    for (; p + 12 < end; p++) {
        if (memcmp(p, "_S5_", 4) != 0)
            continue;
        /* NameOp [\] "_S5_" PackageOp PkgLength NumElements elements... */
        if (!(p[-1] == AML_NAME || (p[-1] == '\\' && p[-2] == AML_NAME)) || p[4] != AML_PACKAGE)
            continue;
        const uint8_t *q = p + 5;
        q += 1 + (q[0] >> 6); /* PkgLength: lead byte bits 6-7 count the extra bytes */
        q++;                  /* NumElements */
        int n = aml_int(q, &acpi.slp_typa);
        if (!n)
            continue;
        if (!aml_int(q + n, &acpi.slp_typb))
            acpi.slp_typb = 0;
        acpi.has_s5 = true;
        return;
    }
}

static void parse_fadt(const struct sdt_header *h)
{
    const uint8_t *f = (const uint8_t *)h;
    acpi.has_fadt = true;
    uint16_t sci;
    memcpy(&sci, f + FADT_SCI_INT, 2);
    acpi.sci_irq = sci;
    acpi.smi_cmd = rd32(f, FADT_SMI_CMD);
    acpi.acpi_enable = f[FADT_ACPI_ENABLE];
    acpi.pm1a_cnt = rd32(f, FADT_PM1A_CNT);
    acpi.pm1a_evt = rd32(f, FADT_PM1A_EVT);
    acpi.pm1_evt_len = f[FADT_PM1_EVT_LEN];
    acpi.pm1b_cnt = rd32(f, FADT_PM1B_CNT);
    acpi.pm_tmr = rd32(f, FADT_PM_TMR);
    if (h->length >= FADT_RESET_VALUE + 1) {
        struct gas g;
        memcpy(&g, f + FADT_RESET_REG, sizeof g);
        acpi.reset_supported = (rd32(f, FADT_FLAGS) & FADT_FLAG_RESET_REG_SUP) && g.address;
        acpi.reset_space = g.space;
        acpi.reset_addr = g.address;
        acpi.reset_value = f[FADT_RESET_VALUE];
    }
    uint64_t dsdt = rd32(f, FADT_DSDT);
    if (h->length >= FADT_X_DSDT + 8) {
        uint64_t x;
        memcpy(&x, f + FADT_X_DSDT, 8);
        if (x)
            dsdt = x;
    }
    const struct sdt_header *d = table_at(dsdt);
    if (d && memcmp(d->signature, "DSDT", 4) == 0)
        find_s5(d);
}

static void parse_table(uint64_t phys)
{
    const struct sdt_header *h = table_at(phys);
    if (!h)
        return;
    if (memcmp(h->signature, "APIC", 4) == 0)
        parse_madt(h);
    else if (memcmp(h->signature, "FACP", 4) == 0)
        parse_fadt(h);
    else if (memcmp(h->signature, "HPET", 4) == 0 && h->length >= sizeof *h + 20) {
        struct gas g;
        memcpy(&g, (const uint8_t *)h + sizeof *h + 4, sizeof g);
        acpi.hpet_addr = g.address;
    }
}

int acpi_init(uint64_t rsdp_phys)
{
    memset(&acpi, 0, sizeof acpi);
    if (!rsdp_phys)
        return -1;
    const struct rsdp *r = phys_to_virt(rsdp_phys);
    if (memcmp(r->signature, "RSD PTR ", 8) != 0 || !checksum_ok(r, 20))
        return -1;
    acpi.present = true;
    acpi.revision = r->revision;
    memcpy(acpi.oem, r->oem, 6);
    bool xsdt = r->revision >= 2 && r->xsdt && checksum_ok(r, r->length < 36 ? 36 : r->length);
    const struct sdt_header *root = table_at(xsdt ? r->xsdt : r->rsdt);
    if (!root)
        return -1;
    uint32_t entry = xsdt ? 8 : 4;
    root_phys = xsdt ? r->xsdt : r->rsdt;
    root_entry = entry;
    uint32_t n = (root->length - sizeof *root) / entry;
    const uint8_t *ents = (const uint8_t *)root + sizeof *root;
    for (uint32_t i = 0; i < n; i++) {
        uint64_t phys = 0;
        memcpy(&phys, ents + i * entry, entry);
        parse_table(phys);
    }
    return 0;
}

const void *acpi_find_table(const char sig[4], uint32_t *len_out)
{
    const struct sdt_header *root = root_phys ? table_at(root_phys) : NULL;
    if (!root)
        return NULL;
    uint32_t n = (root->length - sizeof *root) / root_entry;
    const uint8_t *ents = (const uint8_t *)root + sizeof *root;
    for (uint32_t i = 0; i < n; i++) {
        uint64_t phys = 0;
        memcpy(&phys, ents + i * root_entry, root_entry);
        const struct sdt_header *h = table_at(phys);
        if (h && memcmp(h->signature, sig, 4) == 0) {
            *len_out = h->length;
            return h;
        }
    }
    return NULL;
}

const struct acpi_info *acpi_get(void)
{
    return &acpi;
}

void acpi_isa_irq(uint8_t irq, uint32_t *gsi_out, uint16_t *flags_out)
{
    *gsi_out = irq;
    *flags_out = 0;
    for (uint32_t i = 0; i < acpi.iso_count; i++)
        if (acpi.isos[i].source == irq) {
            *gsi_out = acpi.isos[i].gsi;
            *flags_out = acpi.isos[i].flags;
        }
}

/* switches to ACPI mode if the firmware left the machine in legacy mode */
static void enter_acpi_mode(void)
{
    if (!(inw((uint16_t)acpi.pm1a_cnt) & PM1_SCI_EN) && acpi.smi_cmd && acpi.acpi_enable) {
        outb((uint16_t)acpi.smi_cmd, acpi.acpi_enable);
        for (int i = 0; i < 1000000 && !(inw((uint16_t)acpi.pm1a_cnt) & PM1_SCI_EN); i++)
            cpu_pause();
    }
}

int acpi_enable_power_button(void)
{
    if (!acpi.has_fadt || !acpi.pm1a_evt || acpi.pm1_evt_len < 4 || !acpi.pm1a_cnt)
        return -1;
    enter_acpi_mode();
    uint16_t status = (uint16_t)acpi.pm1a_evt, enable = (uint16_t)(acpi.pm1a_evt + acpi.pm1_evt_len / 2);
    outw(status, PM1_PWRBTN); /* clear a stale press (status bits clear on writing 1) */
    outw(enable, (uint16_t)(inw(enable) | PM1_PWRBTN));
    return 0;
}

bool acpi_sci(void)
{
    if (!acpi.pm1a_evt)
        return false;
    uint16_t status = (uint16_t)acpi.pm1a_evt;
    uint16_t s = inw(status);
    outw(status, s); /* acknowledge every event that is set */
    return s & PM1_PWRBTN;
}

void acpi_power_off(void)
{
    if (!acpi.has_fadt || !acpi.has_s5 || !acpi.pm1a_cnt)
        return;
    enter_acpi_mode();
    outw((uint16_t)acpi.pm1a_cnt, (uint16_t)((acpi.slp_typa << PM1_SLP_TYP_SHIFT) | PM1_SLP_EN));
    if (acpi.pm1b_cnt)
        outw((uint16_t)acpi.pm1b_cnt, (uint16_t)((acpi.slp_typb << PM1_SLP_TYP_SHIFT) | PM1_SLP_EN));
    for (volatile int i = 0; i < 10000000; i++)
        ;
}

void acpi_reset(void)
{
    if (!acpi.reset_supported)
        return;
    if (acpi.reset_space == 1)
        outb((uint16_t)acpi.reset_addr, acpi.reset_value);
    else if (acpi.reset_space == 0)
        *(volatile uint8_t *)phys_to_virt(acpi.reset_addr) = acpi.reset_value;
    for (volatile int i = 0; i < 10000000; i++)
        ;
}
