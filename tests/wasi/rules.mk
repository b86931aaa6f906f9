# tests/wasi/rules.mk — suite "wasi": the official WASI preview1 testsuite ($(SHARED)/testsuites/wasi,
# 72 tests) and our own programs (tests/wasi/programs, cases in tests/wasi/own.py), all under
# $(BUILD)/walos-run, by tests/wasi/run.py (semantics: that folder's FORMAT.md). The suite is copied
# to $(BUILD)/wasi-testsuite first (tests write files). The official suite runs twice: as is, and as
# stress/... with WALOS_RUN_STRESS_BLOCK=1 (every other blocking platform call answers "would block"
# first, as the kernel backend may: the engine's WASM_BLOCK/resume path and wasi/'s retries). Then the
# real programs from npm (tests/wasi/real.py) and the freestanding build of wasi/. When walos-run
# cannot be built (the engine is not complete), every test is reported skipped with that reason.
#   make wasi-call-bench   the cost of a cheap WASI call from wasm vs the native syscall (not a test)
TEST_SUITES += wasi
WASI_PROG_DIR := $(BUILD)/wasi-programs
WASI_PROGS := $(patsubst tests/wasi/programs/%.c,$(WASI_PROG_DIR)/%.wasm,$(wildcard tests/wasi/programs/*.c)) \
              $(patsubst tests/wasi/programs/%.wat,$(WASI_PROG_DIR)/%.wasm,$(wildcard tests/wasi/programs/*.wat))

$(WASI_PROG_DIR)/%.wasm: tests/wasi/programs/%.c | deps
	@mkdir -p $(@D)
	$(WASM_CC) $(WASM_CFLAGS) -o $@ $<
$(WASI_PROG_DIR)/%.wasm: tests/wasi/programs/%.wat | deps
	@mkdir -p $(@D)
	wat2wasm -o $@ $<
$(WASI_PROG_DIR)/%.native: tests/wasi/programs/%.c
	@mkdir -p $(@D)
	$(CC) -O2 $(CWARNS) -o $@ $<

.PHONY: test-wasi wasi-programs wasi-call-bench
wasi-programs: $(WASI_PROGS)

test-wasi:
	@mkdir -p $(BUILD)/test-logs
	@if $(MAKE) --no-print-directory $(BUILD)/walos-run wasi-programs >$(BUILD)/test-logs/walos-run-build.log 2>&1; then \
	  python3 tests/wasi/run.py --walos-run $(BUILD)/walos-run --suite $(SHARED)/testsuites/wasi --work $(BUILD)/wasi-testsuite --own $(WASI_PROG_DIR) --real $(BUILD) --stress \
	    --check "build/wasi-freestanding=$(MAKE) --no-print-directory wasi-freestanding"; \
	else \
	  python3 tests/wasi/run.py --skip "engine cannot run yet (walos-run does not build: $(BUILD)/test-logs/walos-run-build.log)" --suite $(SHARED)/testsuites/wasi --work $(BUILD)/wasi-testsuite --own $(WASI_PROG_DIR) --real $(BUILD) --stress \
	    --check "build/wasi-freestanding=$(MAKE) --no-print-directory wasi-freestanding"; \
	fi

# ns per call of clock_time_get and of fd_write(0 bytes) to /dev/null, inside wasm under walos-run,
# next to the same calls made natively as Linux syscalls, in one run. N=iterations.
wasi-call-bench: $(BUILD)/walos-run $(WASI_PROG_DIR)/wasi_call_bench.wasm $(WASI_PROG_DIR)/wasi_call_bench.native
	@$(WASI_PROG_DIR)/wasi_call_bench.native $(or $(N),1000000)
	@$(BUILD)/walos-run --dir /dev::/dev $(WASI_PROG_DIR)/wasi_call_bench.wasm $(or $(N),1000000)
