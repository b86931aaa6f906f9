/* kernel/proc/walos_net.h — the kernel side of the walos_net import module (the ABI is written down
 * in sdk/walos_net.h): ifaces, sockets, counters, echo.
 *
 * Every function returns a WASI errno (0 = success); guest pointers are checked against the caller's
 * memory (WASI_EFAULT). ifaces, sockets and counters never block; echo parks the calling process
 * (proc_block_until, WASM_BLOCK) until its reply arrives, its timeout passes or Ctrl-C, and is
 * retried by the scheduler with the same arguments. Everything reads the kernel's one stack
 * (kernel/net/netif_kernel.h) under the network lock. */
#ifndef KERNEL_PROC_WALOS_NET_H
#define KERNEL_PROC_WALOS_NET_H

#include "engine/wasm.h"

struct proc;

/* Defines the walos_net functions in l for process p (host_data = p, which outlives the store).
 * Returns WASM_OK or the linker's error. */
int walos_net_link(struct proc *p, wasm_linker *l);

#endif
