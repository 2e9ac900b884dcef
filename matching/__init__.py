"""Optimal mentor matching and action learning set formation for the Registered Managers network."""

from .lqf import DIMENSIONS, ELEMENTS
from .mentors import MatchResult, match_mentors, rematch, suggest_mentors
from .model import GroupWeights, Mentee, Mentor, SetMember, Weights
from .sets import GroupResult, form_groups

__all__ = [
    "Mentee", "Mentor", "SetMember", "Weights", "GroupWeights", "DIMENSIONS", "ELEMENTS",
    "MatchResult", "match_mentors", "suggest_mentors", "rematch", "GroupResult", "form_groups",
]
