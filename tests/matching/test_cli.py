"""The command line: happy paths and every kind of bad input, run as a subprocess."""

import csv
import json
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from matching.lqf import ELEMENT_CODES
from matching_instances import member_case, mentor_case

ROOT = Path(__file__).resolve().parents[2]


def run(*args, hash_seed="0"):
    env = dict(os.environ, PYTHONPATH=str(ROOT), PYTHONHASHSEED=hash_seed)
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
    assert "matched" in r.stderr
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


def sets_cmd(d, *extra, hash_seed="0"):
    return run("sets", "--members", d / "members.csv", "--out", d / "out.csv", "--min-size", 3,
               "--max-size", 5, *extra, hash_seed=hash_seed)


def test_sets_happy_path(tmp_path):
    write(tmp_path / "members.csv", member_case(5, 40, n_orgs=20, n_regions=2))
    r = sets_cmd(tmp_path, "--summary-out", tmp_path / "summary.json")
    assert r.returncode == 0, r.stderr
    with open(tmp_path / "out.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 40 and list(rows[0]) == ["set_id", "member_id", "set_note", "reason"]
    assert all(row["set_id"] or row["reason"] for row in rows)
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["placed"] == sum(1 for row in rows if row["set_id"])
    assert summary["sets"] and "stats" in summary


def test_summary_lines_are_plain_words(tmp_path, files):
    write(tmp_path / "members.csv", member_case(5, 40, n_orgs=20, n_regions=2))
    lines = [sets_cmd(tmp_path).stderr, mentors_cmd(files).stderr]
    for text in lines:
        assert len(text.strip().splitlines()) == 1, text
        for jargon in ("bound", "candidate", "round(s)", "CP-SAT", "gap", "quality"):
            assert jargon not in text, text
    assert "members are placed" in lines[0]
    write(tmp_path / "members.csv", member_case(5, 40, n_orgs=20, n_regions=9, p_online=0.0))
    text = sets_cmd(tmp_path).stderr
    assert "could not be placed (" in text and "in person only" in text


@pytest.mark.parametrize("line,column,value", [
    (2, "affinity", "cyclists"), (3, "region", "Mars"), (4, "CV3", "4.5"), (4, "id", "m0"),
    (5, "service_type", "Care Home"), (6, "needs", "finances"), (3, "level", "5"),
    (2, "online", "sometimes"),
])
def test_sets_bad_input(tmp_path, line, column, value):
    write(tmp_path / "members.csv", member_case(6, 10))
    edit(tmp_path / "members.csv", line, column, value)
    r = sets_cmd(tmp_path)
    assert_clean_failure(r, tmp_path, "members.csv", line, column)
    assert repr(value) in r.stderr or value in r.stderr


def test_coordinators_topics_are_declared_with_a_topics_file(tmp_path):
    write(tmp_path / "members.csv", member_case(6, 10))
    edit(tmp_path / "members.csv", 4, "needs", "night_staffing;finance")
    assert_clean_failure(sets_cmd(tmp_path), tmp_path, "members.csv", 4, "needs")
    (tmp_path / "topics.csv").write_text("code,name\nnight_staffing,Night staffing\n")
    r = sets_cmd(tmp_path, "--topics", tmp_path / "topics.csv")
    assert r.returncode == 0, r.stderr


def test_no_output_names_an_affinity_network(tmp_path):
    people = member_case(12, 60, n_orgs=30, n_regions=3, p_tag=0.0)
    people[0] = replace(people[0], affinity=("entrepreneurs",))  # the only one
    people[1:3] = [replace(p, affinity=("women", "bame")) for p in people[1:3]]
    write(tmp_path / "members.csv", people)
    r = sets_cmd(tmp_path, "--summary-out", tmp_path / "summary.json")
    assert r.returncode == 0, r.stderr
    for text in (r.stderr, (tmp_path / "out.csv").read_text(),
                 (tmp_path / "summary.json").read_text()):
        for tag in ("bame", "women", "entrepreneurs"):
            assert tag not in text.lower()


def test_blank_organisations_never_count_as_shared(tmp_path):
    people = [replace(p, organisation="") for p in member_case(8, 32, n_regions=1)]
    write(tmp_path / "members.csv", people)
    r = run("sets", "--members", tmp_path / "members.csv", "--out", tmp_path / "out.csv")
    assert r.returncode == 0, r.stderr
    text = (tmp_path / "out.csv").read_text()
    assert "organisation" not in text
    assert r.stderr.startswith("All 32 members are placed")


@pytest.mark.parametrize("n", [60, 1500])
def test_same_input_and_seed_give_byte_identical_files(tmp_path, n):
    write(tmp_path / "members.csv", member_case(13, n, n_orgs=n // 4, n_regions=4, p_tag=0.3))
    outputs = []
    for hash_seed in ("1", "2"):
        r = sets_cmd(tmp_path, "--seed", 3, "--summary-out", tmp_path / "summary.json",
                     hash_seed=hash_seed)
        assert r.returncode == 0, r.stderr
        outputs.append(((tmp_path / "out.csv").read_bytes(),
                        (tmp_path / "summary.json").read_bytes()))
    assert outputs[0] == outputs[1]


def test_help_lists_the_columns_and_the_defaults():
    for command, columns in (("mentors", ["capacity", "offers", "needs", "service_type"]),
                             ("sets", ["affinity", "needs", "PQ1..DS4", "care_home"])):
        r = run(command, "--help")
        assert r.returncode == 0
        for c in columns:
            assert c in r.stdout
    text = run("sets", "--help").stdout
    assert "(default: 6)" in text and "(default: 8)" in text and "(default: 0)" in text


def test_example_files_run_as_is(tmp_path):
    d = tmp_path / "example"
    r = run("example", d)
    assert r.returncode == 0, r.stderr
    names = sorted(p.name for p in d.iterdir())
    assert names == ["README.md", "members.csv", "mentees.csv", "mentors.csv",
                     "set_weights.json", "topics.csv", "weights.json"]
    readme = (d / "README.md").read_text()
    for column in ("service_type", "capacity", "affinity", "PQ1..DS4", "local_authority"):
        assert column in readme
    r = run("mentors", "--mentees", d / "mentees.csv", "--mentors", d / "mentors.csv",
            "--topics", d / "topics.csv", "--weights", d / "weights.json", "--out",
            d / "m.csv")
    assert r.returncode == 0, r.stderr
    r = run("sets", "--members", d / "members.csv", "--topics", d / "topics.csv", "--weights",
            d / "set_weights.json", "--min-size", 4, "--max-size", 6, "--out", d / "s.csv")
    assert r.returncode == 0, r.stderr
    again = run("example", d)  # never overwrites
    assert again.returncode != 0 and len(again.stderr.strip().splitlines()) == 1


def one_line_failure(r):
    assert r.returncode != 0
    assert len(r.stderr.strip().splitlines()) == 1, r.stderr
    assert "Traceback" not in r.stderr
    return r.stderr


def test_output_in_a_missing_folder_is_one_line(tmp_path):
    write(tmp_path / "members.csv", member_case(6, 10))
    r = run("sets", "--members", tmp_path / "members.csv", "--out", tmp_path / "nodir" / "o.csv")
    assert "does not exist" in one_line_failure(r)
    assert not (tmp_path / "nodir").exists()


@pytest.mark.parametrize("args,words", [
    (["--min-size", "1"], "--min-size"), (["--min-size", "x"], "--min-size"),
    (["--min-size", "6", "--max-size", "4"], "--max-size"), (["--time-limit", "-1"],
                                                              "--time-limit"),
])
def test_bad_size_option_is_an_option_error(tmp_path, args, words):
    write(tmp_path / "members.csv", member_case(6, 10))
    r = run("sets", "--members", tmp_path / "members.csv", "--out", tmp_path / "o.csv", *args)
    text = one_line_failure(r)
    assert words in text and "members.csv" not in text and "line" not in text
    assert r.returncode == 2 and not (tmp_path / "o.csv").exists()


def test_windows_1252_and_semicolon_files_get_a_hint(tmp_path):
    write(tmp_path / "members.csv", member_case(6, 10))
    with open(tmp_path / "members.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    rows[6][1] = "Ystrad Café"
    with open(tmp_path / "members.csv", "w", newline="", encoding="cp1252") as f:
        csv.writer(f).writerows(rows)
    text = one_line_failure(sets_cmd(tmp_path))
    assert "line 7, column organisation" in text and "UTF-8" in text
    with open(tmp_path / "members.csv", "w", newline="", encoding="utf-8") as f:
        csv.writer(f, delimiter=";").writerows(rows)
    assert "semicolon-separated" in one_line_failure(sets_cmd(tmp_path))


def test_a_time_limit_that_stops_the_search_is_reported(tmp_path):
    write(tmp_path / "members.csv", member_case(14, 3000, n_orgs=600, n_regions=9))
    r = run("sets", "--members", tmp_path / "members.csv", "--out", tmp_path / "out.csv",
            "--time-limit", "0.01")
    assert r.returncode == 0, r.stderr
    assert "time limit stopped the search" in r.stderr
