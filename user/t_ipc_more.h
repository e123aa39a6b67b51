/* IPC leases, descriptor transfer and notifications (docs/ipc.md): part of
 * t_ipc (one program keeps the initrd, and so boot and exec, short).
 * Run as init: init=/t_ipc more */
#pragma once

static const char rodata_text[64] = "read-only, even for a server";
static char page_buf[8192] __attribute__((aligned(4096)));
static char shared_word[16] = "before";

/* The lease server: each label is one experiment on the caller's leases,
 * its results in the reply's words (r < 0: -errno). */
enum { LS_READ = 1, LS_WRITE, LS_BOUNDS, LS_RODATA, LS_AFTER, LS_BIG, LS_SUM, LS_WRITEV, LS_QUIT };

/* Each byte weighted by its place: a byte copied out of place changes it. */
static uint64_t weighed(const unsigned char *p, size_t n)
{
	uint64_t sum = 0;
	for (size_t i = 0; i < n; i++)
		sum += (i + 1) * p[i];
	return sum;
}

static long err_of(long r) { return r < 0 ? -errno : r; }

static void lease_server(int ep)
{
	/* Page-aligned, as a server's buffer for a page would be: the kernel
	 * copies whole pages between aligned buffers its fastest way. */
	static char buf[8192] __attribute__((aligned(4096)));
	struct lde_msg m;
	for (;;) {
		CHECK(ipc_recv(ep, &m) >= 0);
		long t = m.token;
		uint32_t label = LDE_MSG_LABEL(m.info);
		long r0 = 0, r1 = 0, r2 = 0, r3 = 0;
		switch (label) {
		case LS_READ: /* lease 0 readable: read it all, and one byte more */
			r0 = err_of(lease_read(t, 0, 0, buf, 5));
			r1 = r0 == 5 && !memcmp(buf, "hello", 5);
			r2 = err_of(lease_write(t, 0, 0, "x", 1)); /* not writable */
			r3 = err_of(lease_read(t, 1, 0, buf, 1));  /* no lease 1 */
			break;
		case LS_WRITE: /* lease 0 writable, across a page boundary */
			memset(buf, 'w', sizeof buf);
			r0 = err_of(lease_write(t, 0, 0, buf, m.w[0]));
			r1 = err_of(lease_read(t, 0, 0, buf, 1)); /* write-only */
			break;
		case LS_BOUNDS:						 /* a 16-byte lease */
			r0 = err_of(lease_read(t, 0, 14, buf, 4));	 /* past its end */
			r1 = err_of(lease_read(t, 0, 17, buf, 0));	 /* starts past it */
			r2 = err_of(lease_read(t, 0, 12, buf, 4));	 /* the last 4 bytes */
			r3 = err_of(lease_read(t, 0, 0, (void *)16, 4)); /* our buffer bad */
			break;
		case LS_RODATA: /* a writable lease over the caller's rodata */
			r0 = err_of(lease_write(t, 0, 0, "overwritten", 12));
			r1 = err_of(lease_read(t, 0, 0, buf, 8));
			break;
		case LS_AFTER: { /* reply first, then try the lease */
			m.info = label;
			ipc_reply(&m);
			r0 = err_of(lease_read(t, 0, 0, buf, 1));
			CHECK_EQ(r0, -ESRCH);
			continue;
		}
		case LS_BIG: /* a lease over unmapped memory */
			r0 = err_of(lease_read(t, 0, 0, buf, 8));
			break;
		case LS_SUM: /* read lease w0 from byte w1, w2 bytes: how many, what */
			memset(buf, 0, sizeof buf);
			r0 = err_of(lease_read(t, m.w[0], m.w[1], buf, m.w[2]));
			r1 = (long)weighed((unsigned char *)buf, m.w[2]);
			r2 = buf[m.w[2]]; /* nothing past the end */
			break;
		case LS_WRITEV: { /* ranges from byte 10: "ab", 1 KiB across our page, "",
				   * "xyz", then "123" and "45" from one page of ours,
				   * the later range lower in it (the kernel reuses
				   * the page's translation: each at its own offset) */
			memset(buf, 'q', sizeof buf);
			memcpy(buf + 100, "123", 3);
			memcpy(buf + 50, "45", 2);
			struct lde_iov v[LDE_IOV_MAX + 1] = {
				{ (uint64_t) "ab", 2 },	    { (uint64_t)buf + 4000, 1024 },
				{ (uint64_t)buf, 0 },	    { (uint64_t) "xyz", 3 },
				{ (uint64_t)buf + 100, 3 }, { (uint64_t)buf + 50, 2 },
			};
			r0 = err_of(lease_writev(t, 0, 10, v, 6));
			r1 = err_of(lease_writev(t, 0, 0, v, LDE_IOV_MAX + 1)); /* too many */
			r2 = err_of(lease_writev(t, 0, m.w[0] - 2, v, 2));	/* past the end */
			r3 = err_of(lease_writev(t, 0, 0, (void *)16, 1));	/* a bad array */
			break;
		}
		case LS_QUIT:
			m.info = label;
			ipc_reply(&m);
			child_done();
		}
		m.info = label;
		m.w[0] = (uint64_t)r0, m.w[1] = (uint64_t)r1, m.w[2] = (uint64_t)r2,
		m.w[3] = (uint64_t)r3;
		ipc_reply(&m);
	}
}

static long call1(int ep, uint32_t label, uint64_t w0, struct lde_lease *l, int n,
		  struct lde_msg *m)
{
	*m = (struct lde_msg){ .info = LDE_MSG_INFO(label, n, -1), .w = { w0 } };
	return ipc_call(ep, m, l);
}

static void test_leases(void)
{
	struct counts before = counts();
	int ep = ep_create();
	pid_t srv = fork();
	if (srv == 0)
		lease_server(ep);
	struct lde_msg m;
	char hello[8] = "hello";
	struct lde_lease l = { (uint64_t)hello, 5, LDE_LEASE_READ };
	CHECK_EQ(call1(ep, LS_READ, 0, &l, 1, &m), LS_READ);
	CHECK_EQ(m.w[0], 5);
	CHECK_EQ(m.w[1], 1);
	CHECK_EQ((long)m.w[2], -EACCES);
	CHECK_EQ((long)m.w[3], -EINVAL);

	/* Written across a page boundary, 6000 bytes of 'w'; the bytes
	 * around stay. */
	memset(page_buf, 0, sizeof page_buf);
	l = (struct lde_lease){ (uint64_t)page_buf + 100, 6000, LDE_LEASE_WRITE };
	CHECK_EQ(call1(ep, LS_WRITE, 6000, &l, 1, &m), LS_WRITE);
	CHECK_EQ(m.w[0], 6000);
	CHECK_EQ((long)m.w[1], -EACCES);
	int ok = page_buf[99] == 0 && page_buf[6100] == 0;
	for (int i = 100; i < 6100; i++)
		ok &= page_buf[i] == 'w';
	CHECK(ok);

	/* lease_writev: its ranges one after another, into a lease that
	 * crosses a page; the bytes around stay. */
	memset(page_buf, 0, sizeof page_buf);
	l = (struct lde_lease){ (uint64_t)page_buf + 4090, 1200, LDE_LEASE_WRITE };
	CHECK_EQ(call1(ep, LS_WRITEV, 1200, &l, 1, &m), LS_WRITEV);
	CHECK_EQ(m.w[0], 2 + 1024 + 3 + 5);
	CHECK_EQ((long)m.w[1], -EINVAL);
	CHECK_EQ((long)m.w[2], -EINVAL);
	CHECK_EQ((long)m.w[3], -EFAULT);
	char *wv = page_buf + 4100;
	ok = !memcmp(wv, "ab", 2) && !memcmp(wv + 2 + 1024, "xyz12345", 8) && wv[-1] == 0 &&
	     wv[2 + 1024 + 8] == 0;
	for (int i = 2; i < 2 + 1024; i++)
		ok &= wv[i] == 'q';
	CHECK(ok);

	char sixteen[16] = "0123456789abcdef";
	l = (struct lde_lease){ (uint64_t)sixteen, 16, LDE_LEASE_READ };
	CHECK_EQ(call1(ep, LS_BOUNDS, 0, &l, 1, &m), LS_BOUNDS);
	CHECK_EQ((long)m.w[0], -EINVAL);
	CHECK_EQ((long)m.w[1], -EINVAL);
	CHECK_EQ(m.w[2], 4);
	CHECK_EQ((long)m.w[3], -EFAULT);

	/* Lending read-only memory as writable: the server's write fails, the
	 * memory is untouched, and the caller lives on. */
	l = (struct lde_lease){ (uint64_t)rodata_text, sizeof rodata_text,
				LDE_LEASE_READ | LDE_LEASE_WRITE };
	CHECK_EQ(call1(ep, LS_RODATA, 0, &l, 1, &m), LS_RODATA);
	CHECK_EQ((long)m.w[0], -EFAULT);
	CHECK_EQ(m.w[1], 8);
	CHECK(!strcmp(rodata_text, "read-only, even for a server"));

	l = (struct lde_lease){ (uint64_t)hello, 5, LDE_LEASE_READ };
	CHECK_EQ(call1(ep, LS_AFTER, 0, &l, 1, &m), LS_AFTER);
	l = (struct lde_lease){ 0x100000000UL, 4096, LDE_LEASE_READ };
	CHECK_EQ(call1(ep, LS_BIG, 0, &l, 1, &m), LS_BIG);
	CHECK_EQ((long)m.w[0], -EFAULT);

	/* Whole pages and pieces read back intact, the lease array wherever
	 * it lies: within a page or across a page boundary, as the second of
	 * two leases. */
	static char arrays[8192] __attribute__((aligned(4096)));
	for (int i = 0; i < 4096; i++)
		page_buf[i] = (char)(i * 7 + (i >> 8) + 1);
	for (int at = 0; at < 2; at++) {
		struct lde_lease *two =
			(struct lde_lease *)(arrays + (at ? 4096 - sizeof *two : 64));
		two[0] = (struct lde_lease){ (uint64_t)hello, 5, LDE_LEASE_READ };
		two[1] = (struct lde_lease){ (uint64_t)page_buf, 4096, LDE_LEASE_READ };
		static const uint64_t piece[][2] = { { 0, 4096 }, { 3, 4000 }, { 1024, 2048 } };
		for (int k = 0; k < 3; k++) {
			uint64_t off = piece[k][0], len = piece[k][1];
			m = (struct lde_msg){ .info = LDE_MSG_INFO(LS_SUM, 2, -1),
					      .w = { 1, off, len } };
			CHECK_EQ(ipc_call(ep, &m, two), LS_SUM);
			CHECK_EQ(m.w[0], len);
			CHECK_EQ(m.w[1], weighed((unsigned char *)page_buf + off, len));
			CHECK_EQ(m.w[2], 0);
		}
	}
	/* A lease over heap the caller never touched: paged in, zeros. */
	char *heap = sbrk(8192);
	char *fresh = (char *)(((uint64_t)heap + 4095) & ~4095UL);
	l = (struct lde_lease){ (uint64_t)fresh, 4096, LDE_LEASE_READ };
	m = (struct lde_msg){ .info = LDE_MSG_INFO(LS_SUM, 1, -1), .w = { 0, 0, 4096 } };
	CHECK_EQ(ipc_call(ep, &m, &l), LS_SUM);
	CHECK_EQ(m.w[0], 4096);
	CHECK_EQ(m.w[1], 0);
	CHECK_EQ(m.w[2], 0);
	sbrk(-8192);

	/* What the kernel refuses at the call. */
	l = (struct lde_lease){ (uint64_t)hello, 5, 4 };
	CHECK_EQ(call1(ep, LS_READ, 0, &l, 1, &m), -1);
	CHECK_EQ(errno, EINVAL);
	l = (struct lde_lease){ (uint64_t)hello, 5, 0 };
	CHECK_EQ(call1(ep, LS_READ, 0, &l, 1, &m), -1);
	CHECK_EQ(errno, EINVAL);
	l = (struct lde_lease){ 0x4000000000UL - 8, 16, LDE_LEASE_READ };
	CHECK_EQ(call1(ep, LS_READ, 0, &l, 1, &m), -1);
	CHECK_EQ(errno, EFAULT);
	l = (struct lde_lease){ 8, ~0UL, LDE_LEASE_READ };
	CHECK_EQ(call1(ep, LS_READ, 0, &l, 1, &m), -1);
	CHECK_EQ(errno, EFAULT);
	CHECK_EQ(call1(ep, LS_READ, 0, (struct lde_lease *)16, 1, &m), -1);
	CHECK_EQ(errno, EFAULT);

	/* A lease over copy-on-write memory: the server's write gives the
	 * caller its own copy; the child sharing the page still sees the old. */
	int sync[2];
	pipe(sync);
	pid_t kid = fork();
	if (kid == 0) {
		char c;
		read(sync[0], &c, 1);
		CHECK(!strcmp(shared_word, "before"));
		child_done();
	}
	l = (struct lde_lease){ (uint64_t)shared_word, 6, LDE_LEASE_WRITE };
	CHECK_EQ(call1(ep, LS_WRITE, 6, &l, 1, &m), LS_WRITE);
	CHECK(!memcmp(shared_word, "wwwwww", 6));
	write(sync[1], "go", 1);
	CHECK_EQ(reap(kid), 0);
	close(sync[0]), close(sync[1]);

	CHECK_EQ(call1(ep, LS_QUIT, 0, NULL, 0, &m), LS_QUIT);
	CHECK_EQ(reap(srv), 0);
	close(ep);
	check_same(before, counts());
	printf("ipc: leases read, written, bounded, refused over read-only memory and after the reply\n");
}

/* The data server answers with reply_recv, so that its replies take the
 * fast path when they can; each label is one experiment with a reply
 * that carries data (uapi.h, LDE_MSG_DATA_AT). A refused reply is
 * answered again without data, w0 = the refusal (-errno). */
enum {
	DS_DATA = 1,
	DS_SLOW,
	DS_BADIDX,
	DS_PAST,
	DS_RDONLY,
	DS_ARRAY,
	DS_TOOMANY,
	DS_OURS,
	DS_PLAIN,
	DS_PROBE,
	DS_QUIT
};

static void data_server(int ep)
{
	static char buf[8192] __attribute__((aligned(4096)));
	struct lde_msg m;
	long r = ipc_recv(ep, &m);
	for (;;) {
		CHECK(r >= 0);
		uint32_t label = LDE_MSG_LABEL(m.info);
		long t = m.token;
		/* "ab", 1 KiB across a page boundary of ours, "", "xyz": as
		 * lease_writev's test, but with the reply. */
		memset(buf, 'q', sizeof buf);
		struct lde_iov v[LDE_IOV_MAX + 1] = {
			{ (uint64_t) "ab", 2 },
			{ (uint64_t)buf + 4000, 1024 },
			{ (uint64_t)buf, 0 },
			{ (uint64_t) "xyz", 3 },
		};
		int n = 4, idx = 0;
		uint64_t off = m.w[0];
		const struct lde_iov *arr = v;
		switch (label) {
		case DS_BADIDX: idx = 1; break;
		case DS_PAST: off = m.w[1] - 2; break; /* w1: the lease's length */
		case DS_ARRAY: arr = (const struct lde_iov *)16; break;
		case DS_TOOMANY: n = LDE_IOV_MAX + 1; break;
		case DS_OURS: v[1].addr = 16; break; /* not our memory */
		case DS_PLAIN: n = 0; break;	     /* an answer without data */
		case DS_PROBE:			     /* a register call: no lease of it */
			m.w[0] = (uint64_t)err_of(lease_read(t, 0, 0, buf, 1));
			n = 0;
			break;
		case DS_QUIT:
			m.info = label;
			ipc_reply(&m);
			child_done();
		}
		m.info = LDE_MSG_INFO(label, n, -1);
		m.w[2] = LDE_MSG_DATA_AT(idx, off);
		m.w[3] = (uint64_t)arr;
		if (label == DS_SLOW) {
			CHECK_EQ(ipc_reply(&m), 0);
			r = ipc_recv(ep, &m);
			continue;
		}
		r = ipc_reply_recv(ep, &m);
		if (r < 0 && label != DS_DATA && label != DS_OURS) {
			/* Refused: the caller still waits. */
			m = (struct lde_msg){ .info = label,
					      .w = { (uint64_t)-errno },
					      .token = t };
			r = ipc_reply_recv(ep, &m);
		}
	}
}

/* Replies that carry data, their checks, and the leases' end with the
 * call whichever way the reply went. */
static void test_reply_data(void)
{
	struct counts before = counts();
	int ep = ep_create();
	pid_t srv = fork();
	if (srv == 0)
		data_server(ep);
	struct lde_msg m;
	const size_t want = 2 + 1024 + 3;
	for (int slow = 0; slow < 2; slow++) {
		for (int k = 0; k < 20; k++) {
			/* Into a lease across a page boundary, from byte 10 of
			 * it; the bytes around stay. */
			memset(page_buf, 0, sizeof page_buf);
			struct lde_lease l = { (uint64_t)page_buf + 4090, 1200, LDE_LEASE_WRITE };
			CHECK_EQ(call1(ep, slow ? DS_SLOW : DS_DATA, 10, &l, 1, &m),
				 slow ? DS_SLOW : DS_DATA);
			CHECK_EQ(m.w[3], want);
			CHECK_EQ(m.w[2], LDE_MSG_DATA_AT(0, 10));
			char *wv = page_buf + 4100;
			int ok = !memcmp(wv, "ab", 2) && !memcmp(wv + 2 + 1024, "xyz", 3) &&
				 wv[-1] == 0 && wv[want] == 0;
			for (size_t i = 2; i < 2 + 1024; i++)
				ok &= wv[i] == 'q';
			CHECK(ok);
			/* A register-only call next: the server can no longer
			 * reach the buffer of the call before, whether the
			 * answer carried data or not. */
			CHECK_EQ(call1(ep, DS_PROBE, 0, NULL, 0, &m), DS_PROBE);
			CHECK_EQ((long)m.w[0], -EINVAL);
			CHECK_EQ(call1(ep, DS_PLAIN, 0, &l, 1, &m), DS_PLAIN);
			CHECK_EQ(call1(ep, DS_PROBE, 0, NULL, 0, &m), DS_PROBE);
			CHECK_EQ((long)m.w[0], -EINVAL);
		}
	}
	/* The server's mistakes: its reply refused, nothing written. */
	static const struct {
		uint32_t label;
		int err;
	} refused[] = { { DS_BADIDX, EINVAL },
			{ DS_PAST, EINVAL },
			{ DS_ARRAY, EFAULT },
			{ DS_TOOMANY, EINVAL } };
	for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
		memset(page_buf, 0, 64);
		struct lde_lease l = { (uint64_t)page_buf, 1200, LDE_LEASE_WRITE };
		m = (struct lde_msg){ .info = LDE_MSG_INFO(refused[i].label, 1, -1),
				      .w = { 0, 1200 } };
		CHECK_EQ(ipc_call(ep, &m, &l), refused[i].label);
		CHECK_EQ((long)m.w[0], -refused[i].err);
		CHECK_EQ(page_buf[0], 0);
	}
	/* A lease the server may only read. */
	struct lde_lease l = { (uint64_t)page_buf, 1200, LDE_LEASE_READ };
	CHECK_EQ(call1(ep, DS_RDONLY, 0, &l, 1, &m), DS_RDONLY);
	CHECK_EQ((long)m.w[0], -EACCES);
	/* A caller's buffer over memory it does not have, and a server's
	 * range over memory it does not have: the caller's call fails with
	 * EFAULT, the server goes on. */
	l = (struct lde_lease){ 0x100000000UL, 4096, LDE_LEASE_WRITE };
	CHECK_EQ(call1(ep, DS_DATA, 0, &l, 1, &m), -1);
	CHECK_EQ(errno, EFAULT);
	l = (struct lde_lease){ (uint64_t)page_buf, 4096, LDE_LEASE_WRITE };
	CHECK_EQ(call1(ep, DS_OURS, 0, &l, 1, &m), -1);
	CHECK_EQ(errno, EFAULT);
	CHECK_EQ(call1(ep, DS_PROBE, 0, NULL, 0, &m), DS_PROBE);
	CHECK_EQ((long)m.w[0], -EINVAL);

	CHECK_EQ(call1(ep, DS_QUIT, 0, NULL, 0, &m), DS_QUIT);
	CHECK_EQ(reap(srv), 0);
	close(ep);
	check_same(before, counts());
	printf("ipc: replies carry data, the server's mistakes refused, leases end with the call\n");
}

/* One descriptor per message: a pipe end to the server, a badged
 * connection back to the client. */
static void test_transfer(void)
{
	struct counts before = counts();
	int ep = ep_create();
	pid_t srv = fork();
	if (srv == 0) {
		struct lde_msg m;
		/* 1: a pipe end arrives; write to it, close it. */
		long r = ipc_recv(ep, &m);
		int fd = LDE_MSG_CAP(r);
		CHECK(fd >= 0);
		CHECK_EQ(write(fd, "via ipc", 7), 7);
		close(fd);
		/* Answer with a connection: a badged endpoint of our own. */
		int conn = ep_create();
		int client_end = ep_mint(conn, 0xc0ffee);
		m.info = LDE_MSG_INFO(10, 0, client_end);
		CHECK_EQ(ipc_reply(&m), 0);
		close(client_end);
		/* 2: the client calls on the connection. */
		CHECK(ipc_recv(conn, &m) >= 0);
		CHECK_EQ(m.badge, 0xc0ffee);
		m.info = 11;
		ipc_reply(&m);
		/* 3: a descriptor to a full table is dropped, reported, not leaked. */
		int fill[16], n = 0;
		while ((fill[n] = dup(0)) >= 0)
			n++;
		CHECK(ipc_recv(ep, &m) >= 0);
		CHECK(m.info & LDE_MSG_CAP_LOST);
		CHECK_EQ(LDE_MSG_CAP(m.info), -1);
		while (n > 0)
			close(fill[--n]);
		m.info = 12;
		ipc_reply(&m);
		close(conn);
		child_done();
	}
	int p[2];
	pipe(p);
	struct lde_msg m = { .info = LDE_MSG_INFO(1, 0, p[1]) };
	long r = ipc_call(ep, &m, NULL);
	CHECK_EQ(LDE_MSG_LABEL(r), 10);
	int conn = LDE_MSG_CAP(r);
	CHECK(conn >= 0);
	close(p[1]);
	char buf[16] = { 0 };
	CHECK_EQ(read(p[0], buf, sizeof buf), 7);
	CHECK(!strcmp(buf, "via ipc"));
	CHECK_EQ(read(p[0], buf, sizeof buf), 0); /* the server closed its copy */
	/* The connection is badged: it calls, never receives. */
	CHECK_EQ(ipc_recv(conn, &m), -1);
	CHECK_EQ(errno, EPERM);
	m = (struct lde_msg){ .info = 2 };
	CHECK_EQ(ipc_call(conn, &m, NULL), 11);
	m = (struct lde_msg){ .info = LDE_MSG_INFO(3, 0, p[0]) };
	CHECK_EQ(ipc_call(ep, &m, NULL), 12);
	CHECK_EQ(reap(srv), 0);
	close(conn), close(p[0]), close(ep);
	check_same(before, counts());
	printf("ipc: a pipe end to the server, a badged connection back, a full table reported\n");
}

static void test_notifications(void)
{
	struct counts before = counts();
	int n = ntfn_create();
	CHECK(n >= 0);
	CHECK_EQ(ntfn_poll(n), 0);
	CHECK_EQ(ntfn_signal(n, 1), 0);
	CHECK_EQ(ntfn_signal(n, 4), 0);
	CHECK_EQ(ntfn_wait(n), 5); /* ORed, returned, cleared */
	CHECK_EQ(ntfn_poll(n), 0);
	CHECK_EQ(ntfn_signal(n, 1UL << 63), -1);
	CHECK_EQ(errno, EINVAL);
	CHECK_EQ(ntfn_wait(2), -1); /* the console is no notification */
	CHECK_EQ(errno, EBADF);

	/* wait blocks until a signal comes; the waiter runs at once. */
	pid_t w = fork();
	if (w == 0) {
		CHECK_EQ(ntfn_wait(n), 0x30);
		child_done();
	}
	CHECK_EQ(wait_state(w, LDE_P_SLEEPING, 2000), 0);
	struct lde_procinfo pi;
	proc_get(w, &pi);
	CHECK(!strncmp(pi.wchan, "ntfn ", 5));
	CHECK_EQ(ntfn_signal(n, 0x30), 0);
	CHECK_EQ(proc_state(w), LDE_P_ZOMBIE); /* it ran before we did */
	CHECK_EQ(reap(w), 0);

	/* A bound notification makes recv return its bits. */
	int ep = ep_create();
	CHECK_EQ(ntfn_bind(n), 0);
	CHECK_EQ(ntfn_bind(n), -1);
	CHECK_EQ(errno, EBUSY);
	struct lde_msg m;
	CHECK_EQ(ntfn_signal(n, 2), 0);
	CHECK_EQ(ipc_recv(ep, &m), (long)LDE_MSG_NTFN); /* pending: at once */
	CHECK_EQ(m.w[0], 2);
	pid_t s = fork();
	if (s == 0) {
		usleep(20000);
		ntfn_signal(n, 8);
		usleep(20000);
		struct lde_msg c = { .info = 77 };
		CHECK_EQ(ipc_call(ep, &c, NULL), 78);
		child_done();
	}
	CHECK_EQ(ipc_recv(ep, &m), (long)LDE_MSG_NTFN); /* blocked, then the bits */
	CHECK_EQ(m.w[0], 8);
	CHECK_EQ(m.token, 0);
	CHECK_EQ(ipc_recv(ep, &m), 77); /* then a message */
	m.info = 78;
	ipc_reply(&m);
	CHECK_EQ(reap(s), 0);
	/* The binding holds the notification after the descriptor closes. */
	close(n);
	CHECK_EQ(counts().ntfns, before.ntfns + 1);
	CHECK_EQ(ntfn_bind(-1), 0);
	CHECK_EQ(ntfn_bind(-1), -1);
	close(ep);

	/* A waiter killed while waiting, a bound process exiting: no leak. */
	n = ntfn_create();
	w = fork();
	if (w == 0) {
		ntfn_bind(n);
		ntfn_wait(n);
		_exit(1);
	}
	CHECK_EQ(wait_state(w, LDE_P_SLEEPING, 2000), 0);
	kill(w, SIGKILL);
	CHECK_EQ(reap(w), SIGKILL);
	CHECK_EQ(ntfn_bind(n), 0); /* the dead process's binding is gone */
	ntfn_bind(-1);
	close(n);
	check_same(before, counts());
	printf("ipc: notifications signal, wait, poll, bind into recv, release\n");
}

static int ipc_more_main(void)
{
	warm_up();
	test_leases();
	test_reply_data();
	test_transfer();
	test_notifications();
	return check_exit("t_ipc");
}
