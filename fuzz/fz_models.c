/*
 * The fake device's blk, net and GPU models: just enough of each device type
 * to answer the driver's requests correctly, and with FZ_RESP to answer them
 * with the response bytes and lengths the device stream picks.
 */
#include <string.h>

#include "fz_dev.h"

/* Block Device */
#define BLK_T_IN 0u
#define BLK_T_OUT 1u
#define BLK_T_FLUSH 4u
#define BLK_T_GET_ID 8u
#define BLK_S_OK 0u
#define BLK_S_UNSUPP 2u
#define BLK_HDR 16u
#define BLK_SECTOR 512u
#define BLK_CAPACITY 64u

/* Network Device */
#define NET_F_MRG_RXBUF (1ull << 15)
#define NET_HDR 12u
#define NET_HDR_LEGACY 10u
#define NET_NUM_BUFFERS 10u
#define NET_FRAME 60u

/* GPU Device */
#define GPU_CMD_GET_DISPLAY_INFO 0x0100u
#define GPU_CMD_ATTACH_BACKING 0x0106u
#define GPU_CMD_GET_EDID 0x010au
#define GPU_RESP_OK_NODATA 0x1100u
#define GPU_RESP_OK_DISPLAY_INFO 0x1101u
#define GPU_RESP_OK_EDID 0x1104u
#define GPU_RESP_ERR_UNSPEC 0x1200u
#define GPU_FLAG_FENCE 1u
#define GPU_HDR 24u
#define GPU_DISPLAY_INFO_LEN (GPU_HDR + 16u * 24u)
#define GPU_EDID_LEN (GPU_HDR + 8u + 1024u)
#define GPU_WIDTH 64u
#define GPU_HEIGHT 48u

static void put_le(uint8_t *p, uint64_t v, unsigned bytes)
{
    for (unsigned k = 0; k < bytes; k++)
        p[k] = (uint8_t)(v >> (8 * k));
}

static uint64_t get_le(const uint8_t *p, unsigned bytes)
{
    uint64_t v = 0;
    for (unsigned k = 0; k < bytes; k++)
        v |= (uint64_t)p[k] << (8 * k);
    return v;
}

void fz_model_config(struct fz_dev *d)
{
    memset(d->config, 0, sizeof d->config);
    switch (d->device_id) {
    case FZ_ID_BLOCK: /* capacity, then blk_size at 20; up to num_queues */
        put_le(d->config, BLK_CAPACITY, 8);
        put_le(d->config + 20, BLK_SECTOR, 4);
        d->config_len = 36;
        break;
    case FZ_ID_NET: /* mac, status (link up), max_virtqueue_pairs, mtu */
        memcpy(d->config, "\x52\x54\x00\x12\x34\x56", 6);
        put_le(d->config + 6, 1, 2);
        put_le(d->config + 8, 1, 2);
        put_le(d->config + 10, 1500, 2);
        d->config_len = 12;
        break;
    case FZ_ID_GPU: /* events_read, events_clear, num_scanouts 1, num_capsets */
        put_le(d->config + 8, 1, 4);
        d->config_len = 16;
        break;
    default:
        d->config_len = 8;
        break;
    }
}

static bool resp_mode(const struct fz_dev *d)
{
    return (d->mode & FZ_RESP) != 0;
}

/* The used len a correct device reports, or one of the stream's choosing. */
static uint32_t resp_len(struct fz_dev *d, uint32_t proper)
{
    if (!resp_mode(d))
        return proper;
    switch (fz_u8(d->dev) % 4) {
    case 1:
        return fz_u32(d->dev);
    case 2: {
        uint32_t less = fz_u8(d->dev) + 1u;
        return proper > less ? proper - less : 0;
    }
    case 3:
        return 0;
    default:
        return proper;
    }
}

/* ---- Block Device: Device Operation ---- */

static uint32_t blk_serve(struct fz_dev *d, const struct fz_chain *c)
{
    uint8_t hdr[BLK_HDR];
    if (!fz_dev_check(d, c->nread >= 1 && c->read_len >= BLK_HDR && c->write_len >= 1,
                      "a block request without header or status byte"))
        return 0;
    fz_chain_read(c, 0, hdr, sizeof hdr);
    uint32_t type = (uint32_t)get_le(hdr, 4);
    uint64_t sector = get_le(hdr + 8, 8);
    uint32_t data_in = (uint32_t)(c->write_len - 1);
    uint8_t status = BLK_S_OK;

    switch (type) {
    case BLK_T_IN:
        for (uint32_t off = 0; off < data_in; off += BLK_SECTOR)
            fz_chain_fill(c, off, (uint8_t)(sector + off / BLK_SECTOR), BLK_SECTOR);
        break;
    case BLK_T_GET_ID: {
        uint8_t id[20] = "fz-blk";
        if (resp_mode(d))
            fz_bytes(d->dev, id, sizeof id);
        fz_chain_write(c, 0, id, data_in < sizeof id ? data_in : sizeof id);
        break;
    }
    case BLK_T_OUT:
    case BLK_T_FLUSH:
        break;
    default:
        status = BLK_S_UNSUPP;
        break;
    }
    if (resp_mode(d))
        status = fz_u8(d->dev);
    fz_chain_write(c, data_in, &status, 1);
    return resp_len(d, (uint32_t)c->write_len);
}

/* ---- Network Device: Receiving and Transmitting Packets ---- */

static uint32_t net_hdr_len(const struct fz_dev *d)
{
    return (d->accepted & (FZ_F_VERSION_1 | NET_F_MRG_RXBUF)) ? NET_HDR : NET_HDR_LEGACY;
}

/*
 * One received packet of @total bytes (header included) from the chain @c
 * on: with MRG_RXBUF it continues in the next held chains, which complete
 * right after @c. Returns @c's used len.
 */
static uint32_t net_rx_packet(struct fz_dev *d, struct fz_vq *vq, const struct fz_chain *c,
                              uint64_t total, unsigned want_bufs)
{
    bool mrg = (d->accepted & NET_F_MRG_RXBUF) != 0;
    uint32_t first = (uint32_t)(total < c->write_len ? total : c->write_len);
    uint64_t left = total - first;
    uint16_t nbuf = 1;
    fz_chain_fill(c, 0, 0, first);
    for (uint32_t i = net_hdr_len(d); i < first; i++)
        fz_chain_fill(c, i, (uint8_t)i, 1);
    while ((mrg || want_bufs > 1) && (left > 0 || nbuf < want_bufs) && d->nafter < FZ_QUEUE_MAX) {
        struct fz_chain next;
        if (!fz_ring_take_next(d, vq, &next))
            break;
        uint32_t take = (uint32_t)(left < next.write_len ? left : next.write_len);
        fz_chain_fill(&next, 0, 0xa5, take);
        d->after_id[d->nafter] = next.head;
        d->after_len[d->nafter++] = take;
        left -= take;
        nbuf++;
    }
    uint8_t hdr[NET_HDR] = {0};
    uint32_t hdr_len = net_hdr_len(d);
    if (hdr_len == NET_HDR)
        put_le(hdr + NET_NUM_BUFFERS, want_bufs > 1 ? want_bufs : nbuf, 2);
    fz_chain_write(c, 0, hdr, hdr_len);
    return first;
}

static uint32_t net_serve(struct fz_dev *d, struct fz_vq *vq, const struct fz_chain *c)
{
    if (vq == &d->vq[1]) { /* transmitq: the device only reads */
        fz_dev_check(d, c->write_len == 0, "a writable buffer on the transmitq");
        return resp_mode(d) && (fz_u8(d->dev) & 1) ? fz_u32(d->dev) : 0;
    }
    if (!fz_dev_check(d, c->read_len == 0, "a readable buffer on the receiveq"))
        return 0;
    uint64_t total = net_hdr_len(d) + NET_FRAME;
    if (!resp_mode(d))
        return net_rx_packet(d, vq, c, total, 0);
    switch (fz_u8(d->dev) % 6) {
    case 1: /* a frame of the stream's length */
        return net_rx_packet(d, vq, c, net_hdr_len(d) + fz_u16(d->dev), 0);
    case 2: /* a used len of the stream's choosing */
        net_rx_packet(d, vq, c, total, 0);
        return fz_u32(d->dev);
    case 3: { /* num_buffers of the stream's choosing */
        uint32_t len = net_rx_packet(d, vq, c, total, 0);
        uint8_t nb[2];
        fz_bytes(d->dev, nb, 2);
        if (net_hdr_len(d) == NET_HDR)
            fz_chain_write(c, NET_NUM_BUFFERS, nb, 2);
        return len;
    }
    case 4: { /* the whole header from the stream */
        uint32_t len = net_rx_packet(d, vq, c, total, 0);
        uint8_t hdr[NET_HDR];
        fz_bytes(d->dev, hdr, sizeof hdr);
        fz_chain_write(c, 0, hdr, net_hdr_len(d));
        return len;
    }
    case 5: { /* spread over several buffers, merged or not */
        uint64_t more = fz_u16(d->dev);
        return net_rx_packet(d, vq, c, c->write_len + more, fz_u8(d->dev) % 4 + 1u);
    }
    default:
        return net_rx_packet(d, vq, c, total, 0);
    }
}

/* ---- GPU Device: Device Operation ---- */

static void gpu_check_backing(struct fz_dev *d, const struct fz_chain *c, const uint8_t *req)
{
    uint32_t n = (uint32_t)get_le(req + GPU_HDR + 4, 4);
    if (!fz_dev_check(d, (uint64_t)n * 16u <= c->read_len - 32u, "backing entries missing"))
        return;
    for (uint32_t i = 0; i < n; i++) {
        uint8_t e[16];
        fz_chain_read(c, 32u + 16u * i, e, sizeof e);
        fz_dev_mem(d, get_le(e, 8), get_le(e + 8, 4), false, "a GPU backing entry");
    }
}

/* The correct response to @req into @resp; returns its length. */
static uint32_t gpu_answer(struct fz_dev *d, const struct fz_chain *c, const uint8_t *req,
                           uint8_t *resp)
{
    uint32_t type = (uint32_t)get_le(req, 4);
    uint32_t len = GPU_HDR;
    put_le(resp, GPU_RESP_OK_NODATA, 4);
    switch (type) {
    case GPU_CMD_GET_DISPLAY_INFO:
        put_le(resp, GPU_RESP_OK_DISPLAY_INFO, 4);
        put_le(resp + GPU_HDR + 8, GPU_WIDTH, 4);
        put_le(resp + GPU_HDR + 12, GPU_HEIGHT, 4);
        put_le(resp + GPU_HDR + 16, 1, 4);
        len = GPU_DISPLAY_INFO_LEN;
        break;
    case GPU_CMD_GET_EDID:
        put_le(resp, GPU_RESP_OK_EDID, 4);
        put_le(resp + GPU_HDR, 128, 4);
        memset(resp + GPU_HDR + 8, 0x5a, 128);
        len = GPU_EDID_LEN;
        break;
    case GPU_CMD_ATTACH_BACKING:
        if (c->seg[0].p != d->caller_req)
            gpu_check_backing(d, c, req);
        break;
    default:
        break;
    }
    /* Device Operation: Request header: a fenced request gets its fence back */
    memcpy(resp + 4, req + 4, 20);
    return len;
}

static uint32_t gpu_serve(struct fz_dev *d, struct fz_vq *vq, const struct fz_chain *c)
{
    static uint8_t req[64], resp[GPU_EDID_LEN];
    if (!fz_dev_check(d, c->read_len >= GPU_HDR && c->write_len >= GPU_HDR,
                      "a GPU command without request or response header"))
        return 0;
    memset(req, 0, sizeof req);
    memset(resp, 0, sizeof resp);
    fz_chain_read(c, 0, req, sizeof req);
    uint32_t len = gpu_answer(d, c, req, resp);
    bool cursor = vq == &d->vq[1];
    if (resp_mode(d)) {
        switch (fz_u8(d->dev) % 8) {
        case 1:
            put_le(resp, fz_u32(d->dev), 4);
            break;
        case 2:
            put_le(resp, GPU_RESP_ERR_UNSPEC + fz_u8(d->dev) % 6u, 4);
            break;
        case 3:
            resp[4] &= (uint8_t)~GPU_FLAG_FENCE;
            break;
        case 4:
            put_le(resp + 8, fz_u64(d->dev), 8);
            break;
        case 5:
            fz_bytes(d->dev, resp + GPU_HDR, sizeof resp - GPU_HDR);
            break;
        case 6:
            put_le(resp + GPU_HDR, fz_u32(d->dev), 4);
            put_le(resp + GPU_HDR + 4, fz_u32(d->dev), 4);
            put_le(resp + GPU_HDR + 8, fz_u16(d->dev), 4);
            put_le(resp + GPU_HDR + 12, fz_u16(d->dev), 4);
            put_le(resp + GPU_HDR + 16, fz_u8(d->dev), 4);
            break;
        case 7:
            cursor = !cursor;
            break;
        default:
            break;
        }
    }
    uint32_t wrote = (uint32_t)fz_chain_write(c, 0, resp, len);
    /* QEMU answers nothing on the cursorq */
    return resp_len(d, cursor ? 0 : wrote);
}

uint32_t fz_model_serve(struct fz_dev *d, struct fz_vq *vq, const struct fz_chain *c)
{
    switch (d->device_id) {
    case FZ_ID_BLOCK:
        return blk_serve(d, c);
    case FZ_ID_NET:
        return net_serve(d, vq, c);
    case FZ_ID_GPU:
        return gpu_serve(d, vq, c);
    default:
        return 0;
    }
}
