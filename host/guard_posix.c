/* host/guard_posix.c — SIGSEGV/SIGBUS to wasm trap for guard-page memories (contract in
 * guard_posix.h). The handler runs with SA_NODEFER, so siglongjmp out of it leaves the signal mask
 * as it was and sigsetjmp need not save it (no system call per wrapped call). Unwinding out of the
 * engine is safe: a guard fault comes from a load/store handler, which holds no lock and keeps the
 * exec consistent (engine/wasm.h). */
#include "host/guard_posix.h"

#include <setjmp.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <ucontext.h>

struct guard_frame {
    wasm_exec *exec;
    sigjmp_buf jb;
    struct guard_frame *outer;
};

static _Thread_local struct guard_frame *current;
static struct sigaction previous[2];   /* SIGSEGV, SIGBUS before ours */
static volatile unsigned long faults;
static bool installed;

static void on_fault(int sig, siginfo_t *info, void *uctx)
{
    struct guard_frame *g = current;
    if (g && wasm_exec_fault_in_guard(g->exec, (uintptr_t)info->si_addr)) {
        uintptr_t ip_hint = 0;
#if defined(__x86_64__) && defined(REG_RDI)
        ip_hint = (uintptr_t)((ucontext_t *)uctx)->uc_mcontext.gregs[REG_RDI];
#endif
        wasm_exec_fault_trap(g->exec, ip_hint);
        faults++;
        siglongjmp(g->jb, 1);
    }
    /* not ours: whoever handled it before, or the default action when we return and it recurs */
    struct sigaction *old = &previous[sig == SIGBUS];
    if ((old->sa_flags & SA_SIGINFO) && old->sa_sigaction) {
        old->sa_sigaction(sig, info, uctx);
        return;
    }
    if (old->sa_handler != SIG_DFL && old->sa_handler != SIG_IGN && old->sa_handler != SIG_ERR) {
        old->sa_handler(sig);
        return;
    }
    signal(sig, SIG_DFL);
}

static void install(void)
{
    if (installed)
        return;
    struct sigaction sa = {0};
    sa.sa_sigaction = on_fault;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER | SA_ONSTACK;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGSEGV, &sa, &previous[0]);
    sigaction(SIGBUS, &sa, &previous[1]);
    installed = true;
}

/* resume == false: wasm_exec_call(e, f, args); true: wasm_exec_resume(e) */
static int guarded(wasm_exec *e, wasm_func *f, const uint64_t *args, bool resume)
{
    install();
    struct guard_frame g = { .exec = e, .outer = current };
    current = &g;
    int rc;
    if (sigsetjmp(g.jb, 0) == 0)
        rc = resume ? wasm_exec_resume(e) : wasm_exec_call(e, f, args);
    else
        rc = WASM_TRAP;    /* the handler recorded the trap */
    current = g.outer;
    return rc;
}

int guard_exec_call(wasm_exec *e, wasm_func *f, const uint64_t *args)
{
    return guarded(e, f, args, false);
}

int guard_exec_resume(wasm_exec *e)
{
    return guarded(e, NULL, NULL, true);
}

unsigned long guard_fault_count(void) { return faults; }
