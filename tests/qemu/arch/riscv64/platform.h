/* QEMU riscv64 `virt` machine: the physical address map the guest uses (from its device tree). */
#ifndef VIO_QEMU_PLATFORM_H
#define VIO_QEMU_PLATFORM_H

#define PLAT_NAME "riscv64 virt"

/* RAM: 128 MiB by default; the image is loaded at its start and entered there. */
#define PLAT_RAM_BASE 0x80000000ul
#define PLAT_RAM_SIZE 0x08000000ul

/* ns16550 UART: data register at 0, line status at 5 (bit 0: received, bit 5: can send). */
#define PLAT_UART_BASE 0x10000000ul

/* SiFive test device ("sifive,test0"): a 32-bit write ends the emulation. */
#define PLAT_TEST_BASE 0x100000ul

/* virtio-mmio: 8 slots, filled by QEMU from the highest one downward. */
#define PLAT_VIRTIO_MMIO_BASE 0x10001000ul
#define PLAT_VIRTIO_MMIO_STRIDE 0x1000ul
#define PLAT_VIRTIO_MMIO_SIZE 0x1000ul
#define PLAT_VIRTIO_MMIO_COUNT 8u

/* PCIe host bridge (pci-host-ecam-generic); with -bios none the guest assigns the BARs. */
#define PLAT_PCI_ECAM_BASE 0x30000000ul
#define PLAT_PCI_ECAM_SIZE 0x10000000ul /* buses 0-255 */
#define PLAT_PCI_IO_BASE 0x03000000ul
#define PLAT_PCI_IO_SIZE 0x00010000ul
#define PLAT_PCI_MEM32_BASE 0x40000000ul
#define PLAT_PCI_MEM32_SIZE 0x40000000ul
#define PLAT_PCI_MEM64_BASE 0x400000000ul
#define PLAT_PCI_MEM64_SIZE 0x400000000ul

#endif
