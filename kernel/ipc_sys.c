/* Trapframe wrappers for the IPC calls: they unpack the registers and call
 * the typed handlers in ipc.c and ntfn.c. Temporary: they go when the
 * system-call list becomes one X-macro list. Message words are not
 * unpacked: the handlers move them trapframe to trapframe. The wrappers
 * of the two fast-path calls are in ipc.c, where the handlers inline. */
#include "ipc.h"
#include "syscall.h"

long tf_ep_create(struct trapframe *tf) { return sys_ep_create(); }
long tf_ep_mint(struct trapframe *tf) { return sys_ep_mint(SYSARG(tf, 0), SYSARG(tf, 1)); }
long tf_ipc_recv(struct trapframe *tf) { return sys_ipc_recv(SYSARG(tf, 0)); }
long tf_ipc_reply(struct trapframe *tf) { return sys_ipc_reply(SYSARG(tf, 0), SYSARG(tf, 1)); }
long tf_lease_read(struct trapframe *tf) { return sys_lease_read(SYSARG(tf, 0), SYSARG(tf, 1), SYSARG(tf, 2), SYSARG(tf, 3), SYSARG(tf, 4)); }
long tf_lease_write(struct trapframe *tf) { return sys_lease_write(SYSARG(tf, 0), SYSARG(tf, 1), SYSARG(tf, 2), SYSARG(tf, 3), SYSARG(tf, 4)); }
long tf_ntfn_create(struct trapframe *tf) { return sys_ntfn_create(); }
long tf_ntfn_signal(struct trapframe *tf) { return sys_ntfn_signal(SYSARG(tf, 0), SYSARG(tf, 1)); }
long tf_ntfn_wait(struct trapframe *tf) { return sys_ntfn_wait(SYSARG(tf, 0)); }
long tf_ntfn_poll(struct trapframe *tf) { return sys_ntfn_poll(SYSARG(tf, 0)); }
long tf_ntfn_bind(struct trapframe *tf) { return sys_ntfn_bind(SYSARG(tf, 0)); }
