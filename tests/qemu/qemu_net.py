"""The network device of the QEMU configurations, checked on the wire.

QEMU's user-mode network (slirp) is the guest's peer: its gateway 10.0.2.2
answers ARP and ICMP echo. A filter-dump object records every frame of the
netdev in a pcap file, which check_after parses (pcap is a 24-byte file
header, then a 16-byte header per frame) to check the frames the guest sent,
field by field, and that slirp's answers came back.
"""

import re
import struct
from pathlib import Path

from qemu_transports import check_offer, parse_info, step_line

F_NET_MAC = 1 << 5
F_NET_MRG_RXBUF = 1 << 15
F_NET_STATUS = 1 << 16
F_INDIRECT_DESC = 1 << 28
F_EVENT_IDX = 1 << 29
F_VERSION_1 = 1 << 32

GUEST_IP = bytes([10, 0, 2, 15])
GATEWAY_IP = bytes([10, 0, 2, 2])
BROADCAST = b"\xff" * 6
ETH_ARP, ETH_IPV4 = 0x0806, 0x0800
IP_ICMP = 1
ICMP_ECHO_REPLY, ICMP_ECHO = 0, 8
# What guest_net.c sends: echo requests of these payload sizes, seq 1, 2, ...; 1472 bytes
# make a 1514-byte frame, the largest without offloads.
ECHO_ID = 0x7669
ECHO_PAYLOADS = (56, 1472)


def echo_payload(seq, size):
    """guest_net.c's echo payload: byte i is (7i + seq) mod 256."""
    return bytes((7 * i + seq) & 0xFF for i in range(size))


def internet_checksum(data):
    """The ones' complement sum of 16-bit words (RFC 1071); 0 over a packet that carries it."""
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while total > 0xFFFF:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def read_pcap(path):
    """The frames of a pcap file (Ethernet link type), as a list of bytes."""
    data = Path(path).read_bytes()
    if len(data) < 24:
        raise ValueError("shorter than a pcap file header")
    magic = data[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        endian = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        endian = ">"
    else:
        raise ValueError(f"bad pcap magic {magic.hex()}")
    linktype = struct.unpack(endian + "I", data[20:24])[0]
    if linktype != 1:
        raise ValueError(f"link type {linktype}, expected 1 (Ethernet)")
    frames, pos = [], 24
    while pos + 16 <= len(data):
        incl_len, orig_len = struct.unpack(endian + "II", data[pos + 8 : pos + 16])
        frame = data[pos + 16 : pos + 16 + incl_len]
        if len(frame) != incl_len or incl_len != orig_len:
            raise ValueError(f"frame at byte {pos} is truncated")
        frames.append(frame)
        pos += 16 + incl_len
    if pos != len(data):
        raise ValueError(f"{len(data) - pos} trailing bytes")
    return frames


def parse_arp(frame):
    """(op, sender mac, sender ip, target mac, target ip) of an Ethernet/IPv4 ARP frame, or None."""
    if len(frame) < 42 or struct.unpack("!H", frame[12:14])[0] != ETH_ARP:
        return None
    htype, ptype, hlen, plen, op = struct.unpack("!HHBBH", frame[14:22])
    if (htype, ptype, hlen, plen) != (1, ETH_IPV4, 6, 4):
        return None
    return op, frame[22:28], frame[28:32], frame[32:38], frame[38:42]


def parse_icmp(frame):
    """(src ip, dst ip, type, id, seq, payload, problems) of an IPv4 ICMP echo frame, or None."""
    if len(frame) < 42 or struct.unpack("!H", frame[12:14])[0] != ETH_IPV4:
        return None
    ip = frame[14:]
    ihl = (ip[0] & 0xF) * 4
    total = struct.unpack("!H", ip[2:4])[0]
    if ip[0] >> 4 != 4 or ihl < 20 or ip[9] != IP_ICMP or total > len(ip) or total < ihl + 8:
        return None
    problems = []
    if internet_checksum(ip[:ihl]) != 0:
        problems.append("IPv4 header checksum")
    icmp = ip[ihl:total]
    if internet_checksum(icmp) != 0:
        problems.append("ICMP checksum")
    typ, _code, _sum, ident, seq = struct.unpack("!BBHHH", icmp[:8])
    return ip[12:16], ip[16:20], typ, ident, seq, icmp[8:], problems


def mac_str(mac):
    return ":".join(f"{b:02x}" for b in mac)


class Net:
    """A virtio-net device on slirp, with a pcap of its traffic.

    props go on -device (mrg_rxbuf=off, ...). The MAC is set per index so the
    host knows what the guest must read from the device configuration.
    """

    kind = "net"

    def __init__(self, props=None):
        self.props = dict(props or {})
        self.pcap = None
        self.gateway_seen = None  # the gateway MAC of the guest's ARP step

    @property
    def who(self):
        return f"net@{self.transport.location(self.index)}"

    @property
    def mac(self):
        return bytes([0x52, 0x54, 0x00, 0x12, 0x34, 0x56 + self.index])

    def prepare(self, workdir, index, transport):
        self.index, self.transport = index, transport
        self.pcap = Path(workdir) / f"net{index}.pcap"

    def qemu_args(self, transport):
        netdev = f"net{self.index}"
        dev = [transport.device_driver(self.kind), f"netdev={netdev}", f"mac={mac_str(self.mac)}",
               *transport.device_props(self.kind, self.index)]
        dev += [f"{k}={v}" for k, v in self.props.items()]
        return ["-netdev", f"user,id={netdev}", "-device", ",".join(dev),
                "-object", f"filter-dump,id=dump{self.index},netdev={netdev},file={self.pcap}"]

    def check_output(self, lines, transport):
        who = self.who
        info = parse_info(lines, who)
        if info is None:
            return [f"{who}: no single info line (device not found or not initialized)"]
        errs = []
        offered, negotiated = int(info["offered"], 16), int(info["negotiated"], 16)
        # ax_virtio_net_init never asks for MRG_RXBUF: its buffers each hold a whole frame
        want_negotiated = offered & int(info["supported"], 16) & ~F_NET_MRG_RXBUF
        if negotiated != want_negotiated:
            errs.append(f"{who}: negotiated {negotiated:#x}, expected {want_negotiated:#x}")
        mrg = self.props.get("mrg_rxbuf") != "off"
        expect_offer = {F_NET_MAC: True, F_NET_STATUS: True, F_NET_MRG_RXBUF: mrg,
                        F_VERSION_1: not transport.legacy,
                        F_EVENT_IDX: self.props.get("event_idx") != "off",
                        F_INDIRECT_DESC: self.props.get("indirect_desc") != "off"}
        errs += check_offer(who, offered, expect_offer)
        # struct virtio_net_hdr: 12 bytes, 10 on a legacy device without MRG_RXBUF (always here)
        want = {"name": "virtio-net", "mac": mac_str(self.mac),
                "legacy": str(int(transport.legacy)), "mrg_rxbuf": "0",
                "hdr_len": "10" if transport.legacy else "12", "link_up": "1"}
        errs += [f"{who}: {k}={info.get(k)}, expected {v}" for k, v in want.items()
                 if info.get(k) != v]
        arp = [re.fullmatch(fr"{re.escape(who)}: arp: 10\.0\.2\.2 is at ([0-9a-f:]{{17}}) ok", l)
               for l in lines]
        self.gateway_seen = next((m.group(1) for m in arp if m), None)
        if self.gateway_seen is None:
            errs.append(f"{who}: missing the ARP step")
        required = [f"echo seq={seq} size={size}: reply matches: Ok"
                     for seq, size in enumerate(ECHO_PAYLOADS, 1)]
        required += ["deinit: every buffer back: Ok", "deinit: 0 DMA pages and 0 shares left"]
        present = set(lines)
        errs += [f"{who}: missing step '{t}'" for t in required if step_line(who, t) not in present]
        return errs

    def check_after(self):
        """The frames on the wire: the guest's ARP request and echoes, and slirp's answers."""
        who = self.who
        if self.pcap is None or not self.pcap.exists():
            return [f"{who}: no pcap was written"]
        try:
            frames = read_pcap(self.pcap)
        except ValueError as e:
            return [f"{who}: {self.pcap}: {e}"]
        errs = self._check_arp(frames)
        gateway = next((a[1] for a in map(parse_arp, frames) if a and a[0] == 2), None)
        if gateway is not None:
            if self.gateway_seen not in (None, mac_str(gateway)):
                errs.append(f"{who}: the guest learned {self.gateway_seen} for 10.0.2.2, the "
                            f"pcap's ARP reply says {mac_str(gateway)}")
            errs += self._check_echo(frames, gateway)
        return errs

    def _check_arp(self, frames):
        who, mac = self.who, self.mac
        requests = [f for f in frames if f[6:12] == mac and parse_arp(f)]
        if not requests:
            return [f"{who}: the pcap holds no ARP frame from {mac_str(mac)}"]
        errs = []
        frame = requests[0]
        if frame[:6] != BROADCAST:
            errs.append(f"{who}: ARP request sent to {mac_str(frame[:6])}, not broadcast")
        fields = parse_arp(frame)
        if fields != (1, mac, GUEST_IP, b"\0" * 6, GATEWAY_IP):
            errs.append(f"{who}: ARP request op={fields[0]} sender={mac_str(fields[1])} "
                        f"{fields[2].hex()} target={mac_str(fields[3])} {fields[4].hex()}")
        replies = [a for a in map(parse_arp, (f for f in frames if f[:6] == mac)) if a]
        if not any(a[0] == 2 and a[2] == GATEWAY_IP and a[3] == mac and a[4] == GUEST_IP
                   for a in replies):
            errs.append(f"{who}: the pcap holds no ARP reply from 10.0.2.2 to the guest")
        return errs

    def _check_echo(self, frames, gateway):
        who, mac = self.who, self.mac
        errs = []
        for seq, size in enumerate(ECHO_PAYLOADS, 1):
            for direction, src, dst, typ in (("request", mac, gateway, ICMP_ECHO),
                                             ("reply", gateway, mac, ICMP_ECHO_REPLY)):
                found = [parse_icmp(f) for f in frames if f[6:12] == src and f[:6] == dst]
                found = [p for p in found if p and p[2] == typ and p[3:5] == (ECHO_ID, seq)]
                if len(found) != 1:
                    errs.append(f"{who}: {len(found)} echo {direction} frames seq={seq} in the "
                                f"pcap, expected 1")
                    continue
                ip_src, ip_dst, _typ, _id, _seq, payload, problems = found[0]
                want_ips = (GUEST_IP, GATEWAY_IP) if typ == ICMP_ECHO else (GATEWAY_IP, GUEST_IP)
                if (ip_src, ip_dst) != want_ips:
                    problems.append(f"addresses {ip_src.hex()} -> {ip_dst.hex()}")
                if payload != echo_payload(seq, size):
                    problems.append(f"payload of {len(payload)} bytes differs")
                errs += [f"{who}: echo {direction} seq={seq}: {p}" for p in problems]
        return errs
