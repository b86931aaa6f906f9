/* kernel/cmdline.h — the kernel command line and its switches.
 *
 * The command line is bootinfo->cmdline (\walos\cmdline under UEFI, the GRUB `multiboot2` line
 * under BIOS) followed by the QEMU fw_cfg file "opt/walos/cmdline" when present, so that one shared
 * image serves every QEMU test (`-fw_cfg name=opt/walos/cmdline,string=...`). Words are separated
 * by spaces; a word is `key` or `key=value`. Switches the kernel knows:
 *
 *   test=fault     after boot, make a deliberate page fault (the exception report is the test)
 *   test=stackoverflow  after boot, recurse until the kernel stack's guard page is hit (the double
 *                  fault report on its IST stack is the test)
 *   test=panic     after boot, call panic() (the panic report with a backtrace is the test)
 *   test=selftest  run the kernel self-tests (heap, pmm, vmm guard, timer, irq, fpu, ...) and print
 *                  "selftest: N passed, N failed"
 *   exit           end QEMU after boot and tests through isa-debug-exit (port 0xf4): value 0x10 when
 *                  every test passed (QEMU exits 0x21), 0x11 after a failure, a panic or a fatal
 *                  exception (QEMU exits 0x23). Without the device the write does nothing.
 *   poweroff       clean ACPI power-off (S5) after boot and tests, disks synced first
 *   reboot         reboot after boot (ACPI reset register, then keyboard controller, then triple
 *                  fault), disks synced first
 *
 * Switches read by other modules (each documented where it is handled):
 *   run=PATH[,ARG...]  (repeatable) run programs at boot instead of the services (with the whole
 *                  root preopened and the network allowed), print
 *                  "proc: N passed, N failed"; expect=N  the exit status counted as a pass;
 *                  proc.mem=MIB  their memory limit; proc.repeat=N  run the set N times and
 *                  print frames/heap after each round (leak check); proc.bounds=check  explicit
 *                  bounds checks instead of guard-page memories (=alternate: odd rounds check,
 *                  even rounds guard, to compare their speed in one boot); proc.unparks=on
 *                  print how often each process was unparked as it ends (tests)
 *                                                                          (kernel/proc/proc.c)
 *   svc=on|off, svc.dir=PATH, svc.time=S  the service manager on test boots, another unit
 *                  directory, a supervision time limit                   (kernel/proc/svcmgr.c)
 *   test=storage-write|storage-read|storage-blk|storage-crash|storage-bench,
 *                  storage.crash_after=N  storage tests, power cut after N writes (kernel/storage.c)
 *   test=net-echo  the in-kernel HTTP/1.1 responder on port 80; never returns
 *                                                              (kernel/net/netif_test.c)
 *   net.ip=A.B.C.D/N[,GATEWAY]  a static address for the first NIC instead of DHCP
 *                                                              (kernel/net/netif_kernel.c)
 *   net.dns=A.B.C.D | net.dns=tcp:A.B.C.D  the DNS server (tcp: DNS over TCP, RFC 7766), instead of
 *                  the one DHCP offers                          (kernel/net/dns.c)
 *
 * Unknown words are ignored (tests use that to tag a boot, e.g. `screenshot`).
 * (the UEFI loader already puts the fw_cfg line into bootinfo->cmdline: it is appended only when
 * the boot command line does not contain it yet)
 *
 * cmdline_init runs once in early boot (not thread-safe); the queries after it are read-only. */
#ifndef KERNEL_CMDLINE_H
#define KERNEL_CMDLINE_H

#include <stdbool.h>
#include <stddef.h>

#define CMDLINE_MAX 1024
#define CMDLINE_FWCFG_FILE "opt/walos/cmdline"
#define CMDLINE_EXIT_PASS 0x10 /* isa-debug-exit values */
#define CMDLINE_EXIT_FAIL 0x11

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
