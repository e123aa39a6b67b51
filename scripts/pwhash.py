#!/usr/bin/env python3
"""pwhash.py PASSWORD [ITERATIONS]: the /etc/shadow hash of PASSWORD with
a fresh random 16-byte salt, in lde's form (user/lib/pwhash.h):
$pbkdf2-sha256$ITERATIONS$SALT$HASH. Python's hashlib makes it on the
host; lde checks it with its own PBKDF2 (user/lib/sha256.c), so a
successful su also cross-checks the two."""
import hashlib
import os
import sys


def pwhash(password, iterations=5000, salt=None):
    salt = os.urandom(16) if salt is None else salt
    dk = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, iterations, 32)
    return "$pbkdf2-sha256$%d$%s$%s" % (iterations, salt.hex(), dk.hex())


if __name__ == "__main__":
    if len(sys.argv) not in (2, 3):
        sys.exit("usage: pwhash.py PASSWORD [ITERATIONS]")
    print(pwhash(sys.argv[1], int(sys.argv[2]) if len(sys.argv) == 3 else 5000))
