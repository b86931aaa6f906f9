/* host/platform_posix_priv.h — shared by the files of the POSIX platform backend (host/). */
#ifndef HOST_PLATFORM_POSIX_PRIV_H
#define HOST_PLATFORM_POSIX_PRIV_H

#include <stdbool.h>

/* The WASI errno for a host errno value (unknown ones: WASI_EIO). */
int posix_wasi_errno(int host_errno);
/* The stress knob (WALOS_RUN_STRESS_BLOCK): true on every other call when set. */
bool posix_stress_block(void);

#endif
