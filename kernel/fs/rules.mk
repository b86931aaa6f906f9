# kernel/fs/rules.mk — storage core: block cache, GPT, FAT32, VFS (issue 5), and the `fs` test suite.
#
# FS_SRCS compile both hosted (tests) and freestanding: the kernel links them (KERNEL_SRCS), and
# `make fs-freestanding` (part of test-fs) checks them with KERNEL_CFLAGS alone.
#
# `make test-fs` builds the host tests (tests/unit/fs/, with ASan and UBSan) and runs them against
# images made by mkfs.fat and sgdisk in $(BUILD)/fs-test, checked with fsck.fat and mtools.

FS_SRCS := kernel/fs/bcache.c kernel/fs/gpt.c kernel/fs/fat32.c kernel/fs/fat32_dir.c \
    kernel/fs/fat32_name.c kernel/fs/fat32_file.c kernel/fs/vfs.c kernel/fs/ramfs.c \
    kernel/fs/blockfault.c kernel/fs/devfs.c
KERNEL_SRCS += $(FS_SRCS)
FS_TEST_DIR := $(BUILD)/fs-test
FS_TESTS := test_bcache test_gpt test_vfs test_fat32 test_fat32_ops test_devfs
FS_TEST_BINS := $(addprefix $(BUILD)/host/fs/,$(FS_TESTS))
FS_TEST_CFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
FS_FREESTANDING_OBJS := $(patsubst kernel/fs/%.c,$(BUILD)/fs-freestanding/%.o,$(FS_SRCS))

FS_HOST_OBJS := $(patsubst %.c,$(BUILD)/host/fs/obj/%.o,$(FS_SRCS) tests/unit/fs/fs_host.c)
.SECONDARY: $(FS_HOST_OBJS)

$(BUILD)/host/fs/obj/%.o: %.c | deps
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) $(FS_TEST_CFLAGS) -c -o $@ $<

$(BUILD)/host/fs/%: tests/unit/fs/%.c $(FS_HOST_OBJS) | deps
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) $(FS_TEST_CFLAGS) -o $@ $< $(FS_HOST_OBJS) $(HOST_LDFLAGS)

$(BUILD)/fs-freestanding/%.o: kernel/fs/%.c
	@mkdir -p $(@D)
	$(CC) $(KERNEL_CFLAGS) -c -o $@ $<

.PHONY: fs-freestanding test-fs
fs-freestanding: $(FS_FREESTANDING_OBJS)

TEST_SUITES += fs
test-fs: $(FS_TEST_BINS) fs-freestanding
	@mkdir -p $(FS_TEST_DIR)
	@FS_TEST_DIR=$(FS_TEST_DIR) tools/run-each $(FS_TEST_BINS)
