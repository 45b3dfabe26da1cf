"""Counter-based keyed random draws (docs/model.md §8).

Every random number is a pure function of ``(root seed, replicate, day, actor, counterpart or
issue, purpose)``: the keys are hashed together with SplitMix64's finaliser and the top 53
bits of the result become a float in [0, 1). Nothing here keeps a stream, so:

* a replicate's history does not depend on which other replicates share its ensemble (chunk
  size, worker count and backend change nothing);
* the same seed gives two scenarios the same draws (common random numbers, for paired
  comparisons);
* a new rule draws under a new purpose and shifts no existing draw.

Actors and issues are keyed by a fixed hash of their id (never by their position in the file).
:class:`Draws` is the vectorised form the ensemble uses; :func:`uniform_one` computes the same
number for one replicate with plain Python integers (the reference model uses it, and a test
checks that the two agree bit for bit).
"""

from __future__ import annotations

import hashlib
import math
from functools import lru_cache

import numpy as np

MASK64 = (1 << 64) - 1
GOLDEN = 0x9E3779B97F4A7C15  # SplitMix64's increment: 2**64 / golden ratio
_C1, _C2 = 0xBF58476D1CE4E5B9, 0x94D049BB133111EB
_DAY_OFFSET = 1 << 32  # days may be negative (the announcement days)
_TO_UNIT = 2.0**-53


def mix64(x: int) -> int:
    """SplitMix64's finaliser on a Python int (a bijection of 64-bit integers)."""
    x &= MASK64
    x = ((x ^ (x >> 30)) * _C1) & MASK64
    x = ((x ^ (x >> 27)) * _C2) & MASK64
    return x ^ (x >> 31)


def mix64_array(x: np.ndarray) -> np.ndarray:
    """:func:`mix64` on a uint64 array (numpy wraps multiplication modulo 2**64)."""
    x = x ^ (x >> np.uint64(30))
    x *= np.uint64(_C1)
    x ^= x >> np.uint64(27)
    x *= np.uint64(_C2)
    x ^= x >> np.uint64(31)
    return x


@lru_cache(maxsize=4096)
def name_key(name: str) -> int:
    """A fixed 64-bit key for an actor id, issue id or purpose (stable across runs and machines)."""
    return int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest(), "little")


@lru_cache(maxsize=65536)
def event_key(purpose: str, day: int, actor: str, other: str) -> int:
    """The part of a draw's key shared by all replicates: what is drawn, when, by whom."""
    k = mix64(name_key(purpose) ^ (day + _DAY_OFFSET))
    k = mix64(k ^ name_key(actor))
    return mix64(k ^ name_key(other))


def replicate_key(seed: int, replicate: int) -> int:
    """The part of a draw's key that identifies one replicate under one root seed."""
    return mix64(mix64(seed) + replicate * GOLDEN)


def uniform_one(seed: int, replicate: int, purpose: str, day: int = 0, actor: str = "",
                other: str = "") -> float:
    """One uniform draw in [0, 1) for one replicate (scalar form of :meth:`Draws.uniform`)."""
    z = mix64(replicate_key(seed, replicate) ^ event_key(purpose, day, actor, other))
    return (z >> 11) * _TO_UNIT


def normal_from(u1, u2):
    """A standard Normal from two uniforms (Box–Muller; 1 − u1 avoids log(0))."""
    return np.sqrt(-2.0 * np.log1p(-u1)) * np.cos(2.0 * math.pi * u2)


def logistic_from(u, scale):
    """Logistic noise with the given scale from a uniform in [0, 1)."""
    return scale * (np.log(u) - np.log1p(-u))


class Draws:
    """Keyed uniforms for a block of replicates.

    Args:
        seed: the root seed (0 ≤ seed < 2**63).
        replicates: global replicate indices, one per ensemble member.
    """

    def __init__(self, seed: int, replicates: np.ndarray):
        self.seed = int(seed)
        reps = np.asarray(replicates, dtype=np.uint64)
        self._rep_keys = mix64_array(np.uint64(mix64(self.seed)) + reps * np.uint64(GOLDEN))

    def uniform(self, purpose: str, day: int = 0, actor: str = "", other: str = "",
                where: np.ndarray | None = None) -> np.ndarray:
        """Uniforms in [0, 1) for every replicate, or only those at indices ``where``."""
        keys = self._rep_keys if where is None else self._rep_keys[where]
        z = mix64_array(keys ^ np.uint64(event_key(purpose, day, actor, other)))
        return (z >> np.uint64(11)).astype(np.float64) * _TO_UNIT
