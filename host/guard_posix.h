/* host/guard_posix.h — guard-page mode on POSIX: a fault in a memory's guard region becomes a trap.
 *
 * Wraps wasm_exec_call / wasm_exec_resume for execs of a store created with limits.guard_pages
 * (engine/wasm.h "linear memories"). The first use installs SIGSEGV and SIGBUS handlers (once per
 * process); while a wrapped call runs on this thread, a fault the engine recognises
 * (wasm_exec_fault_in_guard) is recorded as the trap "out of bounds memory access" and the handler
 * siglongjmps back here, so the call returns WASM_TRAP exactly like an explicit check's trap. Any
 * other fault goes to the handler that was installed before (or the default action: the process
 * dies as it would have). Execs of checked stores can go through these wrappers too (no cost beyond
 * one sigsetjmp per call). Nested wrapped calls on one thread are allowed. */
#ifndef HOST_GUARD_POSIX_H
#define HOST_GUARD_POSIX_H

#include <stdint.h>

#include "engine/wasm.h"

int guard_exec_call(wasm_exec *e, wasm_func *f, const uint64_t *args);
int guard_exec_resume(wasm_exec *e);
/* faults turned into traps so far (tests) */
unsigned long guard_fault_count(void);

#endif
