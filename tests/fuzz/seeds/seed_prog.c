/* Seed executable for the ELF fuzzer: text, read-only data, initialised
 * data and bss, so that it has the three PT_LOAD segments lde's programs
 * have (see seed.ld). Never run. */
const char seed_message[] = "seed: read-only data";
char seed_buffer[32] = "seed: data";
unsigned long seed_counter; /* bss: memsz > filesz */

void _start(void)
{
	for (unsigned i = 0;; i++) {
		((volatile char *)seed_buffer)[i % sizeof seed_buffer] =
			((const volatile char *)seed_message)[i % sizeof seed_message];
		((volatile unsigned long *)&seed_counter)[0]++;
	}
}
