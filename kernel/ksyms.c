#include "ksyms.h"

/* Emitted by scripts/ksyms.sh: ksyms_count entries sorted by address;
 * names are offsets into ksyms_names. */
extern const uint64_t ksyms_count;
extern const uint64_t ksyms_addrs[];
extern const uint32_t ksyms_name_offsets[];
extern const char ksyms_names[];

const char *ksym_lookup(uint64_t addr, uint64_t *offset)
{
	uint64_t lo = 0, hi = ksyms_count;
	if (!hi || addr < ksyms_addrs[0])
		return 0;
	while (hi - lo > 1) { /* last entry with address <= addr */
		uint64_t mid = (lo + hi) / 2;
		if (ksyms_addrs[mid] <= addr)
			lo = mid;
		else
			hi = mid;
	}
	*offset = addr - ksyms_addrs[lo];
	return &ksyms_names[ksyms_name_offsets[lo]];
}
