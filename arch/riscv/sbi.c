/* SBI calls: ecall into M-mode firmware with the extension id in a7 and the
 * function id in a6 (SBI spec, "Binary Encoding"). */
#include "sbi.h"

static int have_time_ext;

struct sbiret sbi_call(long ext, long fid, long arg0, long arg1, long arg2)
{
	register long a0 __asm__("a0") = arg0;
	register long a1 __asm__("a1") = arg1;
	register long a2 __asm__("a2") = arg2;
	register long a6 __asm__("a6") = fid;
	register long a7 __asm__("a7") = ext;
	__asm__ volatile("ecall" : "+r"(a0), "+r"(a1) : "r"(a2), "r"(a6), "r"(a7) : "memory");
	return (struct sbiret){ .error = a0, .value = a1 };
}

static long base_call(long fid)
{
	struct sbiret r = sbi_call(SBI_EXT_BASE, fid, 0, 0, 0);
	return r.error ? -1 : r.value;
}

long sbi_spec_version(void) { return base_call(SBI_BASE_GET_SPEC_VERSION); }
long sbi_impl_id(void) { return base_call(SBI_BASE_GET_IMPL_ID); }
long sbi_impl_version(void) { return base_call(SBI_BASE_GET_IMPL_VERSION); }

const char *sbi_impl_name(long id)
{
	switch (id) {
	case 0: return "BBL";
	case 1: return "OpenSBI";
	case 2: return "Xvisor";
	case 3: return "KVM";
	case 4: return "RustSBI";
	case 5: return "Diosix";
	default: return "unknown";
	}
}

/* The base extension's probe decides once whether the TIME extension is
 * there; without it the legacy set_timer call (extension 0) is used. */
void sbi_init(void)
{
	struct sbiret r = sbi_call(SBI_EXT_BASE, SBI_BASE_PROBE_EXT, SBI_EXT_TIME, 0, 0);
	have_time_ext = r.error == 0 && r.value != 0;
}

int sbi_has_time_ext(void) { return have_time_ext; }

/* timer=legacy on the command line: behave as if the probe had said no,
 * so the fallback path can be exercised on firmware that has TIME. */
void sbi_use_legacy_timer(void) { have_time_ext = 0; }

void sbi_set_timer(uint64_t when)
{
	if (have_time_ext)
		sbi_call(SBI_EXT_TIME, 0, (long)when, 0, 0);
	else
		sbi_call(SBI_EXT_LEGACY_SET_TIMER, 0, (long)when, 0, 0);
}

void sbi_shutdown(int failure)
{
	sbi_call(SBI_EXT_SRST, SBI_SRST_SHUTDOWN,
		 failure ? SBI_SRST_REASON_FAILURE : SBI_SRST_REASON_NONE, 0, 0);
	for (;;)
		__asm__ volatile("wfi");
}
