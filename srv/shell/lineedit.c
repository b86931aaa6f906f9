/* srv/shell/lineedit.c — line input for the shell (contract in lineedit.h). Reads fd 0 one byte at a
 * time, never through stdio, so nothing the shell does not use stays buffered when a child process
 * reads the same fd. Terminal mode redraws the whole line after each edit: "\r", prompt, text, erase
 * to end of line, then moves the cursor back; simple and right on any VT100-like console. */
#include "lineedit.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define KEY_CTRL(c) ((c) & 0x1f)
#define KEY_ESC 0x1b
#define KEY_DEL 0x7f

static struct {
    char lines[LINEEDIT_HISTORY][256];
    int count;          /* lines held (at most LINEEDIT_HISTORY) */
    int next;           /* where the next line goes (ring) */
    int last_was_cr;    /* a CR ended the last line: skip one LF that follows */
    int input_fd;       /* where lines come from: 0, or a script */
} hist;

void lineedit_set_input(int fd)
{
    hist.input_fd = fd;
}

static int read_byte(unsigned char *c)
{
    for (;;) {
        ssize_t n = read(hist.input_fd, c, 1);
        if (n == 1)
            return 0;
        if (n == 0)
            return -1;
    }
}

static void out(const char *s, size_t n)
{
    while (n > 0) {
        ssize_t w = write(1, s, n);
        if (w <= 0)
            return;
        s += w;
        n -= (size_t)w;
    }
}

static void redraw(const char *prompt, const char *buf, size_t len, size_t pos)
{
    char seq[32];
    out("\r", 1);
    out(prompt, strlen(prompt));
    out(buf, len);
    out("\x1b[K", 3);
    if (len > pos) {
        int n = snprintf(seq, sizeof seq, "\x1b[%zuD", len - pos);
        out(seq, (size_t)n);
    }
}

void lineedit_history_add(const char *line)
{
    if (!line[0])
        return;
    int last = (hist.next + LINEEDIT_HISTORY - 1) % LINEEDIT_HISTORY;
    if (hist.count && strcmp(hist.lines[last], line) == 0)
        return;
    snprintf(hist.lines[hist.next], sizeof hist.lines[0], "%s", line);
    hist.next = (hist.next + 1) % LINEEDIT_HISTORY;
    if (hist.count < LINEEDIT_HISTORY)
        hist.count++;
}

/* Replaces buf with the history entry `back` steps back (0: the empty new line). */
static size_t recall(int back, char *buf, size_t cap)
{
    if (back == 0) {
        buf[0] = '\0';
        return 0;
    }
    int i = (hist.next + LINEEDIT_HISTORY - back) % LINEEDIT_HISTORY;
    snprintf(buf, cap, "%s", hist.lines[i]);
    return strlen(buf);
}

static int read_plain(char *buf, size_t cap)
{
    size_t len = 0;
    unsigned char c;
    for (;;) {
        if (read_byte(&c) != 0) {
            buf[len] = '\0';
            return len > 0 ? (int)len : -1;
        }
        if (c == '\n' && hist.last_was_cr) {
            hist.last_was_cr = 0;
            continue;
        }
        hist.last_was_cr = c == '\r';
        if (c == '\r' || c == '\n')
            break;
        if (len + 1 < cap)
            buf[len++] = (char)c;
    }
    buf[len] = '\0';
    return (int)len;
}

int lineedit_read(const char *prompt, int terminal, char *buf, size_t cap)
{
    if (!terminal)
        return read_plain(buf, cap);
    size_t len = 0, pos = 0;
    int back = 0;
    unsigned char c;
    buf[0] = '\0';
    out(prompt, strlen(prompt));
    for (;;) {
        if (read_byte(&c) != 0)
            return -1;
        if (c == '\n' && hist.last_was_cr) {
            hist.last_was_cr = 0;
            continue;
        }
        hist.last_was_cr = c == '\r';
        if (c == '\r' || c == '\n') {
            out("\r\n", 2);
            buf[len] = '\0';
            return (int)len;
        }
        if (c == KEY_CTRL('D') && len == 0) {
            out("\r\n", 2);
            return -1;
        }
        if (c == KEY_CTRL('C')) {
            out("^C\r\n", 4);
            len = pos = 0;
            buf[0] = '\0';
            out(prompt, strlen(prompt));
            continue;
        }
        if ((c == KEY_DEL || c == KEY_CTRL('H')) && pos > 0 && pos == len) {
            /* the common case, at the end of the line: erase one cell instead of redrawing */
            buf[--len] = '\0';
            pos--;
            out("\b \b", 3);
            continue;
        }
        if (c >= 0x20 && c != KEY_DEL && pos == len && len + 1 < cap) {
            buf[len++] = (char)c;    /* typing at the end: echo the character alone */
            buf[len] = '\0';
            pos++;
            out((const char *)&c, 1);
            continue;
        }
        if ((c == KEY_DEL || c == KEY_CTRL('H')) && pos > 0) {
            memmove(buf + pos - 1, buf + pos, len - pos);
            pos--;
            len--;
        } else if (c == KEY_CTRL('U')) {
            memmove(buf, buf + pos, len - pos);
            len -= pos;
            pos = 0;
        } else if (c == KEY_CTRL('W')) {
            size_t start = pos;
            while (start > 0 && buf[start - 1] == ' ')
                start--;
            while (start > 0 && buf[start - 1] != ' ')
                start--;
            memmove(buf + start, buf + pos, len - pos);
            len -= pos - start;
            pos = start;
        } else if (c == KEY_CTRL('A')) {
            pos = 0;
        } else if (c == KEY_CTRL('E')) {
            pos = len;
        } else if (c == KEY_ESC) {
            /* CSI (ESC [) or SS3 (ESC O) cursor keys; ESC [ N ~ keys: 3 is Delete, the rest ignored */
            unsigned char a, b, t;
            if (read_byte(&a) != 0 || read_byte(&b) != 0)
                return -1;
            if (a != '[' && a != 'O')
                continue;
            if (b >= '0' && b <= '9') {
                do {
                    if (read_byte(&t) != 0)
                        return -1;
                } while (t >= '0' && t <= '9');
                if (b == '3' && t == '~' && pos < len) {
                    memmove(buf + pos, buf + pos + 1, len - pos - 1);
                    len--;
                }
            } else if (b == 'H') {
                pos = 0;
            } else if (b == 'F') {
                pos = len;
            } else if (b == 'D' && pos > 0)
                pos--;
            else if (b == 'C' && pos < len)
                pos++;
            else if (b == 'A' && back < hist.count)
                pos = len = recall(++back, buf, cap);
            else if (b == 'B' && back > 0)
                pos = len = recall(--back, buf, cap);
        } else if (c >= 0x20 && c != KEY_DEL && len + 1 < cap) {
            memmove(buf + pos + 1, buf + pos, len - pos);
            buf[pos++] = (char)c;
            len++;
        }
        buf[len] = '\0';
        redraw(prompt, buf, len, pos);
    }
}
