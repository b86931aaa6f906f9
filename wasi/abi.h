/* wasi/abi.h — wasi_snapshot_preview1 wire format: constants and struct layouts, no functions.
 *
 * Values and offsets are those of the preview1 witx (typenames.witx). Guest structs are read and
 * written field by field at the offsets below (little-endian, the guest's layout), never through
 * host structs, so host padding and alignment never leak into guest memory. */
#ifndef WASI_ABI_H
#define WASI_ABI_H

/* errno (witx `errno`, u16) */
enum wasi_errno {
    WASI_ESUCCESS = 0, WASI_E2BIG = 1, WASI_EACCES = 2, WASI_EADDRINUSE = 3, WASI_EADDRNOTAVAIL = 4,
    WASI_EAFNOSUPPORT = 5, WASI_EAGAIN = 6, WASI_EALREADY = 7, WASI_EBADF = 8, WASI_EBADMSG = 9,
    WASI_EBUSY = 10, WASI_ECANCELED = 11, WASI_ECHILD = 12, WASI_ECONNABORTED = 13,
    WASI_ECONNREFUSED = 14, WASI_ECONNRESET = 15, WASI_EDEADLK = 16, WASI_EDESTADDRREQ = 17,
    WASI_EDOM = 18, WASI_EDQUOT = 19, WASI_EEXIST = 20, WASI_EFAULT = 21, WASI_EFBIG = 22,
    WASI_EHOSTUNREACH = 23, WASI_EIDRM = 24, WASI_EILSEQ = 25, WASI_EINPROGRESS = 26,
    WASI_EINTR = 27, WASI_EINVAL = 28, WASI_EIO = 29, WASI_EISCONN = 30, WASI_EISDIR = 31,
    WASI_ELOOP = 32, WASI_EMFILE = 33, WASI_EMLINK = 34, WASI_EMSGSIZE = 35, WASI_EMULTIHOP = 36,
    WASI_ENAMETOOLONG = 37, WASI_ENETDOWN = 38, WASI_ENETRESET = 39, WASI_ENETUNREACH = 40,
    WASI_ENFILE = 41, WASI_ENOBUFS = 42, WASI_ENODEV = 43, WASI_ENOENT = 44, WASI_ENOEXEC = 45,
    WASI_ENOLCK = 46, WASI_ENOLINK = 47, WASI_ENOMEM = 48, WASI_ENOMSG = 49, WASI_ENOPROTOOPT = 50,
    WASI_ENOSPC = 51, WASI_ENOSYS = 52, WASI_ENOTCONN = 53, WASI_ENOTDIR = 54, WASI_ENOTEMPTY = 55,
    WASI_ENOTRECOVERABLE = 56, WASI_ENOTSOCK = 57, WASI_ENOTSUP = 58, WASI_ENOTTY = 59,
    WASI_ENXIO = 60, WASI_EOVERFLOW = 61, WASI_EOWNERDEAD = 62, WASI_EPERM = 63, WASI_EPIPE = 64,
    WASI_EPROTO = 65, WASI_EPROTONOSUPPORT = 66, WASI_EPROTOTYPE = 67, WASI_ERANGE = 68,
    WASI_EROFS = 69, WASI_ESPIPE = 70, WASI_ESRCH = 71, WASI_ESTALE = 72, WASI_ETIMEDOUT = 73,
    WASI_ETXTBSY = 74, WASI_EXDEV = 75, WASI_ENOTCAPABLE = 76,
    /* WasmEdge's extension for sock_getaddrinfo (WasmEdge include/wasi/api.hpp: EAI_* of getaddrinfo) */
    WASI_EAI_ADDRFAMILY = 77, WASI_EAI_AGAIN = 78, WASI_EAI_BADFLAGS = 79, WASI_EAI_FAIL = 80,
    WASI_EAI_FAMILY = 81, WASI_EAI_MEMORY = 82, WASI_EAI_NODATA = 83, WASI_EAI_NONAME = 84,
    WASI_EAI_SERVICE = 85, WASI_EAI_SOCKTYPE = 86, WASI_EAI_SYSTEM = 87,
};

/* rights (u64 bit set) */
#define WASI_RIGHT_FD_DATASYNC              (1ull << 0)
#define WASI_RIGHT_FD_READ                  (1ull << 1)
#define WASI_RIGHT_FD_SEEK                  (1ull << 2)
#define WASI_RIGHT_FD_FDSTAT_SET_FLAGS      (1ull << 3)
#define WASI_RIGHT_FD_SYNC                  (1ull << 4)
#define WASI_RIGHT_FD_TELL                  (1ull << 5)
#define WASI_RIGHT_FD_WRITE                 (1ull << 6)
#define WASI_RIGHT_FD_ADVISE                (1ull << 7)
#define WASI_RIGHT_FD_ALLOCATE              (1ull << 8)
#define WASI_RIGHT_PATH_CREATE_DIRECTORY    (1ull << 9)
#define WASI_RIGHT_PATH_CREATE_FILE         (1ull << 10)
#define WASI_RIGHT_PATH_LINK_SOURCE         (1ull << 11)
#define WASI_RIGHT_PATH_LINK_TARGET         (1ull << 12)
#define WASI_RIGHT_PATH_OPEN                (1ull << 13)
#define WASI_RIGHT_FD_READDIR               (1ull << 14)
#define WASI_RIGHT_PATH_READLINK            (1ull << 15)
#define WASI_RIGHT_PATH_RENAME_SOURCE       (1ull << 16)
#define WASI_RIGHT_PATH_RENAME_TARGET       (1ull << 17)
#define WASI_RIGHT_PATH_FILESTAT_GET        (1ull << 18)
#define WASI_RIGHT_PATH_FILESTAT_SET_SIZE   (1ull << 19)
#define WASI_RIGHT_PATH_FILESTAT_SET_TIMES  (1ull << 20)
#define WASI_RIGHT_FD_FILESTAT_GET          (1ull << 21)
#define WASI_RIGHT_FD_FILESTAT_SET_SIZE     (1ull << 22)
#define WASI_RIGHT_FD_FILESTAT_SET_TIMES    (1ull << 23)
#define WASI_RIGHT_PATH_SYMLINK             (1ull << 24)
#define WASI_RIGHT_PATH_REMOVE_DIRECTORY    (1ull << 25)
#define WASI_RIGHT_PATH_UNLINK_FILE         (1ull << 26)
#define WASI_RIGHT_POLL_FD_READWRITE        (1ull << 27)
#define WASI_RIGHT_SOCK_SHUTDOWN            (1ull << 28)
#define WASI_RIGHT_SOCK_ACCEPT              (1ull << 29)
#define WASI_RIGHTS_ALL                     ((1ull << 30) - 1)

/* filetype (u8) */
enum wasi_filetype {
    WASI_FILETYPE_UNKNOWN = 0, WASI_FILETYPE_BLOCK_DEVICE = 1, WASI_FILETYPE_CHARACTER_DEVICE = 2,
    WASI_FILETYPE_DIRECTORY = 3, WASI_FILETYPE_REGULAR_FILE = 4, WASI_FILETYPE_SOCKET_DGRAM = 5,
    WASI_FILETYPE_SOCKET_STREAM = 6, WASI_FILETYPE_SYMBOLIC_LINK = 7,
};

/* fdflags (u16) */
#define WASI_FDFLAG_APPEND   0x01
#define WASI_FDFLAG_DSYNC    0x02
#define WASI_FDFLAG_NONBLOCK 0x04
#define WASI_FDFLAG_RSYNC    0x08
#define WASI_FDFLAG_SYNC     0x10
#define WASI_FDFLAGS_ALL     0x1f

/* oflags (u16) */
#define WASI_OFLAG_CREAT     0x01
#define WASI_OFLAG_DIRECTORY 0x02
#define WASI_OFLAG_EXCL      0x04
#define WASI_OFLAG_TRUNC     0x08
#define WASI_OFLAGS_ALL      0x0f

/* lookupflags (u32) */
#define WASI_LOOKUP_SYMLINK_FOLLOW 0x01

/* fstflags (u16) */
#define WASI_FSTFLAG_ATIM     0x01
#define WASI_FSTFLAG_ATIM_NOW 0x02
#define WASI_FSTFLAG_MTIM     0x04
#define WASI_FSTFLAG_MTIM_NOW 0x08
#define WASI_FSTFLAGS_ALL     0x0f

/* whence (u8) */
enum wasi_whence { WASI_WHENCE_SET = 0, WASI_WHENCE_CUR = 1, WASI_WHENCE_END = 2 };

/* advice (u8): normal, sequential, random, willneed, dontneed, noreuse */
#define WASI_ADVICE_MAX 5

/* clockid (u32) */
enum wasi_clockid {
    WASI_CLOCK_REALTIME = 0, WASI_CLOCK_MONOTONIC = 1, WASI_CLOCK_PROCESS_CPUTIME = 2,
    WASI_CLOCK_THREAD_CPUTIME = 3,
};

/* eventtype (u8), subclockflags (u16), eventrwflags (u16) */
enum wasi_eventtype { WASI_EVENT_CLOCK = 0, WASI_EVENT_FD_READ = 1, WASI_EVENT_FD_WRITE = 2 };
#define WASI_SUBCLOCK_ABSTIME 0x01
#define WASI_EVENTRW_HANGUP   0x01

/* riflags, roflags, siflags, sdflags */
#define WASI_RIFLAG_RECV_PEEK    0x01
#define WASI_RIFLAG_RECV_WAITALL 0x02
#define WASI_ROFLAG_RECV_DATA_TRUNCATED 0x01
#define WASI_SDFLAG_RD 0x01
#define WASI_SDFLAG_WR 0x02

/* preopentype (u8) */
#define WASI_PREOPENTYPE_DIR 0

/* ---- struct layouts: size and field offsets ------------------------------------------------ */

/* iovec / ciovec: buf u32 @0, buf_len u32 @4 */
#define WASI_IOVEC_SIZE 8
/* fdstat: fs_filetype u8 @0, fs_flags u16 @2, fs_rights_base u64 @8, fs_rights_inheriting u64 @16 */
#define WASI_FDSTAT_SIZE 24
/* filestat: dev @0, ino @8, filetype u8 @16, nlink @24, size @32, atim @40, mtim @48, ctim @56 */
#define WASI_FILESTAT_SIZE 64
/* prestat: tag u8 @0, pr_name_len u32 @4 */
#define WASI_PRESTAT_SIZE 8
/* dirent: d_next u64 @0, d_ino u64 @8, d_namlen u32 @16, d_type u8 @20; the name follows */
#define WASI_DIRENT_SIZE 24
/* subscription: userdata u64 @0, tag u8 @8; clock: id u32 @16, timeout u64 @24, precision u64 @32,
 * flags u16 @40; fd_read/fd_write: file_descriptor u32 @16 */
#define WASI_SUBSCRIPTION_SIZE 48
/* event: userdata u64 @0, error u16 @8, type u8 @10; fd_readwrite: nbytes u64 @16, flags u16 @24 */
#define WASI_EVENT_SIZE 32

#endif
