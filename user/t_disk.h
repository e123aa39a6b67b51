/* Bringing up the disk and the file system in a test program that runs as
 * init (user/t_fs*.c, t_perm.c, t_symlink.c): the same steps init takes
 * (user/init.c), each checked. Everything is static: a test program
 * includes this once, after t_util.h. */
#pragma once
#include <unistd.h>
#include "blk.h"
#include "check.h"
#include "fssvc.h"
#include "lde.h"

/* The disk service, supervised, its client endpoint at BLK_FD (where
 * libblk and the file-system server look for it). *blk_svc (if not NULL)
 * gets the supervisor's pid. */
static inline void t_disk_start(int *blk_svc)
{
	int mgr = (int)lde_sys_dev_manager();
	int ep = ep_create();
	int client = ep_mint(ep, 1);
	int svc;
	CHECK(mgr >= 0 && client >= 0);
	if (client != BLK_FD) {
		CHECK_EQ(dup2(client, BLK_FD), BLK_FD);
		close(client);
	}
	CHECK_EQ(blk_service_start(mgr, ep, NULL, blk_svc ? blk_svc : &svc), 0);
	close(mgr);
}

/* The file-system server over the disk at BLK_FD (bufs and flush_ms as
 * fs_service_start takes them, NULL for its defaults), mounted at "/"
 * when it starts. *svc_pid gets the supervisor's pid. 0, or -errno. */
static inline int t_fs_start(const char *bufs, const char *flush_ms, int *svc_pid)
{
	int fep = ep_create();
	CHECK(fep >= 0);
	int r = fs_service_start(fep, BLK_FD, bufs, flush_ms, svc_pid);
	if (r == 0)
		CHECK_EQ(mount("/", fep), 0);
	close(fep);
	return r;
}
