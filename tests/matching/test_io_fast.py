"""The CSV readers' column-wise fast path gives exactly what the row-by-row path gives, and
errors are still reported for the first bad cell in file order."""

import csv

import pytest

import matching.io as mio
from matching.io import DataError, read_members_csv, read_mentees_csv, read_mentors_csv
from matching_instances import member_case, mentor_case
from test_cli import write


def _slow(monkeypatch, reader, path):
    with monkeypatch.context() as m:
        m.setattr(mio, "_fast_people", lambda *a: None)
        return reader(path)


def _recording(fn, results):
    """``fn``, appending each result to ``results`` as well as returning it."""
    def wrapper(*args):
        results.append(fn(*args))
        return results[-1]
    return wrapper


def _scuff(path, seed):
    """Spaces, case and tag variants the readers accept, in some cells."""
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    head = rows[0]
    for k, row in enumerate(rows[1:]):
        if (k + seed) % 3 == 0:
            row[head.index("online")] = " " + row[head.index("online")].upper()
            row[head.index("PQ1")] = f" {row[head.index('PQ1')]} "
            row[head.index("region")] += " "
        if seed == 2 and k % 4 == 1:  # valid, but only the row-by-row path reads it
            row[head.index("level")] = "0" + row[head.index("level")]
        col = "offers" if "offers" in head else "needs"
        c = head.index(col)
        if (k + seed) % 5 == 2 and row[c]:
            row[c] = row[c] + "; " + row[c].split(";")[0]
        if "capacity" in head and (k + seed) % 6 == 3:
            row[head.index("capacity")] = " " + row[head.index("capacity")]
    rows.append([""] * len(head))  # blank line: skipped
    with open(path, "w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(rows)


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("scuffed", [False, True])
def test_fast_and_row_paths_agree(tmp_path, monkeypatch, seed, scuffed):
    mentees, mentors = mentor_case(seed, 40, 15)
    members = member_case(seed, 30)
    cases = [(read_mentees_csv, mentees), (read_mentors_csv, mentors),
             (read_members_csv, members)]
    for k, (reader, people) in enumerate(cases):
        path = tmp_path / f"p{k}.csv"
        write(path, people)
        if scuffed:
            _scuff(path, seed)
        used = []
        with monkeypatch.context() as m:
            m.setattr(mio, "_fast_people", _recording(mio._fast_people, used))
            fast = reader(path)
        assert (used[0] is not None) == (not scuffed or seed != 2)
        assert fast == _slow(monkeypatch, reader, path)
        if not scuffed:
            assert fast == people


def _rows(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.reader(f))


def test_first_bad_cell_wins_over_later_row_problems(tmp_path):
    mentees, _ = mentor_case(4, 12, 3)
    path = tmp_path / "m.csv"
    write(path, mentees)
    rows = _rows(path)
    rows[2][rows[0].index("MS2")] = "5"        # line 3
    rows[5] = rows[5][:4]                      # line 6: short row
    with open(path, "w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(rows)
    with pytest.raises(DataError) as e:
        read_mentees_csv(path)
    assert (e.value.line, e.value.column) == (3, "MS2")
    assert "score 5 is outside 1-4" in str(e.value)


def test_first_bad_cell_wins_over_later_malformed_csv(tmp_path):
    mentees, _ = mentor_case(5, 12, 3)
    path = tmp_path / "m.csv"
    write(path, mentees)
    rows = _rows(path)
    rows[3][rows[0].index("level")] = "x"      # line 4
    rows[8][1] = "o" * (csv.field_size_limit() + 1)   # line 9: the csv module refuses it
    with open(path, "w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(rows)
    with pytest.raises(DataError) as e:
        read_mentees_csv(path)
    assert (e.value.line, e.value.column) == (4, "level")
    rows[3][rows[0].index("level")] = "2"
    with open(path, "w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(rows)
    with pytest.raises(DataError, match="malformed CSV") as e:
        read_mentees_csv(path)
    assert e.value.line == 9


def test_duplicate_id_reported_on_its_line(tmp_path):
    _, mentors = mentor_case(6, 3, 8)
    path = tmp_path / "r.csv"
    write(path, mentors)
    rows = _rows(path)
    rows[7][0] = rows[2][0]
    with open(path, "w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(rows)
    with pytest.raises(DataError) as e:
        read_mentors_csv(path)
    assert e.value.line == 8 and "first on line 3" in str(e.value)
