/*
 * The network workload, through the generic NIC interface: brings the
 * device up with its axdriver_virtio wrapper, asks slirp's gateway 10.0.2.2
 * for its MAC (ARP), then pings it with a small and a full-sized frame and
 * checks each echo reply. The host checks the same frames in the pcap that
 * QEMU's filter-dump wrote (qemu_net.py knows the same fields). Only the
 * info line reads the virtio driver below (header length, link status).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "axdriver_virtio.h"
#include "guest.h"
#include "port.h"

#define REPLY_WAIT_MS 2000u
#define ETH_HLEN 14u
#define ETH_P_ARP 0x0806u
#define ETH_P_IPV4 0x0800u
#define ARP_LEN 28u
#define ARP_REQUEST 1u
#define ARP_REPLY 2u
#define IPV4_HLEN 20u
#define IP_PROTO_ICMP 1u
#define ICMP_HLEN 8u
#define ICMP_ECHO_REPLY 0u
#define ICMP_ECHO 8u
#define ECHO_ID 0x7669u /* "vi" */
#define FRAME_MAX 1514u

static const uint8_t guest_ip[4] = {10, 0, 2, 15};
static const uint8_t gateway_ip[4] = {10, 0, 2, 2};
static const uint8_t broadcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
/* Echo payload sizes: 1472 bytes make a 1514-byte frame, the largest without offloads. */
static const uint16_t echo_sizes[] = {56, 1472};

static struct ax_virtio_net_dev net;

struct net_run {
    struct ax_net_dev *dev;
    const char *who;
    uint8_t mac[6];
    uint8_t gateway_mac[6];
    uint8_t frame[FRAME_MAX]; /* the frame being built, or the last one received */
    size_t frame_len;
};

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static uint16_t get16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

/* The Internet checksum (RFC 1071): ones' complement of the ones' complement sum. */
static uint16_t inet_checksum(const uint8_t *p, size_t len)
{
    uint32_t sum = 0;
    for (size_t i = 0; i + 1 < len; i += 2)
        sum += get16(p + i);
    if (len % 2)
        sum += (uint32_t)p[len - 1] << 8;
    while (sum >> 16)
        sum = (sum & 0xffffu) + (sum >> 16);
    return (uint16_t)~sum;
}

static uint8_t echo_byte(uint16_t seq, size_t i)
{
    return (uint8_t)(7u * i + seq);
}

static void eth_header(struct net_run *c, const uint8_t *dst, uint16_t type)
{
    memcpy(c->frame, dst, 6);
    memcpy(c->frame + 6, c->mac, 6);
    put16(c->frame + 12, type);
}

/* ARP (RFC 826) over Ethernet for IPv4: who has 10.0.2.2, tell 10.0.2.15. */
static void build_arp_request(struct net_run *c)
{
    uint8_t *a = c->frame + ETH_HLEN;
    eth_header(c, broadcast, ETH_P_ARP);
    put16(a, 1); /* hardware type: Ethernet */
    put16(a + 2, ETH_P_IPV4);
    a[4] = 6;
    a[5] = 4;
    put16(a + 6, ARP_REQUEST);
    memcpy(a + 8, c->mac, 6);
    memcpy(a + 14, guest_ip, 4);
    memset(a + 18, 0, 6);
    memcpy(a + 24, gateway_ip, 4);
    c->frame_len = ETH_HLEN + ARP_LEN;
}

static bool is_arp_reply(struct net_run *c)
{
    const uint8_t *a = c->frame + ETH_HLEN;
    return c->frame_len >= ETH_HLEN + ARP_LEN && memcmp(c->frame, c->mac, 6) == 0 &&
           get16(c->frame + 12) == ETH_P_ARP && get16(a) == 1 && get16(a + 2) == ETH_P_IPV4 &&
           a[4] == 6 && a[5] == 4 && get16(a + 6) == ARP_REPLY &&
           memcmp(a + 14, gateway_ip, 4) == 0 && memcmp(a + 18, c->mac, 6) == 0 &&
           memcmp(a + 24, guest_ip, 4) == 0;
}

/* IPv4 (RFC 791) and ICMP echo (RFC 792) from 10.0.2.15 to the gateway. */
static void build_echo(struct net_run *c, uint16_t seq, uint16_t size)
{
    uint8_t *ip = c->frame + ETH_HLEN, *icmp = ip + IPV4_HLEN;
    eth_header(c, c->gateway_mac, ETH_P_IPV4);
    ip[0] = 0x45; /* version 4, 5 words */
    ip[1] = 0;
    put16(ip + 2, (uint16_t)(IPV4_HLEN + ICMP_HLEN + size));
    put16(ip + 4, seq);
    put16(ip + 6, 0);
    ip[8] = 64; /* TTL */
    ip[9] = IP_PROTO_ICMP;
    put16(ip + 10, 0);
    memcpy(ip + 12, guest_ip, 4);
    memcpy(ip + 16, gateway_ip, 4);
    put16(ip + 10, inet_checksum(ip, IPV4_HLEN));
    icmp[0] = ICMP_ECHO;
    icmp[1] = 0;
    put16(icmp + 2, 0);
    put16(icmp + 4, ECHO_ID);
    put16(icmp + 6, seq);
    for (size_t i = 0; i < size; i++)
        icmp[ICMP_HLEN + i] = echo_byte(seq, i);
    put16(icmp + 2, inet_checksum(icmp, ICMP_HLEN + size));
    c->frame_len = ETH_HLEN + IPV4_HLEN + ICMP_HLEN + size;
}

/* An echo reply to @seq from the gateway, with intact checksums and the payload sent. */
static bool is_echo_reply(struct net_run *c, uint16_t seq, uint16_t size)
{
    const uint8_t *ip = c->frame + ETH_HLEN, *icmp = ip + IPV4_HLEN;
    size_t icmp_len = ICMP_HLEN + size;
    if (c->frame_len < ETH_HLEN + IPV4_HLEN + icmp_len || memcmp(c->frame, c->mac, 6) != 0 ||
        get16(c->frame + 12) != ETH_P_IPV4 || ip[0] != 0x45 || ip[9] != IP_PROTO_ICMP ||
        get16(ip + 2) != IPV4_HLEN + icmp_len || memcmp(ip + 12, gateway_ip, 4) != 0 ||
        memcmp(ip + 16, guest_ip, 4) != 0 || inet_checksum(ip, IPV4_HLEN) != 0)
        return false;
    if (icmp[0] != ICMP_ECHO_REPLY || icmp[1] != 0 || get16(icmp + 4) != ECHO_ID ||
        get16(icmp + 6) != seq || inet_checksum(icmp, icmp_len) != 0)
        return false;
    for (size_t i = 0; i < size; i++) {
        if (icmp[ICMP_HLEN + i] != echo_byte(seq, i))
            return false;
    }
    return true;
}

/* Sends c->frame through a buffer of the NIC's. Returns an ax_dev_err. */
static int send_frame(struct net_run *c)
{
    int r = ax_net_recycle_tx_buffers(c->dev);
    if (r != 0)
        return r;
    struct ax_net_buf_ptr buf;
    r = ax_net_alloc_tx_buffer(c->dev, c->frame_len, &buf);
    if (r != 0)
        return r;
    if (buf.len != c->frame_len) {
        guest_fail(c->who, "tx buffer of %zu bytes for a %zu-byte frame", buf.len, c->frame_len);
        return AX_ERR_BAD_STATE;
    }
    memcpy(buf.packet, c->frame, c->frame_len);
    return ax_net_transmit(c->dev, buf);
}

/*
 * Receives frames until @match accepts one (copied into c->frame) or the
 * time is up; frames it does not want (slirp may send others) are dropped.
 * Every buffer goes back to the receive queue. Returns an ax_dev_err, or
 * Again on timeout.
 */
static int receive_until(struct net_run *c,
                         bool (*match)(struct net_run *c, uint16_t seq, uint16_t size),
                         uint16_t seq, uint16_t size)
{
    uint64_t deadline = port_time_now() + port_ticks_from_ms(REPLY_WAIT_MS);
    while (port_time_now() < deadline) {
        struct ax_net_buf_ptr buf;
        int r = ax_net_receive(c->dev, &buf);
        if (r == AX_ERR_AGAIN)
            continue;
        if (r != 0)
            return r;
        bool fits = buf.len <= sizeof c->frame;
        c->frame_len = fits ? buf.len : 0;
        if (fits)
            memcpy(c->frame, buf.packet, buf.len);
        r = ax_net_recycle_rx_buffer(c->dev, buf);
        if (r != 0)
            return r;
        if (match(c, seq, size))
            return 0;
    }
    return AX_ERR_AGAIN;
}

static bool match_arp(struct net_run *c, uint16_t seq, uint16_t size)
{
    (void)seq;
    (void)size;
    return is_arp_reply(c);
}

static bool arp_gateway(struct net_run *c)
{
    build_arp_request(c);
    int r = send_frame(c);
    if (r == 0)
        r = receive_until(c, match_arp, 0, 0);
    if (r != 0)
        return guest_fail(c->who, "arp: who has 10.0.2.2: %s", ax_dev_err_name(r));
    memcpy(c->gateway_mac, c->frame + ETH_HLEN + 8, 6);
    const uint8_t *m = c->gateway_mac;
    return guest_step(true, c->who, "arp: 10.0.2.2 is at %02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1],
                      m[2], m[3], m[4], m[5]);
}

static void ping_gateway(struct net_run *c)
{
    for (uint16_t k = 0; k < sizeof echo_sizes / sizeof echo_sizes[0]; k++) {
        uint16_t seq = (uint16_t)(k + 1), size = echo_sizes[k];
        build_echo(c, seq, size);
        int r = send_frame(c);
        if (r == 0)
            r = receive_until(c, is_echo_reply, seq, size);
        guest_step(r == 0, c->who, "echo seq=%u size=%u: reply matches: %s", seq, size,
                   ax_dev_err_name(r));
    }
}

void guest_net_run(struct vio_transport *t, const char *at)
{
    char who[24];
    con_snprintf(who, sizeof who, "net@%s", at);
    size_t pages_before = page_in_use();
    static struct net_run c;
    c.dev = &net.dev;
    c.who = who;

    int r = ax_virtio_net_init(&net, t, 0);
    if (!guest_step(r == 0, who, "init: %s", ax_dev_err_name(r)))
        return;
    struct ax_ethernet_address mac = ax_net_mac_address(c.dev);
    memcpy(c.mac, mac.addr, 6);
    bool up = false;
    int link = vio_net_link_up(&net.net, &up);
    con_printf("%s: info at=%s name=%s legacy=%u offered=0x%llx negotiated=0x%llx "
               "supported=0x%llx mac=%02x:%02x:%02x:%02x:%02x:%02x mrg_rxbuf=%u hdr_len=%u "
               "link_up=%u rx_queue=%zu tx_queue=%zu\n",
               who, at, ax_net_device_name(c.dev), t->legacy,
               (unsigned long long)t->ops->device_features(t), (unsigned long long)t->features,
               (unsigned long long)VIO_NET_SUPPORTED_FEATURES, c.mac[0], c.mac[1], c.mac[2],
               c.mac[3], c.mac[4], c.mac[5], net.net.mrg_rxbuf, vio_net_hdr_len(&net.net),
               link == 0 && up, ax_net_rx_queue_size(c.dev), ax_net_tx_queue_size(c.dev));

    if (arp_gateway(&c))
        ping_gateway(&c);

    r = ax_virtio_net_deinit(&net);
    guest_step(r == 0, who, "deinit: every buffer back: %s", ax_dev_err_name(r));
    long pages_left = (long)page_in_use() - (long)pages_before;
    guest_step(pages_left == 0 && port_hal_shares_outstanding() == 0, who,
               "deinit: %ld DMA pages and %ld shares left", pages_left,
               port_hal_shares_outstanding());
}
