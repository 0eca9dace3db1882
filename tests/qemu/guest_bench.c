/*
 * Block benchmark: 4 KiB reads kept at a fixed queue depth through the
 * non-blocking submit/kick/poll API for a fixed time, timed with the
 * platform clock. Completed requests are resubmitted at once; the kick for
 * them is sent when the used ring is empty, so one notification covers a
 * batch as a real driver would do.
 */
#include <stdalign.h>
#include <stdbool.h>
#include <stdint.h>

#include "guest.h"
#include "port.h"
#include "vio/blk.h"
#include "vio/err.h"

#define BENCH_MS 200u
#define BENCH_STALL_MS 2000u
#define BENCH_MAX_DEPTH 32u
#define BENCH_IO 4096u
#define BENCH_SECTORS (BENCH_IO / VIO_BLK_SECTOR_SIZE)

static alignas(4096) uint8_t bench_buf[BENCH_MAX_DEPTH][BENCH_IO];
static struct vio_blk_req bench_req[BENCH_MAX_DEPTH];

struct bench {
    struct vio_blk *b;
    uint64_t blocks; /* 4 KiB blocks on the device */
    uint64_t next;   /* the next block to read, cycling over the device */
};

static int submit(struct bench *s, unsigned k)
{
    uint64_t sector = s->next * BENCH_SECTORS;
    s->next = (s->next + 1) % s->blocks;
    int r = vio_blk_submit(s->b, &bench_req[k], VIO_BLK_T_IN, sector, bench_buf[k], BENCH_IO);
    return r < 0 ? r : 0;
}

static void bench_depth(struct vio_blk *b, const char *who, unsigned depth)
{
    struct bench s = {.b = b, .blocks = b->capacity / BENCH_SECTORS, .next = 0};
    unsigned inflight = 0;
    for (; inflight < depth; inflight++) {
        int r = submit(&s, inflight);
        if (r == VIO_ERR_QUEUE_FULL && inflight > 0)
            break; /* a small queue caps the depth; the line shows the depth reached */
        if (r != 0) {
            guest_fail(who, "bench submit %u: %s", inflight, vio_err_name(r));
            return;
        }
    }
    unsigned qd = inflight;
    uint64_t t0 = port_time_now(), t_end = t0, last_progress = t0, done = 0;
    uint64_t stop = t0 + port_ticks_from_ms(BENCH_MS), stall = port_ticks_from_ms(BENCH_STALL_MS);
    bool kick = true;
    while (inflight > 0) {
        struct vio_blk_req *req = NULL;
        int r = vio_blk_poll(b, &req);
        if (r == 0) {
            if (kick) {
                vio_blk_kick(b);
                kick = false;
            }
            if (port_time_now() - last_progress > stall) {
                guest_fail(who, "bench qd=%u: no completion for %u ms", qd, BENCH_STALL_MS);
                return;
            }
            continue;
        }
        bool ours = r == 1 && req >= bench_req && req < bench_req + qd;
        if (!ours || req->result != 0) {
            guest_fail(who, "bench qd=%u completion: %s, result %s", qd,
                       vio_err_name(r < 0 ? r : 0),
                       ours ? vio_err_name(req->result) : "not one of ours");
            return;
        }
        done++;
        inflight--;
        t_end = last_progress = port_time_now();
        if (t_end < stop) {
            r = submit(&s, (unsigned)(req - bench_req));
            if (r != 0) {
                guest_fail(who, "bench resubmit: %s", vio_err_name(r));
                return;
            }
            inflight++;
            kick = true;
        }
    }
    uint64_t ns = port_ticks_to_ns(t_end - t0);
    guest_step(done > 0 && ns > 0, who,
               "bench read 4KiB qd=%u requests=%llu ns=%llu req_per_s=%llu ns_per_req=%llu", qd,
               (unsigned long long)done, (unsigned long long)ns,
               (unsigned long long)(ns ? done * 1000000000ull / ns : 0),
               (unsigned long long)(done ? ns / done : 0));
}

void guest_bench_blk(struct vio_blk *b, const char *who)
{
    if (!guest_step(b->blk_size <= BENCH_IO && b->capacity >= BENCH_SECTORS, who,
                    "bench geometry: blk_size=%u", b->blk_size))
        return;
    bench_depth(b, who, 1);
    bench_depth(b, who, BENCH_MAX_DEPTH);
}
