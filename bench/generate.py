"""Synthetic, realistic-looking people for benchmarks: mentees, mentors and set members."""

from __future__ import annotations

import csv
import os

import numpy as np

from matching.lqf import ELEMENT_CODES
from matching.model import AFFINITY_TAGS, REGIONS, Mentee, Mentor, SetMember

SERVICES = ("care_home", "nursing_home", "home_care", "supported_living", "extra_care_housing",
            "shared_lives", "day_service")
TOPICS = ("people_management", "leadership", "business_skills", "communication", "safeguarding",
          "cqc_inspection", "recruitment_retention", "finance", "dementia_care", "digital",
          "wellbeing", "quality_improvement", "partnership_working")
# Rough shares of people per region (bigger regions hold more services).
REGION_SHARE = np.array([5, 13, 10, 9, 10, 11, 14, 17, 11], float)


def _common(rng, n, n_orgs, n_las):
    region = rng.choice(len(REGIONS), n, p=REGION_SHARE / REGION_SHARE.sum())
    la = region * 1000 + rng.integers(0, n_las // len(REGIONS) + 1, n)
    # mostly small providers (a handful of people each), plus 40 large national providers
    # holding 15% of people across all regions
    big = rng.random(n) < 0.15
    org = np.where(big, rng.integers(0, 40, n), 40 + rng.integers(0, max(n_orgs - 40, 1), n))
    base = rng.integers(1, 5, (n, 1))
    lqf = np.clip(base + rng.integers(-1, 2, (n, len(ELEMENT_CODES))), 1, 4)
    return region, la, org, lqf


def _topics(rng, n, lo, hi):
    out = []
    for k in rng.integers(lo, hi + 1, n):
        out.append(tuple(TOPICS[t] for t in np.sort(rng.choice(len(TOPICS), k, replace=False))))
    return out


def mentor_instance(n_mentees: int, n_mentors: int, seed: int = 0):
    """Return (mentees, mentors) lists with capacity 1-3 and ~30% in-person-only people."""
    rng = np.random.default_rng(seed)
    n = n_mentees + n_mentors
    region, la, org, lqf = _common(rng, n, max(50, n // 12), 150)
    svc = rng.integers(0, len(SERVICES), n)
    online = rng.random(n) > 0.3
    level = np.concatenate([rng.integers(1, 4, n_mentees), rng.integers(2, 5, n_mentors)])
    needs = _topics(rng, n, 0, 4)
    offers = _topics(rng, n, 2, 6)
    cap = rng.integers(1, 4, n_mentors)
    mentees = [Mentee(f"E{k:06d}", f"org{org[k]}", REGIONS[region[k]], f"LA{la[k]}",
                      SERVICES[svc[k]], int(level[k]), bool(online[k]), tuple(lqf[k].tolist()),
                      needs[k]) for k in range(n_mentees)]
    mentors = [Mentor(f"R{k:06d}", f"org{org[q]}", REGIONS[region[q]], f"LA{la[q]}",
                      SERVICES[svc[q]], int(level[q]), bool(online[q]), tuple(lqf[q].tolist()),
                      offers[q], int(cap[k]))
               for k, q in enumerate(range(n_mentees, n))]
    return mentees, mentors


def set_instance(n_members: int, seed: int = 0):
    """Return a list of SetMember with affinity tags and ~20% in-person-only people."""
    rng = np.random.default_rng(seed)
    region, la, org, lqf = _common(rng, n_members, max(50, n_members // 6), 150)
    svc = rng.integers(0, len(SERVICES), n_members)
    online = rng.random(n_members) > 0.2
    level = rng.integers(1, 5, n_members)
    needs = _topics(rng, n_members, 0, 4)
    tags = []
    for _ in range(n_members):
        t = []
        if rng.random() < 0.16:
            t.append("bame")
        if rng.random() < 0.5:
            t.append("women")
        if rng.random() < 0.1:
            t.append("entrepreneurs")
        tags.append(tuple(x for x in AFFINITY_TAGS if x in t))
    return [SetMember(f"M{k:06d}", f"org{org[k]}", REGIONS[region[k]], f"LA{la[k]}",
                      SERVICES[svc[k]], int(level[k]), bool(online[k]), tuple(lqf[k].tolist()),
                      needs[k], tags[k]) for k in range(n_members)]


def _common_row(p):
    row = {"id": p.id, "organisation": p.organisation, "region": p.region,
           "local_authority": p.local_authority, "service_type": p.service_type,
           "level": p.level, "online": "yes" if p.online else "no"}
    row.update(zip(ELEMENT_CODES, p.lqf, strict=True))
    return row


def write_people(path: str, people) -> None:
    """Write mentees, mentors or set members to a CSV file in the `python -m matching` format."""
    rows = []
    for p in people:
        row = _common_row(p)
        if isinstance(p, Mentor):
            row["offers"] = ";".join(p.offers)
            row["capacity"] = p.capacity
        else:
            row["needs"] = ";".join(p.needs)
        if isinstance(p, SetMember):
            row["affinity"] = ";".join(p.affinity)
        rows.append(row)
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as f:
        wr = csv.DictWriter(f, fieldnames=list(rows[0]) if rows else ["id"])
        wr.writeheader()
        wr.writerows(rows)
