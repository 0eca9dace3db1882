/*
 * Fuzz target: operation sequences. The input picks the bench's devices and
 * their transports, a fault plan, then a sequence of generic-interface calls
 * (axdriver block, net and display ops, re-probes, fault changes) on the
 * whole stack: wrapper, driver, transport, sim HAL, register models, device
 * queues and device models (fz_format.h, FZ_OPS_HEADER). Invariants:
 * nothing crashes or leaks; no conformance violation; block data read back
 * is what was written, a frame received is one that was sent, and a flushed
 * framebuffer is what the GPU shows - unless a fault fired meanwhile.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "axdriver/block.h"
#include "axdriver/display.h"
#include "axdriver/net.h"
#include "fz_format.h"
#include "fz_hal.h"
#include "fz_ops_env.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define SECTOR 512u
#define IO_BYTES (16u * 1024u)
/* Frames remembered for the receive check: a frame's first 4 bytes are its number. */
#define FRAMES 256u

static struct fz_env env;
static uint8_t disk[FZ_ENV_SECTORS * SECTOR];
static bool known[FZ_ENV_SECTORS];
static uint8_t io[IO_BYTES];
static uint16_t frame_len[FRAMES];
static uint32_t next_frame;

/* ---- block: data read back is the data written ---- */

static struct ax_block_dev *blk(void)
{
    return env.live[FZ_KIND_BLK] ? &env.blk.dev : NULL;
}

/* The sectors [*first, *end) of the shadow disk a transfer covers. */
static void sectors(uint64_t block, size_t bs, size_t len, size_t *first, size_t *end)
{
    uint64_t s = block * (bs / SECTOR), e = s + len / SECTOR;
    *first = s < FZ_ENV_SECTORS ? (size_t)s : FZ_ENV_SECTORS;
    *end = e < FZ_ENV_SECTORS ? (size_t)e : FZ_ENV_SECTORS;
}

static void blk_read(struct fz_in *in)
{
    uint8_t a[2];
    fz_bytes(in, a, sizeof a);
    struct ax_block_dev *d = blk();
    if (d == NULL)
        return;
    size_t bs = ax_block_block_size(d);
    size_t len = (a[1] % 4u + 1u) * bs <= IO_BYTES ? (a[1] % 4u + 1u) * bs : bs;
    uint64_t fired = fz_env_fired(&env);
    int rc = ax_block_read_block(d, a[0], io, len);
    if (rc != 0 || fz_env_fired(&env) != fired)
        return;
    size_t first, end;
    sectors(a[0], bs, len, &first, &end);
    for (size_t s = first; s < end; s++) {
        if (known[s] && memcmp(io + (s - first) * SECTOR, disk + s * SECTOR, SECTOR) != 0)
            fz_fail("block read of sector %zu returned other data than was written", s);
    }
}

static void blk_write(struct fz_in *in)
{
    uint8_t a[3];
    fz_bytes(in, a, sizeof a);
    struct ax_block_dev *d = blk();
    if (d == NULL)
        return;
    size_t bs = ax_block_block_size(d);
    size_t len = (a[1] % 4u + 1u) * bs <= IO_BYTES ? (a[1] % 4u + 1u) * bs : bs;
    for (size_t i = 0; i < len; i++)
        io[i] = (uint8_t)(a[2] + i * 13u + (i >> 9));
    uint64_t fired = fz_env_fired(&env);
    int rc = ax_block_write_block(d, a[0], io, len);
    bool sure = rc == 0 && fz_env_fired(&env) == fired;
    size_t first, end;
    sectors(a[0], bs, len, &first, &end);
    for (size_t s = first; s < end; s++) {
        /* a failed or faulted write may or may not have reached the disk */
        known[s] = sure;
        memcpy(disk + s * SECTOR, io + (s - first) * SECTOR, SECTOR);
    }
}

static void blk_info(void)
{
    struct ax_block_dev *d = blk();
    if (d == NULL)
        return;
    uint64_t blocks = ax_block_num_blocks(d);
    size_t bs = ax_block_block_size(d);
    if (bs == 0 || blocks * bs != (uint64_t)FZ_ENV_SECTORS * SECTOR ||
        strcmp(ax_block_device_name(d), "virtio-blk") != 0)
        fz_fail("the block device reports %llu blocks of %zu bytes", (unsigned long long)blocks,
                bs);
}

/* ---- net: a received frame is one that was sent or injected ---- */

static struct ax_net_dev *net(void)
{
    return env.live[FZ_KIND_NET] ? &env.net.dev : NULL;
}

/* Frame @n of @len bytes: its number, then a pattern of it. */
static void frame_fill(uint8_t *p, uint32_t n, size_t len)
{
    for (size_t i = 0; i < len; i++)
        p[i] = i < 4 ? (uint8_t)(n >> (8 * i)) : (uint8_t)(n * 31u + i * 7u);
}

static uint32_t frame_new(size_t len)
{
    uint32_t n = next_frame++;
    frame_len[n % FRAMES] = (uint16_t)len;
    return n;
}

static size_t frame_size(struct fz_in *in)
{
    return 14u + fz_u16(in) % 1501u;
}

static void net_tx(struct fz_in *in)
{
    size_t len = frame_size(in);
    struct ax_net_dev *d = net();
    struct ax_net_buf_ptr b;
    if (d == NULL || ax_net_alloc_tx_buffer(d, len, &b) != 0)
        return;
    if (b.len != len)
        fz_fail("alloc_tx_buffer(%zu) gave a %zu-byte packet", len, b.len);
    frame_fill(b.packet, frame_new(len), len);
    ax_net_transmit(d, b);
}

static void net_rx(void)
{
    struct ax_net_dev *d = net();
    struct ax_net_buf_ptr b;
    if (d == NULL || ax_net_receive(d, &b) != 0)
        return;
    /* the check needs a fault-free wire: no rule that may drop, cut or corrupt frames */
    if (!env.net_rules) {
        uint32_t n = 0;
        for (unsigned i = 0; i < 4 && i < b.len; i++)
            n |= (uint32_t)b.packet[i] << (8 * i);
        if (b.len < 4 || n >= next_frame || next_frame - n > FRAMES ||
            frame_len[n % FRAMES] != b.len)
            fz_fail("received a %zu-byte frame that was never sent", b.len);
        static uint8_t want[1514];
        frame_fill(want, n, b.len);
        if (memcmp(want, b.packet, b.len) != 0)
            fz_fail("frame %u arrived with other bytes than were sent", n);
    }
    int rc = ax_net_recycle_rx_buffer(d, b);
    if (rc == AX_ERR_INVALID_PARAM)
        fz_fail("recycle_rx_buffer refused the buffer receive just gave");
}

static void net_info(void)
{
    struct ax_net_dev *d = net();
    if (d == NULL)
        return;
    ax_net_mac_address(d);
    ax_net_can_transmit(d);
    ax_net_can_receive(d);
    if (ax_net_rx_queue_size(d) == 0 || ax_net_tx_queue_size(d) == 0)
        fz_fail("a live NIC with an empty queue");
}

static void net_inject(struct fz_in *in)
{
    static uint8_t frame[1514];
    size_t len = frame_size(in);
    if (env.snet == NULL)
        return;
    frame_fill(frame, frame_new(len), len);
    vsim_net_inject(env.snet, frame, len);
}

/* ---- GPU: what is flushed is what the device shows ---- */

static void gpu_check_scanout(const struct ax_framebuffer *fb, const struct ax_display_info *info)
{
    struct vsim_gpu_scanout so;
    struct vsim_gpu_resource res;
    if (!vsim_gpu_scanout(env.sgpu, 0, &so) || so.resource_id == 0 ||
        !vsim_gpu_resource(env.sgpu, so.resource_id, &res) || res.width != info->width ||
        res.height != info->height)
        fz_fail("a flushed framebuffer is not on scanout 0");
    for (uint32_t y = 0; y < info->height; y++) {
        if (memcmp(res.pixels + (size_t)y * res.stride, fb->base + (size_t)y * info->width * 4u,
                   (size_t)info->width * 4u) != 0)
            fz_fail("row %u of the scanout differs from the flushed framebuffer", y);
    }
}

static void gpu_draw(struct fz_in *in)
{
    uint8_t a[5];
    fz_bytes(in, a, sizeof a);
    if (!env.live[FZ_KIND_GPU])
        return;
    struct ax_display_dev *d = &env.gpu.dev;
    struct ax_display_info info = ax_display_info(d);
    struct ax_framebuffer fb = ax_display_fb(d);
    if (fb.base == NULL || fb.len < (size_t)info.width * info.height * 4u)
        fz_fail("a live display with a %zu-byte framebuffer for %ux%u", fb.len, info.width,
                info.height);
    for (uint32_t y = a[1] % info.height; y < info.height && y < a[1] % info.height + a[3]; y++) {
        uint32_t x0 = a[0] % info.width;
        uint32_t w = a[2] < info.width - x0 ? a[2] : info.width - x0;
        memset(fb.base + ((size_t)y * info.width + x0) * 4u, a[4], (size_t)w * 4u);
    }
    uint64_t fired = fz_env_fired(&env);
    if (ax_display_flush(d) == 0 && fz_env_fired(&env) == fired)
        gpu_check_scanout(&fb, &info);
}

static void gpu_info(void)
{
    if (!env.live[FZ_KIND_GPU])
        return;
    struct ax_display_info info = ax_display_info(&env.gpu.dev);
    if (info.width != FZ_ENV_WIDTH || info.height != FZ_ENV_HEIGHT)
        fz_fail("the display reports %ux%u", info.width, info.height);
    ax_display_need_flush(&env.gpu.dev);
}

/* ---- the sequence ---- */

static void reprobe(enum fz_kind kind)
{
    fz_env_down(&env, kind);
    fz_env_up(&env, kind);
}

static void run_op(struct fz_in *in)
{
    struct fz_ops_rule r;
    switch (fz_u8(in) % FZ_OP_COUNT) {
    case FZ_OP_BLK_READ:
        blk_read(in);
        break;
    case FZ_OP_BLK_WRITE:
        blk_write(in);
        break;
    case FZ_OP_BLK_FLUSH:
        if (blk() != NULL)
            ax_block_flush(blk());
        break;
    case FZ_OP_BLK_INFO:
        blk_info();
        break;
    case FZ_OP_BLK_REPROBE:
        reprobe(FZ_KIND_BLK);
        break;
    case FZ_OP_NET_TX:
        net_tx(in);
        break;
    case FZ_OP_NET_RX:
        net_rx();
        break;
    case FZ_OP_NET_RECYCLE:
        if (net() != NULL)
            ax_net_recycle_tx_buffers(net());
        break;
    case FZ_OP_NET_INFO:
        net_info();
        break;
    case FZ_OP_NET_REPROBE:
        reprobe(FZ_KIND_NET);
        break;
    case FZ_OP_NET_INJECT:
        net_inject(in);
        break;
    case FZ_OP_NET_LINK:
        if (env.snet != NULL)
            vsim_net_set_link(env.snet, fz_u8(in) & 1u);
        break;
    case FZ_OP_GPU_DRAW:
        gpu_draw(in);
        break;
    case FZ_OP_GPU_INFO:
        gpu_info();
        break;
    case FZ_OP_GPU_REPROBE:
        reprobe(FZ_KIND_GPU);
        break;
    case FZ_OP_STEP:
        vsim_machine_step(env.m);
        break;
    case FZ_OP_FAULT_CLEAR:
        vsim_fault_clear(vsim_machine_faults(env.m));
        break;
    default: /* FZ_OP_FAULT_ADD */
        fz_read_ops_rule(&r, in);
        fz_env_add_rule(&env, &r);
        break;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > FZ_MAX_INPUT)
        return -1;
    struct fz_in in = fz_in_make(data, size);
    struct fz_ops_hdr h;
    fz_read_ops_hdr(&h, &in);
    if (!fz_env_start(&env, &h))
        return 0;
    for (unsigned i = 0; i < h.nrules % (FZ_OPS_RULES_MAX + 1u); i++) {
        struct fz_ops_rule r;
        fz_read_ops_rule(&r, &in);
        fz_env_add_rule(&env, &r);
    }
    /* the RAM disk starts zeroed */
    memset(disk, 0, sizeof disk);
    memset(known, 1, sizeof known);
    next_frame = 0;
    for (unsigned k = 0; k < FZ_KINDS; k++)
        fz_env_up(&env, (enum fz_kind)k);
    while (in.n > 0)
        run_op(&in);
    fz_env_finish(&env);
    return 0;
}
