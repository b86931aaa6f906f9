# kernel/drivers/rules.mk — PCI, the virtio transport and virtio-blk (issue 5), and the boot-disk /
# root-mount code in kernel/storage.c. The other drivers in this folder are listed in kernel/rules.mk.
KERNEL_SRCS += kernel/drivers/pci.c kernel/drivers/virtio.c kernel/drivers/virtio_blk.c kernel/storage.c

# host test of the split virtqueue (kernel/drivers/virtio.c over a fake device)
UNIT_TESTS += test_virtq
test_virtq_SRCS := tests/unit/drivers/test_virtq.c kernel/drivers/virtio.c

# `make storage-bench` (also run by `make bench`): storage MB/s and file-create rate under QEMU (TCG)
.PHONY: storage-bench
storage-bench: $(ISO)
	@tests/qemu/storage/bench.sh $(ISO) $(BUILD)/storage-bench
