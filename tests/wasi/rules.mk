# tests/wasi/rules.mk — suite "wasi": the official WASI preview1 testsuite ($(SHARED)/testsuites/wasi,
# 72 tests) under $(BUILD)/walos-run, by tests/wasi/run.py (semantics: that folder's FORMAT.md).
# The suite is copied to $(BUILD)/wasi-testsuite first (tests write files). When walos-run cannot be
# built (the engine is not complete yet), every test is reported skipped with that reason.
TEST_SUITES += wasi
.PHONY: test-wasi
test-wasi:
	@mkdir -p $(BUILD)/test-logs
	@if $(MAKE) --no-print-directory $(BUILD)/walos-run >$(BUILD)/test-logs/walos-run-build.log 2>&1; then \
	  python3 tests/wasi/run.py --walos-run $(BUILD)/walos-run --suite $(SHARED)/testsuites/wasi --work $(BUILD)/wasi-testsuite; \
	else \
	  python3 tests/wasi/run.py --skip "engine cannot run yet (walos-run does not build: $(BUILD)/test-logs/walos-run-build.log)" --suite $(SHARED)/testsuites/wasi --work $(BUILD)/wasi-testsuite; \
	fi
