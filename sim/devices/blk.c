/*
 * The block device model: serves T_IN, T_OUT, T_FLUSH and T_GET_ID from a
 * RAM disk or an image file, and checks the request framing of Block Device /
 * Device Operation. The device always writes its whole writable area (data
 * zeroed when it has none to give), so the used len is the writable length.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"
#include "vio/err.h"
#include "vsim/blk.h"
#include "vsim/mmio.h"
#include "vsim/spec.h"

struct vsim_blk {
    struct vsim_device *dev;
    uint64_t capacity; /* sectors */
    uint8_t *ram;      /* RAM backend, or NULL */
    bool own_ram;      /* ram was allocated here (not vsim_blk_opts.ram) */
    int fd;            /* image backend, or -1 */
    bool read_only;
    char serial[VSIM_BLK_ID_BYTES];
    uint8_t cfg[VSIM_BLK_CFG_SIZE];
    struct vsim_blk_stats stats;
};

static void build_config(struct vsim_blk *b, uint32_t blk_size)
{
    memset(b->cfg, 0, sizeof(b->cfg));
    vsim__st64(b->cfg + VSIM_BLK_CFG_CAPACITY, b->capacity);
    vsim__st32(b->cfg + VSIM_BLK_CFG_BLK_SIZE, blk_size);
}

/* Device Configuration Space: optional fields exist only with their feature. */
static void config_read(void *priv, uint32_t off, void *buf, uint32_t len)
{
    static const struct {
        uint32_t start, end;
        unsigned feature;
        const char *name;
    } optional[] = {
        {VSIM_BLK_CFG_SIZE_MAX, 12, VSIM_BLK_F_SIZE_MAX, "size_max"},
        {VSIM_BLK_CFG_SEG_MAX, 16, VSIM_BLK_F_SEG_MAX, "seg_max"},
        {VSIM_BLK_CFG_GEOMETRY, 20, VSIM_BLK_F_GEOMETRY, "geometry"},
        {VSIM_BLK_CFG_BLK_SIZE, 24, VSIM_BLK_F_BLK_SIZE, "blk_size"},
        {VSIM_BLK_CFG_TOPOLOGY, 32, VSIM_BLK_F_TOPOLOGY, "topology"},
        {VSIM_BLK_CFG_WRITEBACK, 33, VSIM_BLK_F_CONFIG_WCE, "writeback"},
        {VSIM_BLK_CFG_NUM_QUEUES, 36, VSIM_BLK_F_MQ, "num_queues"},
    };
    struct vsim_blk *b = priv;
    uint64_t offered = vsim_device_offered(b->dev);
    for (size_t i = 0; i < sizeof(optional) / sizeof(optional[0]); i++) {
        if (off < optional[i].end && optional[i].start < off + len &&
            !(offered & VSIM_BIT(optional[i].feature)))
            vsim_device_violation(b->dev, VSIM_RULE_CFG_FEATURE,
                                  "config %s read, its feature bit %u is not offered",
                                  optional[i].name, optional[i].feature);
    }
    /* Block Device / Device Initialization: writeback only once FEATURES_OK is set */
    if (off <= VSIM_BLK_CFG_WRITEBACK && VSIM_BLK_CFG_WRITEBACK < off + len &&
        (offered & VSIM_BIT(VSIM_BLK_F_CONFIG_WCE)) && !vsim_device_legacy(b->dev) &&
        !(vsim_device_status(b->dev) & VSIM_STATUS_FEATURES_OK))
        vsim_device_violation(b->dev, VSIM_RULE_BLK_WRITEBACK, "writeback read with status 0x%02x",
                              vsim_device_status(b->dev));
    memcpy(buf, b->cfg + off, len);
}

/* Device Operation: with CONFIG_WCE the driver may switch the cache mode (0 or 1). */
static bool config_write(void *priv, uint32_t off, const void *buf, uint32_t len)
{
    struct vsim_blk *b = priv;
    uint8_t mode = *(const uint8_t *)buf;
    if (off != VSIM_BLK_CFG_WRITEBACK || len != 1 || mode > 1 ||
        !vsim_device_has(b->dev, VSIM_BLK_F_CONFIG_WCE))
        return false;
    b->cfg[VSIM_BLK_CFG_WRITEBACK] = mode;
    return true;
}

/* ---- backends ---- */

struct io {
    struct vsim_blk *b;
    uint64_t pos; /* byte offset on the disk of stream offset 0 */
};

static int pread_piece(void *ctx, uint8_t *p, size_t len, uint64_t stream_off)
{
    struct io *io = ctx;
    off_t at = (off_t)(io->pos + stream_off);
    while (len) {
        ssize_t n = pread(io->b->fd, p, len, at);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        p += n, len -= (size_t)n, at += n;
    }
    return 0;
}

static int pwrite_piece(void *ctx, uint8_t *p, size_t len, uint64_t stream_off)
{
    struct io *io = ctx;
    off_t at = (off_t)(io->pos + stream_off - VSIM_BLK_REQ_HEADER);
    while (len) {
        ssize_t n = pwrite(io->b->fd, p, len, at);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        p += n, len -= (size_t)n, at += n;
    }
    return 0;
}

/* Records why a request is out of range; the test for it is inline, in in_range. */
__attribute__((noinline)) static bool out_of_range(struct vsim_blk *b, uint32_t type,
                                                   uint64_t sector, uint64_t bytes)
{
    if (bytes % VSIM_BLK_SECTOR)
        vsim_device_violation(b->dev, VSIM_RULE_BLK_LEN, "type %u with %llu data bytes", type,
                              (unsigned long long)bytes);
    else
        vsim_device_violation(
            b->dev, VSIM_RULE_BLK_RANGE, "type %u at sector %llu, %llu sectors, capacity %llu",
            type, (unsigned long long)sector, (unsigned long long)(bytes / VSIM_BLK_SECTOR),
            (unsigned long long)b->capacity);
    return false;
}

static inline bool in_range(struct vsim_blk *b, uint32_t type, uint64_t sector, uint64_t bytes)
{
    if (bytes % VSIM_BLK_SECTOR == 0 && sector <= b->capacity &&
        bytes / VSIM_BLK_SECTOR <= b->capacity - sector)
        return true;
    return out_of_range(b, type, sector, bytes);
}

static uint8_t do_read(struct vsim_blk *b, const struct vsim_chain *c, uint64_t sector,
                       uint64_t bytes)
{
    if (!in_range(b, VSIM_BLK_T_IN, sector, bytes))
        return VSIM_BLK_S_IOERR;
    uint64_t pos = sector * VSIM_BLK_SECTOR;
    if (b->ram) {
        vsim_chain_write(c, 0, b->ram + pos, (size_t)bytes);
    } else {
        struct io io = {b, pos};
        if (vsim_chain_for_each(c, true, 0, bytes, pread_piece, &io))
            return VSIM_BLK_S_IOERR;
    }
    b->stats.reads++;
    b->stats.bytes_read += bytes;
    return VSIM_BLK_S_OK;
}

static uint8_t do_write(struct vsim_blk *b, const struct vsim_chain *c, uint64_t sector,
                        uint64_t bytes)
{
    if (!in_range(b, VSIM_BLK_T_OUT, sector, bytes))
        return VSIM_BLK_S_IOERR;
    /* Device Operation: a write on a read-only device fails and writes nothing. */
    if (b->read_only)
        return VSIM_BLK_S_IOERR;
    uint64_t pos = sector * VSIM_BLK_SECTOR;
    if (b->ram) {
        vsim_chain_read(c, VSIM_BLK_REQ_HEADER, b->ram + pos, (size_t)bytes);
    } else {
        struct io io = {b, pos};
        if (vsim_chain_for_each(c, false, VSIM_BLK_REQ_HEADER, bytes, pwrite_piece, &io))
            return VSIM_BLK_S_IOERR;
    }
    b->stats.writes++;
    b->stats.bytes_written += bytes;
    return VSIM_BLK_S_OK;
}

static uint8_t do_flush(struct vsim_blk *b, uint64_t sector)
{
    if (sector)
        vsim_device_violation(b->dev, VSIM_RULE_BLK_FLUSH_SECTOR, "T_FLUSH with sector %llu",
                              (unsigned long long)sector);
    b->stats.flushes++;
    if (b->fd >= 0) {
        if (fsync(b->fd))
            return VSIM_BLK_S_IOERR;
        b->stats.fsyncs++;
    }
    return VSIM_BLK_S_OK;
}

/* ---- requests ---- */

/*
 * The header and status byte nearly always have a buffer each: taken directly
 * then, through the stream copies otherwise (they run for every request).
 */
static void read_header(const struct vsim_chain *c, uint8_t hdr[VSIM_BLK_REQ_HEADER])
{
    if (c->nread && c->seg[0].len >= VSIM_BLK_REQ_HEADER)
        memcpy(hdr, c->seg[0].p, VSIM_BLK_REQ_HEADER);
    else
        vsim_chain_read(c, 0, hdr, VSIM_BLK_REQ_HEADER);
}

/* The status is the last writable byte (@data_in is its stream offset). */
static void write_status(const struct vsim_chain *c, uint64_t data_in, uint8_t status)
{
    const struct vsim_seg *last = &c->seg[c->nseg - 1];
    if (c->nseg > c->nread && last->len)
        last->p[last->len - 1] = status;
    else
        vsim_chain_write(c, data_in, &status, 1);
}

/* Serves one request; returns the bytes written into the chain. */
static uint32_t serve(struct vsim_blk *b, const struct vsim_chain *c)
{
    uint8_t hdr[VSIM_BLK_REQ_HEADER];
    uint64_t data_in = c->write_len ? c->write_len - 1 : 0;
    uint64_t data_out = c->read_len > VSIM_BLK_REQ_HEADER ? c->read_len - VSIM_BLK_REQ_HEADER : 0;
    uint8_t status;
    uint64_t v;

    if (c->write_len == 0 || c->read_len < VSIM_BLK_REQ_HEADER) {
        vsim_device_violation(b->dev, VSIM_RULE_BLK_FRAMING,
                              "head %u: %llu readable, %llu writable bytes", c->head,
                              (unsigned long long)c->read_len, (unsigned long long)c->write_len);
        b->stats.errors++;
        if (c->write_len == 0)
            return 0;
        vsim_chain_fill(c, 0, 0, (size_t)data_in);
        status = VSIM_BLK_S_IOERR;
        vsim_chain_write(c, data_in, &status, 1);
        return (uint32_t)c->write_len;
    }
    read_header(c, hdr);
    uint32_t type = vsim__ld32(hdr);
    uint64_t sector = vsim__ld64(hdr + 8);
    bool data_done = false;

    v = VSIM_BLK_S_IOERR;
    if (vsim__device_fault(b->dev, VSIM_FAULT_STATUS, &v)) {
        status = (uint8_t)v;
    } else if (type == VSIM_BLK_T_IN || type == VSIM_BLK_T_OUT) {
        bool in = type == VSIM_BLK_T_IN;
        if (in ? data_out : data_in)
            vsim_device_violation(b->dev, VSIM_RULE_BLK_FRAMING,
                                  "T_%s with %llu data bytes the wrong way", in ? "IN" : "OUT",
                                  (unsigned long long)(in ? data_out : data_in));
        status = in ? do_read(b, c, sector, data_in) : do_write(b, c, sector, data_out);
        data_done = in && status == VSIM_BLK_S_OK;
    } else if (type == VSIM_BLK_T_FLUSH ||
               (type == VSIM_BLK_T_FLUSH_OUT && vsim_device_legacy(b->dev))) {
        status = do_flush(b, sector);
    } else if (type == VSIM_BLK_T_GET_ID) {
        if (data_in != VSIM_BLK_ID_BYTES)
            vsim_device_violation(b->dev, VSIM_RULE_BLK_GET_ID, "T_GET_ID with %llu data bytes",
                                  (unsigned long long)data_in);
        vsim_chain_fill(c, 0, 0, (size_t)data_in);
        vsim_chain_write(c, 0, b->serial,
                         data_in < VSIM_BLK_ID_BYTES ? (size_t)data_in : VSIM_BLK_ID_BYTES);
        data_done = true;
        b->stats.get_ids++;
        status = VSIM_BLK_S_OK;
    } else {
        b->stats.unsupported++;
        status = VSIM_BLK_S_UNSUPP;
    }
    if (status != VSIM_BLK_S_OK)
        b->stats.errors++;
    if (!data_done)
        vsim_chain_fill(c, 0, 0, (size_t)data_in);
    write_status(c, data_in, status);
    if (vsim_device_tracing(b->dev))
        vsim_device_trace(b->dev, "request type=%u sector=%llu data=%llu status=%u", type,
                          (unsigned long long)sector,
                          (unsigned long long)(type == VSIM_BLK_T_OUT ? data_out : data_in),
                          status);
    return (uint32_t)c->write_len;
}

static void queue_notify(void *priv, struct vsim_vq *vq)
{
    struct vsim_blk *b = priv;
    struct vsim_chain c;
    while (vsim_vq_pop(vq, &c))
        vsim_vq_push(vq, &c, serve(b, &c));
}

static void destroy(void *priv)
{
    struct vsim_blk *b = priv;
    if (b->fd >= 0)
        close(b->fd);
    if (b->own_ram)
        free(b->ram);
    free(b);
}

static const struct vsim_device_ops blk_ops = {
    .config_read = config_read,
    .config_write = config_write,
    .queue_notify = queue_notify,
    .destroy = destroy,
};

/*
 * A zeroed RAM disk of @sectors, page aligned as the guest's buffers are: a
 * disk 16 bytes off (malloc's header) made every copy to or from it straddle
 * cache lines. NULL when too large or out of memory.
 */
static uint8_t *ram_alloc(uint64_t sectors)
{
    if (sectors > (SIZE_MAX - VSIM_PAGE) / VSIM_BLK_SECTOR)
        return NULL;
    size_t bytes = (size_t)sectors * VSIM_BLK_SECTOR;
    uint8_t *ram = aligned_alloc(VSIM_PAGE, (bytes + VSIM_PAGE - 1) / VSIM_PAGE * VSIM_PAGE);
    if (ram)
        memset(ram, 0, bytes);
    return ram;
}

static int open_backend(struct vsim_machine *m, struct vsim_blk *b, const struct vsim_blk_opts *o)
{
    if (!o->image && o->ram) {
        if (!o->capacity || o->capacity > SIZE_MAX / VSIM_BLK_SECTOR) {
            vsim__set_error(m, "blk: a caller's RAM disk needs its capacity in sectors");
            return VIO_ERR_INVALID_PARAM;
        }
        b->capacity = o->capacity;
        b->ram = o->ram;
        return VIO_OK;
    }
    if (!o->image) {
        b->capacity = o->capacity ? o->capacity : 2048;
        b->own_ram = true;
        if (!(b->ram = ram_alloc(b->capacity))) {
            vsim__set_error(m, "blk: cannot allocate a RAM disk of %llu sectors",
                            (unsigned long long)b->capacity);
            return VIO_ERR_DMA_ERROR;
        }
        return VIO_OK;
    }
    struct stat st;
    b->fd = open(o->image, o->read_only ? O_RDONLY : O_RDWR);
    if (b->fd < 0 || fstat(b->fd, &st)) {
        vsim__set_error(m, "blk: cannot open image %s: %s", o->image, strerror(errno));
        return VIO_ERR_IO_ERROR;
    }
    b->capacity = (uint64_t)st.st_size / VSIM_BLK_SECTOR;
    return VIO_OK;
}

struct vsim_blk *vsim_blk_new(struct vsim_machine *m, const struct vsim_blk_opts *opts)
{
    static const struct vsim_blk_opts defaults;
    const struct vsim_blk_opts *o = opts ? opts : &defaults;
    struct vsim_blk *b = calloc(1, sizeof(*b));
    if (!b)
        return NULL;
    b->fd = -1;
    b->read_only = o->read_only;
    if (open_backend(m, b, o)) {
        destroy(b);
        return NULL;
    }
    const char *serial = o->serial ? o->serial : "vsim-blk";
    memcpy(b->serial, serial, strnlen(serial, VSIM_BLK_ID_BYTES));
    build_config(b, o->blk_size ? o->blk_size : VSIM_BLK_SECTOR);

    uint64_t features = VSIM_BIT(VSIM_BLK_F_BLK_SIZE) | VSIM_BIT(VSIM_BLK_F_FLUSH) |
                        VSIM_BIT(VSIM_F_INDIRECT_DESC) | VSIM_BIT(VSIM_F_EVENT_IDX) |
                        VSIM_BIT(VSIM_F_VERSION_1);
    if (o->read_only)
        features |= VSIM_BIT(VSIM_BLK_F_RO);
    if (o->config_wce) {
        features |= VSIM_BIT(VSIM_BLK_F_CONFIG_WCE);
        b->cfg[VSIM_BLK_CFG_WRITEBACK] = 1; /* writeback until the driver says otherwise */
    }
    struct vsim_device_model model = {
        .name = "blk",
        .device_id = VSIM_ID_BLOCK,
        .vendor_id = VSIM_MMIO_VENDOR,
        .features = features & ~o->features_off,
        .num_queues = 1,
        .queue_max = o->queue_max ? o->queue_max : 256,
        .config_size = VSIM_BLK_CFG_SIZE,
        .ops = &blk_ops,
        .priv = b,
    };
    b->dev = vsim_device_create(m, &model);
    if (!b->dev) {
        destroy(b);
        return NULL;
    }
    return b;
}

struct vsim_blk *vsim_blk_attach(struct vsim_machine *m, unsigned slot, unsigned mmio_version,
                                 const struct vsim_blk_opts *opts)
{
    struct vsim_blk *b = vsim_blk_new(m, opts);
    if (!b)
        return NULL;
    /* On failure the machine still owns (and later frees) the unattached device. */
    return vsim_mmio_attach(m, slot, mmio_version, b->dev) ? NULL : b;
}

struct vsim_device *vsim_blk_device(struct vsim_blk *b)
{
    return b->dev;
}
uint64_t vsim_blk_capacity(const struct vsim_blk *b)
{
    return b->capacity;
}
uint8_t *vsim_blk_ram(struct vsim_blk *b)
{
    return b->ram;
}
const struct vsim_blk_stats *vsim_blk_stats(const struct vsim_blk *b)
{
    return &b->stats;
}

int vsim_blk_set_capacity(struct vsim_blk *b, uint64_t sectors)
{
    if (!b->ram || sectors == 0 || sectors > SIZE_MAX / VSIM_BLK_SECTOR)
        return VIO_ERR_INVALID_PARAM;
    uint8_t *ram = ram_alloc(sectors);
    if (!ram)
        return VIO_ERR_DMA_ERROR;
    memcpy(ram, b->ram, (size_t)(sectors < b->capacity ? sectors : b->capacity) * VSIM_BLK_SECTOR);
    if (b->own_ram)
        free(b->ram);
    b->ram = ram;
    b->own_ram = true;
    b->capacity = sectors;
    vsim__st64(b->cfg + VSIM_BLK_CFG_CAPACITY, sectors);
    vsim_device_config_changed(b->dev);
    return VIO_OK;
}
