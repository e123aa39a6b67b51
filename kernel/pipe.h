#pragma once
#include "file.h"
#include <stdbool.h>

/* Make a pipe: *rd and *wr are new files for its two ends. 0 or -errno. */
int pipe_create(struct file **rd, struct file **wr);
void pipe_close(struct pipe *p, bool writer);
/* An end set non-blocking (fcntl's O_NONBLOCK) gets -EAGAIN where it
 * would wait, when nothing could be moved. */
long pipe_read(struct pipe *p, uint64_t ubuf, size_t n);
long pipe_write(struct pipe *p, uint64_t ubuf, size_t n);
void pipe_set_nonblock(struct pipe *p, bool writer, bool on);
