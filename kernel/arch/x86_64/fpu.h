/* kernel/arch/x86_64/fpu.h — x87/SSE(/AVX) state: enabling it and saving it per thread of execution.
 *
 * fpu_init turns on SSE (CR0.MP, CR0.NE, CR4.OSFXSR, CR4.OSXMMEXCPT), and XSAVE with x87+SSE(+AVX)
 * in XCR0 when the CPU has it; otherwise FXSAVE is used. The state is saved and restored eagerly at
 * every context switch (context.h): no lazy switching, CR0.TS stays clear. An area is
 * fpu_area_size() bytes, 64-byte aligned, and starts from fpu_area_init (a clean FPU state). */
#ifndef KERNEL_ARCH_X86_64_FPU_H
#define KERNEL_ARCH_X86_64_FPU_H

#include <stdint.h>
#include <stdbool.h>

#define FPU_AREA_MAX 4096 /* the largest area we accept (XSAVE with AVX needs 832 bytes) */

void fpu_init(void);
bool fpu_uses_xsave(void);
uint32_t fpu_area_size(void);
uint64_t fpu_xcr0(void);
/* fills area (fpu_area_size bytes, 64-aligned) with the initial FPU state */
void fpu_area_init(void *area);
void fpu_save(void *area);
void fpu_restore(const void *area);

#endif
