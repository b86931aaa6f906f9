/* uptime — prints the time since boot, the process count and the CPU count (walos_proc_sysinfo). */
#include "prog.h"
#include "sdk/walos.h"

int main(void)
{
    struct walos_sysinfo si;
    int err = walos_proc_sysinfo(&si);
    if (err)
        return prog_fail_errno("uptime", "sysinfo", err);
    unsigned long long s = si.uptime_ns / 1000000000ull;
    printf("up %llu:%02llu:%02llu, %u processes, %u cpus\n", s / 3600, s / 60 % 60, s % 60, si.nprocs,
           si.ncpus);
    return 0;
}
