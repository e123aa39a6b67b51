/* Board set-up inside arch/riscv, driven by what the device tree says. */
#pragma once
#include <stdint.h>

void uart_init(uint64_t pa);
void uart_enable_rx_interrupt(void);
void power_init(uint64_t sifive_test_pa);
void trap_init(void);
