/*
 * Classic pcap files: a 24-byte file header (magic, version 2.4, snapshot
 * length, link type) then one 16-byte record header (seconds, sub-seconds,
 * captured length, original length) before each frame.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "vsim/pcap.h"

#define PCAP_MAGIC_USEC 0xa1b2c3d4u
#define PCAP_MAGIC_NSEC 0xa1b23c4du
#define PCAP_FILE_HEADER 24u
#define PCAP_RECORD_HEADER 16u

struct vsim_pcap_writer {
    FILE *f;
    bool failed;
    uint64_t frames;
};

struct vsim_pcap_reader {
    FILE *f;
    bool swapped; /* written on a host of the other byte order */
    bool nsec;    /* sub-second field in nanoseconds */
};

static void put32(uint8_t *p, uint32_t v)
{
    for (unsigned i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static uint32_t get32(const uint8_t *p, bool swapped)
{
    uint32_t le =
        (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
    return swapped ? __builtin_bswap32(le) : le;
}

static uint16_t get16(const uint8_t *p, bool swapped)
{
    uint16_t le = (uint16_t)(p[0] | p[1] << 8);
    return swapped ? __builtin_bswap16(le) : le;
}

struct vsim_pcap_writer *vsim_pcap_create(const char *path)
{
    struct vsim_pcap_writer *w = calloc(1, sizeof(*w));
    if (!w)
        return NULL;
    w->f = fopen(path, "wb");
    if (!w->f) {
        free(w);
        return NULL;
    }
    /* little-endian, microsecond timestamps, no time zone correction */
    uint8_t h[PCAP_FILE_HEADER] = {0};
    put32(h, PCAP_MAGIC_USEC);
    put16(h + 4, 2);
    put16(h + 6, 4);
    put32(h + 16, VSIM_PCAP_SNAPLEN);
    put32(h + 20, VSIM_PCAP_LINKTYPE_ETHERNET);
    w->failed = fwrite(h, sizeof(h), 1, w->f) != 1;
    return w;
}

int vsim_pcap_put(struct vsim_pcap_writer *w, const void *frame, size_t len, uint64_t ts_ns)
{
    uint32_t incl = len < VSIM_PCAP_SNAPLEN ? (uint32_t)len : VSIM_PCAP_SNAPLEN;
    uint8_t h[PCAP_RECORD_HEADER];
    put32(h, (uint32_t)(ts_ns / 1000000000u));
    put32(h + 4, (uint32_t)(ts_ns % 1000000000u / 1000u));
    put32(h + 8, incl);
    put32(h + 12, len > UINT32_MAX ? UINT32_MAX : (uint32_t)len);
    if (fwrite(h, sizeof(h), 1, w->f) != 1 || (incl && fwrite(frame, incl, 1, w->f) != 1))
        w->failed = true;
    else
        w->frames++;
    return w->failed ? -1 : 0;
}

int vsim_pcap_close(struct vsim_pcap_writer *w)
{
    if (!w)
        return 0;
    bool failed = w->failed;
    if (fclose(w->f) != 0)
        failed = true;
    free(w);
    return failed ? -1 : 0;
}

uint64_t vsim_pcap_written(const struct vsim_pcap_writer *w)
{
    return w->frames;
}

struct vsim_pcap_reader *vsim_pcap_open(const char *path)
{
    struct vsim_pcap_reader *r = calloc(1, sizeof(*r));
    uint8_t h[PCAP_FILE_HEADER];
    if (!r)
        return NULL;
    r->f = fopen(path, "rb");
    if (!r->f || fread(h, sizeof(h), 1, r->f) != 1)
        goto fail;
    uint32_t magic = get32(h, false);
    if (magic == PCAP_MAGIC_USEC || magic == PCAP_MAGIC_NSEC) {
        r->swapped = false;
    } else if (__builtin_bswap32(magic) == PCAP_MAGIC_USEC ||
               __builtin_bswap32(magic) == PCAP_MAGIC_NSEC) {
        r->swapped = true;
        magic = __builtin_bswap32(magic);
    } else {
        goto fail;
    }
    r->nsec = magic == PCAP_MAGIC_NSEC;
    /* version 2.x; the link type's low 16 bits (the rest may carry FCS information) */
    if (get16(h + 4, r->swapped) != 2 ||
        (get32(h + 20, r->swapped) & 0xffffu) != VSIM_PCAP_LINKTYPE_ETHERNET)
        goto fail;
    return r;
fail:
    vsim_pcap_close_reader(r);
    return NULL;
}

int vsim_pcap_next(struct vsim_pcap_reader *r, void *buf, size_t cap, uint32_t *len,
                   uint64_t *ts_ns)
{
    uint8_t h[PCAP_RECORD_HEADER];
    size_t got = fread(h, 1, sizeof(h), r->f);
    if (got == 0 && feof(r->f))
        return 0;
    if (got != sizeof(h))
        return -1;
    uint32_t incl = get32(h + 8, r->swapped);
    if (incl > VSIM_PCAP_SNAPLEN || incl > cap)
        return -1;
    if (incl && fread(buf, incl, 1, r->f) != 1)
        return -1;
    uint64_t sub = get32(h + 4, r->swapped);
    *len = incl;
    if (ts_ns)
        *ts_ns = (uint64_t)get32(h, r->swapped) * 1000000000u + (r->nsec ? sub : sub * 1000u);
    return 1;
}

void vsim_pcap_close_reader(struct vsim_pcap_reader *r)
{
    if (!r)
        return;
    if (r->f)
        fclose(r->f);
    free(r);
}
