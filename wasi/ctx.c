/* wasi/ctx.c — a process's WASI context: argv, environment and the fd table.
 *
 * The fd table is an array of slots indexed by fd number; the lowest free number is reused (as POSIX
 * does, and as wasi-libc expects for fds it has just closed). Rights are checked here, in
 * wasi_fd_get, once per call: a handler names the rights its operation needs. */
#include "wasi/wasi_priv.h"

static char *copy_string(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = plat_alloc(n);
    if (p)
        memcpy(p, s, n);
    return p;
}

static char **copy_strings(int count, const char *const *src, uint32_t *bytes_out)
{
    char **v = plat_calloc((size_t)count + 1, sizeof *v);
    if (!v)
        return NULL;
    uint32_t bytes = 0;
    for (int i = 0; i < count; i++) {
        v[i] = copy_string(src[i]);
        if (!v[i]) {
            for (int j = 0; j < i; j++)
                plat_free(v[j]);
            plat_free(v);
            return NULL;
        }
        bytes += (uint32_t)strlen(src[i]) + 1;
    }
    *bytes_out = bytes;
    return v;
}

static void free_strings(char **v, uint32_t count)
{
    if (!v)
        return;
    for (uint32_t i = 0; i < count; i++)
        plat_free(v[i]);
    plat_free(v);
}

struct wasi_ctx *wasi_ctx_new(int argc, const char *const *argv, int envc, const char *const *env)
{
    struct wasi_ctx *ctx = plat_calloc(1, sizeof *ctx);
    if (!ctx)
        return NULL;
    ctx->argv = copy_strings(argc, argv, &ctx->argv_bytes);
    if (!ctx->argv)
        goto fail;
    ctx->argc = (uint32_t)argc;
    ctx->env = copy_strings(envc, env, &ctx->env_bytes);
    if (!ctx->env)
        goto fail;
    ctx->envc = (uint32_t)envc;
    ctx->fd_cap = 8;
    ctx->fds = plat_calloc(ctx->fd_cap, sizeof *ctx->fds);
    if (!ctx->fds)
        goto fail;
    return ctx;
fail:
    wasi_ctx_free(ctx);
    return NULL;
}

void wasi_ctx_free(struct wasi_ctx *ctx)
{
    if (!ctx)
        return;
    for (uint32_t fd = 0; fd < ctx->fd_cap && ctx->fds; fd++)
        if (ctx->fds[fd].used)
            wasi_fd_remove(ctx, fd);
    plat_free(ctx->fds);
    free_strings(ctx->argv, ctx->argc);
    free_strings(ctx->env, ctx->envc);
    plat_free(ctx);
}

uint64_t wasi_rights_for(uint8_t filetype)
{
    switch (filetype) {
    case WASI_FILETYPE_DIRECTORY:
        return WASI_RIGHTS_DIR;
    case WASI_FILETYPE_REGULAR_FILE:
        return WASI_RIGHTS_FILE;
    case WASI_FILETYPE_SOCKET_STREAM:
    case WASI_FILETYPE_SOCKET_DGRAM:
        return WASI_RIGHTS_SOCKET;
    case WASI_FILETYPE_CHARACTER_DEVICE:
        return WASI_RIGHTS_TTY;
    default:
        return WASI_RIGHTS_FILE;
    }
}

static int grow(struct wasi_ctx *ctx, uint32_t need)
{
    if (need <= ctx->fd_cap)
        return WASI_ESUCCESS;
    if (need > WASI_MAX_FDS)
        return WASI_EMFILE;
    uint32_t cap = ctx->fd_cap * 2;
    while (cap < need)
        cap *= 2;
    if (cap > WASI_MAX_FDS)
        cap = WASI_MAX_FDS;
    struct wasi_fd *fds = plat_realloc(ctx->fds, cap * sizeof *fds);
    if (!fds)
        return WASI_ENOMEM;
    memset(fds + ctx->fd_cap, 0, (cap - ctx->fd_cap) * sizeof *fds);
    ctx->fds = fds;
    ctx->fd_cap = cap;
    return WASI_ESUCCESS;
}

int wasi_fd_get(struct wasi_ctx *ctx, uint32_t fd, uint64_t rights, struct wasi_fd **out)
{
    if (fd >= ctx->fd_cap || !ctx->fds[fd].used)
        return WASI_EBADF;
    struct wasi_fd *f = &ctx->fds[fd];
    if ((f->rights_base & rights) != rights)
        return WASI_ENOTCAPABLE;
    *out = f;
    return WASI_ESUCCESS;
}

static int insert_at(struct wasi_ctx *ctx, uint32_t fd, const struct wasi_fd *entry)
{
    int err = grow(ctx, fd + 1);
    if (err)
        return err;
    ctx->fds[fd] = *entry;
    ctx->fds[fd].used = true;
    return WASI_ESUCCESS;
}

int wasi_fd_insert(struct wasi_ctx *ctx, const struct wasi_fd *entry, uint32_t *fd_out)
{
    uint32_t fd = 0;
    while (fd < ctx->fd_cap && ctx->fds[fd].used)
        fd++;
    int err = insert_at(ctx, fd, entry);
    if (err)
        return err;
    *fd_out = fd;
    return WASI_ESUCCESS;
}

int wasi_fd_install(struct wasi_ctx *ctx, const struct wasi_fd *entry, uint8_t *fd_out,
                    uint64_t *slots)
{
    uint32_t fd;
    int err = wasi_fd_insert(ctx, entry, &fd);
    if (err) {
        plat_fd_close(entry->handle);
        return wasi_return(slots, err);
    }
    wasi_st32(fd_out, fd);
    return wasi_return(slots, WASI_ESUCCESS);
}

int wasi_fd_remove(struct wasi_ctx *ctx, uint32_t fd)
{
    struct wasi_fd *f = &ctx->fds[fd];
    int err = WASI_ESUCCESS;
    if (f->owned && f->handle != PLAT_NO_HANDLE)
        err = plat_fd_close(f->handle);
    plat_free(f->preopen);
    memset(f, 0, sizeof *f);
    return err;
}

int wasi_ctx_set_stdio(struct wasi_ctx *ctx, plat_handle in, plat_handle out, plat_handle err)
{
    plat_handle h[3] = {in, out, err};
    for (uint32_t fd = 0; fd < 3; fd++) {
        if (h[fd] == PLAT_NO_HANDLE)
            continue;
        struct plat_filestat st;
        struct wasi_fd e = {.handle = h[fd], .owned = false};
        e.filetype = plat_fd_stat(h[fd], &st) == WASI_ESUCCESS ? st.filetype
                                                               : WASI_FILETYPE_UNKNOWN;
        e.rights_base = wasi_rights_for(e.filetype);
        if (e.filetype != WASI_FILETYPE_REGULAR_FILE)   /* pipes and ttys do not seek */
            e.rights_base &= ~(WASI_RIGHT_FD_SEEK | WASI_RIGHT_FD_TELL);
        e.rights_inheriting = 0;
        if (ctx->fd_cap > fd && ctx->fds[fd].used)
            wasi_fd_remove(ctx, fd);
        int rc = insert_at(ctx, fd, &e);
        if (rc)
            return rc;
    }
    return WASI_ESUCCESS;
}

int wasi_ctx_preopen_dir(struct wasi_ctx *ctx, plat_handle dir, const char *guest_path)
{
    struct wasi_fd e = {
        .handle = dir, .owned = true, .filetype = WASI_FILETYPE_DIRECTORY,
        .rights_base = WASI_RIGHTS_DIR, .rights_inheriting = WASI_RIGHTS_ALL,
    };
    e.preopen = copy_string(guest_path);
    if (!e.preopen)
        return -1;
    uint32_t fd = 3;   /* preopens never take 0..2, even when stdio is missing */
    while (fd < ctx->fd_cap && ctx->fds[fd].used)
        fd++;
    if (insert_at(ctx, fd, &e) != WASI_ESUCCESS) {
        plat_free(e.preopen);
        return -1;
    }
    return (int)fd;
}

int wasi_ctx_preopen_socket(struct wasi_ctx *ctx, plat_handle listener)
{
    struct wasi_fd e = {
        .handle = listener, .owned = true, .filetype = WASI_FILETYPE_SOCKET_STREAM,
        .rights_base = WASI_RIGHTS_SOCKET, .rights_inheriting = WASI_RIGHTS_SOCKET,
    };
    uint32_t fd = 3;
    while (fd < ctx->fd_cap && ctx->fds[fd].used)
        fd++;
    if (insert_at(ctx, fd, &e) != WASI_ESUCCESS)
        return -1;
    return (int)fd;
}

void wasi_ctx_allow_net(struct wasi_ctx *ctx, bool allow)
{
    ctx->net_allowed = allow;
}
