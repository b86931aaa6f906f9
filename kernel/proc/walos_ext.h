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

#include <stdbool.h>
#include <stdint.h>

#include "engine/wasm.h"

struct proc;

/* Defines the walos_proc and walos_svc functions in l for process p (host_data = p, which outlives the store).
 * Returns WASM_OK or the linker's error. */
int walos_ext_link(struct proc *p, wasm_linker *l);

/* The guest arguments (buf, buf_len, count_out) of a call that lists fixed-size records (walos_proc
 * list, walos_net ifaces and sockets): the records that fit are written, count_out gets how many
 * there are, so a caller with too small a buffer learns the size it needs. */
struct ext_records {
    uint8_t *buf;
    uint8_t *count_out;
    uint32_t fit;       /* records of rec_bytes that fit in buf */
    uint32_t rec_bytes;
    uint32_t count;     /* records offered so far */
};
/* Checks the guest ranges of slots[0..2]; false when one is outside memory (WASI_EFAULT). */
bool ext_records_begin(struct ext_records *r, const uint64_t *slots, uint8_t *mem, uint64_t mem_size,
                       uint32_t rec_bytes);
/* Where the next record goes, or NULL when it does not fit; counts it either way. */
uint8_t *ext_records_next(struct ext_records *r);
/* Writes the count to count_out. */
void ext_records_end(struct ext_records *r);

#endif
