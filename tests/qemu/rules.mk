# tests/qemu/rules.mk — the `qemu` suite: boot tests under QEMU (format: tests/qemu/README.md).
#
# `make test-qemu` builds the media the tests boot, then runs tools/qemu-test on every tests/qemu/*.test,
# two boots at a time. `make test-qemu QEMU_TEST=loader-` runs only tests whose name contains the text.
# Media:
#   $(QEMU_FIXTURE_IMG), $(QEMU_FIXTURE_ISO)  the loader's fixture kernel (tests/qemu/fixtures/) on a disk
#                                              image and an ISO: loader tests need no real kernel
#   $(QEMU_WALOS_IMG)                          walos itself (KERNEL_ELF) on a test-only disk image, so
#                                              tests never touch the $(IMG) that `make run` keeps
#   $(ISO)                                     walos's ISO (`make iso`), for BIOS/GRUB boots
# Without KERNEL_ELF the walos media are not built and the tests that boot them are skipped.

TEST_SUITES += qemu
QEMU_TESTS = $(sort $(wildcard tests/qemu/*.test))
QEMU_TEST ?=
QEMU_FIXTURE_DIR := $(BUILD)/qemu/fixture
QEMU_FIXTURE_ELF := $(QEMU_FIXTURE_DIR)/fixture.elf
QEMU_FIXTURE_CMDLINE := $(QEMU_FIXTURE_DIR)/cmdline
QEMU_FIXTURE_IMG := $(BUILD)/qemu/fixture.img
QEMU_FIXTURE_ISO := $(BUILD)/qemu/fixture.iso
QEMU_WALOS_IMG := $(BUILD)/qemu/walos.img
QEMU_FIXTURE_OBJS := $(QEMU_FIXTURE_DIR)/entry.o $(QEMU_FIXTURE_DIR)/fixture.o

.PHONY: test-qemu qemu-media qemu-walos-media

$(QEMU_FIXTURE_DIR)/%.o: tests/qemu/fixtures/%.c
	@mkdir -p $(@D)
	$(CC) $(KERNEL_CFLAGS) -c -o $@ $<

$(QEMU_FIXTURE_DIR)/%.o: tests/qemu/fixtures/%.S
	@mkdir -p $(@D)
	$(CC) $(KERNEL_CFLAGS) -c -o $@ $<

$(QEMU_FIXTURE_ELF): $(QEMU_FIXTURE_OBJS) tests/qemu/fixtures/fixture.ld
	$(LD) -nostdlib -static -z max-page-size=4096 -T tests/qemu/fixtures/fixture.ld -o $@ $(QEMU_FIXTURE_OBJS)

$(QEMU_FIXTURE_CMDLINE): tests/qemu/rules.mk
	@mkdir -p $(@D)
	echo 'fixture from-file' >$@

$(QEMU_FIXTURE_IMG): $(LOADER_EFI) $(QEMU_FIXTURE_ELF) $(QEMU_FIXTURE_CMDLINE) tools/mkimg | deps
	tools/mkimg $@ $(LOADER_EFI) $(QEMU_FIXTURE_ELF) $(QEMU_FIXTURE_CMDLINE)

$(QEMU_FIXTURE_ISO): $(LOADER_EFI) $(QEMU_FIXTURE_ELF) $(QEMU_FIXTURE_CMDLINE) tools/mkiso | deps
	tools/mkiso $@ $(LOADER_EFI) $(QEMU_FIXTURE_ELF) $(QEMU_FIXTURE_CMDLINE)

$(QEMU_WALOS_IMG): kernel-required $$(IMG_INPUTS) tools/mkimg | deps
	tools/mkimg $@ $(LOADER_EFI) $(KERNEL_ELF) $(CMDLINE_FILE) $(ROOT_DIR)

qemu-media: $(QEMU_FIXTURE_IMG) $(QEMU_FIXTURE_ISO)
qemu-walos-media: $(QEMU_WALOS_IMG) $(ISO)

# A failed walos media build counts as one failure (the tests that need it are then skipped);
# no KERNEL_ELF at all only skips them.
test-qemu: qemu-media
	@extra=(); if [ -n "$(KERNEL_ELF)" ]; then \
	  $(MAKE) --no-print-directory qemu-walos-media >$(BUILD)/qemu/walos-media.log 2>&1 \
	    || { tail -n 20 $(BUILD)/qemu/walos-media.log; extra=(--fail-extra "walos-media:make qemu-walos-media failed, see $(BUILD)/qemu/walos-media.log"); }; \
	else echo "note: KERNEL_ELF is not defined: walos media not built, their tests skip"; fi; \
	tools/qemu-test -j 2 $(if $(QEMU_TEST),--filter '$(QEMU_TEST)') "$${extra[@]}" $(QEMU_TESTS)

# ---- programs of the wasi-suite / shell QEMU tests (tests/qemu/programs/wasi/): built with $(WASM_CC),
# shipped as /bin/test/NAME.wasm. wasi-runner runs the official WASI testsuite inside walos.
QEMU_PROG_OUT := $(BUILD)/qemu-programs
QEMU_PROG_CFLAGS := $(WASM_CFLAGS) -std=c11 -D_DEFAULT_SOURCE -I.

$(QEMU_PROG_OUT)/wasi-runner.wasm: tests/qemu/programs/wasi/runner.c sdk/walos.h
	@mkdir -p $(@D)
	$(WASM_CC) $(QEMU_PROG_CFLAGS) -o $@ $<

ROOT_FILES += $(QEMU_PROG_OUT)/wasi-runner.wasm:bin/test/wasi-runner.wasm
