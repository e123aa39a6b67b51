/* Password hashes as /etc/shadow keeps them (docs/users.md):
 *
 *   $pbkdf2-sha256$ITERATIONS$SALT$HASH
 *
 * SALT and HASH in lower-case hex, HASH the 32 bytes of PBKDF2 with
 * HMAC-SHA-256 of the password (its bytes, no NUL) with SALT's bytes and
 * ITERATIONS iterations. scripts/pwhash.py makes them for the disk image.
 * Pure code (no system calls): host-tested by tests/host/test_sha256.c. */
#pragma once
#include <stddef.h>

#define PW_SALT_MAX 64	    /* bytes */
#define PW_ITER_MAX 1000000 /* bounds the time a hash in the file can cost */
#define PW_SALT 16	    /* bytes of salt a new hash gets (passwd, pwhash.py) */
#define PW_ITER 5000	    /* iterations a new hash gets (passwd, pwhash.py) */
/* The longest hash pw_make writes, its NUL included. */
#define PW_HASH_MAX (sizeof "$pbkdf2-sha256$1000000$$" + 2 * PW_SALT_MAX + 2 * 32)

/* 1 if password matches stored, 0 if not, -1 if stored is not a hash of
 * this form (a locked account: "*" or "!", or a damaged line). The
 * comparison takes the same time wherever the first difference is. */
int pw_check(const char *stored, const char *password);

/* The hash of password with slen bytes of salt and iter iterations, in
 * the form above, into out (PW_HASH_MAX bytes are always enough): its
 * length, or -1 if slen is 0 or over PW_SALT_MAX, iter 0 or over
 * PW_ITER_MAX, or out too small. */
int pw_make(char *out, size_t size, const char *password, const void *salt, size_t slen,
	    unsigned iter);
