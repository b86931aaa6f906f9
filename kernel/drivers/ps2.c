/* kernel/drivers/ps2.c — i8042 keyboard (contract in ps2.h). Reference: the IBM PC/AT 8042
 * interface (ports 0x60 data, 0x64 status/command; commands 0x20/0x60 config, 0xad/0xae port 1
 * off/on, 0xd2 write keyboard output buffer) and scancode set 1 (translated). */
#include "kernel/drivers/ps2.h"

#include "kernel/arch/x86_64/apic.h"
#include "kernel/arch/x86_64/cpu.h"
#include "kernel/arch/x86_64/ioapic.h"

#define PS2_DATA 0x60
#define PS2_STATUS 0x64
#define PS2_COMMAND 0x64
#define STATUS_OUTPUT_FULL 0x01
#define STATUS_INPUT_FULL 0x02
#define CMD_READ_CONFIG 0x20
#define CMD_WRITE_CONFIG 0x60
#define CMD_DISABLE_PORT1 0xad
#define CMD_ENABLE_PORT1 0xae
#define CMD_DISABLE_PORT2 0xa7
#define CMD_WRITE_PORT1_OUTPUT 0xd2
#define CONFIG_PORT1_IRQ 0x01
#define CONFIG_PORT2_IRQ 0x02
#define CONFIG_PORT1_CLOCK_OFF 0x10
#define CONFIG_TRANSLATE 0x40
#define SC_RELEASE 0x80
#define SC_LSHIFT 0x2a
#define SC_RSHIFT 0x36
#define SC_CTRL 0x1d       /* left Ctrl; right Ctrl is the same code after the 0xe0 prefix */
#define SC_EXTENDED 0xe0   /* prefix of the extended keys (arrows, right Ctrl, keypad Enter, ...) */

static struct {
    char ring[64];
    unsigned head, tail;
    bool shift, ctrl;
    bool extended;     /* the last byte was SC_EXTENDED */
    volatile unsigned long irqs;
} kbd;

/* scancode set 1 -> ASCII, US layout, unshifted and shifted */
static const char keymap[2][58] = {
    { 0, 27, '1', '2', '3', '4', '5', '6', '7', '8', '9', '0', '-', '=', '\b', '\t', 'q', 'w', 'e',
      'r', 't', 'y', 'u', 'i', 'o', 'p', '[', ']', '\n', 0, 'a', 's', 'd', 'f', 'g', 'h', 'j', 'k',
      'l', ';', '\'', '`', 0, '\\', 'z', 'x', 'c', 'v', 'b', 'n', 'm', ',', '.', '/', 0, '*', 0, ' ' },
    { 0, 27, '!', '@', '#', '$', '%', '^', '&', '*', '(', ')', '_', '+', '\b', '\t', 'Q', 'W', 'E',
      'R', 'T', 'Y', 'U', 'I', 'O', 'P', '{', '}', '\n', 0, 'A', 'S', 'D', 'F', 'G', 'H', 'J', 'K',
      'L', ':', '"', '~', 0, '|', 'Z', 'X', 'C', 'V', 'B', 'N', 'M', '<', '>', '?', 0, '*', 0, ' ' },
};

static bool wait_input_empty(void)
{
    for (int i = 0; i < 100000; i++) {
        if (!(inb(PS2_STATUS) & STATUS_INPUT_FULL))
            return true;
        cpu_pause();
    }
    return false;
}

static bool wait_output_full(void)
{
    for (int i = 0; i < 100000; i++) {
        if (inb(PS2_STATUS) & STATUS_OUTPUT_FULL)
            return true;
        cpu_pause();
    }
    return false;
}

static void command(uint8_t cmd)
{
    wait_input_empty();
    outb(PS2_COMMAND, cmd);
}

static void write_data(uint8_t v)
{
    wait_input_empty();
    outb(PS2_DATA, v);
}

/* extended keys that a terminal sends as ESC [ ...: the final bytes after "\x1b[", by make code */
static const struct {
    uint8_t code;
    const char *seq;
} extended_keys[] = {
    {0x48, "A"}, {0x50, "B"}, {0x4d, "C"}, {0x4b, "D"}, /* arrows up, down, right, left */
    {0x47, "H"}, {0x4f, "F"}, {0x53, "3~"},             /* Home, End, Delete */
};

static void queue(char c)
{
    unsigned next = (kbd.head + 1) % sizeof kbd.ring;
    if (next != kbd.tail) {
        kbd.ring[kbd.head] = c;
        kbd.head = next;
    }
}

/* an extended make code: its escape sequence, if it has one (others, e.g. keypad Enter and right
 * Ctrl, read as their unextended twins) */
static bool queue_extended(uint8_t code)
{
    for (unsigned i = 0; i < sizeof extended_keys / sizeof extended_keys[0]; i++) {
        if (extended_keys[i].code != code)
            continue;
        queue('\x1b');
        queue('[');
        for (const char *s = extended_keys[i].seq; *s; s++)
            queue(*s);
        return true;
    }
    return false;
}

static void keyboard_irq(struct trap_frame *f)
{
    (void)f;
    while (inb(PS2_STATUS) & STATUS_OUTPUT_FULL) {
        uint8_t sc = inb(PS2_DATA);
        kbd.irqs++;
        uint8_t code = sc & (uint8_t)~SC_RELEASE;
        bool extended = kbd.extended;
        kbd.extended = sc == SC_EXTENDED;
        if (sc == SC_EXTENDED)
            continue;
        if (extended && (code == SC_LSHIFT || code == SC_RSHIFT))
            continue; /* the "fake shifts" around extended keys: not a Shift key */
        if (extended && !(sc & SC_RELEASE) && queue_extended(code))
            continue;
        if (code == SC_LSHIFT || code == SC_RSHIFT) {
            kbd.shift = !(sc & SC_RELEASE);
            continue;
        }
        if (code == SC_CTRL) {
            kbd.ctrl = !(sc & SC_RELEASE);
            continue;
        }
        if ((sc & SC_RELEASE) || code >= sizeof keymap[0] || !keymap[kbd.shift][code])
            continue;
        char c = keymap[kbd.shift][code];
        if (kbd.ctrl && ((c >= 'a' && c <= 'z') || (c >= '@' && c <= '_')))
            c &= 0x1f; /* Ctrl-A .. Ctrl-Z = 1 .. 26 (Ctrl-C is 3, the console's interrupt) */
        queue(c);
    }
    apic_eoi();
}

int ps2_init(void)
{
    if (inb(PS2_STATUS) == 0xff)
        return -1; /* nothing on the bus */
    command(CMD_DISABLE_PORT1);
    command(CMD_DISABLE_PORT2);
    while (inb(PS2_STATUS) & STATUS_OUTPUT_FULL) /* flush */
        inb(PS2_DATA);
    command(CMD_READ_CONFIG);
    if (!wait_output_full())
        return -1;
    uint8_t config = inb(PS2_DATA);
    config |= CONFIG_PORT1_IRQ | CONFIG_TRANSLATE;
    config &= (uint8_t)~(CONFIG_PORT2_IRQ | CONFIG_PORT1_CLOCK_OFF);
    command(CMD_WRITE_CONFIG);
    write_data(config);
    if (ioapic_route_isa(PS2_KEYBOARD_IRQ, keyboard_irq) < 0)
        return -1;
    command(CMD_ENABLE_PORT1);
    return 0;
}

int ps2_getc(void)
{
    bool on = irq_save();
    int c = -1;
    if (kbd.tail != kbd.head) {
        c = (unsigned char)kbd.ring[kbd.tail];
        kbd.tail = (kbd.tail + 1) % sizeof kbd.ring;
    }
    irq_restore(on);
    return c;
}

unsigned long ps2_irq_count(void)
{
    return kbd.irqs;
}

void ps2_inject(uint8_t scancode)
{
    command(CMD_WRITE_PORT1_OUTPUT);
    write_data(scancode);
}
