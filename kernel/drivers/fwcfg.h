/* kernel/drivers/fwcfg.h — QEMU's fw_cfg device through its legacy I/O ports (0x510 selector,
 * 0x511 data). Absent on real hardware: fwcfg_present says so by the "QEMU" signature, and the
 * other calls then fail cleanly. Polled, no state; not for IRQ context (slow port I/O). */
#ifndef KERNEL_DRIVERS_FWCFG_H
#define KERNEL_DRIVERS_FWCFG_H

#include <stddef.h>
#include <stdbool.h>

bool fwcfg_present(void);
/* Reads the fw_cfg file `name` (e.g. "opt/walos/cmdline") into buf, at most size bytes.
 * Returns the file's full size (may exceed size: the rest is not read), or -1 if there is no such
 * file or no fw_cfg. */
long fwcfg_read_file(const char *name, void *buf, size_t size);

#endif
