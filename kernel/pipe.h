#pragma once
#include "file.h"
#include <stdbool.h>

/* Make a pipe: *rd and *wr are new files for its two ends. 0 or -errno. */
int pipe_create(struct file **rd, struct file **wr);
void pipe_close(struct pipe *p, bool writer);
/* read and write the pipe end f: with O_NONBLOCK in f's flags, -EAGAIN
 * rather than waiting, when nothing could be moved (looked at only when
 * the call would wait). */
long pipe_read(struct file *f, uint64_t ubuf, size_t n);
long pipe_write(struct file *f, uint64_t ubuf, size_t n);
