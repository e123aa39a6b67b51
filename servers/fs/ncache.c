/* The name cache: see ncache.h. */
#include "ncache.h"

#include <string.h>

void ncache_add(struct ncache *nc, const struct bcache *bc, uint32_t hash, uint32_t dir,
		const char *name, size_t len, uint32_t ino, uint8_t type, const struct bc_buf *buf)
{
	struct nc_ent *s = nc->set[hash % NC_SETS];

	if (!dir || !len || len > NC_NAME_MAX || !buf ||
	    (name[0] == '.' && (len == 1 || (len == 2 && name[1] == '.'))))
		return;
	/* The newest entry first: a live one there moves to the second
	 * place, pushing out the older. */
	if (!ncache_same(&s[0], dir, name, len) && ncache_live(&s[0], bc))
		s[1] = s[0];
	struct nc_ent *e = &s[0];
	e->dir = dir;
	e->ino = ino;
	e->ver = buf->ver;
	e->epoch = bc->dir_epoch;
	e->buf = buf;
	e->type = type;
	e->len = (uint8_t)len;
	memcpy(e->name, name, len);
}
