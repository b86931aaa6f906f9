/* A tiny unit-test harness (the shape of Redis's testhelp.h).
 *
 * A test file defines test functions that call CHECK(cond) and registers them in a table passed to
 * test_main(). Each CHECK counts once; a failing one prints "FAIL file:line: cond". test_main prints
 * one line per test ("ok NAME" or "FAIL NAME") and ends with "N passed, N failed", where N counts
 * tests (a test fails when any of its checks failed). It returns the process exit status (0: all
 * passed), so main() is `return test_main(tests, argc, argv);`. With an argument, only tests whose
 * name contains it run. Header-only so that every host test binary links alone. */
#ifndef TESTS_UNIT_HARNESS_H
#define TESTS_UNIT_HARNESS_H

#include <stdio.h>
#include <string.h>

struct test_case {
    const char *name;
    void (*fn)(void);
};

static int test_checks_failed;

#define CHECK(cond)                                                          \
    do {                                                                     \
        if (!(cond)) {                                                       \
            printf("FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond);           \
            test_checks_failed++;                                            \
        }                                                                    \
    } while (0)

/* CHECK_EQ prints both values (as long long) when they differ. */
#define CHECK_EQ(a, b)                                                       \
    do {                                                                     \
        long long check_a_ = (long long)(a), check_b_ = (long long)(b);      \
        if (check_a_ != check_b_) {                                          \
            printf("FAIL %s:%d: %s == %s (%lld != %lld)\n", __FILE__,        \
                   __LINE__, #a, #b, check_a_, check_b_);                    \
            test_checks_failed++;                                            \
        }                                                                    \
    } while (0)

static inline int test_main(const struct test_case *tests, int argc, char **argv)
{
    int passed = 0, failed = 0;
    for (const struct test_case *t = tests; t->name; t++) {
        if (argc > 1 && !strstr(t->name, argv[1]))
            continue;
        int before = test_checks_failed;
        t->fn();
        if (test_checks_failed == before) {
            printf("ok %s\n", t->name);
            passed++;
        } else {
            printf("FAIL %s\n", t->name);
            failed++;
        }
    }
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}

#endif
