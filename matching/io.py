"""Reading people and pair files (CSV, UTF-8) and writing results atomically."""

from __future__ import annotations

import csv
import json
import os
import tempfile
from dataclasses import fields

import numpy as np

from .lqf import ELEMENT_CODES
from .model import (
    AFFINITY_TAGS,
    REGIONS,
    Mentee,
    Mentor,
    SetMember,
    Weights,
    _tags,
    _unchecked,
)

__all__ = ["DataError", "read_mentees_csv", "read_mentors_csv", "read_members_csv",
           "read_pairs_csv", "read_weights_json", "write_csv_atomic"]

_COMMON = ("id", "organisation", "region", "local_authority", "service_type", "level", "online")
_SCORE = {"1": 1, "2": 2, "3": 3, "4": 4}
_LEVEL = _SCORE
_ONLINE = {"yes": True, "no": False}
_REGION_SET = frozenset(REGIONS)
_AFFINITY = frozenset(AFFINITY_TAGS)


class DataError(ValueError):
    """A problem in an input file, located by file, line and column."""

    def __init__(self, file, line, column, message):
        self.file, self.line, self.column, self.message = str(file), line, column, message
        super().__init__(f"{self.file}, line {line}, column {column}: {message}")


def _open_csv(path):
    """Open ``path`` for the csv module; an OSError becomes a DataError naming the file."""
    try:
        return open(path, newline="", encoding="utf-8")
    except OSError as e:
        raise DataError(path, 0, "-", f"cannot open file: {e.strerror}") from None


def _rows(path):
    """Yield (line number, header index, row) after checking the file is readable and non-empty."""
    with _open_csv(path) as f:
        reader = csv.reader(f)
        try:
            header = next(reader, None)
            if header is None or not any(h.strip() for h in header):
                raise DataError(path, 1, "-", "file is empty (expected a header row)")
            names = [h.strip().lstrip("\ufeff") for h in header]
            yield 1, names, None
            for row in reader:
                if not "".join(row).strip():  # same as: no cell has text
                    continue
                yield reader.line_num, names, row
        except UnicodeDecodeError:
            raise DataError(path, reader.line_num + 1, "-", "file is not valid UTF-8") from None
        except csv.Error as e:
            raise DataError(path, reader.line_num, "-", f"malformed CSV: {e}") from None


class _Table:
    def __init__(self, path, required):
        self.path = path
        self._it = _rows(path)
        _, names, _ = next(self._it)
        self.names = names
        pos = {}
        for k, h in enumerate(names):
            pos.setdefault(h, k)
        for col in required:
            if col not in pos:
                raise DataError(path, 1, col, f"missing column {col!r}")
        self.pos = pos
        self.width = len(names)

    def __iter__(self):
        for line, _, row in self._it:
            if len(row) < self.width:
                missing = self.names[len(row)]
                raise DataError(self.path, line, missing,
                                f"row has {len(row)} fields but the header has {self.width}")
            yield line, row

    def error(self, line, col, msg):
        return DataError(self.path, line, col, msg)


def _int(t, line, row, col, lo, hi=None):
    raw = row[t.pos[col]].strip()
    try:
        v = int(raw)
    except ValueError:
        raise t.error(line, col, f"expected a whole number, got {raw!r}") from None
    if v < lo or (hi is not None and v > hi):
        rng = f"{lo}-{hi}" if hi is not None else f">= {lo}"
        raise t.error(line, col, f"value {v} is outside {rng}")
    return v


def _common(t, line, row, seen):
    p = t.pos
    pid = row[p["id"]].strip()
    if not pid:
        raise t.error(line, "id", "id is empty")
    if pid in seen:
        raise t.error(line, "id", f"duplicate id {pid!r} (first on line {seen[pid]})")
    seen[pid] = line
    region = row[p["region"]].strip()
    if region not in _REGION_SET:
        raise t.error(line, "region", f"unknown region {region!r}; expected one of the nine "
                                      "English regions, e.g. 'North East'")
    level = _int(t, line, row, "level", 1, 4)
    online = _ONLINE.get(row[p["online"]].strip().lower())
    if online is None:
        raise t.error(line, "online", f"expected yes or no, got {row[p['online']]!r}")
    lqf = []
    for code in ELEMENT_CODES:
        raw = row[p[code]].strip()
        s = _SCORE.get(raw)
        if s is None:
            try:
                int(raw)
            except ValueError:
                raise t.error(line, code, f"expected a whole number 1-4, got {raw!r}") from None
            raise t.error(line, code, f"score {raw} is outside 1-4")
        lqf.append(s)
    return dict(id=pid, organisation=row[p["organisation"]].strip(), region=region,
                local_authority=row[p["local_authority"]].strip(),
                service_type=row[p["service_type"]].strip(), level=level, online=online,
                lqf=tuple(lqf))


def _topics(row, t, col):
    return tuple(x.strip() for x in row[t.pos[col]].split(";") if x.strip())


_FAIL = object()


def _people(path, extra, build, kind):
    """Read people: a fast column-wise check and build for clean files, and on any doubt the
    row-by-row path, which raises the first problem in file order (same messages either way)."""
    t = _Table(path, _COMMON + ELEMENT_CODES + extra)
    got, pending = [], None
    try:
        for line, _, row in t._it:
            got.append((line, row))
    except DataError as e:  # malformed CSV or UTF-8 further down: earlier cells come first
        pending = e
    out = _fast_people(t, got, kind) if pending is None else None
    if out is None:
        seen, out = {}, []
        for line, row in got:
            if len(row) < t.width:
                raise DataError(t.path, line, t.names[len(row)],
                                f"row has {len(row)} fields but the header has {t.width}")
            out.append(build(t, line, row, _common(t, line, row, seen)))
        if pending is not None:
            raise pending
    if not out:
        raise DataError(path, 2, "-", "file has a header but no people")
    return out


def _fast_people(t, got, kind):
    """Check and convert whole columns at once; None if any cell is not in the plain form
    (the row-by-row reader then finds and reports the first problem)."""
    n = len(got)
    if n == 0:
        return []
    rows = [r for _, r in got]
    if min(map(len, rows)) < t.width:
        return None
    # Rows may carry extra trailing cells; columns past the shortest row are never read.
    cols = list(zip(*rows, strict=False))
    p = t.pos

    def mapped(name, fn):
        c = cols[p[name]]
        table = {}
        for raw in set(c):
            v = fn(raw)
            if v is _FAIL:
                return None
            table[raw] = v
        return list(map(table.__getitem__, c))

    ids = [x.strip() for x in cols[p["id"]]]
    if "" in ids or len(set(ids)) != n:
        return None
    region = mapped("region", lambda r: r.strip() if r.strip() in _REGION_SET else _FAIL)
    level = mapped("level", lambda r: _LEVEL.get(r.strip(), _FAIL))
    online = mapped("online", lambda r: _ONLINE.get(r.strip().lower(), _FAIL))
    if region is None or level is None or online is None:
        return None
    org, la, svc = (mapped(c, str.strip) for c in ("organisation", "local_authority",
                                                     "service_type"))
    lqf = np.empty((n, len(ELEMENT_CODES)), np.uint8)
    for k, code in enumerate(ELEMENT_CODES):
        c = cols[p[code]]
        if not set(c) <= _SCORE.keys():
            c = mapped(code, lambda r: r.strip() if r.strip() in _SCORE else _FAIL)
            if c is None:
                return None
        lqf[:, k] = np.frombuffer("".join(c).encode("ascii"), np.uint8)
    lqf -= ord("0")
    lqf_t = list(map(tuple, lqf.tolist()))
    topics = mapped("offers" if kind is Mentor else "needs", _tags)
    common = list(zip(ids, org, region, la, svc, level, online, lqf_t, topics, strict=True))
    if kind is Mentor:
        cap = mapped("capacity", lambda r: int(r.strip()) if r.strip().isascii()
                     and r.strip().isdigit() else _FAIL)
        if cap is None:
            return None
        return [_unchecked(Mentor, (*c, k)) for c, k in zip(common, cap, strict=True)]
    if kind is Mentee:
        return [_unchecked(Mentee, c) for c in common]
    aff = mapped("affinity", lambda r: _tags(r) if set(_tags(r)) <= _AFFINITY else _FAIL)
    if aff is None:
        return None
    return [_unchecked(SetMember, (*c, a)) for c, a in zip(common, aff, strict=True)]


def read_mentees_csv(path) -> list[Mentee]:
    """Read mentees (common columns, 28 LQF scores, ``needs``); raise DataError on bad input."""
    return _people(path, ("needs",),
                   lambda t, line, row, d: Mentee(**d, needs=_topics(row, t, "needs")), Mentee)


def read_mentors_csv(path) -> list[Mentor]:
    """Read mentors (common columns, 28 LQF scores, ``offers``, ``capacity``)."""
    return _people(path, ("offers", "capacity"),
                   lambda t, line, row, d: Mentor(**d, offers=_topics(row, t, "offers"),
                                                  capacity=_int(t, line, row, "capacity", 0)),
                   Mentor)


def read_members_csv(path) -> list[SetMember]:
    """Read set members (common columns, 28 LQF scores, ``needs``, ``affinity``)."""
    def build(t, line, row, d):
        tags = _topics(row, t, "affinity")
        for tag in tags:
            if tag not in AFFINITY_TAGS:
                raise t.error(line, "affinity", f"unknown affinity tag {tag!r}; expected "
                                                f"{', '.join(AFFINITY_TAGS)}")
        return SetMember(**d, needs=_topics(row, t, "needs"), affinity=tags)
    return _people(path, ("needs", "affinity"), build, SetMember)


def read_pairs_csv(path, mentee_ids, mentor_ids) -> list[tuple[str, str, int]]:
    """Read ``mentee_id,mentor_id`` pairs, checking both ids exist.

    Returns
    -------
    list of (mentee_id, mentor_id, line)
    """
    t = _Table(path, ("mentee_id", "mentor_id"))
    out = []
    for line, row in t:
        a = row[t.pos["mentee_id"]].strip()
        b = row[t.pos["mentor_id"]].strip()
        if a not in mentee_ids:
            raise t.error(line, "mentee_id", f"unknown mentee id {a!r}")
        if b not in mentor_ids:
            raise t.error(line, "mentor_id", f"unknown mentor id {b!r}")
        out.append((a, b, line))
    return out


def read_weights_json(path, cls=Weights):
    """Read a JSON object of weights into `cls` (Weights or GroupWeights)."""
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except OSError as e:
        raise DataError(path, 0, "-", f"cannot open file: {e.strerror}") from None
    except UnicodeDecodeError:
        raise DataError(path, 1, "-", "file is not valid UTF-8") from None
    if not text.strip():
        raise DataError(path, 1, "-", "file is empty (expected a JSON object of weights)")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise DataError(path, e.lineno, e.colno, f"invalid JSON: {e.msg}") from None
    def where(key):
        return next((n for n, ln in enumerate(text.splitlines(), 1) if f'"{key}"' in ln), 1)

    if not isinstance(data, dict):
        raise DataError(path, 1, "-", "expected a JSON object of weights")
    for key, value in data.items():
        try:
            cls.from_mapping({key: value, **{k: 1 for k in _names(cls) if k != key}})
        except (TypeError, ValueError) as e:
            raise DataError(path, where(key), key, str(e)) from None
    try:
        return cls.from_mapping(data)
    except (TypeError, ValueError) as e:
        raise DataError(path, 1, "-", str(e)) from None


def _names(cls):
    return [f.name for f in fields(cls)]


def write_csv_atomic(path, header, rows) -> None:
    """Write a CSV file all at once: a temporary file in the same folder, then ``os.replace``."""
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".csv", dir=folder)
    try:
        with os.fdopen(fd, "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(header)
            w.writerows(rows)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
