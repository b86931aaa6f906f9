# srv/httpd/rules.mk — the network programs: srv/httpd (static-file HTTP/1.1 server), srv/bin/wget.c
# (HTTP client) and srv/bin/nc.c (netcat: uploads, name lookups), all over sdk/wasmedge_socket.h,
# built into $(BUILD)/srv/ and shipped as /bin/httpd.wasm, /bin/wget.wasm, /bin/nc.wasm and
# /www/index.html.
# Tested by the suite "sockets" (tests/sockets/).

HTTPD_PROGS := $(BUILD)/srv/httpd.wasm $(BUILD)/srv/wget.wasm $(BUILD)/srv/nc.wasm $(BUILD)/srv/socktest.wasm

$(BUILD)/srv/httpd.wasm: srv/httpd/httpd.c sdk/wasmedge_socket.h | deps
	@mkdir -p $(@D)
	$(WASM_CC) $(WASM_CFLAGS) -std=c11 -D_DEFAULT_SOURCE -I. -o $@ $<

$(BUILD)/srv/wget.wasm: srv/bin/wget.c sdk/wasmedge_socket.h | deps
	@mkdir -p $(@D)
	$(WASM_CC) $(WASM_CFLAGS) -std=c11 -D_DEFAULT_SOURCE -I. -o $@ $<

$(BUILD)/srv/nc.wasm: srv/bin/nc.c sdk/wasmedge_socket.h | deps
	@mkdir -p $(@D)
	$(WASM_CC) $(WASM_CFLAGS) -std=c11 -D_DEFAULT_SOURCE -I. -o $@ $<

# the socket API test program of net-httpd-sockapi.test (runs inside walos)
$(BUILD)/srv/socktest.wasm: tests/qemu/net/socktest.c sdk/wasmedge_socket.h | deps
	@mkdir -p $(@D)
	$(WASM_CC) $(WASM_CFLAGS) -std=c11 -D_DEFAULT_SOURCE -I. -o $@ $<

.PHONY: httpd
httpd: $(HTTPD_PROGS)
all: httpd

# (its unit file is srv/etc/services/httpd.conf, shipped by srv/rules.mk with the other units)
ROOT_FILES += $(BUILD)/srv/httpd.wasm:bin/httpd.wasm $(BUILD)/srv/wget.wasm:bin/wget.wasm \
              $(BUILD)/srv/nc.wasm:bin/nc.wasm $(BUILD)/srv/socktest.wasm:bin/test/socktest.wasm \
              srv/httpd/www/index.html:www/index.html
