/*
 * Negative proofs of the block, network and GPU rules: a live device over
 * modern MMIO (legacy where the rule is), and one malformed request.
 */
#include <check.h>
#include <string.h>

#include "raw_driver.h"

#define V1 VSIM_BIT(VSIM_F_VERSION_1)
#define NEXT VSIM_VRING_DESC_F_NEXT
#define WRITE VSIM_VRING_DESC_F_WRITE
#define RXQ 0u
#define TXQ 1u
#define FRAME 60u

/* ---- Block Device ---- */

static void blk_live(struct raw *r, uint64_t accept)
{
    raw_blk(r, RAW_MMIO2, &(struct vsim_blk_opts){.capacity = 16});
    raw_live(r, V1 | accept, 1);
    raw_clean(r);
}

NEGATIVE_TEST(neg_blk1_read_beyond_capacity, "BLK-1")
{
    blk_live(r, 0);
    raw_blk_request(r, VSIM_BLK_T_IN, 16, 512);
    raw_notify(r, 0);
}

NEGATIVE_TEST(neg_blk2_write_of_100_bytes, "BLK-2")
{
    blk_live(r, 0);
    raw_blk_request(r, VSIM_BLK_T_OUT, 0, 100);
    raw_notify(r, 0);
}

NEGATIVE_TEST(neg_blk3_get_id_of_16_bytes, "BLK-3")
{
    blk_live(r, 0);
    raw_blk_request(r, VSIM_BLK_T_GET_ID, 0, 16);
    raw_notify(r, 0);
}

NEGATIVE_TEST(neg_blk4_flush_with_a_sector, "BLK-4")
{
    blk_live(r, VSIM_BIT(VSIM_BLK_F_FLUSH));
    raw_blk_request(r, VSIM_BLK_T_FLUSH, 5, 0);
    raw_notify(r, 0);
}

NEGATIVE_TEST(neg_blk5_status_byte_readable, "BLK-5")
{
    blk_live(r, 0);
    raw_blk_request(r, VSIM_BLK_T_OUT, 0, 512);
    r->q[0].desc[2 * 16 + 12] = 0; /* the status descriptor loses WRITE */
    raw_notify(r, 0);
}

NEGATIVE_TEST(neg_blk6_writeback_read_before_features_ok, "BLK-6")
{
    raw_blk(r, RAW_MMIO2, &(struct vsim_blk_opts){.config_wce = true});
    raw_start(r, V1 | VSIM_BIT(VSIM_BLK_F_CONFIG_WCE));
    raw_clean(r);
    (void)raw_config_rd(r, VSIM_BLK_CFG_WRITEBACK, 1);
}

/* ---- Network Device ---- */

static void net_live(struct raw *r)
{
    raw_net(r, RAW_MMIO2, NULL);
    raw_live(r, V1, 2);
    raw_clean(r);
}

/* Transmits a 60-byte frame behind header @hdr of @hdr_len bytes, all in one descriptor. */
static void transmit(struct raw *r, const uint8_t *hdr, uint32_t hdr_len)
{
    uint64_t pa;
    uint8_t *buf = raw_buf(r, 4096, &pa);
    memcpy(buf, hdr, hdr_len);
    memset(buf + hdr_len, 0xff, 12); /* broadcast destination, and a source */
    raw_desc(r, TXQ, 0, pa, hdr_len + FRAME, 0, 0);
    raw_avail(r, TXQ, 0);
    raw_notify(r, TXQ);
}

NEGATIVE_TEST(neg_net1_tx_flags_set, "NET-1")
{
    const uint8_t hdr[VSIM_NET_HDR_LEN] = {1}; /* NEEDS_CSUM without VIRTIO_NET_F_CSUM */
    net_live(r);
    transmit(r, hdr, sizeof(hdr));
}

NEGATIVE_TEST(neg_net2_tx_shorter_than_the_header, "NET-2")
{
    uint64_t pa;
    net_live(r);
    (void)raw_buf(r, 4096, &pa);
    raw_desc(r, TXQ, 0, pa, 8, 0, 0);
    raw_avail(r, TXQ, 0);
    raw_notify(r, TXQ);
}

NEGATIVE_TEST(neg_net3_rx_buffer_readable, "NET-3")
{
    static const uint8_t frame[FRAME] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    uint64_t pa;
    struct vsim_net *n = raw_net(r, RAW_MMIO2, NULL);
    raw_live(r, V1, 2);
    (void)raw_buf(r, 4096, &pa);
    raw_desc(r, RXQ, 0, pa, 2048, 0, 0); /* the device cannot write a packet here */
    raw_avail(r, RXQ, 0);
    raw_notify(r, RXQ);
    raw_clean(r);
    ck_assert_int_eq(vsim_net_inject(n, frame, sizeof(frame)), 0);
    (void)vsim_net_pump(n);
}

NEGATIVE_TEST(neg_net4_legacy_header_with_the_frame, "NET-4")
{
    const uint8_t hdr[VSIM_NET_HDR_LEN_LEGACY] = {0};
    raw_net(r, RAW_MMIO1, NULL);
    raw_live(r, 0, 2);
    raw_clean(r);
    transmit(r, hdr, sizeof(hdr)); /* without ANY_LAYOUT the header wants its own descriptor */
}

NEGATIVE_TEST(neg_net5_status_written, "NET-5")
{
    net_live(r);
    raw_config_wr(r, VSIM_NET_CFG_STATUS, 2, 0);
}

NEGATIVE_TEST(neg_net6_tx_gso_tcpv4, "NET-6")
{
    const uint8_t hdr[VSIM_NET_HDR_LEN] = {0, 1}; /* VIRTIO_NET_HDR_GSO_TCPV4 without HOST_TSO4 */
    net_live(r);
    transmit(r, hdr, sizeof(hdr));
}

NEGATIVE_TEST(neg_net7_tx_num_buffers_set, "NET-7")
{
    const uint8_t hdr[VSIM_NET_HDR_LEN] = {[10] = 1};
    net_live(r);
    transmit(r, hdr, sizeof(hdr));
}

/* ---- GPU Device ---- */

#define GPU_HDR 24u
#define GPU_CMD_GET_DISPLAY_INFO 0x0100u
#define GPU_CMD_GET_EDID 0x010au
#define GPU_CMD_MOVE_CURSOR 0x0301u

/* A command of @req_len bytes (type @type) and, when @resp_len, a writable response. */
static void gpu_command(struct raw *r, uint16_t q, uint32_t type, uint32_t req_len,
                        uint32_t resp_len)
{
    uint64_t pa;
    uint8_t *buf = raw_buf(r, 8192, &pa);
    buf[0] = (uint8_t)type;
    buf[1] = (uint8_t)(type >> 8);
    raw_desc(r, q, 0, pa, req_len, resp_len ? NEXT : 0, 1);
    raw_desc(r, q, 1, pa + 4096, resp_len, WRITE, 0);
    raw_avail(r, q, 0);
    raw_notify(r, q);
}

static void gpu_live(struct raw *r)
{
    raw_gpu(r, RAW_MMIO2, NULL);
    raw_live(r, V1, 2);
    raw_clean(r);
}

NEGATIVE_TEST(neg_gpu2_get_edid_without_edid, "GPU-2")
{
    gpu_live(r);
    gpu_command(r, 0, GPU_CMD_GET_EDID, GPU_HDR + 8, 4096);
}

NEGATIVE_TEST(neg_gpu3_cursor_command_on_the_controlq, "GPU-3")
{
    gpu_live(r);
    gpu_command(r, 0, GPU_CMD_MOVE_CURSOR, 56, GPU_HDR);
}

NEGATIVE_TEST(neg_gpu4_request_without_a_response_buffer, "GPU-4")
{
    gpu_live(r);
    gpu_command(r, 0, GPU_CMD_GET_DISPLAY_INFO, GPU_HDR, 0);
}

Suite *vio_test_suite(void)
{
    Suite *s = suite_create("conform_devices");
    TCase *tc = tcase_create("blk");
    tcase_add_checked_fixture(tc, NULL, raw_teardown);
    tcase_add_test(tc, neg_blk1_read_beyond_capacity);
    tcase_add_test(tc, neg_blk2_write_of_100_bytes);
    tcase_add_test(tc, neg_blk3_get_id_of_16_bytes);
    tcase_add_test(tc, neg_blk4_flush_with_a_sector);
    tcase_add_test(tc, neg_blk5_status_byte_readable);
    tcase_add_test(tc, neg_blk6_writeback_read_before_features_ok);
    suite_add_tcase(s, tc);

    tc = tcase_create("net");
    tcase_add_checked_fixture(tc, NULL, raw_teardown);
    tcase_add_test(tc, neg_net1_tx_flags_set);
    tcase_add_test(tc, neg_net2_tx_shorter_than_the_header);
    tcase_add_test(tc, neg_net3_rx_buffer_readable);
    tcase_add_test(tc, neg_net4_legacy_header_with_the_frame);
    tcase_add_test(tc, neg_net5_status_written);
    tcase_add_test(tc, neg_net6_tx_gso_tcpv4);
    tcase_add_test(tc, neg_net7_tx_num_buffers_set);
    suite_add_tcase(s, tc);

    tc = tcase_create("gpu");
    tcase_add_checked_fixture(tc, NULL, raw_teardown);
    tcase_add_test(tc, neg_gpu2_get_edid_without_edid);
    tcase_add_test(tc, neg_gpu3_cursor_command_on_the_controlq);
    tcase_add_test(tc, neg_gpu4_request_without_a_response_buffer);
    suite_add_tcase(s, tc);
    return s;
}
