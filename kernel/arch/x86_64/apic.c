/* kernel/arch/x86_64/apic.c — local APIC and its timer (contract in apic.h).
 * Reference: Intel SDM vol. 3A, chapter 10 (APIC): register map table 10-1, LVT 10.5.1, timer 10.5.4. */
#include "kernel/arch/x86_64/apic.h"

#include "kernel/arch/x86_64/cpu.h"
#include "kernel/arch/x86_64/pit.h"
#include "kernel/arch/x86_64/trap.h"
#include "kernel/mm/vmm.h"

enum { /* register offsets */
    LAPIC_ID = 0x020, LAPIC_TPR = 0x080, LAPIC_EOI = 0x0b0, LAPIC_SVR = 0x0f0, LAPIC_ESR = 0x280,
    LAPIC_LVT_TIMER = 0x320, LAPIC_LVT_LINT0 = 0x350, LAPIC_LVT_LINT1 = 0x360, LAPIC_LVT_ERROR = 0x370,
    LAPIC_TIMER_INIT = 0x380, LAPIC_TIMER_CURRENT = 0x390, LAPIC_TIMER_DIVIDE = 0x3e0,
};
#define APIC_BASE_ENABLE (1ULL << 11)
#define SVR_ENABLE 0x100
#define LVT_MASKED (1u << 16)
#define LVT_TIMER_PERIODIC (1u << 17)
#define TIMER_DIVIDE_16 0x3
#define CALIBRATE_MS 10

static struct {
    volatile uint32_t *regs;
    uint64_t timer_hz;
} lapic;

static uint32_t reg_read(uint32_t off) { return lapic.regs[off / 4]; }
static void reg_write(uint32_t off, uint32_t v) { lapic.regs[off / 4] = v; }

int apic_init(uint64_t lapic_phys)
{
    uint32_t a, b, c, d;
    cpuid(1, 0, &a, &b, &c, &d);
    if (!(d & CPUID1_EDX_APIC))
        return -1;
    if (!lapic_phys)
        lapic_phys = rdmsr(MSR_APIC_BASE) & ~0xfffULL;
    wrmsr(MSR_APIC_BASE, rdmsr(MSR_APIC_BASE) | APIC_BASE_ENABLE);
    lapic.regs = vmm_map_mmio(lapic_phys, 4096);
    if (!lapic.regs)
        return -1;
    reg_write(LAPIC_TPR, 0);
    reg_write(LAPIC_LVT_TIMER, LVT_MASKED);
    reg_write(LAPIC_LVT_LINT0, LVT_MASKED);
    reg_write(LAPIC_LVT_LINT1, LVT_MASKED);
    reg_write(LAPIC_LVT_ERROR, VEC_LAPIC_ERROR);
    reg_write(LAPIC_ESR, 0);
    reg_write(LAPIC_SVR, SVR_ENABLE | VEC_SPURIOUS);
    apic_eoi();
    return 0;
}

uint32_t apic_id(void)
{
    return reg_read(LAPIC_ID) >> 24;
}

void apic_eoi(void)
{
    reg_write(LAPIC_EOI, 0);
}

uint64_t apic_timer_calibrate(uint64_t *tsc_hz_out)
{
    reg_write(LAPIC_TIMER_DIVIDE, TIMER_DIVIDE_16);
    reg_write(LAPIC_LVT_TIMER, LVT_MASKED);
    pit_oneshot_start(CALIBRATE_MS);
    uint64_t tsc0 = rdtsc();
    reg_write(LAPIC_TIMER_INIT, 0xffffffffu);
    pit_oneshot_wait();
    uint32_t left = reg_read(LAPIC_TIMER_CURRENT);
    uint64_t tsc1 = rdtsc();
    reg_write(LAPIC_TIMER_INIT, 0);
    lapic.timer_hz = (uint64_t)(0xffffffffu - left) * 1000 / CALIBRATE_MS;
    *tsc_hz_out = (tsc1 - tsc0) * 1000 / CALIBRATE_MS;
    return lapic.timer_hz;
}

void apic_timer_start(uint32_t hz)
{
    reg_write(LAPIC_TIMER_DIVIDE, TIMER_DIVIDE_16);
    reg_write(LAPIC_LVT_TIMER, LVT_TIMER_PERIODIC | VEC_LAPIC_TIMER);
    uint64_t count = lapic.timer_hz / hz;
    reg_write(LAPIC_TIMER_INIT, (uint32_t)(count ? count : 1));
}
