/* kernel/proc/walos_ext.h — the kernel side of the walos_proc and walos_svc import modules (the ABI
 * is written down in sdk/walos.h): spawn, wait, kill, list, pipe, sysinfo, power, getpid, preopen;
 * control (kernel/proc/svcmgr.h), send, listen, recv (kernel/proc/svcmsg.h); walos_ext_link also
 * links walos_net (kernel/proc/walos_net.h, ABI in sdk/walos_net.h).
 *
 * Every function returns a WASI errno (0 = success) except getpid; guest pointers are checked
 * against the caller's memory (WASI_EFAULT). A child receives only the fds its parent hands it, and
 * may use the network (sock_open, sock_getaddrinfo) only when its parent may. */
#ifndef KERNEL_PROC_WALOS_EXT_H
#define KERNEL_PROC_WALOS_EXT_H

#include "engine/wasm.h"

struct proc;

/* Defines the walos_proc and walos_svc functions in l for process p (host_data = p, which outlives the store).
 * Returns WASM_OK or the linker's error. */
int walos_ext_link(struct proc *p, wasm_linker *l);

#endif
