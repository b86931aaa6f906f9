/* kernel/arch/x86_64/ioapic.h — IOAPIC interrupt routing (and the legacy 8259 PICs, masked).
 *
 * ioapic_init remaps both 8259s out of the exception range and masks every line on them, maps each
 * IOAPIC the MADT lists (acpi.h) uncached and masks all their inputs. ioapic_route_isa sends ISA IRQ
 * `irq` — through the MADT's overrides to its GSI, polarity and trigger — to the boot CPU as vector
 * VEC_IRQ_BASE + GSI, with `handler` installed there (trap.h). The handler must call apic_eoi().
 * PCI INTx lines use ioapic_route_gsi with the polarity/trigger the firmware's routing gives
 * (level, active low). Init at boot with interrupts off; routing calls are IRQ-safe. */
#ifndef KERNEL_ARCH_X86_64_IOAPIC_H
#define KERNEL_ARCH_X86_64_IOAPIC_H

#include <stdint.h>
#include <stdbool.h>
#include "kernel/arch/x86_64/trap.h"

/* returns the number of IOAPICs set up (0: none, device IRQs unavailable) */
int ioapic_init(void);
/* returns the vector used, or -1 when no IOAPIC serves the line */
int ioapic_route_isa(uint8_t irq, trap_handler handler);
int ioapic_route_gsi(uint32_t gsi, bool level, bool active_low, trap_handler handler);
/* masks or unmasks a GSI */
void ioapic_mask(uint32_t gsi, bool masked);

#endif
