/*
 * The block workload: reads known ranges (the last sector too) against the
 * host's pattern, checks that bad requests are refused, writes and flushes
 * a new pattern where the host expects it (or checks a read-only device
 * refuses), keeps many reads in flight, and benchmarks devices named
 * "*bench*". The host runner knows the same ranges (qemu_devices.py).
 *
 * The device is brought up and read, written and flushed through the
 * generic block interface (ax_virtio_blk_init, ax_block_*), as an OS would.
 * What that interface has no call for goes to the virtio driver below it:
 * the device's id string, a start inside a logical block, and requests kept
 * in flight (vio_blk_submit/kick/poll).
 */
#include <stdalign.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "axdriver_virtio.h"
#include "guest.h"
#include "port.h"
#include "vio/blk.h"
#include "vio/err.h"

#define SECTOR VIO_BLK_SECTOR_SIZE
#define IO_SECTORS 32u     /* the largest blocking transfer: 16 KiB */
#define ASYNC_REQS 32u     /* reads kept in flight at once */
#define ASYNC_FIRST 256u   /* ...of 4 KiB each, from this sector on */
#define MIN_CAPACITY 1024u /* sectors the ranges below need */
#define WRITE1_FIRST 64u   /* written: [64, 80) and [capacity-16, capacity-8) */
#define WRITE1_SECTORS 16u
#define WRITE2_FROM_END 16u
#define WRITE2_SECTORS 8u
#define POLL_TIMEOUT_MS 2000u

struct blk_run {
    struct ax_block_dev *dev;
    struct vio_blk *b; /* the driver under dev */
    const char *who;
    uint64_t cap; /* sectors */
    uint32_t bs;  /* logical block size in bytes */
    uint32_t spb; /* sectors per block */
};

static struct ax_virtio_blk_dev blk;
static alignas(4096) uint8_t io_buf[IO_SECTORS * SECTOR];
static alignas(4096) uint8_t async_buf[ASYNC_REQS][4096];
static struct vio_blk_req async_req[ASYNC_REQS];

static bool contains(const char *s, const char *word)
{
    for (; *s; s++) {
        size_t i = 0;
        while (word[i] && s[i] == word[i])
            i++;
        if (!word[i])
            return true;
    }
    return false;
}

static unsigned long long last(uint64_t first, size_t sectors)
{
    return (unsigned long long)(first + sectors - 1);
}

/* Every range here starts on a block boundary: a multiple of 4 KiB, or the last block. */
static bool read_check(struct blk_run *c, uint64_t first, size_t sectors, unsigned seed)
{
    memset(io_buf, 0xa5, sizeof io_buf); /* stale data must not pass for a read */
    int r = ax_block_read_block(c->dev, first / c->spb, io_buf, sectors * SECTOR);
    if (r != 0)
        return guest_fail(c->who, "read sectors %llu..%llu: %s", (unsigned long long)first,
                          last(first, sectors), ax_dev_err_name(r));
    uint64_t bad = 0;
    if (!guest_pattern_check(io_buf, first, sectors, seed, &bad))
        return guest_fail(c->who, "read sectors %llu..%llu: sector %llu is not pattern %u",
                          (unsigned long long)first, last(first, sectors), (unsigned long long)bad,
                          seed);
    return guest_step(true, c->who, "read sectors %llu..%llu pattern %u", (unsigned long long)first,
                      last(first, sectors), seed);
}

/* @r is an ax_dev_err; the names of those this workload expects equal the vio_err names. */
static void expect_refused(struct blk_run *c, int r, int want, int also, const char *what)
{
    guest_step(r == want || r == also, c->who, "%s refused (%s)", what, ax_dev_err_name(r));
}

static void reads(struct blk_run *c)
{
    read_check(c, 0, 8, 0);
    read_check(c, (c->cap / 2 & ~7ull) - 8, IO_SECTORS, 0); /* 4 KiB aligned for any blk_size */
    read_check(c, c->cap - 8, 8, 0);
    read_check(c, c->cap - c->spb, c->spb, 0);
}

static void bad_requests(struct blk_run *c)
{
    uint64_t blocks = ax_block_num_blocks(c->dev);
    expect_refused(c, ax_block_read_block(c->dev, blocks, io_buf, c->bs), AX_ERR_INVALID_PARAM,
                   AX_ERR_INVALID_PARAM, "read past the end");
    expect_refused(c, ax_block_read_block(c->dev, blocks - 1, io_buf, 2 * c->bs),
                   AX_ERR_INVALID_PARAM, AX_ERR_INVALID_PARAM, "read across the end");
    expect_refused(c, ax_block_read_block(c->dev, 0, io_buf, 0), AX_ERR_INVALID_PARAM,
                   AX_ERR_INVALID_PARAM, "zero-length read");
    if (c->spb > 1) {
        expect_refused(c, ax_block_read_block(c->dev, 0, io_buf, SECTOR), AX_ERR_INVALID_PARAM,
                       AX_ERR_INVALID_PARAM, "read shorter than a block");
        /*
         * Only the driver below can start inside a block. QEMU answers IOERR
         * for such a start; the driver may refuse first.
         */
        int r = vio_blk_read(c->b, c->spb / 2, io_buf, c->bs);
        expect_refused(c, ax_virtio_as_dev_err(r), AX_ERR_INVALID_PARAM, AX_ERR_IO,
                       "read from a sector inside a block");
    }
    if (!c->b->readonly) {
        expect_refused(c, ax_block_write_block(c->dev, blocks - 1, io_buf, 2 * c->bs),
                       AX_ERR_INVALID_PARAM, AX_ERR_INVALID_PARAM, "write across the end");
    }
    read_check(c, 0, 8, 0); /* a refusal leaves the queue usable */
}

static void write_range(struct blk_run *c, uint64_t first, size_t sectors)
{
    guest_pattern_fill(io_buf, first, sectors, 1);
    int r = ax_block_write_block(c->dev, first / c->spb, io_buf, sectors * SECTOR);
    guest_step(r == 0, c->who, "write sectors %llu..%llu pattern 1: %s", (unsigned long long)first,
               last(first, sectors), ax_dev_err_name(r));
}

static void writes(struct blk_run *c)
{
    uint64_t w2 = c->cap - WRITE2_FROM_END;
    write_range(c, WRITE1_FIRST, WRITE1_SECTORS);
    write_range(c, w2, WRITE2_SECTORS);
    int r = ax_block_flush(c->dev);
    guest_step(r == 0, c->who, "flush: %s", ax_dev_err_name(r));
    read_check(c, WRITE1_FIRST, WRITE1_SECTORS, 1);
    read_check(c, w2, WRITE2_SECTORS, 1);
    read_check(c, WRITE1_FIRST - 8, 8, 0);
    read_check(c, WRITE1_FIRST + WRITE1_SECTORS, 8, 0);
    read_check(c, w2 - 8, 8, 0);
    read_check(c, w2 + WRITE2_SECTORS, 8, 0);
}

static void readonly_writes(struct blk_run *c)
{
    guest_pattern_fill(io_buf, WRITE1_FIRST, WRITE1_SECTORS, 1);
    expect_refused(
        c, ax_block_write_block(c->dev, WRITE1_FIRST / c->spb, io_buf, WRITE1_SECTORS * SECTOR),
        AX_ERR_UNSUPPORTED, AX_ERR_UNSUPPORTED, "write to a read-only device");
    int r = ax_block_flush(c->dev);
    guest_step(r == 0, c->who, "flush: %s", ax_dev_err_name(r));
    read_check(c, WRITE1_FIRST, WRITE1_SECTORS, 0);
}

/* Reads with many requests in flight through submit/kick/poll, completed in any order. */
static void async_reads(struct blk_run *c)
{
    unsigned n = 0, done = 0;
    bool seen[ASYNC_REQS] = {false};
    memset(async_buf, 0xa5, sizeof async_buf);
    for (; n < ASYNC_REQS; n++) {
        int r = vio_blk_submit(c->b, &async_req[n], VIO_BLK_T_IN, ASYNC_FIRST + n * 8u,
                               async_buf[n], sizeof async_buf[n]);
        if (r == VIO_ERR_QUEUE_FULL && n > 0)
            break;
        if (r < 0) {
            guest_fail(c->who, "async submit %u: %s", n, vio_err_name(r));
            return;
        }
    }
    vio_blk_kick(c->b);
    uint64_t deadline = port_time_now() + port_ticks_from_ms(POLL_TIMEOUT_MS);
    while (done < n) {
        struct vio_blk_req *req = NULL;
        int r = vio_blk_poll(c->b, &req);
        if (r == 0) {
            if (port_time_now() > deadline) {
                guest_fail(c->who, "async: %u of %u reads completed in time", done, n);
                return;
            }
            continue;
        }
        size_t k = r == 1 && req >= async_req && req < async_req + n ? (size_t)(req - async_req)
                                                                     : ASYNC_REQS;
        bool mine = k < n && !seen[k];
        if (!mine || async_req[k].result != 0) {
            guest_fail(c->who, "async completion %u: %s, result %s", done,
                       vio_err_name(r < 0 ? r : 0),
                       mine ? vio_err_name(async_req[k].result) : "not one of ours");
            return;
        }
        seen[k] = true;
        done++;
    }
    for (unsigned k = 0; k < n; k++) {
        uint64_t bad = 0;
        if (!guest_pattern_check(async_buf[k], ASYNC_FIRST + k * 8u, 8, 0, &bad)) {
            guest_fail(c->who, "async read %u: sector %llu is not pattern 0", k,
                       (unsigned long long)bad);
            return;
        }
    }
    guest_step(true, c->who, "async: %u reads of 4KiB in flight, all verified", n);
}

/* The reset in deinit must leave the device ready for a second Device Initialization. */
static void reinit(struct blk_run *c, struct vio_transport *t)
{
    int r = ax_virtio_blk_init(&blk, t);
    if (guest_step(r == 0, c->who, "reinit: %s", ax_dev_err_name(r))) {
        read_check(c, c->cap - WRITE2_FROM_END, WRITE2_SECTORS, blk.blk.readonly ? 0 : 1);
        ax_virtio_blk_deinit(&blk);
    }
}

void guest_blk_run(struct vio_transport *t, const char *at)
{
    char dev_name[24];
    con_snprintf(dev_name, sizeof dev_name, "blk@%s", at);
    char id[VIO_BLK_ID_BYTES + 1];
    size_t pages_before = page_in_use();
    struct blk_run c = {.dev = &blk.dev, .b = &blk.blk, .who = dev_name};

    int r = ax_virtio_blk_init(&blk, t);
    if (!guest_step(r == 0, dev_name, "init: %s", ax_dev_err_name(r)))
        return;
    r = vio_blk_get_id(c.b, id);
    if (guest_step(r == 0, dev_name, "get id: %s", vio_err_name(r)) && id[0] != '\0')
        c.who = id;
    c.cap = c.b->capacity;
    c.bs = (uint32_t)ax_block_block_size(c.dev);
    c.spb = c.bs / SECTOR;
    con_printf("%s: info at=%s name=%s legacy=%u offered=0x%llx negotiated=0x%llx "
               "supported=0x%llx blk_size=%u blocks=%llu capacity=%llu ro=%u flush=%u queue=%u "
               "event_idx=%u indirect=%u\n",
               c.who, at, ax_block_device_name(c.dev), t->legacy,
               (unsigned long long)t->ops->device_features(t), (unsigned long long)t->features,
               (unsigned long long)VIO_BLK_SUPPORTED_FEATURES, c.bs,
               (unsigned long long)ax_block_num_blocks(c.dev), (unsigned long long)c.cap,
               c.b->readonly, c.b->has_flush, c.b->q.size, c.b->q.event_idx, c.b->q.indirect);

    bool usable = c.bs >= SECTOR && c.bs <= 4096 && c.bs % SECTOR == 0 && c.cap >= MIN_CAPACITY &&
                  c.cap % 8 == 0 && ax_block_num_blocks(c.dev) == c.cap / c.spb;
    if (guest_step(usable, c.who, "geometry fits the workload")) {
        reads(&c);
        bad_requests(&c);
        if (c.b->readonly)
            readonly_writes(&c);
        else
            writes(&c);
        async_reads(&c);
        if (contains(c.who, "bench"))
            guest_bench_blk(c.b, c.who);
    }

    ax_virtio_blk_deinit(&blk);
    long pages_left = (long)page_in_use() - (long)pages_before;
    guest_step(pages_left == 0 && port_hal_shares_outstanding() == 0, c.who,
               "deinit: %ld DMA pages and %ld shares left", pages_left,
               port_hal_shares_outstanding());
    if (usable)
        reinit(&c, t);
}
