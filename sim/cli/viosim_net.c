/* viosim's net scenario: frames through the generic NIC interface, over loopback and a linked pair.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "axdriver_virtio.h"
#include "viosim_rig.h"

#define FRAMES 64u /* each way, per link */
#define FRAME_LEN 128u

/* An Ethernet frame with a locally administered ethertype and a per-frame payload. */
static void fill(uint8_t *p, size_t len, const struct ax_ethernet_address *src, uint8_t seq)
{
    memset(p, 0xff, 6);
    memcpy(p + 6, src->addr, 6);
    p[12] = 0x88, p[13] = 0xb5; /* IEEE 802 local experimental ethertype */
    for (size_t i = 14; i < len; i++)
        p[i] = (uint8_t)(seq * 7u + i);
}

static int send(struct ax_net_dev *n, uint8_t seq)
{
    struct ax_net_buf_ptr tx;
    int rc = ax_net_alloc_tx_buffer(n, FRAME_LEN, &tx);
    if (rc)
        return rc;
    struct ax_ethernet_address mac = ax_net_mac_address(n);
    fill(tx.packet, tx.len, &mac, seq);
    return ax_net_transmit(n, tx);
}

/* Takes one frame from @n and checks it is frame @seq sent by @from. */
static int expect(struct ax_net_dev *n, const struct ax_ethernet_address *from, uint8_t seq)
{
    struct ax_net_buf_ptr rx;
    int rc = ax_net_receive(n, &rx);
    if (rc)
        return rc;
    uint8_t want[FRAME_LEN];
    fill(want, sizeof want, from, seq);
    bool same = rx.len == FRAME_LEN && memcmp(rx.packet, want, FRAME_LEN) == 0;
    rc = ax_net_recycle_rx_buffer(n, rx);
    return rc ? rc : same ? 0 : AX_ERR_IO;
}

/* FRAMES frames from @a to @b, each received and verified before the next one goes. */
static int exchange(struct ax_net_dev *a, struct ax_net_dev *b)
{
    struct ax_ethernet_address from = ax_net_mac_address(a);
    for (unsigned i = 0; i < FRAMES; i++) {
        int rc = send(a, (uint8_t)i);
        if (rc == 0)
            rc = expect(b, &from, (uint8_t)i);
        if (rc == 0)
            rc = ax_net_recycle_tx_buffers(a);
        if (rc)
            return rc;
    }
    return 0;
}

/* Records in a pcap file, read back independently of the writer; -1 when it is not one. */
static long pcap_frames(const char *path)
{
    FILE *f = fopen(path, "rb");
    uint8_t hdr[24], rec[16];
    long n = -1;
    if (f && fread(hdr, 1, sizeof hdr, f) == sizeof hdr && hdr[0] == 0xd4 && hdr[1] == 0xc3 &&
        hdr[2] == 0xb2 && hdr[3] == 0xa1) {
        n = 0;
        while (fread(rec, 1, sizeof rec, f) == sizeof rec) {
            uint32_t incl = rec[8] | rec[9] << 8 | rec[10] << 16 | (uint32_t)rec[11] << 24;
            if (incl > 65535 || fseek(f, (long)incl, SEEK_CUR) != 0) {
                n = -1;
                break;
            }
            n++;
        }
    }
    if (f)
        fclose(f);
    return n;
}

static bool up(struct viosim_rig *rig, unsigned nth, struct ax_virtio_net_dev *d,
               struct viosim_report *r)
{
    struct viosim_found *f = viosim_rig_at(rig, PLACE_NET_LOOP + nth, AX_DEVICE_NET);
    int rc = f ? ax_virtio_net_init(d, f->t, 0) : AX_ERR_UNSUPPORTED;
    if (!viosim_check(r, rc == 0, "net%u: init through ax_virtio_net_init%s%s", nth, rc ? ": " : "",
                      rc ? ax_dev_err_name(rc) : ""))
        return false;
    struct ax_ethernet_address mac = ax_net_mac_address(&d->dev);
    printf("        %s at %s: mac %02x:%02x:%02x:%02x:%02x:%02x, queues %zu/%zu\n",
           ax_net_device_name(&d->dev), f->where, mac.addr[0], mac.addr[1], mac.addr[2],
           mac.addr[3], mac.addr[4], mac.addr[5], ax_net_rx_queue_size(&d->dev),
           ax_net_tx_queue_size(&d->dev));
    return true;
}

static void down(struct ax_virtio_net_dev *d, unsigned nth, struct viosim_report *r)
{
    int rc = ax_virtio_net_deinit(d);
    if (rc)
        viosim_check(r, false, "net%u: deinit: %s", nth, ax_dev_err_name(rc));
}

void viosim_net_run(struct viosim_rig *rig, const char *pcap, struct viosim_report *r)
{
    static struct ax_virtio_net_dev loop, a, b;
    if (pcap && !viosim_check(r, vsim_net_pcap_write(rig->net[0], pcap, VSIM_NET_TAP_BOTH) == 0,
                              "net0: capture both directions to %s", pcap))
        pcap = NULL;
    if (up(rig, 0, &loop, r)) {
        int rc = exchange(&loop.dev, &loop.dev);
        viosim_check(r, rc == 0, "net0: %u frames of %u bytes round the loopback, verified%s%s",
                     FRAMES, FRAME_LEN, rc ? ": " : "", rc ? ax_dev_err_name(rc) : "");
        down(&loop, 0, r);
    }
    if (pcap) {
        int rc = vsim_net_pcap_close(rig->net[0]);
        long n = rc == 0 ? pcap_frames(pcap) : -1;
        viosim_check(r, n == 2 * FRAMES, "net0: %s holds %ld frames, %u sent and %u received", pcap,
                     n, FRAMES, FRAMES);
    }
    if (up(rig, 1, &a, r)) {
        if (up(rig, 2, &b, r)) {
            int rc = exchange(&a.dev, &b.dev);
            if (rc == 0)
                rc = exchange(&b.dev, &a.dev);
            viosim_check(r, rc == 0, "net1 <-> net2: %u frames each way across the pair%s%s",
                         FRAMES, rc ? ": " : "", rc ? ax_dev_err_name(rc) : "");
            down(&b, 2, r);
        }
        down(&a, 1, r);
    }
}
