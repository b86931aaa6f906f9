/* free — prints total, used and free memory in KiB (walos_proc_sysinfo). */
#include "prog.h"
#include "sdk/walos.h"

int main(void)
{
    struct walos_sysinfo si;
    int err = walos_proc_sysinfo(&si);
    if (err)
        return prog_fail_errno("free", "sysinfo", err);
    printf("%12s %12s %12s\n", "total", "used", "free");
    printf("%12llu %12llu %12llu KiB\n", (unsigned long long)(si.mem_total / 1024),
           (unsigned long long)((si.mem_total - si.mem_free) / 1024),
           (unsigned long long)(si.mem_free / 1024));
    return 0;
}
