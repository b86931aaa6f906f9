# walos top-level Makefile.
#
# Each folder lists its own sources and targets in a rules.mk that this file includes (boot/rules.mk,
# kernel/rules.mk, engine/rules.mk, ...). Shared tool and flag variables live here, once.
#
# Conventions for a rules.mk:
#   - rules.mk files one and two folders deep are included (engine/rules.mk, kernel/fs/rules.mk);
#   - build output goes under $(BUILD)/<folder>/..., one build folder per target (host, kernel, wasm);
#   - a test suite NAME adds itself with `TEST_SUITES += NAME` and defines the phony target `test-NAME`,
#     whose output ends with the line "N passed, N failed[, N skipped]";
#   - a host unit test adds `UNIT_TESTS += test_x` and `test_x_SRCS := tests/unit/.../test_x.c ...`;
#     the unit suite builds each into $(BUILD)/host/tests/test_x and runs them all.
#   - Debian packages a target needs go in tools/packages.txt (installed by tools/deps).

.DEFAULT_GOAL := all
SHELL := /bin/bash
BUILD := build
SHARED ?= $(abspath ../shared)

CC := clang
LD := ld.lld
OBJCOPY := llvm-objcopy
CWARNS := -Wall -Wextra -Werror

# Host builds: walos-run, unit tests, test runners.
HOST_CFLAGS := -std=c11 -O2 -g $(CWARNS) -MMD -MP -Iinclude -I. -D_DEFAULT_SOURCE -D_GNU_SOURCE
HOST_LDFLAGS := -lm

# Freestanding x86-64 kernel code (the engine and wasi/ are also built this way for the kernel).
KERNEL_CFLAGS := -std=c11 -O2 -g $(CWARNS) -MMD -MP -target x86_64-unknown-none-elf -ffreestanding \
    -fno-stack-protector -fno-pic -fno-pie -mno-red-zone -mcmodel=kernel -fno-omit-frame-pointer \
    -nostdinc -isystem $(shell $(CC) -print-resource-dir)/include -Iinclude -I.

# wasm32-wasi programs (shipped programs, benchmarks, test programs), Debian's wasi-libc.
WASM_CC := clang --target=wasm32-wasi
WASM_CFLAGS := -O2 $(CWARNS)

TEST_SUITES :=
UNIT_TESTS :=

include $(sort $(wildcard */rules.mk */*/rules.mk))

# ---- host unit tests: one binary per UNIT_TESTS entry -------------------------------------------
define unit_test_rule
$(BUILD)/host/tests/$(1): $$($(1)_SRCS) | deps
	@mkdir -p $$(@D)
	$$(CC) $$(HOST_CFLAGS) $$($(1)_CFLAGS) -o $$@ $$($(1)_SRCS) $$(HOST_LDFLAGS)
endef
$(foreach t,$(UNIT_TESTS),$(eval $(call unit_test_rule,$(t))))
UNIT_BINS := $(addprefix $(BUILD)/host/tests/,$(UNIT_TESTS))

.PHONY: unit test-unit
TEST_SUITES += unit
unit: $(UNIT_BINS)
test-unit: $(UNIT_BINS)
	@tools/run-each $(UNIT_BINS)

# ---- top-level targets ---------------------------------------------------------------------------
.PHONY: all deps test clean
deps:
	@tools/deps

# `make test` runs every suite; `make test-NAME` runs one.
test: deps
	@tools/run-tests $(TEST_SUITES)

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD) -name '*.d' -type f 2>/dev/null)
