"""The QEMU configurations: each boots once with all its devices and is one CTest test.

Add a configuration by adding an entry to CONFIGS (README.md explains how);
CMake reads the names from `qemu_run.py --list` at configure time, and those
of `--list-disabled` become CTest tests that are listed but not run.
"""

from qemu_devices import Blk, Gpu
from qemu_net import Net
from qemu_transports import MMIO_LEGACY, MMIO_MODERN, PCI_MODERN, PCI_TRANSITIONAL


class Config:
    """A transport and its devices; @disabled (a reason) keeps CTest from running it."""

    def __init__(self, transport, devices, extra_args=(), timeout=30, disabled=None):
        self.transport = transport
        self.devices = devices
        self.extra_args = list(extra_args)
        self.timeout = timeout
        self.disabled = disabled


# QEMU 7.2 leaves num_buffers unwritten in a 12-byte receive header when MRG_RXBUF is not
# negotiated (Processing of Incoming Packets says it MUST set 1), and driver/src/net.c refuses
# any value but 1 there. ax_virtio_net_init never negotiates MRG_RXBUF, so every modern
# virtio-net device fails its first receive; legacy devices have the 10-byte header.
def blk_bench():
    """One default device for the benchmark; io_uring is QEMU's fastest path for it."""
    return [Blk("blk-bench", size=4 << 20, drive_props={"aio": "io_uring"})]


def blk_variations():
    """One device per option the driver must cope with; sizes differ so capacities do too."""
    return [
        Blk("blk-default-serial20", size=(1 << 20) + 8192),  # a serial with no NUL
        Blk("blk-ro", readonly=True),
        Blk("blk-4k", size=(2 << 20) + 3 * 4096, block_size=4096),
        Blk("blk-no-event-idx", props={"event_idx": "off"}),
        Blk("blk-no-indirect", props={"indirect_desc": "off"}),
        Blk("blk-queue-16", props={"queue-size": "16"}),
        Blk("blk-packed-offered", props={"packed": "on"}),
        Blk("blk-mq-offered", props={"num-queues": "4"}),
    ]


def blk_pci_variations():
    """The options whose effect a PCI device shows differently: queue-size is its queue maximum."""
    return [
        Blk("blk-4k", size=(2 << 20) + 3 * 4096, block_size=4096),
        Blk("blk-no-event-idx", props={"event_idx": "off"}),
        Blk("blk-no-indirect", props={"indirect_desc": "off"}),
        Blk("blk-queue-16", props={"queue-size": "16"}),
    ]


CONFIGS = {
    "mmio-legacy": lambda: Config(MMIO_LEGACY, blk_bench() + [
        Gpu(xres=640, yres=480), Net(), Net({"mrg_rxbuf": "off"}),
        Net({"event_idx": "off", "indirect_desc": "off"})]),
    "mmio-modern": lambda: Config(MMIO_MODERN, blk_bench() + [
        Gpu(), Net(), Net({"mrg_rxbuf": "off"})]),
    "mmio-legacy-blk": lambda: Config(MMIO_LEGACY, blk_variations()),
    "mmio-modern-blk": lambda: Config(MMIO_MODERN, blk_variations()),
    "pci-modern": lambda: Config(PCI_MODERN, blk_bench() + [Gpu(xres=800, yres=600)]
                                 + blk_pci_variations() + [Net(), Net({"mrg_rxbuf": "off"})]),
    "pci-transitional": lambda: Config(PCI_TRANSITIONAL, [
        Blk("blk-transitional"), Blk("blk-ro", readonly=True)] + blk_pci_variations()
        + [Net()]),
}
