"""Vectorised pair scores for mentor matching: eligibility and a 0-100 score in hundredths."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .lqf import ELEMENT_CODES
from .model import REGIONS, Weights, organisation_key

__all__ = ["PairArrays", "Workspace", "encode_pairs", "score_block", "score_pairs", "pair_parts",
           "pair_parts_many", "hard_rule_breaks", "LEVEL_CREDIT"]

#: Credit for the level part, indexed by ``mentor level - mentee level`` clipped to [-1, 1]:
#: mentor below the mentee 0, at the same level 0.7, above 1.
LEVEL_CREDIT = {-1: 0.0, 0: 0.7, 1: 1.0}

_REGION_CODE = {r: k for k, r in enumerate(REGIONS)}

#: An LQF element counts as one the mentee could grow in when they rate it at most this.
WEAK_LQF = 2


@dataclass(frozen=True)
class _Side:
    ids: tuple[str, ...]
    org: np.ndarray          # int32 codes shared by both sides
    region: np.ndarray       # int8
    la: np.ndarray           # int32 codes shared by both sides
    service: np.ndarray      # int32 codes shared by both sides
    level: np.ndarray        # int8, 1-4
    online: np.ndarray       # bool
    lqf: np.ndarray          # int8 (n, 28)
    topics: np.ndarray       # float32 0/1 (n, T): needs for mentees, offers for mentors


@dataclass(frozen=True)
class PairArrays:
    """Mentees and mentors encoded as arrays over shared vocabularies, plus score constants.

    Built by :func:`encode_pairs`; used by :func:`score_block` and :func:`score_pairs`.
    """

    mentees: _Side
    mentors: _Side
    capacity: np.ndarray     # int64 per mentor
    # the mentor with the same id as each mentee (the same person in both files), else -1
    same_person: np.ndarray  # int64 per mentee
    topic_names: tuple[str, ...]
    la_names: tuple[str, ...]
    service_names: tuple[str, ...]
    # per-mentee multipliers (float32) turning integer counts into hundredths of a point
    need_coef: np.ndarray
    lqf_coef: np.ndarray
    growth: np.ndarray       # float32 (n, 28): weight of each element in the mentee's growth
    strength: np.ndarray     # float32 (m, 28): mentor score - 1 (0-3)
    level_pts: np.ndarray    # float32 (4, m): level points for mentee level l (row l-1)
    service_pts: np.float32
    la_pts: np.float32
    # one-hot (mentee level, mentee service) x (level points, service points): an exact
    # matmul giving level + service-type points, at most two non-zero products per pair
    cat_left: np.ndarray
    cat_right: np.ndarray
    # mentor-side matmul operands stored (k, m) C-contiguous: BLAS runs ~2.5x faster than on
    # a transposed (m, k) view for these short inner dimensions
    topics_t: np.ndarray
    strength_t: np.ndarray


class _Vocab(dict):
    def code(self, label: str) -> int:
        k = self.get(label)
        if k is None:
            k = self[label] = len(self)
        return k


class _OrganisationCodes:
    """Codes for organisations: one per organisation key, and a new code for each unknown
    (blank) organisation, so that an unknown organisation never equals another."""

    def __init__(self):
        self._known = _Vocab()
        self._unknown = 0

    def code(self, name: str) -> int:
        key = organisation_key(name)
        if key:
            return self._known.code(key)
        self._unknown += 1
        return -self._unknown


def _side(people, topics_attr, vocabs) -> _Side:
    org_v, la_v, svc_v, top_v = vocabs
    n = len(people)
    topic_lists = [getattr(p, topics_attr) for p in people]
    rows, cols = [], []
    for i, ts in enumerate(topic_lists):
        for t in ts:
            rows.append(i)
            cols.append(top_v.code(t))
    return _Side(
        ids=tuple(p.id for p in people),
        org=np.fromiter((org_v.code(p.organisation) for p in people), np.int32, n),
        region=np.fromiter((_REGION_CODE[p.region] for p in people), np.int8, n),
        la=np.fromiter((la_v.code(p.local_authority) for p in people), np.int32, n),
        service=np.fromiter((svc_v.code(p.service_type) for p in people), np.int32, n),
        level=np.fromiter((p.level for p in people), np.int8, n),
        online=np.fromiter((p.online for p in people), bool, n),
        lqf=np.array([p.lqf for p in people], dtype=np.int8).reshape(n, len(ELEMENT_CODES)),
        topics=(np.asarray(rows, np.int64), np.asarray(cols, np.int64)),  # densified below
    )


def _densify(side: _Side, n_topics: int) -> _Side:
    rows, cols = side.topics
    dense = np.zeros((len(side.ids), n_topics), np.float32)
    dense[rows, cols] = 1.0
    return _Side(**{**side.__dict__, "topics": dense})


def encode_pairs(mentees, mentors, weights: Weights | None = None) -> PairArrays:
    """Encode mentees and mentors as arrays for vectorised scoring.

    Parameters
    ----------
    mentees : sequence of Mentee
    mentors : sequence of Mentor
    weights : Weights, optional
        Score weights; defaults to ``Weights()``.

    Returns
    -------
    PairArrays
    """
    w = weights or Weights()
    vocabs = (_OrganisationCodes(), _Vocab(), _Vocab(), _Vocab())
    a = _side(mentees, "needs", vocabs)
    b = _side(mentors, "offers", vocabs)
    n_topics = len(vocabs[3])
    a, b = _densify(a, n_topics), _densify(b, n_topics)
    total = w.needs + w.lqf + w.level + w.service_type + w.local_authority
    scale = 10000.0 / total
    n_needs = a.topics.sum(axis=1)
    need_coef = np.where(n_needs > 0, scale * w.needs / np.maximum(n_needs, 1), 0.0)
    # Growth weights: the weaker the mentee on an element, the more a strong mentor there counts.
    growth = (4.0 - a.lqf.astype(np.float32)) ** 2
    flat = growth.sum(axis=1) == 0
    growth[flat] = 1.0
    lqf_coef = scale * w.lqf / (3.0 * growth.sum(axis=1))
    strength = b.lqf.astype(np.float32) - 1.0
    credit = np.array([[LEVEL_CREDIT[int(np.clip(mb - ma, -1, 1))] for mb in range(1, 5)]
                       for ma in range(1, 5)], np.float32) * np.float32(scale * w.level)
    level_pts = credit[:, b.level - 1] if len(mentors) else np.zeros((4, 0), np.float32)
    n_svc = len(vocabs[2])
    cat_left = np.zeros((len(mentees), 4 + n_svc), np.float32)
    cat_left[np.arange(len(mentees)), a.level.astype(np.intp) - 1] = 1.0
    cat_left[np.arange(len(mentees)), 4 + a.service] = 1.0
    cat_right = np.zeros((4 + n_svc, len(mentors)), np.float32)
    cat_right[:4] = level_pts
    cat_right[4 + b.service, np.arange(len(mentors))] = np.float32(scale * w.service_type)
    mentor_pos = {p.id: j for j, p in enumerate(mentors)}
    same_person = np.fromiter((mentor_pos.get(p.id, -1) for p in mentees), np.int64,
                              len(mentees))
    return PairArrays(
        mentees=a, mentors=b, same_person=same_person, cat_left=cat_left, cat_right=cat_right,
        topics_t=np.ascontiguousarray(b.topics.T), strength_t=np.ascontiguousarray(strength.T),
        capacity=np.fromiter((m.capacity for m in mentors), np.int64, len(mentors)),
        topic_names=tuple(vocabs[3]), la_names=tuple(vocabs[1]), service_names=tuple(vocabs[2]),
        need_coef=need_coef.astype(np.float32), lqf_coef=lqf_coef.astype(np.float32),
        growth=growth.astype(np.float32), strength=strength,
        level_pts=np.ascontiguousarray(level_pts, dtype=np.float32),
        service_pts=np.float32(scale * w.service_type),
        la_pts=np.float32(scale * w.local_authority),
    )


def _combine(s, dot, cat, la, need_coef, lqf_coef, arr: PairArrays):
    # One formula, in one order, for blocks and for single pairs, so both give bit-identical
    # float32 results: cov and dot are exact small integers, cat holds at most two non-zero
    # products, and every step is a correctly rounded float32 operation.
    np.multiply(s, need_coef, out=s)
    np.multiply(dot, lqf_coef, out=dot)
    s += dot
    s += cat
    np.multiply(la, arr.la_pts, out=dot)
    s += dot
    np.rint(s, out=s)
    return s


class Workspace:
    """Reusable scratch arrays for :func:`score_block` (one per thread), avoiding page faults."""

    def __init__(self):
        self._bufs = {}

    def get(self, name, shape, dtype):
        b = self._bufs.get(name)
        if b is None or b.size < int(np.prod(shape)) or b.dtype != dtype:
            # Zeros, not whatever the memory held: some BLAS builds scale the output by 0
            # before writing it, and 0 x a NaN left there raises NumPy's "invalid value" warning.
            b = self._bufs[name] = np.zeros(int(np.prod(shape)), dtype)
        return b[: int(np.prod(shape))].reshape(shape)


def score_block(arr: PairArrays, rows: np.ndarray, cols: np.ndarray | None = None,
                out: np.ndarray | None = None, work: Workspace | None = None) -> np.ndarray:
    """Score every pair of mentees `rows` x mentors `cols` (all mentors when None).

    Parameters
    ----------
    arr : PairArrays
    rows, cols : index arrays
    out : numpy.ndarray, optional
        int16 array of shape ``(len(rows), len(cols))`` to write into.
    work : Workspace, optional
        Scratch space to reuse between calls.

    Returns
    -------
    numpy.ndarray
        int16 array of shape ``(len(rows), len(cols))``: the score in hundredths (0-10000) for
        eligible pairs, -1 where a hard rule (the same person, the same organisation, region
        for in-person) forbids it. Declined pairs are not applied here.
    """
    a, b = arr.mentees, arr.mentors
    rows = np.asarray(rows, np.intp)
    if cols is None:
        cols = slice(None)
        n_cols = len(b.ids)
    else:
        cols = np.asarray(cols, np.intp)
        n_cols = cols.size
    work = work or Workspace()
    shape = (rows.size, n_cols)
    s = work.get("s", shape, np.float32)
    dot = work.get("dot", shape, np.float32)
    cat = work.get("cat", shape, np.float32)
    # bool masks are handled through uint8/int8 views: NumPy's broadcast bool loops are slow
    b1 = work.get("b1", shape, np.uint8)
    b2 = work.get("b2", shape, np.uint8)
    b3 = work.get("b3", shape, np.uint8)
    np.matmul(a.topics[rows], arr.topics_t[:, cols], out=s)
    np.matmul(arr.growth[rows], arr.strength_t[:, cols], out=dot)
    np.matmul(arr.cat_left[rows], arr.cat_right[:, cols], out=cat)
    ri, cj = (lambda x: x[rows][:, None]), (lambda x: x[cols][None, :])
    np.bitwise_and(ri(a.online).view(np.uint8), cj(b.online).view(np.uint8), out=b2)  # both online
    np.equal(ri(a.la), cj(b.la), out=b1.view(bool))
    np.greater(b1, b2, out=b1.view(bool))                           # same LA and in person
    _combine(s, dot, cat, b1.view(bool), arr.need_coef[rows][:, None],
             arr.lqf_coef[rows][:, None], arr)
    np.not_equal(ri(a.region), cj(b.region), out=b3.view(bool))
    np.greater(b3, b2, out=b3.view(bool))                           # different regions, in person
    np.equal(ri(a.org), cj(b.org), out=b1.view(bool))
    b1 |= b3                                                        # 1 = a hard rule forbids
    if out is None:
        out = np.empty(shape, np.int16)
    np.copyto(out, s, casting="unsafe")
    bad = b1.view(np.int8)
    np.negative(bad, out=bad)                                       # 0 or -1 (all bits set)
    np.bitwise_or(out, bad, out=out)                                # -1 where forbidden
    _forbid_same_person(arr, rows, cols, out)
    return out


def _forbid_same_person(arr: PairArrays, rows, cols, out) -> None:
    # People in both files are few, so this is a sparse pass rather than another comparison
    # of every pair.
    mate = arr.same_person[rows]
    r = np.flatnonzero(mate >= 0)
    if not r.size or not out.shape[1]:
        return
    if isinstance(cols, slice):
        out[r, mate[r]] = -1
        return
    order = np.argsort(cols, kind="stable")
    at = np.minimum(np.searchsorted(cols, mate[r], sorter=order), cols.size - 1)
    c = order[at]
    hit = cols[c] == mate[r]
    out[r[hit], c[hit]] = -1


def hard_rule_breaks(arr: PairArrays, i, j) -> dict[str, np.ndarray]:
    """Which hard rules forbid the pairs ``(i[k], j[k])`` (declined pairs aside).

    Returns
    -------
    dict of str to bool arrays
        ``same_person`` (the same id on both sides), ``same_organisation`` (equal
        :func:`matching.model.organisation_key`, never for an unknown one) and ``apart``
        (different regions while one of them meets only in person).
    """
    a, b = arr.mentees, arr.mentors
    i = np.asarray(i, np.intp)
    j = np.asarray(j, np.intp)
    both_online = a.online[i] & b.online[j]
    return {
        "same_person": arr.same_person[i] == j,
        "same_organisation": a.org[i] == b.org[j],
        "apart": (a.region[i] != b.region[j]) & ~both_online,
    }


def score_pairs(arr: PairArrays, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """Score the pairs ``(i[k], j[k])``; same values and conventions as :func:`score_block`."""
    a, b = arr.mentees, arr.mentors
    i = np.asarray(i, np.intp)
    j = np.asarray(j, np.intp)
    s = np.einsum("kt,kt->k", a.topics[i], b.topics[j]).astype(np.float32)
    dot = np.einsum("ke,ke->k", arr.growth[i], arr.strength[j]).astype(np.float32)
    cat = np.einsum("kc,ck->k", arr.cat_left[i], arr.cat_right[:, j]).astype(np.float32)
    both_online = a.online[i] & b.online[j]
    la = (a.la[i] == b.la[j]) & ~both_online
    _combine(s, dot, cat, la, arr.need_coef[i], arr.lqf_coef[i], arr)
    breaks = hard_rule_breaks(arr, i, j)
    s[breaks["same_person"] | breaks["same_organisation"] | breaks["apart"]] = -1
    return s.astype(np.int16)


def pair_parts(arr: PairArrays, i: int, j: int) -> dict:
    """Explain one pair: the points (hundredths) of each part and the details behind them."""
    a, b = arr.mentees, arr.mentors
    needs = np.flatnonzero(a.topics[i])
    covered = [arr.topic_names[t] for t in needs if b.topics[j, t] > 0]
    gain = arr.growth[i] * arr.strength[j]
    weak = a.lqf[i]
    order = np.argsort(-gain, kind="stable")
    grow = [ELEMENT_CODES[e] for e in order[:3]
            if gain[e] > 0 and b.lqf[j, e] >= 3 and weak[e] <= WEAK_LQF]
    in_person = not (a.online[i] and b.online[j])
    same_la = bool(a.la[i] == b.la[j]) and in_person
    return {
        "needs": float(len(covered) * arr.need_coef[i]),
        "n_needs": int(len(needs)),
        "need_codes": [arr.topic_names[t] for t in needs],
        "covered": covered,
        "lqf": float(gain.sum() * arr.lqf_coef[i]),
        "grow": grow,
        "level": float(arr.level_pts[a.level[i] - 1, j]),
        "level_diff": int(b.level[j]) - int(a.level[i]),
        "service_type": float(arr.service_pts) if a.service[i] == b.service[j] else 0.0,
        "service_name": arr.service_names[b.service[j]],
        "local_authority": float(arr.la_pts) if same_la else 0.0,
        "la_name": arr.la_names[b.la[j]],
        "in_person": in_person,
    }


def pair_parts_many(arr: PairArrays, i, j) -> list[dict]:
    """:func:`pair_parts` for the pairs ``(i[k], j[k])`` at once (same dicts, same floats)."""
    a, b = arr.mentees, arr.mentors
    i = np.asarray(i, np.intp)
    j = np.asarray(j, np.intp)
    if i.size == 0:
        return []
    need = a.topics[i] > 0
    cov = need & (b.topics[j] > 0)
    n_needs = need.sum(axis=1).tolist()
    ncov = cov.sum(axis=1)
    rows, tops = np.nonzero(cov)
    covered = [[] for _ in range(i.size)]
    for r, t in zip(rows.tolist(), tops.tolist(), strict=True):
        covered[r].append(arr.topic_names[t])
    rows, tops = np.nonzero(need)
    need_codes = [[] for _ in range(i.size)]
    for r, t in zip(rows.tolist(), tops.tolist(), strict=True):
        need_codes[r].append(arr.topic_names[t])
    gain = arr.growth[i] * arr.strength[j]
    order = np.argsort(-gain, axis=1, kind="stable")[:, :3]
    bl = np.take_along_axis(b.lqf[j], order, axis=1)
    ok = ((np.take_along_axis(gain, order, axis=1) > 0) & (bl >= 3)
          & (np.take_along_axis(a.lqf[i], order, axis=1) <= WEAK_LQF))
    needs_pts = (ncov.astype(np.float32) * arr.need_coef[i]).tolist()
    lqf_pts = (gain.sum(axis=1) * arr.lqf_coef[i]).tolist()
    level = arr.level_pts[a.level[i] - 1, j].tolist()
    level_diff = (b.level[j].astype(np.int64) - a.level[i]).tolist()
    same_svc = (a.service[i] == b.service[j]).tolist()
    in_person = (~(a.online[i] & b.online[j])).tolist()
    same_la = (a.la[i] == b.la[j]).tolist()
    svc_pts, la_pts = float(arr.service_pts), float(arr.la_pts)
    out = []
    for k, (o, g) in enumerate(zip(order.tolist(), ok.tolist(), strict=True)):
        ip = in_person[k]
        out.append({
            "needs": needs_pts[k],
            "n_needs": n_needs[k],
            "need_codes": need_codes[k],
            "covered": covered[k],
            "lqf": lqf_pts[k],
            "grow": [ELEMENT_CODES[e] for e, keep in zip(o, g, strict=True) if keep],
            "level": level[k],
            "level_diff": level_diff[k],
            "service_type": svc_pts if same_svc[k] else 0.0,
            "service_name": arr.service_names[b.service[j[k]]],
            "local_authority": la_pts if (same_la[k] and ip) else 0.0,
            "la_name": arr.la_names[b.la[j[k]]],
            "in_person": ip,
        })
    return out
