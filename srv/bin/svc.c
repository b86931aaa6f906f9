/* svc list | status [NAME] | start NAME | stop NAME | restart NAME | logs NAME — controls services
 * through the service manager (walos_svc_control) and prints its answer: one line per service
 * ("NAME STATE pid=N restarts=N") for list and status, the log's tail for logs. `svc status` without
 * NAME is `svc list`. Exit status 1 with "svc: NAME: no such service" for an unknown name. */
#include "prog.h"
#include "sdk/walos.h"

static const char *const commands[] = { "list", "status", "start", "stop", "restart", "logs" };

int main(int argc, char **argv)
{
    if (argc < 2 || argc > 3) {
        fprintf(stderr, "usage: svc list | status [NAME] | start|stop|restart|logs NAME\n");
        return 2;
    }
    uint32_t cmd = 0;
    while (cmd < 6 && strcmp(argv[1], commands[cmd]) != 0)
        cmd++;
    if (cmd == 6 || (cmd >= WALOS_SVC_START && argc != 3)) {
        fprintf(stderr, "svc: bad command (try: svc list)\n");
        return 2;
    }
    if (cmd == WALOS_SVC_STATUS && argc == 2)
        cmd = WALOS_SVC_LIST;    /* `svc status` alone: every service, as list */
    const char *name = argc == 3 ? argv[2] : "";
    static char out[64 * 1024];
    uint32_t n = 0;
    int err = walos_svc_control(cmd, name, (uint32_t)strlen(name), out, sizeof out, &n);
    if (err == ENOENT && argc == 3) {
        fprintf(stderr, "svc: %s: no such service\n", name);
        return 1;
    }
    if (err)
        return prog_fail_errno("svc", argc == 3 ? name : argv[1], err);
    fwrite(out, 1, n, stdout);
    if (n && out[n - 1] != '\n')
        putchar('\n');
    return 0;
}
