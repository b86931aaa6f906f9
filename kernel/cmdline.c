/* kernel/cmdline.c — command line assembly and word lookup (contract in cmdline.h). */
#include "kernel/cmdline.h"

#include "kernel/drivers/fwcfg.h"
#include "kernel/lib/string.h"

static struct {
    char line[CMDLINE_MAX];
} cmd;

void cmdline_init(const char *boot_cmdline)
{
    char extra[CMDLINE_MAX / 2];
    strlcpy(cmd.line, boot_cmdline ? boot_cmdline : "", sizeof cmd.line);
    long n = fwcfg_read_file(CMDLINE_FWCFG_FILE, extra, sizeof extra - 1);
    if (n <= 0)
        return;
    extra[(size_t)n < sizeof extra - 1 ? (size_t)n : sizeof extra - 1] = 0;
    if (strstr(cmd.line, extra))
        return; /* the UEFI loader already put the fw_cfg line in bootinfo */
    size_t len = strlen(cmd.line);
    if (len && len + 1 < sizeof cmd.line)
        cmd.line[len++] = ' ';
    strlcpy(cmd.line + len, extra, sizeof cmd.line - len);
    for (char *p = cmd.line; *p; p++) /* newlines from a file count as spaces */
        if (*p == '\n' || *p == '\r' || *p == '\t')
            *p = ' ';
}

const char *cmdline_get(void)
{
    return cmd.line;
}

/* the first word `key` (value NULL: also `key=anything`) or `key=value`; NULL if none */
static const char *find_word(const char *key, const char *value, size_t *wlen_out)
{
    size_t klen = strlen(key);
    const char *p = cmd.line;
    while (*p) {
        while (*p == ' ')
            p++;
        const char *w = p;
        while (*p && *p != ' ')
            p++;
        size_t wlen = (size_t)(p - w);
        if (wlen < klen || strncmp(w, key, klen) != 0)
            continue;
        if (wlen == klen && !value) {
            *wlen_out = wlen;
            return w;
        }
        if (wlen > klen && w[klen] == '=') {
            const char *v = w + klen + 1;
            size_t vlen = wlen - klen - 1;
            if (!value || (strlen(value) == vlen && strncmp(v, value, vlen) == 0)) {
                *wlen_out = wlen;
                return w;
            }
        }
    }
    return NULL;
}

bool cmdline_has(const char *key)
{
    size_t n;
    return find_word(key, NULL, &n) != NULL;
}

bool cmdline_is(const char *key, const char *value)
{
    size_t n;
    return find_word(key, value, &n) != NULL;
}

bool cmdline_value(const char *key, char *buf, size_t size)
{
    size_t wlen;
    const char *w = find_word(key, NULL, &wlen);
    size_t klen = strlen(key);
    if (!w || wlen <= klen || size == 0)
        return false;
    size_t vlen = wlen - klen - 1;
    if (vlen >= size)
        vlen = size - 1;
    memcpy(buf, w + klen + 1, vlen);
    buf[vlen] = 0;
    return true;
}
