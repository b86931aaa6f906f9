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
# (kernel/drivers/rules.mk), and walos side by side with a Linux guest in QEMU (below).
bench: bench-programs $(BUILD)/walos-run
	@python3 bench/run --dir $(BENCH_DIR) --walos-run $(BUILD)/walos-run \
	    $(if $(WASM3),--wasm3 $(WASM3)) $(if $(BENCH),--only $(BENCH)) $(if $(REPEAT),--repeat $(REPEAT))
	@$(MAKE) --no-print-directory wasi-call-bench
	@$(MAKE) --no-print-directory kernel-boottime
	@$(MAKE) --no-print-directory storage-bench
	@$(MAKE) --no-print-directory bench-sidebyside

# ---- side by side with a Linux guest (issues 6 and 7): `make bench-sidebyside`, also run by `make bench`
# bench/sysbench/ is one system-call benchmark source built twice (osdep_linux.c: gcc -static for the
# Linux guest; osdep_walos.c: wasm32-wasi for walos), plus the hello-world it spawns and walos's upload
# sink. bench/linux-guest/build-guest makes the Linux guest from Debian packages (apt-get download,
# nothing installed on the host); bench/sidebyside boots both in the same QEMU set-up and prints the
# table. A guest that cannot be built (no package) makes that part print "skipped", not fail.
# BENCH_MS=N: milliseconds per system-call measure in the guests (default 500); REPEAT=N boots per
# system for the system-call and boot figures, best kept (default 2).
SYSBENCH_DIR := $(BENCH_DIR)/sysbench
LINUX_GUEST_DIR := $(BENCH_DIR)/linux
SYSBENCH_NATIVE_CFLAGS := -std=c11 -O2 $(CWARNS) -D_DEFAULT_SOURCE -D_GNU_SOURCE -static
SYSBENCH_WASM_CFLAGS := $(WASM_CFLAGS) -std=c11 -D_DEFAULT_SOURCE -I.
SYSBENCH_WASM := $(SYSBENCH_DIR)/sysbench.wasm $(SYSBENCH_DIR)/hello.wasm $(SYSBENCH_DIR)/sink.wasm

$(SYSBENCH_DIR)/sysbench: bench/sysbench/sysbench.c bench/sysbench/osdep_linux.c bench/sysbench/osdep.h
	@mkdir -p $(@D)
	gcc $(SYSBENCH_NATIVE_CFLAGS) -o $@ bench/sysbench/sysbench.c bench/sysbench/osdep_linux.c
$(SYSBENCH_DIR)/hello: bench/sysbench/hello.c
	@mkdir -p $(@D)
	gcc $(SYSBENCH_NATIVE_CFLAGS) -o $@ $<
$(SYSBENCH_DIR)/sink: bench/sysbench/sink_linux.c
	@mkdir -p $(@D)
	gcc $(SYSBENCH_NATIVE_CFLAGS) -o $@ $<
$(SYSBENCH_DIR)/sysbench.wasm: bench/sysbench/sysbench.c bench/sysbench/osdep_walos.c bench/sysbench/osdep.h sdk/walos.h | deps
	@mkdir -p $(@D)
	$(WASM_CC) $(SYSBENCH_WASM_CFLAGS) -o $@ bench/sysbench/sysbench.c bench/sysbench/osdep_walos.c
$(SYSBENCH_DIR)/%.wasm: bench/sysbench/%.c | deps
	@mkdir -p $(@D)
	$(WASM_CC) $(SYSBENCH_WASM_CFLAGS) -o $@ $<

# walos-run linked statically, for the Linux guest: httpd.wasm and sink.wasm under walos-run there are
# the third HTTP column (the same wasm on Linux's kernel and network stack). Its sources are those of
# $(BUILD)/walos-run (host/rules.mk, read when the recipe runs), which it is rebuilt after.
$(SYSBENCH_DIR)/walos-run-static: $(BUILD)/walos-run
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) -static -o $@ $(WALOS_RUN_SRCS) $(wildcard wasi/*.c) $(ENGINE_SRCS) $(HOST_LDFLAGS)

$(LINUX_GUEST_DIR)/initramfs.cpio.gz: bench/linux-guest/build-guest bench/linux-guest/init \
    $(SYSBENCH_DIR)/sysbench $(SYSBENCH_DIR)/hello $(SYSBENCH_DIR)/sink $(wildcard srv/httpd/www/*) \
    $(SYSBENCH_DIR)/walos-run-static $(BUILD)/srv/httpd.wasm $(SYSBENCH_DIR)/sink.wasm
	bench/linux-guest/build-guest $(LINUX_GUEST_DIR) $(SYSBENCH_DIR)/sysbench $(SYSBENCH_DIR)/hello \
	    $(SYSBENCH_DIR)/sink srv/httpd/www $(SYSBENCH_DIR)/walos-run-static $(BUILD)/srv/httpd.wasm \
	    $(SYSBENCH_DIR)/sink.wasm

.PHONY: bench-sidebyside
bench-sidebyside: $(SYSBENCH_WASM)
	@mkdir -p $(LINUX_GUEST_DIR)
	@$(MAKE) --no-print-directory $(LINUX_GUEST_DIR)/initramfs.cpio.gz >$(LINUX_GUEST_DIR)/build.log 2>&1 \
	  || { tail -n 3 $(LINUX_GUEST_DIR)/build.log; rm -f $(LINUX_GUEST_DIR)/initramfs.cpio.gz; }
	@$(MAKE) --no-print-directory qemu-walos-media >$(BENCH_DIR)/walos-media.log 2>&1 \
	  || { echo "bench-sidebyside: walos media do not build (see $(BENCH_DIR)/walos-media.log)"; exit 1; }
	@python3 bench/sidebyside --programs $(SYSBENCH_DIR) --linux $(LINUX_GUEST_DIR) \
	    --walos-img $(QEMU_WALOS_IMG) --iso $(ISO) --work $(BENCH_DIR)/sidebyside $(if $(BENCH_MS),--ms $(BENCH_MS)) \
	    $(if $(REPEAT),--repeat $(REPEAT))
