/* kernel/proc/unit.c — the unit-file parser (format and contract in unit.h).
 *
 * One pass over the text, line by line: trim, skip comments, split at the first '=', dispatch on the
 * key through one table (keys[]), each handler checking its value completely. Everything is written
 * into the caller's struct unit: no allocation, so nothing leaks on any error path. The string and
 * memory functions come from walos/platform.h (kernel/lib in the kernel, libc in host tests). The
 * service manager (kernel/proc) reads the file and calls unit_parse; svcpolicy.c orders the units. */
#include "kernel/proc/unit.h"

#include "walos/platform.h"

/* ---- error messages: "PATH:LINE: what" without a printf ---------------------------------------- */

struct msg {
    char *buf;
    size_t cap;
    size_t len;
};

static void msg_str(struct msg *m, const char *s)
{
    for (; *s && m->len + 1 < m->cap; s++)
        m->buf[m->len++] = *s;
    if (m->cap)
        m->buf[m->len] = '\0';
}

static void msg_uint(struct msg *m, uint64_t v)
{
    char digits[24];
    int n = 0;
    do {
        digits[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    char s[24];
    for (int i = 0; i < n; i++)
        s[i] = digits[n - 1 - i];
    s[n] = '\0';
    msg_str(m, s);
}

/* ---- small string helpers ---------------------------------------------------------------------- */

static bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

static bool copy_str(char *dst, size_t cap, const char *src)
{
    size_t n = strlen(src);
    if (n >= cap)
        return false;
    memcpy(dst, src, n + 1);
    return true;
}

static bool is_name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-' || c == '.';
}

static bool valid_name(const char *s, size_t n)
{
    if (n == 0 || n >= UNIT_NAME_MAX)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!is_name_char(s[i]))
            return false;
    return true;
}

/* An absolute path without empty or ".." components that fits UNIT_PATH_MAX. */
static bool valid_path(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n >= UNIT_PATH_MAX || s[0] != '/')
        return false;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '/' && s[i + 1] == '.' && s[i + 2] == '.' && (s[i + 3] == '/' || s[i + 3] == '\0'))
            return false;
        if ((unsigned char)s[i] < 0x20)
            return false;
    }
    return true;
}

static int parse_uint(const char *s, uint64_t *out)
{
    uint64_t v = 0;
    if (!*s)
        return -1;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return -1;
        uint64_t d = (uint64_t)(*s - '0');
        if (v > (UINT64_MAX - d) / 10)
            return -1;
        v = v * 10 + d;
    }
    *out = v;
    return 0;
}

int unit_parse_size(const char *s, uint64_t *bytes_out)
{
    char digits[24];
    size_t n = strlen(s);
    uint64_t mult = 1;
    if (n > 0) {
        char last = s[n - 1];
        if (last == 'K' || last == 'k')
            mult = 1024;
        else if (last == 'M' || last == 'm')
            mult = 1024 * 1024;
        else if (last == 'G' || last == 'g')
            mult = 1024 * 1024 * 1024;
        if (mult != 1)
            n--;
    }
    if (n == 0 || n >= sizeof digits)
        return -1;
    memcpy(digits, s, n);
    digits[n] = '\0';
    uint64_t v;
    if (parse_uint(digits, &v) != 0 || v > UINT64_MAX / mult)
        return -1;
    *bytes_out = v * mult;
    return 0;
}

const char *unit_restart_name(enum unit_restart r)
{
    switch (r) {
    case UNIT_RESTART_NO: return "no";
    case UNIT_RESTART_ON_FAILURE: return "on-failure";
    case UNIT_RESTART_ALWAYS: return "always";
    }
    return "?";
}

/* Appends s (n bytes) and a NUL to a packed list; false when it does not fit. */
static bool pack(char *buf, uint32_t *len, size_t cap, const char *s, size_t n)
{
    if (*len + n + 1 > cap)
        return false;
    memcpy(buf + *len, s, n);
    buf[*len + n] = '\0';
    *len += (uint32_t)n + 1;
    return true;
}

/* ---- one handler per key: 0, or -1 with *why set ----------------------------------------------- */

typedef int (*key_fn)(struct unit *u, char *value, const char **why);

static int key_exec(struct unit *u, char *v, const char **why)
{
    if (!valid_path(v)) {
        *why = "exec= needs an absolute path";
        return -1;
    }
    copy_str(u->exec, sizeof u->exec, v);
    return 0;
}

static int key_args(struct unit *u, char *v, const char **why)
{
    char word[UNIT_LINE_MAX];
    while (*v) {
        while (is_blank(*v))
            v++;
        if (!*v)
            break;
        size_t n = 0;
        while (*v && !is_blank(*v)) {
            char c = *v++;
            if (c == '\'' || c == '"') {
                while (*v && *v != c)
                    word[n++] = *v++;
                if (*v != c) {
                    *why = "args=: unterminated quote";
                    return -1;
                }
                v++;
            } else {
                word[n++] = c;
            }
        }
        if (!pack(u->argv, &u->argv_len, sizeof u->argv, word, n)) {
            *why = "args=: too long";
            return -1;
        }
    }
    return 0;
}

static int key_env(struct unit *u, char *v, const char **why)
{
    size_t k = 0;
    while (v[k] && v[k] != '=')
        k++;
    if (k == 0 || v[k] != '=') {
        *why = "env= needs K=V";
        return -1;
    }
    for (size_t i = 0; i < k; i++) {
        if (is_blank(v[i])) {
            *why = "env=: blank in variable name";
            return -1;
        }
    }
    if (!pack(u->env, &u->env_len, sizeof u->env, v, strlen(v))) {
        *why = "env=: too long";
        return -1;
    }
    return 0;
}

static int key_dir(struct unit *u, char *v, const char **why)
{
    if (u->ndirs == UNIT_MAX_DIRS) {
        *why = "dir=: too many (8 at most)";
        return -1;
    }
    struct unit_dir *d = &u->dirs[u->ndirs];
    char *guest = v;
    while (*guest && !(guest[0] == ':' && guest[1] == ':'))
        guest++;
    if (*guest) {
        *guest = '\0';
        guest += 2;
    } else {
        guest = v;
    }
    if (!valid_path(v)) {
        *why = "dir= needs an absolute PATH[::GUEST]";
        return -1;
    }
    if (!*guest || !copy_str(d->guest, sizeof d->guest, guest)) {
        *why = "dir=: bad GUEST name";
        return -1;
    }
    copy_str(d->host, sizeof d->host, v);
    u->ndirs++;
    return 0;
}

static int key_after(struct unit *u, char *v, const char **why)
{
    while (*v) {
        while (is_blank(*v))
            v++;
        char *start = v;
        while (*v && !is_blank(*v))
            v++;
        size_t n = (size_t)(v - start);
        if (n == 0)
            break;
        if (!valid_name(start, n)) {
            *why = "after=: bad service name";
            return -1;
        }
        if (u->nafter == UNIT_MAX_AFTER) {
            *why = "after=: too many (8 at most)";
            return -1;
        }
        memcpy(u->after[u->nafter], start, n);
        u->after[u->nafter][n] = '\0';
        u->nafter++;
    }
    return 0;
}

static int key_restart(struct unit *u, char *v, const char **why)
{
    if (strcmp(v, "no") == 0)
        u->restart = UNIT_RESTART_NO;
    else if (strcmp(v, "on-failure") == 0)
        u->restart = UNIT_RESTART_ON_FAILURE;
    else if (strcmp(v, "always") == 0)
        u->restart = UNIT_RESTART_ALWAYS;
    else {
        *why = "restart= must be no, on-failure or always";
        return -1;
    }
    return 0;
}

static int key_max_memory(struct unit *u, char *v, const char **why)
{
    if (unit_parse_size(v, &u->max_memory) != 0 || u->max_memory < 65536) {
        *why = "max-memory= needs a SIZE of at least 64K (one wasm page)";
        return -1;
    }
    return 0;
}

static int key_fuel(struct unit *u, char *v, const char **why)
{
    if (parse_uint(v, &u->fuel) != 0) {
        *why = "fuel= needs a number";
        return -1;
    }
    return 0;
}

static int key_listen(struct unit *u, char *v, const char **why)
{
    uint64_t port;
    if (strncmp(v, "tcp:", 4) != 0 || parse_uint(v + 4, &port) != 0 || port == 0 || port > 65535) {
        *why = "listen= needs tcp:PORT (1-65535)";
        return -1;
    }
    for (int i = 0; i < u->nlisten; i++)
        if (u->listen_ports[i] == port) {
            *why = "listen=: this port is given twice";
            return -1;
        }
    if (u->nlisten == UNIT_MAX_LISTEN) {
        *why = "listen=: too many (4 at most)";
        return -1;
    }
    u->listen_ports[u->nlisten++] = (uint16_t)port;
    return 0;
}

static int key_allow_net(struct unit *u, char *v, const char **why)
{
    if (strcmp(v, "yes") == 0 || strcmp(v, "no") == 0) {
        u->allow_net = v[0] == 'y';
        return 0;
    }
    *why = "allow-net= must be yes or no";
    return -1;
}

static int key_stdout(struct unit *u, char *v, const char **why)
{
    char *opt = v;
    while (*opt && !is_blank(*opt))
        opt++;
    if (*opt)
        *opt++ = '\0';
    if (strcmp(v, "console") == 0) {
        u->output = UNIT_OUTPUT_CONSOLE;
    } else if (strcmp(v, "null") == 0) {
        u->output = UNIT_OUTPUT_NULL;
    } else if (valid_path(v)) {
        u->output = UNIT_OUTPUT_FILE;
        copy_str(u->stdout_path, sizeof u->stdout_path, v);
    } else {
        *why = "stdout= needs console, null or an absolute path";
        return -1;
    }
    while (*opt) {
        while (is_blank(*opt))
            opt++;
        char *word = opt;
        while (*opt && !is_blank(*opt))
            opt++;
        if (*opt)
            *opt++ = '\0';
        if (!*word)
            break;
        uint64_t n;
        if (strncmp(word, "max=", 4) == 0 && unit_parse_size(word + 4, &n) == 0 && n >= 1024) {
            u->stdout_max = n;
        } else if (strncmp(word, "keep=", 5) == 0 && parse_uint(word + 5, &n) == 0 && n <= 9) {
            u->stdout_keep = (uint32_t)n;
        } else {
            *why = "stdout=: options are max=SIZE (1K at least) and keep=N (0-9)";
            return -1;
        }
    }
    return 0;
}

static const struct {
    const char *key;
    key_fn fn;
    bool repeatable;
} keys[] = {
    { "exec", key_exec, false },
    { "args", key_args, false },
    { "env", key_env, true },
    { "dir", key_dir, true },
    { "after", key_after, true },
    { "restart", key_restart, false },
    { "max-memory", key_max_memory, false },
    { "fuel", key_fuel, false },
    { "listen", key_listen, true },
    { "allow-net", key_allow_net, false },
    { "stdout", key_stdout, false },
};
#define NKEYS (sizeof keys / sizeof keys[0])

/* ---- the file ---------------------------------------------------------------------------------- */

static int fail(const char *path, unsigned line, const char *why, char *err, size_t err_len)
{
    struct msg m = { err, err_len, 0 };
    msg_str(&m, path);
    msg_str(&m, ":");
    msg_uint(&m, line);
    msg_str(&m, ": ");
    msg_str(&m, why);
    return -1;
}

/* Sets u->name from path: the last component without ".conf". */
static int name_from_path(struct unit *u, const char *path)
{
    size_t n = strlen(path), start = n;
    while (start > 0 && path[start - 1] != '/')
        start--;
    if (n - start <= 5 || strcmp(path + n - 5, ".conf") != 0)
        return -1;
    size_t len = n - start - 5;
    if (!valid_name(path + start, len))
        return -1;
    memcpy(u->name, path + start, len);
    u->name[len] = '\0';
    return 0;
}

int unit_parse(const char *path, const char *text, size_t len, struct unit *out, char *err,
               size_t err_len)
{
    memset(out, 0, sizeof *out);
    if (err_len)
        err[0] = '\0';
    if (name_from_path(out, path) != 0)
        return fail(path, 0, "the file name must be NAME.conf, NAME of [A-Za-z0-9._-] (31 at most)",
                    err, err_len);
    pack(out->argv, &out->argv_len, sizeof out->argv, out->name, strlen(out->name));
    out->output = UNIT_OUTPUT_FILE;
    out->stdout_max = 64 * 1024;
    out->stdout_keep = 1;
    bool seen[NKEYS] = { false };
    bool stdout_set = false;
    unsigned lineno = 0;
    size_t pos = 0;
    while (pos < len) {
        char line[UNIT_LINE_MAX];
        size_t n = 0;
        bool too_long = false;
        lineno++;
        for (; pos < len && text[pos] != '\n'; pos++) {
            if (text[pos] == '\0') {
                return fail(path, lineno, "NUL byte in the file", err, err_len);
            }
            if (n + 1 < sizeof line)
                line[n++] = text[pos];
            else
                too_long = true;
        }
        pos++;    /* the '\n' */
        if (too_long)
            return fail(path, lineno, "line too long (511 bytes at most)", err, err_len);
        while (n > 0 && is_blank(line[n - 1]))
            n--;
        line[n] = '\0';
        char *s = line;
        while (is_blank(*s))
            s++;
        if (*s == '\0' || *s == '#' || *s == ';')
            continue;
        if (*s == '[') {
            if (strcmp(s, "[service]") != 0)
                return fail(path, lineno, "unknown section (only [service])", err, err_len);
            continue;
        }
        char *eq = s;
        while (*eq && *eq != '=')
            eq++;
        if (*eq != '=')
            return fail(path, lineno, "expected key=value", err, err_len);
        char *key_end = eq;
        while (key_end > s && is_blank(key_end[-1]))
            key_end--;
        *key_end = '\0';
        char *value = eq + 1;
        while (is_blank(*value))
            value++;
        size_t k = 0;
        while (k < NKEYS && strcmp(keys[k].key, s) != 0)
            k++;
        if (k == NKEYS) {
            char why[UNIT_ERROR_MAX];
            struct msg m = { why, sizeof why, 0 };
            msg_str(&m, "unknown key \"");
            msg_str(&m, s);
            msg_str(&m, "\"");
            return fail(path, lineno, why, err, err_len);
        }
        if (seen[k] && !keys[k].repeatable)
            return fail(path, lineno, "key given twice", err, err_len);
        seen[k] = true;
        if (!*value)
            return fail(path, lineno, "empty value", err, err_len);
        const char *why = "bad value";
        if (keys[k].fn == key_stdout)
            stdout_set = true;
        if (keys[k].fn(out, value, &why) != 0)
            return fail(path, lineno, why, err, err_len);
    }
    if (!out->exec[0])
        return fail(path, 0, "exec= is missing", err, err_len);
    if (!stdout_set) {
        struct msg m = { out->stdout_path, sizeof out->stdout_path, 0 };
        msg_str(&m, "/var/log/");
        msg_str(&m, out->name);
        msg_str(&m, ".log");
    }
    return 0;
}
