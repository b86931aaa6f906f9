/* Host tests of kernel/lib/fmt.c (vsnprintf) and kernel/lib/sort.c (qsort). Expected strings are
 * literals: the host's own snprintf is interposed by ours in this executable. */
#include "tests/unit/harness.h"
#include "kernel/lib/fmt.h"
#include "kernel/lib/sort.h"

#include <stdint.h>

static char out[256];

#define FMT(expect, ...)                                                     \
    do {                                                                     \
        int n_ = snprintf(out, sizeof out, __VA_ARGS__);                     \
        if (strcmp(out, expect) != 0 || n_ != (int)strlen(expect))           \
            printf("  got \"%s\" (%d), want \"%s\"\n", out, n_, expect);     \
        CHECK(strcmp(out, expect) == 0);                                     \
        CHECK_EQ(n_, strlen(expect));                                        \
    } while (0)

static void test_integers(void)
{
    FMT("0", "%d", 0);
    FMT("-42", "%d", -42);
    FMT("2147483647 -2147483648", "%d %d", 2147483647, (int)-2147483647 - 1);
    FMT("4294967295", "%u", 4294967295u);
    FMT("18446744073709551615", "%llu", 18446744073709551615ull);
    FMT("-9223372036854775808", "%lld", (long long)INT64_MIN);
    FMT("ff FF 0xff 377 0377", "%x %X %#x %o %#o", 255, 255, 255, 255, 255);
    FMT("ffffffff80000000", "%lx", 0xffffffff80000000ul);
    FMT("    42|42    |00042|+42| 42", "%6d|%-6d|%05d|%+d|% d", 42, 42, 42, 42, 42);
    FMT("-0042", "%05d", -42);
    FMT("  007", "%5.3d", 7);
    FMT("", "%.0d", 0);
    FMT("0x0000000000001234", "%p", (void *)0x1234);
    FMT("    8", "%*d", 5, 8);
    FMT("8    |", "%-*d|", 5, 8);
    FMT("255 65535 -1", "%hhu %hu %hhd", (unsigned char)0xff, (unsigned short)0xffff, (signed char)-1);
    FMT("123 -5 77", "%zu %td %jd", (size_t)123, (ptrdiff_t)-5, (intmax_t)77);
    FMT("0", "%#x", 0);
}

static void test_strings_chars(void)
{
    FMT("walos", "%s", "walos");
    FMT("(null)", "%s", (char *)NULL);
    FMT("  abc|abc  |ab", "%5s|%-5s|%.2s", "abc", "abc", "abc");
    FMT("x%y", "%c%%%c", 'x', 'y');
}

static void test_truncation(void)
{
    char small[6];
    memset(small, 'z', sizeof small);
    int n = snprintf(small, sizeof small, "walos %d", 12345);
    CHECK_EQ(n, 11);
    CHECK(strcmp(small, "walos") == 0);
    CHECK_EQ(snprintf(NULL, 0, "%d", 100), 3);
    char one[1] = { 'q' };
    CHECK_EQ(snprintf(one, 1, "abc"), 3);
    CHECK_EQ(one[0], 0);
}

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

struct rec {
    char name[12];
    int key;
};

static int cmp_rec(const void *a, const void *b)
{
    return cmp_int(&((const struct rec *)a)->key, &((const struct rec *)b)->key);
}

static void test_qsort(void)
{
    int v[1000];
    unsigned seed = 12345;
    for (int n = 0; n < 1000; n += 37) {
        for (int i = 0; i < n; i++) {
            seed = seed * 1103515245u + 12345u;
            v[i] = (int)(seed >> 16) % 100 - 50;
        }
        qsort(v, (size_t)n, sizeof v[0], cmp_int);
        for (int i = 1; i < n; i++)
            CHECK(v[i - 1] <= v[i]);
    }
    struct rec r[5] = { { "e", 5 }, { "a", 1 }, { "d", 4 }, { "b", 2 }, { "c", 3 } };
    qsort(r, 5, sizeof r[0], cmp_rec);
    CHECK(strcmp(r[0].name, "a") == 0 && strcmp(r[4].name, "e") == 0);
    CHECK_EQ(r[2].key, 3);
    qsort(r, 0, sizeof r[0], cmp_rec);
    qsort(r, 1, sizeof r[0], cmp_rec);
    CHECK_EQ(r[0].key, 1);
}

int main(int argc, char **argv)
{
    static const struct test_case tests[] = {
        { "integers", test_integers },
        { "strings_chars", test_strings_chars },
        { "truncation", test_truncation },
        { "qsort", test_qsort },
        { 0, 0 },
    };
    return test_main(tests, argc, argv);
}
