#pragma once
#include "kassert.h"

/* QEMU's exit status after a kernel panic (documented in the README). User
 * programs' statuses are their own; tests also look for the "panic:" line. */
#define PANIC_EXIT_STATUS 250
