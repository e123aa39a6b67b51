/* ns16550a UART (QEMU virt: 0x10000000, from the device tree). Output
 * polls the transmitter; input is read when the receive interrupt says a
 * byte is waiting. Before the UART is mapped, output goes through the SBI
 * legacy console call. */
#include "arch.h"
#include "platform.h"
#include "sbi.h"

#define UART_RBR 0 /* receive buffer (read) */
#define UART_THR 0 /* transmit holding (write) */
#define UART_IER 1 /* interrupt enable */
#define UART_FCR 2 /* FIFO control (write) */
#define UART_LSR 5 /* line status */
#define UART_IER_RX BIT(0)
#define UART_FCR_ENABLE_CLEAR 0x07 /* enable FIFOs, clear both */
#define UART_LSR_DR BIT(0)	   /* data ready */
#define UART_LSR_THRE BIT(5)	   /* transmit holding register empty */

static volatile uint8_t *uart;

static uint8_t reg_read(int r) { return uart[r]; }
static void reg_write(int r, uint8_t v) { uart[r] = v; }

void uart_init(uint64_t pa)
{
	uart = pa_to_kva(pa);
	reg_write(UART_FCR, UART_FCR_ENABLE_CLEAR);
}

void uart_enable_rx_interrupt(void) { reg_write(UART_IER, UART_IER_RX); }

void arch_console_putc(char c)
{
	if (!uart) {
		sbi_call(SBI_EXT_LEGACY_PUTCHAR, 0, c, 0, 0);
		return;
	}
	while (!(reg_read(UART_LSR) & UART_LSR_THRE))
		;
	reg_write(UART_THR, (uint8_t)c);
}

int arch_console_getc(void)
{
	if (!uart || !(reg_read(UART_LSR) & UART_LSR_DR))
		return -1;
	return reg_read(UART_RBR);
}
