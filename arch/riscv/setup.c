/* Board bring-up from the device tree: traps, SBI, timer frequency, UART,
 * PLIC, power-off device and the kernel page table. */
#include "arch.h"
#include "board.h"
#include "console.h"
#include "hooks.h"
#include "mmu.h"
#include "plic.h"
#include "platform.h"
#include "sbi.h"

#define UART_MAP_SIZE 0x100
#define TEST_DEV_MAP_SIZE 0x1000

static void uart_interrupt(void)
{
	int c;
	while ((c = arch_console_getc()) >= 0)
		tty_input(c);
}

void arch_setup(uint64_t hartid, const struct fdt *fdt, uint64_t ram_start, uint64_t ram_end)
{
	struct board b;

	trap_init();
	sbi_init();
	arch_timebase_hz = fdt_timebase_hz(fdt);
	board_probe(fdt, &b);
	arch_vm_init(ram_start, ram_end);
	if (b.uart_base)
		kvm_map_device(b.uart_base, UART_MAP_SIZE);
	if (b.plic_base)
		kvm_map_device(b.plic_base, b.plic_size);
	if (b.poweroff_base)
		kvm_map_device(b.poweroff_base, TEST_DEV_MAP_SIZE);
	mmu_activate(kernel_pagetable);
	if (b.uart_base)
		uart_init(b.uart_base);
	power_init(b.poweroff_base);
	if (b.plic_base && b.uart_base) {
		plic_init(b.plic_base, hartid);
		plic_enable(b.uart_irq, uart_interrupt);
		uart_enable_rx_interrupt();
	}
}

void arch_describe_firmware(void)
{
	long spec = sbi_spec_version();
	long impl_version = sbi_impl_version();
	kprintf("firmware: %s %ld.%ld, SBI spec %ld.%ld, timer via %s\n",
		sbi_impl_name(sbi_impl_id()), impl_version >> 16, impl_version & 0xffff,
		(spec >> 24) & 0x7f, spec & 0xffffff,
		sbi_has_time_ext() ? "SBI TIME extension" : "legacy SBI set_timer");
	kprintf("cpu: %s\n", arch_fpu_present
				     ? "FPU (F, D), switched lazily"
				     : "no FPU: a floating-point instruction kills its process");
}
