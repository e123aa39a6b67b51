/* The platform-level interrupt controller: routes device interrupts (the
 * UART's) to this hart's S-mode external interrupt. */
#pragma once
#include <stdint.h>

void plic_init(uint64_t pa, uint64_t hartid);
void plic_enable(uint32_t irq, void (*handler)(void));
/* Claim, run the handler, complete; called on an S-external interrupt. */
void plic_handle(void);
