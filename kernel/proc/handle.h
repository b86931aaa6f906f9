/* kernel/proc/handle.h — kernel objects behind plat_handle values: files, directories, the console,
 * pipe ends. Implemented in platform_kernel_wasi.c, which also implements the WASI section of
 * include/walos/platform.h over them.
 *
 * Each process has its own table (struct proc.handles); a plat_handle is an index into the table of
 * the CURRENT process (proc_current(); the kernel's own table when none runs). Objects are
 * refcounted: duplicating a handle into a child shares the object (one open file, one pipe end).
 * The console reads COM1 and the PS/2 keyboard (through handle_console_pump) and writes to COM1 and
 * the framebuffer console. Pipes hold HANDLE_PIPE_BYTES; reading an empty pipe with a writer, or
 * writing a full one with a reader, returns PLAT_WOULD_BLOCK (the process is parked). */
#ifndef KERNEL_PROC_HANDLE_H
#define KERNEL_PROC_HANDLE_H

#include <stdbool.h>
#include <walos/platform.h>

struct proc;

#define HANDLE_PIPE_BYTES 4096

/* A new handle for the console in p's table; -1 when the table is full or out of memory. */
plat_handle handle_console(struct proc *p);
/* Opens the VFS directory at absolute path as a handle in p's table; -1 when it fails. */
plat_handle handle_open_dir(struct proc *p, const char *path);
/* Opens (creating it, and its missing parent directories) the file at absolute path for appending,
 * as a handle in p's table; -1 when it fails. For service logs. */
plat_handle handle_open_log(struct proc *p, const char *path);
/* Installs in `to` a handle sharing from's handle h; -1 when h is not open or the table is full. */
plat_handle handle_dup(struct proc *to, struct proc *from, plat_handle h);
/* Closes handle h of p's table (NULL: the kernel's), whoever is running; no-op when h is not open. */
void handle_close(struct proc *p, plat_handle h);
/* Makes a pipe in p's table: *rd_out the read end, *wr_out the write end. WASI errno. */
int handle_pipe(struct proc *p, plat_handle *rd_out, plat_handle *wr_out);
/* The directory node behind p's handle h (no new reference; valid while h stays open), or NULL
 * when h is not an open directory. */
struct vfs_node *handle_dir_node(struct proc *p, plat_handle h);
/* Closes every handle of p (at exit). */
void handle_close_all(struct proc *p);
/* Moves what arrived on COM1 and the keyboard into the console input buffer; true when something
 * did (the scheduler then calls proc_event). Interrupts must be off or it may race the IRQ. */
bool handle_console_pump(void);
/* How many Ctrl-C (0x03) bytes the console has received (they are queued as input too): a parent
 * parked in walos_proc wait returns EINTR when this changes. */
unsigned long handle_console_interrupts(void);
/* Whether console input is waiting. */
bool handle_console_has_input(void);
/* Takes up to len bytes of console input (after a pump); 0 when none wait. Never blocks (/dev/console). */
size_t handle_console_take(void *buf, size_t len);
/* Writes to the console: COM1 and the framebuffer (/dev/console, and the console handle). */
void handle_console_out(const void *buf, size_t len);

#endif
