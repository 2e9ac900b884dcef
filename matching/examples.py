"""Small sample input files for ``python -m matching example DIR``: they run as they are."""

from __future__ import annotations

import json
import random

from .io import COLUMNS, columns_of
from .lqf import ELEMENT_CODES
from .model import Mentee, Mentor, SetMember
from .topics import SERVICE_TYPE_NAMES, TOPIC_NAMES

__all__ = ["example_files"]

_ORGS = ("Oakfield Care", "Riverside Homes", "Brightway Support", "Meadow House",
         "Harbour Lights Care", "Greenacres Living", "Beacon Home Care", "Willow Court",
         "Kingsmead Services", "Ashby Day Centre", "")
_LAS = {"London": ("Camden", "Hackney", "Croydon"), "North West": ("Bolton", "Wigan"),
        "South East": ("Kent", "Surrey")}
_OWN_TOPIC = ("night_staffing", "Night staffing")


def _rows(kind, n, rng, prefix):
    topics = list(TOPIC_NAMES) + [_OWN_TOPIC[0]]
    rows = []
    for k in range(n):
        region = rng.choice(tuple(_LAS))
        row = {"id": f"{prefix}{k + 1:02d}", "organisation": _ORGS[k % len(_ORGS)],
               "region": region, "local_authority": rng.choice(_LAS[region]),
               "service_type": rng.choice(tuple(SERVICE_TYPE_NAMES)),
               "level": str(rng.randint(2, 4) if kind is Mentor else rng.randint(1, 3)),
               "online": "no" if k % 4 == 0 else "yes"}
        base = rng.randint(1, 3)
        row.update({c: str(min(4, max(1, base + rng.randint(-1, 1)))) for c in ELEMENT_CODES})
        picks = ";".join(rng.sample(topics, rng.randint(1, 3)))
        if kind is Mentor:
            row.update(offers=picks, capacity=str(rng.randint(1, 3)))
        else:
            row["needs"] = picks
        if kind is SetMember:
            row["affinity"] = ("women" if k % 3 == 0 else "") + (";bame" if k % 5 == 0 else "")
            row["affinity"] = row["affinity"].strip(";")
        rows.append(row)
    return rows


def _csv(kind, rows):
    cols = columns_of(kind)
    lines = [",".join(cols)]
    for row in rows:
        lines.append(",".join(row[c] for c in cols))
    return "\n".join(lines) + "\n"


def _readme():
    def table(kind):
        cols = [c for c in columns_of(kind) if c not in ELEMENT_CODES]
        cols.insert(cols.index("online") + 1, "PQ1..DS4")
        return "\n".join(f"- `{c}`: {COLUMNS[c]}" for c in cols)

    return f"""# Sample files for `python -m matching`

Run them as they are, from this folder:

```
python -m matching mentors --mentees mentees.csv --mentors mentors.csv --topics topics.csv \\
    --weights weights.json --out matches.csv
python -m matching sets --members members.csv --topics topics.csv --weights set_weights.json \\
    --min-size 4 --max-size 6 --out sets.csv
```

All files are CSV with a header row, saved as UTF-8 with commas between the columns.
Lists inside a cell (needs, offers, affinity) are separated by `;`.

## mentees.csv

{table(Mentee)}

## mentors.csv

{table(Mentor)}

## members.csv (action learning sets)

{table(SetMember)}

## topics.csv (optional): your own topics

- `code`: lower-case letters, digits and `_`, used in needs and offers
- `name`: the name people read

The built-in topic codes are: {", ".join(TOPIC_NAMES)}.

## weights.json and set_weights.json (optional)

How much each part of a score counts (any non-negative numbers; they are scaled to add up).
Mentor matching: `needs`, `lqf`, `level`, `service_type`, `local_authority`.
Sets: `service_mix`, `lqf`, `shared_needs`, `local_authority`.
"""


def example_files(seed: int = 0) -> dict[str, str]:
    """File name -> text of every sample file (the same for the same seed)."""
    rng = random.Random(seed)
    return {
        "mentees.csv": _csv(Mentee, _rows(Mentee, 12, rng, "E")),
        "mentors.csv": _csv(Mentor, _rows(Mentor, 6, rng, "R")),
        "members.csv": _csv(SetMember, _rows(SetMember, 26, rng, "M")),
        "topics.csv": f"code,name\n{_OWN_TOPIC[0]},{_OWN_TOPIC[1]}\n",
        "weights.json": json.dumps({"needs": 40, "lqf": 30, "level": 10, "service_type": 10,
                                    "local_authority": 10}, indent=2) + "\n",
        "set_weights.json": json.dumps({"service_mix": 25, "lqf": 30, "shared_needs": 30,
                                        "local_authority": 15}, indent=2) + "\n",
        "README.md": _readme(),
    }

