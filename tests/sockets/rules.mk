# tests/sockets/rules.mk — suite "sockets": the WasmEdge socket extension (wasi/sock_ext.c,
# host/platform_posix_sock.c), srv/httpd and srv/bin/wget, all under $(BUILD)/walos-run on the host,
# against python3 and curl peers on 127.0.0.1 / ::1 only (tests/sockets/run.py).
#   make test-sockets
TEST_SUITES += sockets
SOCKETS_PROG_DIR := $(BUILD)/sockets
SOCKETS_PROGS := $(patsubst tests/sockets/programs/%.c,$(SOCKETS_PROG_DIR)/%.wasm,$(wildcard tests/sockets/programs/*.c))

$(SOCKETS_PROG_DIR)/%.wasm: tests/sockets/programs/%.c sdk/wasmedge_socket.h | deps
	@mkdir -p $(@D)
	$(WASM_CC) $(WASM_CFLAGS) -I. -o $@ $<

.PHONY: test-sockets
test-sockets:
	@mkdir -p $(BUILD)/test-logs
	@if $(MAKE) --no-print-directory $(BUILD)/walos-run $(SOCKETS_PROGS) $(HTTPD_PROGS) >$(BUILD)/test-logs/sockets-build.log 2>&1; then \
	  python3 tests/sockets/run.py --walos-run $(BUILD)/walos-run --progs $(SOCKETS_PROG_DIR) --srv $(BUILD)/srv --work $(BUILD)/sockets-work; \
	else \
	  python3 tests/sockets/run.py --skip "build failed: $(BUILD)/test-logs/sockets-build.log"; \
	fi
