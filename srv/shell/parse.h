/* srv/shell/parse.h — the shell's command-line grammar: words, quotes, redirections, pipes, '&'.
 *
 *   line     := pipeline ['&']          (empty or '#' comment lines give ncmds == 0)
 *   pipeline := command ('|' command)*
 *   command  := (WORD | '<' WORD | '>' WORD | '>>' WORD)+
 * A WORD is a run of characters other than blanks and | < > &; '...' quotes literally, "..." quotes
 * with \" and \\ escapes, a backslash outside quotes takes the next character literally. */
#ifndef SRV_SHELL_PARSE_H
#define SRV_SHELL_PARSE_H

#include <stddef.h>

#define PARSE_MAX_ARGS 64
#define PARSE_MAX_CMDS 8
#define PARSE_MAX_LINE 1024

struct parse_cmd {
    char *argv[PARSE_MAX_ARGS + 1];   /* NULL-terminated; point into parse_line.words */
    int argc;
    char *in;                          /* '<' file, or NULL */
    char *out;                         /* '>' or '>>' file, or NULL */
    int append;                        /* 1 for '>>' */
};

struct parse_line {
    struct parse_cmd cmds[PARSE_MAX_CMDS];
    int ncmds;                         /* 0: nothing to run */
    int background;                    /* the line ended with '&' */
    char words[PARSE_MAX_LINE * 2];    /* the unquoted words, NUL-separated */
};

/* Parses text (NUL-terminated) into *out, which owns every string it points to. Returns 0, or -1 with
 * a one-line message in err (err_len bytes): unterminated quote, a redirection without a file, an
 * empty command beside '|' or '&', too many words or commands, line too long. Never blocks. */
int parse_line(const char *text, struct parse_line *out, char *err, size_t err_len);

#endif /* SRV_SHELL_PARSE_H */
