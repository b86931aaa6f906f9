/* srv/shell/parse.c — turns one command line into pipelines of argv vectors with redirections (grammar
 * in parse.h). Two steps: scan() cuts the text into words and operators, then parse_line() groups
 * them into commands. Plain C, no walos imports, so the grammar is the same wherever the shell runs. */
#include "parse.h"

#include <stdio.h>
#include <string.h>

enum token { TOK_END, TOK_WORD, TOK_PIPE, TOK_IN, TOK_OUT, TOK_APPEND, TOK_AMP, TOK_ERROR };

struct scanner {
    const char *p;        /* next character of the text */
    char *words;          /* where the next word's characters go */
    char *words_end;
    char *word;           /* the last TOK_WORD's text */
    const char *error;    /* set with TOK_ERROR */
};

static int is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static int is_operator(char c)
{
    return c == '|' || c == '<' || c == '>' || c == '&';
}

static int put(struct scanner *s, char c)
{
    if (s->words >= s->words_end) {
        s->error = "line too long";
        return -1;
    }
    *s->words++ = c;
    return 0;
}

static enum token scan(struct scanner *s)
{
    while (is_blank(*s->p))
        s->p++;
    char c = *s->p;
    if (c == '\0' || c == '#')
        return TOK_END;
    if (is_operator(c)) {
        s->p++;
        if (c == '|')
            return TOK_PIPE;
        if (c == '&')
            return TOK_AMP;
        if (c == '<')
            return TOK_IN;
        if (*s->p == '>') {
            s->p++;
            return TOK_APPEND;
        }
        return TOK_OUT;
    }
    s->word = s->words;
    while (*s->p && !is_blank(*s->p) && !is_operator(*s->p)) {
        c = *s->p++;
        if (c == '\\' && *s->p) {
            if (put(s, *s->p++))
                return TOK_ERROR;
        } else if (c == '\'' || c == '"') {
            char quote = c;
            while (*s->p && *s->p != quote) {
                if (quote == '"' && *s->p == '\\' && (s->p[1] == '"' || s->p[1] == '\\'))
                    s->p++;
                if (put(s, *s->p++))
                    return TOK_ERROR;
            }
            if (*s->p != quote) {
                s->error = quote == '"' ? "unterminated \"" : "unterminated '";
                return TOK_ERROR;
            }
            s->p++;
        } else if (put(s, c)) {
            return TOK_ERROR;
        }
    }
    if (put(s, '\0'))
        return TOK_ERROR;
    return TOK_WORD;
}

static int fail(char *err, size_t err_len, const char *what)
{
    snprintf(err, err_len, "syntax error: %s", what);
    return -1;
}

int parse_line(const char *text, struct parse_line *out, char *err, size_t err_len)
{
    memset(out, 0, sizeof *out);
    if (strlen(text) >= PARSE_MAX_LINE)
        return fail(err, err_len, "line too long");
    struct scanner s = { .p = text, .words = out->words, .words_end = out->words + sizeof out->words };
    struct parse_cmd *cmd = &out->cmds[0];
    int words_in_cmd = 0;    /* words and redirections of the current command */
    for (;;) {
        enum token t = scan(&s);
        if (t == TOK_ERROR)
            return fail(err, err_len, s.error);
        if (t == TOK_WORD) {
            if (out->background)
                return fail(err, err_len, "'&' must end the line");
            if (cmd->argc == PARSE_MAX_ARGS)
                return fail(err, err_len, "too many words");
            cmd->argv[cmd->argc++] = s.word;
            words_in_cmd++;
            continue;
        }
        if (t == TOK_IN || t == TOK_OUT || t == TOK_APPEND) {
            if (scan(&s) != TOK_WORD)
                return fail(err, err_len, s.error ? s.error : "redirection without a file");
            if (t == TOK_IN) {
                cmd->in = s.word;
            } else {
                cmd->out = s.word;
                cmd->append = t == TOK_APPEND;
            }
            words_in_cmd++;
            continue;
        }
        if (t == TOK_PIPE) {
            if (cmd->argc == 0)
                return fail(err, err_len, "empty command before '|'");
            if (out->ncmds + 1 == PARSE_MAX_CMDS)
                return fail(err, err_len, "too many commands");
            out->ncmds++;
            cmd = &out->cmds[out->ncmds];
            words_in_cmd = 0;
            continue;
        }
        if (t == TOK_AMP) {
            if (cmd->argc == 0 || out->background)
                return fail(err, err_len, "'&' without a command");
            out->background = 1;
            continue;
        }
        /* TOK_END */
        if (cmd->argc == 0) {
            if (out->ncmds > 0 || words_in_cmd > 0)
                return fail(err, err_len, words_in_cmd ? "redirection without a command"
                                                       : "empty command after '|'");
            return 0;
        }
        out->ncmds++;
        return 0;
    }
}
