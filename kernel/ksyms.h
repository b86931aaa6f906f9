/* kernel/ksyms.h — the kernel's own symbol table, for symbolized backtraces.
 *
 * The build links the kernel twice and embeds the function symbols of the first link as a table
 * (tools/ksyms.py, section .ksyms; see kernel/rules.mk). Read-only, no locking, IRQ-safe. */
#ifndef KERNEL_KSYMS_H
#define KERNEL_KSYMS_H

#include <stdint.h>

struct ksym {
    uint64_t addr;    /* function start */
    const char *name; /* NUL-terminated, in .ksyms */
};

/* the table itself, defined by the generated $(BUILD)/kernel/gen/ksyms.S (use the functions) */
extern const uint64_t ksyms_count;
extern const struct ksym ksyms_entries[];

/* Returns the name of the function containing addr (the nearest symbol at or below it) and sets
 * *offset_out to addr minus its start; NULL when addr is outside the kernel's text. */
const char *ksyms_lookup(uint64_t addr, uint64_t *offset_out);
/* number of symbols in the table (0 means the build embedded none) */
uint64_t ksyms_size(void);

#endif
