/* viosim's block scenario: the real driver brings the simulated disk up on each MMIO version. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vio/blk.h"
#include "vio/err.h"
#include "vio/mmio.h"
#include "vsim/blk.h"
#include "viosim.h"

#define WORK_SECTORS 256u  /* 128 KiB written, read back and verified */
#define CHUNK_SECTORS 32u  /* 16 KiB per request */
#define ASYNC_DEPTH 32u

static uint8_t pattern_byte(uint64_t off, unsigned round)
{
    return (uint8_t)((off * 31u) ^ (off >> 9) ^ (round * 0x5bu));
}

static void fill(uint8_t *p, size_t len, uint64_t base, unsigned round)
{
    for (size_t i = 0; i < len; i++)
        p[i] = pattern_byte(base + i, round);
}

static int write_range(struct vio_blk *b, const uint8_t *buf, uint32_t sectors)
{
    for (uint32_t s = 0; s < sectors; s += CHUNK_SECTORS) {
        int rc = vio_blk_write(b, s, buf + (size_t)s * VIO_BLK_SECTOR_SIZE,
                               CHUNK_SECTORS * VIO_BLK_SECTOR_SIZE);
        if (rc)
            return rc;
    }
    return 0;
}

static int read_range(struct vio_blk *b, uint8_t *buf, uint32_t sectors)
{
    for (uint32_t s = 0; s < sectors; s += CHUNK_SECTORS) {
        int rc = vio_blk_read(b, s, buf + (size_t)s * VIO_BLK_SECTOR_SIZE,
                              CHUNK_SECTORS * VIO_BLK_SECTOR_SIZE);
        if (rc)
            return rc;
    }
    return 0;
}

/* ASYNC_DEPTH reads of one sector each in flight at once, then every completion checked. */
static int async_reads(struct vio_blk *b, const uint8_t *expect)
{
    static struct vio_blk_req reqs[ASYNC_DEPTH];
    static uint8_t bufs[ASYNC_DEPTH][VIO_BLK_SECTOR_SIZE];
    for (unsigned i = 0; i < ASYNC_DEPTH; i++) {
        int rc = vio_blk_submit(b, &reqs[i], VIO_BLK_T_IN, i, bufs[i], VIO_BLK_SECTOR_SIZE);
        if (rc < 0)
            return rc;
    }
    vio_blk_kick(b);
    unsigned done = 0;
    for (uint32_t spins = 0; done < ASYNC_DEPTH && spins < 1000000u; spins++) {
        struct vio_blk_req *req;
        int rc = vio_blk_poll(b, &req);
        if (rc < 0)
            return rc;
        if (rc == 0)
            continue;
        if (req->result)
            return req->result;
        size_t i = (size_t)(req - reqs);
        if (memcmp(bufs[i], expect + i * VIO_BLK_SECTOR_SIZE, VIO_BLK_SECTOR_SIZE) != 0)
            return VIO_ERR_IO_ERROR;
        done++;
    }
    return done == ASYNC_DEPTH ? 0 : VIO_ERR_NOT_READY;
}

static void workload(struct vio_blk *b, struct vsim_blk *dev, struct viosim_report *r)
{
    size_t bytes = (size_t)WORK_SECTORS * VIO_BLK_SECTOR_SIZE;
    uint8_t *saved = malloc(bytes), *wbuf = malloc(bytes), *rbuf = malloc(bytes);
    if (!viosim_check(r, saved && wbuf && rbuf, "workload buffers")) {
        free(saved), free(wbuf), free(rbuf);
        return;
    }
    /* An image file is the user's: keep what was there and put it back afterwards. */
    int rc = read_range(b, saved, WORK_SECTORS);
    viosim_check_rc(r, rc, "read the first %u sectors as they were", WORK_SECTORS);
    fill(wbuf, bytes, 0, 1);
    viosim_check_rc(r, write_range(b, wbuf, WORK_SECTORS), "write %u KiB in %u KiB requests",
                    WORK_SECTORS / 2, CHUNK_SECTORS / 2);
    rc = read_range(b, rbuf, WORK_SECTORS);
    viosim_check(r, rc == 0 && memcmp(wbuf, rbuf, bytes) == 0, "read back and verify%s%s",
                 rc ? ": " : "", rc ? vio_err_name(rc) : "");
    uint64_t flushes = vsim_blk_stats(dev)->flushes;
    rc = vio_blk_flush(b);
    viosim_check(r, rc == 0 && vsim_blk_stats(dev)->flushes == flushes + 1,
                 "flush reached the device%s%s", rc ? ": " : "", rc ? vio_err_name(rc) : "");
    viosim_check_rc(r, async_reads(b, wbuf), "%u reads in flight at once, each verified",
                    ASYNC_DEPTH);
    if (rc == 0 && saved)
        viosim_check_rc(r, write_range(b, saved, WORK_SECTORS) || vio_blk_flush(b),
                        "restore the original sectors");
    free(saved), free(wbuf), free(rbuf);
}

static void run_version(const struct viosim_opts *o, struct viosim_report *r, unsigned version)
{
    viosim_section("blk over MMIO v%u (%s)%s%s", version, version == 1 ? "legacy" : "modern",
                   o->image ? ", image " : ", RAM disk", o->image ? o->image : "");
    struct vsim_machine *m = viosim_machine(o, r);
    if (!m)
        return;
    const unsigned slot = 7; /* QEMU fills its slots from the top down; so does viosim */
    struct vsim_blk_opts bo = {.capacity = 8192, .image = o->image, .serial = "viosim-blk"};
    struct vsim_blk *dev = vsim_blk_attach(m, slot, version, &bo);
    if (!viosim_check(r, dev != NULL, "attach a block device to slot %u", slot)) {
        printf("        %s\n", vsim_machine_last_error(m));
        vsim_machine_free(m);
        return;
    }
    struct vio_mmio mmio;
    static struct vio_blk b;
    int rc = vio_mmio_probe(&mmio, vsim_machine_hal(m), VSIM_MMIO_SLOT_BASE(slot), VSIM_MMIO_STRIDE);
    if (viosim_check_rc(r, rc, "probe slot %u: version %u, device id %u", slot, mmio.version,
                        mmio.t.device_id)) {
        rc = vio_blk_init(&b, &mmio.t, 0);
        if (viosim_check_rc(r, rc, "init: features 0x%016llx, queue of %u",
                            (unsigned long long)mmio.t.features, b.q.size)) {
            printf("        capacity %llu sectors, block size %u%s%s\n",
                   (unsigned long long)b.capacity, b.blk_size, b.readonly ? ", read-only" : "",
                   b.has_flush ? ", flush" : "");
            char id[VIO_BLK_ID_BYTES + 1];
            rc = vio_blk_get_id(&b, id);
            if (viosim_check_rc(r, rc, "get the serial"))
                viosim_check(r, strcmp(id, "viosim-blk") == 0, "serial is \"%s\"", id);
            workload(&b, dev, r);
            vio_blk_deinit(&b);
        }
    }
    const struct vsim_blk_stats *st = vsim_blk_stats(dev);
    printf("        device served %llu reads, %llu writes, %llu flushes, %llu errors\n",
           (unsigned long long)st->reads, (unsigned long long)st->writes,
           (unsigned long long)st->flushes, (unsigned long long)st->errors);
    viosim_machine_done(m, r, "the driver");
}

void viosim_blk_run(const struct viosim_opts *o, struct viosim_report *r)
{
    run_version(o, r, 1);
    run_version(o, r, 2);
}
