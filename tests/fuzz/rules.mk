# tests/fuzz/rules.mk — libFuzzer targets for the engine (suite "fuzz").
#
#   fuzz_load    decode + validate any bytes (wasm_module_load)
#   fuzz_run     load + instantiate with stub imports + run start and exports under small limits
#   load_errors  checked load errors: code and exact "offset 0x..: rule" message of crafted modules
#   differential_validate  FUZZ_GEN_COUNT modules from tests/fuzz/gen_modules.py (type-directed, mostly
#                valid) must get the same verdict from the engine (tests/fuzz/verdict.c) as from
#                wabt's wasm-validate
# Built with clang -fsanitize=fuzzer,address,undefined (UB aborts). `make test-fuzz` runs each target
# for FUZZ_RUNS executions (default 100000) over a seed corpus made of the spec tests' modules
# ($(BUILD)/spec/*/*.wasm, converted here when missing), with -max_len, a per-input timeout and
# -detect_leaks=1; crash inputs land in $(BUILD)/fuzz/artifacts/. While the engine does not link
# yet, the suite reports its tests as skipped and says why.
# Reproduce a crash: $(BUILD)/fuzz/fuzz_load $(BUILD)/fuzz/artifacts/crash-...

FUZZ_RUNS ?= 100000
FUZZ_CFLAGS := -std=c11 -g -O1 $(CWARNS) -Iinclude -I. -D_DEFAULT_SOURCE -D_GNU_SOURCE \
    -fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZ_ENGINE_SRCS := $(ENGINE_SRCS) $(wildcard tests/unit/engine/platform_test.c)
FUZZ_GEN_COUNT ?= 1500
FUZZ_BINS := $(BUILD)/fuzz/fuzz_load $(BUILD)/fuzz/fuzz_run $(BUILD)/fuzz/load_errors $(BUILD)/fuzz/verdict

$(BUILD)/fuzz/obj/%.o: tests/fuzz/%.c | deps
	@mkdir -p $(@D)
	$(CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

$(BUILD)/fuzz/fuzz_%: $(BUILD)/fuzz/obj/fuzz_%.o $(FUZZ_ENGINE_SRCS) $(ENGINE_HDRS)
	$(CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_ENGINE_SRCS) -lm

$(BUILD)/fuzz/load_errors $(BUILD)/fuzz/verdict: $(BUILD)/fuzz/%: $(BUILD)/fuzz/obj/%.o $(FUZZ_ENGINE_SRCS) $(ENGINE_HDRS)
	$(CC) $(FUZZ_CFLAGS) -o $@ $< $(FUZZ_ENGINE_SRCS) -lm

.PHONY: fuzz fuzz-build test-fuzz
TEST_SUITES += fuzz
fuzz-build: $(FUZZ_BINS)

fuzz test-fuzz: $(patsubst %,$(BUILD)/fuzz/obj/%.o,fuzz_load fuzz_run load_errors verdict)
	@mkdir -p $(BUILD)/test-logs
	@if $(MAKE) --no-print-directory fuzz-build >$(BUILD)/test-logs/fuzz-link.log 2>&1; \
	 then tests/fuzz/run-fuzz $(BUILD) $(SHARED)/testsuites/spec $(FUZZ_RUNS) $(FUZZ_GEN_COUNT); \
	 else tail -n 5 $(BUILD)/test-logs/fuzz-link.log; \
	   echo "skip fuzz_load, fuzz_run, load_errors, differential_validate: the engine does not link yet (see $(BUILD)/test-logs/fuzz-link.log)"; \
	   echo "0 passed, 0 failed, 4 skipped"; fi
