"""A bare column of decimal numbers read in a few numpy passes (the 24-hour file's 106,000 lines).

``float()`` on every line took a tenth of `calmlink analyze` of a Holter file. Here the digits of
each number are summed into a whole number (exact: at most 15 digits, below 2^53) and divided
once by its power of ten (exact below 10^22): one correctly rounded division of two exact numbers
is the correctly rounded value of the decimal, the very bits ``float()`` gives
(tests/test_formats.py checks it against ``float()``). Anything else (a sign, an exponent, a
letter, a long number, a second dot) returns None and the careful reader takes over.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

MAX_DIGITS = 15
SPACE, DIGIT, DOT, OTHER = range(4)
_KIND = np.full(256, OTHER, dtype=np.uint8)
_KIND[[9, 10, 11, 12, 13, 32]] = SPACE
_KIND[48:58] = DIGIT
_KIND[46] = DOT
_POW10 = 10.0 ** np.arange(MAX_DIGITS + 1)
_POW10_INT = 10 ** np.arange(MAX_DIGITS + 1, dtype=np.int64)


def parse_column(text: str) -> NDArray[np.float64] | None:
    """The numbers of ``text`` (digits with at most one dot, apart by white space), or None when
    it holds anything else."""
    try:
        b = np.frombuffer(text.encode("ascii"), dtype=np.uint8)
    except UnicodeEncodeError:
        return None
    kind = _KIND[b]
    if b.size == 0 or kind.max() == OTHER:
        return None
    token = kind != SPACE
    edges = np.flatnonzero(token[1:] != token[:-1]) + 1
    edges = np.concatenate(([0] if token[0] else [], edges, [b.size] if token[-1] else []))
    starts, ends = edges[0::2].astype(np.intp), edges[1::2].astype(np.intp)
    if starts.size == 0:
        return None
    dots = np.flatnonzero(kind == DOT)
    if dots.size == starts.size and bool(np.all((dots >= starts) & (dots < ends))):
        owner = np.arange(starts.size)  # the common file: one dot in every number
    else:
        owner = starts.searchsorted(dots, side="right") - 1
        if bool((owner[1:] == owner[:-1]).any()):
            return None  # a number with two dots
    n_digits = ends - starts
    n_digits[owner] -= 1
    if n_digits.min() < 1 or n_digits.max() > MAX_DIGITS:
        return None
    digits = b[kind == DIGIT].astype(np.int64) - 48  # every digit, numbers end to end
    last = np.cumsum(n_digits)  # one past each number's last digit
    place = np.repeat(last - 1, n_digits) - np.arange(digits.size)  # digits after this one
    whole = np.add.reduceat(digits * _POW10_INT[place], last - n_digits)
    decimals = np.zeros(starts.size, dtype=np.intp)
    decimals[owner] = ends[owner] - dots - 1  # digits after the dot
    values: NDArray[np.float64] = whole.astype(np.float64) / _POW10[decimals]
    return values
