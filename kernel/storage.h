/* kernel/storage.h — finding the boot disk and mounting the root filesystem.
 *
 * storage_init runs once at boot, after the heap, ACPI and interrupts are up: it enumerates PCI
 * (kernel/drivers/pci.h), brings up the virtio-blk disks (kernel/drivers/virtio_blk.h), reads each
 * disk's GPT (kernel/fs/gpt.h) and picks the boot partition: the one whose unique GUID and start LBA
 * match what the loader reported (bootinfo.esp_guid / esp_start_lba), or under Multiboot2 (zero GUID)
 * the first EFI System Partition. That FAT32 volume (kernel/fs/fat32.h) is mounted at "/" through the
 * VFS (kernel/fs/vfs.h), a ramfs at "/tmp" and the devices at "/dev" (kernel/fs/devfs.h); from then on
 * a scheduler poll hook writes the block cache out every 5 s (plus fd_sync and orderly power-off).
 * Whatever goes wrong — no disk (a read-only medium such
 * as the ISO), no valid GPT, no FAT32 volume, a damaged FAT — is one clear "storage:" line, and the
 * root becomes a RAM filesystem (or the damaged volume read-only); the kernel never stops for it.
 *
 * Test switches (kernel/cmdline.h; handled here, run at the end of storage_init):
 *   test=storage-write   writes the files of the persistence test under /storage-test, syncs
 *   test=storage-read    reads them back and checks every byte
 *   test=storage-blk     the disk driver alone: split and queued requests, refusals, interrupts
 *   test=storage-bench   64 MiB sequential write/read and small-file creates, printed (make bench)
 *   test=storage-crash   a write workload that ends in a power cut: with storage.crash_after=N the
 *                        disk driver ends the machine instead of issuing write N + 1
 * Each prints "storage-test: N passed, N failed" and the disk's interrupt counters.
 *
 * Blocking: storage_init and storage_sync do disk I/O and sleep until interrupts complete it; never
 * from IRQ context. */
#ifndef KERNEL_STORAGE_H
#define KERNEL_STORAGE_H

#include <stdbool.h>
#include <walos/bootinfo.h>

/* Brings storage up and runs the storage test switches. Returns the number of failed test checks
 * (0 when no storage test was asked for). bi is read during the call only. */
int storage_init(const struct bootinfo *bi);
/* Writes every mounted filesystem's changes to disk (for shutdown, reboot, fd_sync of all).
 * Returns 0 or the first fs_err. */
int storage_sync(void);
/* Whether "/" is a disk volume (false: a RAM filesystem). */
bool storage_root_on_disk(void);

#endif
