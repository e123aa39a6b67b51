/* IPC under fire: a server and three clients make at least 10,000 calls
 * (register messages, leases both ways, descriptors, notifications to the
 * server's bound notification) while the parent kills the server and the
 * clients at random moments and starts new ones. Every answer a client
 * gets must be right (or ECONNRESET from a killed server); at the end
 * nothing is left: no page, file, endpoint or notification. Part of t_ipc.
 * Run as init: init=/t_ipc chaos [CALLS] [SEED] */
#pragma once

#define NCLIENTS 3
#define CALLS_PER_CLIENT 50

enum { L_PLAIN = 1, L_LEASE_IN, L_LEASE_OUT, L_CAP };

static uint64_t rng = 88172645463325252ULL;
static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static void server(int ep, int nt)
{
	static char buf[512];
	CHECK_EQ(ntfn_bind(nt), 0);
	struct lde_msg m;
	long r = ipc_recv(ep, &m);
	for (;;) {
		if (r < 0) {
			printf("FAIL: chaos server: recv: errno %d\n", errno);
			child_done();
		}
		if (m.info & LDE_MSG_NTFN) {
			r = ipc_recv(ep, &m);
			continue;
		}
		uint32_t label = LDE_MSG_LABEL(m.info);
		uint64_t sum = 0;
		switch (label) {
		case L_LEASE_IN: {
			long n = lease_read(m.token, 0, 0, buf, sizeof buf);
			for (long i = 0; i < n; i++)
				sum += (unsigned char)buf[i];
			if (n < 0)
				sum = (uint64_t)-1; /* the caller died meanwhile */
			break;
		}
		case L_LEASE_OUT:
			memset(buf, (int)(m.w[0] & 0xff), sizeof buf);
			lease_write(m.token, 0, 0, buf, sizeof buf);
			break;
		case L_CAP: {
			int fd = LDE_MSG_CAP(m.info);
			if (fd >= 0) {
				write(fd, "k", 1);
				close(fd);
			}
			break;
		}
		}
		m.info = label + 1;
		m.w[1] = sum;
		m.w[0] ^= 0x5a5a;
		r = ipc_reply_recv(ep, &m);
	}
}

/* One call; 1 if answered right, 0 if the server died holding it. */
static int one_call(int ep, int nt, uint64_t seed)
{
	static char in[512], out[512];
	struct lde_msg m = { .info = 0, .w = { seed, 0, 0, 0 } };
	struct lde_lease l;
	int p[2] = { -1, -1 };
	int kind = (int)(seed % 5);
	uint64_t want_sum = 0;
	switch (kind) {
	case 0:
	case 4: m.info = LDE_MSG_INFO(L_PLAIN, 0, -1); break;
	case 1:
		for (unsigned i = 0; i < sizeof in; i++)
			want_sum += (unsigned char)(in[i] = (char)(seed + i));
		l = (struct lde_lease){ (uint64_t)in, sizeof in, LDE_LEASE_READ };
		m.info = LDE_MSG_INFO(L_LEASE_IN, 1, -1);
		break;
	case 2:
		l = (struct lde_lease){ (uint64_t)out, sizeof out, LDE_LEASE_WRITE };
		m.info = LDE_MSG_INFO(L_LEASE_OUT, 1, -1);
		break;
	case 3:
		if (pipe(p) < 0)
			return 0;
		m.info = LDE_MSG_INFO(L_CAP, 0, p[1]);
		break;
	}
	if (seed % 7 == 0)
		ntfn_signal(nt, 1u << (seed % 8));
	long r = ipc_call(ep, &m, &l);
	if (p[1] >= 0)
		close(p[1]);
	int ok = 1;
	if (r < 0) {
		CHECK_EQ(errno, ECONNRESET);
		ok = 0;
	} else {
		uint32_t label = LDE_MSG_LABEL(m.info);
		CHECK_EQ(label, LDE_MSG_LABEL(LDE_MSG_INFO(kind == 4   ? L_PLAIN
							   : kind == 0 ? L_PLAIN
							   : kind == 1 ? L_LEASE_IN
							   : kind == 2 ? L_LEASE_OUT
								       : L_CAP,
							   0, -1)) +
					1);
		CHECK_EQ(m.w[0], seed ^ 0x5a5a);
		if (kind == 1)
			CHECK_EQ(m.w[1], want_sum);
		if (kind == 2)
			CHECK(out[0] == (char)(seed & 0xff) && out[511] == (char)(seed & 0xff));
		if (kind == 3) {
			char c = 0;
			CHECK_EQ(read(p[0], &c, 1), 1);
			CHECK_EQ(c, 'k');
		}
	}
	if (p[0] >= 0)
		close(p[0]);
	return ok;
}

static void client(int ep, int nt, uint64_t seed)
{
	rng ^= seed * 0x9e3779b97f4a7c15ULL;
	for (int done = 0; done < CALLS_PER_CLIENT;)
		done += one_call(ep, nt, rnd());
	child_done();
}

static int ipc_chaos_main(int argc, char **argv)
{
	long want = argc > 1 ? atol(argv[1]) : 10000;
	if (argc > 2)
		rng = strtoull(argv[2], NULL, 0) | 1;
	warm_up();
	struct lde_meminfo before, after;
	meminfo(&before);
	int ep = ep_create(), nt = ntfn_create();
	pid_t srv = -1, cl[NCLIENTS];
	for (int i = 0; i < NCLIENTS; i++)
		cl[i] = -1;
	long calls = 0, server_kills = 0, client_kills = 0, generations = 0;
	while (calls < want) {
		if (srv < 0 && (srv = fork()) == 0)
			server(ep, nt);
		for (int i = 0; i < NCLIENTS; i++)
			if (cl[i] < 0 && (cl[i] = fork()) == 0)
				client(ep, nt, rnd() + (uint64_t)i);
		usleep(rnd() % 3000);
		/* Now and then a victim: the server or one client. */
		uint64_t dice = rnd() % 8;
		if (dice == 0 && srv > 0) {
			kill(srv, SIGKILL);
			server_kills++;
		} else if (dice <= 2) {
			int i = (int)(rnd() % NCLIENTS);
			if (cl[i] > 0) {
				kill(cl[i], SIGKILL);
				client_kills++;
			}
		}
		/* Reap whatever ended: killed, or clients that finished. wait()
		 * takes any zombie, so it says which one it was. */
		for (;;) {
			struct lde_procinfo pi;
			int any = srv > 0 && proc_get(srv, &pi) == 0 && pi.state == LDE_P_ZOMBIE;
			for (int i = 0; i < NCLIENTS && !any; i++)
				any = cl[i] > 0 && proc_get(cl[i], &pi) == 0 &&
				      pi.state == LDE_P_ZOMBIE;
			if (!any)
				break;
			int st = -1;
			pid_t dead = wait(&st);
			if (dead == srv) {
				CHECK_EQ(st, SIGKILL);
				srv = -1;
				continue;
			}
			int mine = 0;
			for (int i = 0; i < NCLIENTS; i++)
				if (cl[i] == dead)
					cl[i] = -1, mine = 1;
			CHECK(mine);
			generations++;
			if (st == 0)
				calls += CALLS_PER_CLIENT;
			else
				CHECK_EQ(st, SIGKILL);
		}
	}
	/* The rest, in whatever order wait() takes them. */
	int left = 0;
	for (int i = 0; i < NCLIENTS; i++)
		if (cl[i] > 0)
			kill(cl[i], SIGKILL), left++;
	if (srv > 0)
		kill(srv, SIGKILL), left++;
	while (left-- > 0)
		CHECK(wait(NULL) > 0);
	close(ep);
	close(nt);
	meminfo(&after);
	CHECK_EQ(after.files, before.files);
	CHECK_EQ(after.endpoints, before.endpoints);
	CHECK_EQ(after.ntfns, before.ntfns);
	CHECK_EQ(after.free_pages, before.free_pages);
	printf("ipc chaos: %ld calls answered, %ld client generations, %ld servers and %ld clients "
	       "killed, nothing leaked\n",
	       calls, generations, server_kills, client_kills);
	return check_exit("t_ipc");
}
