/* host/platform_posix_wasi.c — include/walos/platform.h, "needed by WASI" section, on POSIX.
 *
 * A plat_handle is a host file descriptor. Every call maps the host errno to the WASI one here
 * (wasi_errno_of), so wasi/ never translates. Name calls use the *at() family with
 * O_NOFOLLOW/AT_SYMLINK_NOFOLLOW: this backend never follows a symlink and never sees a path with
 * '/' in it (the sandbox is wasi/path.c's). Blocking calls block in place (never PLAT_WOULD_BLOCK).
 *
 * Stress knob (STYLE habit 19): WALOS_RUN_STRESS_BLOCK=1 in the host environment makes every other
 * call that may block (read, write, poll with a timeout, accept, recv, send) answer PLAT_WOULD_BLOCK
 * first, as the kernel backend does, so walos-run exercises the engine's WASM_BLOCK/resume path and
 * wasi/'s retries with real programs.
 *
 * Directory reading keeps one DIR stream per handle (a small table indexed by fd) so that reading
 * a directory by cookies in order costs O(1) per entry; cookies are positions (entry indexes + 1). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "walos/platform.h"
#include "host/platform_posix_priv.h"

int posix_wasi_errno(int e)
{
    switch (e) {
    case 0: return WASI_ESUCCESS;
    case E2BIG: return WASI_E2BIG;
    case EACCES: return WASI_EACCES;
    case EADDRINUSE: return WASI_EADDRINUSE;
    case EADDRNOTAVAIL: return WASI_EADDRNOTAVAIL;
    case EAFNOSUPPORT: return WASI_EAFNOSUPPORT;
    case EAGAIN: return WASI_EAGAIN;
    case EALREADY: return WASI_EALREADY;
    case EBADF: return WASI_EBADF;
    case EBADMSG: return WASI_EBADMSG;
    case EBUSY: return WASI_EBUSY;
    case ECANCELED: return WASI_ECANCELED;
    case ECHILD: return WASI_ECHILD;
    case ECONNABORTED: return WASI_ECONNABORTED;
    case ECONNREFUSED: return WASI_ECONNREFUSED;
    case ECONNRESET: return WASI_ECONNRESET;
    case EDEADLK: return WASI_EDEADLK;
    case EDESTADDRREQ: return WASI_EDESTADDRREQ;
    case EDOM: return WASI_EDOM;
    case EDQUOT: return WASI_EDQUOT;
    case EEXIST: return WASI_EEXIST;
    case EFAULT: return WASI_EFAULT;
    case EFBIG: return WASI_EFBIG;
    case EHOSTUNREACH: return WASI_EHOSTUNREACH;
    case EIDRM: return WASI_EIDRM;
    case EILSEQ: return WASI_EILSEQ;
    case EINPROGRESS: return WASI_EINPROGRESS;
    case EINTR: return WASI_EINTR;
    case EINVAL: return WASI_EINVAL;
    case EIO: return WASI_EIO;
    case EISCONN: return WASI_EISCONN;
    case EISDIR: return WASI_EISDIR;
    case ELOOP: return WASI_ELOOP;
    case EMFILE: return WASI_EMFILE;
    case EMLINK: return WASI_EMLINK;
    case EMSGSIZE: return WASI_EMSGSIZE;
    case ENAMETOOLONG: return WASI_ENAMETOOLONG;
    case ENETDOWN: return WASI_ENETDOWN;
    case ENETRESET: return WASI_ENETRESET;
    case ENETUNREACH: return WASI_ENETUNREACH;
    case ENFILE: return WASI_ENFILE;
    case ENOBUFS: return WASI_ENOBUFS;
    case ENODEV: return WASI_ENODEV;
    case ENOENT: return WASI_ENOENT;
    case ENOEXEC: return WASI_ENOEXEC;
    case ENOLCK: return WASI_ENOLCK;
    case ENOMEM: return WASI_ENOMEM;
    case ENOMSG: return WASI_ENOMSG;
    case ENOPROTOOPT: return WASI_ENOPROTOOPT;
    case ENOSPC: return WASI_ENOSPC;
    case ENOSYS: return WASI_ENOSYS;
    case ENOTCONN: return WASI_ENOTCONN;
    case ENOTDIR: return WASI_ENOTDIR;
    case ENOTEMPTY: return WASI_ENOTEMPTY;
    case ENOTSOCK: return WASI_ENOTSOCK;
    case ENOTSUP: return WASI_ENOTSUP;
    case ENOTTY: return WASI_ENOTTY;
    case ENXIO: return WASI_ENXIO;
    case EOVERFLOW: return WASI_EOVERFLOW;
    case EPERM: return WASI_EPERM;
    case EPIPE: return WASI_EPIPE;
    case EPROTO: return WASI_EPROTO;
    case EPROTONOSUPPORT: return WASI_EPROTONOSUPPORT;
    case EPROTOTYPE: return WASI_EPROTOTYPE;
    case ERANGE: return WASI_ERANGE;
    case EROFS: return WASI_EROFS;
    case ESPIPE: return WASI_ESPIPE;
    case ESRCH: return WASI_ESRCH;
    case ESTALE: return WASI_ESTALE;
    case ETIMEDOUT: return WASI_ETIMEDOUT;
    case ETXTBSY: return WASI_ETXTBSY;
    case EXDEV: return WASI_EXDEV;
    default: return WASI_EIO;
    }
}

/* The stress knob: true on every other call when WALOS_RUN_STRESS_BLOCK is set. */
bool posix_stress_block(void)
{
    static int enabled = -1;
    static unsigned calls;
    if (enabled < 0) {
        const char *v = getenv("WALOS_RUN_STRESS_BLOCK");
        enabled = v && *v && *v != '0';
    }
    return enabled && (calls++ & 1) == 0;
}

static int result(int rc) { return rc < 0 ? posix_wasi_errno(errno) : WASI_ESUCCESS; }

static uint8_t filetype_of(mode_t mode)
{
    if (S_ISREG(mode)) return WASI_FILETYPE_REGULAR_FILE;
    if (S_ISDIR(mode)) return WASI_FILETYPE_DIRECTORY;
    if (S_ISLNK(mode)) return WASI_FILETYPE_SYMBOLIC_LINK;
    if (S_ISCHR(mode)) return WASI_FILETYPE_CHARACTER_DEVICE;
    if (S_ISBLK(mode)) return WASI_FILETYPE_BLOCK_DEVICE;
    if (S_ISSOCK(mode)) return WASI_FILETYPE_SOCKET_STREAM;
    return WASI_FILETYPE_UNKNOWN;   /* FIFOs have no WASI type */
}

static uint64_t ns_of(struct timespec t) { return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec; }

static void filestat_of(const struct stat *s, struct plat_filestat *out)
{
    out->dev = s->st_dev;
    out->ino = s->st_ino;
    out->filetype = filetype_of(s->st_mode);
    out->nlink = s->st_nlink;
    out->size = (uint64_t)s->st_size;
    out->atim = ns_of(s->st_atim);
    out->mtim = ns_of(s->st_mtim);
    out->ctim = ns_of(s->st_ctim);
}

/* ---- directory streams, one per handle ---- */
#define DIRS_MAX 1024
static struct {
    DIR *dir[DIRS_MAX];        /* on a dup of the handle, so closedir leaves the handle open */
    uint64_t pos[DIRS_MAX];    /* cookie of the next entry readdir returns */
} dirs;

static void dir_forget(int fd)
{
    if (fd >= 0 && fd < DIRS_MAX && dirs.dir[fd]) {
        closedir(dirs.dir[fd]);
        dirs.dir[fd] = NULL;
    }
}

/* ---- handles ---- */
int plat_open_at(plat_handle dir, const char *name, uint32_t oflags, uint32_t fdflags, bool read,
                 bool write, plat_handle *out)
{
    int flags = O_NOFOLLOW | O_CLOEXEC | O_NOCTTY;
    flags |= read && write ? O_RDWR : write ? O_WRONLY : O_RDONLY;
    if (oflags & WASI_OFLAG_CREAT) flags |= O_CREAT;
    if (oflags & WASI_OFLAG_DIRECTORY) flags |= O_DIRECTORY;
    if (oflags & WASI_OFLAG_EXCL) flags |= O_EXCL;
    if (oflags & WASI_OFLAG_TRUNC) flags |= O_TRUNC;
    if (fdflags & WASI_FDFLAG_APPEND) flags |= O_APPEND;
    if (fdflags & WASI_FDFLAG_DSYNC) flags |= O_DSYNC;
    if (fdflags & WASI_FDFLAG_NONBLOCK) flags |= O_NONBLOCK;
    if (fdflags & (WASI_FDFLAG_RSYNC | WASI_FDFLAG_SYNC)) flags |= O_SYNC;
    int fd = openat(dir, name, flags, 0666);
    if (fd < 0 && errno == EISDIR && write &&
        !(oflags & (WASI_OFLAG_CREAT | WASI_OFLAG_TRUNC | WASI_OFLAG_DIRECTORY))) {
        /* a directory reached without O_DIRECTORY opens read-only; asking for a directory
         * explicitly with write access stays EISDIR (as on Linux) */
        flags = (flags & ~(O_WRONLY | O_RDWR)) | O_RDONLY;
        fd = openat(dir, name, flags, 0666);
    }
    if (fd < 0)
        return posix_wasi_errno(errno);
    *out = fd;
    return WASI_ESUCCESS;
}

int plat_fd_close(plat_handle h)
{
    dir_forget(h);
    return result(close(h));
}

static int xfer_result(ssize_t n, size_t *n_out)
{
    if (n < 0)
        return posix_wasi_errno(errno);
    *n_out = (size_t)n;
    return WASI_ESUCCESS;
}

/* struct plat_iovec has struct iovec's layout (pointer, size_t) on every POSIX ABI we build for */
_Static_assert(sizeof(struct plat_iovec) == sizeof(struct iovec), "iovec layout");

/* More than IOV_MAX buffers is EINVAL for readv/writev: transfer the first IOV_MAX (a short
 * transfer, which the contract allows) instead. */
static int iov_count(size_t count) { return count > IOV_MAX ? IOV_MAX : (int)count; }

int plat_fd_read(plat_handle h, const struct plat_iovec *iov, size_t count, size_t *n_out)
{
    if (posix_stress_block())
        return PLAT_WOULD_BLOCK;
    return xfer_result(readv(h, (const struct iovec *)iov, iov_count(count)), n_out);
}

int plat_fd_write(plat_handle h, const struct plat_iovec *iov, size_t count, size_t *n_out)
{
    if (posix_stress_block())
        return PLAT_WOULD_BLOCK;
    return xfer_result(writev(h, (const struct iovec *)iov, iov_count(count)), n_out);
}

int plat_fd_pread(plat_handle h, const struct plat_iovec *iov, size_t count, uint64_t offset,
                  size_t *n_out)
{
    return xfer_result(preadv(h, (const struct iovec *)iov, iov_count(count), (off_t)offset), n_out);
}

int plat_fd_pwrite(plat_handle h, const struct plat_iovec *iov, size_t count, uint64_t offset,
                   size_t *n_out)
{
    return xfer_result(pwritev(h, (const struct iovec *)iov, iov_count(count), (off_t)offset), n_out);
}

int plat_fd_seek(plat_handle h, int64_t offset, uint8_t whence, uint64_t *pos_out)
{
    int w = whence == WASI_WHENCE_SET ? SEEK_SET : whence == WASI_WHENCE_CUR ? SEEK_CUR : SEEK_END;
    off_t pos = lseek(h, (off_t)offset, w);
    if (pos < 0)
        return posix_wasi_errno(errno);
    *pos_out = (uint64_t)pos;
    return WASI_ESUCCESS;
}

int plat_fd_stat(plat_handle h, struct plat_filestat *out)
{
    struct stat s;
    if (fstat(h, &s) < 0)
        return posix_wasi_errno(errno);
    filestat_of(&s, out);
    return WASI_ESUCCESS;
}

int plat_fd_get_flags(plat_handle h, uint16_t *fdflags_out)
{
    int fl = fcntl(h, F_GETFL);
    if (fl < 0)
        return posix_wasi_errno(errno);
    uint16_t f = 0;
    if (fl & O_APPEND) f |= WASI_FDFLAG_APPEND;
    if (fl & O_NONBLOCK) f |= WASI_FDFLAG_NONBLOCK;
    if ((fl & O_SYNC) == O_SYNC) f |= WASI_FDFLAG_SYNC | WASI_FDFLAG_RSYNC;
    else if (fl & O_DSYNC) f |= WASI_FDFLAG_DSYNC;
    *fdflags_out = f;
    return WASI_ESUCCESS;
}

/* Linux changes only O_APPEND and O_NONBLOCK with F_SETFL; the sync flags cannot change on an open
 * file, so asking for them is WASI_ENOTSUP. */
int plat_fd_set_flags(plat_handle h, uint16_t fdflags)
{
    if (fdflags & (WASI_FDFLAG_DSYNC | WASI_FDFLAG_RSYNC | WASI_FDFLAG_SYNC))
        return WASI_ENOTSUP;
    int fl = fcntl(h, F_GETFL);
    if (fl < 0)
        return posix_wasi_errno(errno);
    fl &= ~(O_APPEND | O_NONBLOCK);
    if (fdflags & WASI_FDFLAG_APPEND) fl |= O_APPEND;
    if (fdflags & WASI_FDFLAG_NONBLOCK) fl |= O_NONBLOCK;
    return result(fcntl(h, F_SETFL, fl));
}

int plat_fd_set_size(plat_handle h, uint64_t size)
{
    return result(ftruncate(h, (off_t)size));
}

static void times_of(uint64_t atim, uint64_t mtim, uint16_t fst, struct timespec ts[2])
{
    ts[0].tv_sec = (time_t)(atim / 1000000000ull);
    ts[0].tv_nsec = (long)(atim % 1000000000ull);
    ts[1].tv_sec = (time_t)(mtim / 1000000000ull);
    ts[1].tv_nsec = (long)(mtim % 1000000000ull);
    if (fst & WASI_FSTFLAG_ATIM_NOW) ts[0].tv_nsec = UTIME_NOW;
    else if (!(fst & WASI_FSTFLAG_ATIM)) ts[0].tv_nsec = UTIME_OMIT;
    if (fst & WASI_FSTFLAG_MTIM_NOW) ts[1].tv_nsec = UTIME_NOW;
    else if (!(fst & WASI_FSTFLAG_MTIM)) ts[1].tv_nsec = UTIME_OMIT;
}

int plat_fd_set_times(plat_handle h, uint64_t atim, uint64_t mtim, uint16_t fstflags)
{
    struct timespec ts[2];
    times_of(atim, mtim, fstflags, ts);
    return result(futimens(h, ts));
}

int plat_fd_sync(plat_handle h) { return result(fsync(h)); }
int plat_fd_datasync(plat_handle h) { return result(fdatasync(h)); }

int plat_fd_advise(plat_handle h, uint64_t offset, uint64_t len, uint8_t advice)
{
    static const int adv[] = {POSIX_FADV_NORMAL, POSIX_FADV_SEQUENTIAL, POSIX_FADV_RANDOM,
                              POSIX_FADV_WILLNEED, POSIX_FADV_DONTNEED, POSIX_FADV_NOREUSE};
    if (advice >= sizeof adv / sizeof adv[0])
        return WASI_EINVAL;
    int rc = posix_fadvise(h, (off_t)offset, (off_t)len, adv[advice]);
    return rc == ESPIPE ? WASI_ESUCCESS : posix_wasi_errno(rc);   /* advice on a pipe is moot */
}

int plat_fd_allocate(plat_handle h, uint64_t offset, uint64_t len)
{
    int rc = posix_fallocate(h, (off_t)offset, (off_t)len);
    return posix_wasi_errno(rc);
}

static void put_dirent(plat_handle h, const struct dirent *e, uint64_t next,
                       struct plat_dirent *out, char *name, size_t name_cap, size_t *name_len_out)
{
    size_t len = strlen(e->d_name);
    memcpy(name, e->d_name, len < name_cap ? len : name_cap);
    *name_len_out = len;
    out->next = next;
    out->ino = e->d_ino;
    switch (e->d_type) {
    case DT_REG: out->filetype = WASI_FILETYPE_REGULAR_FILE; break;
    case DT_DIR: out->filetype = WASI_FILETYPE_DIRECTORY; break;
    case DT_LNK: out->filetype = WASI_FILETYPE_SYMBOLIC_LINK; break;
    case DT_CHR: out->filetype = WASI_FILETYPE_CHARACTER_DEVICE; break;
    case DT_BLK: out->filetype = WASI_FILETYPE_BLOCK_DEVICE; break;
    case DT_SOCK: out->filetype = WASI_FILETYPE_SOCKET_STREAM; break;
    default: {
        struct stat s;
        out->filetype = fstatat(h, e->d_name, &s, AT_SYMLINK_NOFOLLOW) == 0
                            ? filetype_of(s.st_mode) : WASI_FILETYPE_UNKNOWN;
    }
    }
}

/* Handles past the table: a stream opened for this one call, read up to `cookie` (slow, rare). */
static int readdir_uncached(plat_handle h, uint64_t cookie, struct plat_dirent *out, char *name,
                            size_t name_cap, size_t *name_len_out, bool *end_out)
{
    int dup_fd = fcntl(h, F_DUPFD_CLOEXEC, 0);
    if (dup_fd < 0)
        return posix_wasi_errno(errno);
    DIR *d = fdopendir(dup_fd);
    if (!d) {
        close(dup_fd);
        return posix_wasi_errno(errno);
    }
    rewinddir(d);
    struct dirent *e;
    uint64_t pos = 0;
    int err = WASI_ESUCCESS;
    for (;;) {
        errno = 0;
        e = readdir(d);
        if (!e) {
            err = errno ? posix_wasi_errno(errno) : WASI_ESUCCESS;
            *end_out = true;
            break;
        }
        if (pos++ >= cookie) {
            put_dirent(h, e, pos, out, name, name_cap, name_len_out);
            *end_out = false;
            break;
        }
    }
    closedir(d);
    return err;
}

int plat_fd_readdir(plat_handle h, uint64_t cookie, struct plat_dirent *out, char *name,
                    size_t name_cap, size_t *name_len_out, bool *end_out)
{
    if (h < 0)
        return WASI_EBADF;
    if (h >= DIRS_MAX)
        return readdir_uncached(h, cookie, out, name, name_cap, name_len_out, end_out);
    DIR *d = dirs.dir[h];
    if (!d) {
        int dup_fd = fcntl(h, F_DUPFD_CLOEXEC, DIRS_MAX);   /* above the table's range */
        if (dup_fd < 0)
            return posix_wasi_errno(errno);
        d = fdopendir(dup_fd);
        if (!d) {
            close(dup_fd);
            return posix_wasi_errno(errno);
        }
        dirs.dir[h] = d;
        dirs.pos[h] = 0;
    }
    if (cookie < dirs.pos[h] || cookie == 0) {
        rewinddir(d);
        dirs.pos[h] = 0;
    }
    struct dirent *e;
    for (;;) {
        errno = 0;
        e = readdir(d);
        if (!e) {
            if (errno)
                return posix_wasi_errno(errno);
            *end_out = true;
            return WASI_ESUCCESS;
        }
        if (dirs.pos[h]++ >= cookie)
            break;
    }
    put_dirent(h, e, dirs.pos[h], out, name, name_cap, name_len_out);
    *end_out = false;
    return WASI_ESUCCESS;
}

/* ---- names in a directory ---- */
int plat_stat_at(plat_handle dir, const char *name, struct plat_filestat *out)
{
    struct stat s;
    if (fstatat(dir, name, &s, AT_SYMLINK_NOFOLLOW) < 0)
        return posix_wasi_errno(errno);
    filestat_of(&s, out);
    return WASI_ESUCCESS;
}

int plat_readlink_at(plat_handle dir, const char *name, char *buf, size_t cap, size_t *len_out)
{
    char tmp[4096];
    ssize_t n = readlinkat(dir, name, tmp, sizeof tmp);
    if (n < 0)
        return posix_wasi_errno(errno);
    size_t k = (size_t)n < cap ? (size_t)n : cap;
    memcpy(buf, tmp, k);
    *len_out = k;
    return WASI_ESUCCESS;
}

int plat_mkdir_at(plat_handle dir, const char *name) { return result(mkdirat(dir, name, 0777)); }
int plat_rmdir_at(plat_handle dir, const char *name)
{
    return result(unlinkat(dir, name, AT_REMOVEDIR));
}
int plat_unlink_at(plat_handle dir, const char *name) { return result(unlinkat(dir, name, 0)); }

int plat_rename_at(plat_handle old_dir, const char *old_name, plat_handle new_dir,
                   const char *new_name)
{
    return result(renameat(old_dir, old_name, new_dir, new_name));
}

int plat_link_at(plat_handle old_dir, const char *old_name, plat_handle new_dir,
                 const char *new_name)
{
    return result(linkat(old_dir, old_name, new_dir, new_name, 0));
}

int plat_symlink_at(const char *target, plat_handle dir, const char *name)
{
    return result(symlinkat(target, dir, name));
}

int plat_set_times_at(plat_handle dir, const char *name, uint64_t atim, uint64_t mtim,
                      uint16_t fstflags)
{
    struct timespec ts[2];
    times_of(atim, mtim, fstflags, ts);
    return result(utimensat(dir, name, ts, AT_SYMLINK_NOFOLLOW));
}

/* ---- clocks, random, scheduling ---- */
static int clock_of(uint32_t id, clockid_t *out)
{
    switch (id) {
    case WASI_CLOCK_REALTIME: *out = CLOCK_REALTIME; return WASI_ESUCCESS;
    case WASI_CLOCK_MONOTONIC: *out = CLOCK_MONOTONIC; return WASI_ESUCCESS;
    case WASI_CLOCK_PROCESS_CPUTIME: *out = CLOCK_PROCESS_CPUTIME_ID; return WASI_ESUCCESS;
    case WASI_CLOCK_THREAD_CPUTIME: *out = CLOCK_THREAD_CPUTIME_ID; return WASI_ESUCCESS;
    default: return WASI_EINVAL;
    }
}

int plat_clock_time(uint32_t id, uint64_t *ns_out)
{
    clockid_t c;
    struct timespec t;
    int err = clock_of(id, &c);
    if (err)
        return err;
    if (clock_gettime(c, &t) < 0)
        return posix_wasi_errno(errno);
    *ns_out = ns_of(t);
    return WASI_ESUCCESS;
}

int plat_clock_res(uint32_t id, uint64_t *ns_out)
{
    clockid_t c;
    struct timespec t;
    int err = clock_of(id, &c);
    if (err)
        return err;
    if (clock_getres(c, &t) < 0)
        return posix_wasi_errno(errno);
    *ns_out = ns_of(t);
    return WASI_ESUCCESS;
}

int plat_random(void *buf, size_t len)
{
    uint8_t *p = buf;
    while (len > 0) {
        ssize_t n = getrandom(p, len, 0);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return posix_wasi_errno(errno);
        }
        p += n;
        len -= (size_t)n;
    }
    return WASI_ESUCCESS;
}

int plat_yield(void) { return result(sched_yield()); }

/* ---- readiness ---- */
int plat_poll(struct plat_pollfd *fds, size_t count, int64_t timeout_ns, size_t *ready_out)
{
    if (timeout_ns != 0 && posix_stress_block())
        return PLAT_WOULD_BLOCK;
    struct pollfd inline_p[16], *p = inline_p;
    if (count > 16) {
        p = calloc(count, sizeof *p);
        if (!p)
            return WASI_ENOMEM;
    }
    for (size_t i = 0; i < count; i++) {
        p[i].fd = fds[i].handle;
        p[i].events = (short)((fds[i].want & PLAT_POLL_READ ? POLLIN : 0) |
                              (fds[i].want & PLAT_POLL_WRITE ? POLLOUT : 0));
        p[i].revents = 0;
    }
    struct timespec ts, *tsp = NULL;
    if (timeout_ns >= 0) {
        ts.tv_sec = (time_t)(timeout_ns / 1000000000);
        ts.tv_nsec = (long)(timeout_ns % 1000000000);
        tsp = &ts;
    }
    int n = ppoll(p, (nfds_t)count, tsp, NULL);
    int err = WASI_ESUCCESS;
    if (n < 0) {
        err = errno == EINTR ? WASI_ESUCCESS : posix_wasi_errno(errno);
        n = 0;
    }
    size_t ready = 0;
    for (size_t i = 0; i < count && n > 0; i++) {
        short r = p[i].revents;
        fds[i].ready = (uint8_t)((r & (POLLIN | POLLHUP | POLLERR) && fds[i].want & PLAT_POLL_READ
                                      ? PLAT_POLL_READ : 0) |
                                 (r & (POLLOUT | POLLERR) && fds[i].want & PLAT_POLL_WRITE
                                      ? PLAT_POLL_WRITE : 0));
        fds[i].hangup = (r & POLLHUP) != 0;
        fds[i].error = r & POLLNVAL ? WASI_EBADF : 0;
        int avail = 0;
        if (fds[i].ready & PLAT_POLL_READ && ioctl(p[i].fd, FIONREAD, &avail) == 0 && avail > 0)
            fds[i].nbytes = (uint64_t)avail;
        if (fds[i].ready || fds[i].error)
            ready++;
    }
    if (p != inline_p)
        free(p);
    *ready_out = ready;
    return err;
}

/* ---- sockets ---- */
int plat_sock_accept(plat_handle listener, uint16_t fdflags, plat_handle *out)
{
    if (posix_stress_block())
        return PLAT_WOULD_BLOCK;
    int flags = SOCK_CLOEXEC | (fdflags & WASI_FDFLAG_NONBLOCK ? SOCK_NONBLOCK : 0);
    int fd = accept4(listener, NULL, NULL, flags);
    if (fd < 0)
        return posix_wasi_errno(errno);
    *out = fd;
    return WASI_ESUCCESS;
}

int plat_sock_recv(plat_handle h, const struct plat_iovec *iov, size_t count, uint16_t riflags,
                   size_t *n_out, uint16_t *roflags_out)
{
    if (posix_stress_block())
        return PLAT_WOULD_BLOCK;
    struct msghdr m = {.msg_iov = (struct iovec *)iov, .msg_iovlen = (size_t)iov_count(count)};
    int flags = (riflags & WASI_RIFLAG_RECV_PEEK ? MSG_PEEK : 0) |
                (riflags & WASI_RIFLAG_RECV_WAITALL ? MSG_WAITALL : 0);
    ssize_t n = recvmsg(h, &m, flags);
    if (n < 0)
        return posix_wasi_errno(errno);
    *n_out = (size_t)n;
    *roflags_out = m.msg_flags & MSG_TRUNC ? WASI_ROFLAG_RECV_DATA_TRUNCATED : 0;
    return WASI_ESUCCESS;
}

int plat_sock_send(plat_handle h, const struct plat_iovec *iov, size_t count, size_t *n_out)
{
    if (posix_stress_block())
        return PLAT_WOULD_BLOCK;
    struct msghdr m = {.msg_iov = (struct iovec *)iov, .msg_iovlen = (size_t)iov_count(count)};
    return xfer_result(sendmsg(h, &m, MSG_NOSIGNAL), n_out);
}

int plat_sock_shutdown(plat_handle h, uint8_t how)
{
    int w = how == (WASI_SDFLAG_RD | WASI_SDFLAG_WR) ? SHUT_RDWR
            : how == WASI_SDFLAG_RD ? SHUT_RD : SHUT_WR;
    return result(shutdown(h, w));
}
