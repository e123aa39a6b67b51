/* The process table and the process API: fork, exit, wait, kill, and the
 * death of a process that faults. */
#include "proc.h"
#include "console.h"
#include "errno.h"
#include "exec.h"
#include "file.h"
#include "ipc.h"
#include "kassert.h"
#include "kstring.h"
#include "palloc.h"
#include "sched.h"
#include "signal.h"
#include "syscall.h"
#include "timeline.h"

struct proc proc_table[NPROC];
struct proc *current;
static struct proc *init_proc;
static int next_pid = INIT_PID;

/* Each slot's kernel stack is mapped once, at boot; the trapframe sits at
 * its top. */
void proc_init(void)
{
	arch_kstacks_init(NPROC);
	for (int i = 0; i < NPROC; i++) {
		struct proc *p = &proc_table[i];
		p->tf = arch_kstack_frame(i);
		list_init(&p->link);
		waitq_init(&p->child_exit, "wait");
		p->state = P_UNUSED;
	}
}

char *proc_start_pc = trap_return;

/* A fresh slot, not yet runnable; NULL if the table is full. */
static struct proc *proc_alloc(void)
{
	for (int i = 0; i < NPROC; i++) {
		struct proc *p = &proc_table[i];
		if (p->state != P_UNUSED)
			continue;
		memset(&p->PROC_PER_PROCESS, 0,
		       sizeof *p - offsetof(struct proc, PROC_PER_PROCESS));
		p->pid = next_pid++;
		/* ipc.c: a reply names its caller so; its ids are added by
		 * whoever gives it some (fork; init's are 0). */
		p->ipc_token = (long)LDE_TOKEN(p->pid, 0, 0, i);
		p->state = P_SLEEPING; /* not runnable until the caller says so */
		/* First swtch into it "returns" into trap_return on its stack. */
		p->ctx.ra = (uint64_t)proc_start_pc;
		p->ctx.sp = (uint64_t)p->tf;
		return p;
	}
	return NULL;
}

static void proc_free_slot(struct proc *p)
{
	KASSERT(p->state == P_ZOMBIE || p->state == P_SLEEPING);
	KASSERT(!p->mm.pt);
	p->state = P_UNUSED;
	p->parent = NULL;
}

int proc_spawn_init(const char *path, int argc, char **argv)
{
	struct proc *p = proc_alloc();
	KASSERT(p && p->pid == INIT_PID);
	int err = vm_create(&p->mm);
	if (err)
		return err;
	struct file *con = file_console();
	for (int fd = 0; fd < 3; fd++)
		p->files[fd] = file_dup(con);
	file_put(con);
	p->pgid = p->pid;
	p->umask = 022;
	p->creds = 0; /* root: uid, euid, gid and egid 0 */
	p->trace = syscall_trace_all;
	signal_first(p);
	init_proc = p;
	current = p; /* exec works on current */
	mmu_activate(p->mm.pt);
	err = proc_exec(path, argc, argv);
	current = NULL;
	if (err)
		return err;
	sched_make_runnable(p);
	return 0;
}

long proc_fork(void)
{
	struct proc *parent = current;
	struct proc *child = proc_alloc();
	if (!child)
		return -EAGAIN;
	/* The copy has preemption points. Meanwhile the child sleeps on
	 * nothing, so that no kill can wake it half-built (sched.c), and has
	 * no parent, group or name for anyone to find it by. */
	int err = vm_fork(&child->mm, &parent->mm);
	if (!err && parent->attention) {
		/* Killed or signalled meanwhile: as if the signal had come
		 * first, no child (it would escape a signal to the parent's
		 * group); a fork only signalled restarts (signal.c). */
		vm_destroy(&child->mm);
		err = -EINTR;
	}
	if (err) {
		proc_free_slot(child);
		return err;
	}
	*child->tf = *parent->tf;
	arch_fork_child_ret(child->tf);
	if (parent->fp_used)
		sched_fpu_fork(child);
	for (int fd = 0; fd < NOFILE; fd++)
		if (parent->files[fd])
			child->files[fd] = file_dup(parent->files[fd]);
	child->fork_copied = parent->fork_copied; /* umask, cloexec, saved ids */
	if ((child->cwd = parent->cwd))
		page_get(child->cwd);
	/* As a whole, aligned: two words, not a call to memcpy. */
	struct name_copy {
		char s[sizeof child->name];
	} __attribute__((aligned(8)));
	*(struct name_copy *)child->name = *(const struct name_copy *)parent->name;
	child->pgid_nice = parent->pgid_nice; /* group and nice value */
	child->creds = parent->creds;
	child->ipc_token |= (long)(child->creds >> 32 << 8); /* proc_alloc left them 0 */
	child->trace = parent->trace;
	child->ipc_rbuf_len = 0; /* the slot's last process may have had one */
	signal_fork(child, parent);
	child->parent = parent;
	sched_make_runnable(child); /* not vplaced: a newcomer to the fair policy */
	return child->pid;
}

static int exit_code_of(int status)
{
	/* init's status becomes QEMU's: the exit code, or 128 + the signal. */
	return LDE_W_TERMSIG(status) ? 128 + LDE_W_TERMSIG(status) : LDE_W_EXITCODE(status);
}

void proc_exit(int status)
{
	struct proc *p = current;
	if (p->ipc_exit_refs)
		ipc_proc_exit(p);
	for (int fd = 0; fd < NOFILE; fd++) {
		if (p->files[fd]) {
			file_put(p->files[fd]);
			p->files[fd] = NULL;
		}
	}
	if (p->cwd) {
		page_put(p->cwd);
		p->cwd = NULL;
	}
	if (p == init_proc) {
		if (LDE_W_TERMSIG(status))
			klog("lde: init (pid %d) killed by signal %d\n", p->pid,
			     LDE_W_TERMSIG(status));
		else
			klog("lde: init (pid %d) exited with status %d\n", p->pid,
			     LDE_W_EXITCODE(status));
		if (timeline_active)
			timeline_init_exit(status);
		arch_poweroff(exit_code_of(status));
	}
	/* The teardown of a big address space has preemption points (in the
	 * page-table walk): should p be switched out meanwhile, the switch back
	 * activates p->mm.pt, which must outlive them. So the pages go first,
	 * on p's own table, which stays whole (and p's count exact for ps and
	 * the OOM killer); the tables and the root, which have no preemption
	 * point, go once the kernel's table is active. */
	vm_unmap_all(&p->mm);
	mmu_activate_kernel();
	vm_destroy(&p->mm);

	bool zombie_for_init = false;
	for (int i = 0; i < NPROC; i++) {
		struct proc *c = &proc_table[i];
		if (c->state != P_UNUSED && c->parent == p) {
			c->parent = init_proc;
			zombie_for_init |= c->state == P_ZOMBIE;
		}
	}
	if (zombie_for_init)
		wake_all(&init_proc->child_exit);

	signal_exit(p);
	p->exit_status = status;
	p->state = P_ZOMBIE;
	struct proc *parent = p->parent;
	wake_all(&parent->child_exit);
	if (__builtin_expect(signal_catches(parent, LDE_SIGCHLD), 0))
		signal_post(parent, LDE_SIGCHLD); /* ignored by default: dropped */
	sched_exit();
}

long proc_wait(uint64_t ustatus)
{
	struct proc *me = current;
	for (;;) {
		bool have_children = false;
		for (int i = 0; i < NPROC; i++) {
			struct proc *c = &proc_table[i];
			if (c->state == P_UNUSED || c->parent != me)
				continue;
			have_children = true;
			if (c->state != P_ZOMBIE)
				continue;
			if (ustatus) {
				int err = copyout(&me->mm, ustatus, &c->exit_status, sizeof(int));
				if (err)
					return err;
			}
			int pid = c->pid;
			proc_free_slot(c);
			return pid;
		}
		if (!have_children)
			return -ECHILD;
		int err = sleep_on(&me->child_exit);
		if (err)
			return err;
	}
}

static bool wait_matches(const struct proc *c, int pid, const struct proc *me)
{
	if (pid > 0)
		return c->pid == pid;
	if (pid == -1)
		return true;
	return c->pgid == (pid == 0 ? me->pgid : -pid);
}

long proc_waitpid(int pid, uint64_t ustatus, int options)
{
	struct proc *me = current;
	if (options & ~(LDE_WNOHANG | LDE_WUNTRACED | LDE_WCONTINUED) || pid == INT32_MIN)
		return -EINVAL;
	for (;;) {
		bool have_children = false;
		for (int i = 0; i < NPROC; i++) {
			struct proc *c = &proc_table[i];
			if (c->state == P_UNUSED || c->parent != me || !wait_matches(c, pid, me))
				continue;
			have_children = true;
			int status;
			if (c->state == P_ZOMBIE)
				status = c->exit_status;
			else if ((options & LDE_WUNTRACED) && c->wait_report == WAIT_REPORT_STOPPED)
				status = LDE_W_STOPPED(c->stop_sig);
			else if ((options & LDE_WCONTINUED) &&
				 c->wait_report == WAIT_REPORT_CONTINUED)
				status = LDE_W_CONTINUED;
			else
				continue;
			if (ustatus) {
				int err = copyout(&me->mm, ustatus, &status, sizeof status);
				if (err)
					return err;
			}
			int cpid = c->pid;
			if (c->state == P_ZOMBIE)
				proc_free_slot(c);
			else
				c->wait_report = 0;
			return cpid;
		}
		if (!have_children)
			return -ECHILD;
		if (options & LDE_WNOHANG)
			return 0;
		int err = sleep_on(&me->child_exit);
		if (err)
			return err;
	}
}

struct proc *proc_by_pid(int pid)
{
	for (int i = 0; i < NPROC; i++)
		if (proc_table[i].state != P_UNUSED && proc_table[i].pid == pid)
			return &proc_table[i];
	return NULL;
}

static void kill_one(struct proc *p, int sig)
{
	if (sig != 0)
		signal_post(p, sig);
}

int proc_kill(int pid, int sig)
{
	if (sig < 0 || sig >= LDE_NSIG || pid == 0 || pid == INT32_MIN)
		return -EINVAL;
	if (pid > 0) {
		struct proc *p = proc_by_pid(pid);
		if (!p)
			return -ESRCH;
		kill_one(p, sig);
		return 0;
	}
	int found = 0;
	for (int i = 0; i < NPROC; i++) {
		struct proc *p = &proc_table[i];
		if (p->state != P_UNUSED && p->pgid == -pid) {
			kill_one(p, sig);
			found = 1;
		}
	}
	return found ? 0 : -ESRCH;
}

bool proc_is_init(const struct proc *p) { return p == init_proc; }

bool proc_may_signal(const struct proc *caller, const struct proc *target)
{
	/* Init's death ends the system: not even root may cause it. */
	if (target == init_proc)
		return caller == init_proc;
	if (caller->euid == 0)
		return true;
	/* POSIX's rule: the target's real or saved set-user-ID, not its
	 * effective one, so a set-user-ID program that took another user's
	 * rights is not that user's to signal, and remains its caller's
	 * while its real uid is the caller's. */
	return caller->uid == target->uid || caller->uid == target->suid ||
	       caller->euid == target->uid || caller->euid == target->suid;
}

/* kill(pid, sig) with proc_may_signal deciding each target. kill(-1) is not
 * "group 1" but, as in POSIX, every process the caller may signal, but
 * init and, as Linux does, the caller itself. A group is signalled in
 * those of its members the caller may signal (so without init, which may
 * join any group). EPERM when targets existed and every one was refused,
 * ESRCH when there was none. */
int proc_kill_user(int pid, int sig)
{
	if (sig < 0 || sig >= LDE_NSIG || pid == 0 || pid == INT32_MIN)
		return -EINVAL;
	if (pid > 0) {
		struct proc *p = proc_by_pid(pid);
		if (!p)
			return -ESRCH;
		if (!proc_may_signal(current, p))
			return -EPERM;
		kill_one(p, sig);
		return 0;
	}
	int found = 0, refused = 0;
	for (int i = 0; i < NPROC; i++) {
		struct proc *p = &proc_table[i];
		if (p->state == P_UNUSED)
			continue;
		if (pid == -1 ? p == current || p == init_proc : p->pgid != -pid)
			continue;
		if (!proc_may_signal(current, p)) {
			refused = 1;
			continue;
		}
		kill_one(p, sig);
		found = 1;
	}
	return found ? 0 : refused ? -EPERM : -ESRCH;
}

/* setuid(uid), as POSIX with saved ids: root (euid 0) sets the real, the
 * effective and the saved uid, so a root process that drops to a user
 * cannot come back; anyone else may only set its effective uid, to its
 * real or saved one. */
long proc_setuid(long uid)
{
	struct proc *p = current;
	if (uid < 0 || uid > PROC_ID_MAX)
		return -EINVAL;
	if (p->euid == 0)
		p->uid = p->euid = p->suid = (uint16_t)uid;
	else if ((uint16_t)uid == p->uid || (uint16_t)uid == p->suid)
		p->euid = (uint16_t)uid;
	else
		return -EPERM;
	proc_token_creds(p);
	return 0;
}

/* setgid(gid): the same rule for groups, root still being euid 0. */
long proc_setgid(long gid)
{
	struct proc *p = current;
	if (gid < 0 || gid > PROC_ID_MAX)
		return -EINVAL;
	if (p->euid == 0)
		p->gid = p->egid = p->sgid = (uint16_t)gid;
	else if ((uint16_t)gid == p->gid || (uint16_t)gid == p->sgid)
		p->egid = (uint16_t)gid;
	else
		return -EPERM;
	proc_token_creds(p);
	return 0;
}

/* seteuid(uid): only the effective uid changes, to anything for root, to
 * the real or saved uid for anyone else. So a set-user-ID program can put
 * its rights aside (seteuid(getuid())) and take them back. */
long proc_seteuid(long uid)
{
	struct proc *p = current;
	if (uid < 0 || uid > PROC_ID_MAX)
		return -EINVAL;
	if (p->euid != 0 && (uint16_t)uid != p->uid && (uint16_t)uid != p->suid)
		return -EPERM;
	p->euid = (uint16_t)uid;
	proc_token_creds(p);
	return 0;
}

/* setegid(gid): the same for the effective gid. */
long proc_setegid(long gid)
{
	struct proc *p = current;
	if (gid < 0 || gid > PROC_ID_MAX)
		return -EINVAL;
	if (p->euid != 0 && (uint16_t)gid != p->gid && (uint16_t)gid != p->sgid)
		return -EPERM;
	p->egid = (uint16_t)gid;
	proc_token_creds(p);
	return 0;
}

/* setpgid(pid, pgid), as POSIX: pid 0 is the caller, pgid 0 means pgid =
 * pid; only the caller or its own children may be moved. */
int proc_setpgid(int pid, int pgid)
{
	if (pid < 0 || pgid < 0)
		return -EINVAL;
	struct proc *p = pid == 0 ? current : proc_by_pid(pid);
	if (!p || (p != current && p->parent != current))
		return -ESRCH;
	if (p->state == P_ZOMBIE)
		return -ESRCH;
	p->pgid = pgid ? pgid : p->pid;
	return 0;
}

void proc_fault(const char *cause, int sig, uint64_t pc, uint64_t addr)
{
	struct proc *p = current;
	klog("lde: pid %d (%s) killed: %s, sepc=0x%lx stval=0x%lx\n", p->pid, p->name, cause, pc,
	     addr);
	/* A fatal fault is not benchmarked: the test costs nothing that is. */
	if (timeline_active)
		timeline_record(TL_FAULT_FATAL, (uint32_t)sig, addr, pc, 0, 0, 0);
	proc_exit(LDE_W_SIGNALED(sig));
}

void proc_out_of_memory(uint64_t pc, uint64_t addr)
{
	if (current != init_proc)
		proc_fault("out of memory", LDE_SIGKILL, pc, addr);
	/* The victim frees the most: everything it makes the kernel hold (the
	 * count procinfo and ps show), page tables and promises included. */
	struct proc *victim = NULL;
	uint64_t most = 0;
	bool dying = false;
	for (int i = 0; i < NPROC; i++) {
		struct proc *p = &proc_table[i];
		if (p->state == P_UNUSED || p->state == P_ZOMBIE || p == init_proc)
			continue;
		dying |= p->killed;
		uint64_t held = vm_held_pages(&p->mm);
		if (!p->killed && (!victim || held > most)) {
			victim = p;
			most = held;
		}
	}
	if (!victim && !dying)
		proc_fault("out of memory", LDE_SIGKILL, pc, addr);
	if (victim) {
		klog("lde: out of memory: killed pid %d (%s, %lu pages) so that init can run\n",
		     victim->pid, victim->name, most);
		proc_kill(victim->pid, LDE_SIGKILL);
	}
	/* Let the victims run to their deaths; init's access is retried when
	 * it is scheduled again. */
	sched_yield();
}

void proc_fill_info(struct proc *p, struct lde_procinfo *info)
{
	memset(info, 0, sizeof *info);
	info->pid = p->pid;
	info->ppid = p->parent ? p->parent->pid : 0;
	info->state = p->state;
	info->killed = p->killed;
	info->pgid = p->pgid;
	info->uid = p->uid;
	info->gid = p->gid;
	info->nice = p->nice;
	info->pri = LDE_NZERO + p->nice;
	info->vtime_us = sched_vtime(p) * 1000000 / arch_timebase_hz;
	memcpy(info->name, p->name, LDE_NAME_MAX);
	if (p->state == P_SLEEPING && p->waiting_on)
		strlcpy(info->wchan, p->waiting_on->name, LDE_NAME_MAX);
	uint64_t cpu = p->runtime + (p == current ? arch_now() - p->run_start : 0);
	uint64_t cpu_us = cpu * 1000000 / arch_timebase_hz;
	uint64_t ticks = p->uticks + p->sticks;
	info->cpu_us = cpu_us;
	info->stime_us = ticks ? cpu_us * p->sticks / ticks : 0;
	info->utime_us = cpu_us - info->stime_us;
	info->ticks = ticks;
	info->uticks = p->uticks;
	info->sticks = p->sticks;
	info->syscalls = p->syscalls;
	info->vcsw = p->vcsw;
	info->ivcsw = p->ivcsw;
	info->pages = vm_held_pages(&p->mm);
	info->promised = p->mm.pt ? p->mm.promised + p->mm.promised_tables : 0;
}

static const char *state_name(enum proc_state s)
{
	static const char *names[] = { "unused",   "runnable", "running",
				       "sleeping", "zombie",   "stopped" };
	return names[s];
}

/* The kernel's process dump (Ctrl-P): safe to call from any trap. */
void proc_dump(void)
{
	klog("PID  PPID   UID STATE     NAME             WAITING ON\n");
	for (int i = 0; i < NPROC; i++) {
		struct proc *p = &proc_table[i];
		if (p->state == P_UNUSED)
			continue;
		klog("%3d  %4d %5u %-9s %-16s %s\n", p->pid, p->parent ? p->parent->pid : 0,
		     (unsigned)p->uid, state_name(p->state), p->name,
		     p->state == P_SLEEPING && p->waiting_on ? p->waiting_on->name : "-");
	}
}
