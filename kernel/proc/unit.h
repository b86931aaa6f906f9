/* kernel/proc/unit.h — unit files: the service manager's description of one service.
 *
 * A unit file is /etc/services/NAME.conf, ini style: one `key=value` a line, blank lines and lines
 * starting with '#' or ';' ignored, an optional `[service]` header first, spaces around key and value
 * trimmed. Keys (each at most once unless marked repeatable):
 *   exec=PATH            required: absolute guest path of the .wasm command module
 *   args=WORDS           arguments after argv[0] (= NAME); words split on blanks, '...' and "..." quote
 *   env=K=V              repeatable: one environment entry
 *   dir=PATH[::GUEST]    repeatable: preopen PATH (absolute) as GUEST (default PATH), as walos-run --dir
 *   after=NAME...        repeatable: start after these services (unknown names are ignored)
 *   restart=no|on-failure|always        default no
 *   max-memory=SIZE      linear memory cap; SIZE is bytes with an optional K, M or G suffix (1024-based)
 *   fuel=N               instruction budget per run (engine fuel); 0 or absent: unlimited
 *   listen=tcp:PORT      repeatable (UNIT_MAX_LISTEN, each port once): the service manager listens on
 *                        0.0.0.0:PORT when the unit is loaded and hands the socket over on every start
 *                        as preopened fds right after the dir= preopens (in file order; as walos-run
 *                        --tcplisten: wasi-libc's preopen scan stops at the first fd that is not a
 *                        directory); a restarted service gets the same socket (connections wait in
 *                        its backlog meanwhile)
 *   allow-net=yes|no     let the program open its own sockets and resolve names (the WasmEdge socket
 *                        extension, as walos-run --allow-net); default no
 *   stdout=TARGET [max=SIZE] [keep=N]   TARGET is console, null or an absolute file path; a file is
 *                        rotated past max bytes (default 64K) keeping N old copies PATH.1..PATH.N
 *                        (default 1). Default: /var/log/NAME.log max=64K keep=1.
 * Strict: an unknown key, a bad value, a repeated single key or a line without '=' is an error, reported
 * as one line "FILE:LINE: what". Portable: no allocation, no I/O; the kernel (kernel/proc) reads the
 * file and calls unit_parse; host tests call it directly (tests/unit/proc/test_unit.c). */
#ifndef KERNEL_PROC_UNIT_H
#define KERNEL_PROC_UNIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define UNIT_NAME_MAX 32        /* service names: [A-Za-z0-9._-], 1..31 characters */
#define UNIT_PATH_MAX 256       /* paths, NUL included */
#define UNIT_MAX_DIRS 8
#define UNIT_MAX_AFTER 8
#define UNIT_MAX_LISTEN 4
#define UNIT_ARGV_MAX 1024      /* packed argv bytes */
#define UNIT_ENV_MAX 1024       /* packed env bytes */
#define UNIT_LINE_MAX 512       /* longest line accepted */
#define UNIT_ERROR_MAX 192      /* a buffer this big holds any error message */

enum unit_restart {
    UNIT_RESTART_NO,            /* never restart */
    UNIT_RESTART_ON_FAILURE,    /* restart after a non-zero exit status (traps included) */
    UNIT_RESTART_ALWAYS,        /* restart whenever it ends, unless stopped by svc */
};

enum unit_output {
    UNIT_OUTPUT_FILE,           /* stdout_path, rotated */
    UNIT_OUTPUT_CONSOLE,        /* the console */
    UNIT_OUTPUT_NULL,           /* discarded */
};

struct unit_dir {
    char host[UNIT_PATH_MAX];   /* the path in walos's VFS */
    char guest[UNIT_PATH_MAX];  /* the preopen name the service sees */
};

struct unit {
    char name[UNIT_NAME_MAX];               /* from the file name, without ".conf" */
    char exec[UNIT_PATH_MAX];
    char argv[UNIT_ARGV_MAX];               /* NUL-separated, argv[0] = name: walos_proc spawn format */
    uint32_t argv_len;
    char env[UNIT_ENV_MAX];                 /* NUL-separated "K=V" */
    uint32_t env_len;
    struct unit_dir dirs[UNIT_MAX_DIRS];
    int ndirs;
    char after[UNIT_MAX_AFTER][UNIT_NAME_MAX];
    int nafter;
    enum unit_restart restart;
    uint64_t max_memory;                    /* bytes; 0: no cap beyond the system's */
    uint64_t fuel;                          /* 0: unlimited */
    uint16_t listen_ports[UNIT_MAX_LISTEN]; /* listen=tcp:PORT, in file order */
    int nlisten;
    bool allow_net;                         /* allow-net=yes */
    enum unit_output output;
    char stdout_path[UNIT_PATH_MAX];        /* UNIT_OUTPUT_FILE only */
    uint64_t stdout_max;                    /* rotate past this many bytes */
    uint32_t stdout_keep;                   /* old copies kept (0..9) */
};

/* Parses the unit file text (len bytes, need not be NUL-terminated) read from path (used for the
 * service name — basename without ".conf", which path must end with — and in messages) into *out.
 * Returns 0, or -1 with one line "PATH:LINE: what" (LINE 0 for a whole-file error such as a missing
 * exec=) in err (err_len bytes, always NUL-terminated when err_len > 0). *out is fully written either
 * way; on error its contents mean nothing. Never allocates or blocks; safe on any bytes. */
int unit_parse(const char *path, const char *text, size_t len, struct unit *out, char *err,
               size_t err_len);

/* Parses a SIZE ("4096", "64K", "16M", "1G"); returns 0 and *bytes_out, or -1 (empty, junk, overflow). */
int unit_parse_size(const char *s, uint64_t *bytes_out);

/* The name of a restart policy as written in unit files. */
const char *unit_restart_name(enum unit_restart r);

#endif /* KERNEL_PROC_UNIT_H */
