/* Calls into the SBI firmware (OpenSBI), per the RISC-V SBI specification. */
#pragma once
#include <stdint.h>

#define SBI_EXT_LEGACY_SET_TIMER 0x0
#define SBI_EXT_LEGACY_PUTCHAR 0x1
#define SBI_EXT_BASE 0x10
#define SBI_EXT_TIME 0x54494d45 /* "TIME" */
#define SBI_EXT_HSM 0x48534d	/* "HSM" */
#define SBI_EXT_SRST 0x53525354 /* "SRST" */

#define SBI_BASE_GET_SPEC_VERSION 0
#define SBI_BASE_GET_IMPL_ID 1
#define SBI_BASE_GET_IMPL_VERSION 2
#define SBI_BASE_PROBE_EXT 3

#define SBI_SRST_SHUTDOWN 0
#define SBI_SRST_REASON_NONE 0
#define SBI_SRST_REASON_FAILURE 1

struct sbiret {
	long error;
	long value;
};

struct sbiret sbi_call(long ext, long fid, long a0, long a1, long a2);
void sbi_init(void);
void sbi_set_timer(uint64_t when);
void sbi_shutdown(int failure) __attribute__((noreturn));
long sbi_spec_version(void);
long sbi_impl_id(void);
long sbi_impl_version(void);
const char *sbi_impl_name(long id);
int sbi_has_time_ext(void);
void sbi_use_legacy_timer(void);
