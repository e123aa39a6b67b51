/* id: the caller's user and group ids, "uid=1000 gid=1000", and the
 * effective ones too when they differ from the real ones. */
#include <stdio.h>
#include <unistd.h>

int main(void)
{
	uid_t uid = getuid(), euid = geteuid();
	gid_t gid = getgid(), egid = getegid();
	printf("uid=%u gid=%u", (unsigned)uid, (unsigned)gid);
	if (euid != uid)
		printf(" euid=%u", (unsigned)euid);
	if (egid != gid)
		printf(" egid=%u", (unsigned)egid);
	printf("\n");
	return 0;
}
