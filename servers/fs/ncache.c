/* The name cache: see ncache.h. */
#include "ncache.h"

#include <string.h>

void ncache_init(struct ncache *nc) { memset(nc, 0, sizeof(*nc)); }

uint32_t ncache_hash(uint32_t dir, const char *name, size_t len)
{
	/* FNV-1a over the name, seeded with the directory. */
	uint32_t h = 2166136261u ^ dir;

	for (size_t i = 0; i < len; i++)
		h = (h ^ (uint8_t)name[i]) * 16777619u;
	return h ^ (h >> 15);
}

static int live(const struct nc_ent *e, const struct bcache *bc)
{
	return e->dir && e->buf < bc->nbufs && bc->bufs[e->buf].ver == e->ver &&
	       bc->dir_epoch == e->epoch;
}

static int same(const struct nc_ent *e, uint32_t dir, const char *name, size_t len)
{
	if (e->dir != dir || e->len != len)
		return 0;
	for (size_t i = 0; i < len; i++)
		if (e->name[i] != name[i])
			return 0;
	return 1;
}

int ncache_find(struct ncache *nc, const struct bcache *bc, uint32_t hash, uint32_t dir,
		const char *name, size_t len, uint32_t *ino, uint8_t *type)
{
	struct nc_ent *s = nc->set[hash % NC_SETS];

	for (int i = 0; i < 2; i++) {
		if (same(&s[i], dir, name, len) && live(&s[i], bc)) {
			*ino = s[i].ino;
			*type = s[i].type;
			nc->hits++;
			return 1;
		}
	}
	nc->misses++;
	return 0;
}

void ncache_add(struct ncache *nc, const struct bcache *bc, uint32_t hash, uint32_t dir,
		const char *name, size_t len, uint32_t ino, uint8_t type, uint32_t buf)
{
	struct nc_ent *s = nc->set[hash % NC_SETS];

	if (!dir || !len || len > NC_NAME_MAX || buf >= bc->nbufs ||
	    (name[0] == '.' && (len == 1 || (len == 2 && name[1] == '.'))))
		return;
	/* The newest entry first: a live one there moves to the second
	 * place, pushing out the older. */
	if (!same(&s[0], dir, name, len) && live(&s[0], bc))
		s[1] = s[0];
	struct nc_ent *e = &s[0];
	e->dir = dir;
	e->ino = ino;
	e->ver = bc->bufs[buf].ver;
	e->epoch = bc->dir_epoch;
	e->buf = buf;
	e->type = type;
	e->len = (uint8_t)len;
	memcpy(e->name, name, len);
}
