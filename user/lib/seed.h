/* Unpredictable bytes, for new passwords' salts (docs/users.md, "Where
 * the salt comes from"). lde offers no randomness source of its own (no
 * random device, no getrandom; the timer and counters alone are
 * guessable), so the disk carries one: /etc/random-seed, root's, mode
 * 0600, 32 bytes from the host's random source when the image is made
 * (scripts/mkdisk.sh). Each use derives its bytes and the next seed from
 * it, mixed with the timer and what the caller stirs in, and replaces the
 * file before returning, so no two uses give the same bytes even if
 * the machine dies between them. As good as the seed is secret. */
#pragma once
#include <stddef.h>

#define SEED_PATH "/etc/random-seed"
#define SEED_BYTES 32
#define SEED_MIN 16 /* fewer bytes in the file are no seed worth the name */

/* n (at most SEED_BYTES) bytes into out: HMAC-SHA-256 keyed with the
 * seed of a digest of stir (slen bytes: the times of events a person
 * caused, say), the timer, the retired-instruction count and the pid.
 * The next seed is made the same way with another label and written
 * (replace.h) first. Returns 0; 1 if there was no seed file (or one of
 * fewer than SEED_MIN bytes), in which case one is made and the bytes
 * are only as unpredictable as stir and the timer; -1 with errno if the seed cannot be read or
 * replaced (out untouched). Needs root's rights, as the file is root's. */
int seed_random(void *out, size_t n, const void *stir, size_t slen);
