# kernel/net/rules.mk — the TCP/IP stack (kernel/net/) and its test suite "net".
#
# NET_SRCS lists every kernel/net/*.c. They are portable C11: the kernel links them (KERNEL_SRCS), the
# host tests link them with tests/unit/net/net_host.c (kmalloc/kfree over malloc).
#
# Targets:
#   net-freestanding   compiles every kernel/net/*.c with $(KERNEL_CFLAGS) into $(BUILD)/netcheck/
#   test-net           suite "net": the freestanding build, the host tests (tests/unit/net/test_net.c
#                      and test_tcp.c: two stacks over a fake link) and the randomized-input tests
#                      (fuzz_net.c), all built with ASan/UBSan.
#                      NET_FUZZ_ITERS sets the fuzz iterations (default 100000).

NET_SRCS := $(filter-out kernel/net/netif_%.c,$(wildcard kernel/net/*.c))
KERNEL_SRCS += $(NET_SRCS)
NET_FS_OBJS := $(patsubst kernel/net/%.c,$(BUILD)/netcheck/%.o,$(NET_SRCS))
NET_TEST_SUPPORT := tests/unit/net/net_host.c tests/unit/net/fakelink.c
NET_FUZZ_ITERS ?= 100000

$(BUILD)/netcheck/%.o: kernel/net/%.c
	@mkdir -p $(@D)
	$(CC) $(KERNEL_CFLAGS) -c -o $@ $<

# both test programs run under ASan and UBSan: any overread, leak of a block or undefined behaviour
# in the stack fails them
NET_SAN_CFLAGS := -O1 -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer -Itests/unit
NET_TEST_DEPS := $(NET_SRCS) $(NET_TEST_SUPPORT) $(wildcard kernel/net/*.h kernel/net/proto/*.h tests/unit/net/*.h)

$(BUILD)/host/tests/test_net: tests/unit/net/test_net.c tests/unit/net/nettest.c $(NET_TEST_DEPS)
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) $(NET_SAN_CFLAGS) -o $@ tests/unit/net/test_net.c tests/unit/net/nettest.c $(NET_SRCS) $(NET_TEST_SUPPORT) $(HOST_LDFLAGS)

$(BUILD)/host/tests/test_tcp: tests/unit/net/test_tcp.c tests/unit/net/nettest.c $(NET_TEST_DEPS)
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) $(NET_SAN_CFLAGS) -o $@ tests/unit/net/test_tcp.c tests/unit/net/nettest.c $(NET_SRCS) $(NET_TEST_SUPPORT) $(HOST_LDFLAGS)

$(BUILD)/host/tests/fuzz_net: tests/unit/net/fuzz_net.c $(NET_TEST_DEPS)
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) $(NET_SAN_CFLAGS) -o $@ tests/unit/net/fuzz_net.c $(NET_SRCS) $(NET_TEST_SUPPORT) $(HOST_LDFLAGS)

NET_TEST_BINS := $(BUILD)/host/tests/test_net $(BUILD)/host/tests/test_tcp $(BUILD)/host/tests/fuzz_net

.PHONY: net-freestanding test-net
net-freestanding: $(NET_FS_OBJS)

TEST_SUITES += net
test-net:
	@mkdir -p $(BUILD)/test-logs
	@if $(MAKE) --no-print-directory net-freestanding >$(BUILD)/test-logs/net-freestanding.log 2>&1; \
	then echo "ok net-freestanding ($(words $(NET_SRCS)) files)"; echo "1 passed, 0 failed" >$(BUILD)/test-logs/net-fs.res; \
	else cat $(BUILD)/test-logs/net-freestanding.log; echo "FAIL net-freestanding"; echo "0 passed, 1 failed" >$(BUILD)/test-logs/net-fs.res; fi
	@if $(MAKE) --no-print-directory $(NET_TEST_BINS) >$(BUILD)/test-logs/net-build.log 2>&1; \
	then NET_FUZZ_ITERS=$(NET_FUZZ_ITERS) tools/run-each $(NET_TEST_BINS) >$(BUILD)/test-logs/net-run.out 2>&1; cat $(BUILD)/test-logs/net-run.out; \
	else cat $(BUILD)/test-logs/net-build.log; echo "FAIL net build"; echo "0 passed, 1 failed" >$(BUILD)/test-logs/net-run.out; fi
	@set -- $$(tail -n1 $(BUILD)/test-logs/net-fs.res | tr -d ','); p=$$1; f=$$3; \
	 set -- $$(tail -n1 $(BUILD)/test-logs/net-run.out | tr -d ','); p=$$((p+$$1)); f=$$((f+$$3)); s=$${5:-0}; \
	 echo "$$p passed, $$f failed, $$s skipped"; [ $$f -eq 0 ]

# The kernel's side (issue 7): NIC drivers and bring-up. netif_*.c are kernel-only (they use the
# drivers and the timer), so they stay out of NET_SRCS (the host tests' build).
KERNEL_SRCS += kernel/drivers/virtio_net.c kernel/drivers/e1000.c kernel/net/netif_kernel.c kernel/net/netif_test.c
