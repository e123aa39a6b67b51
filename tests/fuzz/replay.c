/* Plain replay driver for the fuzz targets: a main() that feeds each file
 * named on the command line (each file of a directory named, in name
 * order, dot-files skipped) to LLVMFuzzerTestOneInput() once, from a heap
 * buffer of exactly the file's size, as libFuzzer does. Built with the host
 * compiler and AddressSanitizer/UndefinedBehaviorSanitizer by
 * tests/fuzz/fuzz.mk (fuzz-replay), so `make test` replays the saved corpus
 * and the regression inputs without needing libFuzzer.
 *
 * Prints "Running: FILE" before each input (so the last such line names
 * the culprit when a sanitizer or a failed check kills the process) and
 * "replayed N inputs" at the end. Exit status 0, or 2 for a file it could
 * not read; a broken contract aborts. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static unsigned long replayed;

static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	long len;
	uint8_t *buf;

	if (!f || fseek(f, 0, SEEK_END) || (len = ftell(f)) < 0 || fseek(f, 0, SEEK_SET)) {
		perror(path);
		if (f)
			fclose(f);
		return 2;
	}
	buf = malloc(len ? (size_t)len : 1);
	if (!buf || fread(buf, 1, (size_t)len, f) != (size_t)len) {
		perror(path);
		fclose(f);
		free(buf);
		return 2;
	}
	fclose(f);
	if (len == 0) { /* exactly zero bytes: nothing in bounds */
		free(buf);
		buf = malloc(0);
	}
	printf("Running: %s\n", path);
	fflush(stdout);
	LLVMFuzzerTestOneInput(buf, (size_t)len);
	free(buf);
	replayed++;
	return 0;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int run_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **names = NULL;
	size_t n = 0, cap = 0;
	int status = 0;

	if (!d) {
		perror(dir);
		return 2;
	}
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 64;
			names = realloc(names, cap * sizeof(*names));
			if (!names)
				abort();
		}
		names[n] = malloc(strlen(dir) + strlen(e->d_name) + 2);
		if (!names[n])
			abort();
		sprintf(names[n], "%s/%s", dir, e->d_name);
		n++;
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), cmp_names);
	for (size_t i = 0; i < n; i++) {
		struct stat st;

		if (stat(names[i], &st) == 0 && S_ISREG(st.st_mode)) {
			int r = run_file(names[i]);
			if (r)
				status = r;
		}
		free(names[i]);
	}
	free(names);
	return status;
}

int main(int argc, char **argv)
{
	int status = 0;

	for (int i = 1; i < argc; i++) {
		struct stat st;
		int r;

		if (stat(argv[i], &st)) {
			perror(argv[i]);
			status = 2;
			continue;
		}
		r = S_ISDIR(st.st_mode) ? run_dir(argv[i]) : run_file(argv[i]);
		if (r)
			status = r;
	}
	printf("replayed %lu inputs\n", replayed);
	return status;
}
