/* Which compatible strings name the devices this board code drives (QEMU
 * virt's, and the other names their bindings allow), read through the
 * generic device-tree lookups. */
#include "board.h"
#include "kstring.h"

enum board_dev { DEV_UART, DEV_PLIC, DEV_POWEROFF, NDEVS };

/* Two names per device, in enum board_dev's order. */
#define NAMES_PER_DEV 2
static const char *const compatible[] = {
	"ns16550a",	"ns16550",	"riscv,plic0", "sifive,plic-1.0.0",
	"sifive,test0", "sifive,test1", NULL,
};

static void found(const struct fdt *fdt, struct board *b, enum board_dev dev, struct fdt_node n,
		  const struct fdt_range *reg)
{
	uint32_t irq;

	switch (dev) {
	case DEV_UART:
		b->uart_base = reg->base;
		if (fdt_prop_cell(fdt, n, "interrupts", 0, &irq) == 0)
			b->uart_irq = irq;
		break;
	case DEV_PLIC:
		b->plic_base = reg->base;
		b->plic_size = reg->size;
		break;
	default: b->poweroff_base = reg->base; break;
	}
}

void board_probe(const struct fdt *fdt, struct board *b)
{
	bool have[NDEVS] = { false };
	struct fdt_range reg;
	struct fdt_iter it;
	struct fdt_node n;
	int which;

	memset(b, 0, sizeof(*b));
	/* One walk for all three rather than a search per device: boot time
	 * is counted in instructions (make bench, boot_to_init). */
	fdt_iter_init(fdt, &it);
	while (fdt_next_match(fdt, &it, compatible, &n, &which)) {
		enum board_dev dev = (enum board_dev)(which / NAMES_PER_DEV);

		if (!have[dev] && fdt_reg(fdt, n, 0, &reg) == 0) {
			found(fdt, b, dev, n, &reg);
			have[dev] = true;
		}
	}
}
