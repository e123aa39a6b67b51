/* The kernel half of every address space, built once at boot. Every page
 * table created later copies its upper-half root entries, so these
 * mappings must all exist before the first process: the direct map of RAM,
 * the kernel image with per-section permissions, the devices, and the
 * per-slot kernel stacks (proc_init). Page-table pages for them are made
 * on demand here, all before the first process exists. */
#include "arch.h"
#include "mmu.h"
#include "kassert.h"
#include "palloc.h"
/* The kernel addresses the tests probe from U-mode must be the real ones. */
#include "../../user/lib/kaddr.h"
_Static_assert(KADDR_DIRECT_MAP == KERNEL_OFFSET && KADDR_TEXT == KERNEL_VA &&
		       KADDR_KSTACKS == KSTACK_REGION && KADDR_KSTACK_SLOT_SIZE == KSTACK_SLOT_SIZE,
	       "user/lib/kaddr.h");

pagetable_t kernel_pagetable;

extern char _kernel_start[], _etext[], _erodata[], _kernel_end[];
extern char __boot_stack_guard[], __boot_stack_bottom[];

static uint64_t pa_of(const char *sym) { return kva_to_pa(sym); }

static void map_kernel(uint64_t va, uint64_t end, uint64_t flags)
{
	if (mmu_map(kernel_pagetable, va, kva_to_pa((void *)va), end - va, flags | PTE_G))
		panic("arch_vm_init: out of memory");
}

void arch_vm_init(uint64_t ram_start, uint64_t ram_end)
{
	kernel_pagetable = palloc_zeroed();
	KASSERT(kernel_pagetable);
	uint64_t ks = (uint64_t)_kernel_start;
	map_kernel(ks, (uint64_t)_etext, PTE_R | PTE_X);
	map_kernel((uint64_t)_etext, (uint64_t)_erodata, PTE_R);
	/* .data and .bss, leaving the page under the boot stack unmapped. */
	map_kernel((uint64_t)_erodata, (uint64_t)__boot_stack_guard, PTE_R | PTE_W);
	map_kernel((uint64_t)__boot_stack_bottom, (uint64_t)_kernel_end, PTE_R | PTE_W);
	/* .ksyms sits in the data range above: writable, which does no harm. */

	/* RAM below the kernel belongs to the firmware (PMP-protected): the
	 * direct map starts at the kernel's end. */
	uint64_t start = pa_of(_kernel_end);
	if (mmu_map_large(kernel_pagetable, (uint64_t)pa_to_kva(start), start, ram_end - start,
			  PTE_R | PTE_W | PTE_G))
		panic("arch_vm_init: out of memory");
	(void)ram_start;
}

uint64_t arch_boot_ram_end(void) { return BOOT_RAM_PA + BOOT_MAP_SIZE; }

void mmu_activate_kernel(void) { mmu_activate(kernel_pagetable); }

/* Each slot's kernel stack, with an unmapped guard page below it. */
int kstack_slots; /* mapped by arch_kstacks_init */

void arch_kstacks_init(int nslots)
{
	kstack_slots = nslots;
	for (int slot = 0; slot < nslots; slot++) {
		uint64_t base = KSTACK_REGION + (uint64_t)slot * KSTACK_SLOT_SIZE + PGSIZE;
		for (int pg = 0; pg < KSTACK_PAGES; pg++) {
			void *page = palloc();
			if (!page || mmu_map(kernel_pagetable, base + pg * PGSIZE, kva_to_pa(page),
					     PGSIZE, PTE_R | PTE_W | PTE_G))
				panic("arch_kstacks_init: out of memory for kernel stacks");
		}
	}
}

/* Map [pa, pa+size) of device registers into the direct map. */
void kvm_map_device(uint64_t pa, uint64_t size)
{
	uint64_t start = pa & ~(uint64_t)(PGSIZE - 1);
	uint64_t end = (pa + size + PGSIZE - 1) & ~(uint64_t)(PGSIZE - 1);
	if (mmu_map(kernel_pagetable, (uint64_t)pa_to_kva(start), start, end - start,
		    PTE_R | PTE_W | PTE_G))
		panic("kvm_map_device: out of memory");
}
