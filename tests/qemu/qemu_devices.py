"""Transports and device kinds of the QEMU configurations (see README.md).

A transport says how QEMU attaches a device (virtio-mmio legacy or modern)
and checks the guest's probe lines. A device kind prepares its backing files,
gives its QEMU arguments, and checks the guest's lines and, after QEMU has
exited, the files themselves. Each check returns a list of problems.
"""

import re
from pathlib import Path

SECTOR = 512

# Feature bits (VIRTIO 1.x: Reserved Feature Bits; Block Device: Feature bits).
F_BLK_RO = 1 << 5
F_BLK_BLK_SIZE = 1 << 6
F_BLK_FLUSH = 1 << 9
F_BLK_MQ = 1 << 12
F_INDIRECT_DESC = 1 << 28
F_EVENT_IDX = 1 << 29
F_VERSION_1 = 1 << 32
F_RING_PACKED = 1 << 34

# Sectors the guest writes with pattern 1 (guest_blk.c): [64, 80), [cap-16, cap-8).
def blk_written_ranges(capacity):
    return [(64, 16), (capacity - 16, 8)]


def pattern_sector(sector, seed):
    """Sector bytes of the pattern in guest.h: an 8-byte tag, then (s*7 + g*101 + i) mod 256."""
    base = (sector * 7 + seed * 101) & 0xFF
    return (sector | seed << 56).to_bytes(8, "little") + _ROW[base + 8 : base + SECTOR]


_ROW = bytes(range(256)) * 3


def pattern_image(sectors, seed=0):
    return b"".join(pattern_sector(s, seed) for s in range(sectors))


def step_line(who, text):
    """The line guest_step() prints for a step that passed."""
    return f"{who}: {text} ok"


class Transport:
    """virtio-mmio on the riscv64 virt machine: 8 slots, legacy unless forced modern."""

    slots = 8

    def __init__(self, name, legacy, global_args=(), tolerated_guest_errors=()):
        self.name = name
        self.legacy = legacy
        self.global_args = list(global_args)
        # QEMU `-d guest_errors` messages that are no driver error on this transport
        self.tolerated_guest_errors = list(tolerated_guest_errors)

    def device_driver(self, kind):
        return f"virtio-{kind}-device"

    def device_props(self):
        return []

    def check(self, lines, devices):
        empty = sum(1 for l in lines if re.fullmatch(r"mmio[0-7]: empty", l))
        want = self.slots - len(devices)
        if empty != want:
            return [f"{empty} virtio-mmio slots reported empty, expected {want}"]
        return []


MMIO_LEGACY = Transport("mmio-legacy", legacy=True)
MMIO_MODERN = Transport(
    "mmio-modern", legacy=False, global_args=["-global", "virtio-mmio.force-legacy=false"]
)


def parse_info(lines, who):
    """The key=value pairs of a device's info line, or None."""
    found = [l for l in lines if l.startswith(f"{who}: info ")]
    if len(found) != 1:
        return None
    return dict(kv.split("=", 1) for kv in found[0].split()[2:])


class Blk:
    """A virtio-blk device over a raw image filled with pattern 0.

    serial names the device in the guest's lines (at most 20 bytes); a serial
    containing "bench" makes the guest benchmark it. props go on -device
    (event_idx=off, queue-size=16, ...), drive_props on -drive (aio=...).
    """

    kind = "blk"

    def __init__(self, serial, size=1 << 20, readonly=False, block_size=SECTOR,
                 props=None, drive_props=None):
        assert len(serial) <= 20 and size % 4096 == 0
        self.serial = serial
        self.size = size
        self.readonly = readonly
        self.block_size = block_size
        self.props = dict(props or {})
        self.drive_props = dict(drive_props or {})
        if block_size != SECTOR:
            self.props.setdefault("logical_block_size", str(block_size))
            self.props.setdefault("physical_block_size", str(block_size))
        self.image = None
        self.bench = []

    @property
    def sectors(self):
        return self.size // SECTOR

    def prepare(self, workdir, index):
        self.image = Path(workdir) / f"{self.serial}.img"
        self.image.write_bytes(pattern_image(self.sectors))
        self.drive_id = f"drive{index}"

    def qemu_args(self, transport):
        drive = {"file": str(self.image), "if": "none", "format": "raw", "id": self.drive_id}
        if self.readonly:
            drive["readonly"] = "on"
        drive.update(self.drive_props)
        dev = [transport.device_driver(self.kind), f"drive={self.drive_id}",
               f"serial={self.serial}", *transport.device_props()]
        dev += [f"{k}={v}" for k, v in self.props.items()]
        return ["-drive", ",".join(f"{k}={v}" for k, v in drive.items()),
                "-device", ",".join(dev)]

    def expected_offer(self, transport):
        """Bits whose presence in the device's offer follows from the options."""
        return {
            F_BLK_RO: self.readonly,
            F_BLK_BLK_SIZE: True,
            F_BLK_FLUSH: True,
            F_INDIRECT_DESC: self.props.get("indirect_desc") != "off",
            F_EVENT_IDX: self.props.get("event_idx") != "off",
            F_VERSION_1: not transport.legacy,
            # offered, never negotiated: the driver implements neither
            F_BLK_MQ: int(self.props.get("num-queues", "1")) > 1,
            F_RING_PACKED: self.props.get("packed") == "on" and not transport.legacy,
        }

    def check_output(self, lines, transport):
        who = self.serial
        info = parse_info(lines, who)
        if info is None:
            return [f"{who}: no single info line (device not found or not initialized)"]
        errs = []
        offered = int(info["offered"], 16)
        negotiated = int(info["negotiated"], 16)
        supported = int(info["supported"], 16)
        for bit, present in self.expected_offer(transport).items():
            if bool(offered & bit) != present:
                errs.append(f"{who}: feature bit {bit.bit_length() - 1} offered={bool(offered & bit)}, "
                            f"expected {present}")
        if negotiated != offered & supported:
            errs.append(f"{who}: negotiated {negotiated:#x}, expected offered & supported = "
                        f"{offered & supported:#x}")
        want = {
            "legacy": int(transport.legacy),
            "blk_size": self.block_size,
            "capacity": self.sectors,
            "ro": int(self.readonly),
            "flush": int(bool(negotiated & F_BLK_FLUSH)),
            "event_idx": int(bool(negotiated & F_EVENT_IDX)),
            "indirect": int(bool(negotiated & F_INDIRECT_DESC)),
        }
        for key, value in want.items():
            if int(info[key]) != value:
                errs.append(f"{who}: {key}={info[key]}, expected {value}")
        errs += self._check_steps(lines)
        self.bench = parse_bench(lines, who)
        if "bench" in who and sorted(b["qd"] for b in self.bench) != [1, 32]:
            errs.append(f"{who}: expected benchmark lines for qd=1 and qd=32")
        return errs

    def _check_steps(self, lines):
        """The guest must have done the steps that matter, not only avoided failing."""
        who, cap = self.serial, self.sectors
        spb = self.block_size // SECTOR
        required = [
            f"read sectors {cap - spb}..{cap - 1} pattern 0",
            "read past the end refused (InvalidParam)",
        ]
        if self.readonly:
            required += ["write to a read-only device refused (Unsupported)",
                         "read sectors 64..79 pattern 0"]
        else:
            required += [f"write sectors {a}..{a + n - 1} pattern 1: Ok"
                         for a, n in blk_written_ranges(cap)]
            required += ["flush: Ok", "read sectors 64..79 pattern 1"]
        if spb > 1:
            required.append("read shorter than a block refused (InvalidParam)")
        w2 = blk_written_ranges(cap)[1]
        required += ["deinit: 0 DMA pages and 0 shares left", "reinit: Ok",
                     f"read sectors {w2[0]}..{w2[0] + w2[1] - 1} pattern {0 if self.readonly else 1}"]
        present = set(lines)
        errs = [f"{who}: missing step '{t}'" for t in required if step_line(who, t) not in present]
        if not any(l.startswith(f"{who}: async: ") and l.endswith(" all verified ok") for l in lines):
            errs.append(f"{who}: missing the async read step")
        return errs

    def check_after(self):
        """The image bytes once QEMU has exited: written ranges new, all else untouched."""
        data = self.image.read_bytes()
        if len(data) != self.size:
            return [f"{self.serial}: image is {len(data)} bytes, expected {self.size}"]
        expect = bytearray(pattern_image(self.sectors))
        if not self.readonly:
            for first, n in blk_written_ranges(self.sectors):
                for s in range(first, first + n):
                    expect[s * SECTOR : (s + 1) * SECTOR] = pattern_sector(s, 1)
        if data == expect:
            return []
        bad = next(s for s in range(self.sectors)
                   if data[s * SECTOR : (s + 1) * SECTOR] != expect[s * SECTOR : (s + 1) * SECTOR])
        return [f"{self.serial}: image sector {bad} differs from what the guest should have left"]


_BENCH = re.compile(r"(\S+): bench read 4KiB qd=(\d+) requests=(\d+) ns=(\d+) "
                    r"req_per_s=(\d+) ns_per_req=(\d+) ok")


def parse_bench(lines, who):
    out = []
    for l in lines:
        m = _BENCH.fullmatch(l)
        if m and m.group(1) == who:
            qd, reqs, ns, rps, nspr = (int(x) for x in m.groups()[1:])
            out.append({"qd": qd, "requests": reqs, "ns": ns, "req_per_s": rps, "ns_per_req": nspr})
    return out
