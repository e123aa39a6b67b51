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
 * masked and unbound, its registers and DMA pages unmapped from every
 * process that mapped them; the DMA pages stay with it for the next
 * driver. */
void dev_release(struct device *d);
/* current closed a descriptor of the open device f: if it holds no other,
 * its mappings of the device are taken back (the device may stay open
 * elsewhere: a descriptor passed on, or inherited). Before the file_put. */
struct file;
void dev_closed(struct file *f);
int dev_count(void); /* devices open (meminfo) */
