#!/bin/sh
# Usage: ksyms.sh NM KERNEL_ELF > ksyms.S
# Emits the kernel's text symbols, sorted by address, as data that
# kernel/ksyms.c searches to symbolize panic backtraces. With no ELF
# (first link pass) it emits an empty table.
set -eu
nm=$1
elf=${2:-}
{
	if [ -n "$elf" ]; then
		"$nm" -n "$elf" | awk '$2 ~ /^[tTW]$/ && $3 !~ /^\.L/ { print $1, $3 }'
	fi
} | awk '
BEGIN { n = 0 }
{ addr[n] = $1; name[n] = $2; n++ }
END {
	print "\t.section .ksyms, \"a\""
	print "\t.balign 8"
	print "\t.globl ksyms_count, ksyms_addrs, ksyms_name_offsets, ksyms_names"
	print "ksyms_count:\t.quad " n
	print "ksyms_addrs:"
	for (i = 0; i < n; i++) print "\t.quad 0x" addr[i]
	print "ksyms_name_offsets:"
	off = 0
	for (i = 0; i < n; i++) { print "\t.word " off; off += length(name[i]) + 1 }
	print "ksyms_names:"
	for (i = 0; i < n; i++) print "\t.asciz \"" name[i] "\""
}'
