/* srv/bin/wget.c — fetch one URL over HTTP/1.1 into a file or stdout.
 *
 *   wget [-O FILE] [-q] http://HOST[:PORT]/PATH
 *
 * Resolves HOST with sock_getaddrinfo, connects with sock_connect (the WasmEdge socket extension,
 * sdk/wasmedge_socket.h: the runner must allow networking, walos-run --allow-net), sends one GET
 * with "Connection: close" and writes the body to FILE ("-": stdout; default: the last path
 * component, or index.html). The body ends at Content-Length, or at the end of the stream when
 * there is none; chunked transfer coding (RFC 9112 7.1) is decoded. Exit status 0 for a 2xx answer
 * with the whole body, 1 otherwise (with a message on stderr). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <wasi/api.h>

#include "sdk/wasmedge_socket.h"

#define BUF 65536

static const char *prog = "wget";
static int quiet;

static int fail(const char *what, const char *detail)
{
    fprintf(stderr, "%s: %s%s%s\n", prog, what, detail ? ": " : "", detail ? detail : "");
    return 1;
}

/* ---- a buffered reader over the socket ---- */
static struct {
    uint32_t fd;
    char buf[BUF];
    size_t off, len;
} in;

/* Refills the buffer; 0 at end of stream, -1 on error, else bytes read. */
static long fill(void)
{
    if (in.off < in.len)
        return (long)(in.len - in.off);
    __wasi_iovec_t v = {(uint8_t *)in.buf, sizeof in.buf};
    __wasi_size_t n;
    __wasi_roflags_t ro;
    if (__wasi_sock_recv((__wasi_fd_t)in.fd, &v, 1, 0, &n, &ro) != 0)
        return -1;
    in.off = 0;
    in.len = n;
    return (long)n;
}

/* One line without its CRLF into line (cap bytes); -1 on end or error. */
static int read_line(char *line, size_t cap)
{
    size_t n = 0;
    for (;;) {
        if (fill() <= 0)
            return -1;
        char ch = in.buf[in.off++];
        if (ch == '\n')
            break;
        if (n + 1 < cap)
            line[n++] = ch;
    }
    if (n && line[n - 1] == '\r')
        n--;
    line[n] = 0;
    return 0;
}

static int write_all(int out, const char *p, size_t n)
{
    while (n) {
        ssize_t w = write(out, p, n);
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* Copies `left` body bytes (or to the end when left < 0). Returns 0 when complete. */
static int copy_body(int out, long long left)
{
    while (left != 0) {
        long got = fill();
        if (got < 0)
            return -1;
        if (got == 0)
            return left < 0 ? 0 : -1;
        size_t n = (size_t)got;
        if (left > 0 && (long long)n > left)
            n = (size_t)left;
        if (write_all(out, in.buf + in.off, n) < 0)
            return -1;
        in.off += n;
        if (left > 0)
            left -= (long long)n;
    }
    return 0;
}

static int copy_chunked(int out)
{
    char line[256];
    for (;;) {
        if (read_line(line, sizeof line) < 0)
            return -1;
        char *end;
        long long size = strtoll(line, &end, 16);
        if (end == line || size < 0)
            return -1;
        if (size == 0)
            return 0;   /* trailers are ignored */
        if (copy_body(out, size) < 0 || read_line(line, sizeof line) < 0)
            return -1;
    }
}

/* ---- connecting ---- */

/* Connects to host:port, trying each address getaddrinfo gives. Returns the fd or -1. */
static int connect_to(const char *host, const char *port)
{
    enum { MAX = 8 };
    wasmedge_addrinfo hints = {.socktype = WASMEDGE_SOCK_STREAM}, res[MAX];
    wasmedge_sockaddr sa[MAX];
    uint8_t data[MAX][26];
    memset(res, 0, sizeof res);
    for (int i = 0; i < MAX; i++) {
        sa[i] = (wasmedge_sockaddr){.sa_data_len = sizeof data[i], .sa_data = data[i]};
        res[i].addr = &sa[i];
        res[i].next = i + 1 < MAX ? &res[i + 1] : NULL;
    }
    wasmedge_addrinfo *first = res;
    uint32_t n = 0;
    uint32_t e = wasmedge_sock_getaddrinfo(host, strlen(host), port, strlen(port), &hints, &first,
                                           MAX, &n);
    if (e) {
        fprintf(stderr, "%s: %s: cannot resolve (error %u)\n", prog, host, (unsigned)e);
        return -1;
    }
    for (uint32_t i = 0; i < n; i++) {
        int v6 = res[i].family == WASMEDGE_AF_INET6;
        wasmedge_address addr = {v6 ? data[i] + 6 : data[i] + 2, v6 ? 16 : 4};
        uint32_t p = (uint32_t)(data[i][0] << 8 | data[i][1]), fd;
        if (wasmedge_sock_open(res[i].family, WASMEDGE_SOCK_STREAM, &fd) != 0)
            continue;
        e = wasmedge_sock_connect(fd, &addr, p);
        if (e == 0)
            return (int)fd;
        (void)__wasi_fd_close((__wasi_fd_t)fd);
    }
    fprintf(stderr, "%s: %s:%s: cannot connect (error %u)\n", prog, host, port, (unsigned)e);
    return -1;
}

static int send_all(uint32_t fd, const char *s, size_t n)
{
    while (n) {
        __wasi_ciovec_t v = {(const uint8_t *)s, n};
        __wasi_size_t k;
        if (__wasi_sock_send((__wasi_fd_t)fd, &v, 1, 0, &k) != 0)
            return -1;
        s += k;
        n -= k;
    }
    return 0;
}

int main(int argc, char **argv)
{
    const char *url = NULL, *output = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-O") == 0 && i + 1 < argc)
            output = argv[++i];
        else if (strcmp(argv[i], "-q") == 0)
            quiet = 1;
        else if (!url && argv[i][0] != '-')
            url = argv[i];
        else
            return fail("usage", "wget [-O FILE] [-q] http://HOST[:PORT]/PATH");
    }
    if (!url || strncmp(url, "http://", 7) != 0)
        return fail("usage", "wget [-O FILE] [-q] http://HOST[:PORT]/PATH (http only)");

    /* split http://HOST[:PORT]/PATH ([v6] hosts in brackets) */
    char host[256], port[8] = "80";
    const char *h = url + 7, *path = strchr(h, '/');
    size_t hl = path ? (size_t)(path - h) : strlen(h);
    if (!path)
        path = "/";
    if (hl == 0 || hl >= sizeof host)
        return fail("bad URL", url);
    memcpy(host, h, hl);
    host[hl] = 0;
    char *port_at = NULL;
    if (host[0] == '[') {             /* [v6]:port */
        char *close_bracket = strchr(host, ']');
        if (!close_bracket)
            return fail("bad URL", url);
        *close_bracket = 0;
        port_at = close_bracket[1] == ':' ? close_bracket + 2 : NULL;
        memmove(host, host + 1, strlen(host + 1) + 1);
    } else if ((port_at = strrchr(host, ':'))) {
        *port_at++ = 0;
    }
    if (port_at) {
        if (!*port_at || strlen(port_at) >= sizeof port)
            return fail("bad URL", url);
        snprintf(port, sizeof port, "%s", port_at);
    }

    int fd = connect_to(host, port);
    if (fd < 0)
        return 1;
    in.fd = (uint32_t)fd;
    char req[2048];
    int n = snprintf(req, sizeof req,
                     "GET %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: walos-wget\r\n"
                     "Accept: */*\r\nConnection: close\r\n\r\n", path, host);
    if (n < 0 || (size_t)n >= sizeof req || send_all((uint32_t)fd, req, (size_t)n) < 0)
        return fail("cannot send the request", NULL);

    char line[1024];
    if (read_line(line, sizeof line) < 0)
        return fail("no answer", NULL);
    int status = 0;
    if (sscanf(line, "HTTP/%*d.%*d %d", &status) != 1)
        return fail("not an HTTP answer", line);
    long long length = -1;
    int chunked = 0;
    for (;;) {
        if (read_line(line, sizeof line) < 0)
            return fail("truncated answer head", NULL);
        if (!line[0])
            break;
        if (strncasecmp(line, "Content-Length:", 15) == 0)
            length = strtoll(line + 15, NULL, 10);
        else if (strncasecmp(line, "Transfer-Encoding:", 18) == 0 && strstr(line + 18, "chunked"))
            chunked = 1;
    }
    if (status < 200 || status > 299) {
        fprintf(stderr, "%s: %s: HTTP status %d\n", prog, url, status);
        return 1;
    }

    if (!output) {
        const char *slash = strrchr(path, '/');
        output = slash && slash[1] ? slash + 1 : "index.html";
    }
    int out = strcmp(output, "-") == 0 ? 1 : open(output, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (out < 0) {
        fprintf(stderr, "%s: %s: %s\n", prog, output, strerror(errno));
        return 1;
    }
    int rc = chunked ? copy_chunked(out) : copy_body(out, length);
    if (out != 1 && close(out) != 0)
        rc = -1;
    (void)__wasi_fd_close((__wasi_fd_t)fd);
    if (rc < 0)
        return fail("transfer failed", url);
    if (!quiet && out != 1)
        fprintf(stderr, "%s: saved %s\n", prog, output);
    return 0;
}
