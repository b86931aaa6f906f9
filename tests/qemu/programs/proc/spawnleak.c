/* spawnleak: spawns /bin/test/hello.wasm (output to /dev/null) WARM times, reads the kernel's free
 * memory, spawns it ROUNDS more times and reads it again; prints both and the loss per spawn. Exits 1
 * when a spawn or wait fails, or when more than LIMIT bytes per spawn were lost (a leak in the process
 * life cycle: engine instance, WASI context, handles, kernel stacks, page tables). */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "sdk/walos.h"

#define WARM 20
#define LIMIT 1024   /* bytes per spawn: heap fragmentation may cost a little, a leak costs more */

static int spawn_hello(uint32_t out_fd)
{
    static const char path[] = "/bin/test/hello.wasm", args[] = "hello";
    uint32_t fds[3] = {out_fd, out_fd, out_fd}, pid;
    int32_t status = -1;
    if (walos_proc_spawn(path, sizeof path - 1, args, sizeof args, "", 0, fds, 3, 0, &pid) != 0)
        return -1;
    if (walos_proc_wait(pid, WALOS_WAIT_BLOCK, &status) != 0 || status != 0)
        return -1;
    return 0;
}

int main(int argc, char **argv)
{
    int rounds = argc > 1 ? atoi(argv[1]) : 100;
    int null_fd = open("/dev/null", O_WRONLY);
    if (null_fd < 0) {
        perror("spawnleak: /dev/null");
        return 1;
    }
    struct walos_sysinfo before, after;
    for (int i = 0; i < WARM; i++)
        if (spawn_hello((uint32_t)null_fd) != 0) {
            fprintf(stderr, "spawnleak: warm-up spawn %d failed\n", i);
            return 1;
        }
    walos_proc_sysinfo(&before);
    for (int i = 0; i < rounds; i++)
        if (spawn_hello((uint32_t)null_fd) != 0) {
            fprintf(stderr, "spawnleak: spawn %d failed\n", i);
            return 1;
        }
    walos_proc_sysinfo(&after);
    long long lost = (long long)before.mem_free - (long long)after.mem_free;
    printf("spawnleak: free %llu KiB after %d warm-up spawns, %llu KiB after %d more: %lld bytes per spawn\n",
           (unsigned long long)before.mem_free / 1024, WARM, (unsigned long long)after.mem_free / 1024,
           rounds, lost / rounds);
    return lost / rounds > LIMIT;
}
