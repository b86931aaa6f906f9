/* kernel/proc/svcmgr.c — the service manager's kernel half (contract in kernel/proc/svcmgr.h).
 *
 * Below: kernel/proc/unit.h (parsing) and kernel/proc/svcpolicy.h (order and restart decisions), both
 * portable and host-tested; kernel/proc/proc.h (processes); kernel/proc/handle.h (log files,
 * preopens); kernel/proc/platform_kernel_sock.h (the listening sockets of socket activation); the VFS
 * (reading the unit directory, rotating logs).
 * State: `svc`, one entry per parsed unit with its policy, current pid and listening sockets.
 *
 * Socket activation: each listen=tcp:PORT is opened once, when the unit is loaded, as a handle in the
 * kernel's own table that the manager keeps for good; every start duplicates it into the new process
 * (wasi_ctx_preopen_socket) as the fds right after the dir= preopens (as walos-run --tcplisten
 * does: wasi-libc stops scanning for preopened directories at the first fd that is not one, so a
 * socket before them would hide them) — so a restart finds the same socket, and connections that
 * arrive meanwhile wait in its backlog. */
#include "kernel/proc/svcmgr.h"

#include "kernel/arch/x86_64/timer.h"
#include "kernel/cmdline.h"
#include "kernel/fs/vfs.h"
#include "kernel/lib/fmt.h"
#include "kernel/lib/stdlib.h"
#include "kernel/lib/string.h"
#include "kernel/mm/heap.h"
#include "kernel/printk.h"
#include "kernel/proc/handle.h"
#include "kernel/proc/platform_kernel_sock.h"
#include "kernel/proc/proc.h"
#include "kernel/proc/svcpolicy.h"
#include "kernel/proc/unit.h"
#include "kernel/storage.h"

#define SVC_MAX 16
#define SVC_FILE_MAX (16u << 10)   /* unit files larger than this are refused */
#define SVC_ARGS_MAX 64
#define SVC_DIR_DEFAULT "/etc/services"

struct service {
    struct unit unit;
    struct svcpolicy policy;
    int pid;                        /* 0: no process */
    plat_handle listeners[UNIT_MAX_LISTEN]; /* the kernel's handles of unit.listen_ports */
};

static struct {
    struct service *svcs[SVC_MAX];
    int count;
} svc;

/* ---- reading unit files -------------------------------------------------------------------------- */

static int read_all(struct vfs_node *node, char **text_out, size_t *len_out)
{
    struct vfs_stat st;
    struct vfs_file *f;
    int err = vfs_stat(node, &st);
    if (err)
        return err;
    if (st.size > SVC_FILE_MAX)
        return FS_EFBIG;
    if ((err = vfs_open(node, VFS_O_READ, &f)) != 0)
        return err;
    char *buf = kmalloc(st.size + 1);
    size_t done = 0;
    err = buf ? vfs_read(f, buf, st.size, &done) : FS_ENOMEM;
    vfs_close(f);
    if (err) {
        kfree(buf);
        return err;
    }
    *text_out = buf;
    *len_out = done;
    return 0;
}

static const char *listen_error(int err)
{
    switch (err) {
    case WASI_EADDRINUSE: return "the port is in use";
    case WASI_ENETDOWN: return "no network interface";
    case WASI_ENOMEM: return "out of memory";
    case WASI_EMFILE: return "no free kernel handle";
    default: return "error";
    }
}

/* Opens the unit's listening sockets; false (all closed again, a line logged) when one fails: a
 * service started without its socket would only fail and restart forever. */
static bool open_listeners(struct service *s, const char *path)
{
    for (int i = 0; i < s->unit.nlisten; i++) {
        int err = ksock_listen_tcp(s->unit.listen_ports[i], &s->listeners[i]);
        if (err) {
            printk("svc: %s: listen=tcp:%u: cannot listen (%s, WASI errno %d); not started\n", path,
                   s->unit.listen_ports[i], listen_error(err), err);
            while (i-- > 0)
                handle_close(NULL, s->listeners[i]);
            return false;
        }
    }
    return true;
}

static void load_unit(struct vfs_node *dir, const char *dir_path, const struct vfs_dirent *ent)
{
    char path[UNIT_PATH_MAX + 64];
    snprintf(path, sizeof path, "%s/%s", dir_path, ent->name);
    struct vfs_node *node = NULL;
    char *text = NULL;
    size_t len = 0;
    int err = vfs_lookup(dir, ent->name, ent->name_len, &node);
    if (!err)
        err = read_all(node, &text, &len);
    vfs_node_release(node);
    if (err) {
        printk("svc: %s: cannot read it (error %d); skipped\n", path, err);
        return;
    }
    struct service *s = kzalloc(sizeof *s);
    char msg[UNIT_ERROR_MAX];
    if (!s) {
        printk("svc: %s: out of memory; skipped\n", path);
    } else if (svc.count == SVC_MAX) {
        printk("svc: %s: more than %d services; skipped\n", path, SVC_MAX);
        kfree(s);
    } else if (unit_parse(path, text, len, &s->unit, msg, sizeof msg) != 0) {
        printk("svc: %s; skipped\n", msg);
        kfree(s);
    } else if (!open_listeners(s, path)) {
        kfree(s);
    } else {
        svcpolicy_init(&s->policy, s->unit.restart, NULL);
        svc.svcs[svc.count++] = s;
    }
    kfree(text);
}

static void load_units(const char *dir_path)
{
    struct vfs_node *root = vfs_root(), *dir = NULL;
    int err = root ? vfs_resolve(root, dir_path, &dir) : FS_ENOENT;
    vfs_node_release(root);
    if (err) {
        printk("svc: no unit directory %s\n", dir_path);
        return;
    }
    struct vfs_dirent *ent = kmalloc(sizeof *ent);
    uint64_t cookie = 0;
    while (ent && vfs_readdir(dir, cookie, ent) == FS_OK) {
        cookie = ent->next_cookie;
        if (ent->type == VFS_FILE && ent->name_len > 5 &&
            !strcmp(ent->name + ent->name_len - 5, ".conf"))
            load_unit(dir, dir_path, ent);
    }
    kfree(ent);
    vfs_node_release(dir);
}

/* ---- logs ----------------------------------------------------------------------------------------- */

/* Splits an absolute path into its parent directory node and last name; false when it fails. */
static bool parent_of(const char *path, struct vfs_node **dir_out, const char **name_out)
{
    const char *slash = strrchr(path, '/');
    char dir_path[UNIT_PATH_MAX];
    size_t n = (size_t)(slash - path);
    if (!slash || n >= sizeof dir_path)
        return false;
    memcpy(dir_path, path, n);
    dir_path[n] = 0;
    struct vfs_node *root = vfs_root();
    int err = root ? vfs_resolve(root, n ? dir_path : "/", dir_out) : FS_ENOENT;
    vfs_node_release(root);
    *name_out = slash + 1;
    return err == FS_OK;
}

/* PATH past max bytes: PATH.(keep-1) -> PATH.keep, ..., PATH -> PATH.1 (keep 0: PATH is emptied). */
static void rotate(const struct unit *u)
{
    struct vfs_node *dir, *node;
    const char *name;
    if (!parent_of(u->stdout_path, &dir, &name))
        return;
    struct vfs_stat st;
    if (vfs_lookup(dir, name, strlen(name), &node) != FS_OK) {
        vfs_node_release(dir);
        return;
    }
    bool big = vfs_stat(node, &st) == FS_OK && st.size > u->stdout_max;
    if (big && !u->stdout_keep)
        vfs_truncate(node, 0);
    vfs_node_release(node);
    for (uint32_t k = u->stdout_keep; big && k >= 1; k--) {
        char from[UNIT_NAME_MAX + 8], to[UNIT_NAME_MAX + 8];
        if (k == 1)
            snprintf(from, sizeof from, "%.31s", name);
        else
            snprintf(from, sizeof from, "%.31s.%u", name, k - 1);
        snprintf(to, sizeof to, "%.31s.%u", name, k);
        vfs_unlink(dir, to, strlen(to));
        vfs_rename(dir, from, strlen(from), dir, to, strlen(to));
    }
    vfs_node_release(dir);
}

/* Appends "msg\n" to the service's log file (stdout=FILE only): exits and traps are in the log too. */
static void log_line(const struct service *s, const char *msg)
{
    if (s->unit.output != UNIT_OUTPUT_FILE)
        return;
    struct vfs_node *root = vfs_root(), *node = NULL;
    struct vfs_file *f;
    int err = root ? vfs_resolve(root, s->unit.stdout_path, &node) : FS_ENOENT;
    vfs_node_release(root);
    if (!err && vfs_open(node, VFS_O_WRITE | VFS_O_APPEND, &f) == FS_OK) {
        size_t done;
        vfs_write(f, msg, strlen(msg), &done);
        vfs_write(f, "\n", 1, &done);
        vfs_close(f);
    }
    vfs_node_release(node);
}

/* ---- starting and supervising ---------------------------------------------------------------------- */

static int split(char *buf, uint32_t len, const char **v, int max)
{
    int n = 0;
    for (uint32_t i = 0; i < len && n < max;) {
        v[n++] = &buf[i];
        while (i < len && buf[i])
            i++;
        i++;
    }
    return n;
}

static void start(struct service *s)
{
    struct unit *u = &s->unit;
    const char *argv[SVC_ARGS_MAX], *env[SVC_ARGS_MAX];
    int argc = split(u->argv, u->argv_len, argv, SVC_ARGS_MAX);
    int envc = split(u->env, u->env_len, env, SVC_ARGS_MAX);
    plat_handle out = -1;
    if (u->output == UNIT_OUTPUT_FILE) {
        rotate(u);
        out = handle_open_log(NULL, u->stdout_path);
        if (out < 0)
            printk("svc: %s: cannot open %s; output goes to the console\n", u->name, u->stdout_path);
    } else if (u->output == UNIT_OUTPUT_NULL) {
        out = -2;
    }
    struct proc_spawn_args a = {.path = u->exec, .argc = argc, .argv = argv, .envc = envc,
                                .env = env, .stdio = {-1, out, out},
                                .max_memory_pages = (uint32_t)((u->max_memory + 65535) / 65536),
                                .fuel = u->fuel, .allow_net = u->allow_net};
    int pid = proc_spawn(&a);
    if (out >= 0)
        handle_close(NULL, out); /* the kernel's own copy: the child holds its own (start may run
                                    inside a process's host call, `svc start`: not its table) */
    struct proc *p = pid > 0 ? proc_get(pid) : NULL;
    for (int i = 0; p && i < u->ndirs; i++) {
        plat_handle h = handle_open_dir(p, u->dirs[i].host);
        if (h < 0 || wasi_ctx_preopen_dir(p->wasi, h, u->dirs[i].guest) < 0) {
            printk("svc: %s: cannot preopen %s\n", u->name, u->dirs[i].host);
            proc_kill(p, PROC_STATUS_KILLED);
            proc_reap(p);
            p = NULL;
        }
    }
    /* the sockets after the directories, as walos-run --tcplisten: wasi-libc's preopen scan stops
     * at the first fd that is not a preopened directory */
    for (int i = 0; p && i < u->nlisten; i++) {
        handle_sock_set_flags(NULL, s->listeners[i], 0); /* blocking again, whatever the last run set */
        plat_handle h = handle_dup(p, NULL, s->listeners[i]);
        if (h < 0 || wasi_ctx_preopen_socket(p->wasi, h) < 0) {
            printk("svc: %s: cannot hand over listen=tcp:%u\n", u->name, u->listen_ports[i]);
            proc_kill(p, PROC_STATUS_KILLED);
            proc_reap(p);
            p = NULL;
        }
    }
    uint64_t now = timer_ns();
    if (!p) {
        printk("svc: %s: cannot start %s\n", u->name, u->exec);
        svcpolicy_event(&s->policy, SVC_EV_SPAWN_FAILED, now, 127);
        return;
    }
    s->pid = pid;
    svcpolicy_event(&s->policy, SVC_EV_SPAWNED, now, 0);
    printk("svc: %s started (pid %d, restarts %u)\n", u->name, pid, s->policy.restarts);
}

static void act(struct service *s, enum svcpolicy_action a)
{
    if (a == SVCPOLICY_SPAWN) {
        start(s);
    } else if (a == SVCPOLICY_KILL && s->pid) {
        struct proc *p = proc_get(s->pid);
        if (p)
            proc_kill(p, PROC_STATUS_KILLED);
    }
}

bool svcmgr_poll(void)
{
    bool busy = false;
    uint64_t now = timer_ns();
    for (int i = 0; i < svc.count; i++) {
        struct service *s = svc.svcs[i];
        struct proc *p = s->pid ? proc_get(s->pid) : NULL;
        if (s->pid && (!p || p->state == PROC_ZOMBIE)) {
            int32_t status = p ? p->status : PROC_STATUS_KILLED;
            char why[80] = "";
            if (p && p->reason[0])
                snprintf(why, sizeof why, " (trap: %s)", p->reason);
            if (p)
                proc_reap(p);
            s->pid = 0;
            enum svcpolicy_action a = svcpolicy_event(&s->policy, SVC_EV_EXITED, now, status);
            char msg[UNIT_NAME_MAX + 160];
            int n = snprintf(msg, sizeof msg, "svc: %s exited with status %d%s; %s", s->unit.name,
                             (int)status, why, svcpolicy_state_name(s->policy.state));
            if (s->policy.state == SVC_BACKOFF && n > 0 && (size_t)n < sizeof msg)
                snprintf(msg + n, sizeof msg - (size_t)n, ", restart in %lu ms",
                         (unsigned long)((s->policy.retry_at_ns - now) / 1000000));
            printk("%s\n", msg);
            log_line(s, msg);
            act(s, a);
        }
        if (s->policy.state == SVC_BACKOFF && now >= svcpolicy_deadline(&s->policy))
            act(s, svcpolicy_event(&s->policy, SVC_EV_TICK, now, 0));
        busy |= s->pid != 0 || s->policy.state == SVC_BACKOFF;
    }
    return busy;
}

/* ---- control (walos_svc) ------------------------------------------------------------------------ */

static struct service *find(const char *name, uint32_t len)
{
    for (int i = 0; i < svc.count; i++)
        if (strlen(svc.svcs[i]->unit.name) == len && !strncmp(svc.svcs[i]->unit.name, name, len))
            return svc.svcs[i];
    return NULL;
}

static uint32_t line(const struct service *s, char *out, uint32_t cap)
{
    int n = snprintf(out, cap, "%s %s pid=%d restarts=%u\n", s->unit.name,
                     svcpolicy_state_name(s->policy.state), s->pid, s->policy.restarts);
    return n < 0 ? 0 : (uint32_t)n < cap ? (uint32_t)n : cap ? cap - 1 : 0;
}

/* the last out_len bytes of the service's log file */
static uint32_t log_tail(const struct service *s, char *out, uint32_t out_len)
{
    if (s->unit.output != UNIT_OUTPUT_FILE)
        return (uint32_t)snprintf(out, out_len, "%s: output goes to the %s\n", s->unit.name,
                                  s->unit.output == UNIT_OUTPUT_CONSOLE ? "console" : "void");
    struct vfs_node *root = vfs_root(), *node = NULL;
    int err = root ? vfs_resolve(root, s->unit.stdout_path, &node) : FS_ENOENT;
    vfs_node_release(root);
    struct vfs_stat st;
    struct vfs_file *f = NULL;
    size_t done = 0;
    if (!err && !(err = vfs_stat(node, &st)) && !(err = vfs_open(node, VFS_O_READ, &f))) {
        uint64_t off = st.size > out_len ? st.size - out_len : 0;
        vfs_pread(f, off, out, out_len, &done);
        vfs_close(f);
    }
    vfs_node_release(node);
    return (uint32_t)done;
}

int svcmgr_control(uint32_t cmd, const char *name, uint32_t name_len, char *out, uint32_t out_len,
                   uint32_t *n_out)
{
    *n_out = 0;
    if (cmd > 5)
        return WASI_EINVAL;
    if (cmd == 0) {
        for (int i = 0; i < svc.count; i++)
            *n_out += line(svc.svcs[i], out + *n_out, out_len - *n_out);
        return WASI_ESUCCESS;
    }
    struct service *s = find(name, name_len);
    if (!s)
        return WASI_ENOENT;
    uint64_t now = timer_ns();
    if (cmd == 3 || cmd == 4) {
        act(s, svcpolicy_event(&s->policy, SVC_EV_STOP, now, 0));
        svcmgr_poll(); /* reaps it: the state is final when control returns */
    }
    if (cmd == 2 || cmd == 4)
        act(s, svcpolicy_event(&s->policy, SVC_EV_START, timer_ns(), 0));
    *n_out = cmd == 5 ? log_tail(s, out, out_len) : line(s, out, out_len);
    return WASI_ESUCCESS;
}

int svcmgr_boot(void)
{
    /* test boots (their switches below) keep kmain's own flow unless they ask for services */
    bool testing = cmdline_has("exit");
    bool test_boot = testing || cmdline_has("poweroff") || cmdline_has("reboot") ||
                     cmdline_has("test") || cmdline_has("screenshot");
    if (cmdline_is("svc", "off") || (test_boot && !cmdline_is("svc", "on")))
        return 0;
    char dir[UNIT_PATH_MAX] = SVC_DIR_DEFAULT;
    cmdline_value("svc.dir", dir, sizeof dir);
    load_units(dir);
    if (!svc.count)
        return 0;
    struct unit *units = kmalloc(sizeof *units * (size_t)svc.count);
    int order[SVC_MAX];
    bool blocked[SVC_MAX];
    if (!units) {
        printk("svc: out of memory\n");
        return 0;
    }
    for (int i = 0; i < svc.count; i++)
        units[i] = svc.svcs[i]->unit;
    int n = svcpolicy_order(units, svc.count, order, blocked);
    for (int i = 0; i < svc.count; i++)
        if (blocked[i])
            printk("svc: %s: on an after= cycle; not started\n", units[i].name);
    kfree(units);
    printk("svc: starting %d service(s) from %s\n", n, dir);
    proc_add_poll_hook(svcmgr_poll);
    for (int i = 0; i < n; i++) {
        struct service *s = svc.svcs[order[i]];
        act(s, svcpolicy_event(&s->policy, SVC_EV_START, timer_ns(), 0));
    }
    if (testing) {
        char val[16];
        uint64_t secs = cmdline_value("svc.time", val, sizeof val) ? (uint64_t)strtol(val, NULL, 10) : 5;
        proc_run(timer_ns() + secs * 1000000000ull);
        storage_sync(); /* the logs reach the disk before the test ends the machine */
        printk("svc: supervision time over\n");
    } else {
        proc_run(UINT64_MAX); /* services run until power-off */
    }
    return n;
}
