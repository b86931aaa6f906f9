/* msg: walos_svc message passing. `msg` listens on endpoint "msg-test", checks the error cases, spawns
 * `msg send` (which sends "ping" there) and receives it with a blocking recv; exits 0 when all held. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define PROC(name) __attribute__((import_module("walos_proc"), import_name(name)))
#define SVC(name) __attribute__((import_module("walos_svc"), import_name(name)))
PROC("spawn") int32_t walos_proc_spawn(const char *path, uint32_t path_len, const char *argv,
                                       uint32_t argv_len, const char *env, uint32_t env_len,
                                       const uint32_t *fds, uint32_t fds_count, uint32_t flags,
                                       uint32_t *pid_out);
PROC("wait") int32_t walos_proc_wait(uint32_t pid, uint32_t flags, int32_t *status_out);
SVC("send") int32_t walos_svc_send(const char *ep, uint32_t ep_len, const void *msg, uint32_t len);
SVC("listen") int32_t walos_svc_listen(const char *ep, uint32_t ep_len);
SVC("recv") int32_t walos_svc_recv(const char *ep, uint32_t ep_len, void *buf, uint32_t buf_len,
                                   uint32_t flags, uint32_t *n_out);
SVC("control") int32_t walos_svc_control(uint32_t cmd, const char *name, uint32_t name_len, char *out,
                                         uint32_t out_len, uint32_t *n_out);

#define EP "msg-test"
static int failures;

static void check(int ok, const char *what)
{
    printf("msg: %s %s\n", ok ? "ok" : "FAILED", what);
    failures += !ok;
}

int main(int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[1], "send"))
        return walos_svc_send(EP, sizeof EP - 1, "ping", 4);
    char buf[64];
    uint32_t n = 0;
    check(walos_svc_send(EP, sizeof EP - 1, "x", 1) == 44, "send to nobody is ENOENT");
    check(walos_svc_listen(EP, sizeof EP - 1) == 0, "listen");
    check(walos_svc_recv(EP, sizeof EP - 1, buf, sizeof buf, 1, &n) == 6, "empty non-blocking recv is EAGAIN");
    check(walos_svc_send(EP, sizeof EP - 1, "hello", 5) == 0, "send to self");
    check(walos_svc_recv(EP, sizeof EP - 1, buf, 2, 1, &n) == 35 && n == 5, "short buffer is EMSGSIZE, length told");
    check(walos_svc_recv(EP, sizeof EP - 1, buf, sizeof buf, 1, &n) == 0 && n == 5 && !memcmp(buf, "hello", 5),
          "message kept and received");
    static const char path[] = "/bin/test/msg.wasm", args[] = "msg\0send";
    uint32_t fds[3] = {0, 1, 2}, pid;
    check(walos_proc_spawn(path, sizeof path - 1, args, sizeof args, "", 0, fds, 3, 0, &pid) == 0, "spawn sender");
    check(walos_svc_recv(EP, sizeof EP - 1, buf, sizeof buf, 0, &n) == 0 && n == 4 && !memcmp(buf, "ping", 4),
          "blocking recv gets the child's message");
    int32_t status = -1;
    check(walos_proc_wait(pid, 0, &status) == 0 && status == 0, "sender exited 0");
    check(walos_svc_control(1, "nosuch", 6, buf, sizeof buf, &n) == 44, "control on an unknown service is ENOENT");
    printf("msg: %d failed\n", failures);
    return failures != 0;
}
