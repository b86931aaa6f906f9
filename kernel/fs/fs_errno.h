/* kernel/fs/fs_errno.h — the error enum of the filesystem layers (fat32, ramfs, vfs).
 *
 * The values are WASI preview1 errno numbers, so the kernel's WASI backend passes them through
 * unchanged. 0 = OK. Only the values the filesystems return are listed. */
#ifndef KERNEL_FS_FS_ERRNO_H
#define KERNEL_FS_FS_ERRNO_H

enum fs_err {
    FS_OK = 0,
    FS_EACCES = 2,        /* permission denied: write to a read-only file */
    FS_EBADF = 8,         /* file not open for this access */
    FS_EBUSY = 10,        /* mount point or mounted root in use */
    FS_EEXIST = 20,       /* the name already exists */
    FS_EFBIG = 22,        /* file would exceed the filesystem's size limit (4 GiB - 1 on FAT) */
    FS_EINVAL = 28,       /* bad argument: bad name, rename into own subtree, "." or ".." */
    FS_EIO = 29,          /* device error, or on-disk structure found corrupt */
    FS_EISDIR = 31,       /* a directory where a file is needed */
    FS_ENAMETOOLONG = 37, /* name longer than the filesystem allows */
    FS_ENOENT = 44,       /* no such name */
    FS_ENOMEM = 48,       /* kernel heap exhausted */
    FS_ENOSPC = 51,       /* no free cluster or no room for a directory entry */
    FS_ENOTDIR = 54,      /* a file where a directory is needed */
    FS_ENOTEMPTY = 55,    /* rmdir of a directory that has entries */
    FS_ENOTSUP = 58,      /* operation not supported by this filesystem */
    FS_EROFS = 69,        /* filesystem mounted read-only (by request or after corruption) */
    FS_EXDEV = 75,        /* rename across filesystems */
};

#endif
