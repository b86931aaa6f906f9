/* srv/shell/lineedit.h — reading command lines from fd 0 (or a script's fd).
 *
 * Enter may arrive as CR (a terminal), LF (a pipe or file) or CR LF: each ends one line. In terminal
 * mode (walos's console delivers raw bytes and does not echo) the editor echoes on fd 1 and edits:
 * backspace (DEL or ^H), Delete, left/right arrows, Home/End and ^A/^E, ^U (erase to start), ^W (erase
 * a word), up/down (history; ESC [ and ESC O forms), ^C (drop the line), ^D on an empty line (end of input). */
#ifndef SRV_SHELL_LINEEDIT_H
#define SRV_SHELL_LINEEDIT_H

#include <stddef.h>

#define LINEEDIT_HISTORY 32

/* Reads one line (without its end) into buf (cap bytes, NUL-terminated; longer lines are cut). In
 * terminal mode it prints prompt first and echoes. Blocks until a line is complete. Returns the
 * line's length, or -1 at end of input (or a read error). */
int lineedit_read(const char *prompt, int terminal, char *buf, size_t cap);

/* Reads lines from fd instead of fd 0 (a script file); the fd stays open until exit. */
void lineedit_set_input(int fd);

/* Adds line to the history (ignores empty lines and repeats of the last one). */
void lineedit_history_add(const char *line);

#endif /* SRV_SHELL_LINEEDIT_H */
