/* panic: for kernel bugs only. Prints the reason and a symbolized
 * backtrace, then leaves QEMU with PANIC_EXIT_STATUS so a test harness can
 * tell a panic from any user program's verdict. */
#include "arch.h"
#include "console.h"
#include "fmt.h"
#include "kassert.h"
#include "panic.h"
#include <stdarg.h>

static int panicking;

void panic(const char *fmt, ...)
{
	arch_intr_off();
	char buf[256];
	va_list ap;
	va_start(ap, fmt);
	kvsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	kprintf("\npanic: %s\n", buf);
	if (!panicking++)
		arch_backtrace(arch_frame_pointer());
	arch_poweroff(PANIC_EXIT_STATUS);
}
