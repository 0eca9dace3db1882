/*
 * The simulated net device on its own, through hand-built rings: what it
 * writes (headers, num_buffers, buffers filled in order), how it waits for
 * buffers, and the driver obligations it checks (NET-1..7, CFG-3), which a
 * correct driver never shows.
 */
#define _POSIX_C_SOURCE 200809L
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test_sim_helpers.h"
#include "vio/err.h"
#include "vsim/net.h"
#include "vsim/pcap.h"

#define RXQ 0u
#define TXQ 1u
#define QSIZE 8u

static struct vsim_machine *m;
static struct vsim_net *net;
static struct simt_ring rx, tx;
static uint8_t *mem;
static uint64_t mem_pa;
static bool legacy;

static const uint64_t MODERN = VSIM_BIT(VSIM_F_VERSION_1);
static const uint64_t MRG = VSIM_BIT(VSIM_NET_F_MRG_RXBUF);

static void create(const struct vsim_net_opts *o, unsigned version)
{
    m = vsim_machine_new(&(struct vsim_machine_opts){.mem_size = 1u << 20});
    ck_assert_ptr_nonnull(m);
    net = vsim_net_attach(m, 0, version, o);
    ck_assert_ptr_nonnull(net);
    legacy = version == 1;
    simt_ring_alloc(m, &rx, QSIZE, legacy);
    simt_ring_alloc(m, &tx, QSIZE, legacy);
    mem = simt_dma(m, 4, &mem_pa);
}

static void setup(void)
{
    create(NULL, 2);
}

static void teardown(void)
{
    simt_dma_free(m, mem, mem_pa, 4);
    simt_ring_free(m, &rx);
    simt_ring_free(m, &tx);
    simt_assert_no_leaks(m);
    vsim_machine_free(m);
}

static void queue(uint16_t q, struct simt_ring *r)
{
    simt_w32(m, 0, VSIM_MMIO_QUEUE_SEL, q);
    simt_w32(m, 0, VSIM_MMIO_QUEUE_NUM, r->num);
    if (legacy) {
        simt_w32(m, 0, VSIM_MMIO_QUEUE_ALIGN, 4096);
        simt_w32(m, 0, VSIM_MMIO_QUEUE_PFN, (uint32_t)(r->pa / 4096));
        return;
    }
    simt_w32(m, 0, VSIM_MMIO_QUEUE_DESC_LOW, (uint32_t)r->desc_pa);
    simt_w32(m, 0, VSIM_MMIO_QUEUE_DRIVER_LOW, (uint32_t)r->avail_pa);
    simt_w32(m, 0, VSIM_MMIO_QUEUE_DEVICE_LOW, (uint32_t)r->used_pa);
    simt_w32(m, 0, VSIM_MMIO_QUEUE_READY, 1);
}

/* Device Initialization by register pokes, accepting @accept, both queues, DRIVER_OK. */
static void init(uint64_t accept)
{
    uint32_t st = VSIM_STATUS_ACKNOWLEDGE | VSIM_STATUS_DRIVER;
    simt_probe(m, 0, legacy ? 1 : 2);
    simt_reset(m, 0);
    simt_w32(m, 0, VSIM_MMIO_STATUS, VSIM_STATUS_ACKNOWLEDGE);
    simt_w32(m, 0, VSIM_MMIO_STATUS, st);
    simt_w32(m, 0, VSIM_MMIO_DEVICE_FEATURES_SEL, 0);
    (void)simt_r32(m, 0, VSIM_MMIO_DEVICE_FEATURES);
    for (uint32_t sel = 0; sel < 2; sel++) {
        simt_w32(m, 0, VSIM_MMIO_DRIVER_FEATURES_SEL, sel);
        simt_w32(m, 0, VSIM_MMIO_DRIVER_FEATURES, (uint32_t)(accept >> (32 * sel)));
    }
    if (legacy) {
        simt_w32(m, 0, VSIM_MMIO_GUEST_PAGE_SIZE, 4096);
    } else {
        st |= VSIM_STATUS_FEATURES_OK;
        simt_w32(m, 0, VSIM_MMIO_STATUS, st);
        ck_assert_uint_eq(simt_r32(m, 0, VSIM_MMIO_STATUS), st);
    }
    queue(RXQ, &rx);
    queue(TXQ, &tx);
    simt_w32(m, 0, VSIM_MMIO_STATUS, st | VSIM_STATUS_DRIVER_OK);
}

/* Buffer @i of 512 bytes in the DMA pages. */
static uint8_t *buf(unsigned i)
{
    return mem + 512u * i;
}
static uint64_t buf_pa(unsigned i)
{
    return mem_pa + 512u * i;
}

/* A one-descriptor writable receive buffer at descriptor @d. */
static void post_rx(uint16_t d, unsigned b, uint32_t len)
{
    simt_desc(&rx, d, buf_pa(b), len, VSIM_VRING_DESC_F_WRITE, 0);
    simt_avail(&rx, d);
}

/* A transmit chain: a 12-byte header (with @num_buffers) and @len frame bytes in one descriptor. */
static void send_one(uint16_t d, unsigned b, uint32_t len, uint16_t num_buffers)
{
    memset(buf(b), 0, 12);
    buf(b)[10] = (uint8_t)num_buffers;
    for (uint32_t i = 0; i < len; i++)
        buf(b)[12 + i] = (uint8_t)(i + 1);
    simt_desc(&tx, d, buf_pa(b), 12 + len, 0, 0);
    simt_avail(&tx, d);
    simt_notify(m, 0, TXQ);
}

static uint16_t ld16(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

/* ---- what the device writes ---- */

START_TEST(a_spread_packet_fills_buffers_in_order_and_counts_them)
{
    init(MODERN | MRG);
    for (uint16_t i = 0; i < 3; i++)
        post_rx(i, i, 100);
    simt_notify(m, 0, RXQ);
    uint8_t frame[250];
    for (unsigned i = 0; i < sizeof(frame); i++)
        frame[i] = (uint8_t)(i * 3);
    memset(buf(0), 0xee, 12);
    ck_assert_int_eq(vsim_net_inject(net, frame, sizeof(frame)), 0);
    uint32_t id, len;
    static const uint32_t lens[3] = {100, 100, 62};
    for (uint32_t i = 0; i < 3; i++) {
        ck_assert(simt_used(&rx, &id, &len));
        ck_assert_uint_eq(id, i);
        ck_assert_uint_eq(len, lens[i]);
    }
    ck_assert(!simt_used(&rx, &id, &len));
    /* header: no offloads, num_buffers 3; then the frame across the buffers */
    ck_assert_mem_eq(buf(0), ((uint8_t[10]){0}), 10);
    ck_assert_uint_eq(ld16(buf(0) + 10), 3);
    ck_assert_mem_eq(buf(0) + 12, frame, 88);
    ck_assert_mem_eq(buf(1), frame + 88, 100);
    ck_assert_mem_eq(buf(2), frame + 188, 62);
    ck_assert_uint_eq(vsim_net_stats(net)->rx_buffers, 3);
    ck_assert_uint_eq(simt_count(m, "NET-3"), 0);
}
END_TEST

START_TEST(without_mrg_rxbuf_num_buffers_is_one_and_big_frames_are_lost)
{
    init(MODERN);
    post_rx(0, 0, 300);
    simt_notify(m, 0, RXQ);
    uint8_t frame[400] = {1};
    ck_assert_int_eq(vsim_net_inject(net, frame, 400), 0);
    ck_assert_uint_eq(vsim_net_stats(net)->rx_lost, 1);
    ck_assert_uint_eq(vsim_vq_avail_pending(vsim_device_vq(vsim_net_device(net), RXQ)), 1);
    ck_assert_int_eq(vsim_net_inject(net, frame, 200), 0);
    uint32_t id, len;
    ck_assert(simt_used(&rx, &id, &len));
    ck_assert_uint_eq(len, 212);
    ck_assert_uint_eq(ld16(buf(0) + 10), 1);
}
END_TEST

START_TEST(legacy_without_mrg_rxbuf_writes_a_10_byte_header)
{
    teardown();
    create(NULL, 1);
    init(0);
    simt_desc(&rx, 0, buf_pa(0), 10, VSIM_VRING_DESC_F_WRITE | VSIM_VRING_DESC_F_NEXT, 1);
    simt_desc(&rx, 1, buf_pa(0) + 10, 1514, VSIM_VRING_DESC_F_WRITE, 0);
    simt_avail(&rx, 0);
    simt_notify(m, 0, RXQ);
    memset(buf(0), 0xee, 64);
    uint8_t frame[40];
    memset(frame, 0x5a, sizeof(frame));
    ck_assert_int_eq(vsim_net_inject(net, frame, sizeof(frame)), 0);
    uint32_t id, len;
    ck_assert(simt_used(&rx, &id, &len));
    ck_assert_uint_eq(len, 50);
    ck_assert_mem_eq(buf(0), ((uint8_t[10]){0}), 10);
    ck_assert_mem_eq(buf(0) + 10, frame, sizeof(frame));
    ck_assert_uint_eq(simt_count(m, "NET-4"), 0);
}
END_TEST

START_TEST(a_starved_device_asks_to_hear_of_new_buffers)
{
    init(MODERN | MRG | VSIM_BIT(VSIM_F_EVENT_IDX));
    post_rx(0, 0, 100);
    simt_notify(m, 0, RXQ);
    uint8_t frame[250] = {7};
    ck_assert_int_eq(vsim_net_inject(net, frame, sizeof(frame)), 0);
    uint32_t id, len;
    /* one buffer cannot hold it: given back, the frame waits, and avail_event is past it */
    ck_assert(!simt_used(&rx, &id, &len));
    ck_assert_uint_eq(vsim_net_backlog(net), 1);
    ck_assert_uint_eq(simt_avail_event(&rx), 1);
    post_rx(1, 1, 100);
    post_rx(2, 2, 100);
    simt_notify(m, 0, RXQ);
    ck_assert_uint_eq(vsim_net_backlog(net), 0);
    for (uint32_t i = 0; i < 3; i++) {
        ck_assert(simt_used(&rx, &id, &len));
        ck_assert_uint_eq(id, i);
    }
    /* served everything available: the next notification is wanted at once */
    ck_assert_uint_eq(simt_avail_event(&rx), 3);
}
END_TEST

START_TEST(frames_before_driver_ok_and_across_reset_are_lost)
{
    uint8_t frame[60] = {1};
    ck_assert_int_eq(vsim_net_inject(net, frame, sizeof(frame)), 0);
    ck_assert_uint_eq(vsim_net_stats(net)->rx_lost, 1);
    init(MODERN);
    ck_assert_int_eq(vsim_net_inject(net, frame, sizeof(frame)), 0);
    ck_assert_uint_eq(vsim_net_backlog(net), 1);
    simt_w32(m, 0, VSIM_MMIO_STATUS, 0);
    ck_assert_uint_eq(vsim_net_backlog(net), 0);
    ck_assert_uint_eq(vsim_net_stats(net)->rx_lost, 2);
    ck_assert_int_eq(vsim_net_inject(net, frame, VSIM_NET_FRAME_MAX + 1), VIO_ERR_INVALID_PARAM);
}
END_TEST

START_TEST(transmit_frames_in_any_layout_arrive_whole)
{
    init(MODERN);
    vsim_net_set_loopback(net, true);
    for (uint16_t i = 0; i < 3; i++)
        post_rx(i, 4 + i, 500);
    simt_notify(m, 0, RXQ);
    uint8_t *p = buf(0);
    memset(p, 0, 12);
    for (unsigned i = 0; i < 300; i++)
        p[12 + i] = (uint8_t)(i ^ 0x33);
    /* one descriptor; header then frame in two; header and frame cut in three pieces */
    simt_desc(&tx, 0, buf_pa(0), 312, 0, 0);
    simt_desc(&tx, 1, buf_pa(0), 12, VSIM_VRING_DESC_F_NEXT, 2);
    simt_desc(&tx, 2, buf_pa(0) + 12, 300, 0, 0);
    simt_desc(&tx, 3, buf_pa(0), 7, VSIM_VRING_DESC_F_NEXT, 4);
    simt_desc(&tx, 4, buf_pa(0) + 7, 105, VSIM_VRING_DESC_F_NEXT, 5);
    simt_desc(&tx, 5, buf_pa(0) + 112, 200, 0, 0);
    simt_avail(&tx, 0);
    simt_avail(&tx, 1);
    simt_avail(&tx, 3);
    simt_notify(m, 0, TXQ);
    uint32_t id, len;
    for (unsigned i = 0; i < 3; i++) {
        ck_assert(simt_used(&tx, &id, &len));
        ck_assert_uint_eq(len, 0);
        ck_assert(simt_used(&rx, &id, &len));
        ck_assert_uint_eq(len, 312);
        ck_assert_mem_eq(buf(4 + id) + 12, p + 12, 300);
    }
    ck_assert_uint_eq(vsim_net_stats(net)->tx_frames, 3);
}
END_TEST

START_TEST(gathered_frames_of_any_size_arrive_whole)
{
    init(MODERN);
    vsim_net_set_loopback(net, true);
    simt_desc(&rx, 0, mem_pa + 8192, 4000, VSIM_VRING_DESC_F_WRITE, 0);
    simt_desc(&rx, 1, mem_pa + 12288, 4000, VSIM_VRING_DESC_F_WRITE, 0);
    simt_avail(&rx, 0);
    simt_avail(&rx, 1);
    simt_notify(m, 0, RXQ);
    memset(mem, 0, 16);
    for (unsigned i = 0; i < 3000; i++)
        mem[16 + i] = (uint8_t)(i * 7 + i / 256);
    /* a small frame, then one larger than any before: both in two pieces after the header */
    const uint32_t sizes[] = {300, 3000};
    for (uint16_t k = 0; k < 2; k++) {
        uint16_t d = (uint16_t)(3 * k);
        simt_desc(&tx, d, mem_pa, 12, VSIM_VRING_DESC_F_NEXT, (uint16_t)(d + 1));
        simt_desc(&tx, (uint16_t)(d + 1), mem_pa + 16, sizes[k] / 2, VSIM_VRING_DESC_F_NEXT,
                  (uint16_t)(d + 2));
        simt_desc(&tx, (uint16_t)(d + 2), mem_pa + 16 + sizes[k] / 2, sizes[k] / 2, 0, 0);
        simt_avail(&tx, d);
        simt_notify(m, 0, TXQ);
        uint32_t id, len;
        ck_assert(simt_used(&rx, &id, &len));
        ck_assert_uint_eq(len, 12 + sizes[k]);
        ck_assert_mem_eq(mem + 8192 + 4096 * id + 12, mem + 16, sizes[k]);
    }
    ck_assert_uint_eq(vsim_net_stats(net)->tx_frames, 2);
}
END_TEST

/* ---- driver obligations ---- */

START_TEST(transmit_header_fields_are_checked)
{
    init(MODERN);
    send_one(0, 0, 60, 1); /* num_buffers must be 0 */
    ck_assert_uint_eq(simt_count(m, "NET-7"), 1);
    buf(1)[0] = 1; /* flags without CSUM */
    simt_desc(&tx, 1, buf_pa(1), 72, 0, 0);
    simt_avail(&tx, 1);
    simt_notify(m, 0, TXQ);
    ck_assert_uint_eq(simt_count(m, "NET-1"), 1);
    /* still sent: the device is lenient with what it can carry */
    ck_assert_uint_eq(vsim_net_stats(net)->tx_frames, 2);
    vsim_conform_clear(vsim_machine_conform(m));
}
END_TEST

START_TEST(transmit_chains_carry_a_header_and_nothing_writable)
{
    init(MODERN);
    simt_desc(&tx, 0, buf_pa(0), 8, 0, 0);
    simt_avail(&tx, 0);
    simt_notify(m, 0, TXQ);
    uint32_t id, len;
    ck_assert(simt_used(&tx, &id, &len));
    ck_assert_uint_eq(vsim_net_stats(net)->tx_bad, 1);
    ck_assert_uint_eq(simt_count(m, "NET-2"), 1);
    memset(buf(1), 0, 12);
    simt_desc(&tx, 1, buf_pa(1), 80, VSIM_VRING_DESC_F_NEXT, 2);
    simt_desc(&tx, 2, buf_pa(2), 16, VSIM_VRING_DESC_F_WRITE, 0);
    simt_avail(&tx, 1);
    simt_notify(m, 0, TXQ);
    ck_assert_uint_eq(simt_count(m, "NET-2"), 2);
    ck_assert_uint_eq(vsim_net_stats(net)->tx_frames, 1);
    vsim_conform_clear(vsim_machine_conform(m));
}
END_TEST

START_TEST(a_readable_receive_buffer_stops_receive_until_reset)
{
    init(MODERN);
    simt_desc(&rx, 0, buf_pa(0), 500, 0, 0);
    simt_avail(&rx, 0);
    simt_notify(m, 0, RXQ);
    uint8_t frame[60] = {1};
    ck_assert_int_eq(vsim_net_inject(net, frame, sizeof(frame)), 0);
    ck_assert_uint_eq(simt_count(m, "NET-3"), 1);
    ck_assert(vsim_device_status(vsim_net_device(net)) & VSIM_STATUS_DEVICE_NEEDS_RESET);
    ck_assert_int_eq(vsim_net_inject(net, frame, sizeof(frame)), 0);
    ck_assert_uint_eq(vsim_net_stats(net)->rx_lost, 2);
    ck_assert_uint_eq(simt_count(m, "NET-3"), 1);
    /* after a reset (and rings without the bad buffer) the device receives again */
    vsim_conform_clear(vsim_machine_conform(m));
    simt_w32(m, 0, VSIM_MMIO_STATUS, 0);
    ck_assert(!(vsim_device_status(vsim_net_device(net)) & VSIM_STATUS_DEVICE_NEEDS_RESET));
    simt_ring_free(m, &rx);
    simt_ring_alloc(m, &rx, QSIZE, legacy);
    init(MODERN);
    post_rx(0, 0, 500);
    simt_notify(m, 0, RXQ);
    ck_assert_int_eq(vsim_net_inject(net, frame, sizeof(frame)), 0);
    ck_assert_uint_eq(vsim_net_stats(net)->rx_frames, 1);
}
END_TEST

START_TEST(merged_receive_buffers_hold_at_least_the_header)
{
    init(MODERN | MRG);
    post_rx(0, 0, 8);
    simt_notify(m, 0, RXQ);
    ck_assert_int_eq(vsim_net_inject(net, (uint8_t[60]){0}, 60), 0);
    ck_assert_uint_eq(simt_count(m, "NET-3"), 1);
    vsim_conform_clear(vsim_machine_conform(m));
}
END_TEST

START_TEST(legacy_framing_wants_the_header_alone)
{
    teardown();
    create(NULL, 1);
    init(0);
    post_rx(0, 0, 500);
    simt_notify(m, 0, RXQ);
    ck_assert_int_eq(vsim_net_inject(net, (uint8_t[60]){0}, 60), 0);
    ck_assert_uint_eq(simt_count(m, "NET-4"), 1);
    memset(buf(1), 0, 10);
    simt_desc(&tx, 0, buf_pa(1), 70, 0, 0);
    simt_avail(&tx, 0);
    simt_notify(m, 0, TXQ);
    ck_assert_uint_eq(simt_count(m, "NET-4"), 2);
    vsim_conform_clear(vsim_machine_conform(m));

    /* with ANY_LAYOUT offered and accepted, one descriptor is fine */
    teardown();
    create(&(struct vsim_net_opts){.any_layout = true}, 1);
    init(VSIM_BIT(VSIM_F_ANY_LAYOUT));
    simt_desc(&tx, 0, buf_pa(1), 70, 0, 0);
    simt_avail(&tx, 0);
    simt_notify(m, 0, TXQ);
    ck_assert_uint_eq(simt_count(m, "NET-4"), 0);
    ck_assert_uint_eq(vsim_net_stats(net)->tx_frames, 1);
}
END_TEST

START_TEST(config_fields_are_read_only_and_status_needs_its_feature)
{
    struct vsim_device *d = vsim_net_device(net);
    init(MODERN);
    uint8_t mac[6];
    vsim_net_mac(net, mac);
    ck_assert_uint_eq(vsim_device_config_read(d, 0, 1), mac[0]);
    ck_assert_uint_eq(vsim_device_config_read(d, 6, 2), VSIM_NET_S_LINK_UP);
    vsim_device_config_write(d, 0, 1, 0x12);
    ck_assert_uint_eq(simt_count(m, "NET-5"), 1);
    ck_assert_uint_eq(vsim_device_config_read(d, 0, 1), mac[0]);
    vsim_conform_clear(vsim_machine_conform(m));

    /* legacy: mac is writable; status is not */
    teardown();
    create(&(struct vsim_net_opts){.features_off = VSIM_BIT(VSIM_NET_F_STATUS)}, 1);
    d = vsim_net_device(net);
    init(0);
    vsim_device_config_write(d, 0, 1, 0x12);
    ck_assert_uint_eq(vsim_device_config_read(d, 0, 1), 0x12);
    ck_assert_uint_eq(simt_count(m, "NET-5"), 0);
    vsim_device_config_write(d, 6, 2, 0);
    ck_assert_uint_eq(simt_count(m, "NET-5"), 1);
    (void)vsim_device_config_read(d, 6, 2);
    ck_assert_uint_eq(simt_count(m, "CFG-3"), 1);
    /* without STATUS, a link change is no configuration change */
    uint32_t gen = vsim_device_generation(d);
    vsim_net_set_link(net, false);
    ck_assert_uint_eq(vsim_device_generation(d), gen);
    vsim_conform_clear(vsim_machine_conform(m));
}
END_TEST

START_TEST(options_set_mac_queue_size_and_offered_features)
{
    teardown();
    struct vsim_net_opts o = {.mac = {2, 4, 6, 8, 10, 12},
                              .queue_max = 64,
                              .features_off = MRG | VSIM_BIT(VSIM_NET_F_MAC)};
    create(&o, 2);
    uint8_t mac[6];
    vsim_net_mac(net, mac);
    ck_assert_mem_eq(mac, o.mac, 6);
    ck_assert_uint_eq(simt_r32(m, 0, VSIM_MMIO_QUEUE_NUM_MAX), 64);
    simt_w32(m, 0, VSIM_MMIO_DEVICE_FEATURES_SEL, 0);
    uint32_t f = simt_r32(m, 0, VSIM_MMIO_DEVICE_FEATURES);
    ck_assert_uint_eq(f & (1u << VSIM_NET_F_MRG_RXBUF), 0);
    ck_assert_uint_eq(f & (1u << VSIM_NET_F_MAC), 0);
    ck_assert_uint_ne(f & (1u << VSIM_NET_F_STATUS), 0);
    ck_assert_uint_eq(f & (1u << VSIM_F_ANY_LAYOUT), 0);
    ck_assert_ptr_null(vsim_net_new(m, &(struct vsim_net_opts){.queue_max = 65535}));
}
END_TEST

START_TEST(a_source_waits_while_the_link_is_down)
{
    init(MODERN);
    for (uint16_t i = 0; i < 4; i++)
        post_rx(i, i, 500);
    simt_notify(m, 0, RXQ);
    char path[] = "/tmp/vio_net_dev_XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    close(fd);
    struct vsim_pcap_writer *w = vsim_pcap_create(path);
    for (unsigned i = 0; i < 3; i++)
        ck_assert_int_eq(vsim_pcap_put(w, (uint8_t[60]){(uint8_t)i}, 60, 0), 0);
    ck_assert_int_eq(vsim_pcap_close(w), 0);
    vsim_net_set_link(net, false);
    ck_assert_int_eq(vsim_net_pcap_read(net, path), 0);
    ck_assert_uint_eq(vsim_net_pump(net), 0);
    ck_assert(!vsim_net_source_done(net));
    vsim_net_set_link(net, true);
    ck_assert_uint_eq(vsim_net_stats(net)->rx_frames, 3);
    ck_assert_uint_eq(vsim_net_stats(net)->rx_lost, 0);
    ck_assert(vsim_net_source_done(net));
    uint32_t id, len;
    ck_assert(simt_used(&rx, &id, &len));
    ck_assert_uint_eq(buf(id)[12], 0);
    unlink(path);
}
END_TEST

START_TEST(a_damaged_source_stops_after_its_good_frames)
{
    init(MODERN);
    for (uint16_t i = 0; i < 4; i++)
        post_rx(i, i, 500);
    simt_notify(m, 0, RXQ);
    char path[] = "/tmp/vio_net_dev_XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    close(fd);
    struct vsim_pcap_writer *w = vsim_pcap_create(path);
    ck_assert_int_eq(vsim_pcap_put(w, (uint8_t[60]){9}, 60, 0), 0);
    ck_assert_int_eq(vsim_pcap_put(w, (uint8_t[70]){9}, 70, 0), 0);
    ck_assert_int_eq(vsim_pcap_close(w), 0);
    /* cut the last record short */
    ck_assert_int_eq(truncate(path, 24 + 16 + 60 + 16 + 30), 0);
    ck_assert_int_eq(vsim_net_pcap_read(net, path), 0);
    ck_assert(vsim_net_source_done(net));
    ck_assert_uint_eq(vsim_net_stats(net)->rx_frames, 1);
    unlink(path);
}
END_TEST

Suite *vio_test_suite(void)
{
    Suite *s = suite_create("net_device");
    TCase *tc = tcase_create("device");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, a_spread_packet_fills_buffers_in_order_and_counts_them);
    tcase_add_test(tc, without_mrg_rxbuf_num_buffers_is_one_and_big_frames_are_lost);
    tcase_add_test(tc, legacy_without_mrg_rxbuf_writes_a_10_byte_header);
    tcase_add_test(tc, a_starved_device_asks_to_hear_of_new_buffers);
    tcase_add_test(tc, frames_before_driver_ok_and_across_reset_are_lost);
    tcase_add_test(tc, transmit_frames_in_any_layout_arrive_whole);
    tcase_add_test(tc, gathered_frames_of_any_size_arrive_whole);
    tcase_add_test(tc, options_set_mac_queue_size_and_offered_features);
    tcase_add_test(tc, a_source_waits_while_the_link_is_down);
    tcase_add_test(tc, a_damaged_source_stops_after_its_good_frames);
    suite_add_tcase(s, tc);

    tc = tcase_create("obligations");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, transmit_header_fields_are_checked);
    tcase_add_test(tc, transmit_chains_carry_a_header_and_nothing_writable);
    tcase_add_test(tc, a_readable_receive_buffer_stops_receive_until_reset);
    tcase_add_test(tc, merged_receive_buffers_hold_at_least_the_header);
    tcase_add_test(tc, legacy_framing_wants_the_header_alone);
    tcase_add_test(tc, config_fields_are_read_only_and_status_needs_its_feature);
    suite_add_tcase(s, tc);
    return s;
}
