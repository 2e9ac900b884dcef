"""Plain-English explanations: why a pair was matched, why a mentee was not, and a summary."""

from __future__ import annotations

from ..lqf import ELEMENTS
from ..score import PairArrays, pair_parts
from ..topics import service_type_name, topic_name
from .results import MENTORS_TAKEN, NO_ELIGIBLE_MENTOR, NO_OPEN_MENTOR, MatchResult

__all__ = ["explain_pair", "explain_parts", "unmatched_reason", "summarise_matches"]


def _and_list(items, word="and") -> str:
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    # "business skills, and recruitment and retention": a comma keeps names with "and" whole
    last = f", {word} " if any(" and " in t for t in items) else f" {word} "
    return ", ".join(items[:-1]) + last + items[-1]


def _count(n, one, many) -> str:
    return f"{n} {one if n == 1 else many}"


def explain_pair(arr: PairArrays, i: int, j: int, score: int, topic_names=None) -> str:
    """Explain to a mentee (and their coordinator) why mentor `j` suits mentee `i`.

    Says which of the mentee's needs the mentor offers help with and which not, then up to
    two further reasons: LQF elements the mentee rated low and the mentor rates high, the
    mentor's leadership level, the same type of service, the same local authority for
    meeting in person. `score` is the pair's score in hundredths; `topic_names` maps a
    coordinator's own topic codes to their names (others are named by
    :func:`matching.topics.topic_name`).
    """
    return explain_parts(pair_parts(arr, i, j), score, topic_names)


def _needs_sentence(parts, topic_names) -> str:
    def name(code):
        return (topic_names or {}).get(code) or topic_name(code)

    needs = [name(t) for t in parts["need_codes"]]
    covered = [name(t) for t in parts["covered"]]
    missing = [t for t in needs if t not in covered]
    if not covered:
        return f"Does not offer help with your {'need' if len(needs) == 1 else 'needs'} " \
               f"({_and_list(needs)})."
    if not missing:
        if len(needs) == 1:
            return f"Offers help with your need: {covered[0]}."
        which = "both" if len(needs) == 2 else f"all {len(needs)}"
        return f"Offers help with {which} of your needs: {_and_list(covered)}."
    return f"Offers help with {_and_list(covered)}, but not with {_and_list(missing, 'or')}."


def explain_parts(parts: dict, score: int, topic_names=None) -> str:
    """The explanation of :func:`explain_pair` from a pair's parts (see ``pair_parts``)."""
    sentences = []
    if parts["n_needs"]:
        sentences.append(_needs_sentence(parts, topic_names))
    reasons = []
    if parts["grow"]:
        names = _and_list(ELEMENTS[c] for c in parts["grow"][:2])
        reasons.append((parts["lqf"], f"strong in {names}, which your self-assessment "
                                      "rates low"))
    if parts["level"] > 0:
        text = ("a more senior leader than you" if parts["level_diff"] > 0
                else "a leader at your level")
        reasons.append((parts["level"], text))
    if parts["service_type"] > 0:
        name = service_type_name(parts["service_name"])
        reasons.append((parts["service_type"], f"works in the same type of service ({name})"))
    if parts["local_authority"] > 0:
        reasons.append((parts["local_authority"], f"in your local authority "
                                                  f"({parts['la_name']}) for meeting in person"))
    reasons.sort(key=lambda r: -r[0])
    top = [text for _, text in reasons[:2]]
    if top:
        text = "; ".join(top)
        sentences.append(text[0].upper() + text[1:] + ".")
    if not sentences:
        return (f"Allowed by every rule, but no particular strength stands out "
                f"(score {score / 100:.2f}).")
    return " ".join(sentences)


_BLOCKER_WORDS = {
    "same_person": ("is this same person (the same id in both files)",
                    "are this same person (the same id in both files)"),
    "declined": ("was declined", "were declined"),
    "same_organisation": ("works in the same organisation", "work in the same organisation"),
    "apart": ("is in another region while one of you meets only in person",
              "are in another region while one of you meets only in person"),
}


def unmatched_reason(cause: str, n_eligible: int = 0, blockers: dict | None = None) -> str:
    """Why a mentee has no mentor, in words a coordinator can act on.

    Parameters
    ----------
    cause : str
        One of the causes in :mod:`matching.mentors.results`.
    n_eligible : int
        For ``MENTORS_TAKEN``: how many eligible mentors with a free place the mentee had.
    blockers : dict, optional
        For ``NO_ELIGIBLE_MENTOR``: how many mentors with a free place each rule ruled out,
        keyed ``same_person``, ``declined``, ``same_organisation``, ``apart`` (each mentor
        counted once, under the first of these that applies).
    """
    if cause == NO_OPEN_MENTOR:
        return "No mentor has a free place."
    if cause == MENTORS_TAKEN:
        who = ("The only eligible mentor is" if n_eligible == 1 else
               "Both eligible mentors are" if n_eligible == 2 else
               f"All {n_eligible} eligible mentors are")
        return (f"{who} taken by other mentees, and no other arrangement matches more "
                "mentees in total.")
    counts = {k: v for k, v in (blockers or {}).items() if v}
    total = sum(counts.values())
    parts = [f"{n} {_BLOCKER_WORDS[k][n != 1]}" for k, v in _BLOCKER_WORDS.items()
             if (n := counts.get(k, 0))]
    if not total:
        return "No eligible mentor with a free place."
    head = ("No eligible mentor: the one mentor with a free place" if total == 1 else
            f"No eligible mentor: of the {total} mentors with a free place,")
    if total == 1:
        return f"{head} {parts[0].split(' ', 1)[1]}."
    return f"{head} {_and_list(parts)}."


def summarise_matches(result: MatchResult) -> str:
    """One or two plain-English sentences on a mentor matching, for a coordinator.

    For example "Everyone who could be matched is matched: 22 of 25. 3 have no eligible
    mentor (the organisation, declined-pair or region rules rule out every mentor with a
    free place). No other arrangement gives a higher total score."

    Parameters
    ----------
    result : MatchResult

    Returns
    -------
    str
    """
    matched, left = len(result.pairs), len(result.unmatched)
    everyone = matched + left
    if everyone == 0:
        return "There were no mentees to match."
    causes = [u.cause for u in result.unmatched]
    if left == 0:
        head = f"All {everyone} mentees are matched."
    elif matched >= result.max_matches:
        head = f"Everyone who could be matched is matched: {matched} of {everyone}."
    else:  # pragma: no cover - the engine always reaches the certified maximum
        head = (f"{matched} of {everyone} mentees are matched; up to {result.max_matches} "
                "could be.")
    why = []
    if n := causes.count(NO_OPEN_MENTOR):
        why.append(f"{_count(n, 'is', 'are')} unmatched because no mentor has a free place")
    if n := causes.count(NO_ELIGIBLE_MENTOR):
        why.append(f"{n} {'has' if n == 1 else 'have'} no eligible mentor (the organisation, "
                   "declined-pair or region rules rule out every mentor with a free place)")
    if n := causes.count(MENTORS_TAKEN):
        why.append(f"{n} could only be matched by unmatching someone else")
    sentences = [head]
    if why:
        text = "; ".join(why)
        sentences.append(text[0].upper() + text[1:] + ".")
    if matched:
        if result.optimal:
            sentences.append("No other arrangement gives a higher total score.")
        else:
            gap = result.gap
            within = f" It is within {100 * gap:.1f}% of the best possible." if gap is not None \
                else ""
            sentences.append("The total score is not proven to be the best possible: the "
                             f"search stopped early.{within}")
    return " ".join(sentences)
