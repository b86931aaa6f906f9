/* kernel/proc/svcmgr.h — the service manager's kernel half: reads the unit files, starts services in
 * after= order, supervises them (restart with back-off), routes their output.
 *
 * Decisions come from the portable half: kernel/proc/unit.h parses each /etc/services/NAME.conf and
 * kernel/proc/svcpolicy.h orders them and decides restarts; this module carries the actions out with
 * kernel/proc/proc.h (spawn, kill, reap). A bad unit file is one log line ("svc: FILE:LINE: what;
 * skipped") and the other services still start. Every start, exit (with the status, or the trap
 * reason printed by proc.c) and restart is a "svc:" line on the console and in the kernel log;
 * a service's stdout/stderr go where its stdout= says (default /var/log/NAME.log, rotated past its
 * max= size when the service starts, keeping keep= old copies).
 *
 * Kernel command line (kernel/cmdline.h):
 *   svc=on            start services even on a test boot; a boot with none of the test switches
 *                     `exit`, `poweroff`, `reboot`, `test=`, `screenshot` always starts them,
 *   svc=off           never start them,
 *   svc.dir=PATH      read unit files from PATH instead of /etc/services,
 *   svc.time=SECONDS  with `exit`: supervise that long (default 5), then return to kmain.
 * Thread context only (the scheduler loop). */
#ifndef KERNEL_PROC_SVCMGR_H
#define KERNEL_PROC_SVCMGR_H

#include <stdbool.h>
#include <stdint.h>

/* Reads the unit files and starts the services; returns their number (0: none or switched off). */
int svcmgr_boot(void);
/* Called by the scheduler on every pass: reaps ended services, applies restarts whose back-off is
 * over. Returns true while a service is running or waiting to restart. */
bool svcmgr_poll(void);

/* walos_svc control (sdk/walos.h): cmd 0 list, 1 status, 2 start, 3 stop, 4 restart, 5 logs, on
 * service name (name_len bytes; ignored by list). Writes text into out (cut at out_len) and its
 * length to *n_out. Returns WASI_ESUCCESS, WASI_ENOENT (unknown service) or WASI_EINVAL (cmd).
 * Stop kills the process and reaps it before returning; never blocks otherwise. */
int svcmgr_control(uint32_t cmd, const char *name, uint32_t name_len, char *out, uint32_t out_len,
                   uint32_t *n_out);

#endif
