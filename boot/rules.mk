# boot/rules.mk — the UEFI loader, the disk image, the ISO and `make run`.
#
# Targets:
#   loader   $(LOADER_EFI), the PE32+ EFI application (clang -target x86_64-unknown-windows + lld-link)
#   img      a fresh $(IMG): GPT disk, one EFI System Partition (FAT32) holding \EFI\BOOT\BOOTX64.EFI,
#            \walos\kernel.elf, \walos\cmdline and the root tree ($(ROOT_DIR)) at the partition's root
#   iso      $(ISO): boots on UEFI (El Torito EFI image: our loader + kernel + cmdline) and on BIOS
#            (GRUB, `multiboot2 /walos/kernel.elf <cmdline>`)
#   run      builds, creates $(IMG) only when missing (else refreshes loader, kernel, cmdline and the
#            shipped files in place, so what programs wrote survives), boots QEMU (tools/qemu-run).
#            `make run KVM=1` uses KVM; TCG otherwise. `make run CMDLINE='...'` sets \walos\cmdline,
#            RUN_MEM=2G the guest's memory (default 1G), QEMU_ARGS='...' adds QEMU arguments.
#            The guest gets a virtio-net NIC on QEMU user networking (restrict=on) with the host's
#            127.0.0.1:8080 forwarded to its port 80 (httpd): RUN_NIC; RUN_NIC= boots without a NIC,
#            and a QEMU_ARGS that has its own -nic/-netdev/-net replaces it.
#
# Shipping a file in the root tree: in your rules.mk, append SOURCE:DEST pairs to ROOT_FILES, DEST being
# the path inside the root (no leading slash), e.g.
#     ROOT_FILES += $(BUILD)/srv/shell.wasm:bin/shell.wasm  srv/etc/services/httpd.service:etc/services/httpd.service
# The pairs are read late (secondary expansion), so any rules.mk may add them; make builds each SOURCE
# first (give it a rule), stages it as $(ROOT_DIR)/DEST, and img/iso/run put it at /DEST on the ESP.
#
# The kernel comes from KERNEL_ELF (kernel/rules.mk). Without it, img/iso/run stop with a message.

LOADER_EFI := $(BUILD)/boot/BOOTX64.EFI
LOADER_SRCS := boot/loader.c boot/elf_check.c boot/memmap.c boot/paging.c
LOADER_OBJS := $(patsubst boot/%.c,$(BUILD)/boot/%.obj,$(LOADER_SRCS))
LOADER_CFLAGS := -std=c11 -O2 $(CWARNS) -MMD -MP -target x86_64-unknown-windows -ffreestanding \
    -fshort-wchar -mno-red-zone -mno-stack-arg-probe -fno-stack-protector -nostdinc \
    -isystem $(shell $(CC) -print-resource-dir)/include -Iinclude -I.
LOADER_LDFLAGS := -subsystem:efi_application -entry:efi_main -nodefaultlib

IMG := $(BUILD)/walos.img
ISO := $(BUILD)/walos.iso
ROOT_DIR := $(BUILD)/root
CMDLINE_FILE := $(BUILD)/boot/cmdline
CMDLINE ?=
IMG_SIZE_MB ?= 64
KVM ?=
RUN_MEM ?= 1G
QEMU_ARGS ?=
RUN_NIC ?= -nic user,model=virtio-net-pci,restrict=on,hostfwd=tcp:127.0.0.1:8080-:80
ROOT_FILES ?=
ROOT_LIST := $(BUILD)/boot/root-files
ROOT_SRCS = $(foreach f,$(ROOT_FILES),$(firstword $(subst :, ,$(f))))

.SECONDEXPANSION:
.PHONY: loader img iso run kernel-required FORCE

loader: $(LOADER_EFI)

$(BUILD)/boot/%.obj: boot/%.c
	@mkdir -p $(@D)
	$(CC) $(LOADER_CFLAGS) -c -o $@ $<

$(LOADER_EFI): $(LOADER_OBJS)
	lld-link $(LOADER_LDFLAGS) -out:$@ $(LOADER_OBJS)

# \walos\cmdline: rewritten only when CMDLINE changes, so images are not rebuilt for nothing.
$(CMDLINE_FILE): FORCE
	@mkdir -p $(@D)
	@printf '%s\n' '$(CMDLINE)' >$@.new; cmp -s $@.new $@ && rm $@.new || mv $@.new $@

# The staged root tree: rebuilt from ROOT_FILES when a source or the list itself changes.
$(ROOT_LIST): FORCE
	@mkdir -p $(@D)
	@printf '%s\n' $(ROOT_FILES) >$@.new; cmp -s $@.new $@ && rm $@.new || mv $@.new $@

$(ROOT_DIR)/.staged: $$(ROOT_SRCS) $(ROOT_LIST)
	@rm -rf $(ROOT_DIR) && mkdir -p $(ROOT_DIR)
	@for pair in $(ROOT_FILES); do \
	  src=$${pair%%:*}; dst=$(ROOT_DIR)/$${pair#*:}; \
	  mkdir -p "$$(dirname "$$dst")" && cp "$$src" "$$dst" || exit 1; \
	done
	@touch $@

kernel-required:
	@[ -n "$(KERNEL_ELF)" ] || { echo "boot: KERNEL_ELF is not defined (no kernel/rules.mk): no kernel to put in the image"; exit 1; }

# What every image holds (secondary expansion: KERNEL_ELF and ROOT_FILES come from later rules.mk files).
IMG_INPUTS = $(LOADER_EFI) $(KERNEL_ELF) $(CMDLINE_FILE) $(ROOT_DIR)/.staged

img: kernel-required $$(IMG_INPUTS) tools/mkimg | deps
	tools/mkimg $(IMG) $(LOADER_EFI) $(KERNEL_ELF) $(CMDLINE_FILE) $(ROOT_DIR)

$(ISO): kernel-required $$(IMG_INPUTS) tools/mkiso | deps
	tools/mkiso $(ISO) $(LOADER_EFI) $(KERNEL_ELF) $(CMDLINE_FILE) $(ROOT_DIR)

iso: $(ISO)

run: kernel-required $$(IMG_INPUTS) | deps
	@if [ -e $(IMG) ]; then tools/mkimg --refresh $(IMG) $(LOADER_EFI) $(KERNEL_ELF) $(CMDLINE_FILE) $(ROOT_DIR); \
	 else tools/mkimg $(IMG) $(LOADER_EFI) $(KERNEL_ELF) $(CMDLINE_FILE) $(ROOT_DIR); fi
	tools/qemu-run $(if $(KVM),--kvm) --mem $(RUN_MEM) $(IMG) \
	    $(if $(filter -nic -netdev -net,$(QEMU_ARGS)),,$(RUN_NIC)) $(QEMU_ARGS)

# ---- host unit tests: ELF checks, memory-map translation, page tables ----
UNIT_TESTS += test_boot_elf_check test_boot_memmap test_boot_paging
test_boot_elf_check_SRCS := tests/unit/boot/test_elf_check.c boot/elf_check.c
test_boot_memmap_SRCS := tests/unit/boot/test_memmap.c boot/memmap.c
test_boot_paging_SRCS := tests/unit/boot/test_paging.c boot/paging.c
