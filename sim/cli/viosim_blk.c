/* viosim's block scenario: the generic block interface over the bridge's virtio-blk wrapper. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "axdriver_virtio.h"
#include "vio/err.h"
#include "viosim_rig.h"

#define WORK_BYTES (128u * 1024u) /* written, read back and verified */
#define CHUNK_BYTES (16u * 1024u)
#define ASYNC_DEPTH 32u

static uint8_t pattern_byte(uint64_t off)
{
    return (uint8_t)((off * 31u) ^ (off >> 9) ^ 0x5bu);
}

/* Whole-range transfers in CHUNK_BYTES requests through the generic ops. */
static int transfer(struct ax_block_dev *dev, uint8_t *buf, bool write)
{
    size_t bs = ax_block_block_size(dev);
    for (size_t off = 0; off < WORK_BYTES; off += CHUNK_BYTES) {
        int rc = write ? ax_block_write_block(dev, off / bs, buf + off, CHUNK_BYTES)
                       : ax_block_read_block(dev, off / bs, buf + off, CHUNK_BYTES);
        if (rc)
            return rc;
    }
    return 0;
}

static bool check_ax(struct viosim_report *r, int rc, const char *what)
{
    return viosim_check(r, rc == 0, "%s%s%s", what, rc ? ": " : "", rc ? ax_dev_err_name(rc) : "");
}

/* The non-blocking virtio API underneath: ASYNC_DEPTH sector reads in flight, each verified. */
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

static void workload(struct ax_virtio_blk_dev *d, struct vsim_blk *dev, struct viosim_report *r)
{
    struct ax_block_dev *bd = &d->dev;
    uint8_t *saved = malloc(WORK_BYTES), *wbuf = malloc(WORK_BYTES), *rbuf = malloc(WORK_BYTES);
    if (!viosim_check(r, saved && wbuf && rbuf, "workload buffers")) {
        free(saved), free(wbuf), free(rbuf);
        return;
    }
    for (size_t i = 0; i < WORK_BYTES; i++)
        wbuf[i] = pattern_byte(i);
    /* An image file is the user's: keep what was there and put it back afterwards. */
    bool have_saved = check_ax(r, transfer(bd, saved, false), "read the first 128 KiB as it was");
    check_ax(r, transfer(bd, wbuf, true), "write 128 KiB in 16 KiB requests");
    int rc = transfer(bd, rbuf, false);
    viosim_check(r, rc == 0 && memcmp(wbuf, rbuf, WORK_BYTES) == 0, "read back and verify%s%s",
                 rc ? ": " : "", rc ? ax_dev_err_name(rc) : "");
    uint64_t flushes = vsim_blk_stats(dev)->flushes;
    rc = ax_block_flush(bd);
    viosim_check(r, rc == 0 && vsim_blk_stats(dev)->flushes == flushes + 1,
                 "flush reached the device%s%s", rc ? ": " : "", rc ? ax_dev_err_name(rc) : "");
    viosim_check_rc(r, async_reads(&d->blk, wbuf), "%u reads in flight at once, each verified",
                    ASYNC_DEPTH);
    if (have_saved)
        check_ax(r, transfer(bd, saved, true) || ax_block_flush(bd), "restore the original data");
    free(saved), free(wbuf), free(rbuf);
}

void viosim_blk_run(struct viosim_rig *rig, struct viosim_report *r)
{
    struct viosim_found *f = viosim_rig_at(rig, PLACE_BLK, AX_DEVICE_BLOCK);
    if (!viosim_check(r, f != NULL, "blk: found"))
        return;
    static struct ax_virtio_blk_dev d;
    int rc = ax_virtio_blk_init(&d, f->t);
    if (!check_ax(r, rc, "blk: init through ax_virtio_blk_init"))
        return;
    struct ax_block_dev *bd = &d.dev;
    printf("        %s at %s: %llu blocks of %zu bytes, features 0x%016llx, queue of %u\n",
           ax_block_device_name(bd), f->where, (unsigned long long)ax_block_num_blocks(bd),
           ax_block_block_size(bd), (unsigned long long)f->t->features, d.blk.q.size);
    char id[VIO_BLK_ID_BYTES + 1];
    if (viosim_check_rc(r, vio_blk_get_id(&d.blk, id), "get the serial"))
        viosim_check(r, strcmp(id, "viosim-blk") == 0, "serial is \"%s\"", id);
    workload(&d, rig->blk, r);
    ax_virtio_blk_deinit(&d);
    const struct vsim_blk_stats *st = vsim_blk_stats(rig->blk);
    printf("        device served %llu reads, %llu writes, %llu flushes, %llu errors\n",
           (unsigned long long)st->reads, (unsigned long long)st->writes,
           (unsigned long long)st->flushes, (unsigned long long)st->errors);
}
