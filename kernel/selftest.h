/* kernel/selftest.h — the in-kernel test table (cmdline test=selftest), the shape of xv6's
 * usertests: named tests, each returning its number of failed checks and printing what failed.
 * Runs in kmain's context after boot with interrupts on; prints "selftest: NAME ok|FAIL" per test
 * and a closing "selftest: N passed, N failed". */
#ifndef KERNEL_SELFTEST_H
#define KERNEL_SELFTEST_H

/* runs every test (or only those whose name contains `filter`, if not NULL); returns failures */
int selftest_run(const char *filter);

#endif
