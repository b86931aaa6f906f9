/* kernel/fs/fat32_name.c — FAT32 names: UTF-8 <-> UTF-16 long names, case folding, 8.3 short
 * names (basis, display form, checksum). Pure functions: no disk access (contract in fat32_priv.h).
 * References: Microsoft FAT specification 1.03 §6-7 (short names, long name entries). */
#include "kernel/fs/fat32_priv.h"

/* true when c occurs in the NUL-terminated set (no memchr in the kernel's string subset) */
static bool memchr_ascii(const char *set, char c)
{
    for (; *set; set++)
        if (*set == c)
            return true;
    return false;
}

/* UTF-8 to UTF-16, checking it is a legal long name. FS_EINVAL or FS_ENAMETOOLONG. */
int fat_name_from_utf8(const char *s, size_t len, struct name16 *out)
{
    out->len = 0;
    size_t i = 0;
    while (i < len) {
        uint8_t c = (uint8_t)s[i];
        uint32_t cp, need;
        if (c < 0x80)
            cp = c, need = 0;
        else if ((c & 0xE0) == 0xC0)
            cp = c & 0x1F, need = 1;
        else if ((c & 0xF0) == 0xE0)
            cp = c & 0x0F, need = 2;
        else if ((c & 0xF8) == 0xF0)
            cp = c & 0x07, need = 3;
        else
            return FS_EINVAL;
        for (uint32_t k = 1; k <= need; k++) {
            if (i + k >= len || ((uint8_t)s[i + k] & 0xC0) != 0x80)
                return FS_EINVAL;
            cp = cp << 6 | ((uint8_t)s[i + k] & 0x3F);
        }
        if ((need == 1 && cp < 0x80) || (need == 2 && cp < 0x800) || (need == 3 && cp < 0x10000) ||
            cp > 0x10FFFF || (cp >= 0xD800 && cp < 0xE000))
            return FS_EINVAL; /* overlong, out of range or a surrogate */
        i += need + 1;
        if (cp < 0x20 || (cp < 0x80 && memchr_ascii("\"*/:<>?\\|", (char)cp)))
            return FS_EINVAL;
        uint32_t units = cp >= 0x10000 ? 2 : 1;
        if (out->len + units > NAME_UNITS_MAX)
            return FS_ENAMETOOLONG;
        if (units == 2) {
            cp -= 0x10000;
            out->u[out->len++] = (uint16_t)(0xD800 | cp >> 10);
            out->u[out->len++] = (uint16_t)(0xDC00 | (cp & 0x3FF));
        } else {
            out->u[out->len++] = (uint16_t)cp;
        }
    }
    if (out->len == 0)
        return FS_EINVAL;
    uint16_t last = out->u[out->len - 1];
    if (last == '.' || last == ' ')
        return FS_EINVAL; /* Windows strips these; refuse rather than rename silently */
    return FS_OK;
}

/* UTF-16 to UTF-8 (unpaired surrogates become U+FFFD). Returns the byte length; out holds
 * VFS_NAME_MAX + 1 bytes and is NUL-terminated. */
uint32_t fat_name_to_utf8(const uint16_t *u, uint32_t n, char *out)
{
    uint32_t o = 0;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t cp = u[i];
        if (cp >= 0xD800 && cp < 0xDC00 && i + 1 < n && u[i + 1] >= 0xDC00 && u[i + 1] < 0xE000) {
            cp = 0x10000 + ((cp - 0xD800) << 10) + (u[i + 1] - 0xDC00);
            i++;
        } else if (cp >= 0xD800 && cp < 0xE000) {
            cp = 0xFFFD;
        }
        if (cp < 0x80) {
            if (o + 1 > VFS_NAME_MAX) break;
            out[o++] = (char)cp;
        } else if (cp < 0x800) {
            if (o + 2 > VFS_NAME_MAX) break;
            out[o++] = (char)(0xC0 | cp >> 6);
            out[o++] = (char)(0x80 | (cp & 0x3F));
        } else if (cp < 0x10000) {
            if (o + 3 > VFS_NAME_MAX) break;
            out[o++] = (char)(0xE0 | cp >> 12);
            out[o++] = (char)(0x80 | ((cp >> 6) & 0x3F));
            out[o++] = (char)(0x80 | (cp & 0x3F));
        } else {
            if (o + 4 > VFS_NAME_MAX) break;
            out[o++] = (char)(0xF0 | cp >> 18);
            out[o++] = (char)(0x80 | ((cp >> 12) & 0x3F));
            out[o++] = (char)(0x80 | ((cp >> 6) & 0x3F));
            out[o++] = (char)(0x80 | (cp & 0x3F));
        }
    }
    out[o] = 0;
    return o;
}

/* Case folding for name comparison: ASCII, Latin-1, Greek and Cyrillic letters. */
static uint16_t fold(uint16_t c)
{
    if (c >= 'a' && c <= 'z')
        return (uint16_t)(c - 32);
    if ((c >= 0xE0 && c <= 0xFE && c != 0xF7) || (c >= 0x3B1 && c <= 0x3C9 && c != 0x3C2) ||
        (c >= 0x430 && c <= 0x44F))
        return (uint16_t)(c - 32);
    if (c >= 0x450 && c <= 0x45F)
        return (uint16_t)(c - 80);
    return c;
}

bool fat_name_equal(const uint16_t *a, uint32_t alen, const uint16_t *b, uint32_t blen)
{
    if (alen != blen)
        return false;
    for (uint32_t i = 0; i < alen; i++)
        if (fold(a[i]) != fold(b[i]))
            return false;
    return true;
}

uint8_t fat_short_checksum(const uint8_t *name11)
{
    uint8_t sum = 0;
    for (int i = 0; i < 11; i++)
        sum = (uint8_t)(((sum & 1) << 7) + (sum >> 1) + name11[i]);
    return sum;
}

/* The short name as a display name: "NAME.EXT", lowercased per the NT flags. */
void fat_short_display(const uint8_t *raw, struct name16 *out)
{
    out->len = 0;
    int base_end = 8, ext_end = 11;
    while (base_end > 0 && raw[base_end - 1] == ' ')
        base_end--;
    while (ext_end > 8 && raw[ext_end - 1] == ' ')
        ext_end--;
    for (int i = 0; i < base_end; i++) {
        uint8_t c = (i == 0 && raw[0] == 0x05) ? 0xE5 : raw[i];
        if ((raw[12] & NTRES_LOWER_BASE) && c >= 'A' && c <= 'Z')
            c = (uint8_t)(c + 32);
        out->u[out->len++] = c < 0x80 ? c : 0xFFFD;
    }
    if (ext_end > 8) {
        out->u[out->len++] = '.';
        for (int i = 8; i < ext_end; i++) {
            uint8_t c = raw[i];
            if ((raw[12] & NTRES_LOWER_EXT) && c >= 'A' && c <= 'Z')
                c = (uint8_t)(c + 32);
            out->u[out->len++] = c < 0x80 ? c : 0xFFFD;
        }
    }
}

static bool short_char_ok(uint16_t c)
{
    if ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
        return true;
    return c < 0x80 && c > 0x20 && memchr_ascii("$%'-_@~`!(){}^#&", (char)c);
}

/* Builds the basis name (FAT spec §3.2.4 style). *exact: the long name is this 8.3 name up to case;
 * *upper: it has no lowercase letter (so no long-name slots are needed when exact). */
void fat_short_basis(const struct name16 *name, uint8_t *out11, bool *exact, bool *upper)
{
    memset(out11, ' ', 11);
    *exact = true;
    *upper = true;
    uint32_t start = 0, dot = name->len;
    while (start < name->len && (name->u[start] == '.' || name->u[start] == ' '))
        start++, *exact = false;
    for (uint32_t i = name->len; i > start; i--)
        if (name->u[i - 1] == '.') {
            dot = i - 1;
            break;
        }
    uint32_t n = 0;
    for (uint32_t i = start; i < dot; i++) {
        uint16_t c = name->u[i];
        if (c == ' ' || c == '.') {
            *exact = false;
            continue;
        }
        if (c >= 'a' && c <= 'z')
            *upper = false;
        uint16_t u = (c >= 'a' && c <= 'z') ? (uint16_t)(c - 32) : c;
        if (!short_char_ok(u))
            u = '_', *exact = false;
        if (n < 8)
            out11[n++] = (uint8_t)u;
        else
            *exact = false;
    }
    if (n == 0) {
        out11[0] = '_';
        *exact = false;
    }
    n = 0;
    for (uint32_t i = dot + 1; i < name->len; i++) {
        uint16_t c = name->u[i];
        if (c == ' ') {
            *exact = false;
            continue;
        }
        if (c >= 'a' && c <= 'z')
            *upper = false;
        uint16_t u = (c >= 'a' && c <= 'z') ? (uint16_t)(c - 32) : c;
        if (!short_char_ok(u))
            u = '_', *exact = false;
        if (n < 3)
            out11[8 + n++] = (uint8_t)u;
        else
            *exact = false;
    }
}
