/* virtio 1.x over MMIO, as the block driver uses it: the register offsets
 * (virtio spec 1.2, 4.2.2), the status bits, and the split virtqueue's
 * layout (2.7). */
#pragma once
#include <stdint.h>

#define VIO_MAGIC 0x000 /* "virt" */
#define VIO_VERSION 0x004
#define VIO_DEVICE_ID 0x008
#define VIO_DEV_FEATURES 0x010
#define VIO_DEV_FEATURES_SEL 0x014
#define VIO_DRV_FEATURES 0x020
#define VIO_DRV_FEATURES_SEL 0x024
#define VIO_QUEUE_SEL 0x030
#define VIO_QUEUE_NUM_MAX 0x034
#define VIO_QUEUE_NUM 0x038
#define VIO_QUEUE_READY 0x044
#define VIO_QUEUE_NOTIFY 0x050
#define VIO_INT_STATUS 0x060
#define VIO_INT_ACK 0x064
#define VIO_STATUS 0x070
#define VIO_QUEUE_DESC 0x080
#define VIO_QUEUE_AVAIL 0x090
#define VIO_QUEUE_USED 0x0a0
#define VIO_CONFIG 0x100 /* virtio-blk: capacity (sectors), 64 bits */

#define VIO_MAGIC_VALUE 0x74726976
#define VIO_DEV_BLOCK 2

#define VIO_ST_ACK 1
#define VIO_ST_DRIVER 2
#define VIO_ST_DRIVER_OK 4
#define VIO_ST_FEATURES_OK 8
#define VIO_ST_FAILED 128

#define VIO_F_VERSION_1_HI 1 /* feature bit 32: in the high word */
#define VIO_INT_USED 1	     /* InterruptStatus: the used ring moved */

struct vring_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags, next;
};
#define VRING_DESC_F_NEXT 1
#define VRING_DESC_F_WRITE 2 /* the device writes the buffer */

struct vring_used_elem {
	uint32_t id, len;
};

/* A block request's header, then the data, then one status byte. */
struct virtio_blk_req {
	uint32_t type;
	uint32_t reserved;
	uint64_t sector;
};
#define VIRTIO_BLK_T_IN 0
#define VIRTIO_BLK_T_OUT 1
#define VIRTIO_BLK_T_FLUSH 4
#define VIRTIO_BLK_S_OK 0
