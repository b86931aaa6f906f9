# kernel/proc/rules.mk — processes, scheduler and the kernel's WASI backend (issue 6), plus the
# engine and wasi/ compiled freestanding into the kernel, and the proc-*.test programs.
#
# The kernel links $(ENGINE_SRCS) and $(WASI_SRCS) (engine/rules.mk, wasi/rules.mk) with
# kernel/proc/platform_kernel*.c, the kernel's implementation of include/walos/platform.h.
# Test programs: tests/qemu/programs/proc/NAME.c -> $(BUILD)/proc-programs/NAME.wasm, shipped in the
# root tree as /bin/test/NAME.wasm (ROOT_FILES) for the proc-*.test QEMU tests.

PROC_SRCS := kernel/proc/platform_kernel.c kernel/proc/platform_kernel_wasi.c kernel/proc/proc.c \
    kernel/proc/walos_ext.c kernel/proc/walos_net.c kernel/proc/svcmgr.c kernel/proc/svcmsg.c
PROC_SRCS += kernel/proc/platform_kernel_sock.c kernel/proc/guest_records.c
KERNEL_SRCS += $(PROC_SRCS) $(ENGINE_SRCS) $(WASI_SRCS)

PROC_PROGRAMS := $(patsubst tests/qemu/programs/proc/%.c,%,$(wildcard tests/qemu/programs/proc/*.c))
PROC_PROGRAM_WASM := $(patsubst %,$(BUILD)/proc-programs/%.wasm,$(PROC_PROGRAMS))
ROOT_FILES += $(foreach p,$(PROC_PROGRAMS),$(BUILD)/proc-programs/$(p).wasm:bin/test/$(p).wasm)

# unit files of the service-manager test, under /test/services (not /etc/services: `make run` must not
# start them); proc-svc.test points the manager there with svc.dir=
ROOT_FILES += $(foreach u,$(wildcard tests/qemu/programs/proc/services/*.conf),$(u):test/services/$(notdir $(u)))

$(BUILD)/proc-programs/%.wasm: tests/qemu/programs/proc/%.c sdk/walos.h
	@mkdir -p $(@D)
	$(WASM_CC) $(WASM_CFLAGS) -I. -o $@ $<

.PHONY: proc-programs
proc-programs: $(PROC_PROGRAM_WASM)

# host unit tests (suite "unit") of what runs without the kernel
UNIT_TESTS += test_svcmsg
test_svcmsg_SRCS := tests/unit/proc/test_svcmsg.c kernel/proc/svcmsg.c
test_svcmsg_CFLAGS := -Itests/unit -fsanitize=address,undefined -fno-sanitize-recover=undefined

# host test of the walos_net import module over the real stack on tests/unit/net's fake link (the
# kernel around it is stubbed in the test); built with the net suite's sanitizers
UNIT_TESTS += test_walos_net
test_walos_net_SRCS := tests/unit/proc/test_walos_net.c kernel/proc/walos_net.c kernel/proc/guest_records.c \
    tests/unit/net/nettest.c \
    $(NET_SRCS) $(NET_TEST_SUPPORT)
test_walos_net_CFLAGS := $(NET_SAN_CFLAGS) -Itests/unit/net
