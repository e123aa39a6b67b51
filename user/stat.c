/* stat path...: everything stat() says of each file; a symbolic link is
 * described itself (lstat), with its target, as GNU stat does. */
#include "cmd.h"
#include "uapi.h"
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *type_name(mode_t m)
{
	return S_ISREG(m)    ? "regular file"
	       : S_ISDIR(m)  ? "directory"
	       : S_ISCHR(m)  ? "character device"
	       : S_ISFIFO(m) ? "fifo"
	       : S_ISLNK(m)  ? "symbolic link"
			     : "unknown";
}

int main(int argc, char **argv)
{
	if (cmd_getopt(argc, argv, "") != -1 || cmd_optind >= argc)
		return cmd_usage("stat path...");
	int status = 0;
	for (int i = cmd_optind; i < argc; i++) {
		struct stat st;
		if (lstat(argv[i], &st) < 0) {
			status = cmd_error("stat", argv[i]);
			continue;
		}
		char target[LDE_FS_PATH_MAX];
		ssize_t n = S_ISLNK(st.st_mode) ? readlink(argv[i], target, sizeof target - 1) : -1;
		if (n >= 0) {
			target[n] = 0;
			printf("  File: %s -> %s\n", argv[i], target);
		} else {
			printf("  File: %s\n", argv[i]);
		}
		printf("  Size: %lld  Blocks: %lld  IO Block: %ld  %s\n", (long long)st.st_size,
		       (long long)st.st_blocks, (long)st.st_blksize, type_name(st.st_mode));
		printf("Device: %lu  Inode: %lu  Links: %lu\n", (unsigned long)st.st_dev,
		       (unsigned long)st.st_ino, (unsigned long)st.st_nlink);
		printf("Access: (%04o)  Uid: %lu  Gid: %lu\n", (unsigned)(st.st_mode & 07777),
		       (unsigned long)st.st_uid, (unsigned long)st.st_gid);
		printf("Access: %lld\nModify: %lld\nChange: %lld\n", (long long)st.st_atim.tv_sec,
		       (long long)st.st_mtim.tv_sec, (long long)st.st_ctim.tv_sec);
	}
	return status;
}
