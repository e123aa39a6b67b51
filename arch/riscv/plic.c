/* PLIC register layout: RISC-V PLIC specification (priority per source,
 * enable bits and threshold/claim per context). On QEMU virt the S-mode
 * context of hart h is 2h + 1. */
#include "plic.h"
#include "arch.h"
#include "kassert.h"

#define PLIC_PRIORITY(irq) (4 * (irq))
#define PLIC_ENABLE(ctx) (0x2000 + 0x80 * (ctx))
#define PLIC_THRESHOLD(ctx) (0x200000 + 0x1000 * (ctx))
#define PLIC_CLAIM(ctx) (0x200004 + 0x1000 * (ctx))
#define PLIC_MAX_IRQ 64

static volatile uint8_t *plic;
static uint64_t context;
static void (*handlers[PLIC_MAX_IRQ])(void);

static volatile uint32_t *reg(uint64_t off) { return (volatile uint32_t *)(plic + off); }

void plic_init(uint64_t pa, uint64_t hartid)
{
	plic = pa_to_kva(pa);
	context = 2 * hartid + 1;
	*reg(PLIC_THRESHOLD(context)) = 0;
}

void plic_enable(uint32_t irq, void (*handler)(void))
{
	KASSERT(irq > 0 && irq < PLIC_MAX_IRQ);
	handlers[irq] = handler;
	*reg(PLIC_PRIORITY(irq)) = 1;
	*reg(PLIC_ENABLE(context) + 4 * (irq / 32)) |= 1u << (irq % 32);
}

void plic_handle(void)
{
	uint32_t irq;
	while ((irq = *reg(PLIC_CLAIM(context))) != 0) {
		if (irq < PLIC_MAX_IRQ && handlers[irq])
			handlers[irq]();
		*reg(PLIC_CLAIM(context)) = irq;
	}
}
