# wasi/rules.mk — WASI preview1 over include/walos/platform.h (wasi/wasi.h).
#
# WASI_SRCS lists every wasi/*.c; users link them with one implementation of platform.h (host/ for
# walos-run and the unit tests, kernel/proc for the kernel).
#   wasi-freestanding   compiles wasi/*.c with $(KERNEL_CFLAGS): proves wasi/ needs no libc.

WASI_SRCS := $(wildcard wasi/*.c)
WASI_FS_OBJS := $(patsubst wasi/%.c,$(BUILD)/kernel/wasi/%.o,$(WASI_SRCS))

$(BUILD)/kernel/wasi/%.o: wasi/%.c
	@mkdir -p $(@D)
	$(CC) $(KERNEL_CFLAGS) -c -o $@ $<

.PHONY: wasi-freestanding
wasi-freestanding: $(WASI_FS_OBJS)

# Unit and adversarial tests (suite "unit"): each tests/unit/wasi/test_*.c calls the handlers
# directly with a fake guest memory (tests/unit/wasi/fixture.h), over the POSIX platform, without
# the engine. (tests/unit/wasi/ is three folders deep: the top Makefile does not include rules.mk
# files there, so its rules live here.)
WASI_UNIT := $(patsubst tests/unit/wasi/%.c,%,$(wildcard tests/unit/wasi/test_*.c))
UNIT_TESTS += $(WASI_UNIT)
$(foreach t,$(WASI_UNIT),$(eval $(t)_SRCS := tests/unit/wasi/$(t).c $$(WASI_SRCS) $(HOST_PLATFORM_SRCS)))
$(foreach t,$(WASI_UNIT),$(eval $(t)_CFLAGS := -Itests/unit))
# test_wasi_block stands in for a kernel backend that parks callers: two platform calls wrapped
test_wasi_block_CFLAGS += -Wl,--wrap=plat_fd_read -Wl,--wrap=plat_poll
