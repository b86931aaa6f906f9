/* reboot / poweroff — one source built twice: POWER_CMD picks WALOS_POWER_REBOOT or WALOS_POWER_OFF
 * (srv/rules.mk passes -DPOWER_CMD=...). The kernel syncs the disks first. */
#include "prog.h"
#include "sdk/walos.h"

#ifndef POWER_CMD
#error "build with -DPOWER_CMD=WALOS_POWER_OFF or WALOS_POWER_REBOOT"
#endif

int main(void)
{
    int err = walos_proc_power(POWER_CMD);
    return prog_fail_errno(POWER_CMD == WALOS_POWER_OFF ? "poweroff" : "reboot", "power", err);
}
