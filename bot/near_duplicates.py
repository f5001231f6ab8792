"""Near-duplicate text: MinHash over word shingles, banded for lookup (locality-sensitive hashing).

A syndicated copy or a re-published item differs from the stored article by a credit line, a
corrected word or a trimmed paragraph, so its exact fingerprint differs. Its 5-word shingles
mostly do not: the Jaccard similarity of the two shingle sets stays high. MinHash estimates that
similarity from `PERMUTATIONS` minimum hashes; cutting them into `BANDS` bands of `ROWS` and
hashing each band gives keys that two texts share, with high probability, when their similarity
is high (about 1 - (1 - J^ROWS)^BANDS: 0.99 at J = 0.6, 0.02 at J = 0.1). The store keeps those
keys; candidates that share one are then checked exactly.

Pure functions on text; numpy does the hashing (no per-shingle Python loop).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Final

import numpy as np
import numpy.typing as npt

SHINGLE_WORDS: Final = 5
MIN_WORDS: Final = 30  # shorter texts are only de-duplicated exactly
BANDS: Final = 20
ROWS: Final = 3
PERMUTATIONS: Final = BANDS * ROWS
SAME_TEXT: Final = 0.6  # shingle Jaccard at or above which two texts are one article
CONTAINED: Final = 0.9  # or: this share of the new text's shingles is in the stored one

_WORD = re.compile(r"\w+")
_rng = np.random.default_rng(20260405)  # fixed: keys must be stable across runs and machines
_MULTIPLY = _rng.integers(1, 1 << 63, PERMUTATIONS, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
_ADD = _rng.integers(0, 1 << 63, PERMUTATIONS, dtype=np.uint64)
_SHINGLE_BASE = np.uint64(0x9E3779B97F4A7C15)

Shingles = frozenset[int]


@dataclass(frozen=True, slots=True)
class NearText:
    """A text's shingles (to compare exactly) and band keys (to find candidates)."""

    shingles: Shingles
    keys: tuple[int, ...]


def near_text(text: str) -> NearText | None:
    """The shingles and band keys of `text`; None when it is too short to compare this way."""
    hashes = shingle_hashes(text)
    if hashes is None:
        return None
    return NearText(frozenset(int(value) for value in hashes), band_keys(minhash(hashes)))


def shingle_hashes(text: str) -> npt.NDArray[np.uint64] | None:
    """The distinct 64-bit hashes of the text's 5-word shingles (case-folded words)."""
    words = _WORD.findall(text.casefold())
    if len(words) < MIN_WORDS:
        return None
    word_hashes = np.fromiter((_word_hash(word) for word in words), np.uint64, len(words))
    count = len(words) - SHINGLE_WORDS + 1
    combined = np.zeros(count, dtype=np.uint64)
    for offset in range(SHINGLE_WORDS):  # a polynomial hash of each window, wrapping at 2**64
        combined = combined * _SHINGLE_BASE + word_hashes[offset : offset + count]
    return np.unique(combined)


def minhash(hashes: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
    """The MinHash signature: for each permutation (multiply-shift), the smallest value."""
    permuted = (hashes[:, None] * _MULTIPLY[None, :] + _ADD[None, :]) >> np.uint64(32)
    minimum: npt.NDArray[np.uint64] = permuted.min(axis=0)
    return minimum


def band_keys(signature: npt.NDArray[np.uint64]) -> tuple[int, ...]:
    """One signed 64-bit key per band: the band's number and its rows, hashed together."""
    keys = []
    for band in range(BANDS):
        rows = signature[band * ROWS : (band + 1) * ROWS].astype("<u8").tobytes()
        digest = hashlib.blake2b(bytes([band]) + rows, digest_size=8).digest()
        keys.append(int.from_bytes(digest, "little", signed=True))
    return tuple(keys)


def jaccard(first: Shingles, second: Shingles) -> float:
    """|A ∩ B| / |A ∪ B| of two shingle sets (0 when both are empty)."""
    union = len(first | second)
    return len(first & second) / union if union else 0.0


def is_copy(new: Shingles, stored: Shingles) -> bool:
    """Whether the new text says nothing the stored one does not: a shingle Jaccard of at least
    `SAME_TEXT`, or the new text (nearly) contained in the stored one (an excerpt, a trimmed
    copy). A text that holds the stored one plus much more is not a copy: it says more."""
    if not new:
        return False
    return jaccard(new, stored) >= SAME_TEXT or len(new & stored) / len(new) >= CONTAINED


def shingles_of(sentences: Iterable[str]) -> Shingles:
    """The shingle set of a stored article's sentences (empty when too short)."""
    hashes = shingle_hashes(" ".join(sentences))
    return frozenset() if hashes is None else frozenset(int(value) for value in hashes)


# Words repeat: most of a text's words were hashed before. Bounded, as every ingesting process
# keeps it for as long as it runs (the rare words that would fill a larger one are cheap to hash).
@lru_cache(maxsize=1 << 16)
def _word_hash(word: str) -> int:
    return int.from_bytes(hashlib.blake2b(word.encode(), digest_size=8).digest(), "little")
