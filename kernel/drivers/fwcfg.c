/* kernel/drivers/fwcfg.c — QEMU fw_cfg over I/O ports (contract in fwcfg.h).
 * Reference: QEMU docs/specs/fw_cfg.rst (selector 0x0000 signature, 0x0019 file directory;
 * directory fields are big-endian). */
#include "kernel/drivers/fwcfg.h"

#include <stdint.h>
#include "kernel/arch/x86_64/cpu.h"
#include "kernel/lib/string.h"

#define FWCFG_PORT_SELECTOR 0x510
#define FWCFG_PORT_DATA 0x511
#define FWCFG_SIGNATURE 0x0000
#define FWCFG_FILE_DIR 0x0019

struct fwcfg_file { /* one directory entry, big-endian fields */
    uint32_t size;
    uint16_t select;
    uint16_t reserved;
    char name[56];
};

static void select_item(uint16_t key) { outw(FWCFG_PORT_SELECTOR, key); }

static void read_bytes(void *buf, size_t n)
{
    uint8_t *p = buf;
    for (size_t i = 0; i < n; i++)
        p[i] = inb(FWCFG_PORT_DATA);
}

static uint32_t be32(uint32_t v) { return __builtin_bswap32(v); }
static uint16_t be16(uint16_t v) { return __builtin_bswap16(v); }

bool fwcfg_present(void)
{
    char sig[4];
    select_item(FWCFG_SIGNATURE);
    read_bytes(sig, sizeof sig);
    return memcmp(sig, "QEMU", 4) == 0;
}

long fwcfg_read_file(const char *name, void *buf, size_t size)
{
    if (!fwcfg_present())
        return -1;
    uint32_t count;
    select_item(FWCFG_FILE_DIR);
    read_bytes(&count, sizeof count);
    count = be32(count);
    for (uint32_t i = 0; i < count; i++) {
        struct fwcfg_file f;
        read_bytes(&f, sizeof f);
        f.name[sizeof f.name - 1] = 0;
        if (strcmp(f.name, name) != 0)
            continue;
        uint32_t len = be32(f.size);
        select_item(be16(f.select));
        read_bytes(buf, len < size ? len : size);
        return len;
    }
    return -1;
}
