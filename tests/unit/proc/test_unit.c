/* tests/unit/proc/test_unit.c — kernel/proc/unit.c: every key, the defaults, each error with its
 * file:line, and random or mutated files (no crash, always a terminated message). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/proc/unit.h"
#include "tests/unit/harness.h"

static struct unit u;
static char err[UNIT_ERROR_MAX];

static int parse(const char *path, const char *text)
{
    return unit_parse(path, text, strlen(text), &u, err, sizeof err);
}

/* argv/env packed lists compared as "a|b|c". */
static const char *joined(const char *buf, uint32_t len)
{
    static char out[2048];
    for (uint32_t i = 0; i < len; i++)
        out[i] = buf[i] ? buf[i] : '|';
    out[len ? len - 1 : 0] = '\0';
    return out;
}

static void test_full(void)
{
    const char *text =
        "# a comment\n"
        "[service]\n"
        "exec = /bin/httpd.wasm\n"
        "args=-p 80 'two words' \"x y\"\n"
        "env=HOME=/srv\n"
        "env=MODE=a=b\n"
        "dir=/srv/www::/www\n"
        "dir=/tmp\n"
        "after=net log\n"
        "after=fs\n"
        "restart=on-failure\n"
        "max-memory=16M\n"
        "fuel=1000000\n"
        "listen=tcp:8080\n"
        "listen=tcp:443\n"
        "allow-net=yes\n"
        "; another comment\n"
        "stdout=/var/log/web.log max=1M keep=3\n";
    CHECK_EQ(parse("/etc/services/httpd.conf", text), 0);
    CHECK(strcmp(err, "") == 0);
    CHECK(strcmp(u.name, "httpd") == 0);
    CHECK(strcmp(u.exec, "/bin/httpd.wasm") == 0);
    CHECK(strcmp(joined(u.argv, u.argv_len), "httpd|-p|80|two words|x y") == 0);
    CHECK(strcmp(joined(u.env, u.env_len), "HOME=/srv|MODE=a=b") == 0);
    CHECK_EQ(u.ndirs, 2);
    CHECK(strcmp(u.dirs[0].host, "/srv/www") == 0 && strcmp(u.dirs[0].guest, "/www") == 0);
    CHECK(strcmp(u.dirs[1].host, "/tmp") == 0 && strcmp(u.dirs[1].guest, "/tmp") == 0);
    CHECK_EQ(u.nafter, 3);
    CHECK(strcmp(u.after[0], "net") == 0 && strcmp(u.after[1], "log") == 0 &&
          strcmp(u.after[2], "fs") == 0);
    CHECK_EQ(u.restart, UNIT_RESTART_ON_FAILURE);
    CHECK_EQ(u.max_memory, 16 * 1024 * 1024);
    CHECK_EQ(u.fuel, 1000000);
    CHECK_EQ(u.nlisten, 2);
    CHECK_EQ(u.listen_ports[0], 8080);
    CHECK_EQ(u.listen_ports[1], 443);
    CHECK(u.allow_net);
    CHECK_EQ(u.output, UNIT_OUTPUT_FILE);
    CHECK(strcmp(u.stdout_path, "/var/log/web.log") == 0);
    CHECK_EQ(u.stdout_max, 1024 * 1024);
    CHECK_EQ(u.stdout_keep, 3);
}

static void test_defaults(void)
{
    CHECK_EQ(parse("shell.conf", "exec=/bin/shell.wasm"), 0);    /* no final newline */
    CHECK(strcmp(u.name, "shell") == 0);
    CHECK(strcmp(joined(u.argv, u.argv_len), "shell") == 0);
    CHECK_EQ(u.env_len, 0);
    CHECK_EQ(u.ndirs, 0);
    CHECK_EQ(u.restart, UNIT_RESTART_NO);
    CHECK_EQ(u.max_memory, 0);
    CHECK_EQ(u.fuel, 0);
    CHECK_EQ(u.nlisten, 0);
    CHECK(!u.allow_net);
    CHECK_EQ(u.output, UNIT_OUTPUT_FILE);
    CHECK(strcmp(u.stdout_path, "/var/log/shell.log") == 0);
    CHECK_EQ(u.stdout_max, 64 * 1024);
    CHECK_EQ(u.stdout_keep, 1);
}

static void test_crlf_and_blanks(void)
{
    CHECK_EQ(parse("a.conf", "\r\n  exec=/a.wasm  \r\n\t restart = always\r\nstdout=console\r\n"), 0);
    CHECK(strcmp(u.exec, "/a.wasm") == 0);
    CHECK_EQ(u.restart, UNIT_RESTART_ALWAYS);
    CHECK_EQ(u.output, UNIT_OUTPUT_CONSOLE);
    CHECK_EQ(parse("a.conf", "exec=/a.wasm\nstdout=null\n"), 0);
    CHECK_EQ(u.output, UNIT_OUTPUT_NULL);
}

/* Each bad file gives exactly this message. */
static void expect_error(const char *path, const char *text, const char *message)
{
    int r = parse(path, text);
    CHECK_EQ(r, -1);
    if (strcmp(err, message) != 0) {
        printf("  expected \"%s\"\n  got      \"%s\"\n", message, err);
        test_checks_failed++;
    }
}

static void test_errors(void)
{
    expect_error("/etc/services/x.conf", "exec=/x.wasm\nfrobnicate=1\n",
                 "/etc/services/x.conf:2: unknown key \"frobnicate\"");
    expect_error("x.conf", "exec=/x.wasm\nexec=/y.wasm\n", "x.conf:2: key given twice");
    expect_error("x.conf", "exec=/x.wasm\n\nrestart=sometimes\n",
                 "x.conf:3: restart= must be no, on-failure or always");
    expect_error("x.conf", "restart=no\n", "x.conf:0: exec= is missing");
    expect_error("x.conf", "exec=x.wasm\n", "x.conf:1: exec= needs an absolute path");
    expect_error("x.conf", "exec=/x.wasm\nlisten=udp:53\n", "x.conf:2: listen= needs tcp:PORT (1-65535)");
    expect_error("x.conf", "exec=/x.wasm\nlisten=tcp:70000\n", "x.conf:2: listen= needs tcp:PORT (1-65535)");
    expect_error("x.conf", "exec=/x.wasm\nlisten=tcp:0\n", "x.conf:2: listen= needs tcp:PORT (1-65535)");
    expect_error("x.conf", "exec=/x.wasm\nlisten=tcp:80\nlisten=tcp:80\n",
                 "x.conf:3: listen=: this port is given twice");
    expect_error("x.conf", "exec=/x.wasm\nlisten=tcp:1\nlisten=tcp:2\nlisten=tcp:3\nlisten=tcp:4\nlisten=tcp:5\n",
                 "x.conf:6: listen=: too many (4 at most)");
    expect_error("x.conf", "exec=/x.wasm\nlisten=tcp:\n", "x.conf:2: listen= needs tcp:PORT (1-65535)");
    expect_error("x.conf", "exec=/x.wasm\nlisten=tcp:80x\n", "x.conf:2: listen= needs tcp:PORT (1-65535)");
    expect_error("x.conf", "exec=/x.wasm\nlisten=80\n", "x.conf:2: listen= needs tcp:PORT (1-65535)");
    expect_error("x.conf", "exec=/x.wasm\nallow-net=maybe\n", "x.conf:2: allow-net= must be yes or no");
    expect_error("x.conf", "exec=/x.wasm\nallow-net=yes\nallow-net=no\n", "x.conf:3: key given twice");
    expect_error("x.conf", "exec=/x.wasm\njust words\n", "x.conf:2: expected key=value");
    expect_error("x.conf", "exec=/x.wasm\nfuel=\n", "x.conf:2: empty value");
    expect_error("x.conf", "exec=/x.wasm\nfuel=12x\n", "x.conf:2: fuel= needs a number");
    expect_error("x.conf", "exec=/x.wasm\nfuel=99999999999999999999999\n", "x.conf:2: fuel= needs a number");
    expect_error("x.conf", "exec=/x.wasm\nmax-memory=1K\n",
                 "x.conf:2: max-memory= needs a SIZE of at least 64K (one wasm page)");
    expect_error("x.conf", "exec=/x.wasm\nmax-memory=lots\n",
                 "x.conf:2: max-memory= needs a SIZE of at least 64K (one wasm page)");
    expect_error("x.conf", "exec=/x.wasm\nargs=a 'b\n", "x.conf:2: args=: unterminated quote");
    expect_error("x.conf", "exec=/x.wasm\nenv=NOVALUE\n", "x.conf:2: env= needs K=V");
    expect_error("x.conf", "exec=/x.wasm\nenv==v\n", "x.conf:2: env= needs K=V");
    expect_error("x.conf", "exec=/x.wasm\ndir=relative\n", "x.conf:2: dir= needs an absolute PATH[::GUEST]");
    expect_error("x.conf", "exec=/x.wasm\ndir=/a/../b\n", "x.conf:2: dir= needs an absolute PATH[::GUEST]");
    expect_error("x.conf", "exec=/x.wasm\ndir=/a::\n", "x.conf:2: dir=: bad GUEST name");
    expect_error("x.conf", "exec=/x.wasm\nafter=bad/name\n", "x.conf:2: after=: bad service name");
    expect_error("x.conf", "exec=/x.wasm\nstdout=relative.log\n",
                 "x.conf:2: stdout= needs console, null or an absolute path");
    expect_error("x.conf", "exec=/x.wasm\nstdout=/l max=10\n",
                 "x.conf:2: stdout=: options are max=SIZE (1K at least) and keep=N (0-9)");
    expect_error("x.conf", "exec=/x.wasm\nstdout=/l keep=10\n",
                 "x.conf:2: stdout=: options are max=SIZE (1K at least) and keep=N (0-9)");
    expect_error("x.conf", "[unit]\nexec=/x.wasm\n", "x.conf:1: unknown section (only [service])");
    expect_error("x.txt", "exec=/x.wasm\n",
                 "x.txt:0: the file name must be NAME.conf, NAME of [A-Za-z0-9._-] (31 at most)");
    expect_error("/etc/services/.conf", "exec=/x.wasm\n",
                 "/etc/services/.conf:0: the file name must be NAME.conf, NAME of [A-Za-z0-9._-] (31 at most)");
    expect_error("a b.conf", "exec=/x.wasm\n",
                 "a b.conf:0: the file name must be NAME.conf, NAME of [A-Za-z0-9._-] (31 at most)");
    const char nul[] = "exec=/x.wasm\nfu\0el=1\n";
    CHECK_EQ(unit_parse("x.conf", nul, sizeof nul - 1, &u, err, sizeof err), -1);
    CHECK(strcmp(err, "x.conf:2: NUL byte in the file") == 0);
}

static void test_limits(void)
{
    char text[8192];
    strcpy(text, "exec=/x.wasm\n");
    for (int i = 0; i < UNIT_MAX_DIRS; i++)
        strcat(text, "dir=/d\n");
    CHECK_EQ(parse("x.conf", text), 0);
    CHECK_EQ(u.ndirs, UNIT_MAX_DIRS);
    strcat(text, "dir=/d\n");
    expect_error("x.conf", text, "x.conf:10: dir=: too many (8 at most)");

    strcpy(text, "exec=/x.wasm\nargs=");
    memset(text + strlen(text), 'a', 600);
    strcpy(text + 13 + 5 + 600, "\n");
    expect_error("x.conf", text, "x.conf:2: line too long (511 bytes at most)");

    char env_line[300] = "env=K=";
    memset(env_line + 6, 'x', 255);
    strcpy(env_line + 261, "\n");    /* 258 packed bytes each: three fit in UNIT_ENV_MAX, four do not */
    strcpy(text, "exec=/x.wasm\n");
    for (int i = 0; i < 3; i++)
        strcat(text, env_line);
    CHECK_EQ(parse("x.conf", text), 0);
    strcat(text, env_line);
    expect_error("x.conf", text, "x.conf:5: env=: too long");

    /* a tiny error buffer still gets a terminated (cut) message */
    char small[8];
    CHECK_EQ(unit_parse("x.conf", "oops\n", 5, &u, small, sizeof small), -1);
    CHECK(strcmp(small, "x.conf:") == 0);
}

static void test_sizes(void)
{
    uint64_t v;
    CHECK(unit_parse_size("4096", &v) == 0 && v == 4096);
    CHECK(unit_parse_size("64K", &v) == 0 && v == 65536);
    CHECK(unit_parse_size("2m", &v) == 0 && v == 2u << 20);
    CHECK(unit_parse_size("3G", &v) == 0 && v == 3ull << 30);
    CHECK(unit_parse_size("", &v) == -1);
    CHECK(unit_parse_size("K", &v) == -1);
    CHECK(unit_parse_size("1T", &v) == -1);
    CHECK(unit_parse_size("-1", &v) == -1);
    CHECK(unit_parse_size("18446744073709551615G", &v) == -1);
    CHECK(strcmp(unit_restart_name(UNIT_RESTART_ON_FAILURE), "on-failure") == 0);
}

/* Random bytes and mutations of a valid file: never a crash, a result of 0 or -1, a terminated error
 * that starts with the path, and on success a valid exec path. */
static void test_fuzz(void)
{
    const char *seed = "[service]\nexec=/bin/a.wasm\nargs=x 'y z'\nenv=A=B\ndir=/a::/b\nafter=q r\n"
                       "restart=always\nmax-memory=1M\nfuel=5\nlisten=tcp:80\nstdout=/l max=2K keep=2\n";
    size_t seed_len = strlen(seed);
    srand(12345);
    char buf[1024];
    int ok = 0, bad = 0;
    for (int iter = 0; iter < 50000; iter++) {
        size_t len;
        if (iter % 2) {
            len = (size_t)rand() % sizeof buf;
            for (size_t i = 0; i < len; i++)
                buf[i] = (char)(rand() % 4 ? "exc=/[]\n 'tdrg:KM0\"#"[rand() % 21] : rand());
        } else {
            memcpy(buf, seed, seed_len);
            len = seed_len;
            for (int m = rand() % 4 + 1; m > 0; m--)
                buf[rand() % len] = (char)(rand() % 2 ? rand() : "=\n ':/"[rand() % 6]);
        }
        memset(err, 'Z', sizeof err);
        int r = unit_parse("f.conf", buf, len, &u, err, sizeof err);
        if (r == 0) {
            ok++;
            CHECK(u.exec[0] == '/' && memchr(u.exec, 0, sizeof u.exec));
            CHECK(u.argv_len <= sizeof u.argv && u.env_len <= sizeof u.env);
            CHECK(u.nlisten >= 0 && u.nlisten <= UNIT_MAX_LISTEN);
            for (int i = 0; i < u.nlisten; i++)
                CHECK(u.listen_ports[i] != 0);
        } else {
            bad++;
            CHECK_EQ(r, -1);
            CHECK(memchr(err, 0, sizeof err) != NULL && strncmp(err, "f.conf:", 7) == 0);
        }
    }
    CHECK(ok > 100 && bad > 100);
}

int main(int argc, char **argv)
{
    static const struct test_case tests[] = {
        { "unit_full", test_full },
        { "unit_defaults", test_defaults },
        { "unit_crlf_and_blanks", test_crlf_and_blanks },
        { "unit_errors", test_errors },
        { "unit_limits", test_limits },
        { "unit_sizes", test_sizes },
        { "unit_fuzz", test_fuzz },
        { NULL, NULL },
    };
    return test_main(tests, argc, argv);
}
