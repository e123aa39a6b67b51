/* Hostile use of three IPC features (docs/ipc.md, "A reply may carry
 * data", "A receive buffer", "Kernel calls"; docs/files.md, "The calls
 * the kernel makes"): replies that carry data (LDE_MSG_DATA_AT), the
 * receive buffer (ipc_buffer, LDE_MSG_INLINE0) and the detached kernel
 * read. Malicious servers (a user endpoint's, and one mounted at /h that
 * answers the kernel's file calls) and malicious clients; every mistake
 * must be the offender's error, nobody else's, and the kernel's counts
 * of pages, files and endpoints come back. Run as init (mount is root's):
 * init=/t_hostile_ipc */
#include "t_util.h"
#include <fcntl.h>
#include <sys/stat.h>

#define UNMAPPED 0x2000000000UL	       /* a hole in every process's map */
#define KERNEL_VA 0xffffffc080000000UL /* no user address */

static const char rodata[32] = "read-only, whoever writes";
static char page2[8192] __attribute__((aligned(4096)));
static char cowbuf[8192] __attribute__((aligned(4096)));
static int tellp[2], cmdp[2]; /* server -> test, test -> server */

static void tell(long v) { CHECK_EQ(write(tellp[1], &v, sizeof v), sizeof v); }
static long heard(void)
{
	long v = -12345;
	CHECK_EQ(read(tellp[0], &v, sizeof v), sizeof v);
	return v;
}
static void order(char c) { CHECK_EQ(write(cmdp[1], &c, 1), 1); }
static char wait_order(void)
{
	char c = 0;
	CHECK_EQ(read(cmdp[0], &c, 1), 1);
	return c;
}
static long err_of(long r) { return r < 0 ? -errno : r; }

static long counted(int which)
{
	struct lde_meminfo mi;
	CHECK_EQ(meminfo(&mi), 0);
	return which == 0 ? (long)mi.files : which == 1 ? (long)mi.endpoints : (long)mi.free_pages;
}

/* An array of n one-byte ranges "abcdefghijklmnop" that straddles a page
 * boundary of page2: the kernel must copy it, not read it in place. */
static struct lde_iov *straddling_iov(int n)
{
	static const char letters[] = "abcdefghijklmnop";
	struct lde_iov *v = (struct lde_iov *)(page2 + 4096 - 8 * sizeof *v);
	for (int i = 0; i < n; i++)
		v[i] = (struct lde_iov){ (uint64_t)&letters[i], 1 };
	return v;
}

/* A reply of m's token with n ranges at v into lease idx from off: the
 * replier's result (0 or -errno). */
static long reply_with(struct lde_msg *m, uint32_t label, int n, uint64_t at,
		       const struct lde_iov *v)
{
	struct lde_msg r = *m;
	r.info = LDE_MSG_INFO(label, n, -1);
	r.w[2] = at;
	r.w[3] = (uint64_t)v;
	return err_of(ipc_reply(&r));
}

/* ---------------------------------------------------------------- */
/* Part 1: a user endpoint's server that answers in hostile ways.   */

enum { I_NOLEASE = 1, I_OVF, I_SRC, I_RO, I_TWICE, I_OTHER, I_HOLD, I_FAST, I_QUIT };

static void ipc_server(int ep)
{
	struct lde_msg m;
	static const struct lde_iov hello = { (uint64_t) "hello", 5 };
	for (;;) {
		long r = ipc_recv(ep, &m);
		CHECK(r >= 0);
		uint32_t label = LDE_MSG_LABEL(r);
		struct lde_iov big[2];
		switch (label) {
		case I_NOLEASE: /* the caller lent nothing */
			tell(reply_with(&m, label, 1, LDE_MSG_DATA_AT(0, 0), &hello));
			tell(reply_with(&m, label, 16, LDE_MSG_DATA_AT(0, 0), straddling_iov(16)));
			tell(reply_with(&m, label, 17, LDE_MSG_DATA_AT(0, 0), &hello));
			tell(reply_with(&m, label, 255, LDE_MSG_DATA_AT(0, 0), &hello));
			/* n = 0: no data, w2 and w3 go as they are. */
			m.info = LDE_MSG_INFO(label, 0, -1);
			m.w[2] = LDE_MSG_DATA_AT(0, 0);
			m.w[3] = 0xdeadbeef;
			CHECK_EQ(ipc_reply(&m), 0);
			break;
		case I_OVF: /* a 16-byte lease: lengths that wrap, offsets past it */
			big[0] = (struct lde_iov){ (uint64_t)page2, 8 };
			big[1] = (struct lde_iov){ (uint64_t)page2, UINT64_MAX - 7 };
			tell(reply_with(&m, label, 2, LDE_MSG_DATA_AT(0, 0), big));
			big[0] = (struct lde_iov){ (uint64_t)page2, UINT64_MAX };
			big[1] = (struct lde_iov){ (uint64_t)page2, 17 };
			tell(reply_with(&m, label, 2, LDE_MSG_DATA_AT(0, 0), big));
			tell(reply_with(&m, label, 1, LDE_MSG_DATA_AT(0, 1ULL << 55), &hello));
			tell(reply_with(&m, label, 1, LDE_MSG_DATA_AT(0, 12), &hello));
			tell(reply_with(&m, label, 1, LDE_MSG_DATA_AT(1, 0), &hello));
			tell(reply_with(&m, label, 1, LDE_MSG_DATA_AT(255, 0), &hello));
			tell(reply_with(&m, label, 1, LDE_MSG_DATA_AT(0, 0), (void *)UNMAPPED));
			tell(reply_with(&m, label, 1, LDE_MSG_DATA_AT(0, 0), (void *)KERNEL_VA));
			/* Then a good one: 16 one-byte ranges, array across pages. */
			tell(reply_with(&m, label, 16, LDE_MSG_DATA_AT(0, 0), straddling_iov(16)));
			break;
		case I_SRC: { /* our own range is not there: the caller's EFAULT */
			static struct lde_iov v[2];
			v[0] = (struct lde_iov){ (uint64_t) "ab", 2 };
			v[1] = (struct lde_iov){ UNMAPPED, 4 };
			tell(reply_with(&m, label, 2, LDE_MSG_DATA_AT(0, 0), v));
			break;
		}
		case I_RO: /* the caller's writable lease is over its rodata */
			tell(reply_with(&m, label, 1, LDE_MSG_DATA_AT(0, 0), &hello));
			break;
		case I_TWICE: {
			static const struct lde_iov x = { (uint64_t) "XXXXX", 5 };
			tell(reply_with(&m, label, 1, LDE_MSG_DATA_AT(0, 0), &hello));
			tell(reply_with(&m, label, 1, LDE_MSG_DATA_AT(0, 0), &x));
			break;
		}
		case I_OTHER: { /* a process that does not hold the call answers it */
			pid_t g = fork();
			if (g == 0)
				_exit(reply_with(&m, label, 1, LDE_MSG_DATA_AT(0, 0), &hello) == 0
					      ? 0
					      : 1);
			int st = -1;
			CHECK_EQ(waitpid(g, &st, 0), g);
			tell(st);
			static const struct lde_iov mine = { (uint64_t) "mine!", 5 };
			tell(reply_with(&m, label, 1, LDE_MSG_DATA_AT(0, 0), &mine));
			break;
		}
		case I_HOLD: /* until told: the caller is killed meanwhile */
			tell('H');
			wait_order();
			tell(reply_with(&m, label, 1, LDE_MSG_DATA_AT(0, 0), &hello));
			tell(err_of(ipc_caller(m.token, &(struct lde_creds){ 0 })));
			break;
		case I_FAST: { /* reply_recv's own checks: its error, no receive */
			struct lde_msg r = m;
			r.info = LDE_MSG_INFO(label, 17, -1);
			tell(err_of(ipc_reply_recv(ep, &r)));
			r = m;
			r.info = LDE_MSG_INFO(label, 1, -1);
			r.w[2] = LDE_MSG_DATA_AT(0, 100);
			r.w[3] = (uint64_t)&hello;
			tell(err_of(ipc_reply_recv(ep, &r)));
			r = m;
			r.info = LDE_MSG_INFO(label, 1, -1);
			r.w[2] = LDE_MSG_DATA_AT(0, 0);
			r.w[3] = (uint64_t)&hello;
			r.w[0] = 42;
			/* The good answer, and the next message in r. */
			long got = ipc_reply_recv(ep, &r);
			CHECK_EQ(LDE_MSG_LABEL(got), I_QUIT);
			r.info = I_QUIT;
			ipc_reply(&r);
			child_done();
			break;
		}
		case I_QUIT:
			m.info = label;
			ipc_reply(&m);
			child_done();
			break;
		default: CHECK(0); _exit(1);
		}
	}
}

static long call(int ep, uint32_t label, void *buf, size_t len, uint64_t flags, struct lde_msg *m)
{
	struct lde_lease l = { (uint64_t)buf, len, flags };
	*m = (struct lde_msg){ .info = LDE_MSG_INFO(label, buf ? 1 : 0, -1) };
	return err_of(ipc_call(ep, m, buf ? &l : NULL));
}

static void hostile_replies(void)
{
	long files = counted(0), eps = counted(1);
	int ep = ep_create();
	pid_t srv = fork();
	if (srv == 0)
		ipc_server(ep);
	struct lde_msg m;
	/* Data for a caller that lent nothing, n 1, 16, 17, 255; n 0 is a
	 * plain reply whose words go as they are. */
	CHECK_EQ(call(ep, I_NOLEASE, NULL, 0, 0, &m), I_NOLEASE);
	CHECK_EQ(heard(), -EINVAL);
	CHECK_EQ(heard(), -EINVAL);
	CHECK_EQ(heard(), -EINVAL);
	CHECK_EQ(heard(), -EINVAL);
	CHECK_EQ(m.w[3], 0xdeadbeef);
	CHECK_EQ(m.w[2], LDE_MSG_DATA_AT(0, 0));

	/* Lengths that wrap, offsets past the lease, leases not lent,
	 * arrays not there: refused, nothing written; then 16 ranges. */
	char b[17] = { 0 };
	CHECK_EQ(call(ep, I_OVF, b, 16, LDE_LEASE_WRITE, &m), I_OVF);
	static const long want[] = { -EINVAL, -EINVAL, -EINVAL, -EINVAL, -EINVAL,
				     -EINVAL, -EFAULT, -EFAULT, 0 };
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
		long got = heard();
		if (got != want[i])
			printf("FAIL: I_OVF attempt %zu: got %ld, want %ld\n", i, got, want[i]),
				check_failures++;
	}
	CHECK_EQ(m.w[3], 16);
	CHECK(!memcmp(b, "abcdefghijklmnop", 17));

	/* The server's own range missing midway: the caller's EFAULT, the
	 * reply given. */
	CHECK_EQ(call(ep, I_SRC, b, 16, LDE_LEASE_WRITE, &m), -EFAULT);
	CHECK_EQ(heard(), 0);
	/* A writable lease over the caller's read-only memory. */
	CHECK_EQ(call(ep, I_RO, (void *)rodata, 16, LDE_LEASE_WRITE, &m), -EFAULT);
	CHECK_EQ(heard(), 0);
	CHECK(!memcmp(rodata, "read-only, whoever writes", 26));
	/* Twice: the second is nobody's. */
	memset(b, 0, sizeof b);
	CHECK_EQ(call(ep, I_TWICE, b, 16, LDE_LEASE_WRITE, &m), I_TWICE);
	CHECK_EQ(heard(), 0);
	CHECK_EQ(heard(), 0);
	CHECK(!strcmp(b, "hello"));
	/* Another process's reply with our token: a no-op. */
	memset(b, 0, sizeof b);
	CHECK_EQ(call(ep, I_OTHER, b, 16, LDE_LEASE_WRITE, &m), I_OTHER);
	CHECK_EQ(heard(), 0);
	CHECK_EQ(heard(), 0);
	CHECK(!strcmp(b, "mine!"));
	/* A caller killed while held: the data reply is a no-op. */
	pid_t c = fork();
	if (c == 0) {
		char cb[16];
		call(ep, I_HOLD, cb, 16, LDE_LEASE_WRITE, &m);
		printf("FAIL: the held caller returned\n");
		_exit(1);
	}
	CHECK_EQ(heard(), 'H');
	CHECK_EQ(kill(c, SIGKILL), 0);
	CHECK_EQ(reap(c), LDE_W_SIGNALED(SIGKILL));
	order('g');
	CHECK_EQ(heard(), 0);
	CHECK_EQ(heard(), -ESRCH);
	/* reply_recv's own refusals, then its good answer. */
	memset(b, 0, sizeof b);
	CHECK_EQ(call(ep, I_FAST, b, 16, LDE_LEASE_WRITE, &m), I_FAST);
	CHECK_EQ(heard(), -EINVAL);
	CHECK_EQ(heard(), -EINVAL);
	CHECK_EQ(m.w[0], 42);
	CHECK_EQ(m.w[3], 5);
	CHECK(!strcmp(b, "hello"));
	CHECK_EQ(call(ep, I_QUIT, NULL, 0, 0, &m), I_QUIT);
	CHECK_EQ(reap(srv), 0);

	/* Ranges that overlap the caller's lease in the same physical page:
	 * the server forked after the buffer was written, so both see one
	 * copy-on-write page; the server's data from that page lands one
	 * byte further in the caller's, the server's own copy unchanged. */
	static char ovl[64] __attribute__((aligned(64)));
	for (int i = 0; i < 64; i++)
		ovl[i] = (char)('A' + i % 26);
	srv = fork();
	if (srv == 0) {
		CHECK(ipc_recv(ep, &m) >= 0);
		struct lde_iov v = { (uint64_t)ovl, 32 };
		long r = reply_with(&m, 0, 1, LDE_MSG_DATA_AT(0, 0), &v);
		int same = 1;
		for (int i = 0; i < 64; i++)
			same &= ovl[i] == (char)('A' + i % 26);
		tell(r);
		tell(same);
		child_done();
	}
	CHECK_EQ(call(ep, 0, ovl + 1, 40, LDE_LEASE_WRITE, &m), 0);
	CHECK_EQ(m.w[3], 32);
	CHECK_EQ(heard(), 0);
	CHECK_EQ(heard(), 1);
	int ok = ovl[0] == 'A';
	for (int i = 0; i < 32; i++)
		ok &= ovl[1 + i] == (char)('A' + i % 26);
	for (int i = 33; i < 64; i++)
		ok &= ovl[i] == (char)('A' + i % 26);
	CHECK(ok);
	CHECK_EQ(reap(srv), 0);
	close(ep);
	CHECK_EQ(counted(0), files);
	CHECK_EQ(counted(1), eps);
	printf("hostile: data replies refused for no lease, n 16/17/255, wrapping lengths, far "
	       "offsets, bad arrays; twice, foreign and dead tokens are no-ops; overlap by COW\n");
}

/* ---------------------------------------------------------------- */
/* Part 2: a mounted server at /h that answers the kernel's calls.  */

/* READ's mode: the file offset's page number. */
enum {
	RM_OK,
	RM_BIG,
	RM_ERR,
	RM_LINKED,
	RM_HUGE,
	RM_MIST,
	RM_CAP,
	RM_HOLD,
	RM_DIE,
	RM_TWICE,
	RM_SIG,
	RM_SLOW,
	RM_ZERO,
	RM_EXEC,
	RM_NREAD
};

static char rbuf[64]; /* the server's receive buffer */
static char saved_text[64];

static void text_code(void) {}

/* One answer to a STAT whose name starts 'i' or 'n': ENOENT if the path
 * came as the name says (in the buffer, or only by lease), else EXDEV. */
static uint32_t path_came(long info, struct lde_msg *m, int want_inline)
{
	uint32_t len = LDE_FS_LEN0(m->w[0]);
	char got[64] = { 0 };
	if (len >= sizeof got || lease_read(m->token, 0, 0, got, len) != len)
		return EIO;
	int inl = (info & LDE_MSG_INLINE0) != 0;
	if (inl && memcmp(rbuf, got, len))
		return EIO;
	return inl == want_inline ? ENOENT : EXDEV;
}

/* The fs server after its exec, holding a read (token): answers it,
 * then one STAT, whose path must not come in a buffer (exec forgot it). */
static int exec_server(int sep, long token, int tellfd)
{
	tellp[1] = tellfd;
	static const struct lde_iov hello = { (uint64_t) "hello", 5 };
	struct lde_msg m = { .token = token, .w = { 5 } };
	tell(reply_with(&m, 0, 1, LDE_MSG_DATA_AT(0, 0), &hello));
	long r = ipc_recv(sep, &m);
	CHECK_EQ(LDE_MSG_LABEL(r), LDE_FS_STAT);
	m.info = path_came(r, &m, 0);
	ipc_reply(&m);
	fflush(stdout);
	return check_failures ? 1 : 0;
}

static void fs_server(int sep)
{
	memset(rbuf, 1, sizeof rbuf);
	CHECK_EQ(ipc_buffer(rbuf, sizeof rbuf), 0);
	struct lde_msg m;
	int sig_seen = 0;
	char *heap = NULL;
	long r = ipc_recv(sep, &m);
	for (;;) {
		if (r < 0) {
			printf("FAIL: fs_server: recv %ld errno %d\n", r, errno);
			_exit(1);
		}
		uint32_t label = LDE_MSG_LABEL(r), err = 0;
		char name[64] = { 0 };
		if (label == LDE_FS_STAT || label == LDE_FS_OPEN) {
			uint32_t len =
				label == LDE_FS_OPEN ? LDE_FS_LEN1(m.w[1]) : LDE_FS_LEN0(m.w[0]);
			if (len < sizeof name)
				lease_read(m.token, 0, 0, name, len);
		}
		if (label == LDE_FS_CLOSE) {
			r = ipc_recv(sep, &m);
			continue;
		}
		if (label == LDE_FS_OPEN) {
			if (name[0] == 'c') { /* an answer with a descriptor */
				m.info = LDE_MSG_INFO(0, 0, tellp[1]);
				m.w[0] = 7;
				r = ipc_reply_recv(sep, &m);
				continue;
			}
			if (name[0] == 'L' || name[0] == 'M') { /* a link it cannot be */
				m.info = LDE_FS_LINKED;
				m.w[0] = name[0] == 'L' ? 100000 : 1;
				m.w[1] = 0;
				r = ipc_reply_recv(sep, &m);
				continue;
			}
			if (name[0] == 'N') { /* never answered */
				tell('N');
				r = ipc_recv(sep, &m);
				continue;
			}
			m.w[0] = 7; /* every file is handle 7 */
		} else if (label == LDE_FS_STAT && name[0] == 'H') {
			tell('H');
			if (wait_order() == 'x')
				_exit(0); /* dies holding it */
			err = ENOENT;
		} else if (label == LDE_FS_STAT && (name[0] == 'i' || name[0] == 'n')) {
			err = path_came(r, &m, name[0] == 'i');
		} else if (label == LDE_FS_STAT && name[0] == 'b') {
			/* A new receive buffer, as the name says. */
			long res = 0;
			switch (name[1]) {
			case 'T': /* over our text, read-only */
				memcpy(saved_text, (void *)text_code, sizeof saved_text);
				res = ipc_buffer((void *)text_code, 64);
				break;
			case 't': /* our text as it was */
				res = !memcmp(saved_text, (void *)text_code, sizeof saved_text);
				break;
			case 'U': res = ipc_buffer((void *)UNMAPPED, 64); break;
			case 'K': res = err_of(ipc_buffer((void *)(0x4000000000UL - 8), 16)); break;
			case 'S': /* heap pages, then the heap shrunk under it */
				heap = sbrk(8192);
				memset(heap, 1, 8192);
				res = ipc_buffer((void *)(((uintptr_t)heap + 4095) & ~4095UL), 64);
				sbrk(-8192);
				break;
			case 'G': /* the heap again: fresh zeroes, nothing scribbled */
				heap = sbrk(8192);
				res = 1;
				for (int i = 0; i < 8192; i++)
					res &= heap[i] == 0;
				sbrk(-8192);
				break;
			case 'C': res = ipc_buffer(cowbuf + 4096, 64); break; /* still COW */
			case 'X': /* across a page we have, into one never touched */
				heap = sbrk(8192);
				heap[0] = 1;
				res = ipc_buffer((char *)(((uintptr_t)heap + 4096) & ~4095UL) - 4,
						 64);
				break;
			case 'R': res = ipc_buffer(rbuf, sizeof rbuf); break;
			case 'W': memset(rbuf, 2, sizeof rbuf); break;
			case 'F': { /* a child serves the next one: no buffer passed on */
				pid_t k = fork();
				if (k == 0) {
					long info = ipc_recv(sep, &m);
					m.info = path_came(info, &m, 0);
					ipc_reply(&m);
					child_done();
				}
				m.info = 0;
				m.w[0] = LDE_S_IFREG;
				ipc_reply(&m);
				int st = -1;
				CHECK_EQ(waitpid(k, &st, 0), k);
				tell(st);
				r = ipc_recv(sep, &m);
				continue;
			}
			}
			tell(res);
			err = ENOENT;
		} else if (label == LDE_FS_STAT && name[0] == 's') {
			/* A stat answer into the kernel's leases, the wrong ways
			 * first: its path (read-only), past the struct, lease 2. */
			static struct lde_stat st;
			memset(&st, 0, sizeof st);
			st.mode = LDE_S_IFREG | 0600;
			st.size = 1234;
			st.ino = 99;
			struct lde_iov v = { (uint64_t)&st, sizeof st };
			struct lde_iov v1 = { (uint64_t)&st, sizeof st + 1 };
			tell(reply_with(&m, 0, 1, LDE_MSG_DATA_AT(0, 0), &v));
			tell(reply_with(&m, 0, 1, LDE_MSG_DATA_AT(1, 1), &v));
			tell(reply_with(&m, 0, 1, LDE_MSG_DATA_AT(1, 0), &v1));
			tell(reply_with(&m, 0, 1, LDE_MSG_DATA_AT(2, 0), &v));
			tell(reply_with(&m, 0, 17, LDE_MSG_DATA_AT(1, 0), &v));
			tell(reply_with(&m, 0, 1, LDE_MSG_DATA_AT(1, 0), (void *)UNMAPPED));
			tell(reply_with(&m, 0, 1, LDE_MSG_DATA_AT(1, 0), &v));
			r = ipc_recv(sep, &m);
			continue;
		} else if (label == LDE_FS_STAT && name[0] == 'f') {
			/* Our range is not there: the caller's EFAULT. */
			struct lde_iov v = { UNMAPPED, sizeof(struct lde_stat) };
			tell(reply_with(&m, 0, 1, LDE_MSG_DATA_AT(1, 0), &v));
			r = ipc_recv(sep, &m);
			continue;
		} else if (label == LDE_FS_STAT && name[0] == 'p') {
			/* Part of the struct: the rest stays the kernel's zeroes. */
			static const uint64_t size = 77;
			struct lde_iov v = { (uint64_t)&size, 8 };
			m.info = LDE_MSG_INFO(0, 1, -1);
			m.w[2] = LDE_MSG_DATA_AT(1, 8);
			m.w[3] = (uint64_t)&v;
			r = ipc_reply_recv(sep, &m);
			continue;
		} else if (label == LDE_FS_STAT) {
			err = ENOENT;
		} else if (label == LDE_FS_READ) {
			uint64_t mode = m.w[1] >> 12, n = m.w[2];
			if (m.w[1] >= 1ULL << 62)
				mode = RM_OK; /* near the largest offset */
			static const struct lde_iov hello = { (uint64_t) "hello", 5 };
			struct lde_iov v = { (uint64_t) "hello", n < 5 ? n : 5 };
			switch (mode) {
			case RM_OK:
			case RM_CAP:
			case RM_ZERO:
				if (mode == RM_ZERO)
					v.len = 0;
				m.info = LDE_MSG_INFO(0, 1, mode == RM_CAP ? tellp[1] : -1);
				m.w[0] = v.len;
				m.w[2] = LDE_MSG_DATA_AT(0, 0);
				m.w[3] = (uint64_t)&v;
				r = ipc_reply_recv(sep, &m);
				continue;
			case RM_BIG: m.w[0] = n + 1; break;
			case RM_ERR: err = ENOSPC; break;
			case RM_LINKED: err = LDE_FS_LINKED; break;
			case RM_HUGE: err = 70000; break;
			case RM_MIST: {
				struct lde_iov big[2] = { { (uint64_t)page2, 1 },
							  { (uint64_t)page2, n } };
				tell(reply_with(&m, 0, 1, LDE_MSG_DATA_AT(0, n), &hello));
				tell(reply_with(&m, 0, 1, LDE_MSG_DATA_AT(1, 0), &hello));
				tell(reply_with(&m, 0, 17, LDE_MSG_DATA_AT(0, 0), &hello));
				tell(reply_with(&m, 0, 255, LDE_MSG_DATA_AT(0, 0), &hello));
				tell(reply_with(&m, 0, 2, LDE_MSG_DATA_AT(0, 0), big));
				tell(reply_with(&m, 0, 1, LDE_MSG_DATA_AT(0, 1ULL << 55), &hello));
				tell(reply_with(&m, 0, 1, LDE_MSG_DATA_AT(0, 0), (void *)UNMAPPED));
				tell(reply_with(&m, 0, 1, LDE_MSG_DATA_AT(0, 0),
						(void *)KERNEL_VA));
				/* The good one: 16 ranges, the array across pages. */
				m.w[0] = 16;
				tell(reply_with(&m, 0, 16, LDE_MSG_DATA_AT(0, 0),
						straddling_iov(16)));
				r = ipc_recv(sep, &m);
				continue;
			}
			case RM_HOLD:
				tell('H');
				if (wait_order() == 'x')
					_exit(0); /* dies holding it */
				m.w[0] = 5;
				tell(reply_with(&m, 0, 1, LDE_MSG_DATA_AT(0, 0), &hello));
				r = ipc_recv(sep, &m);
				continue;
			case RM_DIE: tell('D'); _exit(0);
			case RM_EXEC: { /* the new image answers it */
				char a[3][24];
				snprintf(a[0], sizeof a[0], "%d", sep);
				snprintf(a[1], sizeof a[1], "%ld", m.token);
				snprintf(a[2], sizeof a[2], "%d", tellp[1]);
				char *argv[] = {
					"t_hostile_ipc", "exec-srv", a[0], a[1], a[2], NULL
				};
				execv("/t_hostile_ipc", argv);
				printf("FAIL: exec: errno %d\n", errno);
				_exit(1);
			}
			case RM_TWICE: {
				static const struct lde_iov x = { (uint64_t) "XXXXX", 5 };
				m.w[0] = 5;
				tell(reply_with(&m, 0, 1, LDE_MSG_DATA_AT(0, 0), &hello));
				m.w[0] = 4;
				tell(reply_with(&m, 0, 1, LDE_MSG_DATA_AT(0, 0), &x));
				r = ipc_recv(sep, &m);
				continue;
			}
			case RM_SIG:
				if (!(sig_seen++ & 1)) {
					/* Hold it; the reader is signalled meanwhile. */
					tell('S');
					wait_order();
					m.w[0] = 5;
					tell(reply_with(&m, 0, 1, LDE_MSG_DATA_AT(0, 0), &hello));
					r = ipc_recv(sep, &m);
					continue;
				}
				/* the restarted read */
				__attribute__((fallthrough));
			case RM_SLOW:
				m.w[0] = 5;
				CHECK_EQ(reply_with(&m, 0, 1, LDE_MSG_DATA_AT(0, 0), &hello), 0);
				r = ipc_recv(sep, &m);
				continue;
			default: err = EINVAL;
			}
		} else {
			err = ENOSYS;
		}
		m.info = LDE_MSG_INFO(err, 0, -1);
		r = ipc_reply_recv(sep, &m);
	}
}

static pid_t start_fs(int sep)
{
	pid_t pid = fork();
	if (pid == 0)
		fs_server(sep);
	return pid;
}

static int stat_err(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 ? 0 : errno;
}

/* An open of /h/f at READ mode mode, or -1. */
static int open_at(int mode)
{
	int fd = open("/h/f", O_RDONLY);
	CHECK(fd >= 0);
	CHECK_EQ(lseek(fd, (off_t)mode << 12, SEEK_SET), (off_t)mode << 12);
	return fd;
}

static int read_err(int fd, void *buf, size_t n)
{
	long r = read(fd, buf, n);
	return r < 0 ? -errno : (int)r;
}

static void receive_buffer(void)
{
	/* The path in the buffer when it fits: ENOENT means it came as
	 * the name's first letter says. */
	CHECK_EQ(stat_err("/h/iab"), ENOENT);
	static const struct {
		const char *set, *probe;
		long res;
	} cases[] = {
		{ "/h/bT", "/h/n1", 0 },       /* over our text */
		{ "/h/bt", "/h/n1", 1 },       /* which stayed as it was */
		{ "/h/bU", "/h/n2", 0 },       /* over nothing */
		{ "/h/bK", "/h/n3", -EFAULT }, /* past user memory: refused, none now? */
		{ "/h/bS", "/h/n4", 0 },       /* over a heap shrunk away */
		{ "/h/bG", "/h/n4", 1 },       /* whose pages come back zero */
		{ "/h/bC", "/h/n5", 0 },       /* over a copy-on-write page */
		{ "/h/bX", "/h/n6789", 0 },    /* into a page never touched */
		{ "/h/bR", "/h/i7", 0 },       /* a good one again */
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		CHECK_EQ(stat_err(cases[i].set), ENOENT);
		long got = heard();
		if (got != cases[i].res)
			printf("FAIL: ipc_buffer case %s: got %ld, want %ld\n", cases[i].set, got,
			       cases[i].res),
				check_failures++;
		if (cases[i].res == -EFAULT) /* the old buffer stays: still inline */
			continue;
		int e = stat_err(cases[i].probe);
		if (e != ENOENT)
			printf("FAIL: ipc_buffer case %s, then %s: errno %d\n", cases[i].set,
			       cases[i].probe, e),
				check_failures++;
	}
	/* The server's copy-on-write buffer never written through: ours
	 * is as we left it. */
	int ok = 1;
	for (int i = 4096; i < 4096 + 64; i++)
		ok &= cowbuf[i] == 'c';
	CHECK(ok);
	/* fork does not pass the buffer on. */
	CHECK_EQ(stat_err("/h/bF"), 0);
	CHECK_EQ(stat_err("/h/n8"), ENOENT);
	CHECK_EQ(heard(), 0);
	/* The server's own buffer is copy-on-write after its fork, so not
	 * written either (docs/ipc.md), until the server writes it. */
	CHECK_EQ(stat_err("/h/n9"), ENOENT);
	CHECK_EQ(stat_err("/h/bW"), ENOENT);
	CHECK_EQ(heard(), 0);
	CHECK_EQ(stat_err("/h/i9"), ENOENT);
	printf("hostile: receive buffers over text, nothing, a shrunk heap, COW and untouched "
	       "pages are not written; fork does not pass one on\n");
}

static void kernel_callers(void)
{
	struct stat st;
	/* stat answered into the kernel's leases the wrong ways, then right. */
	CHECK_EQ(stat("/h/s", &st), 0);
	static const long want[] = { -EACCES, -EINVAL, -EINVAL, -EINVAL, -EINVAL, -EFAULT, 0 };
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
		long got = heard();
		if (got != want[i])
			printf("FAIL: stat attempt %zu: got %ld, want %ld\n", i, got, want[i]),
				check_failures++;
	}
	CHECK_EQ(st.st_size, 1234);
	CHECK_EQ(st.st_ino, 99);
	/* A range of the server's that is not there: the caller's EFAULT,
	 * the reply given. */
	CHECK_EQ(stat("/h/f", &st), -1);
	CHECK_EQ(errno, EFAULT);
	CHECK_EQ(heard(), 0);
	/* Part of the struct: the rest is zero, not the kernel's stack. */
	memset(&st, 0x55, sizeof st);
	CHECK_EQ(stat("/h/p", &st), 0);
	CHECK_EQ(st.st_size, 77);
	CHECK_EQ(st.st_ino, 0);
	CHECK_EQ(st.st_mode, 0);
	CHECK_EQ(st.st_nlink, 0);
	/* open answered with a descriptor (dropped), a link past the path,
	 * a link forever. */
	long files = counted(0);
	int fd = open("/h/cap", O_RDONLY);
	CHECK(fd >= 0);
	CHECK_EQ(counted(0), files + 1);
	close(fd);
	CHECK_EQ(open("/h/Lx", O_RDONLY), -1);
	CHECK_EQ(open("/h/Mx", O_RDONLY), -1);
	/* never answered: the opener killed; and a server that dies. */
	pid_t c = fork();
	if (c == 0) {
		open("/h/N", O_RDONLY);
		printf("FAIL: the unanswered open returned\n");
		_exit(1);
	}
	CHECK_EQ(heard(), 'N');
	CHECK_EQ(kill(c, SIGKILL), 0);
	CHECK_EQ(reap(c), LDE_W_SIGNALED(SIGKILL));
	printf("hostile: kernel callers' leases refuse the wrong data; descriptors dropped; "
	       "bad links and unanswered opens end\n");
}

static volatile int handled;
static void count_usr1(int sig)
{
	(void)sig;
	handled++;
}

static void detached_reads(int sep, pid_t *srv)
{
	char b[32];
	int fd = open_at(RM_OK);
	/* The reply's claims: more than lent, errors, a link, a huge label. */
	static const struct {
		int mode, res;
	} answers[] = { { RM_OK, 5 },	     { RM_BIG, -EIO },	{ RM_ERR, -ENOSPC },
			{ RM_LINKED, -EIO }, { RM_HUGE, -EIO }, { RM_ZERO, 0 },
			{ RM_SLOW, 5 },	     { RM_CAP, 5 } };
	long files = counted(0);
	for (int shared = 0; shared < 2; shared++) {
		int fd2 = shared ? dup(fd) : -1; /* a shared descriptor keeps its stack */
		for (size_t i = 0; i < sizeof answers / sizeof answers[0]; i++) {
			memset(b, 0, sizeof b);
			lseek(fd, (off_t)answers[i].mode << 12, SEEK_SET);
			int got = read_err(fd, b, 16);
			if (got != answers[i].res)
				printf("FAIL: read mode %d shared %d: got %d, want %d\n",
				       answers[i].mode, shared, got, answers[i].res),
					check_failures++;
			if (got == 5)
				CHECK(!strcmp(b, "hello"));
		}
		if (fd2 >= 0)
			close(fd2);
	}
	CHECK_EQ(counted(0), files);
	/* The server's mistakes, each refused with the reader still held. */
	for (int shared = 0; shared < 2; shared++) {
		int fd2 = shared ? dup(fd) : -1;
		memset(b, 0, sizeof b);
		lseek(fd, (off_t)RM_MIST << 12, SEEK_SET);
		CHECK_EQ(read_err(fd, b, 16), 16);
		static const long want[] = { -EINVAL, -EINVAL, -EINVAL, -EINVAL, -EINVAL,
					     -EINVAL, -EFAULT, -EFAULT, 0 };
		for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
			long got = heard();
			if (got != want[i])
				printf("FAIL: read mistake %zu shared %d: got %ld, want %ld\n", i,
				       shared, got, want[i]),
					check_failures++;
		}
		CHECK(!memcmp(b, "abcdefghijklmnop", 16));
		if (fd2 >= 0)
			close(fd2);
	}
	/* Answered twice: the second finds nobody. */
	lseek(fd, (off_t)RM_TWICE << 12, SEEK_SET);
	memset(b, 0, sizeof b);
	CHECK_EQ(read_err(fd, b, 16), 5);
	CHECK(!strcmp(b, "hello"));
	CHECK_EQ(heard(), 0);
	CHECK_EQ(heard(), 0);
	CHECK_EQ(lseek(fd, 0, SEEK_CUR), ((off_t)RM_TWICE << 12) + 5);

	/* A count that would carry the offset past the largest one: the
	 * read fails or the offset stays a valid one (lseek never makes it
	 * negative either). */
	for (int shared = 0; shared < 2; shared++) {
		int fd2 = shared ? dup(fd) : -1;
		CHECK_EQ(lseek(fd, INT64_MAX - 2, SEEK_SET), INT64_MAX - 2);
		int got = read_err(fd, b, 16);
		off_t at = lseek(fd, 0, SEEK_CUR);
		if (got >= 0 && at != INT64_MAX - 2 + got)
			printf("FAIL: read of %d at INT64_MAX - 2 (shared %d) left the offset %lld "
			       "(errno %d)\n",
			       got, shared, (long long)at, errno),
				check_failures++;
		if (fd2 >= 0)
			close(fd2);
	}

	/* The reader's buffers: not there, read-only, past user memory,
	 * copy-on-write, across a page never touched; n 0. */
	lseek(fd, 0, SEEK_SET);
	CHECK_EQ(read_err(fd, (void *)UNMAPPED, 16), -EFAULT);
	CHECK_EQ(read_err(fd, (void *)rodata, 16), -EFAULT);
	CHECK(!memcmp(rodata, "read-only, whoever writes", 26));
	CHECK_EQ(read_err(fd, (void *)text_code, 16), -EFAULT);
	CHECK_EQ(read_err(fd, (void *)(0x4000000000UL - 4), 16), -EFAULT);
	CHECK_EQ(read_err(fd, (void *)KERNEL_VA, 16), -EFAULT);
	CHECK_EQ(lseek(fd, 0, SEEK_CUR), 0);
	char *heap = sbrk(3 * 4096);
	char *edge = (char *)(((uintptr_t)heap + 4096) & ~4095UL) + 4096 - 2;
	CHECK_EQ(read_err(fd, edge, 16), 5);
	CHECK(!memcmp(edge, "hello", 5));
	CHECK_EQ(read_err(fd, b, 0), 0);
	memset(page2, 'p', 64);
	pid_t c = fork();
	if (c == 0) {
		int cfd = open_at(RM_OK);
		CHECK_EQ(read_err(cfd, page2, 16), 5); /* a copy-on-write page */
		CHECK(!memcmp(page2, "hellopp", 7));
		child_done();
	}
	CHECK_EQ(reap(c), 0);
	CHECK(!memcmp(page2, "ppppppp", 7));
	close(fd);

	/* A reader killed while its read is held: the reply is a no-op. */
	c = fork();
	if (c == 0) {
		int cfd = open_at(RM_HOLD);
		read(cfd, b, 16);
		printf("FAIL: the held read returned\n");
		_exit(1);
	}
	CHECK_EQ(heard(), 'H');
	CHECK_EQ(kill(c, SIGKILL), 0);
	CHECK_EQ(reap(c), LDE_W_SIGNALED(SIGKILL));
	order('g');
	CHECK_EQ(heard(), 0);
	/* A reader signalled while its read is held: a file call a server
	 * holds is not interrupted (it may have been acted on: POSIX's
	 * regular files are no slow devices), with SA_RESTART or without.
	 * The read returns the data, then the handler runs. */
	for (int restart = 0; restart < 2; restart++) {
		c = fork();
		if (c == 0) {
			struct sigaction sa = { 0 };
			sa.sa_handler = count_usr1;
			sa.sa_flags = restart ? SA_RESTART : 0;
			sigaction(SIGUSR1, &sa, NULL);
			int cfd = open_at(RM_SIG);
			memset(b, 0, sizeof b);
			int got = read_err(cfd, b, 16);
			CHECK_EQ(handled, 1);
			CHECK_EQ(got, 5);
			CHECK(!strcmp(b, "hello"));
			CHECK_EQ(lseek(cfd, 0, SEEK_CUR), ((off_t)RM_SIG << 12) + 5);
			child_done();
		}
		CHECK_EQ(heard(), 'S');
		CHECK_EQ(kill(c, SIGUSR1), 0);
		CHECK_EQ(wait_state(c, LDE_P_SLEEPING, 5000), 0); /* still held */
		order('g');
		CHECK_EQ(heard(), 0);
		CHECK_EQ(reap(c), 0);
		/* The server's next RM_SIG is the odd one (it answers at once):
		 * a read that nobody signals evens it up. */
		int cfd = open_at(RM_SIG);
		CHECK_EQ(read_err(cfd, b, 16), 5);
		close(cfd);
	}

	/* A server that execs holding a detached read: the new image
	 * answers it, and has no receive buffer. */
	int efd = open_at(RM_EXEC);
	memset(b, 0, sizeof b);
	CHECK_EQ(read_err(efd, b, 16), 5);
	CHECK(!strcmp(b, "hello"));
	CHECK_EQ(heard(), 0);
	CHECK_EQ(stat_err("/h/n10"), ENOENT);
	int est = -1;
	CHECK_EQ(waitpid(*srv, &est, 0), *srv);
	CHECK_EQ(est, 0);
	*srv = start_fs(sep);
	close(efd);

	/* A server that dies holding a detached read: EIO; a new server. */
	c = fork();
	if (c == 0) {
		int cfd = open_at(RM_DIE);
		CHECK_EQ(read_err(cfd, b, 16), -EIO);
		child_done();
	}
	CHECK_EQ(heard(), 'D');
	CHECK_EQ(waitpid(*srv, NULL, 0), *srv);
	CHECK_EQ(reap(c), 0);
	*srv = start_fs(sep);
	printf("hostile: detached reads: wrong counts, errors, links, data mistakes, bad "
	       "buffers, killed and signalled readers, a dying server\n");
}

/* A user call on a fresh endpoint whose server receives only once the
 * call is queued (so the slow path delivers it): the words must arrive
 * as sent and the answer come back. 1 if all was well. */
static int queued_call_ok(void)
{
	int ep = ep_create();
	pid_t me = getpid(), e = fork();
	if (e == 0) {
		CHECK_EQ(wait_state(me, LDE_P_SLEEPING, 5000), 0);
		struct lde_msg m;
		long r = ipc_recv(ep, &m);
		int ok = r == 3 && m.w[0] == 11 && m.w[1] == 22 && m.w[2] == 33 && m.w[3] == 44;
		if (!ok)
			printf("FAIL: queued call delivered as info %ld words %lx %lx %lx %lx\n", r,
			       (unsigned long)m.w[0], (unsigned long)m.w[1], (unsigned long)m.w[2],
			       (unsigned long)m.w[3]),
				check_failures++;
		m.info = 4;
		m.w[0] = 55;
		ipc_reply(&m);
		child_done();
	}
	struct lde_msg m = { .info = 3, .w = { 11, 22, 33, 44 } };
	long r = ipc_call(ep, &m, NULL);
	int st = -1;
	CHECK_EQ(waitpid(e, &st, 0), e);
	close(ep);
	return r == 4 && m.w[0] == 55 && st == 0;
}

/* A reader held in a detached read is signalled, and its server exits
 * before the reader runs again: the read must fail (EINTR or EIO), and
 * the reader's next user call be an ordinary one. With stale set, the
 * reader then makes that call (a kernel call's state left behind would
 * make the kernel take its message for the kernel's). */
static void dies_before_reader_runs(int sep, pid_t *srv, int stale)
{
	if (stale == 2) {
		/* Readers killed while held, each server exiting before its
		 * reader runs; then processes in their slots make user calls
		 * the slow path delivers. */
		for (int i = 0; i < 3; i++) {
			pid_t k = fork();
			if (k == 0) {
				int cfd = open_at(RM_HOLD);
				char b[16];
				read(cfd, b, 16);
				_exit(0);
			}
			CHECK_EQ(heard(), 'H');
			order('x');
			CHECK_EQ(kill(k, SIGKILL), 0);
			CHECK_EQ(waitpid(*srv, NULL, 0), *srv);
			CHECK_EQ(reap(k), LDE_W_SIGNALED(SIGKILL));
			*srv = start_fs(sep);
		}
		for (int i = 0; i < 6; i++) {
			pid_t k = fork();
			if (k == 0) {
				CHECK(queued_call_ok());
				child_done();
			}
			CHECK_EQ(reap(k), 0);
		}
	}
	pid_t c = fork();
	if (c == 0) {
		struct sigaction sa = { 0 };
		sa.sa_handler = count_usr1;
		sigaction(SIGUSR1, &sa, NULL);
		int cfd = open_at(RM_OK);
		char b[16];
		CHECK_EQ(read_err(cfd, b, 16), 5);
		lseek(cfd, (off_t)RM_HOLD << 12, SEEK_SET);
		int got = read_err(cfd, b, 16);
		if (got != -EINTR && got != -EIO)
			printf("FAIL: a read whose server died while the reader was signalled "
			       "returned %d\n",
			       got),
				check_failures++;
		CHECK_EQ(handled, 1);
		CHECK_EQ(lseek(cfd, 0, SEEK_CUR), (off_t)RM_HOLD << 12);
		if (stale == 1)
			CHECK(queued_call_ok());
		/* The same with a stat, which keeps its stack. */
		struct stat st;
		got = stat("/h/Hold", &st) == 0 ? 0 : -errno;
		if (got != -EINTR && got != -EIO)
			printf("FAIL: a stat whose server died while the caller was signalled "
			       "returned %d\n",
			       got),
				check_failures++;
		/* And a user's call. */
		int ep = ep_create();
		pid_t s2 = fork();
		if (s2 == 0) {
			struct lde_msg m;
			CHECK(ipc_recv(ep, &m) >= 0);
			tell('U');
			wait_order();
			_exit(0);
		}
		struct lde_msg m = { .info = 1 };
		long r = err_of(ipc_call(ep, &m, NULL));
		if (r != -EINTR && r != -ECONNRESET)
			printf("FAIL: a call whose server died while the caller was signalled "
			       "returned %ld\n",
			       r),
				check_failures++;
		CHECK_EQ(reap(s2), 0);
		close(ep);
		child_done();
	}
	CHECK_EQ(heard(), 'H');
	/* The server first on the run queue, then the reader. */
	order('x');
	CHECK_EQ(kill(c, SIGUSR1), 0);
	CHECK_EQ(waitpid(*srv, NULL, 0), *srv);
	*srv = start_fs(sep);
	CHECK_EQ(heard(), 'H'); /* the stat's */
	order('x');
	CHECK_EQ(kill(c, SIGUSR1), 0);
	CHECK_EQ(waitpid(*srv, NULL, 0), *srv);
	*srv = start_fs(sep);
	CHECK_EQ(heard(), 'U');
	order('x');
	CHECK_EQ(kill(c, SIGUSR1), 0);
	CHECK_EQ(reap(c), 0);
	printf("hostile: a signalled reader whose server dies before it runs\n");
}

/* Many readers at once, a descriptor shared across fork among them,
 * one traced, one with its FPU on. */
static void readers(void)
{
	enum { READERS = 5, READS = 60 };
	int shared = open_at(RM_OK);
	pid_t kids[READERS];
	for (int k = 0; k < READERS; k++) {
		kids[k] = fork();
		if (kids[k] == 0) {
			int fd = k == 0 ? shared : open_at(RM_OK);
			if (k == 1)
				trace(1);
			volatile double x = 1.5;
			for (int i = 0; i < (k == 1 ? 2 : READS); i++) {
				char b[8] = { 0 };
				if (k == 2)
					x = x * 1.000001 + 0.5; /* the FPU on */
				int got = read_err(fd, b, 8);
				if (got != 5 || memcmp(b, "hello", 5))
					printf("FAIL: reader %d read %d: %d\n", k, i, got),
						check_failures++;
			}
			if (k == 1)
				trace(0);
			CHECK(x > 1.0);
			child_done();
		}
	}
	for (int i = 0; i < READS; i++) {
		char b[8] = { 0 };
		CHECK_EQ(read_err(shared, b, 8), 5);
	}
	for (int k = 0; k < READERS; k++) {
		int st = -1;
		CHECK_EQ(waitpid(kids[k], &st, 0), kids[k]);
		CHECK_EQ(st, 0);
	}
	/* The shared offset counts both processes' reads. */
	CHECK_EQ(lseek(shared, 0, SEEK_CUR), 2 * READS * 5);
	close(shared);
	printf("hostile: %d readers at once, a shared descriptor, traced and FPU readers\n",
	       READERS);
}

static void body(int stale)
{
	long files = counted(0), eps = counted(1);
	hostile_replies();
	int sep = ep_create();
	CHECK(sep >= 0);
	CHECK_EQ(mount("/h", sep), 0);
	memset(cowbuf, 'c', sizeof cowbuf); /* written: COW after the fork */
	pid_t srv = start_fs(sep);
	receive_buffer();
	kernel_callers();
	detached_reads(sep, &srv);
	dies_before_reader_runs(sep, &srv, stale);
	readers();
	CHECK_EQ(kill(srv, SIGKILL), 0);
	CHECK_EQ(reap(srv), LDE_W_SIGNALED(SIGKILL));
	CHECK_EQ(mount("/h", -1), 0);
	close(sep);
	CHECK_EQ(counted(0), files);
	CHECK_EQ(counted(1), eps);
}

int main(int argc, char **argv)
{
	if (argc == 5 && !strcmp(argv[1], "exec-srv"))
		return exec_server(atoi(argv[2]), atol(argv[3]), atoi(argv[4]));
	/* stale: a user call after the read of dies_before_reader_runs;
	 * stale-kill: the same in the slots of readers killed that way. */
	int stale = argc > 1 && !strcmp(argv[1], "stale")	 ? 1
		    : argc > 1 && !strcmp(argv[1], "stale-kill") ? 2
								 : 0;
	CHECK_EQ(pipe(tellp), 0);
	CHECK_EQ(pipe(cmdp), 0);
	long files = counted(0), eps = counted(1);
	long pages = counted(2);
	/* The whole test in a child: everything it had comes back. */
	pid_t t = fork();
	if (t == 0) {
		body(stale);
		child_done();
	}
	int st = -1;
	CHECK_EQ(waitpid(t, &st, 0), t);
	CHECK_EQ(st, 0);
	CHECK_EQ(counted(0), files);
	CHECK_EQ(counted(1), eps);
	CHECK_EQ(counted(2), pages);
	if (counted(2) == pages)
		printf("hostile: pages, files and endpoints all came back\n");
	return check_exit("t_hostile_ipc");
}
