"""18-digit resident ID numbers (GB 11643) with a valid ISO 7064 MOD 11-2 check digit.

The dashboard masks ID numbers and may validate them; synthetic numbers must
therefore be well formed and agree with the student's birth date and gender
(an odd 17th digit is male).
"""

from __future__ import annotations

import numpy as np

WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2], dtype=np.int64)
CHECK_CHARS = np.array(list("10X98765432"), dtype=object)


def check_digits(first17: np.ndarray) -> np.ndarray:
    """Check characters for an int64 array of 17-digit numbers."""
    first17 = np.asarray(first17, dtype=np.int64)
    total = np.zeros(first17.shape, dtype=np.int64)
    rest = first17.copy()
    for pos in range(16, -1, -1):  # least significant digit is position 16
        total += (rest % 10) * WEIGHTS[pos]
        rest //= 10
    return CHECK_CHARS[total % 11]


def check_digit(first17: str) -> str:
    """Scalar version, for tests and validation."""
    total = sum(int(c) * int(w) for c, w in zip(first17, WEIGHTS))
    return "10X98765432"[total % 11]


def id_numbers(rng: np.random.Generator, division: np.ndarray, birth_yyyymmdd: np.ndarray,
               male: np.ndarray) -> list[str]:
    """ID numbers: division code, birth date, sequence (odd 3rd digit = male), check digit."""
    n = division.size
    seq = rng.integers(0, 100, n) * 10 + rng.integers(0, 5, n) * 2 + male.astype(np.int64)
    first17 = division.astype(np.int64) * 10**11 + birth_yyyymmdd.astype(np.int64) * 1000 + seq
    checks = check_digits(first17)
    return [f"{a}{c}" for a, c in zip(first17.tolist(), checks.tolist())]
