/* PLIC register layout: RISC-V PLIC specification (priority per source,
 * enable bits and threshold/claim per context). On QEMU virt the S-mode
 * context of hart h is 2h + 1. */
#include "plic.h"
#include "arch.h"
#include "errno.h"
#include "hooks.h"
#include "kassert.h"

#define PLIC_PRIORITY(irq) (4 * (irq))
#define PLIC_ENABLE(ctx) (0x2000 + 0x80 * (ctx))
#define PLIC_THRESHOLD(ctx) (0x200000 + 0x1000 * (ctx))
#define PLIC_CLAIM(ctx) (0x200004 + 0x1000 * (ctx))
#define PLIC_MAX_IRQ 64

static volatile uint8_t *plic;
static uint64_t context;
static void (*handlers[PLIC_MAX_IRQ])(void);
static uint64_t routed; /* sources handed to dev_interrupt (bit per irq) */

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

/* A routed source is masked by its priority (0: never interrupts), not by
 * its enable bit: the PLIC ignores the completion of a source that is not
 * enabled, which would leave it claimed, and silent, for good. */
int arch_irq_route(uint32_t irq)
{
	if (!plic || irq == 0 || irq >= PLIC_MAX_IRQ || handlers[irq] || (routed >> irq) & 1)
		return -EINVAL;
	routed |= 1ull << irq;
	*reg(PLIC_PRIORITY(irq)) = 0;
	*reg(PLIC_ENABLE(context) + 4 * (irq / 32)) |= 1u << (irq % 32);
	return 0;
}

void arch_irq_mask(uint32_t irq)
{
	KASSERT(irq < PLIC_MAX_IRQ && (routed >> irq) & 1);
	*reg(PLIC_PRIORITY(irq)) = 0;
}

void arch_irq_unmask(uint32_t irq)
{
	KASSERT(irq < PLIC_MAX_IRQ && (routed >> irq) & 1);
	*reg(PLIC_PRIORITY(irq)) = 1;
}

void plic_handle(void)
{
	uint32_t irq;
	while ((irq = *reg(PLIC_CLAIM(context))) != 0) {
		if (irq < PLIC_MAX_IRQ && handlers[irq]) {
			handlers[irq]();
		} else if (irq < PLIC_MAX_IRQ && (routed >> irq) & 1) {
			/* Masked before the claim completes, so a level-triggered
			 * device cannot fire again until its driver acks; completed
			 * before the driver is woken, which may switch to it. */
			*reg(PLIC_PRIORITY(irq)) = 0;
			*reg(PLIC_CLAIM(context)) = irq;
			dev_interrupt(irq);
			continue;
		}
		*reg(PLIC_CLAIM(context)) = irq;
	}
}
