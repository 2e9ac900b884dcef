"""Reading people, pair, topic and weight files (CSV or JSON, UTF-8), checked cell by cell."""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import fields

from .lqf import ELEMENT_CODES
from .model import AFFINITY_TAGS, REGIONS, Mentee, Mentor, SetMember, Weights, _unchecked
from .topics import SERVICE_TYPE_NAMES, TOPIC_NAMES

__all__ = ["DataError", "COLUMNS", "read_mentees_csv", "read_mentors_csv", "read_members_csv",
           "read_pairs_csv", "read_topics_csv", "read_weights_json"]

_COMMON = ("id", "organisation", "region", "local_authority", "service_type", "level", "online")
_EXTRA = {Mentee: ("needs",), Mentor: ("offers", "capacity"), SetMember: ("needs", "affinity")}

#: Column -> what it holds, for --help, the example files and the docs (one source).
COLUMNS: dict[str, str] = {
    "id": "a unique id for the person (any text)",
    "organisation": "the employer; people of one organisation are never put together "
                    "(blank: unknown, never treated as shared)",
    "region": "one of the nine English regions: " + ", ".join(REGIONS),
    "local_authority": "the council area (any text)",
    "service_type": "one of: " + ", ".join(SERVICE_TYPE_NAMES),
    "level": "level of leadership, 1 (front-line worker) to 4 (strategic leader)",
    "online": "yes if they can meet online, no if only in person",
    "PQ1..DS4": "28 columns, one per LQF element, each a self-assessed score 1-4",
    "needs": "topics they want help with, separated by ';' (the topic codes below, or your "
             "own declared with --topics)",
    "offers": "topics they can help with, separated by ';'",
    "capacity": "how many mentees they can take (0 for none)",
    "affinity": "affinity networks, separated by ';': " + ", ".join(AFFINITY_TAGS)
                + " (never shown in any output)",
}


def columns_of(kind) -> tuple[str, ...]:
    """The columns of a people file: ``Mentee``, ``Mentor`` or ``SetMember``."""
    return _COMMON + ELEMENT_CODES + _EXTRA[kind]


class DataError(ValueError):
    """A problem in an input file, located by file, line and column."""

    def __init__(self, file, line, column, message):
        self.file, self.line, self.column, self.message = str(file), line, column, message
        where = f", line {line}, column {column}" if line else ""  # line 0: the whole file
        super().__init__(f"{self.file}{where}: {message}")


def _one_of(values) -> str:
    return "use one of: " + ", ".join(values)


def _read_text(path) -> str:
    """The file as text; not UTF-8 is an error naming the line (and column) of the first bad
    byte, with a hint to save the file as UTF-8."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        raise DataError(path, 0, "-", f"cannot open file: {e.strerror}") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        start = data.rfind(b"\n", 0, e.start) + 1
        column = "-"
        if line > 1:
            header = next(csv.reader([data[:data.find(b"\n")].decode("utf-8", "replace")]))
            before = data[start:e.start].decode("utf-8", "replace")
            k = len(next(csv.reader([before + "x"]))) - 1
            column = header[k].strip() if k < len(header) else "-"
        raise DataError(path, line, column,
                        f"byte 0x{data[e.start]:02x} is not UTF-8 text: the file was probably "
                        "saved as Windows-1252 or another older encoding; save it as "
                        "'CSV UTF-8' and try again") from None


class _Table:
    """A CSV file with a header: rows with their line numbers, and where each column is."""

    def __init__(self, path, required):
        self.path = path
        self._reader = csv.reader(io.StringIO(_read_text(path), newline=""))
        try:
            header = next(self._reader, None)
        except csv.Error as e:
            raise DataError(path, 1, "-", f"malformed CSV: {e}") from None
        if header is None or not any(h.strip() for h in header):
            raise DataError(path, 1, "-", "file is empty (expected a header row)")
        names = [h.strip() for h in header]
        pos = {}
        for k, h in enumerate(names):
            pos.setdefault(h, k)
        missing = [c for c in required if c not in pos]
        if missing:
            for sep, word in ((";", "semicolon"), ("\t", "tab")):
                if len(names) == 1 and names[0].count(sep) >= 1:
                    raise DataError(path, 1, "-", f"the file looks {word}-separated; save it "
                                                  "with commas between the columns")
            raise DataError(path, 1, missing[0], f"missing column {missing[0]!r}; the file "
                                                 f"needs the columns {', '.join(required)}")
        self.names, self.pos, self.width = names, pos, len(names)

    def __iter__(self):
        reader = self._reader
        try:
            for row in reader:
                if not "".join(row).strip():  # no cell has text
                    continue
                if len(row) < self.width:
                    raise DataError(self.path, reader.line_num, self.names[len(row)],
                                    f"row has {len(row)} fields but the header has "
                                    f"{self.width}")
                yield reader.line_num, row
        except csv.Error as e:
            raise DataError(self.path, reader.line_num, "-", f"malformed CSV: {e}") from None

    def error(self, line, col, msg):
        return DataError(self.path, line, col, msg)


_SCORE = {"1": 1, "2": 2, "3": 3, "4": 4}
_ONLINE = {"yes": True, "no": False}
_REGIONS = frozenset(REGIONS)
_SERVICES = frozenset(SERVICE_TYPE_NAMES)


def _int(t, line, col, raw, lo, hi=None):
    try:
        v = int(raw)
    except ValueError:
        rng = f"{lo}-{hi}" if hi is not None else f"{lo} or more"
        raise t.error(line, col, f"expected a whole number {rng}, got {raw!r}") from None
    if v < lo or (hi is not None and v > hi):
        rng = f"{lo}-{hi}" if hi is not None else f">= {lo}"
        raise t.error(line, col, f"value {v} is outside {rng}")
    return v


def _codes(t, line, col, raw, allowed, what, hint=""):
    """A ';'-separated list of codes, each one of ``allowed`` (in order, without repeats)."""
    out = []
    for x in raw.split(";"):
        x = x.strip()
        if not x:
            continue
        if x not in allowed:
            raise t.error(line, col, f"unknown {what} {x!r}; {_one_of(allowed)}{hint}")
        if x not in out:
            out.append(x)
    return tuple(out)


class _RowReader:
    """Checks one row of a people file at a time; each problem names its cell."""

    def __init__(self, t, kind, topics):
        self.t, self.kind = t, kind
        self.topics = tuple(TOPIC_NAMES) + tuple(c for c in topics if c not in TOPIC_NAMES)
        self.seen = {}
        self.lqf_pos = [t.pos[c] for c in ELEMENT_CODES]
        self._topic_cache = {}

    def common(self, line, row):
        t, p = self.t, self.t.pos
        pid = row[p["id"]].strip()
        if not pid:
            raise t.error(line, "id", "id is empty")
        if pid in self.seen:
            raise t.error(line, "id", f"duplicate id {pid!r} (first on line {self.seen[pid]})")
        self.seen[pid] = line
        region = row[p["region"]].strip()
        if region not in _REGIONS:
            raise t.error(line, "region", f"unknown region {region!r}; {_one_of(REGIONS)}")
        service = row[p["service_type"]].strip()
        if service not in _SERVICES:
            raise t.error(line, "service_type", f"unknown service type {service!r}; "
                                                f"{_one_of(SERVICE_TYPE_NAMES)}")
        raw = row[p["level"]].strip()
        level = _SCORE.get(raw) or _int(t, line, "level", raw, 1, 4)
        online = _ONLINE.get(row[p["online"]].strip().lower())
        if online is None:
            raise t.error(line, "online", f"expected yes or no, got {row[p['online']]!r}")
        lqf = tuple(_SCORE.get(row[k].strip(), 0) for k in self.lqf_pos)
        if 0 in lqf:
            code = ELEMENT_CODES[lqf.index(0)]
            raw = row[p[code]].strip()
            try:
                int(raw)
            except ValueError:
                raise t.error(line, code, f"expected a whole number 1-4, got {raw!r}") from None
            raise t.error(line, code, f"score {raw} is outside 1-4")
        return (pid, row[p["organisation"]].strip(), region, row[p["local_authority"]].strip(),
                service, level, online, lqf)

    def topic_list(self, line, row, col):
        raw = row[self.t.pos[col]]
        got = self._topic_cache.get(raw)
        if got is None:
            got = _codes(self.t, line, col, raw, self.topics, "topic",
                         " (or declare it in a topics file with --topics)")
            self._topic_cache[raw] = got
        return got

    def person(self, line, row):
        common = self.common(line, row)
        t = self.t
        if self.kind is Mentee:
            return _unchecked(Mentee, (*common, self.topic_list(line, row, "needs")))
        if self.kind is Mentor:
            cap = _int(t, line, "capacity", row[t.pos["capacity"]].strip(), 0)
            return _unchecked(Mentor, (*common, self.topic_list(line, row, "offers"), cap))
        tags = _codes(t, line, "affinity", row[t.pos["affinity"]], AFFINITY_TAGS,
                      "affinity tag")
        # the CSV has no "online only" column: online means can meet online
        return _unchecked(SetMember, (*common, self.topic_list(line, row, "needs"), tags, False))


def _people(path, kind, topics):
    t = _Table(path, columns_of(kind))
    rows = _RowReader(t, kind, topics or ())
    out = [rows.person(line, row) for line, row in t]
    if not out:
        raise DataError(path, 2, "-", "file has a header but no people")
    return out


def read_mentees_csv(path, topics=()) -> list[Mentee]:
    """Read mentees (common columns, 28 LQF scores, ``needs``); raise DataError on bad input.

    ``topics`` are codes declared on top of :data:`matching.topics.TOPIC_NAMES`.
    """
    return _people(path, Mentee, topics)


def read_mentors_csv(path, topics=()) -> list[Mentor]:
    """Read mentors (common columns, 28 LQF scores, ``offers``, ``capacity``)."""
    return _people(path, Mentor, topics)


def read_members_csv(path, topics=()) -> list[SetMember]:
    """Read set members (common columns, 28 LQF scores, ``needs``, ``affinity``)."""
    return _people(path, SetMember, topics)


_CODE = re.compile(r"[a-z0-9_]+")


def read_topics_csv(path) -> dict[str, str]:
    """Read a coordinator's own topics: columns ``code,name``; returns code -> name.

    A code is lower-case letters, digits and ``_``; it may not repeat.
    """
    t = _Table(path, ("code", "name"))
    out, seen = {}, {}
    for line, row in t:
        code, name = row[t.pos["code"]].strip(), row[t.pos["name"]].strip()
        if not _CODE.fullmatch(code):
            raise t.error(line, "code", f"topic code {code!r} must be lower-case letters, "
                                        "digits and _ (for example night_staffing)")
        if code in seen:
            raise t.error(line, "code", f"duplicate topic {code!r} (first on line {seen[code]})")
        if not name:
            raise t.error(line, "name", f"topic {code!r} has no name")
        seen[code] = line
        out[code] = name
    return out


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
    text = _read_text(path)
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
    names = [f.name for f in fields(cls)]
    for key, value in data.items():
        try:
            cls.from_mapping({key: value, **{k: 1 for k in names if k != key}})
        except (TypeError, ValueError) as e:
            raise DataError(path, where(key), key, str(e)) from None
    try:
        return cls.from_mapping(data)
    except (TypeError, ValueError) as e:
        raise DataError(path, 1, "-", str(e)) from None
