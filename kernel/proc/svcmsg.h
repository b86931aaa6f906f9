/* kernel/proc/svcmsg.h — named message endpoints between processes (walos_svc send/listen/recv,
 * sdk/walos.h).
 *
 * An endpoint is a name (1..SVCMSG_NAME_MAX-1 bytes) owned by one process, with a bounded queue of
 * SVCMSG_QUEUE messages of up to SVCMSG_MSG_MAX bytes each. send copies the message into a kernel
 * buffer (one copy in, one copy out at recv: the guest memories are separate). An endpoint whose
 * owner has ended is free again (its queue is dropped). Never blocks; recv reports WASI_EAGAIN and
 * the caller parks (kernel/proc/walos_ext.c). */
#ifndef KERNEL_PROC_SVCMSG_H
#define KERNEL_PROC_SVCMSG_H

#include <stdint.h>

#define SVCMSG_NAME_MAX 64
#define SVCMSG_QUEUE 16
#define SVCMSG_MSG_MAX (64u * 1024)
#define SVCMSG_ENDPOINTS 32

/* pid becomes the owner of name: WASI_ESUCCESS, WASI_EADDRINUSE (a live process owns it),
 * WASI_EINVAL (bad name), WASI_ENOSPC (no free endpoint). */
int svcmsg_listen(int pid, const char *name, uint32_t len);
/* Queues a copy: WASI_ESUCCESS, WASI_ENOENT (nobody listens), WASI_EAGAIN (queue full),
 * WASI_EMSGSIZE (over SVCMSG_MSG_MAX), WASI_ENOMEM. */
int svcmsg_send(const char *name, uint32_t len, const void *msg, uint32_t msg_len);
/* Takes the oldest message of pid's endpoint into buf: WASI_ESUCCESS with *n_out, WASI_EAGAIN (empty),
 * WASI_EMSGSIZE (longer than cap: kept, *n_out = its length), WASI_ENOENT (pid does not own name). */
int svcmsg_recv(int pid, const char *name, uint32_t len, void *buf, uint32_t cap, uint32_t *n_out);

#endif
