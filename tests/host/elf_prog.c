/* Fixture for test_elf: a real static RV64 executable, linked by the host
 * test build with -nostdlib -static -Ttext=0x10000. The page-aligned array
 * forces a separate RW data segment next to the RX text one. */
#define PAGE_SIZE 4096

static volatile char page_data[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE))) = { 1 };
static volatile unsigned long counter; /* .sbss: memsz > filesz */

void _start(void)
{
	for (;;) {
		counter++;
		page_data[counter % PAGE_SIZE]++;
	}
}
