/* kernel/arch/x86_64/fpu.c — FPU/SSE/XSAVE set-up and state save/restore (contract in fpu.h).
 * Reference: Intel SDM vol. 1, 13.2-13.3 (XSAVE enumeration, XCR0), vol. 3A 13.1 (OS support). */
#include "kernel/arch/x86_64/fpu.h"

#include "kernel/arch/x86_64/cpu.h"
#include "kernel/lib/string.h"

#define FXSAVE_AREA_SIZE 512
#define MXCSR_DEFAULT 0x1f80 /* all exceptions masked, round to nearest */
#define FCW_DEFAULT 0x037f
#define XSAVE_HEADER_OFFSET 512

static struct {
    bool xsave;
    uint64_t xcr0;
    uint32_t size;
    uint8_t clean[FPU_AREA_MAX] __attribute__((aligned(64)));
} fpu;

void fpu_init(void)
{
    write_cr0((read_cr0() & ~(CR0_EM | CR0_TS)) | CR0_MP | CR0_NE);
    write_cr4(read_cr4() | CR4_OSFXSR | CR4_OSXMMEXCPT);
    uint32_t a, b, c, d;
    cpuid(1, 0, &a, &b, &c, &d);
    fpu.xsave = false;
    fpu.size = FXSAVE_AREA_SIZE;
    if (c & CPUID1_ECX_XSAVE) {
        write_cr4(read_cr4() | CR4_OSXSAVE);
        uint64_t xcr0 = XCR0_X87 | XCR0_SSE | ((c & CPUID1_ECX_AVX) ? XCR0_AVX : 0);
        write_xcr0(xcr0);
        cpuid(0xd, 0, &a, &b, &c, &d); /* ebx: area size for the features enabled in XCR0 */
        if (b && b <= FPU_AREA_MAX) {
            fpu.xsave = true;
            fpu.xcr0 = xcr0;
            fpu.size = b;
        }
    }
    fninit();
    ldmxcsr(MXCSR_DEFAULT);
    /* the clean state every new context starts from */
    memset(fpu.clean, 0, sizeof fpu.clean);
    fpu_save(fpu.clean);
}

bool fpu_uses_xsave(void) { return fpu.xsave; }
uint32_t fpu_area_size(void) { return fpu.size; }
uint64_t fpu_xcr0(void) { return fpu.xcr0; }

void fpu_area_init(void *area)
{
    memcpy(area, fpu.clean, fpu.size);
}

void fpu_save(void *area)
{
    if (fpu.xsave)
        xsave(area, fpu.xcr0);
    else
        fxsave(area);
}

void fpu_restore(const void *area)
{
    if (fpu.xsave)
        xrstor(area, fpu.xcr0);
    else
        fxrstor(area);
}
