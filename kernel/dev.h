/* Devices in user space (docs/ipc.md, "Devices"; docs/drivers.md): the
 * device objects the kernel makes at boot for the devices it does not
 * drive itself, and the descriptors through which a driver reaches one. */
#pragma once
#include <stdint.h>

struct fdt;
struct device;

/* Make a device object for each virtio-mmio node of the tree, its
 * interrupt routed to dev_interrupt and masked. After arch_setup. The
 * kernel itself never touches the registers. */
void dev_init(const struct fdt *fdt);
/* The last descriptor of an open device was closed: its interrupt is
 * masked and unbound; its DMA pages stay with it for the next driver. */
void dev_release(struct device *d);
int dev_count(void); /* devices open (meminfo) */
