"""Transports of the QEMU configurations: how QEMU attaches a device and where the guest finds it.

A configuration puts all its devices on one transport: virtio-mmio (legacy
or modern) or PCI (modern-only or transitional functions). The transport
gives each device's QEMU driver name and properties, says where the guest
will report it (`location`, the `at=` of its info line) and checks the
guest's probe lines. Each check returns a list of problems.
"""

import re

# virtio device types (Device Types) and their PCI device ids (PCI Device Discovery).
VIRTIO_TYPE = {"net": 1, "blk": 2, "gpu": 16}
PCI_TRANSITIONAL_ID = {"net": 0x1000, "blk": 0x1001}  # gpu has no legacy interface
PCI_VENDOR_VIRTIO = 0x1AF4
MMIO_SLOTS = 8
PCI_HOST_BRIDGE = "pci00:00.0: id=1b36:0008"


def step_line(who, text):
    """The line guest_step() prints for a step that passed."""
    return f"{who}: {text} ok"


def parse_info(lines, who):
    """The key=value pairs of a device's info line, or None."""
    found = [l for l in lines if l.startswith(f"{who}: info ")]
    if len(found) != 1:
        return None
    return dict(kv.split("=", 1) for kv in found[0].split()[2:] if "=" in kv)


def check_offer(who, offered, expected):
    """Problems with the offered feature bits: @expected maps a bit to whether it must be there."""
    return [f"{who}: feature bit {bit.bit_length() - 1} offered={bool(offered & bit)}, "
            f"expected {present}" for bit, present in expected.items()
            if bool(offered & bit) != present]


def pci_functions(lines):
    """The function count of the guest's enumeration line, or None."""
    m = next(filter(None, (re.fullmatch(r"pci: enumerate buses \d+\.\.\d+: (\d+) functions.* ok", l)
                           for l in lines)), None)
    return int(m.group(1)) if m else None


class Transport:
    """The common part: QEMU arguments for every device, and the log messages that are benign."""

    legacy = False  # the driver sees a legacy interface (32 feature bits, no FEATURES_OK)
    queue_size_visible = True  # the device's maximum queue size is its queue-size= property

    def __init__(self, name, global_args=(), tolerated_guest_errors=()):
        self.name = name
        self.global_args = list(global_args)
        # QEMU `-d guest_errors` messages that are no driver error on this transport
        self.tolerated_guest_errors = list(tolerated_guest_errors)

    def check(self, lines, devices):
        """Each device where QEMU put it (a missing info line is the device's own problem)."""
        errs = []
        for i, dev in enumerate(devices):
            info = parse_info(lines, dev.who)
            if info is not None and info.get("at") != self.location(i):
                errs.append(f"{dev.who}: found at {info.get('at')}, expected {self.location(i)}")
        return errs


class Mmio(Transport):
    """virtio-mmio on the riscv64 virt machine: 8 slots, filled from 7 down, legacy by default."""

    queue_size_visible = False  # QueueNumMax reads 1024 whatever queue-size= says

    def __init__(self, name, legacy, **kw):
        super().__init__(name, **kw)
        self.legacy = legacy

    def device_driver(self, kind):
        return f"virtio-{kind}-device"

    def device_props(self, kind, index):
        return []

    def location(self, index):
        return f"mmio{MMIO_SLOTS - 1 - index}"

    def check(self, lines, devices):
        errs = super().check(lines, devices)
        empty = sum(1 for l in lines if re.fullmatch(r"mmio[0-7]: empty", l))
        if empty != MMIO_SLOTS - len(devices):
            errs.append(f"{empty} virtio-mmio slots reported empty, "
                        f"expected {MMIO_SLOTS - len(devices)}")
        # the guest enumerates PCI in every configuration: here it holds the host bridge only
        if pci_functions(lines) != 1 or not any(l.startswith(PCI_HOST_BRIDGE) for l in lines):
            errs.append("the guest's PCI enumeration did not find the host bridge alone")
        return errs


class Pci(Transport):
    """PCIe on the virt machine; device i sits at 00:(i+1).0, modern-only or transitional.

    A transitional function (the default of virtio-blk-pci and virtio-net-pci
    on the root bus) has a legacy I/O BAR0 next to the modern capabilities in
    BAR4; the driver must use the latter.
    """

    def __init__(self, name, modern, **kw):
        super().__init__(name, **kw)
        self.modern = modern

    def device_driver(self, kind):
        return f"virtio-{kind}-pci"

    def device_props(self, kind, index):
        props = [f"addr={index + 1:#x}"]
        if self.modern:
            props.append("disable-legacy=on")
        if kind == "net":
            # no option ROM: nothing would run it, and Debian ships it only in ipxe-qemu
            props.append("romfile=")
        return props

    def location(self, index):
        return f"pci00:{index + 1:02x}.0"

    def pci_id(self, kind):
        if not self.modern and kind in PCI_TRANSITIONAL_ID:
            return PCI_TRANSITIONAL_ID[kind]
        return 0x1040 + VIRTIO_TYPE[kind]

    def check(self, lines, devices):
        errs = super().check(lines, devices)
        empty = sum(1 for l in lines if re.fullmatch(r"mmio[0-7]: empty", l))
        if empty != MMIO_SLOTS:
            errs.append(f"{empty} virtio-mmio slots reported empty, expected {MMIO_SLOTS}")
        if pci_functions(lines) != 1 + len(devices):
            errs.append(f"the guest enumerated {pci_functions(lines)} PCI functions, "
                        f"expected the host bridge and {len(devices)} devices")
        for i, dev in enumerate(devices):
            errs += self._check_function(lines, self.location(i), dev.kind)
        return errs

    def _check_function(self, lines, at, kind):
        want_id = f"{at}: id={PCI_VENDOR_VIRTIO:04x}:{self.pci_id(kind):04x} "
        errs = []
        if not any(l.startswith(want_id) for l in lines):
            errs.append(f"{at}: no line starting '{want_id}'")
        io_bar0 = any(re.match(fr"{re.escape(at)}: bar0 io ", l) for l in lines)
        legacy_bar = not self.modern and kind in PCI_TRANSITIONAL_ID
        if io_bar0 != legacy_bar:
            errs.append(f"{at}: legacy I/O BAR0 listed={io_bar0}, expected {legacy_bar}")
        probe = [l for l in lines if l.startswith(f"{at}: virtio-pci device={VIRTIO_TYPE[kind]} ")]
        if len(probe) != 1:
            return errs + [f"{at}: no single virtio-pci probe line for a {kind} device"]
        fields = dict(kv.split("=", 1) for kv in probe[0].split() if "=" in kv)
        # QEMU puts every virtio structure in the 64-bit BAR4, transitional or not
        for cap in ("common", "notify", "isr", "device_cfg"):
            if fields.get(cap) != "bar4":
                errs.append(f"{at}: {cap} structure in {fields.get(cap)}, expected bar4")
        return errs


MMIO_LEGACY = Mmio("mmio-legacy", legacy=True)
MMIO_MODERN = Mmio("mmio-modern", legacy=False,
                   global_args=["-global", "virtio-mmio.force-legacy=false"])
PCI_MODERN = Pci("pci-modern", modern=True)
PCI_TRANSITIONAL = Pci("pci-transitional", modern=False)
