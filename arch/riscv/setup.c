/* Board bring-up from the device tree: traps, SBI, timer frequency, UART,
 * PLIC, power-off device and the kernel page table. */
#include "arch.h"
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

void arch_setup(uint64_t hartid, const struct fdt_info *fdt)
{
	trap_init();
	sbi_init();
	arch_timebase_hz = fdt->timebase_hz;
	arch_vm_init(fdt->mem.base, fdt->mem.base + fdt->mem.size);
	if (fdt->uart_base)
		kvm_map_device(fdt->uart_base, UART_MAP_SIZE);
	if (fdt->plic_base)
		kvm_map_device(fdt->plic_base, fdt->plic_size);
	if (fdt->poweroff_base)
		kvm_map_device(fdt->poweroff_base, TEST_DEV_MAP_SIZE);
	mmu_activate(kernel_pagetable);
	if (fdt->uart_base)
		uart_init(fdt->uart_base);
	power_init(fdt->poweroff_base);
	if (fdt->plic_base && fdt->uart_base) {
		plic_init(fdt->plic_base, hartid);
		plic_enable(fdt->uart_irq, uart_interrupt);
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
}
