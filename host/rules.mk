# host/rules.mk — walos-run: the engine and wasi/ on POSIX (host/walos_run.c).
#
#   $(BUILD)/walos-run   built by `make` and by `make build/walos-run`.
# Links $(ENGINE_SRCS) (engine/rules.mk), $(WASI_SRCS) (wasi/rules.mk) and host/platform_posix*.c,
# which implements the whole of include/walos/platform.h.

HOST_PLATFORM_SRCS := host/platform_posix.c host/platform_posix_wasi.c host/platform_posix_sock.c
# guard_posix.c needs the engine: it is not part of the platform (the WASI unit tests link that alone)
WALOS_RUN_SRCS := host/walos_run.c host/guard_posix.c $(HOST_PLATFORM_SRCS)

all: $(BUILD)/walos-run

$(BUILD)/walos-run: $(WALOS_RUN_SRCS) $(wildcard wasi/*.c wasi/*.h host/*.h engine/*.h include/walos/*.h) $(ENGINE_SRCS) | deps
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) -o $@ $(WALOS_RUN_SRCS) $(wildcard wasi/*.c) $(ENGINE_SRCS) $(HOST_LDFLAGS)
