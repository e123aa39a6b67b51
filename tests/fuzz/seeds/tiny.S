/* Seed for the ELF fuzzer: the smallest executable lde accepts, one
 * R-X segment holding the headers and a loop. */
	.text
	.globl _start
_start:
	j _start
