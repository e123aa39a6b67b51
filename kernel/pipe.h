#pragma once
#include "file.h"
#include <stdbool.h>

/* Make a pipe: *rd and *wr are new files for its two ends. 0 or -errno. */
int pipe_create(struct file **rd, struct file **wr);
void pipe_close(struct pipe *p, bool writer);
/* nonblock (O_NONBLOCK): -EAGAIN rather than waiting, when nothing could
 * be moved. */
long pipe_read(struct pipe *p, uint64_t ubuf, size_t n, bool nonblock);
long pipe_write(struct pipe *p, uint64_t ubuf, size_t n, bool nonblock);
