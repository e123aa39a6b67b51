#pragma once
#define LDE_VERSION "0.1"
/* QEMU's exit status when init cannot be started at all. */
#define PANIC_INIT_FAILED 249
