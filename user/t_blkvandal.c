/* The notes' vandal who "decides to write the whole disk with garbage",
 * against the user-space disk (docs/drivers.md, "Protection"). Run as
 * init with a disk (tests/suites/blk.py): it starts the disk service, then
 * runs itself as an ordinary program of an ordinary user ("t_blkvandal
 * vandal": uid 1000, not pid 1, no descriptor but the console), which
 * tries every way in it can think of, killing the driver included.
 * Every attempt must fail with an error; the disk must still serve, and
 * the host finds the image unchanged. A vandal run from the shell gets
 * the shell's client descriptor (BLK_FD), the one way in it has: it may
 * use it as any client may, so it does not try. */
#include "blk.h"
#include "t_util.h"

#define VIRTIO0 0x10001000UL /* virtio-mmio slot 0's registers (QEMU virt) */

static char junk[16384];

/* The process dies of SIGSEGV doing f(arg). */
static void dies(void (*f)(uintptr_t), uintptr_t arg, const char *what)
{
	pid_t pid = fork();
	if (pid == 0) {
		f(arg);
		printf("FAIL: %s did not fault\n", what);
		child_done();
	}
	int st = reap(pid);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV);
}
static void store(uintptr_t a) { *(volatile uint32_t *)a = 0xdeadbeef; }

/* The pid of the process named name (the first), or -1. */
static pid_t pid_of(const char *name)
{
	static struct lde_procinfo info[64];
	int n = procinfo(-1, info, 64);
	for (int i = 0; i < n; i++)
		if (strcmp(info[i].name, name) == 0)
			return info[i].pid;
	return -1;
}

static void vandal(void)
{
	memset(junk, 0x5a, sizeof junk);
	int tries = 0;
	CHECK_EQ(getuid(), 1000);
	/* The driver and its supervisor are root's: a user may not signal
	 * them, nor reach them with kill(-1). */
	pid_t drv = pid_of("blk"), sup = pid_of("svc");
	CHECK(drv > 1 && sup > 1);
	errno = 0;
	CHECK_EQ(kill(drv, SIGKILL), -1);
	CHECK_EQ(errno, EPERM);
	CHECK_EQ(kill(sup, SIGKILL), -1);
	CHECK_EQ(errno, EPERM);
	CHECK_EQ(kill(-1, SIGKILL), -1);
	CHECK_EQ(errno, EPERM);
	tries += 3;
	/* The right to open devices: only pid 1, once. */
	CHECK_EQ(lde_sys_dev_manager(), -EPERM);
	tries++;
	/* Every descriptor number, as a manager, a device, a notification,
	 * an endpoint: none is any of them. */
	int ntfn = ntfn_create();
	CHECK(ntfn >= 0);
	for (long fd = -1; fd <= 16; fd++) {
		uint64_t pa;
		long r = lde_sys_dev_open(fd, 0);
		CHECK(r == -EBADF || r == -EPERM);
		tries++;
		CHECK_EQ(lde_sys_dev_map(fd), -EBADF);
		tries++;
		CHECK_EQ(lde_sys_dev_dma(fd, 0, &pa), -EBADF);
		tries++;
		CHECK_EQ(lde_sys_dev_irq_bind(fd, ntfn, 1), -EBADF);
		tries++;
		CHECK_EQ(lde_sys_dev_irq_ack(fd), -EBADF);
		tries++;
		if (fd == ntfn)
			continue;
		for (int op = BLK_OP_READ; op <= BLK_OP_STATS; op++) {
			r = blk_request((int)fd, op, 0, 4096, 0, junk, 4096,
					LDE_LEASE_READ | LDE_LEASE_WRITE);
			CHECK_EQ(r, -EBADF);
			tries++;
		}
		r = blk_request((int)fd, BLK_OP_TEST_CRASH, 1, 0, 0, NULL, 0, 0);
		CHECK_EQ(r, -EBADF);
		tries++;
		r = blk_request((int)fd, BLK_OP_TEST_HOLD, 8, 0, 0, NULL, 0, 0);
		CHECK_EQ(r, -EBADF);
		tries++;
		CHECK(ep_mint((int)fd, 7) < 0);
		tries++;
		if (fd > 2) { /* garbage down every descriptor but the console */
			CHECK_EQ(lde_sys_write(fd, junk, sizeof junk),
				 fd == ntfn ? -EINVAL : -EBADF);
			tries++;
		}
	}
	/* The device's registers and the kernel's memory, straight. */
	dies(store, VIRTIO0, "a store to the disk's registers");
	tries++;
	dies(store, VIRTIO0 + 0x50, "a queue notify");
	tries++;
	dies(store, 0x80200000UL, "a store to the kernel's RAM");
	tries++;
	dies(store, 0xffffffc000000000UL, "a store to the kernel's half");
	tries++;
	/* The kernel copying from or to them on its behalf. */
	CHECK_EQ(lde_sys_write(1, (const void *)VIRTIO0, 16), -EFAULT);
	tries++;
	/* The driver and the supervisor, started by hand with guessed
	 * descriptors: they find nothing to drive. */
	for (int k = 0; k < 2; k++) {
		pid_t pid = fork();
		if (pid == 0) {
			char *blk_argv[] = { "blk", "3", "4", "5", "6", "0", "test", NULL };
			char *svc_argv[] = { "svc", "blk", "3", "4", "-1", "test", NULL };
			exec(k ? "/svc" : "/blk", k ? svc_argv : blk_argv);
			_exit(99);
		}
		int st = reap(pid);
		CHECK(WIFEXITED(st) && (k ? WEXITSTATUS(st) == 0 : WEXITSTATUS(st) == 4));
		tries++;
	}
	printf("vandal: %d attempts, every one refused\n", tries);
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "vandal") == 0) {
		vandal();
		return check_exit("t_blkvandal vandal");
	}
	CHECK_EQ(getpid(), 1);
	int mgr = (int)lde_sys_dev_manager();
	int ep = ep_create();
	CHECK(mgr >= 0 && ep >= 0);
	int client = ep_mint(ep, 1);
	int svc;
	CHECK_EQ(blk_service_start(mgr, ep, NULL, &svc), 0);
	struct blk b;
	CHECK_EQ(blk_open(&b, client), 0);
	struct blk_stats before;
	CHECK_EQ(blk_stats(&b, &before), 0);
	pid_t pid = fork();
	if (pid == 0) {
		/* An ordinary program of an ordinary user: no manager, no
		 * endpoint, not pid 1, uid and gid 1000. */
		close(mgr);
		close(client);
		if (setgid(1000) || setuid(1000))
			_exit(126);
		char *argv2[] = { "t_blkvandal", "vandal", NULL };
		exec("/t_blkvandal", argv2);
		_exit(127);
	}
	int st = -1;
	CHECK_EQ(wait(&st), pid);
	CHECK_EQ(st, 0);
	/* Still serving, nothing written, nobody died. */
	struct blk_stats after;
	CHECK_EQ(blk_stats(&b, &after), 0);
	CHECK_EQ(after.bytes_written, before.bytes_written);
	CHECK_EQ(after.writes, before.writes);
	CHECK_EQ(after.restarts, 0);
	CHECK_EQ(after.driver_pid, before.driver_pid);
	char buf[512];
	CHECK_EQ(blk_read(&b, 0, buf, sizeof buf), 512);
	CHECK(memcmp(buf, "lde sector 0", 12) == 0);
	printf("vandal: the disk still serves; nothing was written\n");
	return check_exit("t_blkvandal");
}
