/* tests/spec/json.c — recursive-descent JSON reader (see json.h). All nodes, strings and item arrays
 * come from an arena of 64 KiB chunks owned by the document; arrays are built in a temporary growable
 * buffer and copied into the arena when they close. */
#include "tests/spec/json.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHUNK_SIZE 65536

struct chunk {
    struct chunk *next;
    size_t used, size;
    _Alignas(16) unsigned char data[];
};

struct json_doc {
    struct chunk *chunks;
    struct json_value *root;
};

struct parser {
    const char *p, *start, *end;
    struct json_doc *doc;
    char *err;
    size_t err_size;
    bool failed;
};

static void *arena_alloc(struct json_doc *doc, size_t size)
{
    size = (size + 15) & ~(size_t)15;
    struct chunk *c = doc->chunks;
    if (!c || c->size - c->used < size) {
        size_t cap = size > CHUNK_SIZE ? size : CHUNK_SIZE;
        c = malloc(sizeof(*c) + cap);
        if (!c)
            return NULL;
        c->size = cap;
        c->used = 0;
        c->next = doc->chunks;
        doc->chunks = c;
    }
    void *out = c->data + c->used;
    c->used += size;
    return out;
}

static void *fail(struct parser *ps, const char *fmt, ...)
{
    if (!ps->failed) {
        ps->failed = true;
        int n = snprintf(ps->err, ps->err_size, "offset %zu: ", (size_t)(ps->p - ps->start));
        va_list ap;
        va_start(ap, fmt);
        if (n >= 0 && (size_t)n < ps->err_size)
            vsnprintf(ps->err + n, ps->err_size - (size_t)n, fmt, ap);
        va_end(ap);
    }
    return NULL;
}

static void skip_space(struct parser *ps)
{
    while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r'))
        ps->p++;
}

static struct json_value *new_value(struct parser *ps, enum json_kind kind)
{
    struct json_value *v = arena_alloc(ps->doc, sizeof(*v));
    if (!v)
        return fail(ps, "out of memory");
    memset(v, 0, sizeof(*v));
    v->kind = kind;
    return v;
}

static int hex4(struct parser *ps, uint32_t *out)
{
    if (ps->end - ps->p < 4)
        return -1;
    uint32_t v = 0;
    for (int i = 0; i < 4; i++) {
        char c = *ps->p++;
        v <<= 4;
        if (c >= '0' && c <= '9') v |= (uint32_t)(c - '0');
        else if (c >= 'a' && c <= 'f') v |= (uint32_t)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F') v |= (uint32_t)(c - 'A' + 10);
        else return -1;
    }
    *out = v;
    return 0;
}

static size_t put_utf8(char *dst, uint32_t cp)
{
    if (cp < 0x80) { dst[0] = (char)cp; return 1; }
    if (cp < 0x800) { dst[0] = (char)(0xc0 | cp >> 6); dst[1] = (char)(0x80 | (cp & 0x3f)); return 2; }
    if (cp < 0x10000) {
        dst[0] = (char)(0xe0 | cp >> 12); dst[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        dst[2] = (char)(0x80 | (cp & 0x3f)); return 3;
    }
    dst[0] = (char)(0xf0 | cp >> 18); dst[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
    dst[2] = (char)(0x80 | ((cp >> 6) & 0x3f)); dst[3] = (char)(0x80 | (cp & 0x3f));
    return 4;
}

/* Reads a string at ps->p (which is at the opening quote). The decoded text is never longer than
 * the escaped text, so the output buffer is sized by the raw span. */
static char *parse_string(struct parser *ps, size_t *len_out)
{
    ps->p++;
    const char *q = ps->p;
    while (q < ps->end && *q != '"')
        q += (*q == '\\') ? 2 : 1;
    if (q >= ps->end)
        return fail(ps, "unterminated string");
    char *out = arena_alloc(ps->doc, (size_t)(q - ps->p) + 1);
    if (!out)
        return fail(ps, "out of memory");
    size_t n = 0;
    while (*ps->p != '"') {
        char c = *ps->p++;
        if (c != '\\') {
            out[n++] = c;
            continue;
        }
        c = *ps->p++;
        switch (c) {
        case '"': case '\\': case '/': out[n++] = c; break;
        case 'b': out[n++] = '\b'; break;
        case 'f': out[n++] = '\f'; break;
        case 'n': out[n++] = '\n'; break;
        case 'r': out[n++] = '\r'; break;
        case 't': out[n++] = '\t'; break;
        case 'u': {
            uint32_t cp, lo;
            if (hex4(ps, &cp))
                return fail(ps, "bad \\u escape");
            if (cp >= 0xd800 && cp < 0xdc00 && ps->end - ps->p >= 6 && ps->p[0] == '\\' &&
                ps->p[1] == 'u') {
                ps->p += 2;
                if (hex4(ps, &lo) || lo < 0xdc00 || lo >= 0xe000)
                    return fail(ps, "bad surrogate pair");
                cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
            }
            n += put_utf8(out + n, cp);
            break;
        }
        default:
            return fail(ps, "bad escape");
        }
    }
    ps->p++;
    out[n] = 0;
    *len_out = n;
    return out;
}

static struct json_value *parse_value(struct parser *ps, int depth);

/* Parses the items of an array or object; ps->p is just past the opening bracket. */
static struct json_value *parse_container(struct parser *ps, int depth, bool object)
{
    struct json_value *v = new_value(ps, object ? JSON_OBJECT : JSON_ARRAY);
    if (!v)
        return NULL;
    size_t cap = 0, n = 0;
    struct json_value **items = NULL;
    char **keys = NULL;
    char close = object ? '}' : ']';
    skip_space(ps);
    if (ps->p < ps->end && *ps->p == close) {
        ps->p++;
        return v;
    }
    for (;;) {
        char *key = NULL;
        size_t key_len;
        skip_space(ps);
        if (object) {
            if (ps->p >= ps->end || *ps->p != '"')
                goto bad;
            key = parse_string(ps, &key_len);
            if (!key)
                goto out;
            skip_space(ps);
            if (ps->p >= ps->end || *ps->p != ':')
                goto bad;
            ps->p++;
        }
        struct json_value *item = parse_value(ps, depth + 1);
        if (!item)
            goto out;
        if (n == cap) {
            cap = cap ? cap * 2 : 8;
            void *ni = realloc(items, cap * sizeof(*items));
            void *nk = object ? realloc(keys, cap * sizeof(*keys)) : NULL;
            if (!ni || (object && !nk)) {
                free(ni ? ni : items);
                free(nk ? nk : keys);
                return fail(ps, "out of memory");
            }
            items = ni;
            keys = nk;
        }
        items[n] = item;
        if (object)
            keys[n] = key;
        n++;
        skip_space(ps);
        if (ps->p < ps->end && *ps->p == ',') {
            ps->p++;
            continue;
        }
        if (ps->p < ps->end && *ps->p == close) {
            ps->p++;
            break;
        }
        goto bad;
    }
    v->count = n;
    v->items = arena_alloc(ps->doc, n * sizeof(*items));
    if (object)
        v->keys = arena_alloc(ps->doc, n * sizeof(*keys));
    if (!v->items || (object && !v->keys)) {
        fail(ps, "out of memory");
        goto out;
    }
    memcpy(v->items, items, n * sizeof(*items));
    if (object)
        memcpy(v->keys, keys, n * sizeof(*keys));
    free(items);
    free(keys);
    return v;
bad:
    fail(ps, object ? "malformed object" : "malformed array");
out:
    free(items);
    free(keys);
    return NULL;
}

static struct json_value *parse_value(struct parser *ps, int depth)
{
    if (depth > JSON_MAX_DEPTH)
        return fail(ps, "nesting too deep");
    skip_space(ps);
    if (ps->p >= ps->end)
        return fail(ps, "unexpected end");
    char c = *ps->p;
    if (c == '{' || c == '[') {
        ps->p++;
        return parse_container(ps, depth, c == '{');
    }
    if (c == '"') {
        struct json_value *v = new_value(ps, JSON_STRING);
        if (v && !(v->text = parse_string(ps, &v->text_len)))
            return NULL;
        return v;
    }
    static const struct { const char *word; enum json_kind kind; bool b; } words[] = {
        {"true", JSON_BOOL, true}, {"false", JSON_BOOL, false}, {"null", JSON_NULL, false},
    };
    for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
        size_t wl = strlen(words[i].word);
        if ((size_t)(ps->end - ps->p) >= wl && !memcmp(ps->p, words[i].word, wl)) {
            ps->p += wl;
            struct json_value *v = new_value(ps, words[i].kind);
            if (v)
                v->boolean = words[i].b;
            return v;
        }
    }
    if (c == '-' || (c >= '0' && c <= '9')) {
        const char *s = ps->p;
        while (ps->p < ps->end && strchr("+-0123456789.eE", *ps->p))
            ps->p++;
        struct json_value *v = new_value(ps, JSON_NUMBER);
        if (!v)
            return NULL;
        v->text_len = (size_t)(ps->p - s);
        v->text = arena_alloc(ps->doc, v->text_len + 1);
        if (!v->text)
            return fail(ps, "out of memory");
        memcpy(v->text, s, v->text_len);
        v->text[v->text_len] = 0;
        return v;
    }
    return fail(ps, "unexpected character '%c'", c);
}

struct json_doc *json_parse(const char *text, size_t len, char *err, size_t err_size)
{
    struct json_doc *doc = calloc(1, sizeof(*doc));
    if (!doc) {
        snprintf(err, err_size, "out of memory");
        return NULL;
    }
    struct parser ps = {.p = text, .start = text, .end = text + len, .doc = doc, .err = err,
                        .err_size = err_size};
    doc->root = parse_value(&ps, 0);
    if (doc->root) {
        skip_space(&ps);
        if (ps.p != ps.end)
            fail(&ps, "junk after the document");
    }
    if (ps.failed || !doc->root) {
        json_free(doc);
        return NULL;
    }
    return doc;
}

const struct json_value *json_root(const struct json_doc *doc) { return doc->root; }

void json_free(struct json_doc *doc)
{
    if (!doc)
        return;
    struct chunk *c = doc->chunks;
    while (c) {
        struct chunk *next = c->next;
        free(c);
        c = next;
    }
    free(doc);
}

const struct json_value *json_get(const struct json_value *v, const char *key)
{
    if (!v || v->kind != JSON_OBJECT)
        return NULL;
    for (size_t i = 0; i < v->count; i++)
        if (!strcmp(v->keys[i], key))
            return v->items[i];
    return NULL;
}

const char *json_get_string(const struct json_value *v, const char *key)
{
    const struct json_value *s = json_get(v, key);
    return s && s->kind == JSON_STRING ? s->text : NULL;
}
