# engine/rules.mk — the WebAssembly engine (engine/wasm.h).
#
# ENGINE_SRCS lists every engine/*.c (new files are picked up without edits, validate.c included).
# Users link $(ENGINE_SRCS) plus one implementation of include/walos/platform.h's engine section.
#
# Targets:
#   engine-freestanding   compiles every engine/*.c with $(KERNEL_CFLAGS) (no libc headers) into
#                         $(BUILD)/kernel/engine/; proves the engine builds for the kernel.
#   test-engine           suite "engine": the freestanding build, engine/check-handlers on its
#                         objects (threaded dispatch intact: tail jumps, no frames in hot handlers),
#                         and the interrupt/resume test.
# Unit tests (suite "unit"): tests/unit/engine/test_*.c, linked with a malloc-based platform_test.c.

ENGINE_SRCS := $(wildcard engine/*.c)
ENGINE_HDRS := $(wildcard engine/*.h)
ENGINE_FS_OBJS := $(patsubst engine/%.c,$(BUILD)/kernel/engine/%.o,$(ENGINE_SRCS))
ENGINE_TEST_SRCS := $(ENGINE_SRCS) tests/unit/engine/platform_test.c

$(BUILD)/kernel/engine/%.o: engine/%.c
	@mkdir -p $(@D)
	$(CC) $(KERNEL_CFLAGS) -c -o $@ $<

.PHONY: engine-freestanding test-engine
engine-freestanding: $(ENGINE_FS_OBJS)

# unit tests of the engine's pieces
ENGINE_UNIT := $(patsubst tests/unit/engine/%.c,%,$(filter-out tests/unit/engine/platform_test.c,$(wildcard tests/unit/engine/test_*.c)))
UNIT_TESTS += $(ENGINE_UNIT)
$(foreach t,$(filter-out test_memory,$(ENGINE_UNIT)),$(eval $(t)_SRCS := tests/unit/engine/$(t).c $$(ENGINE_TEST_SRCS)))
# test_memory needs real reservations and the fault handler: the POSIX platform, not platform_test.c
test_memory_SRCS := tests/unit/engine/test_memory.c $(ENGINE_SRCS) host/platform_posix.c host/guard_posix.c
$(foreach t,$(ENGINE_UNIT),$(eval $(t)_CFLAGS := -Itests/unit))

# the engine suite: freestanding build + interrupt/resume test (also part of the unit suite)
TEST_SUITES += engine
ENGINE_INTERRUPT_TEST := $(if $(wildcard tests/unit/engine/test_interrupt.c),$(BUILD)/host/tests/test_interrupt)

test-engine: $(ENGINE_INTERRUPT_TEST)
	@mkdir -p $(BUILD)/test-logs
	@if $(MAKE) --no-print-directory engine-freestanding >$(BUILD)/test-logs/engine-freestanding.log 2>&1; \
	then echo "ok engine-freestanding ($(words $(ENGINE_SRCS)) files)"; \
	  if engine/check-handlers $(filter $(BUILD)/kernel/engine/exec%,$(ENGINE_FS_OBJS)); \
	  then echo "2 passed, 0 failed" >$(BUILD)/test-logs/engine-fs.res; else echo "1 passed, 1 failed" >$(BUILD)/test-logs/engine-fs.res; fi; \
	else cat $(BUILD)/test-logs/engine-freestanding.log; echo "FAIL engine-freestanding"; echo "0 passed, 1 failed" >$(BUILD)/test-logs/engine-fs.res; fi
	@if [ -n "$(ENGINE_INTERRUPT_TEST)" ]; then tools/run-each $(ENGINE_INTERRUPT_TEST) >$(BUILD)/test-logs/engine-int.out 2>&1; cat $(BUILD)/test-logs/engine-int.out; \
	else echo "skip test_interrupt: not written yet"; echo "0 passed, 0 failed, 1 skipped" >$(BUILD)/test-logs/engine-int.out; fi
	@set -- $$(tail -n1 $(BUILD)/test-logs/engine-fs.res | tr -d ','); p=$$1; f=$$3; \
	 set -- $$(tail -n1 $(BUILD)/test-logs/engine-int.out | tr -d ','); p=$$((p+$$1)); f=$$((f+$$3)); s=$${5:-0}; \
	 echo "$$p passed, $$f failed, $$s skipped"; [ $$f -eq 0 ]
test_interrupt_CFLAGS += -pthread
