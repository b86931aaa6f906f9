/* Host tests of kernel/lib/string.c and kernel/lib/ctype.h (built with -fno-builtin so that the
 * calls below reach our definitions, which take precedence over libc's in this executable). */
#include "tests/unit/harness.h"
#include "kernel/lib/string.h"
#include "kernel/lib/ctype.h"
#include "kernel/lib/stdlib.h"

#include <limits.h>

#include <stdint.h>

static void test_memcpy_alignments(void)
{
    unsigned char src[100], dst[100];
    for (int i = 0; i < 100; i++)
        src[i] = (unsigned char)(i * 7 + 1);
    for (int so = 0; so < 9; so++)
        for (int dof = 0; dof < 9; dof++)
            for (int n = 0; n < 80; n += 7) {
                memset(dst, 0xee, sizeof dst);
                CHECK(memcpy(dst + dof, src + so, (size_t)n) == dst + dof);
                CHECK(memcmp(dst + dof, src + so, (size_t)n) == 0);
                CHECK(dst[dof + n] == 0xee);
                if (dof)
                    CHECK(dst[dof - 1] == 0xee);
            }
}

static void test_memmove_overlap(void)
{
    char a[32] = "0123456789abcdefghij";
    memmove(a + 2, a, 10);
    CHECK(memcmp(a, "010123456789cdef", 16) == 0);
    char b[32] = "0123456789abcdefghij";
    memmove(b, b + 3, 10);
    CHECK(memcmp(b, "3456789abcabcdefghij", 20) == 0);
    CHECK(memmove(b, b, 5) == b);
}

static void test_memset_memcmp(void)
{
    unsigned char buf[64];
    for (int off = 0; off < 8; off++) {
        memset(buf, 0, sizeof buf);
        memset(buf + off, 0x5a, 33);
        for (int i = 0; i < 64; i++)
            CHECK_EQ(buf[i], (i >= off && i < off + 33) ? 0x5a : 0);
    }
    CHECK(memcmp("abc", "abd", 3) < 0);
    CHECK(memcmp("abd", "abc", 3) > 0);
    CHECK(memcmp("\xff", "\x01", 1) > 0); /* bytes compare unsigned */
    CHECK(memcmp("abc", "abd", 2) == 0);
    const char *h = "hello";
    CHECK(memchr(h, 'l', 5) == h + 2);
    CHECK(memchr(h, 'z', 5) == NULL);
}

static void test_strings(void)
{
    CHECK_EQ(strlen(""), 0);
    CHECK_EQ(strlen("walos"), 5);
    CHECK_EQ(strnlen("walos", 3), 3);
    CHECK_EQ(strnlen("wa", 3), 2);
    CHECK(strcmp("a", "b") < 0);
    CHECK(strcmp("b", "a") > 0);
    CHECK(strcmp("abc", "abc") == 0);
    CHECK(strcmp("ab", "abc") < 0);
    CHECK(strcmp("\xe9", "a") > 0);
    CHECK(strncmp("abcX", "abcY", 3) == 0);
    CHECK(strncmp("abcX", "abcY", 4) < 0);
    CHECK(strncmp("ab", "ab", 10) == 0);
    const char *s = "a=b=c";
    CHECK(strchr(s, '=') == s + 1);
    CHECK(strrchr(s, '=') == s + 3);
    CHECK(strchr(s, 0) == s + 5);
    CHECK(strchr(s, 'x') == NULL);
    CHECK(strstr("test=fault exit", "exit") != NULL);
    CHECK(strstr("abc", "") != NULL);
    CHECK(strstr("abc", "abcd") == NULL);
    char buf[8];
    CHECK_EQ(strlcpy(buf, "walos kernel", sizeof buf), 12);
    CHECK(strcmp(buf, "walos k") == 0);
    CHECK_EQ(strlcpy(buf, "ok", sizeof buf), 2);
    CHECK(strcmp(buf, "ok") == 0);
    strcat(buf, "ay");
    CHECK(strcmp(buf, "okay") == 0);
    strcpy(buf, "x");
    CHECK(strcmp(buf, "x") == 0);
}

static void test_ctype(void)
{
    CHECK(isdigit('7') && !isdigit('a'));
    CHECK(isxdigit('F') && isxdigit('a') && !isxdigit('g'));
    CHECK(isspace(' ') && isspace('\n') && !isspace('x'));
    CHECK(isalpha('Q') && !isalpha('1'));
    CHECK(ispunct('!') && !ispunct('a') && !ispunct(' '));
    CHECK(toupper('a') == 'A' && tolower('Z') == 'z' && toupper('1') == '1');
    CHECK(!isprint(-1) && !isalpha(200));
}

static void test_strtol(void)
{
    char *end;
    CHECK_EQ(strtol("  -42xyz", &end, 10), -42);
    CHECK(*end == 'x');
    CHECK_EQ(strtoul("0x1F", &end, 0), 31);
    CHECK(*end == 0);
    CHECK_EQ(strtoul("0755", NULL, 0), 493);
    CHECK_EQ(strtoul("ff", NULL, 16), 255);
    CHECK_EQ(strtoul("z", NULL, 36), 35);
    CHECK_EQ(strtol("+7", NULL, 10), 7);
    const char *none = "  abc";
    CHECK_EQ(strtol(none, &end, 10), 0);
    CHECK(end == none);
    CHECK(strtoull("18446744073709551615", NULL, 10) == ULLONG_MAX);
    CHECK(strtoull("99999999999999999999999", NULL, 10) == ULLONG_MAX);
    CHECK(strtoll("-9223372036854775808", NULL, 10) == LLONG_MIN);
    CHECK(strtoll("9223372036854775808", NULL, 10) == LLONG_MAX);
    CHECK(strtoll("-99999999999999999999", NULL, 10) == LLONG_MIN);
    CHECK_EQ(atoi("123"), 123);
    CHECK_EQ(strtoul("0x", &end, 16), 0); /* "0x" without digits: the 0 is the number */
    CHECK(*end == 'x');
}

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

static void test_bsearch(void)
{
    int v[] = { 1, 3, 5, 7, 9, 11 };
    for (int i = 0; i < 6; i++)
        CHECK(bsearch(&v[i], v, 6, sizeof v[0], cmp_int) == &v[i]);
    int missing[] = { 0, 2, 12 };
    for (int i = 0; i < 3; i++)
        CHECK(bsearch(&missing[i], v, 6, sizeof v[0], cmp_int) == NULL);
    CHECK(bsearch(&v[0], v, 0, sizeof v[0], cmp_int) == NULL);
}

int main(int argc, char **argv)
{
    static const struct test_case tests[] = {
        { "memcpy_alignments", test_memcpy_alignments },
        { "memmove_overlap", test_memmove_overlap },
        { "memset_memcmp", test_memset_memcmp },
        { "strings", test_strings },
        { "ctype", test_ctype },
        { "strtol", test_strtol },
        { "bsearch", test_bsearch },
        { 0, 0 },
    };
    return test_main(tests, argc, argv);
}
