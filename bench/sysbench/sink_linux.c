/* bench/sysbench/sink_linux.c — the upload receiver of the TCP throughput benchmark in the Linux guest:
 * the same loop as sink.c (walos) with the same 64 KiB reads, over BSD sockets: listens on PORT
 * (argv[1]), takes one connection at a time, reads until the peer shuts its side, prints
 * "sink: received N bytes", closes, and takes the next. Built with gcc -static. */
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

static char buf[64 * 1024];

int main(int argc, char **argv)
{
    int one = 1;
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(argc > 1 ? atoi(argv[1]) : 81)};
    int l = socket(AF_INET, SOCK_STREAM, 0);
    if (l < 0 || setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) ||
        bind(l, (struct sockaddr *)&sa, sizeof sa) || listen(l, 8)) {
        perror("sink: listen");
        return 1;
    }
    for (;;) {
        int fd = accept(l, NULL, NULL);
        if (fd < 0) {
            perror("sink: accept");
            return 1;
        }
        long long total = 0;
        ssize_t n;
        while ((n = read(fd, buf, sizeof buf)) > 0)
            total += n;
        printf("sink: received %lld bytes\n", n < 0 ? -1 : total);
        fflush(stdout);
        close(fd);
    }
}
