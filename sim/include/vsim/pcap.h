/*
 * Classic pcap files of Ethernet frames (LINKTYPE_ETHERNET): a writer that
 * tshark and Wireshark open, and a reader that takes either byte order and
 * microsecond or nanosecond timestamps. Every length in a file is checked
 * before use: a damaged file ends the read with an error, never an overrun.
 */
#ifndef VSIM_PCAP_H
#define VSIM_PCAP_H

#include <stddef.h>
#include <stdint.h>

#define VSIM_PCAP_LINKTYPE_ETHERNET 1u
/* The snapshot length written, and the largest record the reader accepts. */
#define VSIM_PCAP_SNAPLEN 65535u

struct vsim_pcap_writer;
struct vsim_pcap_reader;

/* Creates (truncates) @path and writes the file header; NULL with errno set on failure. */
struct vsim_pcap_writer *vsim_pcap_create(const char *path);
/* Appends one frame stamped @ts_ns (ns since the epoch); longer frames keep SNAPLEN bytes. */
int vsim_pcap_put(struct vsim_pcap_writer *w, const void *frame, size_t len, uint64_t ts_ns);
/* Flushes and closes; returns 0 or -1 when a write failed at any point. */
int vsim_pcap_close(struct vsim_pcap_writer *w);
uint64_t vsim_pcap_written(const struct vsim_pcap_writer *w);

/* Opens @path and checks its header (magic, version, Ethernet link type); NULL on failure. */
struct vsim_pcap_reader *vsim_pcap_open(const char *path);
/*
 * Reads the next record into @buf (@cap bytes): 1 with *len (the captured
 * bytes) and *ts_ns set, 0 at the end of the file, -1 on a damaged or
 * truncated record or one larger than @cap or SNAPLEN.
 */
int vsim_pcap_next(struct vsim_pcap_reader *r, void *buf, size_t cap, uint32_t *len,
                   uint64_t *ts_ns);
void vsim_pcap_close_reader(struct vsim_pcap_reader *r);

#endif
