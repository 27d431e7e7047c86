"""Is a difference between two runs on the same queries more than noise? Per query wins, losses and
ties, and the p-value of a paired randomisation test (Fisher's sign-flip test, as Smucker, Allan
and Carterette 2007 recommend for IR): under the null hypothesis each query's difference is as
likely to have the other sign, so the p-value is the share of random sign assignments whose mean
difference is at least as far from zero as the one measured."""

from __future__ import annotations

import random
from dataclasses import dataclass

SAMPLES = 10_000


@dataclass(frozen=True)
class Paired:
    """One measure of `after` against `before` over the same queries."""

    delta: float
    wins: int
    losses: int
    ties: int
    p: float

    def __str__(self) -> str:
        return f"{self.delta:+.3f} {f'{self.wins}/{self.losses}/{self.ties}':>12} p={self.p:.3f}"


def paired(after: list[float], before: list[float], samples: int = SAMPLES, seed: int = 14) -> Paired:
    """The mean difference, the queries that gain, lose and tie, and the two-sided p-value of the
    sign-flip test (`samples` random assignments; the same `seed` gives the same p-value)."""
    if len(after) != len(before) or not after:
        raise ValueError("two runs over the same, non-empty list of queries are needed")
    differences = [a - b for a, b in zip(after, before)]
    changed = [d for d in differences if abs(d) > 1e-12]
    observed = abs(sum(changed))
    rng = random.Random(seed)
    as_far = 0
    for _ in range(samples if changed else 0):
        signs = rng.getrandbits(len(changed))
        total = sum(d if signs >> i & 1 else -d for i, d in enumerate(changed))
        as_far += abs(total) >= observed - 1e-9
    return Paired(delta=sum(differences) / len(differences), wins=sum(d > 0 for d in changed),
                  losses=sum(d < 0 for d in changed), ties=len(differences) - len(changed),
                  p=(as_far + 1) / (samples + 1) if changed else 1.0)
