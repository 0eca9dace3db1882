/* Which feature bits exist and which need others: the FEAT rules' tables. */
#include "feature_bits.h"
#include "vsim/spec.h"

#define B(n) VSIM_BIT(n)
#define RANGE(lo, hi) ((~UINT64_C(0) >> (63 - (hi))) & ~(B(lo) - 1))

/*
 * Feature Bits: 0-23, 42 and 50 and up belong to the device type; 24-41 and
 * 43 to the queue and negotiation mechanisms; 44-49 are for the future.
 */
#define DEVICE_TYPE_BITS (RANGE(0, 23) | B(42) | RANGE(50, 63))

/*
 * Reserved Feature Bits that exist, legacy ones included (NOTIFY_ON_EMPTY 24,
 * ANY_LAYOUT 27). Bit 30 is left out of both sets: the spec only advises
 * against it (SHOULD NOT), so it is no FEAT-4 violation.
 */
#define GENERIC_BITS (B(24) | B(27) | B(28) | B(29) | RANGE(32, 41) | B(43))
#define SHOULD_NOT_BITS B(30)
#define SR_IOV_BIT B(37)
/* VIRTIO_F_NOTIF_CONFIG_DATA and VIRTIO_F_ADMIN_VQ exist for PCI only. */
#define PCI_ONLY_BITS (B(39) | B(41))

/* Each device type's Feature bits (legacy ones included), within the device-type ranges. */
static uint64_t device_type_bits(uint32_t device_id, bool *known)
{
    *known = true;
    switch (device_id) {
    case VSIM_ID_NET: /* all of 0-23 but 4, 50-57 and 59-63 */
        return (RANGE(0, 23) & ~B(4)) | RANGE(50, 57) | RANGE(59, 63);
    case VSIM_ID_BLOCK: /* BARRIER 0 and SCSI 7 are legacy */
        return RANGE(0, 2) | RANGE(4, 7) | RANGE(9, 17);
    case VSIM_ID_GPU:
        return RANGE(0, 5);
    default:
        *known = false;
        return DEVICE_TYPE_BITS;
    }
}

int vsim__feature_undefined(uint32_t device_id, bool pci, uint64_t accepted)
{
    bool known;
    uint64_t allowed = GENERIC_BITS | SHOULD_NOT_BITS | device_type_bits(device_id, &known);
    if (!pci)
        allowed &= ~PCI_ONLY_BITS;
    uint64_t bad = accepted & ~allowed & ~SR_IOV_BIT;
    return bad ? __builtin_ctzll(bad) : -1;
}

bool vsim__feature_sr_iov(uint64_t accepted)
{
    return accepted & SR_IOV_BIT;
}

/* Feature bit requirements (Network Device); bits past 63 are outside the bench. */
static const struct dep {
    uint32_t device_id;
    uint8_t bit;
    bool any; /* one of @needs suffices */
    uint64_t needs;
} deps[] = {
    {VSIM_ID_NET, 7, false, B(1)},          /* GUEST_TSO4: GUEST_CSUM */
    {VSIM_ID_NET, 8, false, B(1)},          /* GUEST_TSO6: GUEST_CSUM */
    {VSIM_ID_NET, 9, true, B(7) | B(8)},    /* GUEST_ECN: GUEST_TSO4 or GUEST_TSO6 */
    {VSIM_ID_NET, 10, false, B(1)},         /* GUEST_UFO: GUEST_CSUM */
    {VSIM_ID_NET, 54, false, B(1)},         /* GUEST_USO4: GUEST_CSUM */
    {VSIM_ID_NET, 55, false, B(1)},         /* GUEST_USO6: GUEST_CSUM */
    {VSIM_ID_NET, 11, false, B(0)},         /* HOST_TSO4: CSUM */
    {VSIM_ID_NET, 12, false, B(0)},         /* HOST_TSO6: CSUM */
    {VSIM_ID_NET, 13, true, B(11) | B(12)}, /* HOST_ECN: HOST_TSO4 or HOST_TSO6 */
    {VSIM_ID_NET, 14, false, B(0)},         /* HOST_UFO: CSUM */
    {VSIM_ID_NET, 56, false, B(0)},         /* HOST_USO: CSUM */
    {VSIM_ID_NET, 18, false, B(17)},        /* CTRL_RX: CTRL_VQ */
    {VSIM_ID_NET, 19, false, B(17)},        /* CTRL_VLAN: CTRL_VQ */
    {VSIM_ID_NET, 21, false, B(17)},        /* GUEST_ANNOUNCE: CTRL_VQ */
    {VSIM_ID_NET, 22, false, B(17)},        /* MQ: CTRL_VQ */
    {VSIM_ID_NET, 23, false, B(17)},        /* CTRL_MAC_ADDR: CTRL_VQ */
    {VSIM_ID_NET, 53, false, B(17)},        /* NOTF_COAL: CTRL_VQ */
    {VSIM_ID_NET, 61, true, B(11) | B(12)}, /* RSC_EXT: HOST_TSO4 or HOST_TSO6 */
    {VSIM_ID_NET, 60, false, B(17)},        /* RSS: CTRL_VQ */
    {VSIM_ID_NET, 52, false, B(17)},        /* VQ_NOTF_COAL: CTRL_VQ */
    {VSIM_ID_NET, 51, false, B(17)},        /* HASH_TUNNEL: CTRL_VQ */
    {VSIM_ID_NET, 51, true, B(60) | B(57)}, /* ... and RSS or HASH_REPORT */
};

int vsim__feature_missing_dep(uint32_t device_id, uint64_t accepted, uint64_t *needs)
{
    for (unsigned i = 0; i < sizeof(deps) / sizeof(deps[0]); i++) {
        const struct dep *d = &deps[i];
        if (d->device_id != device_id || !(accepted & B(d->bit)))
            continue;
        bool ok = d->any ? (accepted & d->needs) != 0 : (accepted & d->needs) == d->needs;
        if (!ok) {
            *needs = d->needs;
            return d->bit;
        }
    }
    return -1;
}
