"""Device kinds of the QEMU configurations (see README.md): block and display.

A device kind prepares its backing files, gives its QEMU arguments, may act
on a UART line while the guest runs (`on_line`, e.g. a QMP screendump), and
checks the guest's lines and, after QEMU has exited, the files themselves.
Each check returns a list of problems.
"""

import re
from pathlib import Path

from qemu_transports import check_offer, parse_info, step_line

SECTOR = 512

# Feature bits (VIRTIO 1.x: Reserved Feature Bits; Block Device and GPU Device: Feature bits).
F_GPU_EDID = 1 << 1
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

    @property
    def who(self):
        return self.serial

    def prepare(self, workdir, index, transport):
        self.index = index
        self.image = Path(workdir) / f"{self.serial}.img"
        self.image.write_bytes(pattern_image(self.sectors))
        self.drive_id = f"drive{index}"

    def qemu_args(self, transport):
        drive = {"file": str(self.image), "if": "none", "format": "raw", "id": self.drive_id}
        if self.readonly:
            drive["readonly"] = "on"
        drive.update(self.drive_props)
        dev = [transport.device_driver(self.kind), f"drive={self.drive_id}",
               f"serial={self.serial}", *transport.device_props(self.kind, self.index)]
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
        errs += check_offer(who, offered, self.expected_offer(transport))
        if negotiated != offered & supported:
            errs.append(f"{who}: negotiated {negotiated:#x}, expected offered & supported = "
                        f"{offered & supported:#x}")
        want = {
            "legacy": int(transport.legacy),
            "blk_size": self.block_size,
            "blocks": self.size // self.block_size,
            "capacity": self.sectors,
            "ro": int(self.readonly),
            "flush": int(bool(negotiated & F_BLK_FLUSH)),
            "event_idx": int(bool(negotiated & F_EVENT_IDX)),
            "indirect": int(bool(negotiated & F_INDIRECT_DESC)),
        }
        if transport.queue_size_visible:
            # the driver takes the device's maximum, up to its own VIO_QUEUE_MAX_SIZE of 256
            want["queue"] = min(int(self.props.get("queue-size", "256")), 256)
        for key, value in want.items():
            if int(info[key]) != value:
                errs.append(f"{who}: {key}={info[key]}, expected {value}")
        if info.get("name") != "virtio-blk":
            errs.append(f"{who}: the generic interface calls it {info.get('name')}")
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


def gpu_pattern(width, height):
    """The RGB bytes of a screendump of guest_gpu.c's pattern.

    At pixel (x, y): red x mod 256, green y mod 256, blue (x / 256) * 16 + y / 256 (mod 256).
    """
    red = bytes(x & 0xFF for x in range(width))
    blue = [bytes((((x >> 8) << 4) + block) & 0xFF for x in range(width))
            for block in range((height + 255) >> 8)]
    out = bytearray(3 * width * height)
    row = bytearray(3 * width)
    row[0::3] = red
    for y in range(height):
        row[1::3] = bytes([y & 0xFF]) * width
        row[2::3] = blue[y >> 8]
        out[3 * width * y : 3 * width * (y + 1)] = row
    return bytes(out)


def read_ppm(path):
    """(width, height, RGB bytes) of a binary PPM (P6, maxval 255) as QEMU's screendump writes."""
    data = Path(path).read_bytes()
    fields, pos = [], 0
    while len(fields) < 4:
        while data[pos : pos + 1].isspace():
            pos += 1
        end = pos
        while not data[end : end + 1].isspace():
            end += 1
        fields.append(data[pos:end])
        pos = end
    if fields[0] != b"P6" or fields[3] != b"255":
        raise ValueError(f"not a P6 PPM with maxval 255: {fields}")
    width, height = int(fields[1]), int(fields[2])
    pixels = data[pos + 1 :]  # exactly one whitespace byte after the maxval
    if len(pixels) != 3 * width * height:
        raise ValueError(f"{len(pixels)} pixel bytes for {width}x{height}")
    return width, height, pixels


class Gpu:
    """A virtio-gpu device: the guest draws a pattern, the host takes a screendump over QMP.

    xres/yres set the display mode QEMU reports (default 1280x800); the guest's
    framebuffer follows it. Needs the runner's QMP socket and UART input.
    """

    kind = "gpu"
    uses_qmp = True

    def __init__(self, xres=None, yres=None):
        self.xres, self.yres = xres, yres
        self.errors = []
        self.shot = None

    @property
    def width(self):
        return self.xres or 1280

    @property
    def height(self):
        return self.yres or 800

    @property
    def who(self):
        return f"gpu@{self.transport.location(self.index)}"

    def prepare(self, workdir, index, transport):
        self.index, self.transport = index, transport
        self.shot = Path(workdir) / f"gpu{index}.ppm"

    def qemu_args(self, transport):
        dev = [transport.device_driver(self.kind), *transport.device_props(self.kind, self.index)]
        dev += [f"{k}={v}" for k, v in (("xres", self.xres), ("yres", self.yres)) if v]
        return ["-device", ",".join(dev)]

    def on_line(self, line, session):
        """The guest waits after its flush: take the screendump, then let it go on."""
        if line != f"{self.who}: waiting for the host: screendump":
            return
        try:
            session.qmp("screendump", {"filename": str(self.shot)})
        except (OSError, ValueError) as e:
            self.errors.append(f"{self.who}: screendump over QMP failed: {e}")
            session.send_input(b"F")
            return
        session.send_input(b"D")

    def check_output(self, lines, transport):
        who = self.who
        info = parse_info(lines, who)
        if info is None:
            return [f"{who}: no single info line (device not found or not initialized)"]
        errs = list(self.errors)
        offered, negotiated = int(info["offered"], 16), int(info["negotiated"], 16)
        if negotiated != offered & int(info["supported"], 16):
            errs.append(f"{who}: negotiated {negotiated:#x}, expected offered & supported")
        expect_offer = {F_GPU_EDID: True, F_VERSION_1: not transport.legacy,
                        F_EVENT_IDX: True, F_INDIRECT_DESC: True}
        errs += check_offer(who, offered, expect_offer)
        want = {"name": "virtio-gpu", "legacy": str(int(transport.legacy)), "scanouts": "1",
                "width": str(self.width), "height": str(self.height),
                "fb_size": str(4 * self.width * self.height), "need_flush": "1"}
        errs += [f"{who}: {k}={info.get(k)}, expected {v}" for k, v in want.items()
                 if info.get(k) != v]
        required = ["pattern drawn and flushed: Ok", "host: screendump: answer 'D'",
                    "deinit: 0 DMA pages and 0 shares left"]
        present = set(lines)
        errs += [f"{who}: missing step '{t}'" for t in required if step_line(who, t) not in present]
        return errs

    def check_after(self):
        """Every pixel of the screendump is the guest's pattern."""
        if self.shot is None or not self.shot.exists():
            return [f"{self.who}: no screendump was taken"]
        try:
            width, height, pixels = read_ppm(self.shot)
        except (ValueError, IndexError) as e:
            return [f"{self.who}: screendump {self.shot}: {e}"]
        if (width, height) != (self.width, self.height):
            return [f"{self.who}: screendump is {width}x{height}, expected "
                    f"{self.width}x{self.height}"]
        want = gpu_pattern(width, height)
        if pixels == want:
            return []
        bad = next(i for i in range(0, len(want), 3) if pixels[i : i + 3] != want[i : i + 3])
        x, y = bad // 3 % width, bad // 3 // width
        return [f"{self.who}: screendump pixel ({x}, {y}) is {pixels[bad:bad + 3].hex()}, "
                f"expected {want[bad:bad + 3].hex()}"]
