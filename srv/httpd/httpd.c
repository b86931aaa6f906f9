/* srv/httpd/httpd.c — a static-file HTTP/1.1 server for walos, over WASI sockets.
 *
 *   httpd [--root DIR] [--listen ADDR:PORT] [--quiet]
 *
 * Serves the files under DIR (default /www, a preopened directory) on every listening socket it was
 * handed as a preopened fd (walos-run --tcplisten, a unit's listen=tcp:PORT: socket activation), or
 * on ADDR:PORT opened itself with the WasmEdge socket extension (sdk/wasmedge_socket.h; needs the
 * runner's permission, walos-run --allow-net).
 *
 * One process, one thread, one poll_oneoff loop over the listeners and every connection; sockets are
 * non-blocking. Per connection: read a request head (up to HEAD_MAX bytes), answer it, stream the
 * file body from a buffer, then read the next request (keep-alive, pipelining) unless the client
 * asked to close or spoke HTTP/1.0 without keep-alive.
 *
 * HTTP (RFC 9112 / RFC 9110): GET and HEAD; 200 with Content-Length and Content-Type, 206 for one
 * "Range: bytes=A-B" (RFC 9110 14.2), 400 for a malformed request, 403 for a path with a ".."
 * segment, 404, 405 for other methods, 416 for an unsatisfiable range, 431 for a head too large, 505
 * for a version other than 1.x. A directory serves its index.html. Idle connections close after
 * IDLE_SECONDS. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <wasi/api.h>

#include "sdk/wasmedge_socket.h"

#define HEAD_MAX 8192          /* request line and headers */
#define OUT_BUF 65536          /* response head and body chunk */
#define MAX_LISTENERS 8
#define MAX_CONNS 1024
#define IDLE_SECONDS 60
#define PATH_MAX_LEN 1024

enum conn_state { READING, WRITING };

struct conn {
    __wasi_fd_t fd;
    enum conn_state state;
    char in[HEAD_MAX];
    size_t in_len;
    char *out;                 /* OUT_BUF bytes */
    size_t out_len, out_off;   /* pending bytes out[out_off, out_len) */
    int file;                  /* body source, -1: none */
    unsigned long long body_left;
    int close_after;           /* close once the response is sent */
    time_t last;               /* last activity */
};

static struct {
    const char *root;
    int quiet;
    __wasi_fd_t listeners[MAX_LISTENERS];
    int nlisteners;
    struct conn *conns[MAX_CONNS];
    int nconns;
} httpd = {.root = "/www"};

static time_t now(void) { return time(NULL); }

/* ---- listeners ---- */

/* Every preopened fd that is a stream socket: the listeners socket activation handed over. */
static void find_preopened(void)
{
    for (__wasi_fd_t fd = 3; fd < 64 && httpd.nlisteners < MAX_LISTENERS; fd++) {
        __wasi_fdstat_t st;
        if (__wasi_fd_fdstat_get(fd, &st) == 0 && st.fs_filetype == __WASI_FILETYPE_SOCKET_STREAM)
            httpd.listeners[httpd.nlisteners++] = fd;
    }
}

/* Opens a listener on "A.B.C.D:PORT" or "[v6]:PORT" (numeric), via the WasmEdge extension. */
static int listen_on(const char *spec)
{
    char host[64];
    const char *colon = strrchr(spec, ':');
    if (!colon || (size_t)(colon - spec) >= sizeof host)
        return -1;
    memcpy(host, spec, (size_t)(colon - spec));
    host[colon - spec] = 0;
    char *h = host;
    if (h[0] == '[') {
        h++;
        h[strlen(h) - 1] = 0;
    }
    wasmedge_addrinfo hints = {.socktype = WASMEDGE_SOCK_STREAM}, res;
    wasmedge_sockaddr sa;
    uint8_t data[26];
    memset(&res, 0, sizeof res);
    sa = (wasmedge_sockaddr){.sa_data_len = sizeof data, .sa_data = data};
    res.addr = &sa;
    wasmedge_addrinfo *first = &res;
    uint32_t n = 0, fd;
    uint32_t e = wasmedge_sock_getaddrinfo(h, strlen(h), colon + 1, strlen(colon + 1), &hints,
                                           &first, 1, &n);
    if (e || n == 0) {
        fprintf(stderr, "httpd: %s: cannot resolve (error %u)\n", spec, (unsigned)e);
        return -1;
    }
    int v6 = res.family == WASMEDGE_AF_INET6;
    wasmedge_address addr = {v6 ? data + 6 : data + 2, v6 ? 16 : 4};
    uint32_t port = (uint32_t)(data[0] << 8 | data[1]);
    int32_t one = 1;
    if ((e = wasmedge_sock_open(res.family, WASMEDGE_SOCK_STREAM, &fd)) ||
        (e = wasmedge_sock_setsockopt(fd, WASMEDGE_SOL_SOCKET, WASMEDGE_SO_REUSEADDR, &one, 4)) ||
        (e = wasmedge_sock_bind(fd, &addr, port)) || (e = wasmedge_sock_listen(fd, 128))) {
        fprintf(stderr, "httpd: %s: cannot listen (error %u)\n", spec, (unsigned)e);
        return -1;
    }
    httpd.listeners[httpd.nlisteners++] = (__wasi_fd_t)fd;
    return 0;
}

/* ---- connections ---- */

static void conn_close(int i)
{
    struct conn *c = httpd.conns[i];
    if (c->file >= 0)
        close(c->file);
    (void)__wasi_fd_close(c->fd);
    free(c->out);
    free(c);
    httpd.conns[i] = httpd.conns[--httpd.nconns];
}

static void accept_all(__wasi_fd_t listener)
{
    for (;;) {
        __wasi_fd_t fd;
        if (__wasi_sock_accept(listener, __WASI_FDFLAGS_NONBLOCK, &fd) != 0)
            return;
        struct conn *c = calloc(1, sizeof *c);
        char *out = malloc(OUT_BUF);
        if (!c || !out || httpd.nconns == MAX_CONNS) {
            free(c);
            free(out);
            (void)__wasi_fd_close(fd);
            continue;
        }
        c->fd = fd;
        c->out = out;
        c->file = -1;
        c->state = READING;
        c->last = now();
        httpd.conns[httpd.nconns++] = c;
    }
}

/* ---- requests ---- */

static const char *content_type(const char *path)
{
    static const struct { const char *ext, *type; } types[] = {
        {".html", "text/html; charset=utf-8"}, {".htm", "text/html; charset=utf-8"},
        {".txt", "text/plain; charset=utf-8"}, {".css", "text/css"},
        {".js", "text/javascript"}, {".json", "application/json"}, {".png", "image/png"},
        {".jpg", "image/jpeg"}, {".gif", "image/gif"}, {".svg", "image/svg+xml"},
        {".wasm", "application/wasm"},
    };
    const char *dot = strrchr(path, '.');
    for (size_t i = 0; dot && i < sizeof types / sizeof types[0]; i++)
        if (strcasecmp(dot, types[i].ext) == 0)
            return types[i].type;
    return "application/octet-stream";
}

static void respond_head(struct conn *c, int status, const char *reason, const char *type,
                         unsigned long long length, const char *extra)
{
    int n = snprintf(c->out, OUT_BUF,
                     "HTTP/1.1 %d %s\r\nServer: walos-httpd\r\nContent-Length: %llu\r\n"
                     "Content-Type: %s\r\n%sConnection: %s\r\n\r\n",
                     status, reason, length, type, extra ? extra : "",
                     c->close_after ? "close" : "keep-alive");
    c->out_len = (size_t)n;
    c->out_off = 0;
    c->state = WRITING;
}

/* A short error page; `close` ends the connection after it. */
static void respond_error(struct conn *c, int status, const char *reason, int head_only,
                          int close)
{
    char body[128];
    int n = snprintf(body, sizeof body, "%d %s\n", status, reason);
    c->close_after |= close;
    respond_head(c, status, reason, "text/plain; charset=utf-8", (unsigned long long)n, NULL);
    if (!head_only && c->out_len + (size_t)n <= OUT_BUF) {
        memcpy(c->out + c->out_len, body, (size_t)n);
        c->out_len += (size_t)n;
    }
}

/* Decodes %XX in place; returns -1 on a bad escape or a NUL. */
static int percent_decode(char *s)
{
    char *w = s;
    for (char *r = s; *r; r++) {
        if (*r == '%') {
            int hi, lo;
            char a = r[1], b = a ? r[2] : 0;
            hi = a >= '0' && a <= '9' ? a - '0' : (a | 32) >= 'a' && (a | 32) <= 'f' ? (a | 32) - 'a' + 10 : -1;
            lo = b >= '0' && b <= '9' ? b - '0' : (b | 32) >= 'a' && (b | 32) <= 'f' ? (b | 32) - 'a' + 10 : -1;
            if (hi < 0 || lo < 0 || (hi == 0 && lo == 0))
                return -1;
            *w++ = (char)(hi << 4 | lo);
            r += 2;
        } else {
            *w++ = *r;
        }
    }
    *w = 0;
    return 0;
}

/* Whether the path has a ".." segment (sandboxing: never climb above the root). */
static int has_dotdot(const char *p)
{
    for (const char *s = p; *s; s++)
        if ((s == p || s[-1] == '/') && s[0] == '.' && s[1] == '.' && (s[2] == '/' || !s[2]))
            return 1;
    return 0;
}

/* The value of header `name` in head (lines after the request line), copied into val. */
static int header(const char *head, const char *name, char *val, size_t cap)
{
    size_t n = strlen(name);
    for (const char *l = strstr(head, "\r\n"); l && l[2]; l = strstr(l + 2, "\r\n")) {
        const char *s = l + 2;
        if (strncasecmp(s, name, n) == 0 && s[n] == ':') {
            s += n + 1;
            while (*s == ' ' || *s == '\t')
                s++;
            const char *e = strstr(s, "\r\n");
            size_t len = e ? (size_t)(e - s) : strlen(s);
            while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
                len--;
            if (len >= cap)
                len = cap - 1;
            memcpy(val, s, len);
            val[len] = 0;
            return 1;
        }
    }
    return 0;
}

/* Parses "bytes=A-B" / "bytes=A-" / "bytes=-N" against size: 1 valid, 0 absent or ignored
 * (several ranges), -1 unsatisfiable. */
static int parse_range(const char *v, unsigned long long size, unsigned long long *from,
                       unsigned long long *to)
{
    if (strncmp(v, "bytes=", 6) != 0 || strchr(v, ','))
        return 0;
    v += 6;
    char *end;
    if (*v == '-') {
        unsigned long long n = strtoull(v + 1, &end, 10);
        if (*end || n == 0)
            return -1;
        *from = n > size ? 0 : size - n;
        *to = size - 1;
    } else {
        *from = strtoull(v, &end, 10);
        if (end == v || *end != '-')
            return 0;
        const char *last = end + 1;
        *to = size - 1;
        if (*last) {
            *to = strtoull(last, &end, 10);
            if (end == last || *end)
                return 0;
        }
        if (*to >= size)
            *to = size - 1;
    }
    return size > 0 && *from <= *to && *from < size ? 1 : -1;
}

/* Handles the complete request head in c->in[0, head_len) (NUL-terminated in place). */
static void handle(struct conn *c, char *head)
{
    char *sp1 = strchr(head, ' '), *sp2 = sp1 ? strchr(sp1 + 1, ' ') : NULL;
    char *eol = strstr(head, "\r\n");
    if (!sp1 || !sp2 || !eol || sp2 > eol || sp1 == head) {
        respond_error(c, 400, "Bad Request", 0, 1);
        return;
    }
    *sp1 = 0;
    *sp2 = 0;
    *eol = 0;
    const char *method = head, *version = sp2 + 1;
    char *target = sp1 + 1;
    if (strncmp(version, "HTTP/1.", 7) != 0 || !version[7] || version[8]) {
        respond_error(c, strncmp(version, "HTTP/", 5) == 0 ? 505 : 400,
                      strncmp(version, "HTTP/", 5) == 0 ? "HTTP Version Not Supported"
                                                          : "Bad Request", 0, 1);
        return;
    }
    *eol = '\r';   /* headers are searched from the request line's end */
    const char *headers = eol;
    char conn_hdr[64] = "";
    header(headers, "Connection", conn_hdr, sizeof conn_hdr);
    if (version[7] == '0')
        c->close_after = strcasecmp(conn_hdr, "keep-alive") != 0;
    else
        c->close_after = strcasecmp(conn_hdr, "close") == 0;
    char host[8];
    if (version[7] == '1' && !header(headers, "Host", host, sizeof host)) {
        respond_error(c, 400, "Bad Request", 0, 1);   /* RFC 9112 3.2: Host is required */
        return;
    }
    int head_only = strcmp(method, "HEAD") == 0;
    if (!head_only && strcmp(method, "GET") != 0) {
        respond_error(c, 405, "Method Not Allowed", 0, 1);   /* its body is not read: close */
        return;
    }
    char *q = strchr(target, '?');
    if (q)
        *q = 0;
    if (target[0] != '/' || strlen(target) >= PATH_MAX_LEN || percent_decode(target) < 0) {
        respond_error(c, 400, "Bad Request", head_only, 0);
        return;
    }
    if (has_dotdot(target)) {
        respond_error(c, 403, "Forbidden", head_only, 0);
        return;
    }
    char path[PATH_MAX_LEN + 64];
    snprintf(path, sizeof path, "%s%s", httpd.root, target);
    struct stat st;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
        size_t n = strlen(path);
        snprintf(path + n, sizeof path - n, "%sindex.html", path[n - 1] == '/' ? "" : "/");
    }
    int fd = open(path, O_RDONLY);
    if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        if (fd >= 0)
            close(fd);
        respond_error(c, 404, "Not Found", head_only, 0);
        return;
    }
    unsigned long long size = (unsigned long long)st.st_size, from = 0, to = size ? size - 1 : 0;
    char range[128], extra[128];
    int r = header(headers, "Range", range, sizeof range) ? parse_range(range, size, &from, &to)
                                                          : 0;
    if (r < 0) {
        close(fd);
        snprintf(extra, sizeof extra, "Content-Range: bytes */%llu\r\n", size);
        respond_head(c, 416, "Range Not Satisfiable", "text/plain", 0, extra);
        return;
    }
    unsigned long long length = r > 0 ? to - from + 1 : size;
    if (r > 0) {
        snprintf(extra, sizeof extra, "Content-Range: bytes %llu-%llu/%llu\r\nAccept-Ranges: bytes\r\n",
                 from, to, size);
        respond_head(c, 206, "Partial Content", content_type(path), length, extra);
    } else {
        respond_head(c, 200, "OK", content_type(path), length, "Accept-Ranges: bytes\r\n");
    }
    if (head_only || length == 0 || (r > 0 && lseek(fd, (off_t)from, SEEK_SET) < 0)) {
        close(fd);
        return;
    }
    c->file = fd;
    c->body_left = length;
}

/* Reads what is there; handles a complete head. Returns -1 when the connection must close. */
static int on_readable(struct conn *c)
{
    if (c->in_len >= sizeof c->in - 1)
        return 0;   /* full: try_request answers 431 */
    __wasi_iovec_t v = {(uint8_t *)c->in + c->in_len, sizeof c->in - 1 - c->in_len};
    __wasi_size_t n;
    __wasi_roflags_t ro;
    __wasi_errno_t e = __wasi_sock_recv(c->fd, &v, 1, 0, &n, &ro);
    if (e == __WASI_ERRNO_AGAIN)
        return 0;
    if (e || n == 0)
        return -1;
    c->in_len += n;
    c->last = now();
    return 0;
}

/* If a whole head is buffered, answers it and keeps any pipelined rest. */
static void try_request(struct conn *c)
{
    c->in[c->in_len] = 0;
    char *end = strstr(c->in, "\r\n\r\n");
    if (!end) {
        if (c->in_len >= sizeof c->in - 1)
            respond_error(c, 431, "Request Header Fields Too Large", 0, 1);
        return;
    }
    size_t head_len = (size_t)(end - c->in) + 4;
    char head[HEAD_MAX];
    memcpy(head, c->in, head_len - 2);
    head[head_len - 2] = 0;   /* keep the last header's CRLF */
    memmove(c->in, c->in + head_len, c->in_len - head_len);
    c->in_len -= head_len;
    handle(c, head);
    if (!httpd.quiet)
        fprintf(stderr, "httpd: %.*s\n", (int)strcspn(c->out, "\r"), c->out);
}

/* Sends pending bytes, refilling from the file. Returns -1 to close, 1 when the response is done. */
static int on_writable(struct conn *c)
{
    for (;;) {
        if (c->out_off == c->out_len) {
            if (c->file < 0 || c->body_left == 0) {
                if (c->file >= 0) {
                    close(c->file);
                    c->file = -1;
                }
                return 1;
            }
            size_t want = c->body_left < OUT_BUF ? (size_t)c->body_left : OUT_BUF;
            ssize_t got = read(c->file, c->out, want);
            if (got <= 0)
                return -1;   /* the file shrank: the promised length cannot be kept */
            c->out_off = 0;
            c->out_len = (size_t)got;
            c->body_left -= (unsigned long long)got;
        }
        __wasi_ciovec_t v = {(const uint8_t *)c->out + c->out_off, c->out_len - c->out_off};
        __wasi_size_t n;
        __wasi_errno_t e = __wasi_sock_send(c->fd, &v, 1, 0, &n);
        if (e == __WASI_ERRNO_AGAIN)
            return 0;
        if (e)
            return -1;
        c->out_off += n;
        c->last = now();
    }
}

/* Moves a connection along; returns -1 when it must close. */
static int step(struct conn *c, int readable, int writable)
{
    if (c->state == READING && readable && on_readable(c) < 0)
        return -1;
    for (;;) {
        if (c->state == READING) {
            try_request(c);
            if (c->state == READING)
                return 0;
            writable = 1;   /* try at once: usually the socket has room */
        }
        if (!writable)
            return 0;
        int r = on_writable(c);
        if (r <= 0)
            return r;
        if (c->close_after)
            return -1;
        c->state = READING;
        if (c->in_len == 0)
            return 0;
        writable = 1;
    }
}

/* ---- the loop ---- */

static void serve(void)
{
    size_t cap = 0;
    __wasi_subscription_t *subs = NULL;
    __wasi_event_t *events = NULL;
    for (;;) {
        size_t n = (size_t)httpd.nlisteners + (size_t)httpd.nconns + 1;
        if (n > cap) {
            cap = n * 2;
            subs = realloc(subs, cap * sizeof *subs);
            events = realloc(events, cap * sizeof *events);
            if (!subs || !events) {
                fprintf(stderr, "httpd: out of memory\n");
                exit(1);
            }
        }
        size_t k = 0;
        for (int i = 0; i < httpd.nlisteners; i++)
            subs[k++] = (__wasi_subscription_t){
                .userdata = (uint64_t)i,
                .u = {.tag = __WASI_EVENTTYPE_FD_READ,
                      .u = {.fd_read = {.file_descriptor = httpd.listeners[i]}}}};
        for (int i = 0; i < httpd.nconns; i++) {
            struct conn *c = httpd.conns[i];
            subs[k++] = (__wasi_subscription_t){
                .userdata = 1000000 + (uint64_t)c->fd,
                .u = {.tag = c->state == READING ? __WASI_EVENTTYPE_FD_READ
                                                 : __WASI_EVENTTYPE_FD_WRITE,
                      .u = {.fd_read = {.file_descriptor = c->fd}}}};
        }
        subs[k++] = (__wasi_subscription_t){
            .userdata = UINT64_MAX,
            .u = {.tag = __WASI_EVENTTYPE_CLOCK,
                  .u = {.clock = {.id = __WASI_CLOCKID_MONOTONIC, .timeout = 1000000000ull}}}};
        __wasi_size_t nev = 0;
        if (__wasi_poll_oneoff(subs, events, k, &nev) != 0) {
            fprintf(stderr, "httpd: poll_oneoff failed\n");
            exit(1);
        }
        for (__wasi_size_t e = 0; e < nev; e++) {
            uint64_t u = events[e].userdata;
            if (u < (uint64_t)httpd.nlisteners) {
                accept_all(httpd.listeners[u]);
                continue;
            }
            if (u == UINT64_MAX)
                continue;
            __wasi_fd_t fd = (__wasi_fd_t)(u - 1000000);
            for (int i = 0; i < httpd.nconns; i++) {
                struct conn *c = httpd.conns[i];
                if (c->fd != fd)
                    continue;
                int hup = events[e].error != 0;
                int rd = events[e].type == __WASI_EVENTTYPE_FD_READ;
                if (hup || step(c, rd, !rd) < 0)
                    conn_close(i);
                break;
            }
        }
        time_t t = now();
        for (int i = httpd.nconns - 1; i >= 0; i--)
            if (t - httpd.conns[i]->last > IDLE_SECONDS)
                conn_close(i);
    }
}

int main(int argc, char **argv)
{
    const char *listen_spec = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--root") == 0 && i + 1 < argc) {
            httpd.root = argv[++i];
        } else if (strcmp(argv[i], "--listen") == 0 && i + 1 < argc) {
            listen_spec = argv[++i];
        } else if (strcmp(argv[i], "--quiet") == 0) {
            httpd.quiet = 1;
        } else {
            fprintf(stderr, "usage: httpd [--root DIR] [--listen ADDR:PORT] [--quiet]\n");
            return 2;
        }
    }
    find_preopened();
    if (listen_spec && listen_on(listen_spec) < 0)
        return 1;
    if (httpd.nlisteners == 0) {
        fprintf(stderr, "httpd: no listening socket (give one: --tcplisten, listen=, --listen)\n");
        return 1;
    }
    for (int i = 0; i < httpd.nlisteners; i++)   /* accept_all takes until EAGAIN */
        (void)__wasi_fd_fdstat_set_flags(httpd.listeners[i], __WASI_FDFLAGS_NONBLOCK);
    struct stat st;
    if (stat(httpd.root, &st) != 0 || !S_ISDIR(st.st_mode)) {
        fprintf(stderr, "httpd: %s: not a directory\n", httpd.root);
        return 1;
    }
    if (!httpd.quiet)
        fprintf(stderr, "httpd: serving %s on %d socket(s)\n", httpd.root, httpd.nlisteners);
    serve();
}
