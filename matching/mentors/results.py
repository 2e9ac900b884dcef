"""What mentor matching returns: pairs, unmatched mentees, suggestions, and the whole result."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

__all__ = ["Pair", "Unmatched", "MatchResult", "Suggestion", "PairError",
           "NO_OPEN_MENTOR", "NO_ELIGIBLE_MENTOR", "MENTORS_TAKEN"]

#: Causes of an unmatched mentee (``Unmatched.cause``).
NO_OPEN_MENTOR = "no_open_mentor"          # no mentor at all has a free place
NO_ELIGIBLE_MENTOR = "no_eligible_mentor"  # the hard rules rule out every mentor with a place
MENTORS_TAKEN = "mentors_taken"            # eligible mentors exist, all needed by others


@dataclass(frozen=True, slots=True)
class Pair:
    """A matched mentee and mentor; ``score`` is in [0, 100] with two decimals."""

    mentee_id: str
    mentor_id: str
    score: float
    explanation: str
    locked: bool = False


@dataclass(frozen=True, slots=True)
class Unmatched:
    """A mentee left without a mentor, the reason in words and its cause (a code above)."""

    mentee_id: str
    reason: str
    cause: str = ""


@dataclass(frozen=True)
class MatchResult:
    """Outcome of :func:`matching.mentors.match_mentors`.

    Attributes
    ----------
    pairs, unmatched : tuple
        One entry per mentee, in input order within each tuple.
    total_score : float
        Sum of the pair scores (exactly, in hundredths).
    max_matches : int
        Proven maximum number of matched mentees (a certificate checks it on every eligible
        pair, whether or not the total score is proven); ``len(pairs)`` equals it.
    bound : float
        Proven upper bound on the total score of any matching with ``max_matches`` pairs;
        equal to ``total_score`` when ``optimal``, always finite.
    optimal : bool
        True when the dual prices, checked on every eligible pair and for complementary
        slackness, prove the total score the highest possible.
    status : str
        ``"proven optimal"``, or ``"not proven optimal: ..."`` with the cause.
    stats : dict
        Technical figures (sizes, rounds, timings, the proof's checks); see
        ``docs/matching.md``.
    """

    pairs: tuple[Pair, ...]
    unmatched: tuple[Unmatched, ...]
    total_score: float
    max_matches: int
    bound: float
    optimal: bool
    stats: dict = field(default_factory=dict)
    status: str = ""

    @property
    def gap(self) -> float | None:
        """Relative gap ``(bound - total) / bound``: 0 when proven optimal, None if unknown."""
        if not math.isfinite(self.bound):
            return None
        return 0.0 if self.bound <= 0 else max(0.0, (self.bound - self.total_score) / self.bound)


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A mentor suggested to one mentee."""

    mentor_id: str
    score: float
    explanation: str


class PairError(ValueError):
    """A declined or locked pair that cannot be used; ``index`` is its position in the input."""

    def __init__(self, kind, index, column, message):
        self.kind, self.index, self.column = kind, index, column
        super().__init__(message)
