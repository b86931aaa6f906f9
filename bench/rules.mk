# bench/: `make bench` builds the programs of $(SHARED)/bench to wasm32-wasi (clang -O2, Debian
# wasi-libc) and natively (gcc -O2, as that folder's README says), runs each natively, under walos-run
# and, when WASM3=/path/to/wasm3 is given, under wasm3 in the same run, and prints times, ratios to
# native (and to wasm3) and the geomean. Figures are ratios within one run; never assert on them.
BENCH_PROGS := fib sieve matmul nbody sha256 qsort interp memops strmalloc
BENCH_DIR := $(BUILD)/bench
BENCH_WASM := $(addprefix $(BENCH_DIR)/,$(addsuffix .wasm,$(BENCH_PROGS))) $(BENCH_DIR)/memops-bulk.wasm
BENCH_NATIVE := $(addprefix $(BENCH_DIR)/,$(addsuffix .native,$(BENCH_PROGS))) $(BENCH_DIR)/memops-bulk.native

$(BENCH_DIR)/%.wasm: $(SHARED)/bench/%.c | deps
	@mkdir -p $(@D)
	$(WASM_CC) -O2 -o $@ $< -lm
$(BENCH_DIR)/memops-bulk.wasm: $(SHARED)/bench/memops.c | deps
	@mkdir -p $(@D)
	$(WASM_CC) -O2 -mbulk-memory -o $@ $< -lm
$(BENCH_DIR)/%.native: $(SHARED)/bench/%.c
	@mkdir -p $(@D)
	gcc -O2 -o $@ $< -lm
$(BENCH_DIR)/memops-bulk.native: $(SHARED)/bench/memops.c
	@mkdir -p $(@D)
	gcc -O2 -o $@ $< -lm

.PHONY: bench bench-programs
bench-programs: $(BENCH_WASM) $(BENCH_NATIVE)
# WASM3=/path/to/wasm3 adds the side-by-side column; BENCH=fib,sieve picks programs; REPEAT=N takes the
# median of N runs. Then the other measures, one after the other: the cost of a WASI call next to a
# Linux syscall (tests/wasi/rules.mk), boot times (kernel/rules.mk), disk throughput in QEMU
# (kernel/drivers/rules.mk).
bench: bench-programs $(BUILD)/walos-run
	@python3 bench/run --dir $(BENCH_DIR) --walos-run $(BUILD)/walos-run \
	    $(if $(WASM3),--wasm3 $(WASM3)) $(if $(BENCH),--only $(BENCH)) $(if $(REPEAT),--repeat $(REPEAT))
	@$(MAKE) --no-print-directory wasi-call-bench
	@$(MAKE) --no-print-directory kernel-boottime
	@$(MAKE) --no-print-directory storage-bench
