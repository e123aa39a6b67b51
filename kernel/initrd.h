/* The initial ramdisk: a cpio (newc) archive QEMU loads with -initrd and
 * the device tree points to. Programs are read from it in place. */
#pragma once
#include "cpio.h"
#include <stddef.h>

void initrd_init(const void *archive, size_t len);
int initrd_find(const char *path, struct cpio_file *out);
/* The index-th regular file, for ls (names without "./"). 1 found, 0
 * past the end. */
int initrd_entry(int index, struct cpio_file *out);
