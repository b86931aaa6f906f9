/* kernel/cmdline.h — the kernel command line and its switches.
 *
 * The command line is bootinfo->cmdline (\walos\cmdline under UEFI, the GRUB `multiboot2` line
 * under BIOS) followed by the QEMU fw_cfg file "opt/walos/cmdline" when present, so that one shared
 * image serves every QEMU test (`-fw_cfg name=opt/walos/cmdline,string=...`). Words are separated
 * by spaces; a word is `key` or `key=value`. Switches the kernel knows:
 *
 *   test=fault     after boot, make a deliberate page fault (the exception report is the test)
 *   test=selftest  run the kernel self-tests (heap, pmm, vmm guard, timer, irq, fpu, ...) and print
 *                  "selftest: N passed, N failed"
 *   exit           power off after boot (and after the tests): isa-debug-exit port 0xf4 when the
 *                  test runner gave QEMU that device, else ACPI S5
 *   reboot         reboot after boot (ACPI reset register, then keyboard controller, then triple fault)
 *   exitcode=N     value written to isa-debug-exit (QEMU exits with 2N+1); default 0 when all tests
 *                  passed, 1 otherwise
 *
 * cmdline_init runs once in early boot (not thread-safe); the queries after it are read-only. */
#ifndef KERNEL_CMDLINE_H
#define KERNEL_CMDLINE_H

#include <stdbool.h>
#include <stddef.h>

#define CMDLINE_MAX 1024
#define CMDLINE_FWCFG_FILE "opt/walos/cmdline"

/* copies boot_cmdline (may be NULL) and appends the fw_cfg command line if there is one */
void cmdline_init(const char *boot_cmdline);
/* the whole command line (never NULL) */
const char *cmdline_get(void);
/* whether a word `key` or `key=...` is present */
bool cmdline_has(const char *key);
/* whether `key=value` is present (a key may appear several times, as test= does) */
bool cmdline_is(const char *key, const char *value);
/* copies the first value of `key=` into buf (NUL-terminated, truncated to size); false if absent */
bool cmdline_value(const char *key, char *buf, size_t size);

#endif
