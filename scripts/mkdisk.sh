#!/bin/sh
# mkdisk.sh IMG SIZE_MB [BINDIR]: lde's disk, an ext2 image made by mke2fs
# from the repository's rootfs/ directory, with the programs of BINDIR
# (default build/initrd) in /bin, /home/user owned by user 1000, /tmp
# for everyone and /usr/share/data/notes, a symbolic link to ../notes
# (docs/files.md, "The disk"). Owners are set explicitly:
# mke2fs -d copies the owners of the files that whoever builds owns.
# /etc/shadow gets root's and user's password hashes, each with a fresh
# salt (scripts/pwhash.py; the passwords: ROOT_PASSWORD, default "lde",
# and USER_PASSWORD, default "user"), readable by root alone, and so does
# /etc/random-seed, 32 bytes from the host's random source, of which
# passwd makes its salts (user/lib/seed.h); /bin/su and /bin/passwd are
# set-user-ID root (docs/users.md).
#
# mkdisk.sh --update IMG PROGRAM...: put each PROGRAM (a file) into the
# existing image's /bin, replacing its copy there, mode 755 and owned by
# root, and leave everything else on the image as it is: how `make run`
# gives the disk the programs built since it was last written (the shell
# runs them from /bin; the initrd has only what brings the disk up).
set -e
DEBUGFS=${DEBUGFS:-$(for f in /sbin/debugfs /usr/sbin/debugfs; do [ -x $f ] && echo $f && break; done)}
if [ "${1:-}" = --update ]; then
	img=$2
	shift 2
	cmds=$(mktemp)
	trap 'rm -f "$cmds" "$cmds.out"' EXIT
	for f in "$@"; do
		n=/bin/$(basename "$f")
		mode=0100755
		case $n in /bin/su | /bin/passwd) mode=0104755 ;; esac # set-user-ID root, as below
		# rm fails harmlessly for a program the image lacks.
		printf 'rm %s\nwrite %s %s\nsif %s mode %s\nsif %s uid 0\nsif %s gid 0\n' \
			"$n" "$f" "$n" "$n" "$mode" "$n" "$n"
	done > "$cmds"
	"$DEBUGFS" -w -f "$cmds" "$img" > "$cmds.out" 2>&1 || { cat "$cmds.out" >&2; exit 1; }
	# debugfs goes on after a failed command; only rm's may fail.
	if grep -v -e '^debugfs' -e '^rm: File not found' -e '^Allocated inode' -e '^$' "$cmds.out" | grep -q .; then
		echo "mkdisk.sh: could not update $img's /bin ('make disk' makes a fresh image):" >&2
		cat "$cmds.out" >&2
		exit 1
	fi
	exit 0
fi
img=$1
mb=$2
bin=${3:-build/initrd}
MKE2FS=${MKE2FS:-$(for f in /sbin/mke2fs /usr/sbin/mke2fs; do [ -x $f ] && echo $f && break; done)}
root=$(dirname "$0")/../rootfs
d=$(mktemp -d)
trap 'rm -rf "$d" "$d.err" "$d.cmds"' EXIT
cp -R "$root"/. "$d"/
mkdir -p "$d/bin" "$d/home/user" "$d/tmp"
cp "$bin"/* "$d/bin/"
chmod 755 "$d"/bin/* "$d/bin" "$d/home/user" "$d/etc"
chmod 1777 "$d/tmp"
PYTHON=${PYTHON:-$(for f in /usr/bin/python3 python3; do command -v $f > /dev/null && echo $f && break; done)}
pwhash=$(dirname "$0")/pwhash.py
{ echo "root:$("$PYTHON" "$pwhash" "${ROOT_PASSWORD-lde}")"
  echo "user:$("$PYTHON" "$pwhash" "${USER_PASSWORD-user}")"; } > "$d/etc/shadow"
head -c 32 /dev/urandom > "$d/etc/random-seed"
chmod 600 "$d/etc/shadow" "$d/etc/random-seed"
for p in su passwd; do # also in --update above
	if [ -f "$d/bin/$p" ]; then chmod 4755 "$d/bin/$p"; fi
done
ln -s ../notes "$d/usr/share/data/notes"
rm -f "$img.tmp"
truncate -s "${mb}M" "$img.tmp"
"$MKE2FS" -q -F -t ext2 -b 1024 -I 128 -O ^dir_index,^ext_attr,^resize_inode \
	-E root_owner=0:0 -L lde -d "$d" "$img.tmp" > "$d.err" 2>&1 || { cat "$d.err" >&2; exit 1; }
rm -f "$d.err"
(cd "$d" && find . -mindepth 1 | sed 's|^\.||' | while read -r p; do
	echo "sif $p uid 0"
	echo "sif $p gid 0"
done
echo "sif /home/user uid 1000"
echo "sif /home/user gid 1000") > "$d.cmds"
"$DEBUGFS" -w -f "$d.cmds" "$img.tmp" > /dev/null 2>&1
rm -f "$d.cmds"
mv "$img.tmp" "$img"
