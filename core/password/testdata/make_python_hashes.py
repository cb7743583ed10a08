#!/usr/bin/python3
"""Make python_hashes.json: Argon2id hashes produced by argon2-cffi, the
library behind the Python original, so the Go verifier is tested against
hashes it did not make itself.

Regenerate (Debian):
    apt-get install -y python3-argon2
    /usr/bin/python3 core/password/testdata/make_python_hashes.py \
        > core/password/testdata/python_hashes.json

Salts are random, so every run writes different hashes; any run's output
must verify.
"""

import json
import sys

import argon2
from argon2 import PasswordHasher

# 128 code points mixing 1-, 2-, 3- and 4-byte UTF-8 sequences.
LONG = ("aé✓🔐" * 32)
assert len(LONG) == 128

# (note, PasswordHasher keyword arguments, passwords)
CASES = [
    ("argon2-cffi defaults", {}, ["correct horse battery staple", "pässwörd✓"]),
    (
        "RFC 9106 low-memory profile (regstack default)",
        dict(memory_cost=65536, time_cost=3, parallelism=4, hash_len=32, salt_len=16),
        ["correct horse battery staple", LONG],
    ),
    (
        "OWASP m=19456,t=2,p=1",
        dict(memory_cost=19456, time_cost=2, parallelism=1, hash_len=32, salt_len=16),
        ["hunter22hunter22", "pässwörd✓", LONG, " spaces at both ends "],
    ),
    (
        "m=8192,t=1,p=1",
        dict(memory_cost=8192, time_cost=1, parallelism=1, hash_len=32, salt_len=16),
        ["password", "パスワード秘密です", ""],
    ),
    (
        "16-byte tag",
        dict(memory_cost=8192, time_cost=2, parallelism=2, hash_len=16, salt_len=16),
        ["sixteen byte tag", "pässwörd✓"],
    ),
    (
        "64-byte tag, 32-byte salt",
        dict(memory_cost=8192, time_cost=1, parallelism=1, hash_len=64, salt_len=32),
        ["sixty-four byte tag", LONG],
    ),
    (
        "8-byte salt",
        dict(memory_cost=8192, time_cost=1, parallelism=1, hash_len=32, salt_len=8),
        ["short salt"],
    ),
    (
        "memory not a multiple of 4*p",
        dict(memory_cost=10000, time_cost=2, parallelism=3, hash_len=32, salt_len=16),
        ["odd memory", "pässwörd✓"],
    ),
]


def main() -> None:
    out = []
    for note, kwargs, passwords in CASES:
        hasher = PasswordHasher(type=argon2.Type.ID, **kwargs)
        for pw in passwords:
            h = hasher.hash(pw)
            assert hasher.verify(h, pw)
            out.append({"note": note, "password": pw, "hash": h})
    json.dump(out, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
