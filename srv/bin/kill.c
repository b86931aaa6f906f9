/* kill PID... — ends processes (walos_proc_kill; their exit status becomes 137). */
#include "prog.h"
#include "sdk/walos.h"

int main(int argc, char **argv)
{
    int status = 0;
    if (argc < 2) {
        fprintf(stderr, "usage: kill PID...\n");
        return 2;
    }
    for (int i = 1; i < argc; i++) {
        char *end;
        unsigned long pid = strtoul(argv[i], &end, 10);
        if (*argv[i] == '\0' || *end != '\0' || pid == 0 || pid > UINT32_MAX) {
            fprintf(stderr, "kill: %s: not a pid\n", argv[i]);
            status = 1;
            continue;
        }
        int err = walos_proc_kill((uint32_t)pid);
        if (err)
            status = prog_fail_errno("kill", argv[i], err);
    }
    return status;
}
