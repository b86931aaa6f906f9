# kernel/rules.mk — builds the kernel, $(KERNEL_ELF), and its tests.
#
# KERNEL_SRCS lists the kernel's .c and .S files; kernel/*/rules.mk files may append to it (the link
# rule expands it late, so their order of inclusion does not matter). Objects go to
# $(BUILD)/kernel/obj/<path>.o, generated sources to $(BUILD)/kernel/gen/.
#
# The link runs twice: pass 1 without symbols, then llvm-nm lists its functions, tools/ksyms.py turns
# them into an assembly table (section .ksyms, placed last by kernel.ld so nothing else moves), and
# pass 2 links that table in. The build checks that no function moved between the passes.
#
# Targets: kernel ($(KERNEL_ELF)), test-kernel-unit is part of the `unit` suite (UNIT_TESTS), and the
# kernel's QEMU tests are tests/qemu/kernel-*.test (suite `qemu`; boot media from boot/rules.mk:
# `make iso` boots this kernel on BIOS through GRUB and Multiboot2, `make img` on UEFI).

KERNEL_ELF := $(BUILD)/kernel/kernel.elf
KERNEL_OBJDIR := $(BUILD)/kernel/obj
KERNEL_GEN := $(BUILD)/kernel/gen
KERNEL_LDS := kernel/arch/x86_64/kernel.ld
KERNEL_FONT_PSF ?= /usr/share/consolefonts/Lat15-Terminus16.psf.gz
KERNEL_VERSION := 0.1.0

KERNEL_SRCS += \
    kernel/arch/x86_64/multiboot2.S \
    kernel/arch/x86_64/entry.S \
    kernel/arch/x86_64/mb2info.c \
    kernel/arch/x86_64/isr.S \
    kernel/arch/x86_64/gdt.c \
    kernel/arch/x86_64/trap.c \
    kernel/main.c \
    kernel/ksyms.c \
    kernel/drivers/fwcfg.c \
    kernel/printk.c \
    kernel/cmdline.c \
    kernel/drivers/serial.c \
    kernel/lib/string.c \
    kernel/lib/fmt.c \
    kernel/lib/sort.c \
    kernel/lib/stdlib.c \
    kernel/mm/alloc.c \
    kernel/mm/pmm.c \
    kernel/mm/vmm.c \
    kernel/mm/heap.c \
    kernel/selftest.c \
    kernel/power.c \
    kernel/drivers/acpi.c \
    kernel/drivers/rtc.c \
    kernel/drivers/ps2.c \
    kernel/arch/x86_64/apic.c \
    kernel/arch/x86_64/ioapic.c \
    kernel/arch/x86_64/pit.c \
    kernel/arch/x86_64/timer.c \
    kernel/arch/x86_64/fpu.c \
    kernel/arch/x86_64/context.c \
    kernel/arch/x86_64/context.S \
    kernel/gfx/fb.c \
    kernel/gfx/console.c

KERNEL_OBJS = $(patsubst %,$(KERNEL_OBJDIR)/%.o,$(KERNEL_SRCS)) $(KERNEL_OBJDIR)/gen/font.c.o
KERNEL_DEFS := -DWALOS_VERSION='"$(KERNEL_VERSION)"'

.SECONDEXPANSION:
.PHONY: kernel all

kernel: $(KERNEL_ELF)
all: $(KERNEL_ELF)

$(KERNEL_OBJDIR)/%.c.o: %.c
	@mkdir -p $(@D)
	$(CC) $(KERNEL_CFLAGS) $(KERNEL_DEFS) -c -o $@ $<

$(KERNEL_OBJDIR)/%.S.o: %.S
	@mkdir -p $(@D)
	$(CC) $(KERNEL_CFLAGS) $(KERNEL_DEFS) -c -o $@ $<

$(KERNEL_GEN)/font.c: tools/psf2c.py $(KERNEL_FONT_PSF)
	@mkdir -p $(@D)
	python3 tools/psf2c.py $(KERNEL_FONT_PSF) $@

$(KERNEL_OBJDIR)/gen/font.c.o: $(KERNEL_GEN)/font.c
	@mkdir -p $(@D)
	$(CC) $(KERNEL_CFLAGS) -c -o $@ $<

KERNEL_LDFLAGS := -nostdlib -static -z max-page-size=4096 --no-dynamic-linker -T $(KERNEL_LDS)

$(KERNEL_ELF): $$(KERNEL_OBJS) $(KERNEL_LDS) tools/ksyms.py
	@mkdir -p $(@D)
	printf '' | python3 tools/ksyms.py >$(KERNEL_GEN)/ksyms0.S
	$(CC) $(KERNEL_CFLAGS) -c -o $(KERNEL_OBJDIR)/ksyms0.o $(KERNEL_GEN)/ksyms0.S
	$(LD) $(KERNEL_LDFLAGS) -o $@.pass1 $(KERNEL_OBJS) $(KERNEL_OBJDIR)/ksyms0.o
	llvm-nm -n --defined-only $@.pass1 | python3 tools/ksyms.py >$(KERNEL_GEN)/ksyms.S
	$(CC) $(KERNEL_CFLAGS) -c -o $(KERNEL_OBJDIR)/ksyms.o $(KERNEL_GEN)/ksyms.S
	$(LD) $(KERNEL_LDFLAGS) -o $@ $(KERNEL_OBJS) $(KERNEL_OBJDIR)/ksyms.o
	@cmp -s <(llvm-nm -n $@.pass1 | grep -v -E 'ksyms|__kernel_end') <(llvm-nm -n $@ | grep -v -E 'ksyms|__kernel_end') \
	  || { echo "kernel: symbols moved between link passes"; rm -f $@; exit 1; }

# ---- host unit tests of kernel/lib and the allocator logic ----
UNIT_TESTS += test_kstring test_kfmt
test_kstring_SRCS := tests/unit/kernel/test_string.c kernel/lib/string.c kernel/lib/stdlib.c
test_kstring_CFLAGS := -fno-builtin
test_kfmt_SRCS := tests/unit/kernel/test_fmt.c kernel/lib/fmt.c kernel/lib/sort.c kernel/lib/string.c
test_kfmt_CFLAGS := -fno-builtin
UNIT_TESTS += test_kalloc
test_kalloc_SRCS := tests/unit/kernel/test_alloc.c kernel/mm/alloc.c kernel/lib/string.c
test_kalloc_CFLAGS := -fno-builtin
UNIT_TESTS += test_kboot
test_kboot_SRCS := tests/unit/kernel/test_boot.c kernel/arch/x86_64/mb2info.c kernel/cmdline.c kernel/lib/string.c
test_kboot_CFLAGS := -fno-builtin

# ---- boot time (printed by the kernel; reported, never asserted) ----
.PHONY: kernel-boottime
kernel-boottime: $$(ISO) $$(QEMU_WALOS_IMG)
	@tools/kernel-boottime $(ISO) $(QEMU_WALOS_IMG)
UNIT_TESTS += test_kpmm
test_kpmm_SRCS := tests/unit/kernel/test_pmm.c kernel/mm/pmm.c kernel/lib/string.c
test_kpmm_CFLAGS := -fno-builtin -include tests/unit/kernel/stub_kernel.h
