"""Mentor matching: the most matches possible, then the highest total score, with a proof.

Modules by job: :mod:`.match` (the whole-pool matching), :mod:`.blocks` (the score matrix in
blocks), :mod:`.candidates` (each side's best pairs), :mod:`.flow` (exact solves and prices),
:mod:`.proof` (checking prices on every eligible pair), :mod:`.explain` (words for people),
:mod:`.suggest` (self-service suggestions and the audit listing), :mod:`.results`.
"""

from .explain import explain_pair, summarise_matches
from .match import match_mentors, rematch
from .results import MatchResult, Pair, PairError, Suggestion, Unmatched
from .suggest import eligible_scores, suggest_mentors

__all__ = ["Pair", "Unmatched", "MatchResult", "Suggestion", "PairError",
           "match_mentors", "suggest_mentors", "rematch", "explain_pair", "eligible_scores",
           "summarise_matches"]
