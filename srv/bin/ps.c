/* ps — lists processes: pid, parent, state, CPU time, memory and name (walos_proc_list). */
#include "prog.h"
#include "sdk/walos.h"

static const char *state_name(uint32_t s)
{
    static const char *names[] = { "run", "ready", "blocked", "zombie" };
    return s < 4 ? names[s] : "?";
}

int main(void)
{
    uint32_t cap = 64, count = 0;
    struct walos_proc_info *buf = NULL;
    for (;;) {
        free(buf);
        buf = calloc(cap, sizeof *buf);
        if (!buf)
            return prog_fail_errno("ps", "list", ENOMEM);
        int err = walos_proc_list(buf, cap * (uint32_t)sizeof *buf, &count);
        if (err)
            return prog_fail_errno("ps", "list", err);
        if (count <= cap)
            break;
        cap = count + 16;
    }
    printf("  PID  PPID STATE      CPU(ms)    MEM(KiB) NAME\n");
    for (uint32_t i = 0; i < count; i++) {
        const struct walos_proc_info *p = &buf[i];
        printf("%5u %5u %-7s %10llu %11llu %.32s\n", p->pid, p->ppid, state_name(p->state),
               (unsigned long long)(p->cpu_ns / 1000000), (unsigned long long)(p->mem_bytes / 1024),
               p->name);
    }
    free(buf);
    return 0;
}
