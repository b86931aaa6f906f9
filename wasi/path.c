/* wasi/path.c — the sandbox: path resolution inside a directory fd, and the path_* calls.
 *
 * A guest path is resolved one component at a time, from the directory that the fd names, over the
 * platform's one-name directory calls (include/walos/platform.h):
 *   - absolute paths are refused (WASI_ENOTCAPABLE), and so is a NUL inside the path (WASI_EILSEQ);
 *   - "." is skipped; ".." pops the stack of directories opened so far, and popping the starting
 *     directory itself is refused (WASI_ENOTCAPABLE): `..` cannot climb out;
 *   - an intermediate symlink is read (plat_readlink_at) and its target spliced in front of the rest
 *     of the path; an absolute target is refused, and more than WALK_MAX_LINKS expansions is
 *     WASI_ELOOP. The final component is followed only when the call asks (lookupflags) or when the
 *     path ends in '/';
 *   - the platform never follows a link by itself, so a symlink swapped in between our check and the
 *     open fails (ELOOP/ENOTDIR) instead of escaping.
 * The result is (directory handle, final name): the operation then makes one platform call with it. */
#include "wasi/wasi_priv.h"

#define WALK_MAX_DEPTH 128     /* directories open at once while walking */
#define WALK_MAX_LINKS 40      /* symlink expansions per resolution (Linux's MAXSYMLINKS) */
#define WALK_MAX_PATH 4096     /* bytes of path, after expansions */
#define WALK_NAME_MAX 255

struct walk {
    plat_handle stack[WALK_MAX_DEPTH + 1]; /* stack[0]: the fd's handle (borrowed), others owned */
    int depth;
    char name[WALK_NAME_MAX + 1];          /* final component: a name or "." */
    bool trailing_slash;                   /* the path ended in '/': the target must be a dir */
};

static plat_handle walk_dir(const struct walk *w) { return w->stack[w->depth]; }

static void walk_release(struct walk *w)
{
    while (w->depth > 0)
        plat_fd_close(w->stack[w->depth--]);
}

/* Replaces buf (holding `rest` at its start) by target + "/"? + rest. */
static int splice_link(char *buf, size_t rest_len, const char *target, size_t target_len,
                       bool slash)
{
    if (target_len == 0)
        return WASI_ENOENT;
    if (target[0] == '/')
        return WASI_ENOTCAPABLE;
    size_t total = target_len + (slash ? 1 : 0) + rest_len;
    if (total >= WALK_MAX_PATH)
        return WASI_ENAMETOOLONG;
    memmove(buf + target_len + (slash ? 1 : 0), buf, rest_len + 1);
    memcpy(buf, target, target_len);
    if (slash)
        buf[target_len] = '/';
    return WASI_ESUCCESS;
}

/* Resolves guest path [path, path+len) from directory handle `base`. On success the caller owns
 * the walk and releases it with walk_release. */
static int walk_path(plat_handle base, const char *path, size_t len, bool follow_final,
                     struct walk *w)
{
    w->stack[0] = base;
    w->depth = 0;
    w->trailing_slash = false;
    if (len == 0)
        return WASI_ENOENT;
    for (size_t i = 0; i < len; i++)
        if (path[i] == 0)
            return WASI_EILSEQ;
    if (path[0] == '/')
        return WASI_ENOTCAPABLE;
    if (len >= WALK_MAX_PATH)
        return WASI_ENAMETOOLONG;
    char *buf = plat_alloc(2 * WALK_MAX_PATH);   /* the path, then room for a link's target */
    if (!buf)
        return WASI_ENOMEM;
    char *target = buf + WALK_MAX_PATH;
    memcpy(buf, path, len);
    buf[len] = 0;
    int links = 0, err = WASI_ESUCCESS;
    for (;;) {
        /* split off the first component: buf = comp '/'* rest */
        size_t n = 0;
        while (buf[n] && buf[n] != '/')
            n++;
        size_t after = n;
        while (buf[after] == '/')
            after++;
        bool last = buf[after] == 0;
        bool slash_after = after > n;
        if (n > WALK_NAME_MAX) {
            err = WASI_ENAMETOOLONG;
            break;
        }
        char comp[WALK_NAME_MAX + 1];
        memcpy(comp, buf, n);
        comp[n] = 0;
        size_t rest_len = strlen(buf + after);
        memmove(buf, buf + after, rest_len + 1);

        if (n == 0 || strcmp(comp, ".") == 0) {     /* "" only when a link expanded to "/..." */
            if (last) {
                memcpy(w->name, ".", 2);
                w->trailing_slash = slash_after;
                break;
            }
            continue;
        }
        if (strcmp(comp, "..") == 0) {
            if (w->depth == 0) {
                err = WASI_ENOTCAPABLE;
                break;
            }
            plat_fd_close(w->stack[w->depth--]);
            if (last) {
                memcpy(w->name, ".", 2);
                w->trailing_slash = slash_after;
                break;
            }
            continue;
        }
        /* an intermediate directory is opened straight away (no symlink is followed by the
         * platform); only when that fails do we look at what the name is */
        plat_handle h = PLAT_NO_HANDLE;
        if (!last) {
            if (w->depth == WALK_MAX_DEPTH) {
                err = WASI_ENAMETOOLONG;
                break;
            }
            err = plat_open_at(walk_dir(w), comp, WASI_OFLAG_DIRECTORY, 0, true, false, &h);
            if (err == WASI_ESUCCESS) {
                w->stack[++w->depth] = h;
                continue;
            }
        }
        bool follow = !last || follow_final || slash_after;
        struct plat_filestat st;
        int serr = plat_stat_at(walk_dir(w), comp, &st);
        if (serr == WASI_ESUCCESS && st.filetype == WASI_FILETYPE_SYMBOLIC_LINK && follow) {
            if (++links > WALK_MAX_LINKS) {
                err = WASI_ELOOP;
                break;
            }
            size_t tlen;
            err = plat_readlink_at(walk_dir(w), comp, target, WALK_MAX_PATH, &tlen);
            if (err)
                break;
            err = splice_link(buf, rest_len, target, tlen, !last || slash_after);
            if (err)
                break;
            continue;
        }
        if (last) {
            memcpy(w->name, comp, n + 1);
            w->trailing_slash = slash_after;
            err = WASI_ESUCCESS;
            break;
        }
        /* not a symlink: the open's error stands, made precise for a name that is not a dir */
        if (serr == WASI_ESUCCESS && st.filetype != WASI_FILETYPE_DIRECTORY)
            err = WASI_ENOTDIR;
        else if (serr)
            err = serr;
        break;
    }
    plat_free(buf);
    if (err)
        walk_release(w);
    return err;
}

/* The common start of a path call: the directory fd (with `rights`), the guest path, the walk. */
static int path_begin(struct wasm_host_call *call, uint8_t *mem, uint64_t mem_size, uint32_t fd,
                      uint64_t rights, uint32_t path, uint32_t path_len, bool follow,
                      struct walk *w)
{
    struct wasi_fd *f;
    int err = wasi_fd_get(call->host_data, fd, 0, &f);
    if (err)
        return err;
    if (f->filetype != WASI_FILETYPE_DIRECTORY)
        return WASI_ENOTDIR;
    if ((f->rights_base & rights) != rights)
        return WASI_ENOTCAPABLE;
    const char *p = wasi_guest(mem, mem_size, path, path_len);
    if (!p)
        return WASI_EFAULT;
    return walk_path(f->handle, p, path_len, follow, w);
}

/* With a trailing slash, the target must be a directory if it exists (POSIX path resolution). */
static int check_trailing(struct walk *w)
{
    struct plat_filestat st;
    if (!w->trailing_slash || plat_stat_at(walk_dir(w), w->name, &st) != WASI_ESUCCESS)
        return WASI_ESUCCESS;
    return st.filetype == WASI_FILETYPE_DIRECTORY ? WASI_ESUCCESS : WASI_ENOTDIR;
}

int wasi_check_fstflags(uint16_t fst)
{
    if (fst & ~WASI_FSTFLAGS_ALL)
        return WASI_EINVAL;
    if ((fst & WASI_FSTFLAG_ATIM) && (fst & WASI_FSTFLAG_ATIM_NOW))
        return WASI_EINVAL;
    if ((fst & WASI_FSTFLAG_MTIM) && (fst & WASI_FSTFLAG_MTIM_NOW))
        return WASI_EINVAL;
    return WASI_ESUCCESS;
}

/* path_create_directory(fd, path) -> errno */
int wasi_path_create_directory(struct wasm_host_call *call, uint64_t *slots, uint8_t *mem,
                               uint64_t mem_size)
{
    struct walk w;
    int err = path_begin(call, mem, mem_size, (uint32_t)slots[0], WASI_RIGHT_PATH_CREATE_DIRECTORY,
                         (uint32_t)slots[1], (uint32_t)slots[2], false, &w);
    if (err)
        return wasi_return(slots, err);
    err = strcmp(w.name, ".") == 0 ? WASI_EEXIST : plat_mkdir_at(walk_dir(&w), w.name);
    walk_release(&w);
    return wasi_return(slots, err);
}

int wasi_path_stat(struct wasm_host_call *call, uint64_t *slots, uint8_t *mem, uint64_t mem_size,
                   struct plat_filestat *st)
{
    struct walk w;
    int err = path_begin(call, mem, mem_size, (uint32_t)slots[0], WASI_RIGHT_PATH_FILESTAT_GET,
                         (uint32_t)slots[2], (uint32_t)slots[3],
                         (uint32_t)slots[1] & WASI_LOOKUP_SYMLINK_FOLLOW, &w);
    if (err)
        return err;
    err = plat_stat_at(walk_dir(&w), w.name, st);
    if (err == WASI_ESUCCESS && w.trailing_slash && st->filetype != WASI_FILETYPE_DIRECTORY)
        err = WASI_ENOTDIR;
    walk_release(&w);
    return err;
}

/* path_filestat_get(fd, flags: lookupflags, path) -> (errno, filestat) */
int wasi_path_filestat_get(struct wasm_host_call *call, uint64_t *slots, uint8_t *mem,
                           uint64_t mem_size)
{
    uint8_t *out = wasi_guest(mem, mem_size, (uint32_t)slots[4], WASI_FILESTAT_SIZE);
    struct plat_filestat st;
    int err = wasi_path_stat(call, slots, mem, mem_size, &st);
    if (err == WASI_ESUCCESS && !out)
        err = WASI_EFAULT;
    if (err == WASI_ESUCCESS)
        wasi_put_filestat(out, &st);
    return wasi_return(slots, err);
}

/* path_filestat_set_times(fd, flags, path, atim, mtim, fst_flags) -> errno */
int wasi_path_filestat_set_times(struct wasm_host_call *call, uint64_t *slots, uint8_t *mem,
                                 uint64_t mem_size)
{
    uint16_t fst = (uint16_t)slots[6];
    int err = (uint32_t)slots[6] > 0xffff ? WASI_EINVAL : wasi_check_fstflags(fst);
    if (err)
        return wasi_return(slots, err);
    struct walk w;
    err = path_begin(call, mem, mem_size, (uint32_t)slots[0], WASI_RIGHT_PATH_FILESTAT_SET_TIMES,
                     (uint32_t)slots[2], (uint32_t)slots[3],
                     (uint32_t)slots[1] & WASI_LOOKUP_SYMLINK_FOLLOW, &w);
    if (err)
        return wasi_return(slots, err);
    err = check_trailing(&w);
    if (err == WASI_ESUCCESS)
        err = plat_set_times_at(walk_dir(&w), w.name, slots[4], slots[5], fst);
    walk_release(&w);
    return wasi_return(slots, err);
}

/* path_link(old_fd, old_flags, old_path, new_fd, new_path) -> errno */
int wasi_path_link(struct wasm_host_call *call, uint64_t *slots, uint8_t *mem, uint64_t mem_size)
{
    struct walk from, to;
    int err = path_begin(call, mem, mem_size, (uint32_t)slots[0], WASI_RIGHT_PATH_LINK_SOURCE,
                         (uint32_t)slots[2], (uint32_t)slots[3],
                         (uint32_t)slots[1] & WASI_LOOKUP_SYMLINK_FOLLOW, &from);
    if (err)
        return wasi_return(slots, err);
    err = path_begin(call, mem, mem_size, (uint32_t)slots[4], WASI_RIGHT_PATH_LINK_TARGET,
                     (uint32_t)slots[5], (uint32_t)slots[6], false, &to);
    if (err) {
        walk_release(&from);
        return wasi_return(slots, err);
    }
    struct plat_filestat st;
    if (from.trailing_slash || to.trailing_slash) {
        /* as linkat: a directory source is EPERM; a file source with "x/" is ENOTDIR, and a
         * destination "x/" names a directory that a file link cannot be (ENOENT or EEXIST) */
        err = plat_stat_at(walk_dir(&from), from.name, &st);
        if (err == WASI_ESUCCESS && st.filetype == WASI_FILETYPE_DIRECTORY)
            err = WASI_EPERM;
        else if (err == WASI_ESUCCESS && from.trailing_slash)
            err = WASI_ENOTDIR;
        else if (err == WASI_ESUCCESS)
            err = plat_stat_at(walk_dir(&to), to.name, &st) == WASI_ESUCCESS ? WASI_EEXIST
                                                                             : WASI_ENOENT;
    } else if (strcmp(to.name, ".") == 0) {
        err = WASI_EEXIST;
    } else {
        err = plat_link_at(walk_dir(&from), from.name, walk_dir(&to), to.name);
    }
    walk_release(&to);
    walk_release(&from);
    return wasi_return(slots, err);
}

/* path_open(fd, dirflags, path, oflags, fs_rights_base, fs_rights_inheriting, fdflags)
 *   -> (errno, fd). Requested rights are cut down to what the directory passes on
 * (rights_inheriting) and to what the kind of file can have; O_CREAT needs path_create_file and
 * O_TRUNC path_filestat_set_size on the directory. */
int wasi_path_open(struct wasm_host_call *call, uint64_t *slots, uint8_t *mem, uint64_t mem_size)
{
    struct wasi_ctx *ctx = call->host_data;
    uint32_t dirfd = (uint32_t)slots[0], oflags = (uint32_t)slots[4];
    uint32_t fdflags = (uint32_t)slots[7];
    uint64_t base = slots[5], inheriting = slots[6];
    uint8_t *out = wasi_guest(mem, mem_size, (uint32_t)slots[8], 4);
    if (!out)
        return wasi_return(slots, WASI_EFAULT);
    if ((oflags & ~(uint32_t)WASI_OFLAGS_ALL) || (fdflags & ~(uint32_t)WASI_FDFLAGS_ALL))
        return wasi_return(slots, WASI_EINVAL);
    uint64_t need = WASI_RIGHT_PATH_OPEN;
    if (oflags & WASI_OFLAG_CREAT)
        need |= WASI_RIGHT_PATH_CREATE_FILE;
    if (oflags & WASI_OFLAG_TRUNC)
        need |= WASI_RIGHT_PATH_FILESTAT_SET_SIZE;
    struct walk w;
    int err = path_begin(call, mem, mem_size, dirfd, need, (uint32_t)slots[2], (uint32_t)slots[3],
                         (uint32_t)slots[1] & WASI_LOOKUP_SYMLINK_FOLLOW, &w);
    if (err)
        return wasi_return(slots, err);
    struct wasi_fd *dir = &ctx->fds[dirfd];
    base &= dir->rights_inheriting;
    inheriting &= dir->rights_inheriting;
    if (w.trailing_slash)
        oflags |= WASI_OFLAG_DIRECTORY;
    bool want_read = base & (WASI_RIGHT_FD_READ | WASI_RIGHT_FD_READDIR);
    bool want_write = base & (WASI_RIGHT_FD_WRITE | WASI_RIGHT_FD_ALLOCATE |
                              WASI_RIGHT_FD_FILESTAT_SET_SIZE);
    if ((oflags & WASI_OFLAG_TRUNC) && !want_write)
        want_write = true;   /* O_TRUNC needs write access on POSIX */
    plat_handle h;
    err = plat_open_at(walk_dir(&w), w.name, oflags, fdflags, want_read || !want_write, want_write,
                       &h);
    walk_release(&w);
    if (err)
        return wasi_return(slots, err);
    struct plat_filestat st;
    struct wasi_fd e = {.handle = h, .owned = true};
    e.filetype = plat_fd_stat(h, &st) == WASI_ESUCCESS ? st.filetype : WASI_FILETYPE_UNKNOWN;
    e.rights_base = base & wasi_rights_for(e.filetype);
    e.rights_inheriting = inheriting;
    if (e.filetype == WASI_FILETYPE_REGULAR_FILE && !want_write)
        e.rights_base &= ~(WASI_RIGHT_FD_WRITE | WASI_RIGHT_FD_ALLOCATE |
                           WASI_RIGHT_FD_FILESTAT_SET_SIZE);
    return wasi_fd_install(ctx, &e, out, slots);
}

/* path_readlink(fd, path, buf, buf_len) -> (errno, size): the target, cut at buf_len, no NUL. */
int wasi_path_readlink(struct wasm_host_call *call, uint64_t *slots, uint8_t *mem,
                       uint64_t mem_size)
{
    uint32_t buf_len = (uint32_t)slots[4];
    char *buf = wasi_guest(mem, mem_size, (uint32_t)slots[3], buf_len);
    uint8_t *used = wasi_guest(mem, mem_size, (uint32_t)slots[5], 4);
    if (!buf || !used)
        return wasi_return(slots, WASI_EFAULT);
    struct walk w;
    int err = path_begin(call, mem, mem_size, (uint32_t)slots[0], WASI_RIGHT_PATH_READLINK,
                         (uint32_t)slots[1], (uint32_t)slots[2], false, &w);
    if (err)
        return wasi_return(slots, err);
    size_t n = 0;
    err = plat_readlink_at(walk_dir(&w), w.name, buf, buf_len, &n);
    walk_release(&w);
    if (err == WASI_ESUCCESS)
        wasi_st32(used, (uint32_t)n);
    return wasi_return(slots, err);
}

/* path_remove_directory(fd, path) -> errno */
int wasi_path_remove_directory(struct wasm_host_call *call, uint64_t *slots, uint8_t *mem,
                               uint64_t mem_size)
{
    struct walk w;
    int err = path_begin(call, mem, mem_size, (uint32_t)slots[0], WASI_RIGHT_PATH_REMOVE_DIRECTORY,
                         (uint32_t)slots[1], (uint32_t)slots[2], false, &w);
    if (err)
        return wasi_return(slots, err);
    err = strcmp(w.name, ".") == 0 ? WASI_EINVAL : plat_rmdir_at(walk_dir(&w), w.name);
    walk_release(&w);
    return wasi_return(slots, err);
}

/* path_rename(fd, old_path, new_fd, new_path) -> errno */
int wasi_path_rename(struct wasm_host_call *call, uint64_t *slots, uint8_t *mem, uint64_t mem_size)
{
    struct walk from, to;
    int err = path_begin(call, mem, mem_size, (uint32_t)slots[0], WASI_RIGHT_PATH_RENAME_SOURCE,
                         (uint32_t)slots[1], (uint32_t)slots[2], false, &from);
    if (err)
        return wasi_return(slots, err);
    err = path_begin(call, mem, mem_size, (uint32_t)slots[3], WASI_RIGHT_PATH_RENAME_TARGET,
                     (uint32_t)slots[4], (uint32_t)slots[5], false, &to);
    if (err) {
        walk_release(&from);
        return wasi_return(slots, err);
    }
    struct plat_filestat st;
    if (strcmp(from.name, ".") == 0 || strcmp(to.name, ".") == 0) {
        err = WASI_EBUSY;
    } else if (from.trailing_slash || to.trailing_slash) {
        /* a trailing slash is allowed only when the source is a directory */
        err = plat_stat_at(walk_dir(&from), from.name, &st);
        if (err == WASI_ESUCCESS && st.filetype != WASI_FILETYPE_DIRECTORY)
            err = WASI_ENOTDIR;
        if (err == WASI_ESUCCESS)
            err = plat_rename_at(walk_dir(&from), from.name, walk_dir(&to), to.name);
    } else {
        err = plat_rename_at(walk_dir(&from), from.name, walk_dir(&to), to.name);
    }
    walk_release(&to);
    walk_release(&from);
    return wasi_return(slots, err);
}

/* path_symlink(old_path, fd, new_path) -> errno. The target is stored as given, but an absolute one
 * is refused: it could only ever point outside the sandbox. */
int wasi_path_symlink(struct wasm_host_call *call, uint64_t *slots, uint8_t *mem,
                      uint64_t mem_size)
{
    uint32_t target_len = (uint32_t)slots[1];
    const char *t = wasi_guest(mem, mem_size, (uint32_t)slots[0], target_len);
    if (!t)
        return wasi_return(slots, WASI_EFAULT);
    if (target_len >= WALK_MAX_PATH)
        return wasi_return(slots, WASI_ENAMETOOLONG);
    for (uint32_t i = 0; i < target_len; i++)
        if (t[i] == 0)
            return wasi_return(slots, WASI_EILSEQ);
    if (target_len > 0 && t[0] == '/')
        return wasi_return(slots, WASI_ENOTCAPABLE);
    struct walk w;
    int err = path_begin(call, mem, mem_size, (uint32_t)slots[2], WASI_RIGHT_PATH_SYMLINK,
                         (uint32_t)slots[3], (uint32_t)slots[4], false, &w);
    if (err)
        return wasi_return(slots, err);
    struct plat_filestat st;
    if (strcmp(w.name, ".") == 0) {
        err = WASI_EEXIST;
    } else if (w.trailing_slash) {
        err = plat_stat_at(walk_dir(&w), w.name, &st);
        if (err == WASI_ESUCCESS)
            err = st.filetype == WASI_FILETYPE_DIRECTORY ? WASI_EEXIST : WASI_ENOTDIR;
    } else {
        char *target = plat_alloc((size_t)target_len + 1);
        if (!target) {
            err = WASI_ENOMEM;
        } else {
            memcpy(target, t, target_len);
            target[target_len] = 0;
            err = plat_symlink_at(target, walk_dir(&w), w.name);
            plat_free(target);
        }
    }
    walk_release(&w);
    return wasi_return(slots, err);
}

/* path_unlink_file(fd, path) -> errno */
int wasi_path_unlink_file(struct wasm_host_call *call, uint64_t *slots, uint8_t *mem,
                          uint64_t mem_size)
{
    struct walk w;
    int err = path_begin(call, mem, mem_size, (uint32_t)slots[0], WASI_RIGHT_PATH_UNLINK_FILE,
                         (uint32_t)slots[1], (uint32_t)slots[2], false, &w);
    if (err)
        return wasi_return(slots, err);
    if (strcmp(w.name, ".") == 0)
        err = WASI_EISDIR;
    else
        err = check_trailing(&w);
    if (err == WASI_ESUCCESS)
        err = plat_unlink_at(walk_dir(&w), w.name);
    walk_release(&w);
    return wasi_return(slots, err);
}
