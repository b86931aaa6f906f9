# tests/spec/rules.mk — the official core spec suite (suite "spec").
#
#   make spec [FILE=i32]   convert (wast2json, at test time, into $(BUILD)/spec/NAME/) and run every
#                          core file, or one; prints per-file lines and "N passed, N failed, N skipped"
#   make test-spec         the same, as a suite of `make test`
#   make spec-runner       builds $(SPEC_RUNNER) (tests/spec/spec_runner.c + json.c + the engine)
# The runner's own objects must always compile. While the engine does not link yet (engine-core's
# sources in progress), the suite reports every command as skipped and says why.
# One file by hand, all failures shown: $(SPEC_RUNNER) -v $(BUILD)/spec/i32/i32.json
# (add --bounds=guard for guard-page mode; run-spec runs every file in both modes)

SPEC_RUNNER := $(BUILD)/host/tests/spec_runner
SPEC_RUNNER_OBJS := $(BUILD)/host/spec/spec_runner.o $(BUILD)/host/spec/json.o
# the POSIX platform's engine section (reserved memories) and its fault handler (guard-page mode)
SPEC_ENGINE_SRCS := $(ENGINE_SRCS) host/platform_posix.c host/guard_posix.c

$(BUILD)/host/spec/%.o: tests/spec/%.c | deps
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) -c -o $@ $<

$(SPEC_RUNNER): $(SPEC_RUNNER_OBJS) $(SPEC_ENGINE_SRCS) $(ENGINE_HDRS)
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) -o $@ $(SPEC_RUNNER_OBJS) $(SPEC_ENGINE_SRCS) $(HOST_LDFLAGS)

.PHONY: spec spec-runner test-spec
TEST_SUITES += spec
spec-runner: $(SPEC_RUNNER)

spec test-spec: $(SPEC_RUNNER_OBJS)
	@mkdir -p $(BUILD)/test-logs $(BUILD)/spec
	@if $(MAKE) --no-print-directory spec-runner >$(BUILD)/test-logs/spec-link.log 2>&1; \
	 then runner=$(SPEC_RUNNER); else runner=-; tail -n 5 $(BUILD)/test-logs/spec-link.log; fi; \
	 tests/spec/run-spec $$runner $(SHARED)/testsuites/spec $(BUILD)/spec $(FILE)
