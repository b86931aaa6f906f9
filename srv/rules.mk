# srv/rules.mk — walos's userland: the shell (srv/shell/), the programs (srv/bin/), the default services
# (srv/etc/services/), and the `userland` test suite (tests/userland/).
#
# Each program is built with $(WASM_CC) into $(BUILD)/srv/NAME.wasm and shipped as /bin/NAME.wasm;
# each srv/etc/services/NAME.conf as /etc/services/NAME.conf. $(BUILD)/srv/shell-host.wasm is the shell
# without walos_proc (srv/shell/exec_none.c), loadable by walos-run for the host tests.
# The service manager's portable parts (unit files, policy) are kernel code owned here and linked by
# the kernel: KERNEL_SRCS below; their host tests are UNIT_TESTS.

SRV_OUT := $(BUILD)/srv
SRV_CFLAGS := $(WASM_CFLAGS) -std=c11 -D_DEFAULT_SOURCE -MMD -MP -I.
SRV_PLAIN := echo cat ls cp mv rm mkdir rmdir touch date
SRV_SDK := ps kill svc free uptime time
SRV_NET := ping ifconfig netstat # walos_net (sdk/walos_net.h)
SRV_PROGRAMS := $(SRV_PLAIN) $(SRV_SDK) $(SRV_NET) reboot poweroff shell
SRV_WASM := $(addprefix $(SRV_OUT)/,$(addsuffix .wasm,$(SRV_PROGRAMS)))
SRV_SHELL_SRCS := srv/shell/shell.c srv/shell/parse.c srv/shell/lineedit.c
SRV_UNITS := $(wildcard srv/etc/services/*.conf)

.PHONY: srv
srv: $(SRV_WASM) $(SRV_OUT)/shell-host.wasm
all: srv

$(SRV_OUT)/%.wasm: srv/bin/%.c srv/bin/prog.h sdk/walos.h
	@mkdir -p $(@D)
	$(WASM_CC) $(SRV_CFLAGS) -o $@ $<

$(addprefix $(SRV_OUT)/,$(addsuffix .wasm,$(SRV_NET))): sdk/walos_net.h srv/bin/netutil.h

$(SRV_OUT)/reboot.wasm: srv/bin/power.c srv/bin/prog.h sdk/walos.h
	@mkdir -p $(@D)
	$(WASM_CC) $(SRV_CFLAGS) -DPOWER_CMD=WALOS_POWER_REBOOT -o $@ $<

$(SRV_OUT)/poweroff.wasm: srv/bin/power.c srv/bin/prog.h sdk/walos.h
	@mkdir -p $(@D)
	$(WASM_CC) $(SRV_CFLAGS) -DPOWER_CMD=WALOS_POWER_OFF -o $@ $<

$(SRV_OUT)/shell.wasm: $(SRV_SHELL_SRCS) srv/shell/exec.c $(wildcard srv/shell/*.h) sdk/walos.h
	@mkdir -p $(@D)
	$(WASM_CC) $(SRV_CFLAGS) -o $@ $(SRV_SHELL_SRCS) srv/shell/exec.c

$(SRV_OUT)/shell-host.wasm: $(SRV_SHELL_SRCS) srv/shell/exec_none.c $(wildcard srv/shell/*.h)
	@mkdir -p $(@D)
	$(WASM_CC) $(SRV_CFLAGS) -o $@ $(SRV_SHELL_SRCS) srv/shell/exec_none.c

ROOT_FILES += $(foreach p,$(SRV_PROGRAMS),$(SRV_OUT)/$(p).wasm:bin/$(p).wasm)
ROOT_FILES += $(foreach u,$(SRV_UNITS),$(u):etc/services/$(notdir $(u)))

# ---- the service manager's portable half (kernel code; kernel/proc's service manager calls it) -----
# No allocation, no I/O: built freestanding into the kernel and hosted (with sanitizers) for the tests.
SRV_KERNEL_SRCS := kernel/proc/unit.c kernel/proc/svcpolicy.c
KERNEL_SRCS += $(SRV_KERNEL_SRCS)

SRV_TEST_CFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
UNIT_TESTS += test_unit test_svcpolicy
test_unit_SRCS := tests/unit/proc/test_unit.c kernel/proc/unit.c
test_unit_CFLAGS := $(SRV_TEST_CFLAGS)
test_svcpolicy_SRCS := tests/unit/proc/test_svcpolicy.c kernel/proc/svcpolicy.c
test_svcpolicy_CFLAGS := $(SRV_TEST_CFLAGS)

# ---- the userland suite: programs and the shell under walos-run on the host ----------------------
.PHONY: test-userland
TEST_SUITES += userland
test-userland: srv $(BUILD)/walos-run qemu-walos-media
	@tests/userland/run $(BUILD)/walos-run $(SRV_OUT)

