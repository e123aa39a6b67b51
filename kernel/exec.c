/* exec: validate the ELF (elf.c does every check), build a complete new
 * address space beside the old one, and only then switch to it, so a
 * failure leaves the caller exactly as it was. */
#include "exec.h"
#include "elf.h"
#include "errno.h"
#include "file.h"
#include "initrd.h"
#include "kassert.h"
#include "kstring.h"
#include "palloc.h"
#include "proc.h"
#include "sched.h"
#include "vfs.h"
#include "signal.h"

#define STACK_ALIGN 16

static unsigned seg_perm(uint32_t flags)
{
	return (flags & ELF_SEG_R ? PERM_R : 0) | (flags & ELF_SEG_W ? PERM_W : 0) |
	       (flags & ELF_SEG_X ? PERM_X : 0);
}

/* Map the segment page by page: each page gets the file's bytes that fall
 * in it and zeros elsewhere (written once, not zeroed then overwritten).
 * The loader writes through the direct map: user permissions do not apply
 * to it. elf.c has checked that the segment lies inside the file and in
 * user space, and that no two segments share a page. */
static int load_segment(struct mm *mm, const char *file, const struct elf_segment *s)
{
	uint64_t file_start = s->vaddr, file_end = s->vaddr + s->filesz;
	unsigned perm = seg_perm(s->flags) | PERM_U;
	for (uint64_t va = PAGE_DOWN(s->vaddr); va < s->vaddr + s->memsz; va += PGSIZE) {
		/* A segment may be as big as memory (a huge bss): others run
		 * meanwhile; the new address space is this call's alone. */
		if (sched_preempt_point() && current->killed)
			return -EINTR;
		char *page = palloc();
		if (!page)
			return -ENOMEM;
		uint64_t lo = va > file_start ? va : file_start;
		uint64_t hi = va + PGSIZE < file_end ? va + PGSIZE : file_end;
		if (lo >= hi) {
			memset(page, 0, PGSIZE);
		} else {
			memset(page, 0, lo - va);
			memcpy(page + (lo - va), file + s->offset + (lo - s->vaddr), hi - lo);
			memset(page + (hi - va), 0, va + PGSIZE - hi);
		}
		int err = mmu_map_page(mm->pt, va, page, perm);
		if (err) {
			KASSERT(err != -EEXIST);
			page_put(page);
			return err;
		}
		mm->pages++;
	}
	return 0;
}

/* load_segment for a program on a mount (rf): each page's file bytes are
 * read from the server straight into the page. Apart so that the initrd's
 * loop, which exec's benchmark runs, stays as it was. */
static int load_segment_remote(struct mm *mm, struct file *rf, const struct elf_segment *s)
{
	uint64_t file_start = s->vaddr, file_end = s->vaddr + s->filesz;
	unsigned perm = seg_perm(s->flags) | PERM_U;
	for (uint64_t va = PAGE_DOWN(s->vaddr); va < s->vaddr + s->memsz; va += PGSIZE) {
		if (sched_preempt_point() && current->killed)
			return -EINTR;
		char *page = palloc_zeroed();
		if (!page)
			return -ENOMEM;
		uint64_t lo = va > file_start ? va : file_start;
		uint64_t hi = va + PGSIZE < file_end ? va + PGSIZE : file_end;
		int err = lo < hi ? vfs_read_exact(rf, page + (lo - va),
						   s->offset + (lo - s->vaddr), hi - lo)
				  : 0;
		if (!err)
			err = mmu_map_page(mm->pt, va, page, perm);
		if (err) {
			KASSERT(err != -EEXIST);
			page_put(page);
			return err;
		}
		mm->pages++;
	}
	return 0;
}

/* The System V initial stack: argc, argv[0..argc-1], NULL, an empty envp
 * (NULL) and an empty auxiliary vector (AT_NULL), strings above them. */
static int push_args(struct mm *mm, int argc, char *const argv[], uint64_t *sp_out)
{
	uint64_t uargv[LDE_ARG_MAX + 1];
	uint64_t sp = USER_TOP;
	for (int i = argc - 1; i >= 0; i--) {
		size_t len = strlen(argv[i]) + 1;
		sp -= len;
		int err = copyout(mm, sp, argv[i], len);
		if (err)
			return err;
		uargv[i] = sp;
	}
	uargv[argc] = 0;
	uint64_t words = 1 + (argc + 1) + 1 + 2; /* argc, argv+NULL, envp NULL, AT_NULL */
	sp = (sp - words * 8) & ~(uint64_t)(STACK_ALIGN - 1);
	uint64_t head[2] = { (uint64_t)argc, 0 };
	uint64_t tail[3] = { 0, 0, 0 };
	int err = copyout(mm, sp, head, 8);
	if (!err)
		err = copyout(mm, sp + 8, uargv, (argc + 1) * 8);
	if (!err)
		err = copyout(mm, sp + 8 + (argc + 1) * 8, tail, sizeof tail);
	*sp_out = sp;
	return err;
}

static void set_name(struct proc *p, const char *path)
{
	const char *base = path;
	for (const char *c = path; *c; c++)
		if (*c == '/' && c[1])
			base = c + 1;
	size_t i = 0;
	for (; i < LDE_NAME_MAX - 1 && base[i] && base[i] != '/'; i++)
		p->name[i] = base[i];
	p->name[i] = 0;
}

/* The point of no return passed: the descriptors marked close-on-exec
 * go (most programs have none: one test). */
static void close_on_exec(struct proc *p)
{
	if (!p->cloexec)
		return;
	for (int fd = 0; fd < NOFILE; fd++) {
		if (p->files[fd] && (p->cloexec & (1u << fd))) {
			file_put(p->files[fd]);
			p->files[fd] = NULL;
		}
	}
	p->cloexec = 0;
}

/* Build the new image of img (whose bytes are at data, or in the remote
 * file rf) and switch current to it. Inlined into each caller, so that the
 * initrd's has no test of rf. */
static inline __attribute__((always_inline)) int exec_image(const char *path, const char *data,
							    struct file *rf,
							    const struct elf_image *img, int argc,
							    char *const argv[])
{
	struct mm mm;
	int err = vm_create(&mm);
	if (err)
		return err;
	uint64_t image_end = 0;
	for (int i = 0; i < img->nseg && !err; i++) {
		err = rf ? load_segment_remote(&mm, rf, &img->seg[i])
			 : load_segment(&mm, data, &img->seg[i]);
		if (PAGE_UP(img->seg[i].vaddr + img->seg[i].memsz) > image_end)
			image_end = PAGE_UP(img->seg[i].vaddr + img->seg[i].memsz);
	}
	mm.heap_start = mm.brk = image_end;
	uint64_t sp = 0;
	if (!err)
		err = push_args(&mm, argc, argv, &sp);
	if (err) {
		vm_destroy(&mm);
		return err;
	}

	struct proc *p = current;
	struct mm old = p->mm;
	p->mm = mm;
	mmu_activate(mm.pt);
	vm_destroy(&old);
	set_name(p, path);
	/* POSIX: the saved ids are the effective ones the new image starts
	 * with (exec_remote sets them again for a set-user-ID file), so a
	 * program that put its rights aside cannot pass them on. */
	p->saved = (uint32_t)(p->creds >> 32); /* euid and egid */
	close_on_exec(p);
	p->ipc_rbuf_len = 0; /* its address means nothing in the new image */
	if (p->fp_used)
		sched_fpu_exec(p);
	signal_exec(p);
	arch_user_frame_init(p->tf, img->entry, sp);
	return 0;
}

/* exec of a program the initrd lacks: from the mount that owns path. Its
 * ELF and program headers must lie in its first page (elf_parse reads
 * nothing else; every linker puts them there); the segments are read page
 * by page. */
/* A set-user-ID or set-group-ID program (st: its file) has its owner's or
 * group's rights as its effective and saved ids; the real ones stay the
 * caller's. The group's only with a group execute bit (without one the
 * bit means something else elsewhere: mandatory locking). A traced process
 * would show what the program does with rights its tracer lacks: tracing
 * stops. Called past exec's point of no return. */
static void exec_setid(struct proc *p, const struct lde_stat *st)
{
	if (st->mode & LDE_S_ISUID)
		p->euid = p->suid = (uint16_t)st->uid;
	if ((st->mode & (LDE_S_ISGID | LDE_S_IXGRP)) == (LDE_S_ISGID | LDE_S_IXGRP))
		p->egid = p->sgid = (uint16_t)st->gid;
	p->trace &= (uint8_t)~TRACE_PRINT;
	proc_token_creds(p);
}

static __attribute__((noinline)) int exec_remote(const char *path, int argc, char *const argv[])
{
	struct file *rf;
	struct lde_stat st;
	int err = vfs_exec_open(path, &rf, &st);
	if (err)
		return err;
	uint64_t size = st.size;
	bool setid = (st.mode & LDE_S_ISUID) ||
		     (st.mode & (LDE_S_ISGID | LDE_S_IXGRP)) == (LDE_S_ISGID | LDE_S_IXGRP);
	/* An owner no process can be (picolibc's ids are 16 bits). */
	if (setid && (st.uid > PROC_ID_MAX || st.gid > PROC_ID_MAX)) {
		file_put(rf);
		return -EACCES;
	}
	char *hdr = palloc();
	if (!hdr) {
		file_put(rf);
		return -ENOMEM;
	}
	size_t hlen = size < PGSIZE ? size : PGSIZE;
	err = vfs_read_exact(rf, hdr, 0, hlen);
	uint64_t phoff = 0;
	uint16_t phnum = 0;
	if (!err && hlen >= 64) {
		memcpy(&phoff, hdr + 32, sizeof phoff); /* e_phoff */
		memcpy(&phnum, hdr + 56, sizeof phnum); /* e_phnum */
	}
	if (!err && (hlen < 64 || phoff > hlen || (uint64_t)phnum * 56 > hlen - phoff))
		err = -ENOEXEC;
	struct elf_image img;
	if (!err)
		err = elf_parse(hdr, size, USER_BASE, USER_HEAP_LIMIT, PGSIZE, &img);
	page_put(hdr);
	if (!err)
		err = exec_image(path, NULL, rf, &img, argc, argv);
	if (!err && setid)
		exec_setid(current, &st);
	file_put(rf);
	return err;
}

int proc_exec(const char *path, int argc, char *const argv[])
{
	struct cpio_file f;
	struct elf_image img;
	int err = initrd_find(path, &f);
	if (err == -ENOENT)
		return exec_remote(path, argc, argv);
	if (err)
		return err;
	err = elf_parse(f.data, f.size, USER_BASE, USER_HEAP_LIMIT, PGSIZE, &img);
	if (err)
		return err;
	return exec_image(path, f.data, NULL, &img, argc, argv);
}
