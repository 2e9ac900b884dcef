"""Plain frozen dataclasses for people and weights, with their checks."""

from __future__ import annotations

from dataclasses import dataclass, fields

from .lqf import ELEMENT_CODES

__all__ = [
    "REGIONS", "AFFINITY_TAGS", "Mentee", "Mentor", "SetMember", "Weights", "GroupWeights",
    "organisation_key", "same_organisation",
]

#: The nine English regions, spelt exactly as in data files.
REGIONS: tuple[str, ...] = (
    "North East", "North West", "Yorkshire and the Humber", "East Midlands", "West Midlands",
    "East of England", "London", "South East", "South West",
)

#: Affinity tags recognised for action learning sets.
AFFINITY_TAGS: tuple[str, ...] = ("bame", "women", "entrepreneurs")

_N_LQF = len(ELEMENT_CODES)


def organisation_key(name: str) -> str:
    """Return the form of an organisation name used to compare organisations.

    Case and surrounding (and repeated inner) whitespace are ignored, so " Acme  Care" and
    "acme care" are one organisation. A blank name means the organisation is unknown; its key
    is ``""``, which callers must treat as different from everyone's, never as shared.

    Parameters
    ----------
    name : str
        The organisation as written in the data.

    Returns
    -------
    str
        The comparison key, ``""`` when the name is blank.
    """
    return " ".join(name.split()).casefold()


def same_organisation(a: str, b: str) -> bool:
    """True when two organisation names are known and name the same organisation."""
    key = organisation_key(a)
    return bool(key) and key == organisation_key(b)


def _check_person(p) -> None:
    if not isinstance(p.id, str) or not p.id:
        raise ValueError(f"id must be a non-empty string, got {p.id!r}")
    if p.region not in REGIONS:
        raise ValueError(f"unknown region {p.region!r} for {p.id!r}")
    if not isinstance(p.level, int) or isinstance(p.level, bool) or not 1 <= p.level <= 4:
        raise ValueError(f"level must be an integer 1-4, got {p.level!r} for {p.id!r}")
    if not isinstance(p.online, bool):
        raise ValueError(f"online must be True or False, got {p.online!r} for {p.id!r}")
    if len(p.lqf) != _N_LQF:
        raise ValueError(f"lqf must hold {_N_LQF} scores, got {len(p.lqf)} for {p.id!r}")
    for code, s in zip(ELEMENT_CODES, p.lqf, strict=True):
        if not isinstance(s, int) or isinstance(s, bool) or not 1 <= s <= 4:
            raise ValueError(f"LQF score {code}={s!r} for {p.id!r} is not an integer 1-4")
    for name in ("organisation", "local_authority", "service_type"):
        if not isinstance(getattr(p, name), str):
            raise ValueError(f"{name} must be a string, got {getattr(p, name)!r} for {p.id!r}")


def _tags(values) -> tuple[str, ...]:
    if isinstance(values, str):
        values = [v for v in values.split(";")]
    return tuple(dict.fromkeys(v.strip() for v in values if v.strip()))


def _unchecked(cls, values):
    """Build a person from values already checked and normalised (the CSV reader's fast path):
    the same object as ``cls(*values)`` without repeating the per-field checks."""
    obj = object.__new__(cls)
    for setter, v in zip(_SETTERS[cls], values, strict=True):
        setter(obj, v)
    return obj


@dataclass(frozen=True, slots=True)
class Mentee:
    """A person asking for a mentor.

    ``lqf`` holds the 28 element scores (1-4) in :data:`matching.lqf.ELEMENT_CODES` order;
    ``needs`` is a tuple of topic labels (a ``;``-separated string is accepted too).
    """

    id: str
    organisation: str
    region: str
    local_authority: str
    service_type: str
    level: int
    online: bool
    lqf: tuple[int, ...]
    needs: tuple[str, ...] = ()

    def __post_init__(self):
        object.__setattr__(self, "lqf", tuple(self.lqf))
        object.__setattr__(self, "needs", _tags(self.needs))
        _check_person(self)


@dataclass(frozen=True, slots=True)
class Mentor:
    """A person offering to mentor up to ``capacity`` mentees on the ``offers`` topics."""

    id: str
    organisation: str
    region: str
    local_authority: str
    service_type: str
    level: int
    online: bool
    lqf: tuple[int, ...]
    offers: tuple[str, ...] = ()
    capacity: int = 1

    def __post_init__(self):
        object.__setattr__(self, "lqf", tuple(self.lqf))
        object.__setattr__(self, "offers", _tags(self.offers))
        _check_person(self)
        c = self.capacity
        if not isinstance(c, int) or isinstance(c, bool) or c < 0:
            raise ValueError(f"capacity must be an integer >= 0, got {c!r} for {self.id!r}")


@dataclass(frozen=True, slots=True)
class SetMember:
    """A person to be placed in an action learning set."""

    id: str
    organisation: str
    region: str
    local_authority: str
    service_type: str
    level: int
    online: bool
    lqf: tuple[int, ...]
    needs: tuple[str, ...] = ()
    affinity: tuple[str, ...] = ()
    #: Meets only online: never in a set that meets in person (implies ``online``).
    online_only: bool = False

    def __post_init__(self):
        object.__setattr__(self, "lqf", tuple(self.lqf))
        object.__setattr__(self, "needs", _tags(self.needs))
        object.__setattr__(self, "affinity", _tags(self.affinity))
        _check_person(self)
        if not isinstance(self.online_only, bool):
            raise ValueError(f"online_only must be True or False, got {self.online_only!r} "
                             f"for {self.id!r}")
        if self.online_only and not self.online:
            raise ValueError(f"{self.id!r} meets only online but online is False")
        for tag in self.affinity:
            if tag not in AFFINITY_TAGS:
                raise ValueError(f"unknown affinity tag {tag!r} for {self.id!r}")


def _check_weights(w) -> None:
    total = 0.0
    for f in fields(w):
        v = getattr(w, f.name)
        if (isinstance(v, bool) or not isinstance(v, (int, float)) or not v >= 0
                or v == float("inf")):
            raise ValueError(f"weight {f.name} must be a finite number >= 0, got {v!r}")
        total += v
    if total <= 0:
        raise ValueError("at least one weight must be positive")


@dataclass(frozen=True, slots=True)
class Weights:
    """Relative weights of the parts of a mentor-mentee pair score (any scale; normalised)."""

    needs: float = 35.0
    lqf: float = 30.0
    level: float = 15.0
    service_type: float = 10.0
    local_authority: float = 10.0

    def __post_init__(self):
        _check_weights(self)

    @classmethod
    def from_mapping(cls, data) -> Weights:
        """Build weights from a mapping, rejecting unknown keys (ValueError names them)."""
        return _from_mapping(cls, data)


@dataclass(frozen=True, slots=True)
class GroupWeights:
    """Relative weights of the parts of an action learning set's quality (any scale)."""

    service_mix: float = 25.0
    lqf: float = 30.0
    shared_needs: float = 30.0
    local_authority: float = 15.0

    def __post_init__(self):
        _check_weights(self)

    @classmethod
    def from_mapping(cls, data) -> GroupWeights:
        """Build weights from a mapping, rejecting unknown keys (ValueError names them)."""
        return _from_mapping(cls, data)


# slot descriptors' setters (they bypass the frozen __setattr__), used by _unchecked
_SETTERS = {cls: [cls.__dict__[name].__set__ for name in cls.__slots__]
            for cls in (Mentee, Mentor, SetMember)}


def _from_mapping(cls, data):
    if not isinstance(data, dict):
        raise ValueError(f"weights must be a JSON object, got {type(data).__name__}")
    known = {f.name for f in fields(cls)}
    unknown = sorted(set(data) - known)
    if unknown:
        raise ValueError(f"unknown weight {unknown[0]!r}; expected some of {sorted(known)}")
    return cls(**data)
