/* chown UID[:GID] path...: set the owner (and group) of each path, given
 * as numbers; without GID the group stays. */
#include "cmd.h"
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#define USAGE "chown uid[:gid] path..."

static int number(const char *s, char **end, unsigned long *v)
{
	*v = strtoul(s, end, 10);
	return *end != s && *s != '-' && *s != '+' && *v <= 0xffffffffUL ? 0 : -1;
}

int main(int argc, char **argv)
{
	if (cmd_getopt(argc, argv, "") != -1 || argc - cmd_optind < 2)
		return cmd_usage(USAGE);
	char *end;
	unsigned long uid, gid = 0;
	const char *owner = argv[cmd_optind++];
	if (number(owner, &end, &uid) < 0)
		return cmd_usage(USAGE);
	int with_gid = *end == ':';
	if ((with_gid && (number(end + 1, &end, &gid) < 0 || *end)) || (!with_gid && *end))
		return cmd_usage(USAGE);
	int status = 0;
	for (int i = cmd_optind; i < argc; i++) {
		struct stat st;
		if (!with_gid && stat(argv[i], &st) < 0)
			status = cmd_error("chown", argv[i]);
		else if (chown(argv[i], (uid_t)uid, with_gid ? (gid_t)gid : st.st_gid) < 0)
			status = cmd_error("chown", argv[i]);
	}
	return status;
}
