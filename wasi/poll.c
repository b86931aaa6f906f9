/* wasi/poll.c — poll_oneoff: clock timeouts and fd readiness, over plat_poll.
 *
 * Clock subscriptions become one timeout for plat_poll (the earliest); fd subscriptions become
 * plat_pollfd entries. Regular files are always ready (as on POSIX). An fd that is not open, or
 * lacks poll_fd_readwrite, gives an event carrying that error instead of failing the call.
 *
 * Blocking: when the platform answers PLAT_WOULD_BLOCK the call returns WASM_BLOCK and is made again
 * on resume; relative timeouts keep counting from the first attempt (ctx->poll_start), so a retry
 * does not restart them. */
#include "wasi/wasi_priv.h"

#define INLINE_SUBS 8

struct sub {
    uint64_t userdata;
    uint8_t type;              /* enum wasi_eventtype */
    uint16_t error;            /* set when the subscription itself is bad */
    int64_t clock_left;        /* clocks: ns left when the poll started (<= 0: expired) */
    int pollfd;                /* fds: index in the plat_pollfd array, or -1 */
    uint64_t nbytes;           /* fds that are always ready: bytes readable */
};

static void put_event(uint8_t *ev, const struct sub *s, uint16_t error, uint64_t nbytes,
                      uint16_t flags)
{
    memset(ev, 0, WASI_EVENT_SIZE);
    wasi_st64(ev + 0, s->userdata);
    wasi_st16(ev + 8, error);
    wasi_st8(ev + 10, s->type);
    wasi_st64(ev + 16, nbytes);
    wasi_st16(ev + 24, flags);
}

/* Reads one subscription into *s (and an fd one into pfds[*npfds]). `start`: the poll's start on
 * the monotonic clock, from which relative timeouts count. */
static void read_sub(struct wasi_ctx *ctx, const uint8_t *raw, uint64_t start, struct sub *s,
                     struct plat_pollfd *pfds, size_t *npfds)
{
    s->userdata = wasi_ld64(raw);
    s->type = raw[8];
    s->error = 0;
    s->clock_left = 0;
    s->pollfd = -1;
    s->nbytes = 0;
    if (s->type == WASI_EVENT_CLOCK) {
        uint32_t id = wasi_ld32(raw + 16);
        uint64_t timeout = wasi_ld64(raw + 24);
        uint16_t flags = wasi_ld16(raw + 40);
        uint64_t now;
        if (plat_clock_time(id, &now) != WASI_ESUCCESS) {
            s->error = WASI_EINVAL;
            return;
        }
        if (flags & WASI_SUBCLOCK_ABSTIME) {
            s->clock_left = timeout > now ? (int64_t)(timeout - now) : 0;
        } else {
            uint64_t mono;
            plat_clock_time(WASI_CLOCK_MONOTONIC, &mono);
            uint64_t elapsed = mono - start;
            if (timeout > (uint64_t)INT64_MAX)
                timeout = INT64_MAX;
            s->clock_left = timeout > elapsed ? (int64_t)(timeout - elapsed) : 0;
        }
        return;
    }
    if (s->type != WASI_EVENT_FD_READ && s->type != WASI_EVENT_FD_WRITE) {
        s->error = WASI_EINVAL;
        return;
    }
    struct wasi_fd *f;
    int err = wasi_fd_get(ctx, wasi_ld32(raw + 16), WASI_RIGHT_POLL_FD_READWRITE, &f);
    if (err) {
        s->error = (uint16_t)err;
        return;
    }
    if (f->filetype == WASI_FILETYPE_REGULAR_FILE) {   /* always ready */
        struct plat_filestat st;
        uint64_t pos;
        if (s->type == WASI_EVENT_FD_READ && plat_fd_stat(f->handle, &st) == WASI_ESUCCESS &&
            plat_fd_seek(f->handle, 0, WASI_WHENCE_CUR, &pos) == WASI_ESUCCESS && st.size > pos)
            s->nbytes = st.size - pos;
        return;
    }
    struct plat_pollfd *p = &pfds[*npfds];
    memset(p, 0, sizeof *p);
    p->handle = f->handle;
    p->want = s->type == WASI_EVENT_FD_READ ? PLAT_POLL_READ : PLAT_POLL_WRITE;
    s->pollfd = (int)(*npfds)++;
}

/* poll_oneoff(in: ptr<subscription>, out: ptr<event>, nsubscriptions) -> (errno, size) */
int wasi_poll_oneoff(struct wasm_host_call *call, uint64_t *slots, uint8_t *mem, uint64_t mem_size)
{
    uint32_t n = (uint32_t)slots[2];
    const uint8_t *in = wasi_guest(mem, mem_size, (uint32_t)slots[0],
                                   (uint64_t)n * WASI_SUBSCRIPTION_SIZE);
    uint8_t *out = wasi_guest(mem, mem_size, (uint32_t)slots[1], (uint64_t)n * WASI_EVENT_SIZE);
    uint8_t *nevents = wasi_guest(mem, mem_size, (uint32_t)slots[3], 4);
    if (!in || !out || !nevents)
        return wasi_return(slots, WASI_EFAULT);
    return wasi_return(slots, wasi_poll(call->host_data, in, n, out, nevents));
}

int wasi_poll(struct wasi_ctx *ctx, const uint8_t *in, uint32_t n, uint8_t *out, uint8_t *nevents)
{
    if (n == 0)
        return WASI_EINVAL;

    struct sub inline_subs[INLINE_SUBS];
    struct plat_pollfd inline_pfds[INLINE_SUBS];
    struct sub *subs = inline_subs;
    struct plat_pollfd *pfds = inline_pfds;
    if (n > INLINE_SUBS) {
        subs = plat_calloc(n, sizeof *subs);
        pfds = plat_calloc(n, sizeof *pfds);
        if (!subs || !pfds) {
            if (subs != inline_subs)
                plat_free(subs);
            if (pfds != inline_pfds)
                plat_free(pfds);
            return WASI_ENOMEM;
        }
    }
    uint64_t start;
    if (ctx->poll_blocked)
        start = ctx->poll_start;
    else
        plat_clock_time(WASI_CLOCK_MONOTONIC, &start);

    int err = WASI_ESUCCESS;
    uint32_t count = 0;
    for (;;) {
        size_t npfds = 0;
        int64_t timeout = -1;
        bool ready_now = false;
        for (uint32_t i = 0; i < n; i++) {
            read_sub(ctx, in + (size_t)i * WASI_SUBSCRIPTION_SIZE, start, &subs[i], pfds, &npfds);
            struct sub *s = &subs[i];
            if (s->error || (s->type != WASI_EVENT_CLOCK && s->pollfd < 0))
                ready_now = true;
            else if (s->type == WASI_EVENT_CLOCK && (timeout < 0 || s->clock_left < timeout))
                timeout = s->clock_left;
        }
        if (ready_now)
            timeout = 0;
        size_t nready = 0;
        err = plat_poll(pfds, npfds, timeout, &nready);
        if (err == PLAT_WOULD_BLOCK) {
            ctx->poll_blocked = true;
            ctx->poll_start = start;
            break;
        }
        if (err)
            break;
        for (uint32_t i = 0; i < n; i++) {
            struct sub *s = &subs[i];
            uint8_t *ev = out + (size_t)count * WASI_EVENT_SIZE;
            if (s->error) {
                put_event(ev, s, s->error, 0, 0);
                count++;
            } else if (s->type == WASI_EVENT_CLOCK) {
                /* re-read the clock: a timeout is met when its time has come */
                struct sub again;
                size_t dummy = 0;
                struct plat_pollfd none;
                read_sub(ctx, in + (size_t)i * WASI_SUBSCRIPTION_SIZE, start, &again, &none,
                         &dummy);
                if (again.clock_left <= 0) {
                    put_event(ev, s, 0, 0, 0);
                    count++;
                }
            } else if (s->pollfd < 0) {
                put_event(ev, s, 0, s->nbytes, 0);
                count++;
            } else if (pfds[s->pollfd].ready || pfds[s->pollfd].error) {
                const struct plat_pollfd *p = &pfds[s->pollfd];
                put_event(ev, s, p->error, p->nbytes, p->hangup ? WASI_EVENTRW_HANGUP : 0);
                count++;
            }
        }
        if (count > 0)
            break;
    }
    if (err != PLAT_WOULD_BLOCK)
        ctx->poll_blocked = false;
    if (subs != inline_subs)
        plat_free(subs);
    if (pfds != inline_pfds)
        plat_free(pfds);
    if (err == WASI_ESUCCESS)
        wasi_st32(nevents, count);
    return err;
}
