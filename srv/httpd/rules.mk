# srv/httpd/rules.mk — the network programs: srv/httpd (static-file HTTP/1.1 server) and
# srv/bin/wget.c (HTTP client), both over sdk/wasmedge_socket.h, built into $(BUILD)/srv/ and shipped
# as /bin/httpd.wasm, /bin/wget.wasm, /www/index.html and the unit /etc/services/httpd.conf.
# Tested by the suite "sockets" (tests/sockets/).

HTTPD_PROGS := $(BUILD)/srv/httpd.wasm $(BUILD)/srv/wget.wasm

$(BUILD)/srv/httpd.wasm: srv/httpd/httpd.c sdk/wasmedge_socket.h | deps
	@mkdir -p $(@D)
	$(WASM_CC) $(WASM_CFLAGS) -std=c11 -D_DEFAULT_SOURCE -I. -o $@ $<

$(BUILD)/srv/wget.wasm: srv/bin/wget.c sdk/wasmedge_socket.h | deps
	@mkdir -p $(@D)
	$(WASM_CC) $(WASM_CFLAGS) -std=c11 -D_DEFAULT_SOURCE -I. -o $@ $<

.PHONY: httpd
httpd: $(HTTPD_PROGS)
all: httpd

ROOT_FILES += $(BUILD)/srv/httpd.wasm:bin/httpd.wasm $(BUILD)/srv/wget.wasm:bin/wget.wasm \
              srv/httpd/www/index.html:www/index.html srv/httpd/httpd.conf:etc/services/httpd.conf
