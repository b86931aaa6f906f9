/* tests/spec/json.h — a small JSON reader for the spec runner (wast2json output).
 *
 * json_parse reads a whole document into a tree of json_value nodes allocated from one arena, so
 * json_free releases everything at once. Strings are decoded (escapes, \uXXXX with surrogate pairs,
 * to UTF-8) and NUL-terminated; their length is kept because names may contain NUL. Numbers are kept
 * as their text (the runner needs exact 64-bit integers, never doubles). Objects keep key order.
 * Not a general-purpose parser: no streaming, depth limited to JSON_MAX_DEPTH. */
#ifndef TESTS_SPEC_JSON_H
#define TESTS_SPEC_JSON_H

#include <stddef.h>
#include <stdbool.h>

#define JSON_MAX_DEPTH 64

enum json_kind { JSON_NULL, JSON_BOOL, JSON_NUMBER, JSON_STRING, JSON_ARRAY, JSON_OBJECT };

struct json_value {
    enum json_kind kind;
    bool boolean;               /* JSON_BOOL */
    char *text;                 /* JSON_NUMBER (as written), JSON_STRING (decoded) */
    size_t text_len;
    size_t count;               /* JSON_ARRAY / JSON_OBJECT: number of items */
    struct json_value **items;  /* the items (for objects: the values) */
    char **keys;                /* JSON_OBJECT: the keys, NUL-terminated */
};

struct json_doc;

/* Parses text[0..len). Returns the document (root via json_root) or NULL, with a message naming the
 * byte offset in err (size err_size). The text may be freed afterwards: the tree copies what it needs. */
struct json_doc *json_parse(const char *text, size_t len, char *err, size_t err_size);
const struct json_value *json_root(const struct json_doc *doc);
/* Frees the document and every node; NULL is a no-op. */
void json_free(struct json_doc *doc);

/* Member `key` of an object, or NULL (also when v is NULL or not an object). */
const struct json_value *json_get(const struct json_value *v, const char *key);
/* The string of member `key`, or NULL when absent or not a string. */
const char *json_get_string(const struct json_value *v, const char *key);

#endif
