/* kernel/proc/proc.c — the process table, spawn, exit, and the round-robin scheduler (contract in
 * kernel/proc/proc.h).
 *
 * Below: engine/wasm.h (load, instantiate, resumable exec), wasi/wasi.h (the WASI context and its
 * imports), kernel/proc/handle.h (handles; the platform calls run on proc_current()'s table),
 * kernel/proc/walos_ext.h (the walos_proc import module), the VFS (reading the .wasm file).
 * Above: kmain calls proc_boot once; the service manager will spawn through proc_spawn.
 *
 * Scheduling state lives in `sched`: the current process, the event counter blocked processes
 * compare against, and the round-robin cursor. The LAPIC timer's tick hook (sched_tick, IRQ context)
 * only sets the running exec's interrupt flag; everything else runs in thread context.
 *
 * Linear memories are guard-page reservations by default (engine/wasm.h "linear memories"; the
 * kernel switch proc.bounds=check turns explicit checks back on): a load or store past a memory
 * faults (#PF) inside an engine handler, proc_page_fault records the engine's trap and resumes
 * run_slice at its trap_catch (kernel/arch/x86_64/trap.h), which ends the process like any trap.
 * Why abandoning the handler is safe: only exec_op_* code is accepted (ksyms), and those hold no
 * lock, allocate nothing and leave the exec consistent between instructions; the interrupt flag
 * comes back from the RFLAGS saved when the catch was armed (on: the tick keeps running); the
 * FPU/SSE registers are the engine's scratch (isr.S restores them as the fault left them) and
 * the engine never changes MXCSR or the x87 control word; single CPU, so one catch. */
#include "kernel/proc/proc.h"

#include "kernel/arch/x86_64/apic.h"
#include "kernel/arch/x86_64/cpu.h"
#include "kernel/arch/x86_64/timer.h"
#include "kernel/arch/x86_64/trap.h"
#include "kernel/cmdline.h"
#include "kernel/fs/vfs.h"
#include "kernel/ksyms.h"
#include "kernel/lib/stdlib.h"
#include "kernel/lib/string.h"
#include "kernel/mm/heap.h"
#include "kernel/mm/memlayout.h"
#include "kernel/mm/pmm.h"
#include "kernel/printk.h"
#include "kernel/proc/handle.h"
#include "kernel/proc/svcmgr.h"
#include "kernel/proc/walos_ext.h"

#define SLICE_TICKS 1              /* ticks of the 100 Hz timer per time slice */
#define EXEC_STACK_SLOTS (256u << 10) /* 2 MiB value stack per process */
#define EXEC_CALL_DEPTH 20000
#define MODULE_MAX_BYTES (64u << 20)
#define RUN_MAX 16                 /* `run=` switches at boot */

static struct {
    struct proc procs[PROC_MAX];
    struct proc *current;
    volatile uint32_t *flag;       /* the running exec's interrupt flag (set by the tick) */
    volatile uint64_t ticks;       /* ticks seen by sched_tick */
    uint64_t events;               /* bumped by proc_event */
    int next_pid;
    int cursor;                    /* round robin: the slot after the last one run */
    bool tick_installed;
    bool explicit_checks;          /* proc.bounds=check: no guard-page memories */
    struct trap_catch catch;       /* armed by run_slice while the engine runs */
    volatile bool catch_armed;
    unsigned long guard_traps;     /* faults turned into traps */
    bool (*poll_hooks[PROC_POLL_HOOKS])(void); /* service supervision, network timers, ... */
} sched;

int proc_add_poll_hook(bool (*hook)(void))
{
    for (int i = 0; i < PROC_POLL_HOOKS; i++)
        if (!sched.poll_hooks[i] || sched.poll_hooks[i] == hook) {
            sched.poll_hooks[i] = hook;
            return 0;
        }
    return -1;
}

/* runs every poll hook; true when one of them still has work */
static bool run_poll_hooks(void)
{
    bool busy = false;
    for (int i = 0; i < PROC_POLL_HOOKS && sched.poll_hooks[i]; i++)
        busy |= sched.poll_hooks[i]();
    return busy;
}

struct proc *proc_current(void) { return sched.current; }

/* the table starts zeroed, and zero is PROC_RUNNING (the ABI's numbering): mark the slots free once */
static void table_init(void)
{
    static bool done;
    if (done)
        return;
    for (int i = 0; i < PROC_MAX; i++)
        sched.procs[i].state = PROC_FREE;
    sched.explicit_checks = cmdline_is("proc.bounds", "check");
    done = true;
}

struct proc *proc_get(int pid)
{
    table_init();
    for (int i = 0; i < PROC_MAX; i++)
        if (sched.procs[i].state != PROC_FREE && sched.procs[i].pid == pid)
            return &sched.procs[i];
    return NULL;
}

void proc_event(void) { sched.events++; }

void proc_wake(struct proc *p)
{
    if (p)
        p->wakes++;
}

int proc_max_pid(void) { return sched.next_pid; }

void proc_block_until(uint64_t deadline_ns)
{
    struct proc *p = sched.current;
    if (!p)
        return;
    if (deadline_ns < p->deadline)
        p->deadline = deadline_ns;
    p->block_events = sched.events;
    p->block_wakes = p->wakes;
}

/* the timer's tick hook (IRQ context): ask the running exec to yield at its next safepoint */
static void sched_tick(uint64_t ticks)
{
    (void)ticks;
    sched.ticks++;
    volatile uint32_t *flag = sched.flag;
    if (flag && sched.ticks % SLICE_TICKS == 0)
        *flag = 1;
}

/* whether rip is inside one of the engine's instruction handlers (exec_op_*): the only code that
 * touches a guard region, holding no lock and owning nothing, so it can be abandoned */
static bool in_engine_handler(uint64_t rip)
{
    uint64_t off;
    const char *name = ksyms_lookup(rip, &off);
    return name && !strncmp(name, "exec_op_", 8);
}

/* #PF: a wasm load/store past its memory (guard-page mode) traps the running process; anything
 * else is a kernel bug */
static void proc_page_fault(struct trap_frame *f)
{
    struct proc *p = sched.current;
    uint64_t addr = read_cr2();
    if (sched.catch_armed && p && p->exec && in_engine_handler(f->rip) &&
        wasm_exec_fault_in_guard(p->exec, addr)) {
        wasm_exec_fault_trap(p->exec, f->rdi);  /* rdi: the handler's ip argument (a hint) */
        sched.guard_traps++;
        sched.catch_armed = false;
        trap_catch_resume(f, &sched.catch);
        return;
    }
    trap_report_and_halt(f, "in kernel");
}

/* ---- spawn ---------------------------------------------------------------------------------- */

static int read_file(struct vfs_node *dir, const char *path, uint8_t **bytes_out, size_t *len_out)
{
    struct vfs_node *root = dir ? dir : vfs_root(), *node = NULL;
    if (!root)
        return WASI_ENOENT;
    int err = vfs_resolve(root, path, &node);
    if (!dir)
        vfs_node_release(root);
    if (err)
        return err;
    struct vfs_stat st;
    struct vfs_file *f = NULL;
    uint8_t *buf = NULL;
    if ((err = vfs_stat(node, &st)) != 0)
        goto out;
    if (st.type != VFS_FILE) {
        err = st.type == VFS_DIR ? WASI_EISDIR : WASI_ENOEXEC;
        goto out;
    }
    if (st.size > MODULE_MAX_BYTES) {
        err = WASI_EFBIG;
        goto out;
    }
    if ((err = vfs_open(node, VFS_O_READ, &f)) != 0)
        goto out;
    buf = kmalloc(st.size ? st.size : 1);
    size_t done = 0;
    if (!buf)
        err = WASI_ENOMEM;
    else if ((err = vfs_read(f, buf, st.size, &done)) == 0 && done != st.size)
        err = WASI_EIO;
    vfs_close(f);
    if (!err) {
        *bytes_out = buf;
        *len_out = st.size;
        buf = NULL;
    }
out:
    kfree(buf);
    vfs_node_release(node);
    return err;
}

static void proc_free_resources(struct proc *p)
{
    struct proc *saved = sched.current;
    /* handles close against p's table, wasi_ctx_free's fd closes included: with the caller's table
     * current, killing a child (walos_proc kill, Ctrl-C) closed the killer's own handles of the
     * same numbers (the shell lost its "/" preopen: shell-ctrlc.test) */
    sched.current = p;
    handle_close_all(p);
    if (p->exec)
        wasm_exec_free(p->exec);
    if (p->store)
        wasm_store_free(p->store);
    if (p->wasi)
        wasi_ctx_free(p->wasi);
    sched.current = saved;
    if (p->module)
        wasm_module_free(p->module);
    kfree(p->image);
    p->exec = NULL;
    p->store = NULL;
    p->wasi = NULL;
    p->module = NULL;
    p->image = NULL;
}

static void set_name(struct proc *p, const char *path)
{
    const char *base = path;
    for (const char *s = path; *s; s++)
        if (*s == '/')
            base = s + 1;
    size_t n = strlen(base);
    if (n >= PROC_NAME_MAX)
        n = PROC_NAME_MAX - 1;
    memcpy(p->name, base, n);
    p->name[n] = 0;
}

static plat_handle stdio_handle(struct proc *child, const struct proc_spawn_args *a, int i)
{
    if (a->stdio[i] == -2)
        return PLAT_NO_HANDLE;
    if (a->stdio[i] < 0)
        return handle_console(child);
    return handle_dup(child, a->parent, a->stdio[i]);
}

int proc_spawn(const struct proc_spawn_args *a)
{
    table_init();
    struct proc *p = NULL;
    for (int i = 0; i < PROC_MAX && !p; i++)
        if (sched.procs[i].state == PROC_FREE)
            p = &sched.procs[i];
    if (!p) {
        printk("proc: spawn %s: process table full\n", a->path);
        return -WASI_EAGAIN;
    }
    memset(p, 0, sizeof *p);
    p->state = PROC_FREE;
    p->pid = ++sched.next_pid;
    p->ppid = a->parent ? a->parent->pid : 0;
    p->spawn_interrupts = handle_console_interrupts();
    p->deadline = PROC_NO_DEADLINE;
    set_name(p, a->path);

    size_t len = 0;
    struct wasm_error err = {0};
    struct proc *saved = sched.current;
    int rc = read_file(a->dir, a->path, &p->image, &len);
    if (rc) {
        printk("proc: spawn %s: cannot read it (WASI errno %d)\n", a->path, rc);
        goto fail;
    }
    if (wasm_module_load(p->image, len, NULL, &p->module, &err) != WASM_OK) {
        printk("proc: spawn %s: %s\n", a->path, err.message);
        rc = WASI_ENOEXEC;
        goto fail;
    }
    rc = WASI_ENOMEM;
    /* platform calls made while setting the context up (wasi_ctx_set_stdio stats its handles) act
     * on the current process's table: p's */
    saved = sched.current;
    sched.current = p;
    p->wasi = wasi_ctx_new(a->argc, a->argv, a->envc, a->env);
    if (!p->wasi)
        goto fail;
    plat_handle io[3];
    for (int i = 0; i < 3; i++)
        io[i] = stdio_handle(p, a, i);
    if (wasi_ctx_set_stdio(p->wasi, io[0], io[1], io[2]) != WASI_ESUCCESS)
        goto fail;
    wasi_ctx_allow_net(p->wasi, a->allow_net);
    if (a->preopen_root) {
        plat_handle root = handle_open_dir(p, "/");
        if (root < 0 || wasi_ctx_preopen_dir(p->wasi, root, "/") < 0)
            goto fail;
    }
    struct wasm_limits limits = {
        .max_memory_pages = a->max_memory_pages ? a->max_memory_pages : PROC_DEFAULT_MEMORY_PAGES,
        .value_stack_slots = EXEC_STACK_SLOTS,
        .call_depth = EXEC_CALL_DEPTH,
        .fuel = a->fuel,
        .guard_pages = !sched.explicit_checks,
    };
    p->store = wasm_store_new(&limits);
    wasm_linker *l = p->store ? wasm_linker_new(p->store) : NULL;
    if (!l || wasi_link(p->wasi, l) != WASM_OK || walos_ext_link(p, l) != WASM_OK)
        goto fail;
    wasm_store_set_userdata(p->store, p);
    int irc = wasm_linker_instantiate(l, p->module, &p->instance, &err);
    if (irc != WASM_OK) {
        printk("proc: spawn %s: %s\n", a->path, err.message);
        rc = irc == WASM_ERR_NOMEM ? WASI_ENOMEM : WASI_ENOEXEC;
        goto fail;
    }
    p->start = wasm_instance_start_func(p->instance);
    p->entry = wasm_instance_func(p->instance, "_start");
    if (!p->entry) {
        printk("proc: spawn %s: no exported function \"_start\" (not a WASI command)\n", a->path);
        rc = WASI_ENOEXEC;
        goto fail;
    }
    if (!(p->exec = wasm_exec_new(p->store)))
        goto fail;
    sched.current = saved;
    p->state = PROC_READY;
    return p->pid;
fail:
    sched.current = saved;
    proc_free_resources(p);
    p->state = PROC_FREE;
    return -rc;
}

/* ---- exit ------------------------------------------------------------------------------------- */

static void proc_exit(struct proc *p, int32_t status)
{
    if (cmdline_is("proc.unparks", "on")) /* tests of targeted wake-ups (net-sock-wake) */
        printk("proc: pid %d (%s) unparked %lu times (%lu by proc_wake alone)\n", p->pid, p->name, p->unparks,
               p->unparks_wake);
    p->status = status;
    p->state = PROC_ZOMBIE;
    proc_free_resources(p);
    /* orphans are adopted by the kernel (ppid 0) */
    for (int i = 0; i < PROC_MAX; i++)
        if (sched.procs[i].state != PROC_FREE && sched.procs[i].ppid == p->pid)
            sched.procs[i].ppid = 0;
    proc_event();
}

void proc_kill(struct proc *p, int32_t status)
{
    if (p->state == PROC_ZOMBIE || p->state == PROC_FREE)
        return;
    printk("proc: pid %d (%s) killed\n", p->pid, p->name);
    if (p == sched.current) { /* its exec is on the C stack: end it once the engine returns */
        p->kill_pending = true;
        p->kill_status = status;
        *wasm_exec_interrupt_flag(p->exec) = 1;
        return;
    }
    proc_exit(p, status);
}

void proc_reap(struct proc *p)
{
    if (p->state == PROC_ZOMBIE)
        p->state = PROC_FREE;
}

static void report_trap(struct proc *p)
{
    const char *msg = wasm_exec_trap_message(p->exec);
    printk("proc: pid %d (%s) trapped: %s\n", p->pid, p->name, msg);
    size_t len = strlen(msg) < sizeof p->reason - 1 ? strlen(msg) : sizeof p->reason - 1;
    memcpy(p->reason, msg, len);
    p->reason[len] = 0;
    struct wasm_frame_info frames[8];
    uint32_t n = wasm_exec_backtrace(p->exec, frames, 8);
    for (uint32_t i = 0; i < n; i++)
        printk("  #%u func[%u] %s (code offset 0x%x)\n", i, frames[i].func_index,
               frames[i].func_name && frames[i].func_name[0] ? frames[i].func_name : "<unnamed>",
               frames[i].code_offset);
}

/* ---- the scheduler -------------------------------------------------------------------------- */

/* Runs p for one slice and handles how it stopped. */
static void run_slice(struct proc *p)
{
    sched.current = p;
    p->state = PROC_RUNNING;
    p->deadline = PROC_NO_DEADLINE;
    volatile uint32_t *flag = wasm_exec_interrupt_flag(p->exec);
    *flag = 0;
    sched.flag = flag;
    uint64_t t0 = timer_ns();
    volatile int rc = WASM_TRAP;
    if (trap_catch_arm(&sched.catch) == 0) {
        sched.catch_armed = true;
        if (p->phase == 0) {
            p->phase = p->start ? 1 : 2;
            rc = wasm_exec_call(p->exec, p->start ? p->start : p->entry, NULL);
        } else {
            rc = wasm_exec_resume(p->exec);
        }
        if (rc == WASM_OK && p->phase == 1) { /* the start function returned: on to _start */
            p->phase = 2;
            rc = wasm_exec_call(p->exec, p->entry, NULL);
        }
    } /* else: proc_page_fault resumed here after recording the trap (rc stays WASM_TRAP) */
    sched.catch_armed = false;
    sched.flag = NULL;
    p->cpu_ns += timer_ns() - t0;
    sched.current = NULL;
    if (p->kill_pending) {
        proc_exit(p, p->kill_status);
        return;
    }
    switch (rc) {
    case WASM_YIELD: p->state = PROC_READY; break;
    case WASM_BLOCK: p->state = PROC_BLOCKED; break;
    case WASM_OK: proc_exit(p, 0); break;
    case WASM_EXIT: proc_exit(p, wasm_exec_exit_status(p->exec)); break;
    case WASM_TRAP:
        report_trap(p);
        proc_exit(p, PROC_STATUS_TRAP);
        break;
    default:
        printk("proc: pid %d (%s): engine error %d\n", p->pid, p->name, rc);
        proc_exit(p, PROC_STATUS_TRAP);
        break;
    }
}

/* Blocked processes whose deadline passed or that saw an event become ready. */
static void wake_blocked(void)
{
    uint64_t now = timer_ns();
    for (int i = 0; i < PROC_MAX; i++) {
        struct proc *p = &sched.procs[i];
        if (p->state == PROC_BLOCKED &&
            (now >= p->deadline || p->block_events != sched.events || p->block_wakes != p->wakes)) {
            p->state = PROC_READY;
            p->unparks++;
            if (now < p->deadline && p->block_events == sched.events)
                p->unparks_wake++;
        }
    }
}

static struct proc *pick_next(void)
{
    for (int k = 0; k < PROC_MAX; k++) {
        int i = (sched.cursor + k) % PROC_MAX;
        if (sched.procs[i].state == PROC_READY) {
            sched.cursor = (i + 1) % PROC_MAX;
            return &sched.procs[i];
        }
    }
    return NULL;
}

static bool any_live(void)
{
    for (int i = 0; i < PROC_MAX; i++)
        if (sched.procs[i].state <= PROC_BLOCKED)
            return true;
    return false;
}

/* One scheduling step: returns false when nothing is alive. */
static bool sched_step(void)
{
    cli();
    if (handle_console_pump())
        proc_event();
    sti();
    bool hook_busy = run_poll_hooks();
    wake_blocked();
    struct proc *p = pick_next();
    if (p) {
        run_slice(p);
        return true;
    }
    if (!any_live() && !hook_busy)
        return false;
    cli();
    if (!handle_console_pump())
        sti_hlt(); /* idle until the next interrupt (tick or input) */
    else
        proc_event();
    sti();
    return true;
}

static void install_tick(void)
{
    table_init();
    if (sched.tick_installed)
        return;
    timer_set_tick_hook(sched_tick);
    trap_set_handler(VEC_PAGE_FAULT, proc_page_fault);
    sched.tick_installed = true;
}

void proc_run(uint64_t until_ns)
{
    install_tick();
    while (timer_ns() < until_ns && sched_step()) {
    }
}

/* Runs until pid has ended; returns its status (and reaps it). */
int proc_run_until_exit(int pid)
{
    install_tick();
    struct proc *p = proc_get(pid);
    while (p && p->state != PROC_ZOMBIE && sched_step()) {
    }
    int32_t status = p ? p->status : -1;
    if (p)
        proc_reap(p);
    return status;
}

/* ---- boot switches ------------------------------------------------------------------------------ */

/* Splits "path,arg,arg" (in place) into argv; returns argc. */
static int split_args(char *s, const char **argv, int max)
{
    int n = 0;
    argv[n++] = s;
    for (; *s && n < max; s++)
        if (*s == ',') {
            *s = 0;
            argv[n++] = s + 1;
        }
    return n;
}

/* One round of the `run=` switches: spawns them all, runs until all ended, reports each; returns
 * the number of programs, and adds the failures to *failures. */
static int boot_round(const char *line, uint32_t mem_pages, int want, int *failures)
{
    static char words[RUN_MAX][128];
    int pids[RUN_MAX], nrun = 0;
    for (const char *s = line; *s && nrun < RUN_MAX;) {
        while (*s == ' ')
            s++;
        const char *e = s;
        while (*e && *e != ' ')
            e++;
        if (e - s > 4 && !strncmp(s, "run=", 4) && (size_t)(e - s - 4) < sizeof words[0]) {
            memcpy(words[nrun], s + 4, (size_t)(e - s - 4));
            words[nrun][e - s - 4] = 0;
            const char *argv[16];
            int argc = split_args(words[nrun], argv, 16);
            struct proc_spawn_args a = {.path = argv[0], .argc = argc, .argv = argv,
                                        .stdio = {-1, -1, -1}, .preopen_root = true,
                                        /* run= comes from whoever controls the boot: root's
                                           files and the network */
                                        .allow_net = true, .max_memory_pages = mem_pages};
            uint64_t t0 = timer_ns();
            int pid = proc_spawn(&a);
            if (pid < 0) {
                (*failures)++;
            } else {
                printk("proc: started pid %d: %s (spawn %lu us)\n", pid, argv[0],
                       (unsigned long)((timer_ns() - t0) / 1000));
            }
            pids[nrun++] = pid;
        }
        s = e;
    }
    if (!nrun)
        return 0;
    proc_run(UINT64_MAX);
    for (int i = 0; i < PROC_MAX; i++) {
        struct proc *p = &sched.procs[i];
        if (p->state != PROC_ZOMBIE)
            continue;
        bool ours = false;
        for (int k = 0; k < nrun; k++)
            ours |= pids[k] == p->pid;
        printk("proc: pid %d (%s) exited with status %d, cpu %lu ms\n", p->pid, p->name, p->status,
               p->cpu_ns / 1000000);
        if (ours && p->status != want)
            (*failures)++;
        proc_reap(p);
    }
    return nrun;
}

int proc_boot(void)
{
    const char *line = cmdline_get();
    char val[16];
    uint32_t mem_pages = cmdline_value("proc.mem", val, sizeof val) ? (uint32_t)strtol(val, NULL, 10) * 16 : 0;
    int want = cmdline_value("expect", val, sizeof val) ? (int)strtol(val, NULL, 10) : 0;
    /* proc.repeat=N runs the whole set N times and prints the free page frames after each round:
     * from the second round on, the count must not move (nothing leaks per process) */
    int rounds = cmdline_value("proc.repeat", val, sizeof val) ? (int)strtol(val, NULL, 10) : 1;
    int total = 0, failures = 0;
    uint64_t ticks0 = timer_ticks();
    /* proc.bounds=alternate (measurement): odd rounds explicit checks, even rounds guard pages */
    bool alternate = cmdline_is("proc.bounds", "alternate");
    for (int r = 1; r <= (rounds > 0 ? rounds : 1); r++) {
        if (alternate) {
            sched.explicit_checks = r % 2;
            printk("proc: round %d: %s\n", r, r % 2 ? "explicit bounds checks" : "guard pages");
        }
        int n = boot_round(line, mem_pages, want, &failures);
        if (!n)
            break;
        total += n;
        if (rounds > 1) {   /* heap arenas are never given back: count them as free frames */
            struct heap_stats hs;
            heap_get_stats(&hs);
            printk("proc: round %d: %lu frames outside the heap, heap %lu bytes in use, "
                   "%lu guard traps\n", r,
                   (unsigned long)(pmm_free_pages() + hs.bytes_total / PAGE_SIZE),
                   (unsigned long)hs.bytes_used, sched.guard_traps);
        }
    }
    if (!total) {
        svcmgr_boot(); /* no run= switch: the services (until power-off, or svc.time with exit) */
        return 0;
    }
    printk("proc: %lu timer ticks while processes ran\n", (unsigned long)(timer_ticks() - ticks0));
    printk("proc: %d passed, %d failed\n", total - failures, failures);
    return failures;
}
