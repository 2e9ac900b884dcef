"""The command line: happy paths and every kind of bad input, run as a subprocess."""

import csv
import os
import subprocess
import sys
from pathlib import Path

import pytest

from matching.lqf import ELEMENT_CODES
from matching_instances import member_case, mentor_case

ROOT = Path(__file__).resolve().parents[2]


def run(*args):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "matching", *map(str, args)], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=120)


def write(path, people):
    rows = []
    for p in people:
        row = {"id": p.id, "organisation": p.organisation, "region": p.region,
               "local_authority": p.local_authority, "service_type": p.service_type,
               "level": p.level, "online": "yes" if p.online else "no"}
        row.update(zip(ELEMENT_CODES, p.lqf, strict=True))
        if hasattr(p, "offers"):
            row.update(offers=";".join(p.offers), capacity=p.capacity)
        else:
            row["needs"] = ";".join(p.needs)
        if hasattr(p, "affinity"):
            row["affinity"] = ";".join(p.affinity)
        rows.append(row)
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)


def edit(path, line, column, value):
    """Set one cell (line numbers count the header as line 1)."""
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    rows[line - 1][rows[0].index(column)] = value
    with open(path, "w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(rows)


@pytest.fixture
def files(tmp_path):
    mentees, mentors = mentor_case(11, 12, 5, n_orgs=6)
    write(tmp_path / "mentees.csv", mentees)
    write(tmp_path / "mentors.csv", mentors)
    return tmp_path


def mentors_cmd(d, *extra):
    return run("mentors", "--mentees", d / "mentees.csv", "--mentors", d / "mentors.csv",
               "--out", d / "out.csv", *extra)


def test_mentors_happy_path(files):
    (files / "declined.csv").write_text("mentee_id,mentor_id\ne0,r0\n")
    (files / "w.json").write_text('{"needs": 50, "lqf": 20}')
    r = mentors_cmd(files, "--declined", files / "declined.csv", "--weights", files / "w.json",
                    "--scores-out", files / "scores.csv")
    assert r.returncode == 0, r.stderr
    assert "matched" in r.stderr and "total score" in r.stderr
    with open(files / "out.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 12 and list(rows[0]) == ["mentee_id", "mentor_id", "score", "explanation"]
    assert all(row["explanation"] for row in rows)
    with open(files / "scores.csv", newline="") as f:
        scores = {(r["mentee_id"], r["mentor_id"]): float(r["score"]) for r in csv.DictReader(f)}
    assert ("e0", "r0") not in scores
    for row in rows:
        if row["mentor_id"]:
            assert scores[row["mentee_id"], row["mentor_id"]] == float(row["score"])


def assert_clean_failure(r, d, name, line, column):
    assert r.returncode != 0
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr
    assert "Traceback" not in r.stderr
    assert name in lines[0] and f"line {line}, column {column}:" in lines[0]
    assert not (d / "out.csv").exists()
    assert not [p for p in os.listdir(d) if p.startswith(".tmp-")]


@pytest.mark.parametrize("line,column,value", [
    (3, "region", "Wales"),
    (2, "MS2", "5"),
    (4, "PQ1", "0"),
    (5, "level", "three"),
    (2, "online", "maybe"),
    (6, "DS4", "x"),
])
def test_mentors_bad_cell(files, line, column, value):
    edit(files / "mentees.csv", line, column, value)
    assert_clean_failure(mentors_cmd(files), files, "mentees.csv", line, column)


def test_mentors_bad_capacity(files):
    edit(files / "mentors.csv", 3, "capacity", "-1")
    assert_clean_failure(mentors_cmd(files), files, "mentors.csv", 3, "capacity")
    edit(files / "mentors.csv", 3, "capacity", "two")
    assert_clean_failure(mentors_cmd(files), files, "mentors.csv", 3, "capacity")


def test_missing_column(files):
    text = (files / "mentors.csv").read_text().replace(",capacity", ",places", 1)
    (files / "mentors.csv").write_text(text)
    assert_clean_failure(mentors_cmd(files), files, "mentors.csv", 1, "capacity")


def test_duplicate_id(files):
    edit(files / "mentees.csv", 5, "id", "e0")
    assert_clean_failure(mentors_cmd(files), files, "mentees.csv", 5, "id")


def test_empty_file(files):
    (files / "mentors.csv").write_text("")
    assert_clean_failure(mentors_cmd(files), files, "mentors.csv", 1, "-")


@pytest.mark.parametrize("kind", ["declined", "locked"])
@pytest.mark.parametrize("column,pair", [("mentee_id", "nobody,r0"), ("mentor_id", "e0,nobody")])
def test_unknown_id_in_pairs(files, kind, column, pair):
    (files / f"{kind}.csv").write_text(f"mentee_id,mentor_id\ne1,r1\n{pair}\n")
    r = mentors_cmd(files, f"--{kind}", files / f"{kind}.csv")
    assert_clean_failure(r, files, f"{kind}.csv", 3, column)


def test_locked_pair_breaking_a_rule(files):
    # e0 and a mentor of the same organisation
    with open(files / "mentees.csv", newline="") as f:
        org = next(csv.DictReader(f))["organisation"]
    edit(files / "mentors.csv", 2, "organisation", org)
    (files / "locked.csv").write_text("mentee_id,mentor_id\ne0,r0\n")
    r = mentors_cmd(files, "--locked", files / "locked.csv")
    assert_clean_failure(r, files, "locked.csv", 2, "mentor_id")


def test_bad_weights(files):
    (files / "w.json").write_text('{\n  "needs": 1,\n  "colour": 2\n}')
    assert_clean_failure(mentors_cmd(files, "--weights", files / "w.json"), files,
                         "w.json", 3, "colour")
    (files / "w.json").write_text('{"needs": 1,,}')
    assert_clean_failure(mentors_cmd(files, "--weights", files / "w.json"), files,
                         "w.json", 1, 13)


def test_failure_keeps_scores_out_unwritten(files):
    edit(files / "mentors.csv", 2, "region", "Atlantis")
    r = mentors_cmd(files, "--scores-out", files / "scores.csv")
    assert_clean_failure(r, files, "mentors.csv", 2, "region")
    assert not (files / "scores.csv").exists()


def sets_cmd(d, *extra):
    return run("sets", "--members", d / "members.csv", "--out", d / "out.csv", "--min-size", 3,
               "--max-size", 5, "--time-limit", 0.5, *extra)


def test_sets_happy_path(tmp_path):
    write(tmp_path / "members.csv", member_case(5, 40, n_orgs=20, n_regions=2))
    r = sets_cmd(tmp_path, "--summary-out", tmp_path / "summary.csv")
    assert r.returncode == 0, r.stderr
    with open(tmp_path / "out.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 40 and list(rows[0])[:2] == ["set_id", "member_id"]
    assert all(row["set_id"] or row["reason"] for row in rows)
    assert "worst set quality" in r.stderr
    # The summary says whether the number left out is the proven minimum.
    placed = sum(1 for row in rows if row["set_id"])
    expected = "everyone placed" if placed == 40 else "proven minimal"
    assert expected in r.stderr or "best found" in r.stderr
    assert (tmp_path / "summary.csv").exists()


@pytest.mark.parametrize("line,column,value", [
    (2, "affinity", "cyclists"), (3, "region", "Mars"), (4, "CV3", "4.5"), (4, "id", "m0"),
])
def test_sets_bad_input(tmp_path, line, column, value):
    write(tmp_path / "members.csv", member_case(6, 10))
    edit(tmp_path / "members.csv", line, column, value)
    assert_clean_failure(sets_cmd(tmp_path), tmp_path, "members.csv", line, column)
