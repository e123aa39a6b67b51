#!/bin/sh
# The kernel/arch boundary (docs/design.md, "The arch contract"):
#  1. kernel/ includes no arch/riscv header but arch.h;
#  2. kernel/ uses none of the names arch.h pulls in privately for its
#     inline bodies (CSRs, the trapframe's fields, the Sv39 entry format,
#     the kernel-half layout);
#  3. arch/riscv includes from kernel/ only the up-call hooks (hooks.h) and
#     the kernel's services;
#  4. user programs include no arch/riscv header.
# Prints one line per violation and exits 1 if there is any.
cd "$(dirname "$0")/.." || exit 2
status=0
fail() { echo "check-boundaries: $*"; status=1; }

arch_hdrs=$(cd arch/riscv && ls *.h | grep -vx arch.h)
for h in $arch_hdrs; do
	grep -Hn "#include \"\\(\\.\\./\\)*\\(arch/riscv/\\)\\?$h\"" kernel/*.[ch] user/*.[ch] user/lib/*.[chS] |
	while IFS= read -r l; do echo "check-boundaries: includes an arch header other than arch.h: $l"; done
	grep -q "#include \"\\(\\.\\./\\)*\\(arch/riscv/\\)\\?$h\"" kernel/*.[ch] user/*.[ch] user/lib/*.[chS] &&
		status=1
done

private='\b(PTE_[A-Z]+|pte_[a-z]+|pte_t|csr_(read|write|set|clear)|SSTATUS_[A-Z_]+|SIP_[A-Z]+|SIE_[A-Z]+|SCAUSE_[A-Z]+|EXC_[A-Z_]+|IRQ_S_[A-Z]+|SATP_[A-Z_0-9]+|TF_[A-Z]+|CTX_[A-Z]+|KSTACK_[A-Z_]+|KERNEL_(OFFSET|VA|LOAD_PA)|BOOT_[A-Z_]+|MEGAPAGE_SIZE|kernel_pagetable|mmu_walk|sfence_vma_[a-z]+)\b|tf->'
if grep -nE "$private" kernel/*.[ch]; then
	fail "kernel/ uses arch-private names (above)"
fi

services='arch.h hooks.h console.h kassert.h palloc.h errno.h ksyms.h kstring.h fdt.h uapi_layout.h ../../user/lib/kaddr.h'
for f in arch/riscv/*.[chS]; do
	grep -o '#include "[^"]*"' "$f" | sed 's/#include "\(.*\)"/\1/' | while read -r h; do
		[ -e "arch/riscv/$h" ] && continue
		case " $services " in *" $h "*) continue ;; esac
		echo "check-boundaries: $f includes kernel header $h (only hooks.h and services)"
	done | grep . && status=1
done
[ $status -eq 0 ] && echo "check-boundaries: ok"
exit $status
