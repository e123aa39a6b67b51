/* Host stand-in for arch/riscv/arch.h, for the allocator's unit test: the
 * "physical" memory is a buffer of the test's, mapped 1:1. */
#pragma once
#include <stdint.h>

#define PGSIZE 4096
static inline void *pa_to_kva(uint64_t pa) { return (void *)(uintptr_t)pa; }
static inline uint64_t kva_to_pa(const void *va) { return (uint64_t)(uintptr_t)va; }
