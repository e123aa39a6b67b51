/* A kernel message must not split a line a program is printing: print
 * half a line, let a child die of a fault (the kernel logs it), then finish
 * the line. The console must show "left half|right half" whole. */
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
	printf("left half|");
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		*(volatile int *)0 = 1; /* killed: the kernel prints a line */
		return 0;
	}
	int status;
	wait(&status);
	printf("right half\n");
	if (!WIFSIGNALED(status)) {
		printf("FAIL: t_klog: child was not killed\n");
		return 1;
	}
	printf("PASS: t_klog\n");
	return 0;
}
